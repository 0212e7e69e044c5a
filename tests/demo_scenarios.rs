//! The classroom demo's embedded scenarios keep their word: each decodes without a broken
//! packet, and the flow tracker finds exactly the connections its description promises (the
//! library's `Scenario::check`, plus facts restated here from the captures' README). Also the
//! `synack demo` command line: `--list` and an unknown name.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use synack::decode::{self, IssueKind};
use synack::flow::{Close, Flow, FlowTracker, Outcome};
use synack::model::Frame;
use synack::source::{self, SourceEvent};
use synack::teach::demo::{self, SCENARIOS, Scenario};

const S: i64 = 1_000_000_000;

fn frames(sc: &Scenario) -> Vec<Frame> {
    sc.frames()
        .unwrap_or_else(|e| panic!("{}: embedded capture unreadable: {e}", sc.name))
}

fn track(frames: &[Frame]) -> FlowTracker {
    let mut t = FlowTracker::new(10_000);
    for (i, f) in frames.iter().enumerate() {
        if let Some(seg) = decode::summarize(f.link, &f.data, f.len).tcp {
            t.observe(i as u64 + 1, f.ts_ns, &seg, f.len);
        }
    }
    t.finish();
    t
}

fn flows_of(name: &str) -> (Vec<Frame>, Vec<Flow>) {
    let sc = demo::find(name).expect("known scenario");
    let fr = frames(sc);
    let flows = track(&fr).flows().cloned().collect();
    (fr, flows)
}

#[test]
fn every_scenario_decodes_without_broken_packets() {
    for sc in &SCENARIOS {
        let fr = frames(sc);
        assert!(!fr.is_empty(), "{}: no packets", sc.name);
        for (i, f) in fr.iter().enumerate() {
            let d = decode::decode(f.link, &f.data, f.len);
            for issue in &d.issues {
                assert!(
                    !matches!(issue.kind, IssueKind::Truncated | IssueKind::Malformed),
                    "{} packet {}: {:?} {}",
                    sc.name,
                    i + 1,
                    issue.kind,
                    issue.message
                );
            }
            assert!(
                d.summary.tcp.is_some(),
                "{} packet {}: every demo packet is TCP",
                sc.name,
                i + 1
            );
        }
    }
}

#[test]
fn every_scenario_yields_the_flows_it_promises() {
    for sc in &SCENARIOS {
        let t = track(&frames(sc));
        assert_eq!(t.len(), sc.flow_count(), "{}: flow count", sc.name);
        if let Err(e) = sc.check(t.flows()) {
            panic!("{e}");
        }
        assert!(!sc.description.is_empty() && !sc.title.is_empty());
    }
}

#[test]
fn http_is_one_complete_connection_closed_with_fin() {
    let (fr, flows) = flows_of("http");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!((f.outcome(), f.close), (Outcome::Complete, Close::Fin));
    assert_eq!(f.packets(), fr.len() as u64);
    assert_eq!(f.server.port(), 80);
    // "every exchange costs one round trip of about 80 ms"
    let rtt = f.rtt.initial_ns.expect("complete handshake has an RTT");
    assert!((60_000_000..150_000_000).contains(&rtt), "irtt {rtt}");
}

#[test]
fn refused_is_a_syn_answered_by_rst() {
    let (fr, flows) = flows_of("refused");
    assert_eq!(fr.len(), 2);
    assert_eq!(flows[0].outcome(), Outcome::Refused);
    assert!(flows[0].to_client.rst);
}

#[test]
fn no_answer_backs_off_by_doubling() {
    let (fr, flows) = flows_of("no_answer");
    let f = &flows[0];
    assert_eq!(f.outcome(), Outcome::NoResponse);
    assert_eq!(f.syn_count, 4);
    assert_eq!(f.syn_retransmissions(), 3);
    let gaps: Vec<i64> = fr.windows(2).map(|w| w[1].ts_ns - w[0].ts_ns).collect();
    for (gap, want) in gaps.iter().zip([1, 2, 4]) {
        let want = want * S;
        assert!(
            (*gap - want).abs() < want / 5,
            "gap {gap} ns, expected about {want}"
        );
    }
}

#[test]
fn lossy_handshake_is_retransmitted_and_slow() {
    let (_, flows) = flows_of("lossy");
    let f = &flows[0];
    assert_eq!((f.outcome(), f.close), (Outcome::Complete, Close::Fin));
    assert!(f.syn_retransmissions() + f.synack_retransmissions() >= 1);
    let syn = f.syn_ts_ns.expect("syn seen");
    let ack = f.ack_ts_ns.expect("ack seen");
    assert!(ack - syn > S, "the lost SYN-ACK costs over a second");
}

