//! Non-interactive output of flows: one JSON object per flow (`synack flows --format json`,
//! JSON Lines) and an aligned text table a person reads (`--format text`). Every string comes
//! from numbers and fixed words (addresses, outcome names, history letters), never from
//! packet payloads. Depends on `model`, serde_json and the sibling modules.

use serde_json::{Value, json};

use crate::model::{TcpHandshakeOptions, endpoint_text};

use super::analysis::AnalysisCounts;
use super::conn::{DirStats, Flow};

fn options_json(options: Option<&TcpHandshakeOptions>) -> Value {
    match options {
        None => Value::Null,
        Some(o) => json!({
            "mss": o.mss,
            "window_scale": o.window_scale,
            "sack_permitted": o.sack_permitted,
            "timestamps": o.timestamps.is_some(),
            "fast_open": o.fast_open,
        }),
    }
}

fn dir_json(d: &DirStats) -> Value {
    json!({
        "packets": d.packets,
        "bytes": d.bytes,
        "payload_bytes": d.payload_bytes,
        "fin": d.fin,
        "rst": d.rst,
    })
}

fn analysis_json(c: &AnalysisCounts) -> Value {
    json!({
        "health": c.health().name(),
        "retransmissions": c.retransmissions,
        "fast_retransmissions": c.fast_retransmissions,
        "spurious_retransmissions": c.spurious_retransmissions,
        "dup_acks": c.dup_acks,
        "zero_windows": c.zero_windows,
        "out_of_order": c.out_of_order,
        "lost_segments": c.lost_segments,
        "ack_lost_segments": c.ack_lost_segments,
        "window_full": c.window_full,
        "keep_alives": c.keep_alives,
    })
}

impl Flow {
    /// The flow as one JSON object (a line of `synack flows --format json`).
    pub fn to_json(&self) -> Value {
        // The record once (a flow holding only its SYN derives it on each read).
        let d = self.detail();
        let irtt = if d.hs.established {
            d.rtt.initial_ns
        } else {
            None
        };
        json!({
            "flow": self.id,
            "client": endpoint_text(self.client()),
            "server": endpoint_text(self.server()),
            "handshake": self.outcome().name(),
            "syn_count": d.syn_count,
            "synack_count": d.synack_count,
            "synack_not_captured": d.synack_not_captured,
            "syn_ts_ns": d.syn_ts_ns,
            "synack_ts_ns": d.synack_ts_ns,
            "ack_ts_ns": d.ack_ts_ns,
            "irtt_ns": irtt,
            "server_rtt_ns": d.rtt.server_ns,
            "client_rtt_ns": d.rtt.client_ns,
            "close": self.close.name(),
            "packets": d.packets(),
            "bytes": d.to_server.bytes.saturating_add(d.to_client.bytes),
            "history": self.history_str(),
            "client_isn": d.client_isn,
            "server_isn": d.server_isn,
            "client_options": options_json(d.client_options.as_ref()),
            "server_options": options_json(d.server_options.as_ref()),
            "to_server": dir_json(&d.to_server),
            "to_client": dir_json(&d.to_client),
            "first_ts_ns": self.first_ts_ns,
            "last_ts_ns": d.last_ts_ns,
            "duration_ns": d.last_ts_ns.saturating_sub(self.first_ts_ns).max(0),
            "first_packet": self.first_packet_no,
            "last_packet": d.last_packet_no,
            "client_state": self.client_state.name(),
            "server_state": self.server_state.name(),
            "analysis": analysis_json(&self.analysis_counts()),
        })
    }
}

/// Nanoseconds as milliseconds with three decimals (`12.345`).
pub fn ms_text(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let micros = (abs + 500) / 1_000;
    format!("{sign}{}.{:03}", micros / 1_000, micros % 1_000)
}

/// Nanoseconds as seconds with three decimals (`1.250s`).
pub fn seconds_text(ns: i64) -> String {
    let abs = ns.max(0).unsigned_abs();
    let millis = (abs + 500_000) / 1_000_000;
    format!("{}.{:03}s", millis / 1_000, millis % 1_000)
}

/// An aligned table of flows, one per line, with a header line.
pub fn text_table(flows: &[&Flow]) -> String {
    const HEADERS: [&str; N] = [
        "#",
        "client",
        "server",
        "handshake",
        "rtt ms",
        "packets",
        "bytes",
        "duration",
        "retx",
        "dupack",
        "zwin",
        "ooo",
        "lost",
        "health",
        "history",
    ];
    // Columns that read best right-aligned (numbers).
    const RIGHT: [bool; N] = [
        true, false, false, false, true, true, true, true, true, true, true, true, true, false,
        false,
    ];
    const N: usize = 15;

    let rows: Vec<[String; N]> = flows
        .iter()
        .map(|f| {
            let a = &f.analysis_counts();
            let rtt = if f.established() {
                f.rtt().initial_ns.map(ms_text)
            } else {
                None
            };
            [
                f.id.to_string(),
                endpoint_text(f.client()),
                endpoint_text(f.server()),
                format!("{} {}", f.outcome().symbol(), f.outcome().label()),
                rtt.unwrap_or_else(|| "-".into()),
                f.packets().to_string(),
                f.bytes().to_string(),
                seconds_text(f.duration_ns()),
                a.retransmissions.to_string(),
                a.dup_acks.to_string(),
                a.zero_windows.to_string(),
                a.out_of_order.to_string(),
                a.lost_segments.to_string(),
                format!("{} {}", a.health().symbol(), a.health().name()),
                f.history_str().to_string(),
            ]
        })
        .collect();

    let mut widths = HEADERS.map(crate::sanitize::width);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(crate::sanitize::width(cell));
        }
    }

    let mut out = String::new();
    let mut line = |cells: &[String; N]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            let pad = width.saturating_sub(crate::sanitize::width(cell));
            if i > 0 {
                text.push_str("  ");
            }
            if RIGHT.get(i).copied().unwrap_or(false) {
                text.extend(std::iter::repeat_n(' ', pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                if i + 1 < cells.len() {
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&HEADERS.map(String::from));
    for row in &rows {
        line(row);
    }
    out
}
