//! TCP sequence analysis against tshark 4.0: every capture of `../shared/corpus/tcpdump`,
//! `../shared/corpus/public` and `assets/demo` is read with `source::FileReader`, summarized
//! with `decode::summarize` and fed to a `flow::FlowTracker`; each frame's
//! `flow::PacketAnalysis` is compared with tshark's `tcp.analysis.*` fields, committed compactly
//! in `tests/truth/analysis/` by `tests/truth/make_analysis_truth.sh`.
//!
//! A "verdict" is one (frame, field) that either side reports: an expert flag (retransmission,
//! duplicate_ack, …), the duplicate-ACK number or frame, bytes in flight or the ACK's RTT.
//! Both directions count: a verdict synack gives and tshark does not is a disagreement, as is
//! one tshark gives and synack misses. Differences with a written reason are listed in
//! [`EXCEPTIONS`] and counted apart (never as agreement); the count per reason is pinned.
//! Set `ANALYSIS_DIFF=1` to print every unexplained difference.
//!
//! Without `../shared/corpus` only the demo captures are checked (and the test fails when
//! `CI=true`, which must have the corpus).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use synack::decode;
use synack::flow::{FlowTracker, PacketAnalysis, Verdicts};
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// tshark's letters (see make_analysis_truth.sh) and the verdict each stands for. `R` is
/// tshark's `retransmission` field, which it also sets on fast and spurious retransmissions.
const LETTERS: [(char, &str); 15] = [
    ('R', "retransmission"),
    ('F', "fast_retransmission"),
    ('S', "spurious_retransmission"),
    ('O', "out_of_order"),
    ('L', "lost_segment"),
    ('A', "ack_lost_segment"),
    ('D', "duplicate_ack"),
    ('Z', "zero_window"),
    ('P', "zero_window_probe"),
    ('Q', "zero_window_probe_ack"),
    ('W', "window_full"),
    ('U', "window_update"),
    ('K', "keep_alive"),
    ('k', "keep_alive_ack"),
    ('X', "reused_ports"),
];

/// Explained differences: (capture, frame or 0 for every frame, field or "*" for every
/// field, reason). Each reason's count is pinned in [`PINNED`].
const EXCEPTIONS: &[(&str, u64, &str, &str)] = &[
    ("ws-wiki__netlink-nflog.pcap", 5, "*", NETLINK_BATCH),
    ("ws-wiki__netlink-nflog.pcap", 6, "*", NETLINK_BATCH),
    ("tcp-auth-heapoverflow.pcap", 0, "*", MALFORMED),
    ("rpki-rtr-oobr.pcap", 0, "*", MALFORMED),
    ("heapoverflow-tcp_print.pcap", 0, "*", MALFORMED),
    ("smb_data_print-segv.pcap", 0, "ack_rtt", BAD_CLOCK),
    ("timestamp_invalid_nano.pcap", 0, "ack_rtt", BAD_CLOCK),
    ("timestamp_invalid_micro.pcap", 0, "ack_rtt", BAD_CLOCK),
];

const NETLINK_BATCH: &str = "a netlink batch of several NFLOG messages, each with a packet: \
    synack decodes the first message's packet, tshark analyses the TCP segments of all of them";
const MALFORMED: &str = "fuzzed capture: tshark stops dissecting the TCP header (bogus IP \
    length, malformed options) before it prints the segment's analysis";
const BAD_CLOCK: &str = "timestamps out of range (sub-second field ≥ 1 s, or 2^63 ns apart): \
    tshark prints the RTT through a float or its own normalisation, synack gives the exact \
    nanosecond difference";

/// How many differences each reason covers (so a change in behaviour shows up here).
const PINNED: &[(&str, usize)] = &[(NETLINK_BATCH, 3), (MALFORMED, 3), (BAD_CLOCK, 3)];

/// One frame's analysis fields as (field name → value text).
type Fields = BTreeMap<&'static str, String>;

