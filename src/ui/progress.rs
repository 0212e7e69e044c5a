//! The replay's progress bar, one row above the status bar: play state (`▶` / `⏸` / `done`),
//! the packet reached out of those loaded, the capture time reached, the speed, the loop mark,
//! a silence being cut short (`⏩ gap 3600 s`), a gauge, and the key hints that fit; at the
//! end of a demo scenario, the key to the next one. While the `:` prompt is open the row is
//! the prompt. Pure function of `&App`; depends on `app` (read only), `replay` and the ui
//! helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::{App, Progress};
use crate::replay::PlayState;

use super::theme;
use crate::ui::theme::Theme;

/// `×2`, `×0.5`, `×0.25`, `×1000`.
pub fn speed_text(speed: f64) -> String {
    let s = format!("{speed:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("×{s}")
}

/// Capture time as `1.234 s`, or `75.3 s` once past a minute.
pub fn secs_text(ns: i64) -> String {
    let s = ns as f64 / 1e9;
    if s < 60.0 {
        format!("{s:.3} s")
    } else {
        format!("{s:.1} s")
    }
}

/// A silence's length: `3.4 s` under ten seconds, `3600 s` above.
pub fn gap_text(ns: i64) -> String {
    let s = ns as f64 / 1e9;
    if s < 10.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.0} s")
    }
}

fn sep(t: Theme) -> Span<'static> {
    Span::styled(" │ ", t.dim())
}

fn left_spans(t: Theme, p: &Progress, short: bool) -> Vec<Span<'static>> {
    let (glyph, word, style) = match p.state {
        PlayState::Playing => ("▶", "playing", t.fg(theme::GREEN)),
        PlayState::Paused => ("⏸", "paused", t.fg(theme::ORANGE)),
        PlayState::Done => ("■", "done", Style::new()),
    };
    let state = if short {
        format!(" {glyph} ")
    } else {
        format!(" {glyph} {word} ")
    };
    let mut spans = vec![
        Span::styled(state, style.add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            "{} {}/{}",
            if short { "pkt" } else { "packet" },
            p.released,
            p.loaded
        )),
        sep(t),
        Span::raw(format!(
            "{} / {}",
            secs_text(p.offset_ns),
            secs_text(p.total_ns)
        )),
        sep(t),
        Span::styled(
            speed_text(p.speed),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    if p.looping {
        spans.push(sep(t));
        spans.push(Span::styled(
            "⟳ loop",
            t.fg(theme::SKY_BLUE).add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(gap) = p.gap_ns.filter(|_| p.state == PlayState::Playing) {
        spans.push(sep(t));
        spans.push(Span::styled(
            format!("⏩ gap {}", gap_text(gap)),
            t.fg(theme::SKY_BLUE).add_modifier(Modifier::BOLD),
        ));
    }
    spans
}

fn hint(t: Theme, p: &Progress, short: bool) -> Line<'static> {
    if let Some(next) = p.next_demo {
        return Line::from(vec![
            Span::styled(
                format!(" > next scenario: {next} "),
                Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ),
            Span::raw(" "),
        ]);
    }
    let text = match (p.state, short) {
        (PlayState::Paused, false) => "Space play · n next · b back · ? keys ",
        (PlayState::Playing, false) => "Space pause · +/- speed · ? keys ",
        (PlayState::Done, false) => "b back · r restart · ? keys ",
        (PlayState::Paused, true) => "Space n b ",
        (PlayState::Playing, true) => "Space + - ",
        (PlayState::Done, true) => "b r ",
    };
    Line::from(Span::styled(text, t.dim()))
}

/// Draws the progress row (or the `:` prompt) into the one-row `area`.
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    buf.set_style(area, t.bar());
    let w = usize::from(area.width);
    if let Some(text) = app.prompt() {
        let line = Line::from(vec![
            Span::styled(" Go to: ", Style::new().add_modifier(Modifier::BOLD)),
            Span::styled(
                format!("{text}▏"),
                Style::new().add_modifier(Modifier::REVERSED),
            ),
            Span::styled(
                "  packet number (12) or time (3.5s) · Enter go · Esc cancel",
                t.dim(),
            ),
        ]);
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    let Some(p) = app.progress() else {
        return;
    };
    let mut left = Line::from(left_spans(t, &p, false));
    let mut right = hint(t, &p, false);
    if left.width() + right.width() + 2 > w {
        right = hint(t, &p, true);
    }
    if left.width() + right.width() + 2 > w {
        left = Line::from(left_spans(t, &p, true));
    }
    let lw = left.width().min(w);
    buf.set_line(area.x, area.y, &left, u16::try_from(lw).unwrap_or(u16::MAX));
    let rw = right.width().min(w.saturating_sub(lw));
    let rx = area.x + u16::try_from(w - rw).unwrap_or(0);
    buf.set_line(rx, area.y, &right, u16::try_from(rw).unwrap_or(0));
    // The gauge fills what is left between them.
    let gauge_w = w.saturating_sub(lw + rw + 2);
    if gauge_w >= 6 {
        let frac = if p.total_ns > 0 {
            (p.offset_ns as f64 / p.total_ns as f64).clamp(0.0, 1.0)
        } else if p.loaded > 0 {
            p.released as f64 / p.loaded as f64
        } else {
            0.0
        };
        let filled = ((gauge_w as f64) * frac).round() as usize;
        let x = area.x + u16::try_from(lw + 1).unwrap_or(0);
        let done = "━".repeat(filled);
        let rest = "─".repeat(gauge_w - filled.min(gauge_w));
        let line = Line::from(vec![
            Span::styled(done, t.fg(theme::SKY_BLUE).add_modifier(Modifier::BOLD)),
            Span::styled(rest, t.dim()),
        ]);
        buf.set_line(x, area.y, &line, u16::try_from(gauge_w).unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_and_times_read_naturally() {
        assert_eq!(speed_text(1.0), "×1");
        assert_eq!(speed_text(2.0), "×2");
        assert_eq!(speed_text(0.5), "×0.5");
        assert_eq!(speed_text(0.25), "×0.25");
        assert_eq!(speed_text(1000.0), "×1000");
        assert_eq!(secs_text(3_500_000_000), "3.500 s");
        assert_eq!(secs_text(75_250_000_000), "75.2 s");
        assert_eq!(gap_text(3_400_000_000), "3.4 s");
        assert_eq!(gap_text(3_600_000_000_000), "3600 s");
    }
}
