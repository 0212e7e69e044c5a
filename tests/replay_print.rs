//! `synack replay FILE --print`: the same lines as `dump`, each released when the replay clock
//! reaches its packet. Pacing is checked on virtual time (the engine is given a fake
//! `wait_until` that records the instants it is asked to wait for); only the last test runs the
//! real binary, at a speed where waiting costs nothing worth measuring.

use std::cell::RefCell;
use std::io::{self, Write};
use std::process::Command;
use std::rc::Rc;

use clap::Parser;
use synack::cli::commands::replay_print_to;
use synack::cli::{Cli, Command as Sub, ReplayArgs};
use synack::replay::pacing;
use synack::teach::demo::{self, SCENARIOS};

const MS: u64 = 1_000_000;
const S: u64 = 1_000_000_000;

fn asset(name: &str) -> String {
    format!("{}/assets/demo/{name}.pcap", env!("CARGO_MANIFEST_DIR"))
}

fn args(name: &str, extra: &[&str]) -> ReplayArgs {
    let file = asset(name);
    let mut argv = vec!["synack", "replay", file.as_str(), "--print"];
    argv.extend_from_slice(extra);
    match Cli::try_parse_from(argv).expect("valid arguments").command {
        Sub::Replay(r) => r,
        other => panic!("parsed as {other:?}"),
    }
}

/// A writer the test can read while the engine holds it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn lines(&self) -> usize {
        self.0.borrow().iter().filter(|b| **b == b'\n').count()
    }
    fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).expect("utf8")
    }
}

/// Runs the engine on fake time: returns the output and, for each wait, the instant asked for
/// and how many lines were already out at that moment.
fn run(a: &ReplayArgs, stop_after: Option<usize>) -> (String, Vec<(u64, usize)>) {
    let out = Shared::default();
    let mut waits = Vec::new();
    let seen = out.clone();
    let mut w = out.clone();
    replay_print_to(a, &mut w, |due| {
        waits.push((due, seen.lines()));
        stop_after.is_none_or(|n| waits.len() <= n)
    })
    .expect("replay --print runs");
    (out.text(), waits)
}

fn dump(name: &str, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("dump")
        .arg(asset(name))
        .args(extra)
        .output()
        .expect("run synack dump");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

/// Capture timestamps of a scenario, relative to its first packet.
fn offsets(name: &str) -> Vec<u64> {
    let fr = demo::frames(name).expect("known");
    let t0 = fr.first().expect("packets").ts_ns;
    fr.iter().map(|f| (f.ts_ns - t0) as u64).collect()
}

#[test]
fn output_equals_dump_in_both_formats() {
    for sc in &SCENARIOS {
        let (text, _) = run(&args(sc.name, &["--speed", "1000"]), None);
        assert_eq!(text, dump(sc.name, &[]), "{} text", sc.name);
        let (json, _) = run(&args(sc.name, &["--format", "json"]), None);
        assert_eq!(
            json,
            dump(sc.name, &["--format", "json"]),
            "{} json",
            sc.name
        );
    }
}

#[test]
fn each_line_waits_for_its_packet_on_the_clock() {
    // http: no silence longer than the default 3 s gap, so at speed 2 each packet is released
    // at half its offset from the first.
    let (text, waits) = run(&args("http", &["--speed", "2"]), None);
    let offs = offsets("http");
    assert_eq!(waits.len(), offs.len());
    assert_eq!(text.lines().count(), offs.len());
    for (i, ((due, lines_before), off)) in waits.iter().zip(&offs).enumerate() {
        assert_eq!(*lines_before, i, "line {i} written only after its wait");
        assert!(
            due.abs_diff(off / 2) <= 2,
            "packet {i}: due {due}, offset {off}"
        );
    }
}

#[test]
fn a_packet_one_second_later_comes_half_a_second_later_at_speed_two() {
    let t0 = 1_795_626_861 * S as i64;
    let walls = pacing::schedule([t0, t0 + S as i64], 2.0, 3 * S as i64);
    assert_eq!(walls, vec![0, S / 2]);
}

#[test]
fn silences_longer_than_max_gap_are_cut() {
    // no_answer: SYNs about 1 s, 2 s and 4 s apart. With --max-gap 3 the 4 s wait plays as
    // 3 s; with --max-gap 1.5 the last two are both cut.
    let offs = offsets("no_answer");
    let gaps: Vec<u64> = offs.windows(2).map(|w| w[1] - w[0]).collect();
    for (max_gap, speed) in [(3.0, 1.0), (1.5, 1.0), (3.0, 4.0)] {
        let a = args(
            "no_answer",
            &[
                "--max-gap",
                &max_gap.to_string(),
                "--speed",
                &speed.to_string(),
            ],
        );
        let (_, waits) = run(&a, None);
        let cap = (max_gap * S as f64) as u64;
        let mut expect = 0u64;
        let mut want = vec![0];
        for g in &gaps {
            expect += (*g).min(cap);
            want.push((expect as f64 / speed) as u64);
        }
        let got: Vec<u64> = waits.iter().map(|w| w.0).collect();
        for (g, w) in got.iter().zip(&want) {
            assert!(
                g.abs_diff(*w) <= 4,
                "max gap {max_gap} speed {speed}: {got:?} vs {want:?}"
            );
        }
        assert!(
            *got.last().expect("waits") < *offs.last().expect("packets"),
            "compressed"
        );
    }
}

#[test]
fn instant_prints_everything_without_waiting() {
    let (text, waits) = run(&args("busy", &["--instant"]), None);
    assert!(waits.is_empty());
    assert_eq!(text, dump("busy", &[]));
}

#[test]
fn a_stop_during_a_wait_ends_cleanly_after_the_lines_already_out() {
    let (text, waits) = run(&args("http", &[]), Some(3));
    assert_eq!(waits.len(), 4, "the fourth wait said stop");
    let want: String = dump("http", &[])
        .lines()
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(text, want);
}

#[test]
fn loop_starts_over_after_a_pause() {
    let n = offsets("refused").len();
    let (text, waits) = run(
        &args("refused", &["--loop", "--max-gap", "0.5"]),
        Some(3 * n),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3 * n);
    assert_eq!(lines[0], lines[n], "the second round repeats the first");
    assert!(
        lines[n].starts_with("1 "),
        "numbering restarts: {}",
        lines[n]
    );
    let dues: Vec<u64> = waits.iter().map(|w| w.0).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    // Between rounds: the max gap (0.5 s at speed 1).
    assert_eq!(dues[n] - dues[n - 1], 500 * MS);
}

#[test]
fn redact_masks_like_dump_redact() {
    let (text, _) = run(&args("ipv6", &["--redact", "--instant"]), None);
    assert_eq!(text, dump("ipv6", &["--redact"]));
    assert!(!text.contains("fd00:77"), "{text}");
    assert!(text.contains("2001:db8::1"));
}

#[test]
fn the_binary_prints_in_time_and_matches_dump() {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["replay", &asset("lossy"), "--print", "--speed", "1000"])
        .output()
        .expect("run synack replay --print");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf8"),
        dump("lossy", &[])
    );
}