fn truth_fields(letters: &str, dup_num: &str, dup_frame: &str, bif: &str, rtt: &str) -> Fields {
    let mut f = Fields::new();
    for (letter, name) in LETTERS {
        if letters.contains(letter) {
            f.insert(name, String::new());
        }
    }
    for (name, value) in [
        ("duplicate_ack_num", dup_num),
        ("duplicate_ack_frame", dup_frame),
        ("bytes_in_flight", bif),
        ("ack_rtt", rtt),
    ] {
        if !value.is_empty() {
            f.insert(name, value.to_string());
        }
    }
    f
}

fn our_fields(a: &PacketAnalysis) -> Fields {
    let mut f = Fields::new();
    let v = a.verdicts;
    for (_, name) in LETTERS {
        let on = if name == "retransmission" {
            v.is_retransmission()
        } else {
            Verdicts::by_name(name).is_some_and(|bit| v.contains(bit))
        };
        if on {
            f.insert(name, String::new());
        }
    }
    if v.contains(Verdicts::DUPLICATE_ACK) && a.dup_ack_num > 0 {
        f.insert("duplicate_ack_num", a.dup_ack_num.to_string());
        f.insert("duplicate_ack_frame", a.dup_ack_frame.to_string());
    }
    if let Some(b) = a.bytes_in_flight {
        f.insert("bytes_in_flight", b.to_string());
    }
    if let Some(r) = a.ack_rtt_ns {
        f.insert("ack_rtt", r.to_string());
    }
    f
}

/// Truth file → capture name → frame → fields.
fn read_truth(path: &Path) -> BTreeMap<String, BTreeMap<u64, Fields>> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out: BTreeMap<String, BTreeMap<u64, Fields>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix("@ ") {
            out.entry(name.to_string()).or_default();
            current = Some(name.to_string());
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        let (Some(name), Some(Ok(frame))) = (&current, c.first().map(|s| s.parse::<u64>())) else {
            continue;
        };
        let cell = |i: usize| c.get(i).copied().unwrap_or("");
        let fields = truth_fields(cell(1), cell(2), cell(3), cell(4), cell(5));
        if let Some(frames) = out.get_mut(name) {
            frames.insert(frame, fields);
        }
    }
    out
}

/// Runs synack over a capture: frame → its analysis fields (frames with none left out).
/// `None` when synack cannot read the file at all.
fn ours(path: &Path) -> Option<BTreeMap<u64, Fields>> {
    let mut reader = FileReader::open(path).ok()?;
    let mut tracker = FlowTracker::new(1_000_000);
    let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut out = BTreeMap::new();
    let mut number = 0u64;
    // A read error ends the file as tshark's does (it stops where the file breaks).
    while let Ok(true) = reader.next_into(&mut frame) {
        number += 1;
        let summary = decode::summarize(frame.link, &frame.data, frame.len);
        if let Some(seg) = summary.tcp {
            let obs = tracker.observe(number, frame.ts_ns, &seg, frame.len);
            let f = our_fields(&obs.analysis);
            if !f.is_empty() {
                out.insert(number, f);
            }
        }
    }
    Some(out)
}

fn exception(name: &str, frame: u64, field: &str) -> Option<&'static str> {
    EXCEPTIONS
        .iter()
        .find(|(n, f, fld, _)| {
            *n == name && (*f == 0 || *f == frame) && (*fld == "*" || *fld == field)
        })
        .map(|e| e.3)
}

#[derive(Default)]
struct Tally {
    total: usize,
    agree: usize,
    excepted: BTreeMap<&'static str, usize>,
    /// field → (synack only, tshark only, values differ)
    by_field: BTreeMap<&'static str, (usize, usize, usize)>,
    unread: Vec<String>,
    diffs: Vec<String>,
}

