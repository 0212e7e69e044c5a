//! The user-facing contract, `synack dump FILE --format json`, against tshark over the public
//! corpus (`../shared/corpus`, see its MANIFEST.md), through the real binary:
//!
//! - conformance: every JSON line compared with tshark's row of the same frame number
//!   (`truth/tcpdump/*.packets.tsv`): lengths, capture time, VLAN id, outermost addresses,
//!   TCP/UDP ports, TCP flags, raw seq/ack, TCP payload length, window, and the flow id against
//!   `tcp.stream`. It prints the agreement per field and overall, asserts a floor and fails on
//!   any difference not covered by the one exception list and rules of `tests/common` (shared
//!   with `decode_corpus` and `flow_corpus`);
//! - structure, on every line of every capture: the contract's keys with their types, frame
//!   numbers in order, layer, field and issue positions inside the captured bytes, addresses in
//!   canonical form, no control or invisible formatting characters in any string;
//! - errors: a failing run says one `synack: ` line and no panic, after every packet read
//!   before the error; each capture cut in half still dumps every packet before the cut;
//! - a BPF filter chooses which packets are shown, not how flows are numbered;
//! - a reader that goes away (`| head`) is not an error.
//!
//! Skips, saying why, when the corpus is not there.

mod common;
mod prereq;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{Check, Conformance, LayerView, Ours, OursTcp, Row};
use serde_json::Value;
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

fn dump(path: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("dump")
        .arg(path)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("run synack")
}

/// How many frames the library's reader yields before it ends, and whether it ended on an
/// error: what the binary must have written out, error or not.
fn readable_frames(path: &Path) -> (usize, bool) {
    let Ok(mut reader) = FileReader::open(path) else {
        return (0, true);
    };
    let mut f = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut n = 0;
    loop {
        match reader.next_into(&mut f) {
            Ok(true) => n += 1,
            Ok(false) => return (n, false),
            Err(_) => return (n, true),
        }
    }
}

/// Checks a run's exit status and stderr against what the reader says about the file, and
/// returns the JSON lines it printed. Problems go to `problems`.
fn run_lines(path: &Path, out: &Output, problems: &mut Vec<String>) -> Vec<String> {
    let name = common::file_name(path);
    let full_stderr = String::from_utf8_lossy(&out.stderr);
    // The one-line note about packets on link types synack does not decode is not an error;
    // it must name them when it is there.
    let (note, stderr): (Vec<&str>, Vec<&str>) = full_stderr
        .lines()
        .partition(|l| l.contains("on link types synack does not decode"));
    let undecoded = note.len();
    if undecoded > 1 {
        problems.push(format!(
            "{name}: {undecoded} notes about undecoded link types"
        ));
    }
    let stderr = stderr.iter().map(|l| format!("{l}\n")).collect::<String>();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    if full_stderr.contains("panicked") || full_stderr.contains("RUST_BACKTRACE") {
        problems.push(format!("{name}: panic: {stderr}"));
    }
    let (frames, read_error) = readable_frames(path);
    if out.status.success() {
        if !stderr.is_empty() {
            problems.push(format!("{name}: success but stderr {stderr:?}"));
        }
        if read_error {
            problems.push(format!(
                "{name}: success, but the reader fails on this file"
            ));
        }
    } else {
        if !stderr.starts_with("synack: ") || stderr.trim_end().contains('\n') {
            problems.push(format!("{name}: error not one `synack: ` line: {stderr:?}"));
        }
        if !read_error {
            problems.push(format!(
                "{name}: failed ({stderr:?}) on a file the reader reads"
            ));
        }
    }
    // Every packet read before an error (or the end) was written out.
    if lines.len() != frames {
        problems.push(format!(
            "{name}: {} JSON lines, the reader yields {frames} frames{}",
            lines.len(),
            if read_error { " before its error" } else { "" }
        ));
    }
    if !stdout.is_empty() && !stdout.ends_with('\n') {
        problems.push(format!("{name}: output does not end with a newline"));
    }
    lines
}

// ---------------------------------------------------------------------------------------
// Structure of one line

const LAYERS: &[&str] = &["Link", "Internet", "Transport", "Application"];

