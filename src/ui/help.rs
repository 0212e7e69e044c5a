//! The help overlay (`?`): a centred box listing every key binding from the app's single key
//! table. Pure function of `&App`'s size; depends on `app::keys` and the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use crate::app::keys::KEY_HELP;

use super::common::{cell, pane, put, width};
use super::theme;

/// Draws the overlay centred in `area`.
pub fn render(area: Rect, buf: &mut Buffer) {
    let key_w = KEY_HELP.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let text_w = KEY_HELP.iter().map(|(_, t)| width(t)).max().unwrap_or(0);
    let want_w = (key_w + text_w + 6) as u16;
    let want_h = KEY_HELP.len() as u16 + 4;
    let w = want_w.min(area.width);
    let h = want_h.min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(popup, buf);
    let inside = pane(popup, Line::from(" Keys "), true, buf);
    let iw = usize::from(inside.width);
    for (i, (keys, what)) in KEY_HELP.iter().enumerate() {
        let y = inside.y + i as u16;
        if y >= inside.y + inside.height {
            break;
        }
        let x = put(
            buf,
            inside.x + 1,
            y,
            &cell(keys, key_w, false),
            iw.saturating_sub(1),
            Style::new().add_modifier(Modifier::BOLD),
        );
        let used = usize::from(x - inside.x);
        put(
            buf,
            x + 2,
            y,
            what,
            iw.saturating_sub(used + 2),
            Style::new(),
        );
    }
    let footer_y = inside.y + KEY_HELP.len() as u16 + 1;
    if footer_y < inside.y + inside.height {
        put(
            buf,
            inside.x + 1,
            footer_y,
            "? or Esc closes this help",
            iw.saturating_sub(1),
            theme::dim(),
        );
    }
}
