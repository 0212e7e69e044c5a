//! The figure as plain Unicode text for handouts: time, the client's state, the arrow with
//! its label above it, the server's state. With `--time-scaled`, empty lines between rows
//! grow with the time between them.

use std::fmt::Write as _;

use crate::flow::Direction;

use super::{Accent, Figure};

/// Width of the arrow between the two columns, in characters.
const ARROW: usize = 54;
/// Empty lines a time-scaled figure spends on the whole connection.
const SCALED_LINES: f64 = 24.0;

fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn pad_center(s: &str, w: usize) -> String {
    let n = width(s);
    if n >= w {
        return s.to_string();
    }
    let left = (w - n) / 2;
    format!("{}{s}{}", " ".repeat(left), " ".repeat(w - n - left))
}

fn state(s: Option<crate::flow::TcpState>) -> &'static str {
    s.map_or("", |s| s.name())
}

/// The figure as text.
pub fn text(fig: &Figure) -> String {
    let mut o = String::new();
    // Column headers: host:port over each bar.
    let head = format!(
        "{:>10}  {:<12}{:<w$}{}",
        "time ms",
        "",
        fig.client,
        fig.server,
        w = ARROW + 2
    );
    let _ = writeln!(
        o,
        "TCP connection {}: {} → {}\n",
        fig.flow_id, fig.client, fig.server
    );
    let _ = writeln!(o, "{}", head.trim_end());
    let _ = writeln!(
        o,
        "{:>10}  {:<12}│{}│ {}",
        "",
        fig.start_states.0.name(),
        " ".repeat(ARROW),
        fig.start_states.1.name()
    );
    let span = fig
        .rows
        .last()
        .map_or(0, |r| r.ts_ns.saturating_sub(fig.first_ns))
        .max(1) as f64;
    let mut prev_ts = fig.first_ns;
    for row in &fig.rows {
        if fig.options.time_scaled {
            let gap = row.ts_ns.saturating_sub(prev_ts).max(0) as f64;
            let lines = (gap / span * SCALED_LINES).round() as usize;
            for _ in 0..lines {
                let _ = writeln!(o, "{:>10}  {:<12}│{}│", "", "", " ".repeat(ARROW));
            }
            prev_ts = row.ts_ns;
        }
        if row.is_note() {
            let _ = writeln!(
                o,
                "{:>10}  {:<12}│{}│",
                "",
                "",
                pad_center(&row.label, ARROW)
            );
            continue;
        }
        let mut label = format!("{} {}", row.label, row.numbers);
        if !row.options.is_empty() {
            label.push_str(&format!(" <{}>", row.options));
        }
        if row.accent == Accent::Reset && !label.starts_with("RST") {
            label.insert_str(0, "! ");
        }
        // A label wider than the arrow puts the options on a line of their own.
        let mut lines = vec![label.trim_end().to_string()];
        if width(&label) > ARROW && !row.options.is_empty() {
            lines = vec![
                format!("{} {}", row.label, row.numbers)
                    .trim_end()
                    .to_string(),
                format!("<{}>", row.options),
            ];
        }
        for l in &lines {
            let _ = writeln!(o, "{:>10}  {:<12}│{}│", "", "", pad_center(l, ARROW));
        }
        let line = "─".repeat(ARROW - 1);
        let arrow = match row.dir {
            Direction::ClientToServer => format!("{line}▶"),
            Direction::ServerToClient => format!("◀{line}"),
        };
        let (cs, ss) = match row.states {
            Some((c, s)) => (Some(c), Some(s)),
            None => (None, None),
        };
        let _ = writeln!(
            o,
            "{:>10}  {:<12}│{arrow}│ {}",
            fig.time_text(row),
            state(cs),
            state(ss)
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", fig.caption());
    if fig.options.time_scaled {
        let _ = writeln!(o, "{}", fig.time_note());
    }
    o.lines().map(str::trim_end).collect::<Vec<_>>().join("\n") + "\n"
}