/// Bidirectional controls, zero-width characters and the BOM (see `synack::sanitize`).
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// Every string in the value (keys too) is free of control and invisible characters.
fn strings_clean(v: &Value, at: &str, problems: &mut Vec<String>) {
    let bad = |s: &str| s.chars().any(|c| c.is_control() || invisible(c));
    match v {
        Value::String(s) if bad(s) => problems.push(format!("{at}: unsafe string {s:?}")),
        Value::Array(a) => a.iter().for_each(|x| strings_clean(x, at, problems)),
        Value::Object(o) => {
            for (k, x) in o {
                if bad(k) {
                    problems.push(format!("{at}: unsafe key {k:?}"));
                }
                strings_clean(x, at, problems);
            }
        }
        _ => {}
    }
}

/// A `[start, end]` range with start ≤ end ≤ caplen.
fn range_ok(r: &Value, caplen: u64) -> bool {
    match (
        r.get(0).and_then(Value::as_u64),
        r.get(1).and_then(Value::as_u64),
    ) {
        (Some(a), Some(b)) => r.as_array().is_some_and(|a| a.len() == 2) && a <= b && b <= caplen,
        _ => false,
    }
}

fn fields_ok(fields: &Value, caplen: u64, at: &str, problems: &mut Vec<String>) {
    let Some(list) = fields.as_array() else {
        problems.push(format!("{at}: fields is not an array"));
        return;
    };
    for f in list {
        let name = f["name"].as_str().unwrap_or("?");
        if f["name"].as_str().is_none() || f["value"].as_str().is_none() {
            problems.push(format!("{at}: field without name or value: {f}"));
        }
        if !f.get("meaning").is_none_or(Value::is_string) {
            problems.push(format!("{at}: field {name}: meaning is not text"));
        }
        if !range_ok(&f["range"], caplen) {
            problems.push(format!(
                "{at}: field {name} range {} outside [0, {caplen}]",
                f["range"]
            ));
        }
        if let Some(children) = f.get("children") {
            fields_ok(children, caplen, at, problems);
        }
    }
}

fn is_u16(v: &Value) -> bool {
    v.as_u64().is_some_and(|n| n <= u64::from(u16::MAX))
}

fn is_u32(v: &Value) -> bool {
    v.as_u64().is_some_and(|n| n <= u64::from(u32::MAX))
}

/// An IP address in canonical text (IPv6 per RFC 5952, as Rust prints it), or null.
fn address_ok(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.parse::<IpAddr>().is_ok_and(|a| a.to_string() == *s),
        _ => false,
    }
}