#[test]
fn ipv6_is_the_same_story_with_a_smaller_mss() {
    let (_, v6) = flows_of("ipv6");
    let (_, v4) = flows_of("http");
    let (a, b) = (&v6[0], &v4[0]);
    assert!(a.client.is_ipv6() && b.client.is_ipv4());
    assert_eq!((a.outcome(), a.close), (b.outcome(), b.close));
    let mss = |f: &Flow| f.client_options.and_then(|o| o.mss);
    assert_eq!(mss(a), Some(1440));
    assert_eq!(mss(b), Some(1460));
}

#[test]
fn reset_and_simultaneous() {
    let (_, r) = flows_of("reset");
    assert_eq!(
        (r[0].outcome(), r[0].close),
        (Outcome::Complete, Close::Rst)
    );
    assert!(r[0].to_client.rst && !r[0].to_client.fin);
    let (_, s) = flows_of("simultaneous");
    assert_eq!(s[0].outcome(), Outcome::SimultaneousOpen);
    assert_eq!(s[0].syn_count, 2);
}

#[test]
fn busy_has_the_promised_mix() {
    let (_, flows) = flows_of("busy");
    let count = |o: Outcome| flows.iter().filter(|f| f.outcome() == o).count();
    assert_eq!(flows.len(), 39);
    assert_eq!(count(Outcome::Complete), 32);
    assert_eq!(count(Outcome::Refused), 5);
    assert_eq!(count(Outcome::NoResponse), 2);
    assert_eq!(flows.iter().filter(|f| f.client.is_ipv6()).count(), 3);
    assert_eq!(
        flows.iter().filter(|f| f.close == Close::Rst).count(),
        6,
        "5 refusals and 1 reset"
    );
}

#[test]
fn an_embedded_scenario_feeds_the_capture_thread() {
    // What the viewer does with a demo: the ordinary capture thread over the embedded bytes.
    let sc = demo::find("lossy").expect("known");
    let stop = Arc::new(AtomicBool::new(false));
    let handle = source::spawn_reader(sc.reader().expect("opens"), stop).expect("spawns");
    assert_eq!(handle.info.name, "demo lossy");
    let mut got = Vec::new();
    let mut finished = false;
    for ev in handle.rx.iter() {
        match ev {
            SourceEvent::Frames(f) => got.extend(f),
            SourceEvent::Progress { .. } | SourceEvent::Rate(_) => {}
            SourceEvent::Finished(r) => {
                r.expect("clean end");
                finished = true;
            }
        }
    }
    handle.join();
    assert!(finished);
    assert_eq!(got, frames(sc));
    assert_eq!(demo::frames("lossy").expect("known"), got);
}

#[test]
fn demo_list_names_every_scenario_once() {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "--list"])
        .output()
        .expect("run synack");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    for (line, sc) in lines.iter().zip(&SCENARIOS) {
        assert_eq!(line.split_whitespace().next(), Some(sc.name), "{line}");
        assert!(line.contains(sc.title), "{line}");
    }
}

#[test]
fn demo_with_an_unknown_name_says_which_exist() {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "tcp-magic"])
        .output()
        .expect("run synack");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("synack: "), "{err}");
    assert!(err.contains("tcp-magic"), "{err}");
    for sc in &SCENARIOS {
        assert!(err.contains(sc.name), "{err}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn demo_handout_writes_every_scenarios_worksheet() {
    let dir = std::env::temp_dir().join(format!("synack-handout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for sc in &SCENARIOS {
        let path = dir.join(format!("{}.md", sc.name));
        let out = Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(["demo", sc.name, "--handout"])
            .arg(&path)
            .output()
            .expect("run synack");
        assert!(
            out.status.success(),
            "{}: {}",
            sc.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&path).expect("handout written");
        assert!(
            text.starts_with(&format!("# Worksheet: `{}`", sc.name)),
            "{text}"
        );
        // Ladder, field table, then questions with their answers at the end.
        let at = |s: &str| {
            text.find(s)
                .unwrap_or_else(|| panic!("{s} missing:\n{text}"))
        };
        assert!(at("## The ladder") < at("## The handshake packets"));
        assert!(at("## The handshake packets") < at("## Questions"));
        assert!(at("## Questions") < at("## Answers"));
        assert!(
            text.contains("1. *(before packet"),
            "{}: no question",
            sc.name
        );
        assert!(text.contains("| SYN |"), "{}: no SYN row", sc.name);
    }
    // --redact masks the addresses in the worksheet too.
    let path = dir.join("redacted.md");
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "http", "--redact", "--handout"])
        .arg(&path)
        .output()
        .expect("run synack");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&path).expect("handout written");
    assert!(!text.contains("10.77."), "{text}");
    assert!(text.contains("192.0.2.1:"), "{text}");
    // A directory that does not exist: a message that says where and what to do.
    let bad = dir.join("missing/out.md");
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "http", "--handout"])
        .arg(&bad)
        .output()
        .expect("run synack");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write the handout"), "{err}");
    assert!(err.contains("missing/out.md"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