fn compare(
    tally: &mut Tally,
    name: &str,
    truth: &BTreeMap<u64, Fields>,
    ours: &BTreeMap<u64, Fields>,
) {
    let frames: BTreeSet<u64> = truth.keys().chain(ours.keys()).copied().collect();
    let empty = Fields::new();
    for frame in frames {
        let t = truth.get(&frame).unwrap_or(&empty);
        let o = ours.get(&frame).unwrap_or(&empty);
        let names: BTreeSet<&'static str> = t.keys().chain(o.keys()).copied().collect();
        for field in names {
            tally.total += 1;
            let (tv, ov) = (t.get(field), o.get(field));
            if tv == ov {
                tally.agree += 1;
                continue;
            }
            if let Some(reason) = exception(name, frame, field) {
                *tally.excepted.entry(reason).or_default() += 1;
                continue;
            }
            let entry = tally.by_field.entry(field).or_default();
            match (tv, ov) {
                (None, Some(_)) => entry.0 += 1,
                (Some(_), None) => entry.1 += 1,
                _ => entry.2 += 1,
            }
            tally.diffs.push(format!(
                "{name} frame {frame} {field}: tshark {tv:?}, synack {ov:?}"
            ));
        }
    }
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(ROOT).join("../shared/corpus");
    if dir.join("tcpdump").is_dir() && dir.join("public").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but the public corpus is missing at {} (see /work/shared/corpus/MANIFEST.md): \
         the analysis conformance test needs it",
        dir.display()
    );
    println!(
        "SKIP: corpus not found at {}; only assets/demo is checked",
        dir.display()
    );
    None
}

#[test]
fn analysis_agrees_with_tshark() {
    let truth_dir = Path::new(ROOT).join("tests/truth/analysis");
    let mut sets: Vec<(&str, PathBuf)> = vec![("demo", Path::new(ROOT).join("assets/demo"))];
    let with_corpus = corpus();
    if let Some(c) = &with_corpus {
        sets.push(("tcpdump", c.join("tcpdump")));
        sets.push(("public", c.join("public")));
    }
    let mut tally = Tally::default();
    for (set, dir) in &sets {
        let truth = read_truth(&truth_dir.join(format!("{set}.tsv")));
        assert!(!truth.is_empty(), "no captures in the {set} truth");
        let before = (tally.total, tally.agree);
        for (name, frames) in &truth {
            let path = dir.join(name);
            match ours(&path) {
                Some(o) => compare(&mut tally, name, frames, &o),
                None => {
                    // Formats synack does not read (and says so): every tshark verdict of the
                    // file is missing, which must be an exception.
                    tally.unread.push(name.clone());
                    compare(&mut tally, name, frames, &BTreeMap::new());
                }
            }
        }
        println!(
            "{set}: {}/{} verdicts agree",
            tally.agree - before.1,
            tally.total - before.0
        );
    }
    let excepted: usize = tally.excepted.values().sum();
    println!(
        "{}/{} verdicts agree ({:.3} %), {} explained differences, {} unexplained",
        tally.agree,
        tally.total,
        100.0 * tally.agree as f64 / tally.total.max(1) as f64,
        excepted,
        tally.diffs.len()
    );
    for (field, (ours_only, theirs_only, differ)) in &tally.by_field {
        println!("  {field}: {ours_only} synack only, {theirs_only} tshark only, {differ} differ");
    }
    for (reason, n) in &tally.excepted {
        println!("  explained ({n}): {reason}");
    }
    if !tally.unread.is_empty() {
        println!("  files synack did not read: {}", tally.unread.len());
    }
    if std::env::var_os("ANALYSIS_DIFF").is_some() {
        for d in &tally.diffs {
            println!("DIFF {d}");
        }
    }
    // The pinned counts are the corpus's (the demo captures need no exception).
    for (reason, n) in PINNED.iter().filter(|_| with_corpus.is_some()) {
        assert_eq!(
            tally.excepted.get(reason).copied().unwrap_or(0),
            *n,
            "pinned count changed for: {reason}"
        );
    }
    let rate = tally.agree as f64 / tally.total.max(1) as f64;
    assert!(
        rate >= 0.995,
        "only {}/{} verdicts agree; first differences:\n{}",
        tally.agree,
        tally.total,
        tally
            .diffs
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
