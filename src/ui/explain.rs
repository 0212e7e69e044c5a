//! The explain panel (`e`): the narration of the selected packet (packet screen) or of the
//! selected or latest ladder arrow (flows screen), one paragraph per sentence, each opened by
//! its layer's name in the layer's colour (`Handshake` for the story of the connection),
//! wrapped to the pane. Pure function of `&App`; depends on `app` (read only), `explain` and
//! the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::teach::explain::{Narration, wrap};

use super::common::pane;
use super::paint::width;
use crate::ui::theme::Theme;

/// The label and style a sentence opens with.
fn label(t: Theme, n: &Narration) -> (&'static str, Style) {
    match n.layer {
        Some(l) => (l.name(), t.layer_style(l).add_modifier(Modifier::BOLD)),
        None => ("Handshake", Style::new().add_modifier(Modifier::BOLD)),
    }
}

/// The panel's lines for `narration`, `w` cells wide. A run of sentences about the same layer
/// names it once; the others open with a dot in its style. As many as
/// [`crate::teach::explain::panel_rows`] counts.
pub fn lines(t: Theme, narration: &[Narration], w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut prev = None;
    for n in narration {
        let (name, style) = label(t, n);
        let prefix = if prev == Some(n.layer) {
            "  · ".to_string()
        } else {
            format!("{name}: ")
        };
        prev = Some(n.layer);
        // Continuation lines hang under the text, two cells in.
        let text_lines = wrap(
            &n.text,
            w.saturating_sub(3),
            width(&prefix).saturating_sub(2),
        );
        for (i, t) in text_lines.into_iter().enumerate() {
            if i == 0 {
                out.push(Line::from(vec![
                    Span::raw(" "),
                    Span::styled(prefix.clone(), style),
                    Span::raw(t),
                ]));
            } else {
                out.push(Line::from(vec![Span::raw("   "), Span::raw(t)]));
            }
        }
    }
    out
}

/// Draws the panel into its bordered `area`.
pub fn render(t: Theme, app: &App, area: Rect, title: Line<'_>, focused: bool, buf: &mut Buffer) {
    let inside = pane(t, area, title, focused, buf);
    if inside.width == 0 || inside.height == 0 {
        return;
    }
    let narration = app.explanation();
    let w = usize::from(inside.width);
    let all = if narration.is_empty() {
        vec![Line::from(Span::styled(
            " select a packet: its layers and its part in the handshake are explained here",
            t.dim(),
        ))]
    } else {
        lines(t, &narration, w)
    };
    let h = usize::from(inside.height);
    let scroll = if app.screen() == crate::app::Screen::Packets {
        app.explain_scroll().min(all.len().saturating_sub(h))
    } else {
        0
    };
    for (i, line) in all.iter().skip(scroll).take(h).enumerate() {
        let y = inside.y + u16::try_from(i).unwrap_or(u16::MAX);
        buf.set_line(inside.x, y, line, inside.width);
    }
    if all.len() > scroll + h {
        let more = all.len() - scroll - h + 1;
        let text = if app.screen() == crate::app::Screen::Packets {
            format!(" ↓ {more} more (Tab, ↓) ")
        } else {
            format!(" ↓ {more} more (1: all) ")
        };
        let tw = u16::try_from(width(&text))
            .unwrap_or(u16::MAX)
            .min(inside.width);
        let x = inside.x + inside.width - tw;
        let y = inside.y + inside.height - 1;
        buf.set_style(Rect::new(inside.x, y, inside.width, 1), Style::reset());
        for cx in inside.x..inside.x + inside.width {
            if let Some(c) = buf.cell_mut((cx, y)) {
                c.set_symbol(" ");
            }
        }
        buf.set_line(x, y, &Line::from(Span::styled(text, t.dim())), tw);
        // Keep the line's start: it tells where the text stops.
        if let Some(line) = all.get(scroll + h - 1) {
            buf.set_line(inside.x, y, line, inside.width.saturating_sub(tw));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        let text = "The client picks a random initial sequence number and sends SYN";
        let l = wrap(text, 20, 6);
        assert!(width(&l[0]) <= 14, "{l:?}");
        assert!(l.iter().skip(1).all(|s| width(s) <= 20), "{l:?}");
        assert_eq!(l.join(" "), text);
        assert_eq!(wrap("", 10, 0), vec![String::new()]);
    }
}
