//! Issue 11's flow edge cases judged against real captures of the public corpus: `synack flows`
//! runs on each capture and the connection is checked against what its packets show (listed
//! in each case from tshark's view of the frames), not against synack's earlier output.
//!
//! Found in `../shared/corpus` (searched with tshark over all 872 public and 566 tcpdump
//! captures): connections refused and retried on the same ports with the same ISN (one
//! connection for tshark, `tcp.stream` unchanged), and plain refusals. Not found there: a RST
//! captured before the SYN it answers, a refused-then-retried connection that finally closes
//! with FINs, and a bare RST (no ACK) long after a SYN; those stay covered by the scripted
//! segment sequences in `src/flow/tests.rs`.

use std::process::Command;

use serde_json::Value;

mod prereq;

/// `synack flows --format json` on a public capture: one object per connection.
fn flows(name: &str) -> Option<Vec<Value>> {
    let dir = prereq::corpus()?;
    let path = dir.join("public").join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("flows")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .expect("run synack flows");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect(),
    )
}

fn flow(flows: &[Value], id: u64) -> &Value {
    flows
        .iter()
        .find(|f| f["flow"].as_u64() == Some(id))
        .unwrap_or_else(|| panic!("no flow {id}"))
}

/// A refused connection retried on the same ports with the same ISN, as the packets show it.
struct Retried {
    file: &'static str,
    /// tshark's `tcp.stream` of the attempts (all of them are one stream).
    stream: u64,
    client: &'static str,
    server: &'static str,
    /// SYNs the client sent, each answered by a RST-ACK.
    syns: u64,
    /// First SYN → first RST-ACK (tshark's `tcp.analysis.initial_rtt`), in nanoseconds.
    first_answer_ns: i64,
}

const RETRIED: &[Retried] = &[
    // Frames 15–20: SYN, RST-ACK three times, ISN 3971652215 each time.
    Retried {
        file: "ws-wiki__dump2.pcap",
        stream: 0,
        client: "192.168.1.69:53175",
        server: "192.168.1.72:63331",
        syns: 3,
        first_answer_ns: 7_234_000,
    },
    // Frames 50, 51, 80, 81: SYN, RST-ACK twice, 2.9 s apart (ISN 820550595).
    Retried {
        file: "ws-wiki__SkypeIRC.cap",
        stream: 5,
        client: "86.128.187.110:4048",
        server: "192.168.1.2:139",
        syns: 2,
        first_answer_ns: 72_000,
    },
    // Frames 354, 355, 363, 364, 380, 381: SYN, RST-ACK three times (ISN 1293312473).
    Retried {
        file: "ws-wiki__RDP-003.pcap",
        stream: 1,
        client: "10.226.29.74:3955",
        server: "10.226.41.226:2998",
        syns: 3,
        first_answer_ns: 109_000,
    },
];

#[test]
fn a_refused_connection_retried_on_the_same_ports_is_one_refused_connection() {
    for case in RETRIED {
        let Some(all) = flows(case.file) else { return };
        let f = flow(&all, case.stream);
        let at = format!("{} flow {}", case.file, case.stream);
        assert_eq!(
            f["client"], case.client,
            "{at}: the SYN's sender is the client"
        );
        assert_eq!(f["server"], case.server, "{at}");
        assert_eq!(
            f["handshake"], "refused",
            "{at}: every SYN was answered by a reset"
        );
        assert_eq!(
            f["syn_count"].as_u64(),
            Some(case.syns),
            "{at}: every attempt counted"
        );
        assert_eq!(f["synack_count"].as_u64(), Some(0), "{at}");
        assert_eq!(
            f["packets"].as_u64(),
            Some(2 * case.syns),
            "{at}: each SYN and its reset belong to this one connection"
        );
        assert_eq!(f["close"], "rst", "{at}");
        // The README's contract for refused connections: no handshake, so no initial RTT;
        // tshark's initial_rtt (SYN → RST-ACK) is the server-side RTT.
        assert!(f["irtt_ns"].is_null(), "{at}: {}", f["irtt_ns"]);
        assert_eq!(
            f["server_rtt_ns"].as_i64(),
            Some(case.first_answer_ns),
            "{at}: first SYN → the reset that answered it"
        );
    }
}

/// One SYN, one RST-ACK 1.316 ms later (frames 1–2): refused, with tshark's initial_rtt as
/// the server-side RTT.
#[test]
fn a_plain_refusal_measures_syn_to_reset() {
    let Some(all) = flows("ppa-chrissanders__tcp_refuseconnection.pcapng") else {
        return;
    };
    assert_eq!(all.len(), 1);
    let f = flow(&all, 0);
    assert_eq!(f["client"], "192.168.100.138:3372");
    assert_eq!(f["server"], "192.168.100.1:80");
    assert_eq!(f["handshake"], "refused");
    assert_eq!(f["syn_count"].as_u64(), Some(1));
    assert_eq!(f["close"], "rst");
    assert_eq!(f["server_rtt_ns"].as_i64(), Some(1_316_000));
    assert!(f["irtt_ns"].is_null());
}
