//! End-to-end flow conformance over the public corpus: every capture is read with
//! `source::FileReader`, summarized with `decode::summarize`, and its TCP segments fed to a
//! `flow::FlowTracker`. Each packet's flow id must equal tshark's `tcp.stream` (no renumbering:
//! ids count from 0 in order of first appearance, as tshark's do) and each flow's initial RTT
//! must equal tshark's `tcp.analysis.initial_rtt` (the truth files print nanoseconds).
//! Agreement rates are printed; explained differences are listed in the one exception list
//! of `tests/common` (shared with `decode_corpus` and `dump_conformance`).
//! Skips, saying why, when the corpus is missing.

mod common;
mod prereq;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{Check, epoch_ns};
use synack::decode;
use synack::flow::{Flow, FlowId, FlowTracker, Outcome};
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

/// Differences in per-packet flow ids (`frame`) or per-flow RTTs (`None`) covered by the one
/// exception list in `tests/common`.
fn exception(name: &str, frame: Option<u64>, check: Check) -> Option<&'static str> {
    common::listed(name, frame, check)
}

/// What tshark said about one capture: per frame number, the stream (if TCP) and the initial
/// RTT it showed (if any).
struct Truth {
    stream: BTreeMap<u64, u32>,
    irtt: BTreeMap<u32, i64>,
}

fn read_truth(path: &Path) -> Option<Truth> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (no, stream, irtt) = (
        col("frame.number")?,
        col("tcp.stream")?,
        col("tcp.analysis.initial_rtt")?,
    );
    let mut truth = Truth {
        stream: BTreeMap::new(),
        irtt: BTreeMap::new(),
    };
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let (Ok(n), Ok(s)) = (cell(no).parse::<u64>(), cell(stream).parse::<u32>()) else {
            continue;
        };
        truth.stream.insert(n, s);
        if let Some(rtt) = epoch_ns(cell(irtt)) {
            truth.irtt.entry(s).or_insert(rtt);
        }
    }
    Some(truth)
}

/// Our value to set beside tshark's `initial_rtt`: the handshake's initial RTT; for a refused
/// flow tshark stops its clock at the RST-ACK, which synack reports as the server-side RTT
/// (the initial RTT stays empty: there was no handshake).
fn comparable_irtt(flow: &Flow) -> Option<i64> {
    match flow.outcome() {
        Outcome::Refused => flow.rtt().server_ns,
        _ if flow.established() => flow.rtt().initial_ns,
        _ => None,
    }
}

#[derive(Default)]
struct Tally {
    packets: usize,
    packets_ok: usize,
    rtts: usize,
    rtts_ok: usize,
    /// Excepted differences (text with reason), and how many values each reason excused,
    /// flow ids and RTTs apart (neither counts as agreeing).
    excepted: Vec<String>,
    packets_excepted: usize,
    rtts_excepted: usize,
    by_reason: BTreeMap<&'static str, usize>,
}

/// Reads one capture through the real reader and decoder; returns each TCP frame's flow id and
/// the finished tracker. A cut file still has its first packets compared.
fn track(path: &Path) -> (BTreeMap<u64, FlowId>, FlowTracker) {
    let mut tracker = FlowTracker::new(1 << 20);
    let mut ours = BTreeMap::new();
    if let Ok(mut reader) = FileReader::open(path) {
        let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
        let mut number = 0u64;
        while let Ok(true) = reader.next_into(&mut frame) {
            number += 1;
            let summary = decode::summarize(frame.link, &frame.data, frame.len);
            if let Some(seg) = summary.tcp {
                let obs = tracker.observe(number, frame.ts_ns, &seg, frame.len);
                ours.insert(number, obs.flow);
            }
        }
    }
    tracker.finish();
    (ours, tracker)
}

