//! `synack stats` output: an aligned text report a person reads, and one JSON document (a
//! public contract: the keys below only ever gain siblings). Every string comes from numbers,
//! addresses and fixed protocol names, never from packet payloads.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::flow::{Outcome, ms_text};
use crate::model::endpoint_text;

use super::{RTT_EDGES_NS, Stats};

/// How many conversations and endpoints the text report lists (JSON lists all).
pub const TEXT_TOP: usize = 20;

/// Nanoseconds as a short human duration (`850µs`, `12.3ms`, `1.25s`).
pub fn duration_text(ns: i64) -> String {
    let ns = ns.max(0);
    if ns < 1_000_000 {
        format!("{}µs", ns / 1_000)
    } else if ns < 1_000_000_000 {
        format!(
            "{}ms",
            ms_text(ns).trim_end_matches('0').trim_end_matches('.')
        )
    } else {
        format!("{:.2}s", ns as f64 / 1e9)
    }
}

/// Bytes with an SI prefix (`980 B`, `12.3 kB`, `4.5 MB`).
pub fn bytes_text(b: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if b < 1000 {
        return format!("{b} B");
    }
    let mut v = b as f64 / 1000.0;
    let mut unit = UNITS[0];
    for u in UNITS.iter().skip(1) {
        if v < 1000.0 {
            break;
        }
        v /= 1000.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The label of RTT histogram bucket `i` (`<10µs`, `10µs–20µs`, `≥10s`).
pub fn rtt_bucket_label(i: usize) -> String {
    match (
        i.checked_sub(1).and_then(|p| RTT_EDGES_NS.get(p)),
        RTT_EDGES_NS.get(i),
    ) {
        (None, Some(hi)) => format!("<{}", duration_text(*hi)),
        (Some(lo), Some(hi)) => format!("{}–{}", duration_text(*lo), duration_text(*hi)),
        (Some(lo), None) => format!("≥{}", duration_text(*lo)),
        (None, None) => String::new(),
    }
}

/// Eight-level bar characters for a sparkline.
const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn sparkline(values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if max == 0 || v == 0 {
                ' '
            } else {
                let i = ((v as f64 / max as f64) * 7.0).round() as usize;
                SPARK.get(i).copied().unwrap_or('█')
            }
        })
        .collect()
}