/// The structural promises of one JSON object (`at` names it in messages).
fn structure(v: &Value, at: &str, problems: &mut Vec<String>) {
    const KEYS: &[&str] = &[
        "no", "ts_ns", "len", "caplen", "link", "vlan", "src", "dst", "proto", "sport", "dport",
        "tcp", "flow", "info", "layers", "issues",
    ];
    let Some(obj) = v.as_object() else {
        problems.push(format!("{at}: not a JSON object"));
        return;
    };
    for k in KEYS {
        if !obj.contains_key(*k) {
            problems.push(format!("{at}: missing key {k}"));
        }
    }
    let caplen = v["caplen"].as_u64().unwrap_or(0);
    let types = [
        ("ts_ns", v["ts_ns"].is_i64()),
        ("len", is_u32(&v["len"])),
        ("caplen", is_u32(&v["caplen"])),
        ("link", v["link"].as_str().is_some_and(|s| !s.is_empty())),
        (
            "vlan",
            v["vlan"]
                .as_array()
                .is_some_and(|a| a.iter().all(|x| x.as_u64().is_some_and(|n| n < 4096))),
        ),
        ("src", address_ok(&v["src"])),
        ("dst", address_ok(&v["dst"])),
        ("proto", v["proto"].as_str().is_some_and(|s| !s.is_empty())),
        ("sport", v["sport"].is_null() || is_u16(&v["sport"])),
        ("dport", v["dport"].is_null() || is_u16(&v["dport"])),
        ("flow", v["flow"].is_null() || is_u32(&v["flow"])),
        ("info", v["info"].is_string()),
        ("layers", v["layers"].is_array()),
        ("issues", v["issues"].is_array()),
        (
            "tcp",
            v["tcp"].is_null()
                || (v["tcp"]["flags"].as_u64().is_some_and(|f| f < 4096)
                    && is_u32(&v["tcp"]["seq"])
                    && is_u32(&v["tcp"]["ack"])
                    && is_u32(&v["tcp"]["len"])
                    && is_u16(&v["tcp"]["win"])),
        ),
    ];
    for (key, ok) in types {
        if !ok {
            problems.push(format!("{at}: bad {key}: {}", v[key]));
        }
    }
    // Ports come in pairs; a destination address only after a source (a header cut between
    // the two shows its source alone, as tshark does); a flow id exactly for TCP segments.
    if v["sport"].is_null() != v["dport"].is_null() || (v["src"].is_null() && !v["dst"].is_null()) {
        problems.push(format!("{at}: half a port pair, or dst without src"));
    }
    if v["tcp"].is_null() != v["flow"].is_null() {
        problems.push(format!("{at}: tcp {} but flow {}", v["tcp"], v["flow"]));
    }
    for (i, h) in v["layers"].as_array().into_iter().flatten().enumerate() {
        let lat = format!("{at} layer {i}");
        if !h["layer"].as_str().is_some_and(|l| LAYERS.contains(&l)) {
            problems.push(format!("{lat}: layer {}", h["layer"]));
        }
        if h["protocol"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("{lat}: protocol {}", h["protocol"]));
        }
        if !range_ok(&h["range"], caplen) {
            problems.push(format!("{lat}: range {} outside [0, {caplen}]", h["range"]));
        }
        fields_ok(&h["fields"], caplen, &lat, problems);
    }
    for is in v["issues"].as_array().into_iter().flatten() {
        let ok = is["layer"].as_str().is_some_and(|l| LAYERS.contains(&l))
            && is["offset"].as_u64().is_some_and(|o| o <= caplen)
            && is["message"].as_str().is_some_and(|m| !m.is_empty());
        if !ok {
            problems.push(format!("{at}: issue {is}"));
        }
    }
    strings_clean(v, at, problems);
}

// ---------------------------------------------------------------------------------------
// Comparison with tshark

/// A JSON line in the terms of the shared comparison.
fn ours(v: &Value) -> Ours {
    let text = |k: &str| v[k].as_str().map(str::to_string);
    let port = |k: &str| v[k].as_u64().and_then(|p| u16::try_from(p).ok());
    let tcp = &v["tcp"];
    let n = |k: &str| tcp[k].as_u64().unwrap_or(u64::MAX);
    Ours {
        ts_ns: v["ts_ns"].as_i64().unwrap_or(i64::MIN),
        len: v["len"].as_u64().unwrap_or(u64::MAX),
        caplen: v["caplen"].as_u64().unwrap_or(u64::MAX),
        vlans: v["vlan"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_u64().and_then(|n| u16::try_from(n).ok()))
            .collect(),
        src: text("src"),
        dst: text("dst"),
        proto: text("proto").unwrap_or_default(),
        sport: port("sport"),
        dport: port("dport"),
        // dump's JSON has the ports of `proto` only.
        tcp_ports: None,
        tcp: tcp.is_object().then(|| OursTcp {
            flags: u16::try_from(n("flags")).unwrap_or(u16::MAX),
            seq: u32::try_from(n("seq")).unwrap_or(u32::MAX),
            ack: u32::try_from(n("ack")).unwrap_or(u32::MAX),
            len: u32::try_from(n("len")).unwrap_or(u32::MAX),
            win: u16::try_from(n("win")).unwrap_or(u16::MAX),
        }),
    }
}

/// Whether the packet's first IP header is a fragment, from the line's layers.
fn is_fragment(v: &Value) -> bool {
    let layers: Vec<LayerView<'_>> = v["layers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| LayerView {
            layer: h["layer"].as_str().unwrap_or(""),
            protocol: h["protocol"].as_str().unwrap_or(""),
            fields: h["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    (
                        f["name"].as_str().unwrap_or(""),
                        f["value"].as_str().unwrap_or(""),
                        f["meaning"].as_str().unwrap_or(""),
                    )
                })
                .collect(),
        })
        .collect();
    common::is_fragment(&layers)
}

