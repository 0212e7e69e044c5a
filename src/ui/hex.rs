//! The hex + ASCII pane: 16 bytes per row with an offset column, each byte in the colour of
//! the layer whose header it belongs to, the selected field's bytes reversed, the byte where
//! decoding broke marked in vermillion, anything but printable ASCII shown as `.` (so no
//! packet byte can ever reach the terminal as a control character), and with `--redact` the
//! addresses' bytes masked like everywhere else (see [`App::hex_bytes`]). Only visible rows
//! are drawn. Pure function of `&App`; depends on `app` (read only), `decode` types and the ui
//! helpers.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::app::packets::{HEX_BYTES_PER_ROW, hex_byte_columns, hex_offset_digits, hex_rows};
use crate::app::{App, Detail, Focus};

use super::common::{pane, put, scrollbar};
use super::theme;
use crate::ui::theme::Theme;

/// The character the ASCII column shows for a byte: itself when printable ASCII, else `.`.
pub fn ascii(b: u8) -> char {
    if b.is_ascii_graphic() || b == b' ' {
        char::from(b)
    } else {
        '.'
    }
}

/// Style of byte `i` of the packet.
fn byte_style(t: Theme, d: &Detail, i: usize, selected: Option<&Range<usize>>) -> Style {
    // The topmost header containing the byte decides its colour.
    let mut style = match d
        .decoded
        .headers
        .iter()
        .rev()
        .find(|h| h.range.contains(&i))
    {
        Some(h) => t.layer_style(h.layer),
        None => t.fg(theme::UNOWNED),
    };
    if d.decoded
        .issues
        .iter()
        .any(|is| is.offset == i && is.kind.breaks())
    {
        style = t.issue();
    }
    if selected.is_some_and(|r| r.contains(&i)) {
        style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
    }
    style
}

/// Draws the hex pane into its bordered `area`, titled `title`.
pub fn render(t: Theme, app: &App, area: Rect, title: Line<'_>, buf: &mut Buffer) {
    let screen = app.packets();
    let focused = screen.focus() == Focus::Hex;
    let inside = pane(t, area, title, focused, buf);
    if inside.height == 0 || inside.width == 0 {
        return;
    }
    let Some(detail) = screen.detail() else {
        return;
    };
    let Some(view) = app.shown().get(detail.index) else {
        return;
    };
    // With `--redact`, address fields show their stand-in's bytes.
    let shown = app.hex_bytes(&detail.decoded, &view.data);
    let data: &[u8] = &shown;
    let selected = screen.selected_range();
    let digits = hex_offset_digits(data.len());
    let w = usize::from(inside.width);
    let total = hex_rows(data.len());
    let first = screen.hex_scroll().min(total);
    let visible = usize::from(inside.height);
    let mut y = inside.y;
    for line in first..total.min(first.saturating_add(visible)) {
        let start = line * HEX_BYTES_PER_ROW;
        let end = (start + HEX_BYTES_PER_ROW).min(data.len());
        let Some(bytes) = data.get(start..end) else {
            break;
        };
        put(buf, inside.x, y, &format!("{start:0digits$x}"), w, t.dim());
        for (j, b) in bytes.iter().enumerate() {
            let i = start + j;
            let style = byte_style(t, detail, i, selected.as_ref());
            let (hx, ax) = hex_byte_columns(digits, j);
            let x = inside.x + hx as u16;
            if hx + 2 <= w {
                put(buf, x, y, &format!("{b:02x}"), 2, style);
                // Join the highlight across the gap to the next selected byte.
                let next_selected = selected.as_ref().is_some_and(|r| r.contains(&(i + 1)));
                if j + 1 < bytes.len()
                    && next_selected
                    && selected.as_ref().is_some_and(|r| r.contains(&i))
                {
                    let gap_end = hex_byte_columns(digits, j + 1).0;
                    for gx in hx + 2..gap_end.min(w) {
                        put(
                            buf,
                            inside.x + gx as u16,
                            y,
                            " ",
                            1,
                            Style::new().add_modifier(Modifier::REVERSED),
                        );
                    }
                }
            }
            if ax < w {
                let mut tmp = [0u8; 4];
                put(
                    buf,
                    inside.x + ax as u16,
                    y,
                    ascii(*b).encode_utf8(&mut tmp),
                    1,
                    style,
                );
            }
        }
        y += 1;
    }
    // Say what the capture left out, if there is room below the bytes.
    let missing = detail.len.saturating_sub(data.len());
    if missing > 0 && first + visible > total && y < inside.y + inside.height {
        let text = format!("… {missing} more bytes on the wire were not captured");
        put(
            buf,
            inside.x,
            y,
            &text,
            w,
            t.dim().add_modifier(Modifier::ITALIC),
        );
    }
    if data.is_empty() {
        put(buf, inside.x, inside.y, "(no bytes captured)", w, t.dim());
    }
    scrollbar(t, area, total, first, visible, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_column_never_emits_control_characters() {
        for b in 0..=255u8 {
            let c = ascii(b);
            assert!(!c.is_control(), "byte {b:#x} shown as {c:?}");
            assert!(c.is_ascii());
        }
        assert_eq!(ascii(b'A'), 'A');
        assert_eq!(ascii(0x1b), '.');
        assert_eq!(ascii(0x7f), '.');
        assert_eq!(ascii(0xc3), '.');
    }
}
