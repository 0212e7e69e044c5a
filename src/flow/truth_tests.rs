//! Conformance of the tracker alone against tshark: the segments are rebuilt from tshark's own
//! per-packet fields (`truth/tcpdump/*.packets.tsv`: addresses, ports, flags, raw seq/ack,
//! length, window, time), fed to a [`FlowTracker`], and every packet's flow id is compared with
//! tshark's `tcp.stream`, every flow's initial RTT with `tcp.analysis.initial_rtt`. This checks
//! the flow logic independently of the decoder (the end-to-end check from the capture files is
//! `tests/flow_corpus.rs`). Skips, saying why, when the corpus is missing.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use super::*;
use crate::corpus_common;
use crate::model::{TcpHandshakeOptions, TcpSegment, TimestampNs};

fn truth_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/truth/tcpdump")
}

/// One TCP row of a truth file.
struct Row {
    ts_ns: TimestampNs,
    frame_len: u32,
    seg: TcpSegment,
    stream: u32,
    irtt_ns: Option<i64>,
}

/// `1418145369.924505488` → integer nanoseconds, without going through floating point.
fn parse_epoch_ns(text: &str) -> Option<i64> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    let secs: i64 = secs.parse().ok()?;
    let mut nanos: i64 = 0;
    for i in 0..9 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        nanos = nanos * 10 + digit;
    }
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// Reads the rows tshark gave a `tcp.stream`. Returns `None` (with the reason) when a TCP
/// packet cannot be rebuilt from the first-occurrence fields: tunnels (the IP fields are the
/// outer header's) and TCP quoted inside ICMP errors.
fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    if text.is_empty() {
        // tshark could not read the capture (see its `.tshark.err`): no rows.
        return Ok(Vec::new());
    }
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(c_time), Some(c_len), Some(c_protos), Some(c_stream)) = (
        col("frame.time_epoch"),
        col("frame.len"),
        col("frame.protocols"),
        col("tcp.stream"),
    ) else {
        return Err("unexpected header".into());
    };
    let cols = [
        "ip.src",
        "ip.dst",
        "ipv6.src",
        "ipv6.dst",
        "tcp.srcport",
        "tcp.dstport",
        "tcp.flags",
        "tcp.seq_raw",
        "tcp.ack_raw",
        "tcp.len",
        "tcp.window_size_value",
        "tcp.analysis.initial_rtt",
    ]
    .map(|name| col(name).unwrap_or(usize::MAX));
    let mut rows = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        if cell(c_stream).is_empty() {
            continue;
        }
        let protos = cell(c_protos);
        let ip_layers = protos
            .split(':')
            .take_while(|p| *p != "tcp")
            .filter(|p| *p == "ip" || *p == "ipv6")
            .count();
        if ip_layers != 1 || protos.contains("icmp") {
            return Err(format!(
                "TCP that the first-occurrence fields cannot rebuild ({protos})"
            ));
        }
        let ip = |v4: usize, v6: usize| -> Option<IpAddr> {
            let text = if cell(v4).is_empty() {
                cell(v6)
            } else {
                cell(v4)
            };
            text.parse().ok()
        };
        let num = |i: usize| cell(i).parse::<u32>().ok();
        let [
            src4,
            dst4,
            src6,
            dst6,
            sport,
            dport,
            flags,
            seq,
            ack,
            len,
            win,
            irtt,
        ] = cols;
        let (Some(src), Some(dst), Some(sport), Some(dport)) =
            (ip(src4, src6), ip(dst4, dst6), num(sport), num(dport))
        else {
            return Err(format!("unparsable row: {line}"));
        };
        let flags = u16::from_str_radix(cell(flags).trim_start_matches("0x"), 16).unwrap_or(0);
        let seg = TcpSegment {
            src: SocketAddr::new(src, sport as u16),
            dst: SocketAddr::new(dst, dport as u16),
            flags,
            seq: num(seq).unwrap_or(0),
            ack: num(ack).unwrap_or(0),
            payload_len: num(len).unwrap_or(0),
            window: num(win).unwrap_or(0) as u16,
            options: TcpHandshakeOptions::default(),
        };
        rows.push(Row {
            ts_ns: parse_epoch_ns(cell(c_time)).unwrap_or(0),
            frame_len: num(c_len).unwrap_or(0),
            seg,
            stream: num(c_stream).unwrap_or(u32::MAX),
            irtt_ns: parse_epoch_ns(cell(irtt)).filter(|_| !cell(irtt).is_empty()),
        });
    }
    Ok(rows)
}