/// The text report.
pub fn text(stats: &Stats) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} packets, {} on the wire, over {}",
        stats.packets,
        bytes_text(stats.bytes),
        duration_text(stats.duration_ns())
    );

    let _ = writeln!(o, "\nProtocols by layer (packets carrying each)");
    for (layer, protos) in stats.by_layer() {
        if protos.is_empty() {
            continue;
        }
        let _ = writeln!(o, "  {}", layer.name());
        for p in protos {
            let share = percent(p.frames, stats.packets);
            let bar = "█".repeat((share / 5.0).round() as usize);
            let _ = writeln!(
                o,
                "    {:<14} {:>9} pkts {:>10}  {:>5.1}% {bar}",
                p.name,
                p.frames,
                bytes_text(p.bytes),
                share
            );
        }
    }

    let _ = writeln!(o, "\nProtocol hierarchy (as tshark -z io,phs)");
    for n in stats.hierarchy.walk() {
        let indent = "  ".repeat(n.depth);
        let _ = writeln!(
            o,
            "  {:<40} frames:{} bytes:{}",
            format!("{indent}{}", n.name),
            n.frames,
            n.bytes
        );
    }

    let convs = stats.conversations();
    let _ = writeln!(o, "\nIP conversations ({})", convs.len());
    if !convs.is_empty() {
        let _ = writeln!(
            o,
            "  {:<39} {:<39} {:>8} {:>10} {:>8} {:>10} {:>10} {:>10}",
            "A", "B", "A→B pkts", "A→B bytes", "B→A pkts", "B→A bytes", "start", "duration"
        );
    }
    let first = stats.start_ns.unwrap_or(0);
    for c in convs.iter().take(TEXT_TOP) {
        let _ = writeln!(
            o,
            "  {:<39} {:<39} {:>8} {:>10} {:>8} {:>10} {:>10} {:>10}",
            c.a.to_string(),
            c.b.to_string(),
            c.frames_ab,
            c.bytes_ab,
            c.frames_ba,
            c.bytes_ba,
            duration_text(c.first_ns.saturating_sub(first)),
            duration_text(c.duration_ns())
        );
    }
    more(&mut o, convs.len());

    let eps = stats.endpoints();
    let _ = writeln!(o, "\nTCP/UDP endpoints ({})", eps.len());
    if !eps.is_empty() {
        let _ = writeln!(
            o,
            "  {:<4} {:<46} {:>8} {:>10} {:>8} {:>10}",
            "", "endpoint", "tx pkts", "tx bytes", "rx pkts", "rx bytes"
        );
    }
    for e in eps.iter().take(TEXT_TOP) {
        let _ = writeln!(
            o,
            "  {:<4} {:<46} {:>8} {:>10} {:>8} {:>10}",
            e.transport.name(),
            endpoint_text(e.addr),
            e.tx_frames,
            e.tx_bytes,
            e.rx_frames,
            e.rx_bytes
        );
    }
    more(&mut o, eps.len());

    let h = &stats.handshakes;
    let _ = writeln!(o, "\nTCP handshakes ({} connections)", h.total());
    for outcome in Outcome::ALL {
        let n = h.count(outcome);
        if n > 0 {
            let _ = writeln!(o, "  {:<20} {n:>8}", outcome.label());
        }
    }
    if let (Some(med), Some(p95)) = (h.rtt_quantile(0.5), h.rtt_quantile(0.95)) {
        let _ = writeln!(
            o,
            "  initial RTT: median {}, p95 {} ({} completed handshakes)",
            duration_text(med),
            duration_text(p95),
            h.rtts_ns.len()
        );
        let hist = h.rtt_histogram();
        let max = hist.iter().copied().max().unwrap_or(0).max(1);
        let lo = hist.iter().position(|&n| n > 0).unwrap_or(0);
        let hi = hist.iter().rposition(|&n| n > 0).unwrap_or(0);
        for (i, &n) in hist.iter().enumerate().take(hi + 1).skip(lo) {
            let bar = "█".repeat(((n as f64 / max as f64) * 30.0).ceil() as usize);
            let _ = writeln!(o, "    {:>13} {n:>7} {bar}", rtt_bucket_label(i));
        }
    }
    let _ = writeln!(
        o,
        "  SYN retransmissions: {} (in {} connections); SYN-ACK retransmissions: {}",
        h.syn_retransmissions, h.flows_with_syn_retransmission, h.synack_retransmissions
    );

    let s = &stats.segments;
    let _ = writeln!(o, "\nTCP segments ({} analysed)", s.total);
    let _ = writeln!(
        o,
        "  retransmissions {} ({:.2}%): fast {}, spurious {}; duplicate ACKs {}, out of order {}, \
         previous segment not captured {}, zero window {}",
        s.retransmissions,
        s.retransmission_rate() * 100.0,
        s.fast_retransmissions,
        s.spurious_retransmissions,
        s.dup_acks,
        s.out_of_order,
        s.lost_segments,
        s.zero_windows
    );

    if let Some(t) = stats.timeline() {
        let _ = writeln!(
            o,
            "\nTraffic over time ({} per column)",
            duration_text(t.bucket_ns)
        );
        let pk: Vec<u64> = t.buckets.iter().map(|b| b.0).collect();
        let by: Vec<u64> = t.buckets.iter().map(|b| b.1).collect();
        let peak = (0..t.buckets.len())
            .filter_map(|i| t.rate(i))
            .fold((0.0f64, 0.0f64), |a, r| (a.0.max(r.0), a.1.max(r.1)));
        for (name, values, peak) in [
            ("packets/s", &pk, format!("{:.0}", peak.0)),
            ("bytes/s", &by, bytes_text(peak.1 as u64)),
        ] {
            for (i, chunk) in values.chunks(80).enumerate() {
                let label = if i == 0 { name } else { "" };
                let _ = writeln!(o, "  {label:<10} {}", sparkline_scaled(chunk, values));
            }
            let _ = writeln!(o, "  {:<10} peak {peak}", "");
        }
    }
    o
}