/// Compares one parsed line with tshark's row, flow id included.
fn compare_line(conf: &mut Conformance, name: &str, no: u64, row: &Row<'_>, v: &Value) {
    let o = ours(v);
    for c in common::compare(row, &o) {
        conf.record(name, no, row, &o, c, || is_fragment(v));
    }
    let flow = common::Compared {
        field: "tcp.stream",
        check: Check::FlowIds,
        theirs: row.get("tcp.stream").map(str::to_string),
        ours: v["flow"].as_u64().map(|f| f.to_string()),
    };
    conf.record(name, no, row, &o, flow, || is_fragment(v));
}

#[test]
fn dump_json_agrees_with_tshark() {
    let Some(dir) = common::corpus() else { return };
    let files = common::captures(&dir);
    assert!(
        files.len() >= 500,
        "expected the 566 captures, found {}",
        files.len()
    );
    let started = std::time::Instant::now();
    let mut conf = Conformance::default();
    let mut problems: Vec<String> = Vec::new();
    let (mut lines_total, mut failed_runs, mut with_truth) = (0usize, 0usize, 0usize);
    for path in &files {
        let name = common::file_name(path);
        let out = dump(path, &[]);
        failed_runs += usize::from(!out.status.success());
        let lines = run_lines(path, &out, &mut problems);
        lines_total += lines.len();
        let text = common::truth_text(&dir, &name).unwrap_or_default();
        let rows = common::parse_truth(&text);
        if !rows.is_empty() {
            with_truth += 1;
        }
        let by_no: BTreeMap<u64, &Row<'_>> =
            rows.iter().filter_map(|r| Some((r.number()?, r))).collect();
        let mut seen = BTreeSet::new();
        for (i, line) in lines.iter().enumerate() {
            let at = format!("{name} line {}", i + 1);
            let v: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("{at}: not JSON ({e}): {line:.200}"));
                    continue;
                }
            };
            structure(&v, &at, &mut problems);
            // Without a filter, frame numbers are 1, 2, 3… in file order.
            let no = v["no"].as_u64().unwrap_or(0);
            if no != i as u64 + 1 {
                problems.push(format!("{at}: no {} (expected {})", v["no"], i + 1));
            }
            if rows.is_empty() {
                continue; // tshark could not read this capture (see its .tshark.err)
            }
            seen.insert(no);
            match by_no.get(&no) {
                Some(row) => compare_line(&mut conf, &name, no, row, &v),
                None => problems.push(format!("{at}: frame {no} is not in tshark's answer")),
            }
        }
        for no in by_no.keys().filter(|n| !seen.contains(n)) {
            problems.push(format!("{name}: tshark's frame {no} missing from dump"));
        }
    }
    println!(
        "dumped {lines_total} packets from {} captures ({with_truth} with tshark's answers, \
         {failed_runs} runs ended on an error) in {:.1?}",
        files.len(),
        started.elapsed()
    );
    let totals = conf.print();
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dump-conformance.txt");
    let _ = std::fs::write(&report, conf.mismatches.join("\n"));
    println!("full list: {}", report.display());
    println!("{} structural problems:", problems.len());
    for p in problems.iter().take(100) {
        println!("  {p}");
    }
    assert!(
        lines_total > 9000,
        "expected the corpus' ~9400 packets, dumped {lines_total}"
    );
    assert!(
        totals.compared > 50_000,
        "too few values compared: {}",
        totals.compared
    );
    assert!(
        totals.rate >= 99.9,
        "agreement {:.3}% is below the 99.9% floor",
        totals.rate
    );
    assert!(
        conf.mismatches.is_empty(),
        "{} differences from tshark not covered by tests/common's exceptions (listed above)",
        conf.mismatches.len()
    );
    assert!(
        problems.is_empty(),
        "{} structural problems (listed above)",
        problems.len()
    );
    common::assert_pinned(
        &conf.by_reason,
        &[
            (common::ARISTA_0011, 11),
            (common::BIG_TCP_V6, 40),
            (common::ICMP_QUOTE, 54),
            (common::IP_FRAGMENT, 204),
            (common::TUNNEL_TCP_PORTS, 84),
            (common::MICROS_2_31, 2),
            (common::NANOS_2_31, 2),
            (common::FUZZED_NO_TCP_LEN, 4),
            (common::MICROS_3841916976, 1),
            (common::OPENFLOW, 6),
            (common::SFLOW, 8),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Cut files, filters, closed pipes

/// Each capture cut in the middle of its bytes: the run still prints every packet the reader
/// gets before the cut, exactly as the whole file's run printed them, then one clear error.
#[test]
fn cut_captures_dump_every_packet_before_the_cut() {
    let Some(dir) = common::corpus() else { return };
    let tmp = tempfile::tempdir().expect("temp dir");
    let (mut cut_files, mut errors, mut kept) = (0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    for path in common::captures(&dir) {
        let bytes = std::fs::read(&path).expect("read capture");
        if bytes.len() < 2 {
            continue;
        }
        let whole = dump(&path, &[]);
        let cut = tmp.path().join(common::file_name(&path));
        std::fs::write(&cut, bytes.get(..bytes.len() / 2).unwrap_or_default()).expect("write");
        let out = dump(&cut, &[]);
        let lines = run_lines(&cut, &out, &mut problems);
        cut_files += 1;
        errors += usize::from(!out.status.success());
        kept += lines.len();
        let before = String::from_utf8_lossy(&whole.stdout);
        if !before
            .lines()
            .take(lines.len())
            .eq(lines.iter().map(String::as_str))
        {
            problems.push(format!(
                "{}: the cut file's lines are not the whole file's first lines",
                path.display()
            ));
        }
        let _ = std::fs::remove_file(&cut);
    }
    println!(
        "{cut_files} captures cut in half: {errors} runs ended on a clear error, {kept} packets \
         before the cuts dumped"
    );
    for p in problems.iter().take(100) {
        println!("  {p}");
    }
    assert!(
        errors > cut_files / 2,
        "most cut files should end on an error"
    );
    assert!(
        problems.is_empty(),
        "{} problems (listed above)",
        problems.len()
    );
}

/// With `-f`, frame numbers and flow ids stay those of the whole file (tshark's, for a
/// display filter): the filter picks what is shown, not how it is counted. Each capture with
/// several TCP streams is filtered down to the ports of its last stream; `flows` with the same
/// filter lists exactly the flows the dump showed, under the same ids.
#[test]
fn a_filter_keeps_the_files_flow_ids() {
    let Some(dir) = common::corpus() else { return };
    let (mut files, mut checked, mut nonzero) = (0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    for path in common::captures(&dir) {
        let name = common::file_name(&path);
        let Some(text) = common::truth_text(&dir, &name) else {
            continue;
        };
        let rows = common::parse_truth(&text);
        let stream = |r: &Row<'_>| r.get("tcp.stream").and_then(|s| s.parse::<u64>().ok());
        let Some(last) = rows.iter().filter_map(stream).max().filter(|&s| s > 0) else {
            continue;
        };
        let Some(row) = rows.iter().find(|r| stream(r) == Some(last)) else {
            continue;
        };
        let (Some(a), Some(b)) = (row.get("tcp.srcport"), row.get("tcp.dstport")) else {
            continue;
        };
        let filter = format!("tcp port {a} and tcp port {b}");
        let out = dump(&path, &["-f", &filter]);
        if !out.status.success() {
            problems.push(format!("{name} -f '{filter}': failed"));
            continue;
        }
        files += 1;
        let by_no: BTreeMap<u64, &Row<'_>> =
            rows.iter().filter_map(|r| Some((r.number()?, r))).collect();
        let mut shown = BTreeSet::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                problems.push(format!("{name}: not JSON: {line:.200}"));
                continue;
            };
            let no = v["no"].as_u64().unwrap_or(0);
            let theirs = by_no.get(&no).and_then(|r| stream(r));
            let ours = v["flow"].as_u64();
            if let Some(f) = ours {
                shown.insert(f);
            }
            if theirs.is_none() && ours.is_none() {
                continue;
            }
            checked += 1;
            nonzero += usize::from(ours.is_some_and(|f| f > 0));
            if theirs != ours && common::listed(&name, Some(no), Check::FlowIds).is_none() {
                problems.push(format!(
                    "{name} -f '{filter}' frame {no}: tcp.stream {theirs:?}, flow {ours:?}"
                ));
            }
        }
        let flows = Command::new(env!("CARGO_BIN_EXE_synack"))
            .arg("flows")
            .arg(&path)
            .args(["--format", "json", "-f", &filter])
            .output()
            .expect("run synack flows");
        let listed: BTreeSet<u64> = String::from_utf8_lossy(&flows.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok()?["flow"].as_u64())
            .collect();
        if !flows.status.success() || listed != shown {
            problems.push(format!(
                "{name} -f '{filter}': flows lists {listed:?}, dump showed {shown:?}"
            ));
        }
    }
    println!(
        "{files} captures filtered to their last TCP stream: {checked} packets compared, \
         {nonzero} with a flow id above 0"
    );
    for p in problems.iter().take(100) {
        println!("  {p}");
    }
    assert!(files >= 10, "expected captures with several TCP streams");
    assert!(nonzero > 20, "too few filtered packets of later streams");
    assert!(
        problems.is_empty(),
        "{} problems (listed above)",
        problems.len()
    );
}

/// `synack dump --format json FILE | head -c 100`: the reader leaving early ends the run
/// quietly and successfully, as in text mode.
#[test]
fn json_dump_into_a_closed_pipe_is_not_an_error() {
    let Some(dir) = common::corpus() else { return };
    let path = dir.join("tcpdump/afs.pcap"); // 600 packets, ~2 MB of JSON
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("dump")
        .arg(&path)
        .args(["--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run synack");
    let mut first = [0u8; 100];
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The pipe's read end is dropped here, before synack has written everything.
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with(b"{\"no\":1,"), "{first:?}");
    assert!(
        out.status.success(),
        "exit {:?}, stderr {stderr:?}",
        out.status
    );
    assert!(stderr.is_empty(), "stderr {stderr:?}");
}

// ---------------------------------------------------------------------------------------
// The public corpus (`public/`: Wireshark's sample captures and other collections)

/// Differences with tshark on `public/` that a rule explains, by reason, with the number of
/// compared values each one excuses pinned: a change in any count fails the test, so a new
/// decoder (or a regression) shows up here and the list is kept honest.
const PUBLIC_PINNED: &[(&str, usize)] = &[
    (
        "ICMP error quoting a TCP header: tshark counts the quoted header in the stream, \
         synack gives an ICMP packet no flow",
        10,
    ),
    (
        "a netlink batch of several netfilter messages, each with a packet: synack decodes the \
         first message's packet, tshark all of them (its first-occurrence fields come from \
         several)",
        8,
    ),
    (
        "TCP header length below 20: tshark shows no tcp.len, synack the IP payload's",
        1,
    ),
    (
        "a file tshark itself reports as damaged (exit status 2): the values of its corrupt \
         records are no reference",
        4,
    ),
    (
        "a link type synack does not decode (every such packet has an issue saying so)",
        5455,
    ),
    (
        "a time past 2262: tshark prints it, synack shows the latest time it can hold and \
         says so in the packet's issues",
        8,
    ),
    (
        "frame.len: tshark leaves the link's pseudo-header out, synack keeps the record's length",
        1814,
    ),
    (
        "tshark decodes the packet sampled inside an sFlow datagram; synack does not open \
         sFlow samples",
        7,
    ),
    (
        "IP fragment: tshark reassembles (no transport header on the first fragment, the \
         datagram's on the last), synack decodes each fragment's own headers; public/ has no \
         truth made without reassembly to compare with",
        536,
    ),
    (
        "TCP header longer than the packet: tshark shows no tcp.len, synack the payload \
         length the IP header declares (with an issue)",
        2,
    ),
    (
        "GRE carrying PPP in HDLC-like framing (3GPP2 A10, protocol 0x88d2): synack does not \
         decode it (the packet has an issue naming the protocol)",
        2,
    ),
];

/// Why a difference on `public/` is expected, when a rule of this corpus explains it.
fn public_rule(row: &Row<'_>, field: &str, v: &Value, tshark_failed: bool) -> Option<&'static str> {
    let encap: u32 = row
        .get("frame.encap_type")
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let layers = v["layers"].as_array();
    let undecoded_link = layers
        .and_then(|l| l.first())
        .and_then(|h| h["protocol"].as_str())
        .is_some_and(|p| p.starts_with("Unknown link type"));
    let issue = |text: &str| {
        v["issues"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|i| i["message"].as_str().is_some_and(|m| m.contains(text)))
    };
    let protos = row.get("frame.protocols").unwrap_or("");
    let before = |a: &str, b: &str| {
        let p: Vec<&str> = protos.split(':').collect();
        let i = p.iter().position(|x| *x == a);
        let j = p.iter().position(|x| *x == b);
        matches!((i, j), (Some(i), Some(j)) if i < j)
    };
    if field == "frame.len" || field == "frame.cap_len" {
        // Wireshark counts only the packet in frame.len on link types whose records start with
        // a pseudo-header; synack reports the record's length as the file stores it.
        if matches!(encap, 19 | 42 | 44 | 88 | 98 | 100 | 108 | 133 | 141 | 144) {
            return Some(
                "frame.len: tshark leaves the link's pseudo-header out, synack keeps the record's length",
            );
        }
    }
    if undecoded_link {
        return Some(
            "a link type synack does not decode (every such packet has an issue saying so)",
        );
    }
    if protos.matches("netlink-netfilter").count() > 1 {
        return Some(
            "a netlink batch of several netfilter messages, each with a packet: synack decodes \
             the first message's packet, tshark all of them (its first-occurrence fields come \
             from several)",
        );
    }
    if field == "tcp.stream" && (before("icmp", "tcp") || before("icmpv6", "tcp")) {
        return Some(
            "ICMP error quoting a TCP header: tshark counts the quoted header in the \
                     stream, synack gives an ICMP packet no flow",
        );
    }
    if protos.contains("sflow") {
        return Some(
            "tshark decodes the packet sampled inside an sFlow datagram; synack does \
                     not open sFlow samples",
        );
    }
    if field == "tcp.len" && issue("below the 20-byte minimum") {
        return Some(
            "TCP header length below 20: tshark shows no tcp.len, synack the IP payload's",
        );
    }
    let transport = field.starts_with("tcp.") || field.starts_with("udp.");
    if transport && is_fragment(v) {
        return Some(
            "IP fragment: tshark reassembles (no transport header on the first fragment, the \
             datagram's on the last), synack decodes each fragment's own headers; public/ has \
             no truth made without reassembly to compare with",
        );
    }
    if field == "tcp.len" && issue("exceeds the") {
        return Some(
            "TCP header longer than the packet: tshark shows no tcp.len, synack the \
             payload length the IP header declares (with an issue)",
        );
    }
    if protos.contains("gre:ppp_hdlc") {
        return Some(
            "GRE carrying PPP in HDLC-like framing (3GPP2 A10, protocol 0x88d2): synack does \
             not decode it (the packet has an issue naming the protocol)",
        );
    }
    if tshark_failed {
        return Some(
            "a file tshark itself reports as damaged (exit status 2): the values of its \
                     corrupt records are no reference",
        );
    }
    if field == "frame.time_epoch" && issue("outside the years 1677") {
        return Some(
            "a time past 2262: tshark prints it, synack shows the latest time it can \
                     hold and says so in the packet's issues",
        );
    }
    None
}

/// One capture of `public/`: its run's lines, and whether synack's exit agrees with tshark's.
struct PublicRun {
    name: String,
    out: Output,
}

#[test]
fn public_corpus_dump_json_agrees_with_tshark() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let files = common::public_captures(&dir);
    assert!(
        files.len() >= 850,
        "expected the 872 captures, found {}",
        files.len()
    );
    let started = std::time::Instant::now();
    let mut conf = Conformance::default();
    let mut public_reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    let (mut lines_total, mut tshark_reads, mut both_read) = (0usize, 0usize, 0usize);
    let (mut tcp_theirs, mut tcp_ours_same) = (0usize, 0usize);
    // Two workers (CI has two cores, and the runs are independent). Each run is checked as
    // soon as it and those before it have ended, so only the runs waiting for an earlier one
    // are held, not the whole corpus' output (~720 MB of JSON).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, PublicRun)>();
    std::thread::scope(|s| {
        for _ in 0..2 {
            let (tx, next, files) = (tx.clone(), &next, &files);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let run = PublicRun {
                        name: common::file_name(path),
                        out: dump(path, &[]),
                    };
                    if tx.send((i, run)).is_err() {
                        break; // the checker stopped (a failed assertion)
                    }
                }
            });
        }
        drop(tx);
        // Checked in file order, whatever order the workers finish in.
        let mut waiting: BTreeMap<usize, PublicRun> = BTreeMap::new();
        let mut due = 0usize;
        for (i, run) in rx {
            waiting.insert(i, run);
            while let Some(run) = waiting.remove(&due) {
                let path = &files[due];
                due += 1;
                let name = &run.name;
                let lines = run_lines(path, &run.out, &mut problems);
                lines_total += lines.len();
                let rc = common::public_tshark_rc(&dir, name);
                let text = common::public_truth_text(&dir, name).unwrap_or_default();
                let rows = common::parse_truth(&text);
                if rc == 0 {
                    tshark_reads += 1;
                    if run.out.status.success() {
                        both_read += 1;
                    } else {
                        problems.push(format!(
                            "{name}: tshark reads it, synack fails: {}",
                            String::from_utf8_lossy(&run.out.stderr).trim()
                        ));
                    }
                }
                let by_no: BTreeMap<u64, &Row<'_>> =
                    rows.iter().filter_map(|r| Some((r.number()?, r))).collect();
                for (i, line) in lines.iter().enumerate() {
                    let at = format!("{name} line {}", i + 1);
                    let Ok(v) = serde_json::from_str::<Value>(line) else {
                        problems.push(format!("{at}: not JSON"));
                        continue;
                    };
                    structure(&v, &at, &mut problems);
                    let no = v["no"].as_u64().unwrap_or(0);
                    let Some(row) = by_no.get(&no) else {
                        // Where tshark stopped on a damaged record, synack may read further.
                        if !rows.is_empty() && rc == 0 {
                            problems.push(format!("{at}: frame {no} is not in tshark's answer"));
                        }
                        continue;
                    };
                    if row.get("tcp.srcport").is_some() {
                        tcp_theirs += 1;
                    }
                    let o = ours(&v);
                    let mut compared = common::compare(row, &o);
                    compared.push(common::Compared {
                        field: "tcp.stream",
                        check: Check::FlowIds,
                        theirs: row.get("tcp.stream").map(str::to_string),
                        ours: v["flow"].as_u64().map(|f| f.to_string()),
                    });
                    let mut tcp_ok = row.get("tcp.srcport").is_some();
                    for c in compared {
                        let differs = c.theirs != c.ours;
                        if differs && c.field.starts_with("tcp.") {
                            tcp_ok = false;
                        }
                        if differs
                            && common::listed(name, Some(no), c.check).is_none()
                            && let Some(reason) = public_rule(row, c.field, &v, rc != 0)
                        {
                            // Counted here (pinned below), not as agreement.
                            let t = conf.tally.entry(c.field).or_default();
                            t.compared += 1;
                            t.excepted += 1;
                            *public_reasons.entry(reason).or_default() += 1;
                            continue;
                        }
                        conf.record(name, no, row, &o, c, || is_fragment(&v));
                    }
                    tcp_ours_same += usize::from(tcp_ok);
                }
            }
        }
    });
    println!(
        "public corpus: dumped {lines_total} packets from {} captures in {:.1?}; tshark reads \
         {tshark_reads} of them and synack reads {both_read} of those",
        files.len(),
        started.elapsed()
    );
    println!(
        "TCP packets tshark decodes: {tcp_theirs}; synack agrees on every TCP field and the \
         stream id for {tcp_ours_same}"
    );
    let totals = conf.print();
    for (reason, n) in &public_reasons {
        println!("public rule {n:>6}: {reason}");
    }
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dump-conformance-public.txt");
    let _ = std::fs::write(&report, conf.mismatches.join("\n"));
    println!("full list: {}", report.display());
    println!("{} problems:", problems.len());
    for p in problems.iter().take(100) {
        println!("  {p}");
    }
    common::assert_pinned(&public_reasons, PUBLIC_PINNED);
    assert!(
        totals.rate >= 99.9,
        "agreement {:.3}% below 99.9%",
        totals.rate
    );
    assert!(
        conf.mismatches.is_empty(),
        "{} differences from tshark on public/ not covered (listed above)",
        conf.mismatches.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems (listed above)",
        problems.len()
    );
}
