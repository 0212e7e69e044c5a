//! The packet list: No., relative time, source, destination, protocol, length, info — one
//! row per packet, built only for the rows on screen (work per frame is proportional to the
//! list's height, never to the number of packets). Pure function of `&App`; depends on `app`
//! (read only), `decode` (for the info and protocol texts) and the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::{App, Focus, PacketView};
use crate::decode;
use crate::flow::{PacketAnalysis, Severity};
use crate::model::TimestampNs;

use super::common::{cell, pane, put, scrollbar};
use super::paint::width;
use super::theme;
use crate::ui::theme::Theme;

/// Seconds since `origin`, with 6 decimals (`12.000345`, `-0.000010` when a file's clock
/// went backwards).
pub fn relative_time(ts: TimestampNs, origin: TimestampNs) -> String {
    let d = i128::from(ts) - i128::from(origin);
    let sign = if d < 0 { "-" } else { "" };
    let d = d.unsigned_abs();
    let micros = d / 1_000;
    format!("{sign}{}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

/// The Info column: ports (when the protocol has them), then the decoder's one-line info
/// (with the application summary when the app has one for this row). `compact` (narrow
/// terminals) drops the spaces around the arrow and the leading `Flags ` word.
pub fn info_text(summary: &decode::Summary, app_line: Option<&str>, compact: bool) -> String {
    let info = decode::info_line(summary, app_line);
    let mut out = String::new();
    if summary.broken {
        out.push_str("⚠ ");
    }
    if let (Some(s), Some(d)) = (summary.sport, summary.dport) {
        if compact {
            out.push_str(&format!("{s}→{d}"));
        } else {
            out.push_str(&format!("{s} → {d}"));
        }
        if !info.is_empty() {
            out.push_str(if compact { " " } else { "  " });
        }
    }
    match info.strip_prefix("Flags ") {
        Some(rest) if compact => out.push_str(rest),
        _ => out.push_str(&info),
    }
    out
}

fn addr(a: Option<std::net::IpAddr>) -> String {
    a.map(|a| a.to_string()).unwrap_or_default()
}

/// The cell texts of one packet row.
struct RowText {
    no: String,
    time: String,
    src: String,
    dst: String,
    proto: String,
    len: String,
    info: String,
    /// Columns at the start of `info` taken by the analysis notes, and their severity.
    notes: Option<(usize, Severity)>,
}

/// `▲ [TCP Previous segment not captured] ` — the packet's analysis notes behind the symbol
/// of their most serious severity (empty when the analysis found nothing).
pub fn analysis_notes(analysis: Option<&PacketAnalysis>) -> Option<(String, Severity)> {
    let a = analysis?;
    let sev = a.verdicts.severity()?;
    Some((format!("{} {}", sev.symbol(), a.notes()), sev))
}

/// `info` with tcpdump's flag letters (`Flags [S.]`, or `[S.]` when compact) replaced by the
/// flags' names (`SYN-ACK`): the lesson look.
pub fn with_flag_words(info: &str, flags: u16) -> String {
    let Some(open) = info.find('[') else {
        return info.to_string();
    };
    let Some(close) = info[open..].find(']').map(|c| open + c) else {
        return info.to_string();
    };
    let start = info[..open].strip_suffix("Flags ").map_or(open, str::len);
    format!(
        "{}{}{}",
        &info[..start],
        crate::teach::quiz::flag_words(flags),
        &info[close + 1..]
    )
}

fn row_text(
    p: &PacketView<'_>,
    origin: TimestampNs,
    app_line: Option<&str>,
    compact: bool,
    words: bool,
) -> RowText {
    let notes = analysis_notes(p.analysis.as_ref());
    let mut info = info_text(&p.summary, app_line, compact);
    if let (true, Some(tcp)) = (words, p.summary.tcp.as_ref()) {
        info = with_flag_words(&info, tcp.flags);
    }
    if let Some((text, _)) = &notes {
        info.insert_str(0, text);
    }
    RowText {
        notes: notes.map(|(text, sev)| (width(&text), sev)),
        no: (p.number + 1).to_string(),
        time: relative_time(p.ts_ns, origin),
        src: addr(p.summary.src),
        dst: addr(p.summary.dst),
        proto: decode::protocol_column(&p.summary),
        len: p.len.to_string(),
        info,
    }
}

/// Draws the packet list into `area` (its bordered rectangle).
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let screen = app.packets();
    let store = app.shown();
    let focused = screen.focus() == Focus::List;
    let title = Line::from(vec![
        Span::raw(" Packets "),
        Span::styled(format!("({}) ", store.len()), t.dim()),
    ]);
    let inside = pane(t, area, title, focused, buf);
    if inside.height == 0 || inside.width == 0 {
        return;
    }
    let rows = usize::from(inside.height - 1);
    let compact = inside.width < 100;
    let first = screen.scroll().min(store.len());
    let last = first.saturating_add(rows).min(store.len());
    let origin = store.first_ts().unwrap_or_default();
    let texts: Vec<(usize, RowText, bool, bool)> = (first..last)
        .filter_map(|i| store.get(i))
        .map(|p| {
            let mut text = row_text(
                &p,
                origin,
                screen.app_line(p.index),
                compact,
                app.flag_words(),
            );
            if app.is_marked(p.number) {
                // A mark shows before the number (`m` toggles it).
                text.no = format!("*{}", text.no);
            }
            if app.redacting() {
                text.src = app.redact(&text.src);
                text.dst = app.redact(&text.dst);
                text.info = app.redact(&text.info);
            }
            (p.index, text, p.summary.broken, app.is_marked(p.number))
        })
        .collect();

    // Column widths from the visible rows only.
    let w = usize::from(inside.width);
    let max_of = |f: fn(&RowText) -> &String, min: usize| {
        texts
            .iter()
            .map(|(_, t, _, _)| width(f(t)))
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let addr_cap = if w < 100 {
        15
    } else if w < 140 {
        24
    } else {
        39
    };
    let no_w = max_of(|t| &t.no, 3);
    let time_w = max_of(|t| &t.time, 8);
    let src_w = max_of(|t| &t.src, 6).min(addr_cap);
    let dst_w = max_of(|t| &t.dst, 11).min(addr_cap);
    let proto_w = max_of(|t| &t.proto, 5).min(8);
    let len_w = max_of(|t| &t.len, if compact { 3 } else { 6 });
    let fixed = no_w + time_w + src_w + dst_w + proto_w + len_w + 6;
    let info_w = w.saturating_sub(fixed + 1);

    let line = |t: &RowText| {
        format!(
            "{} {} {} {} {} {} {}",
            cell(&t.no, no_w, true),
            cell(&t.time, time_w, true),
            cell(&t.src, src_w, false),
            cell(&t.dst, dst_w, false),
            cell(&t.proto, proto_w, false),
            cell(&t.len, len_w, true),
            cell(&t.info, info_w, false),
        )
    };
    let header = RowText {
        no: "No.".into(),
        time: "Time".into(),
        src: "Source".into(),
        dst: "Destination".into(),
        proto: "Proto".into(),
        len: if compact { "Len" } else { "Length" }.into(),
        info: "Info".into(),
        notes: None,
    };
    put(buf, inside.x, inside.y, &line(&header), w, t.header());

    let selected = screen.selected();
    for (row, (index, text, broken, marked)) in texts.iter().enumerate() {
        let y = inside.y + 1 + row as u16;
        let mut style = Style::new();
        if *broken {
            style = style.patch(t.fg(theme::VERMILLION));
        }
        if *marked {
            style = style.add_modifier(Modifier::BOLD);
        }
        if selected == Some(*index) {
            style = style.patch(t.selected(focused));
        }
        // Fill the whole row so the selection bar spans the pane.
        buf.set_style(Rect::new(inside.x, y, inside.width, 1), style);
        put(buf, inside.x, y, &line(text), w, style);
        if let Some((cols, sev)) = text.notes {
            let cols = cols.min(info_w).min(w.saturating_sub(fixed));
            if let (Ok(x), Ok(cols)) = (u16::try_from(fixed), u16::try_from(cols)) {
                let mut note = t.severity(sev);
                if selected == Some(*index) {
                    note = t.selected(focused).patch(note);
                }
                buf.set_style(Rect::new(inside.x.saturating_add(x), y, cols, 1), note);
            }
        }
    }
    if store.is_empty() {
        let msg = if store.is_filtered() && app.has_work() {
            "filtering…"
        } else if store.is_filtered() && store.released() > 0 {
            "no packet matches the filter (/ changes it, / then Enter with nothing clears it)"
        } else if app.is_running() {
            "waiting for packets…"
        } else {
            "no packets"
        };
        put(
            buf,
            inside.x + 1,
            inside.y + 1,
            msg,
            w.saturating_sub(1),
            t.dim().add_modifier(Modifier::ITALIC),
        );
    }
    // The track runs beside the packet rows, not the column header.
    let track = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    scrollbar(t, track, store.len(), first, rows, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_letters_become_words_in_the_lesson_look() {
        use crate::model::tcp_flags::{ACK, SYN};
        assert_eq!(
            with_flag_words("40000 → 80  Flags [S.], seq 1, ack 2", SYN | ACK),
            "40000 → 80  SYN-ACK, seq 1, ack 2"
        );
        assert_eq!(
            with_flag_words("40000→80 [S], seq 1", SYN),
            "40000→80 SYN, seq 1"
        );
        assert_eq!(with_flag_words("no brackets", SYN), "no brackets");
    }

    #[test]
    fn relative_time_has_six_decimals_and_sign() {
        assert_eq!(relative_time(1_500_000_000, 0), "1.500000");
        assert_eq!(relative_time(5, 5), "0.000000");
        assert_eq!(relative_time(1_000_345_678, 1_000_000_000), "0.000345");
        assert_eq!(relative_time(0, 10_000), "-0.000010");
        assert_eq!(relative_time(i64::MAX, i64::MIN), "18446744073.709551");
    }
}
