//! The whole engine on the demo captures: Wireshark 4's meanings (`!=` is all_ne, a missing
//! field makes a comparison false, `ip.addr` is either side), synack's `flow.*` fields, and
//! the error messages users see.

use std::path::Path;

use super::{Filter, PacketCtx};
use crate::decode;
use crate::flow::{Flow, FlowTracker};
use crate::model::{Frame, LinkType};
use crate::source::FileReader;

/// Frame numbers of `file` (in assets/demo) that `filter` matches, with `flow.*` read from
/// each connection as finally known.
fn run(file: &str, filter: &str) -> Vec<u64> {
    let f = Filter::compile(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/demo")
        .join(file);
    let mut frames = Vec::new();
    let mut r = FileReader::open(&path).expect("demo capture");
    let mut fr = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    while r.next_into(&mut fr).expect("reads") {
        frames.push(fr.clone());
    }
    // First pass: the final connections.
    let mut t = FlowTracker::new(1000);
    let mut ids = Vec::new();
    for (i, fr) in frames.iter().enumerate() {
        let s = decode::summarize(fr.link, &fr.data, fr.len);
        ids.push(
            s.tcp
                .map(|seg| t.observe(i as u64 + 1, fr.ts_ns, &seg, fr.len).flow),
        );
    }
    t.finish();
    let finals: Vec<Flow> = t.flows().cloned().collect();
    let mut t2 = FlowTracker::new(1000);
    let mut out = Vec::new();
    for (i, fr) in frames.iter().enumerate() {
        let s = decode::summarize(fr.link, &fr.data, fr.len);
        let obs = s
            .tcp
            .map(|seg| t2.observe(i as u64 + 1, fr.ts_ns, &seg, fr.len));
        let id = obs.as_ref().map(|o| o.flow);
        let ctx = PacketCtx {
            first_ts_ns: frames[0].ts_ns,
            wire_len: fr.len,
            flow: id.and_then(|id| t2.get(id)),
            analysis: obs.as_ref().map(|o| &o.analysis),
            conn: ids[i].and_then(|id| finals.iter().find(|f| f.id == id)),
            ..PacketCtx::new(i as u64 + 1, fr.link, &fr.data, fr.ts_ns)
        };
        if f.matches(&ctx) {
            out.push(i as u64 + 1);
        }
    }
    out
}

#[test]
fn ports_flags_and_either_side_addresses() {
    assert_eq!(
        run("http.pcap", "tcp.flags.syn == 1 && tcp.flags.ack == 0"),
        [1]
    );
    assert_eq!(run("http.pcap", "tcp.flags == 0x012"), [2]);
    assert_eq!(run("http.pcap", "ip.addr == 10.77.1.2").len(), 10);
    assert_eq!(run("http.pcap", "ip.src == 10.77.1.2"), [2, 5, 6, 8, 10]);
    assert_eq!(run("http.pcap", "tcp.port in {79..81}").len(), 10);
    assert_eq!(run("http.pcap", "tcp.seq == 1 && tcp.ack == 1"), [3, 4]);
    assert_eq!(run("http.pcap", "tcp.seq == 1 && tcp.ack == 93"), [5, 6]);
    assert_eq!(run("http.pcap", "http.request.method == \"GET\""), [4]);
    assert_eq!(run("http.pcap", "http.request.method == GET"), [4]);
    assert_eq!(run("http.pcap", "http.response.code == 200"), [6]);
    assert_eq!(run("http.pcap", "frame contains \"HTTP/1.\""), [4, 6]);
    assert_eq!(run("http.pcap", "tcp.flags & 0x01"), [8, 9]);
    assert_eq!(run("http.pcap", "frame.number in {2, 4..5}"), [2, 4, 5]);
}

#[test]
fn not_equal_is_all_ne_and_missing_fields_are_false() {
    // Every packet has 10.77.1.1 on one side: "no address differs from it" is false.
    assert!(run("http.pcap", "ip.addr != 10.77.1.1").is_empty());
    // any_ne: some address differs.
    assert_eq!(run("http.pcap", "ip.addr ~= 10.77.1.1").len(), 10);
    // No UDP: both a comparison and its != are false; only `not` turns it around.
    assert!(run("http.pcap", "udp.port == 53").is_empty());
    assert!(run("http.pcap", "udp.port != 53").is_empty());
    assert_eq!(run("http.pcap", "!(udp.port == 53)").len(), 10);
    assert!(run("http.pcap", "not tcp").is_empty());
}

#[test]
fn flow_fields_select_whole_connections() {
    let refused = run("refused.pcap", "flow.handshake == \"refused\"");
    assert!(!refused.is_empty());
    assert_eq!(refused, run("refused.pcap", "tcp"));
    assert!(run("http.pcap", "flow.handshake == \"refused\"").is_empty());
    assert_eq!(run("http.pcap", "flow.close == \"fin\"").len(), 10);
    // The server reset it: Zeek's lowercase `r` (the responder's letter).
    assert_eq!(
        run("reset.pcap", "flow.history contains \"r\""),
        run("reset.pcap", "tcp")
    );
    assert_eq!(
        run("reset.pcap", "flow.close == \"rst\""),
        run("reset.pcap", "tcp")
    );
    assert!(run("reset.pcap", "flow.history contains \"R\"").is_empty());
    assert_eq!(
        run("http.pcap", "flow.irtt > 0.05 && flow.irtt < 0.2").len(),
        10
    );
    assert!(!run("lossy.pcap", "flow.syn_count >= 2").is_empty());
    assert!(run("http.pcap", "flow.syn_count >= 2").is_empty());
}

#[test]
fn ipv6_and_cidr() {
    assert!(run("ipv6.pcap", "ip").is_empty());
    let all = run("ipv6.pcap", "ipv6");
    assert!(!all.is_empty());
    assert_eq!(run("ipv6.pcap", "ipv6.addr == fd00:77::/32"), all);
    assert_eq!(
        run(
            "ipv6.pcap",
            "ipv6.src == fd00:77::1 || ipv6.dst == fd00:77::1"
        ),
        all
    );
    assert_eq!(run("http.pcap", "ip.addr == 10.77.0.0/16").len(), 10);
    assert!(run("http.pcap", "ip.addr == 10.78.0.0/16").is_empty());
}

#[test]
fn errors_say_where_and_what() {
    let e = Filter::compile("tcp.prot == 80").expect_err("typo");
    assert_eq!(
        e.to_string(),
        "unknown field \"tcp.prot\" at column 1 — did you mean tcp.port?"
    );
    let e = Filter::compile("ip.addr == 300.1.1.1").expect_err("bad address");
    assert_eq!(e.column, 12);
    assert!(e.to_string().contains("not a valid IPv4 address"), "{e}");
    for (bad, col) in [
        ("tcp.port == 80 &&", 18),
        ("ip.addr == 10.0.0.0/33", 12),
        ("eth.src == 00:11", 12),
        ("tcp.port contains 80", 19),
        ("tcp.flags.syn > 0", 17),
        ("dns.qry.name matches \"(\"", 22),
        ("tcp == 1", 8),
        ("tcp.port == 80 tcp", 16),
        ("(tcp", 5),
    ] {
        let e = Filter::compile(bad).expect_err(bad);
        assert_eq!(e.column, col, "{bad}: {e}");
    }
    assert!(e_caret("tcp.prot == 80").ends_with("\n  ^"));
}

fn e_caret(f: &str) -> String {
    Filter::compile(f).expect_err("bad").caret()
}

#[test]
fn keywords_and_symbols_mean_the_same() {
    for (a, b) in [
        (
            "tcp.port eq 80 and not tcp.flags.fin == 1",
            "tcp.port == 80 && !tcp.flags.fin == 1",
        ),
        (
            "frame.len gt 100 or frame.len le 60",
            "frame.len > 100 || frame.len <= 60",
        ),
        ("tcp.len ge 1", "tcp.len >= 1"),
        ("tcp.len lt 1", "tcp.len < 1"),
        ("tcp.port ne 80", "tcp.port != 80"),
    ] {
        assert_eq!(run("http.pcap", a), run("http.pcap", b), "{a} vs {b}");
    }
}

#[test]
fn decoded_address_and_port_fields_carry_typed_values() {
    use crate::decode::FieldValue;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/http.pcap");
    let mut r = FileReader::open(&path).expect("demo capture");
    let mut fr = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    assert!(r.next_into(&mut fr).expect("reads"));
    let d = decode::decode(fr.link, &fr.data, fr.len);
    let typed: Vec<FieldValue> = d
        .headers
        .iter()
        .flat_map(|h| h.fields.iter().filter_map(|f| f.typed))
        .collect();
    let ip = |s: &str| FieldValue::Ip(s.parse().expect("ip"));
    assert!(typed.contains(&ip("10.77.1.1")) && typed.contains(&ip("10.77.1.2")));
    assert!(typed.contains(&FieldValue::Port(50229)) && typed.contains(&FieldValue::Port(80)));
    assert_eq!(
        typed
            .iter()
            .filter(|t| matches!(t, FieldValue::Mac(_)))
            .count(),
        2,
        "{typed:?}"
    );
}

#[test]
fn tcp_analysis_fields_read_the_verdicts() {
    // lossy.pcap: tshark -Y gives these frames (tests/filter_conformance has the full check).
    let lossy = |f: &str| run("lossy.pcap", f);
    let retrans = lossy("tcp.analysis.retransmission");
    assert!(retrans.contains(&2), "the resent SYN: {retrans:?}");
    assert!(lossy("tcp.analysis.duplicate_ack").contains(&7));
    assert_eq!(
        lossy("tcp.analysis.duplicate_ack_frame == 4 && tcp.analysis.duplicate_ack_num == 1"),
        lossy("frame.number == 7")
    );
    // Every verdict is a flag, and a packet without one has no flag.
    let flags = lossy("tcp.analysis.flags");
    assert!(retrans.iter().all(|n| flags.contains(n)));
    assert!(!flags.contains(&1));
    assert!(lossy("!tcp.analysis.flags").contains(&1));
    assert!(!lossy("tcp.analysis.bytes_in_flight > 0").is_empty());
}

#[test]
fn analysis_labels_take_no_value() {
    for f in [
        "tcp.analysis.retransmission == 1",
        "tcp.analysis.flags contains \"x\"",
        "tcp.analysis.window_full in {1}",
    ] {
        let e = Filter::compile(f).expect_err(f);
        assert!(e.message.contains("label without a value"), "{f}: {e}");
    }
    assert!(Filter::compile("tcp.analysis.ack_rtt > 0.2").is_ok());
}
