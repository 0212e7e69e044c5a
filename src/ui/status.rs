//! The status bar: what the source is doing (live on an interface, reading a file N%, done,
//! failed with the reason on its own lines), the link type, packet, byte and flow counts
//! (with the flows evicted by `--max-flows`), the kernel's and synack's drop counts, follow
//! mode, a one-off notice, the screen switcher (`1 Packets 2 Flows`, the shown one
//! highlighted) and the `? help` hint. Less important parts go first on narrow terminals.
//! Pure function of `&App`; depends on `app` (read only) and the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::{App, LinkSeen, Screen, SourceKind, SourceState};

use super::paint::truncate;
use super::theme;
use crate::ui::theme::Theme;

/// Bytes in human units (`999 B`, `1.2 kB`, `3.4 MB`, decimal as network tools count).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 999.95 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS.get(unit).copied().unwrap_or("PB"))
}

/// The source part: `● live eth0`, `reading trace.pcap 42%`, `loaded trace.pcap`, `failed …`.
fn source_span(t: Theme, app: &App) -> Span<'static> {
    // A demo says where it is in the lesson: `demo 2/12 · refused` (`<` `>` move, `M` lists).
    if let Some((i, n, name)) = app.demo_position() {
        return Span::styled(
            format!(" demo {i}/{n} · {name} "),
            Style::new().add_modifier(Modifier::BOLD),
        );
    }
    let s = app.source();
    let (text, color) = match (&s.kind, &s.state) {
        (SourceKind::Live { iface }, SourceState::Running) => {
            (format!("● live {iface}"), theme::GREEN)
        }
        (SourceKind::Live { iface }, SourceState::Done) => {
            (format!("■ stopped {iface}"), Color::Reset)
        }
        (SourceKind::File { name }, SourceState::Running) => {
            let pct = s.percent().map(|p| format!(" {p}%")).unwrap_or_default();
            (
                format!("reading {}{pct}", truncate(name, 24)),
                theme::ORANGE,
            )
        }
        (SourceKind::File { name }, SourceState::Done) => {
            (format!("✓ loaded {}", truncate(name, 24)), Color::Reset)
        }
        (SourceKind::Live { iface: name } | SourceKind::File { name }, SourceState::Failed(_)) => (
            format!("✗ failed {}", truncate(name, 24)),
            theme::VERMILLION,
        ),
    };
    Span::styled(
        format!(" {text} "),
        t.fg(color).add_modifier(Modifier::BOLD),
    )
}

/// `1234 pkts`, with the packets evicted by the packet limit (naming `--max-mem` or
/// `--spool-max` when the byte budget or the disk bound evicted last) and, while the source
/// runs, its rate:
/// `1234 pkts (56 evicted) 12.3k/s`, `1234 pkts (56 evicted, --max-mem)`.
fn packets_text(app: &App) -> String {
    let shown = app.shown();
    let mut s = if shown.is_filtered() {
        format!(
            "shown {} of {}",
            grouped(shown.len() as u64),
            grouped(shown.released() as u64)
        )
    } else {
        format!("{} pkts", shown.len())
    };
    if app.store().evicted() > 0 {
        s.push_str(&format!(" ({} evicted", app.store().evicted()));
        match app.store().eviction_flag() {
            "--max-packets" => {}
            flag => s.push_str(&format!(", {flag}")),
        }
        s.push(')');
    }
    if let (SourceState::Running, Some(rate)) = (&app.source().state, app.source().rate) {
        s.push_str(&format!(" {}/s", human_count(rate)));
    }
    s
}

