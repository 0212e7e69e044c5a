//! `synack flows` through the binary: bounded memory never loses a connection.

use std::process::Command;

mod prereq;

fn flows(args: &[&str]) -> (Vec<serde_json::Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("flows")
        .args(args)
        .output()
        .expect("run synack flows");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    (rows, String::from_utf8_lossy(&out.stderr).into_owned())
}

const BUSY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/busy.pcap");

#[test]
fn evicted_connections_are_printed_not_lost() {
    let (all, quiet) = flows(&[BUSY, "--format", "json"]);
    assert_eq!(all.len(), 39, "busy.pcap holds 39 connections");
    assert!(quiet.is_empty(), "no eviction, no note: {quiet}");
    let (bounded, note) = flows(&[BUSY, "--format", "json", "--max-flows", "5"]);
    let packets = |rows: &[serde_json::Value]| -> u64 {
        rows.iter().filter_map(|r| r["packets"].as_u64()).sum()
    };
    assert_eq!(
        packets(&bounded),
        packets(&all),
        "every packet is in some printed flow"
    );
    assert!(
        bounded.len() >= all.len(),
        "connections may split, never vanish"
    );
    let mut ids: Vec<u64> = bounded.iter().filter_map(|r| r["flow"].as_u64()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), bounded.len(), "each flow printed once");
    assert!(
        note.contains("--max-flows 5"),
        "the user is told why: {note}"
    );
}

#[test]
fn arp_has_no_ip_src_or_dst_in_json() {
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/tcpdump/802.1ad_QinQ.pcap"
    );
    if !prereq::require(&[prereq::Prereq::Corpus]) {
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["dump", corpus, "--format", "json"])
        .output()
        .expect("run synack dump");
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let arp: Vec<_> = rows.iter().filter(|r| r["proto"] == "arp").collect();
    assert!(!arp.is_empty(), "the capture has ARP");
    for r in arp {
        assert!(
            r["src"].is_null() && r["dst"].is_null(),
            "ARP is not IP: {r}"
        );
        assert!(
            r["info"].as_str().is_some_and(|i| !i.is_empty()),
            "info still describes it"
        );
    }
}
