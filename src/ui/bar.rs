//! The bar at the bottom (one row above the status bar) while `/`, `Ctrl-F`, `:` or an
//! export asks for text: a label, the text typed with a cursor, and a hint or the problem.
//! A filter being typed is coloured as it is typed, as termshark does: green when it
//! compiles, red (with the message saying what and where) when it does not, plain while
//! empty; without colour, `✓` / `✗` say the same. Pure function of `&App`; depends on `app`
//! (read only), `sanitize` and the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::{App, Bar, BarKind, Target};
use crate::sanitize::sanitize;

use super::paint::width;
use super::theme::{self, Theme};

fn label(kind: BarKind) -> &'static str {
    match kind {
        BarKind::Filter(Target::Packets) => " Filter: ",
        BarKind::Filter(Target::Flows) => " Filter flows: ",
        BarKind::Find => " Find: ",
        BarKind::GoTo => " Go to: ",
        BarKind::Export { marked: false } => " Export shown to: ",
        BarKind::Export { marked: true } => " Export marked to: ",
    }
}

/// The hint or problem shown after the text, and whether it is a problem.
fn hint(bar: &Bar) -> (String, bool) {
    if !bar.candidates.is_empty() {
        let mut s = String::from("Tab: ");
        s.push_str(&bar.candidates.join(" "));
        return (s, false);
    }
    match (bar.kind, &bar.check) {
        // The suggestion first: it is what fits on a narrow terminal.
        (BarKind::Filter(_), Some(Err(e))) => (
            match &e.hint {
                Some(h) => format!("{h} — {} (column {})", sanitize(&e.message), e.column),
                None => e.to_string(),
            },
            true,
        ),
        (BarKind::Filter(_), Some(Ok(()))) => (
            "Enter applies · Tab completes · ↑↓ history · Esc closes".into(),
            false,
        ),
        (BarKind::Filter(_), None) => (
            "a display filter (tcp.port == 80) · Enter with nothing clears it · Esc closes".into(),
            false,
        ),
        (BarKind::Find, Some(Ok(()))) => ("filter expression · Enter finds the next".into(), false),
        (BarKind::Find, _) => (
            "a filter expression or text · Enter finds the next · ] [ next / previous".into(),
            false,
        ),
        (BarKind::GoTo, _) => (
            "packet number (12) or time (3.5s) · Enter go · Esc cancel".into(),
            false,
        ),
        (BarKind::Export { .. }, _) if bar.confirm_overwrite => (
            "this file exists: Enter overwrites it · Esc cancels".into(),
            true,
        ),
        (BarKind::Export { .. }, _) => (
            ".pcap or .pcapng · Enter writes · Esc cancels".into(),
            false,
        ),
    }
}

/// The text's style: green when it compiles, red when it does not.
fn text_style(t: Theme, bar: &Bar) -> (Style, &'static str) {
    let base = Style::new().add_modifier(Modifier::REVERSED);
    let mono = t.choice().monochrome;
    match (&bar.check, bar.kind) {
        (Some(Ok(())), BarKind::Filter(_) | BarKind::Find) if mono => {
            (Style::new().add_modifier(Modifier::BOLD), "✓ ")
        }
        (Some(Ok(())), BarKind::Filter(_) | BarKind::Find) => {
            (Style::new().fg(Color::Black).bg(t.color(theme::GREEN)), "")
        }
        (Some(Err(_)), BarKind::Filter(_)) if mono => (
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            "✗ ",
        ),
        (Some(Err(_)), BarKind::Filter(_)) => (
            Style::new().fg(Color::Black).bg(t.color(theme::VERMILLION)),
            "",
        ),
        _ => (base, ""),
    }
}

/// Draws the bar into the one-row `area`.
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let Some(bar) = app.bar() else {
        return;
    };
    if area.height == 0 || area.width == 0 {
        return;
    }
    buf.set_style(area, t.bar());
    let w = usize::from(area.width);
    let label = label(bar.kind);
    let (style, mark) = text_style(t, bar);
    let (hint, problem) = hint(bar);
    let hint = sanitize(&hint);
    let typed = sanitize(&bar.text);
    // The text keeps at least a third of the row; its start scrolls out of view first.
    let room = w.saturating_sub(width(label) + width(mark) + 2).max(1);
    let keep = room.saturating_sub(1);
    let shown: String = if width(&typed) > keep {
        let chars: Vec<char> = typed.chars().collect();
        let mut out = String::from("…");
        let tail: String = chars[chars.len().saturating_sub(keep.saturating_sub(1))..]
            .iter()
            .collect();
        out.push_str(&tail);
        out
    } else {
        typed
    };
    let hint_style = if problem {
        t.fg(theme::VERMILLION).add_modifier(Modifier::BOLD)
    } else {
        t.dim()
    };
    let line = Line::from(vec![
        Span::styled(label, Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(mark, Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(format!("{shown}▏"), style),
        Span::styled(format!("  {hint}"), hint_style),
    ]);
    buf.set_line(area.x, area.y, &line, area.width);
}