/// A count with thousands separators: `2,000,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The active display filter of the screen shown (`filter: tcp.port == 80`) and the
/// background work's progress (`filtering 45%`).
fn filter_spans(t: Theme, app: &App, compact: bool) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if let Some((what, pct)) = app.work_progress() {
        spans.push(Span::styled(
            format!("{what} {pct}% "),
            t.fg(theme::ORANGE).add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(pass) = app.active_filter() {
        let text = crate::sanitize::sanitize(pass.filter().text());
        let text = crate::ui::paint::truncate(&text, if compact { 24 } else { 40 });
        spans.push(Span::styled(
            if compact {
                format!("/ {text}")
            } else {
                format!("filter: {text}")
            },
            t.fg(theme::GREEN).add_modifier(Modifier::BOLD),
        ));
    }
    spans
}

/// A count in short decimal units: `999`, `12.3k`, `1.2M`.
pub fn human_count(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_949 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

fn drops_text(t: Theme, app: &App, compact: bool) -> Option<Span<'static>> {
    // Files never lose frames: drop counters only mean something for live captures.
    if !matches!(app.source().kind, SourceKind::Live { .. }) {
        return None;
    }
    let d = app.drops();
    let style = if d.kernel > 0 || d.synack > 0 {
        t.fg(theme::VERMILLION).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    };
    let text = if compact {
        format!("drop k{} s{}", d.kernel, d.synack)
    } else {
        format!("drops kernel {} synack {}", d.kernel, d.synack)
    };
    Some(Span::styled(text, style))
}

/// The flow count, and the flows evicted to stay within `--max-flows` (highlighted).
fn flows_spans(t: Theme, app: &App, compact: bool) -> Vec<Span<'static>> {
    let fs = app.flows();
    let n = fs.len();
    let mut spans = vec![Span::raw(if fs.is_filtered() {
        format!(
            "shown {} of {} flows",
            grouped(fs.listed_len() as u64),
            grouped(n as u64)
        )
    } else if n == 1 {
        "1 flow".to_string()
    } else {
        format!("{n} flows")
    })];
    let evicted = fs.evicted();
    if evicted > 0 {
        let text = if compact {
            format!(" +{evicted} evicted")
        } else {
            format!(" ({evicted} evicted, --max-flows)")
        };
        spans.push(Span::styled(
            text,
            t.fg(theme::VERMILLION).add_modifier(Modifier::BOLD),
        ));
    }
    spans
}

/// How much the left part of the bar leaves out to fit.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Detail {
    Full,
    Compact,
    NoLink,
    NoBytes,
}