#[test]
fn parse_epoch_keeps_every_nanosecond() {
    assert_eq!(
        parse_epoch_ns("1418145369.924505488"),
        Some(1_418_145_369_924_505_488)
    );
    assert_eq!(parse_epoch_ns("0.127609669"), Some(127_609_669));
    assert_eq!(parse_epoch_ns("12"), Some(12_000_000_000));
}

/// Files whose initial RTTs cannot be compared, and why.
/// Our value to compare with tshark's `initial_rtt`. tshark stops the clock at the first
/// segment with ACK set and SYN clear after a SYN, so for a refused flow it measures SYN →
/// RST-ACK; synack reports that as the server-side RTT and leaves the initial RTT empty
/// (there was no handshake), so that is what is compared for refused flows.
fn comparable_irtt(flow: &Flow) -> Option<i64> {
    match flow.outcome() {
        Outcome::Refused => flow.rtt().server_ns,
        _ if flow.established() => flow.rtt().initial_ns,
        _ => None,
    }
}

#[test]
fn stream_ids_and_initial_rtt_match_tshark_on_its_own_fields() {
    let dir = truth_dir();
    if !crate::prereq::require(&[crate::prereq::Prereq::Corpus]) {
        return;
    }
    let entries = std::fs::read_dir(&dir).expect("corpus truth folder readable");
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".packets.tsv"))
        .collect();
    files.sort();

    let (mut packets, mut packets_ok) = (0usize, 0usize);
    let (mut irtts, mut irtts_ok, mut irtts_excepted) = (0usize, 0usize, 0usize);
    let mut by_reason: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().replace(".packets.tsv", ""))
            .unwrap_or_default();
        let rows = match read_rows(path) {
            Ok(rows) if rows.is_empty() => continue,
            Ok(rows) => rows,
            Err(why) => {
                skipped.push(format!("{name}: {why}"));
                continue;
            }
        };
        let mut tracker = FlowTracker::new(100_000);
        // tshark stream → (our flow, tshark's initial RTT if shown)
        let mut streams: BTreeMap<u32, (FlowId, Option<i64>)> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            let obs = tracker.observe(i as u64 + 1, row.ts_ns, &row.seg, row.frame_len);
            packets += 1;
            if obs.flow == row.stream {
                packets_ok += 1;
            } else {
                failures.push(format!(
                    "{name} row {}: flow {} but tcp.stream {}",
                    i + 1,
                    obs.flow,
                    row.stream
                ));
            }
            let entry = streams.entry(row.stream).or_insert((obs.flow, None));
            if entry.1.is_none() {
                entry.1 = row.irtt_ns;
            }
        }
        tracker.finish();
        for (stream, (flow_id, tshark_irtt)) in streams {
            let ours = tracker.get(flow_id).and_then(comparable_irtt);
            if tshark_irtt.is_none() && ours.is_none() {
                continue;
            }
            irtts += 1;
            if ours == tshark_irtt {
                irtts_ok += 1;
            } else if let Some(why) = corpus_common::listed(&name, None, corpus_common::Check::Time)
            {
                // Excepted, never counted as agreeing (the one list in tests/common).
                println!("exception {name} stream {stream}: {why}");
                irtts_excepted += 1;
                *by_reason.entry(why).or_default() += 1;
            } else {
                failures.push(format!(
                    "{name} stream {stream}: initial RTT ours {ours:?} tshark {tshark_irtt:?}"
                ));
            }
        }
    }
    println!(
        "tcp.stream agreement: {packets_ok}/{packets} packets; initial RTT: {irtts_ok}/{} flows \
         agree ({irtts_excepted} excepted)",
        irtts - irtts_excepted
    );
    for s in &skipped {
        eprintln!("skipped {s}");
    }
    assert!(
        packets > 1500,
        "the corpus holds over 1500 rebuildable TCP packets"
    );
    assert!(irtts > 60, "and over 60 flows with an initial RTT");
    assert!(
        failures.is_empty(),
        "differences from tshark:\n{}",
        failures.join("\n")
    );
    corpus_common::assert_pinned(&by_reason, &[(corpus_common::NANOS_2_31, 1)]);
}