/// A sparkline of `chunk` scaled to the maximum of all `values`.
fn sparkline_scaled(chunk: &[u64], values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0);
    let mut v: Vec<u64> = chunk.to_vec();
    v.push(max);
    let mut s = sparkline(&v);
    s.pop();
    s
}

fn more(o: &mut String, n: usize) {
    if n > TEXT_TOP {
        let _ = writeln!(o, "  … {} more (--format json lists all)", n - TEXT_TOP);
    }
}

/// The JSON document.
pub fn json(stats: &Stats) -> Value {
    let first = stats.start_ns.unwrap_or(0);
    let layers: Vec<Value> = stats
        .by_layer()
        .into_iter()
        .map(|(layer, protos)| {
            json!({
                "layer": layer.name(),
                "protocols": protos.iter().map(|p| json!({
                    "name": p.name, "packets": p.frames, "bytes": p.bytes,
                    "share": percent(p.frames, stats.packets) / 100.0,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let tree: Vec<Value> = stats
        .hierarchy
        .walk()
        .into_iter()
        .map(|n| {
            json!({"name": n.name, "depth": n.depth, "layer": n.layer.name(),
                   "frames": n.frames, "bytes": n.bytes})
        })
        .collect();
    let convs: Vec<Value> = stats
        .conversations()
        .into_iter()
        .map(|c| {
            json!({
                "a": c.a.to_string(), "b": c.b.to_string(),
                "frames_ab": c.frames_ab, "bytes_ab": c.bytes_ab,
                "frames_ba": c.frames_ba, "bytes_ba": c.bytes_ba,
                "rel_start_ns": c.first_ns.saturating_sub(first),
                "duration_ns": c.duration_ns(),
            })
        })
        .collect();
    let eps: Vec<Value> = stats
        .endpoints()
        .into_iter()
        .map(|e| {
            json!({
                "transport": e.transport.name(), "address": e.addr.ip().to_string(),
                "port": e.addr.port(),
                "tx_frames": e.tx_frames, "tx_bytes": e.tx_bytes,
                "rx_frames": e.rx_frames, "rx_bytes": e.rx_bytes,
            })
        })
        .collect();
    let h = &stats.handshakes;
    let outcomes: serde_json::Map<String, Value> = Outcome::ALL
        .iter()
        .map(|o| (o.name().to_string(), json!(h.count(*o))))
        .collect();
    let hist: Vec<Value> = h
        .rtt_histogram()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "below_ns": RTT_EDGES_NS.get(i),
                "count": n,
            })
        })
        .collect();
    let s = &stats.segments;
    let timeline = stats.timeline().map(|t| {
        json!({
            "start_ns": t.start_ns,
            "bucket_ns": t.bucket_ns,
            "packets": t.buckets.iter().map(|b| b.0).collect::<Vec<_>>(),
            "bytes": t.buckets.iter().map(|b| b.1).collect::<Vec<_>>(),
        })
    });
    json!({
        "packets": stats.packets,
        "bytes": stats.bytes,
        "first_ns": stats.first_ns,
        "last_ns": stats.last_ns,
        "layers": layers,
        "hierarchy": tree,
        "ip_conversations": convs,
        "endpoints": eps,
        "handshakes": {
            "connections": h.total(),
            "outcomes": outcomes,
            "initial_rtt_median_ns": h.rtt_quantile(0.5),
            "initial_rtt_p95_ns": h.rtt_quantile(0.95),
            "initial_rtt_histogram": hist,
            "syn_retransmissions": h.syn_retransmissions,
            "flows_with_syn_retransmission": h.flows_with_syn_retransmission,
            "synack_retransmissions": h.synack_retransmissions,
        },
        "tcp_segments": {
            "analysed": s.total,
            "retransmissions": s.retransmissions,
            "retransmission_rate": s.retransmission_rate(),
            "fast_retransmissions": s.fast_retransmissions,
            "spurious_retransmissions": s.spurious_retransmissions,
            "duplicate_acks": s.dup_acks,
            "out_of_order": s.out_of_order,
            "lost_segments": s.lost_segments,
            "zero_windows": s.zero_windows,
        },
        "timeline": timeline,
    })
}
