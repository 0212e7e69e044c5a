//! The help overlay (`?`): a centred box listing every key binding from the app's key tables
//! (the general keys, then the replay and demo keys), scrolled with ↑ ↓ when the terminal is
//! too short for all of them. Pure function of `&App`; depends on `app` and the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use crate::app::App;
use crate::app::keys::{FOLLOW_KEY_HELP, KEY_HELP, REPLAY_KEY_HELP};

use super::common::{cell, pane, put};
use super::paint::width;
use crate::ui::theme::Theme;

/// The overlay's rows: (keys, text, is a heading).
fn rows(app: &App) -> Vec<(&'static str, String, bool)> {
    let mut out: Vec<(&'static str, String, bool)> = Vec::new();
    out.extend(KEY_HELP.iter().map(|(k, t)| (*k, (*t).to_string(), false)));
    out.push(("", String::new(), false));
    out.push(("Replay and demo", String::new(), true));
    out.extend(
        REPLAY_KEY_HELP
            .iter()
            .map(|(k, t)| (*k, (*t).to_string(), false)),
    );
    out.push(("", String::new(), false));
    out.push(("Follow view (F)", String::new(), true));
    out.extend(
        FOLLOW_KEY_HELP
            .iter()
            .map(|(k, t)| (*k, (*t).to_string(), false)),
    );
    if app.redacting() {
        out.push(("", String::new(), false));
        out.push((
            "--redact",
            "addresses are masked, in the Bytes pane too".to_string(),
            false,
        ));
    }
    out
}

/// Draws the overlay centred in `area`, scrolled by the app's help scroll.
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let rows = rows(app);
    let key_w = rows
        .iter()
        .filter(|r| !r.2)
        .map(|(k, _, _)| width(k))
        .max()
        .unwrap_or(0);
    let text_w = rows.iter().map(|(_, t, _)| width(t)).max().unwrap_or(0);
    let want_w = (key_w + text_w + 6) as u16;
    let want_h = rows.len() as u16 + 4;
    let w = want_w.min(area.width);
    let h = want_h.min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(popup, buf);
    let inside = pane(t, popup, Line::from(" Keys "), true, buf);
    let iw = usize::from(inside.width);
    let visible = usize::from(inside.height.saturating_sub(1));
    let scroll = app.help_scroll().min(rows.len().saturating_sub(visible));
    for (i, (keys, what, heading)) in rows.iter().skip(scroll).take(visible).enumerate() {
        let y = inside.y + i as u16;
        if *heading {
            put(
                buf,
                inside.x + 1,
                y,
                keys,
                iw.saturating_sub(1),
                Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            );
            continue;
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
    let footer_y = inside.y + inside.height.saturating_sub(1);
    if inside.height >= 2 {
        let more = rows.len() > scroll + visible;
        let text = if more {
            "↓ more below · ? or Esc closes this help"
        } else if scroll > 0 {
            "↑ more above · ? or Esc closes this help"
        } else {
            "? or Esc closes this help"
        };
        put(
            buf,
            inside.x + 1,
            footer_y,
            text,
            iw.saturating_sub(1),
            t.dim(),
        );
    }
}