fn status_line(t: Theme, app: &App, detail: Detail) -> Line<'static> {
    let sep = || Span::styled(" │ ", t.dim());
    let compact = detail >= Detail::Compact;
    let mut spans = vec![source_span(t, app)];
    if let Some(notice) = app.notice() {
        spans.push(sep());
        spans.push(Span::styled(
            notice.to_string(),
            t.fg(theme::ORANGE).add_modifier(Modifier::BOLD),
        ));
        return Line::from(spans);
    }
    if detail < Detail::NoLink {
        let undecoded = app.undecoded_link_packets();
        let link = match app.link() {
            LinkSeen::None => "—".to_string(),
            LinkSeen::One(l) => l.name(),
            LinkSeen::Mixed => "mixed links".to_string(),
        };
        spans.push(sep());
        spans.push(Span::raw(link));
        if undecoded > 0 {
            // Said where the user looks first, so raw bytes are not mistaken for a bug.
            spans.push(Span::styled(
                format!(" ({undecoded} pkts on a link type not decoded)"),
                t.fg(theme::ORANGE),
            ));
        }
        let noted = app.store().notes_seen();
        if noted > 0 {
            // Records the capture file got wrong (a malformed time, a lenient read): each
            // packet's issues say what.
            spans.push(Span::styled(
                format!(" ({noted} pkts with capture-file notes)"),
                t.fg(theme::ORANGE),
            ));
        }
    }
    spans.push(sep());
    spans.push(Span::raw(packets_text(app)));
    if detail < Detail::NoBytes {
        spans.push(sep());
        spans.push(Span::raw(human_bytes(app.shown_bytes())));
    }
    if app.redacting() && detail < Detail::NoLink {
        spans.push(sep());
        spans.push(Span::styled(
            "redacted",
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    spans.push(sep());
    spans.extend(flows_spans(t, app, compact));
    let filter = filter_spans(t, app, compact);
    if !filter.is_empty() {
        spans.push(sep());
        spans.extend(filter);
    }
    if let Some(d) = drops_text(t, app, compact) {
        spans.push(sep());
        spans.push(d);
    }
    if app.following() {
        spans.push(sep());
        spans.push(Span::styled(
            "FOLLOW",
            t.fg(theme::SKY_BLUE).add_modifier(Modifier::BOLD),
        ));
    }
    Line::from(spans)
}

/// The screen switcher and the help hint: ` 1 Packets 2 Flows ? help `, the shown screen
/// reversed; shorter forms when `short`.
fn right_part(t: Theme, app: &App, short: bool) -> Line<'static> {
    let on = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    let off = t.dim();
    let (packets, flows, stats) = match app.screen() {
        Screen::Packets => (on, off, off),
        Screen::Flows => (off, on, off),
        Screen::Stats => (off, off, on),
    };
    let (p, f, s, h) = if short {
        ("1 Pkts", "2 Flows", "3 Stats", "? ")
    } else {
        ("1 Packets", "2 Flows", "3 Stats", "? help ")
    };
    Line::from(vec![
        Span::raw(" "),
        Span::styled(p, packets),
        Span::raw(" "),
        Span::styled(f, flows),
        Span::raw(" "),
        // The statistics screen is named only while shown (keys.md and `?` list `3`), so
        // the bar keeps its room for the counters on 80 columns.
        Span::styled(if app.screen() == Screen::Stats { s } else { "" }, stats),
        Span::raw(if app.screen() == Screen::Stats {
            " "
        } else {
            ""
        }),
        Span::styled(h, Style::new().add_modifier(Modifier::BOLD)),
    ])
}

/// Draws the status bar into `area`: one row, plus the failure reason above it (wrapped over
/// the extra rows) when the source failed.
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    // A replay's progress bar (or the bar of `/`, `Ctrl-F`, `:`, export) sits on the first row.
    let area = if app.player().is_some() || app.bar().is_some() {
        let row = Rect { height: 1, ..area };
        if app.bar().is_some() {
            super::bar::render(t, app, row, buf);
        } else {
            super::progress::render(t, app, row, buf);
        }
        Rect {
            y: area.y.saturating_add(1),
            height: area.height.saturating_sub(1),
            ..area
        }
    } else {
        area
    };
    if area.height == 0 {
        return;
    }
    buf.set_style(area, t.bar());
    let w = usize::from(area.width);
    let y = area.y + area.height - 1;
    if let SourceState::Failed(reason) = &app.source().state {
        let rows = Rect::new(area.x, area.y, area.width, area.height - 1);
        if rows.height > 0 {
            buf.set_style(rows, t.issue());
            Paragraph::new(format!(" {reason}"))
                .style(t.issue())
                .wrap(Wrap { trim: false })
                .render(rows, buf);
        }
    }
    let mut right = right_part(t, app, false);
    let mut line = status_line(t, app, Detail::Full);
    for detail in [Detail::Compact, Detail::NoLink, Detail::NoBytes] {
        if line.width() + right.width() <= w {
            break;
        }
        line = status_line(t, app, detail);
    }
    if line.width() + right.width() > w {
        right = right_part(t, app, true);
    }
    let right_w = right.width().min(w);
    let left_w = w - right_w;
    buf.set_line(area.x, y, &line, u16::try_from(left_w).unwrap_or(u16::MAX));
    if right_w > 0 {
        let x = area.x + u16::try_from(left_w).unwrap_or(u16::MAX);
        buf.set_line(x, y, &right, u16::try_from(right_w).unwrap_or(u16::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_uses_decimal_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(1_234_567), "1.2 MB");
        assert_eq!(human_bytes(999_960), "1.0 MB");
        assert_eq!(human_bytes(u64::MAX), "18446.7 PB");
    }

    #[test]
    fn the_rate_shows_while_the_source_runs() {
        use crate::app::{Msg, SourceKind};
        let mut app = App::new(
            SourceKind::File {
                name: "big.pcap".into(),
            },
            100,
            10,
        );
        app.update(Msg::Rate(12_345));
        let line = |app: &App| {
            let l = status_line(Theme::new(app.theme()), app, Detail::Full);
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        };
        assert!(line(&app).contains("0 pkts 12.3k/s"), "{}", line(&app));
        app.update(Msg::Finished(Ok(())));
        assert!(!line(&app).contains("/s"), "{}", line(&app));
    }

    #[test]
    fn human_count_uses_k_and_m() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_234), "1,234");
        assert_eq!(grouped(2_000_000), "2,000,000");
        assert_eq!(human_count(999), "999");
        assert_eq!(human_count(12_345), "12.3k");
        assert_eq!(human_count(999_949), "999.9k");
        assert_eq!(human_count(999_950), "1.0M");
        assert_eq!(human_count(2_500_000), "2.5M");
    }
}