fn compare(root: &Path, name: &str, truth: &Truth, tally: &mut Tally, failures: &mut Vec<String>) {
    let (ours, tracker) = track(&root.join("tcpdump").join(name));
    let mut differ =
        |tally: &mut Tally, check: Check, frame: Option<u64>, text: String| match exception(
            name, frame, check,
        ) {
            Some(why) => {
                tally.excepted.push(format!("{text} — {why}"));
                *tally.by_reason.entry(why).or_default() += 1;
                if frame.is_some() {
                    tally.packets_excepted += 1;
                } else {
                    tally.rtts_excepted += 1;
                }
            }
            None => failures.push(text),
        };

    let mut stream_to_flow: BTreeMap<u32, FlowId> = BTreeMap::new();
    for (&no, &stream) in &truth.stream {
        tally.packets += 1;
        match ours.get(&no) {
            Some(&flow) if flow == stream => {
                tally.packets_ok += 1;
                stream_to_flow.insert(stream, flow);
            }
            other => differ(
                tally,
                Check::FlowIds,
                Some(no),
                format!("{name} frame {no}: tcp.stream {stream}, synack flow {other:?}"),
            ),
        }
    }
    for (&no, &flow) in &ours {
        if !truth.stream.contains_key(&no) {
            tally.packets += 1;
            differ(
                tally,
                Check::FlowIds,
                Some(no),
                format!("{name} frame {no}: synack flow {flow}, tshark has no tcp.stream"),
            );
        }
    }

    let streams: BTreeSet<u32> = truth.stream.values().copied().collect();
    for stream in streams {
        let theirs = truth.irtt.get(&stream).copied();
        let mine = stream_to_flow
            .get(&stream)
            .and_then(|&id| tracker.get(id))
            .and_then(comparable_irtt);
        if theirs.is_none() && mine.is_none() {
            continue;
        }
        tally.rtts += 1;
        // tshark prints nanoseconds and both read the same capture timestamps: exact.
        if theirs == mine {
            tally.rtts_ok += 1;
        } else {
            differ(
                tally,
                Check::Time,
                None,
                format!(
                    "{name} stream {stream}: initial RTT tshark {theirs:?} ns, synack {mine:?} ns"
                ),
            );
        }
    }
}

#[test]
fn flow_ids_and_initial_rtts_match_tshark() {
    let Some(root) = common::corpus() else { return };
    let entries = std::fs::read_dir(root.join("tcpdump")).expect("corpus folder readable");
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();

    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for name in &names {
        let truth_path = root.join(format!("truth/tcpdump/{name}.packets.tsv"));
        let Some(truth) = read_truth(&truth_path) else {
            continue;
        };
        // Captures where tshark numbers no stream are compared too: synack must track none.
        compare(&root, name, &truth, &mut tally, &mut failures);
    }

    println!(
        "flow ids: {}/{} TCP packets agree with tshark's tcp.stream ({} excepted); initial RTT: \
         {}/{} flows agree with tcp.analysis.initial_rtt ({} excepted)",
        tally.packets_ok,
        tally.packets - tally.packets_excepted,
        tally.packets_excepted,
        tally.rtts_ok,
        tally.rtts - tally.rtts_excepted,
        tally.rtts_excepted
    );
    for e in &tally.excepted {
        eprintln!("exception: {e}");
    }
    for f in &failures {
        eprintln!("difference: {f}");
    }
    assert!(
        tally.packets > 1500,
        "the corpus holds over 1500 TCP packets tshark numbered"
    );
    assert!(tally.rtts > 60, "and over 60 flows with an initial RTT");
    // Floors (what remains after the explained exceptions must be exact).
    assert!(
        tally.packets_ok * 1000 >= (tally.packets - tally.packets_excepted) * 995,
        "flow id agreement below 99.5%"
    );
    assert!(
        tally.rtts_ok * 100 >= (tally.rtts - tally.rtts_excepted) * 95,
        "initial RTT agreement below 95%"
    );
    assert!(
        failures.is_empty(),
        "{} unexplained differences from tshark (listed above)",
        failures.len()
    );
    common::assert_pinned(
        &tally.by_reason,
        &[
            (common::BIG_TCP_V6, 5),
            (common::SFLOW, 1),
            (common::MICROS_2_31, 1),
            (common::NANOS_2_31, 1),
        ],
    );
}
