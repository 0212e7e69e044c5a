//! Small drawing helpers shared by the panes: a titled pane border, a one-column scrollbar on
//! a border, and width-aware text fitting with an ellipsis. Depends on ratatui only.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};

use super::paint::{truncate, width};
use crate::ui::theme::Theme;

/// Draws a bordered pane titled `title`, highlighted when `focused`; returns its inside.
pub fn pane(t: Theme, area: Rect, title: Line<'_>, focused: bool, buf: &mut Buffer) -> Rect {
    let block = Block::bordered()
        .border_style(t.border(focused))
        .title(title);
    let inside = block.inner(area);
    block.render(area, buf);
    inside
}

/// Draws a scrollbar on the right border of the bordered `area` for a view of `visible` rows
/// starting at `offset` out of `total`. Nothing when everything fits.
pub fn scrollbar(
    t: Theme,
    area: Rect,
    total: usize,
    offset: usize,
    visible: usize,
    buf: &mut Buffer,
) {
    let styles = (t.border(true), t.border(false));
    scrollbar_styled(area, total, offset, visible, styles, buf);
}

/// [`scrollbar`] with the thumb's and the track's styles given (`(thumb, track)`).
pub fn scrollbar_styled(
    area: Rect,
    total: usize,
    offset: usize,
    visible: usize,
    (thumb_style, track_style): (Style, Style),
    buf: &mut Buffer,
) {
    let track = usize::from(area.height.saturating_sub(2));
    if total <= visible || track == 0 || area.width == 0 {
        return;
    }
    let x = area.x + area.width - 1;
    let total = total as u128;
    let visible = visible as u128;
    let track_u = track as u128;
    let thumb = (visible * track_u / total).clamp(1, track_u);
    let max_offset = total - visible;
    let offset = (offset as u128).min(max_offset);
    let pos = (offset * (track_u - thumb))
        .checked_div(max_offset)
        .unwrap_or(0);
    for i in 0..track {
        let y = area.y + 1 + i as u16;
        let on = (i as u128) >= pos && (i as u128) < pos + thumb;
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.set_symbol(if on { "█" } else { "│" })
                .set_style(if on { thumb_style } else { track_style });
        }
    }
}

/// `s` fitted to `w` cells and padded to exactly `w` (right-aligned when `right`).
pub fn cell(s: &str, w: usize, right: bool) -> String {
    let s = truncate(s, w);
    let pad = w.saturating_sub(width(&s));
    if right {
        format!("{}{s}", " ".repeat(pad))
    } else {
        format!("{s}{}", " ".repeat(pad))
    }
}

/// Writes `text` at (x, y) clipped to `max` cells; returns the column after it.
pub fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, max: usize, style: Style) -> u16 {
    if max == 0 {
        return x;
    }
    buf.set_stringn(x, y, text, max, style).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_ellipsis_by_width() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello", 4), "hel…");
        assert_eq!(truncate("hello", 0), "");
        assert_eq!(truncate("×××", 2), "×…");
        assert_eq!(cell("ab", 4, true), "  ab");
        assert_eq!(cell("ab", 4, false), "ab  ");
        assert_eq!(cell("abcdef", 4, false), "abc…");
    }

    #[test]
    fn scrollbar_thumb_moves_to_the_bottom() {
        let area = Rect::new(0, 0, 3, 12);
        let mut buf = Buffer::empty(area);
        scrollbar(Theme::default(), area, 100, 90, 10, &mut buf);
        let last = buf.cell((2, 10)).map(|c| c.symbol().to_string());
        let first = buf.cell((2, 1)).map(|c| c.symbol().to_string());
        assert_eq!(last.as_deref(), Some("█"));
        assert_eq!(first.as_deref(), Some("│"));
    }
}
