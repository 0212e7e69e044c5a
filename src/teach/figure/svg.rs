//! The figure as a self-contained SVG (no external fonts, scripts or images): black on white
//! for print, one accent colour (Okabe-Ito vermillion) for retransmissions and resets, which
//! the labels also name. With `--time-scaled`, time runs down the page in proportion and each
//! arrow lands half the measured RTT after it left.

use std::fmt::Write as _;

use crate::flow::Direction;

use super::{Accent, Figure, xml_escape};

const WIDTH: f64 = 780.0;
const CLIENT_X: f64 = 230.0;
const SERVER_X: f64 = 630.0;
const TOP: f64 = 100.0;
const PITCH: f64 = 46.0;
/// How far a level figure's arrow drops from departure to arrival (time passes).
const SLANT: f64 = 14.0;
const ACCENT: &str = "#D55E00";
const NOTE: &str = "#444444";
const FONT: &str = "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\"";

/// Where each row's arrow leaves and lands, top to bottom.
fn positions(fig: &Figure) -> (Vec<(f64, f64)>, f64) {
    let n = fig.rows.len() as f64;
    if !fig.options.time_scaled {
        let ys = (0..fig.rows.len())
            .map(|i| {
                let y = TOP + 30.0 + i as f64 * PITCH;
                (y, y + SLANT)
            })
            .collect();
        return (ys, TOP + 30.0 + n * PITCH);
    }
    let one_way = fig.one_way_ns().unwrap_or(0);
    let end = fig
        .rows
        .iter()
        .map(|r| r.ts_ns.saturating_add(one_way))
        .max()
        .unwrap_or(fig.first_ns);
    let span = end.saturating_sub(fig.first_ns).max(1) as f64;
    let height = (n * PITCH).max(480.0);
    let at = |ts: i64| TOP + 30.0 + (ts.saturating_sub(fig.first_ns).max(0) as f64 / span) * height;
    let ys = fig
        .rows
        .iter()
        .map(|r| {
            let arrive = if r.is_note() {
                r.ts_ns
            } else {
                r.ts_ns.saturating_add(one_way)
            };
            (at(r.ts_ns), at(arrive))
        })
        .collect();
    (ys, TOP + 30.0 + height + PITCH)
}

/// The figure as an SVG document.
pub fn svg(fig: &Figure) -> String {
    let (ys, bottom) = positions(fig);
    let height = bottom + 70.0;
    let mut o = String::new();
    let _ = writeln!(o, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}">"#
    );
    let _ = writeln!(
        o,
        "<title>TCP connection {}: {} to {}</title>",
        fig.flow_id,
        xml_escape(&fig.client),
        xml_escape(&fig.server)
    );
    let _ = writeln!(
        o,
        r#"<defs><marker id="head-black" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="black"/></marker><marker id="head-accent" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker></defs>"#
    );
    let _ = writeln!(
        o,
        r#"<rect x="0" y="0" width="{WIDTH}" height="{height:.0}" fill="white"/>"#
    );
    // Column heads: host:port in a box, the starting state below.
    for (x, name, state) in [
        (CLIENT_X, &fig.client, fig.start_states.0),
        (SERVER_X, &fig.server, fig.start_states.1),
    ] {
        let _ = writeln!(
            o,
            r#"<rect x="{:.1}" y="20" width="220" height="32" fill="white" stroke="black" stroke-width="1.5"/>"#,
            x - 110.0
        );
        let _ = writeln!(
            o,
            r#"<text x="{x:.1}" y="41" {FONT} font-size="14" text-anchor="middle" fill="black">{}</text>"#,
            xml_escape(name)
        );
        let _ = writeln!(
            o,
            r#"<text x="{x:.1}" y="72" {FONT} font-size="12" text-anchor="middle" fill="black">{}</text>"#,
            state.name()
        );
        let _ = writeln!(
            o,
            r#"<line x1="{x:.1}" y1="{TOP:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="black" stroke-width="1.5"/>"#
        );
    }
    let _ = writeln!(
        o,
        r#"<text x="80" y="{:.1}" {FONT} font-size="11" text-anchor="end" fill="{NOTE}">time (ms)</text>"#,
        TOP + 12.0
    );
    for (row, &(y1, y2)) in fig.rows.iter().zip(&ys) {
        if row.is_note() {
            let _ = writeln!(
                o,
                r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="12" font-style="italic" text-anchor="middle" fill="{NOTE}">{}</text>"#,
                (CLIENT_X + SERVER_X) / 2.0,
                y1 + 4.0,
                xml_escape(&row.label)
            );
            continue;
        }
        let (x1, x2) = match row.dir {
            Direction::ClientToServer => (CLIENT_X, SERVER_X),
            Direction::ServerToClient => (SERVER_X, CLIENT_X),
        };
        let (colour, marker, dash, width) = match row.accent {
            Accent::Plain => ("black", "head-black", "", 1.5),
            Accent::Retransmission => (ACCENT, "head-accent", r#" stroke-dasharray="6,4""#, 1.5),
            Accent::Reset => (ACCENT, "head-accent", "", 2.5),
        };
        let _ = writeln!(
            o,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{colour}" stroke-width="{width}"{dash} marker-end="url(#{marker})"/>"#
        );
        let mid_x = (x1 + x2) / 2.0;
        let mid_y = (y1 + y2) / 2.0;
        let label = format!("{} {}", row.label, row.numbers);
        let _ = writeln!(
            o,
            r#"<text x="{mid_x:.1}" y="{:.1}" {FONT} font-size="12" text-anchor="middle" fill="{}">{}</text>"#,
            mid_y - 6.0,
            if row.accent == Accent::Plain {
                "black"
            } else {
                ACCENT
            },
            xml_escape(label.trim_end())
        );
        if !row.options.is_empty() {
            let _ = writeln!(
                o,
                r#"<text x="{mid_x:.1}" y="{:.1}" {FONT} font-size="10" text-anchor="middle" fill="{NOTE}">{}</text>"#,
                mid_y + 14.0,
                xml_escape(&row.options)
            );
        }
        let _ = writeln!(
            o,
            r#"<text x="80" y="{:.1}" {FONT} font-size="11" text-anchor="end" fill="black">{}</text>"#,
            y1 + 4.0,
            fig.time_text(row)
        );
        if let Some((cs, ss)) = row.states {
            // The sender's state changes as it sends, the receiver's as the segment lands.
            let (cy, sy) = match row.dir {
                Direction::ClientToServer => (y1, y2),
                Direction::ServerToClient => (y2, y1),
            };
            let _ = writeln!(
                o,
                r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="11" text-anchor="end" fill="black">{}</text>"#,
                CLIENT_X - 8.0,
                cy + 4.0,
                cs.name()
            );
            let _ = writeln!(
                o,
                r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="11" text-anchor="start" fill="black">{}</text>"#,
                SERVER_X + 8.0,
                sy + 4.0,
                ss.name()
            );
        }
    }
    let _ = writeln!(
        o,
        r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="13" text-anchor="middle" fill="black">{}</text>"#,
        WIDTH / 2.0,
        bottom + 28.0,
        xml_escape(&fig.caption())
    );
    if fig.options.time_scaled {
        let _ = writeln!(
            o,
            r#"<text x="{:.1}" y="{:.1}" {FONT} font-size="10" text-anchor="middle" fill="{NOTE}">{}</text>"#,
            WIDTH / 2.0,
            bottom + 48.0,
            xml_escape(&fig.time_note())
        );
    }
    let _ = writeln!(o, "</svg>");
    o
}
