//! The decoder against the public corpus (`../shared/corpus`, see its MANIFEST.md):
//!
//! - robustness: every packet of the 566 tcpdump test captures (many deliberately malformed
//!   fuzzer finds) decodes without a panic, with every range inside the packet and the fast
//!   and full paths agreeing;
//! - conformance: `summarize` compared field by field with tshark's answers in
//!   `truth/tcpdump/*.packets.tsv` (outermost IP addresses, first TCP/UDP ports, VLAN id, TCP
//!   flags, raw seq/ack, TCP payload length, window, frame lengths). It prints the agreement
//!   per field and overall, asserts a floor, and lists the justified exceptions below.
//!
//! Both skip, saying why, when the corpus is not there.

use std::collections::BTreeMap;
use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use synack::decode::{Proto, Summary, decode, summarize};
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    if dir.join("tcpdump").is_dir() {
        Some(dir.to_path_buf())
    } else {
        println!(
            "SKIP: corpus not found at {} (see MANIFEST.md)",
            dir.display()
        );
        None
    }
}

fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join("tcpdump"))
        .expect("corpus folder readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    v.sort();
    v
}

/// Every frame of a capture (stops at the first read error, as the reader reports it).
fn frames(path: &Path) -> (Vec<Frame>, Option<String>) {
    let mut out = Vec::new();
    let mut reader = match FileReader::open(path) {
        Ok(r) => r,
        Err(e) => return (out, Some(e.to_string())),
    };
    loop {
        let mut f = Frame {
            ts_ns: 0,
            len: 0,
            link: LinkType::ETHERNET,
            data: Vec::new(),
        };
        match reader.next_into(&mut f) {
            Ok(true) => out.push(f),
            Ok(false) => return (out, None),
            Err(e) => return (out, Some(e.to_string())),
        }
    }
}

#[test]
fn every_corpus_capture_decodes_without_panic() {
    let Some(dir) = corpus() else { return };
    let files = captures(&dir);
    assert!(
        files.len() >= 500,
        "expected the 566 captures, found {}",
        files.len()
    );
    let (mut packets, mut broken, mut read_errors) = (0usize, 0usize, 0usize);
    let mut slowest = (std::time::Duration::ZERO, String::new());
    for path in &files {
        let (frames, err) = frames(path);
        if err.is_some() {
            read_errors += 1;
        }
        for (i, f) in frames.iter().enumerate() {
            let started = std::time::Instant::now();
            let d = decode(f.link, &f.data, f.len);
            let took = started.elapsed();
            if took > slowest.0 {
                slowest = (took, format!("{} #{}", path.display(), i + 1));
            }
            let s = summarize(f.link, &f.data, f.len);
            assert_eq!(s, d.summary, "{} #{}", path.display(), i + 1);
            let n = f.data.len();
            for h in &d.headers {
                assert!(h.range.end <= n, "{} #{}: {h:?}", path.display(), i + 1);
            }
            for is in &d.issues {
                assert!(is.offset <= n, "{} #{}: {is:?}", path.display(), i + 1);
            }
            packets += 1;
            broken += usize::from(d.summary.broken);
        }
    }
    println!(
        "decoded {packets} packets from {} captures ({broken} marked broken, {read_errors} \
         files with read errors); slowest packet {:?} ({})",
        files.len(),
        slowest.0,
        slowest.1
    );
    assert!(
        packets > 9000,
        "expected the corpus' ~9400 packets, decoded {packets}"
    );
}

// ---------------------------------------------------------------------------------------
// Conformance with tshark

/// Justified differences with tshark, by capture file (and frame number when only some
/// packets differ). Each is a case where synack is right by its own rules or tshark cannot
/// decode the packet; synack is never excused here for being wrong.
const EXCEPTIONS: &[(&str, Option<usize>, &str)] = &[
    // Payloads synack does not dissect, in which tshark finds another packet.
    (
        "of13_ericsson.pcapng",
        None,
        "tshark decodes the Ethernet frame inside OpenFlow packet-in messages (a TCP \
         payload); synack does not decode OpenFlow",
    ),
    (
        "sflow_expanded.pcap",
        Some(1),
        "tshark decodes the sampled packet header inside an sFlow datagram (a UDP payload); \
         synack does not decode sFlow",
    ),
    // Arista timestamp headers whose version word has the hardware-info bit set (0x0011):
    // tcpdump reads them as 64-bit timestamps followed by an EtherType, as synack does;
    // tshark 4.0 knows only version 0x0010 and stops.
    (
        "arista_ether.pcap",
        None,
        "Arista timestamp version 0x0011: tcpdump and synack decode on, tshark 4.0 stops",
    ),
    // Fuzzed segments where tshark's higher-layer dissector throws and tshark then shows no
    // tcp.len; the IP header declares the payload length synack reports.
    (
        "bgp-bgp_capabilities_print-oobr-1.pcap",
        Some(1),
        FUZZED_NO_TCP_LEN,
    ),
    (
        "bgp-bgp_capabilities_print-oobr-2.pcap",
        Some(1),
        FUZZED_NO_TCP_LEN,
    ),
    ("bgp_pmsi_tunnel-oobr.pcap", Some(1), FUZZED_NO_TCP_LEN),
    ("rpki-rtr-oobr.pcap", Some(1), FUZZED_NO_TCP_LEN),
    // Linux BIG TCP over IPv6 as these captures record it: payload length 0 and no jumbo
    // option. tshark 4.0 calls the IPv6 packet malformed and stops before TCP/UDP; synack
    // takes the length from the frame (with a note) and decodes the transport.
    ("bigtcp-ipv6.pcap", None, BIG_TCP_V6),
    ("bigtcp-ipv6-geneve-ipv4.pcap", None, BIG_TCP_V6),
    ("bigtcp-ipv6-geneve-ipv6.pcap", None, BIG_TCP_V6),
    ("bigtcp-ipv6-vxlan-ipv4.pcap", None, BIG_TCP_V6),
    ("bigtcp-ipv6-vxlan-ipv6.pcap", None, BIG_TCP_V6),
];

const FUZZED_NO_TCP_LEN: &str =
    "fuzzed payload: tshark omits tcp.len after its BGP/RPKI dissector throws";
const BIG_TCP_V6: &str = "BIG TCP IPv6 (payload length 0): tshark 4.0 stops, synack decodes on";

/// Columns of a truth row, by header name.
struct Row<'a> {
    cols: BTreeMap<&'a str, &'a str>,
}

impl<'a> Row<'a> {
    fn get(&self, k: &str) -> Option<&'a str> {
        self.cols.get(k).copied().filter(|v| !v.is_empty())
    }
    fn protocols(&self) -> Vec<&'a str> {
        self.get("frame.protocols")
            .map(|p| p.split(':').collect())
            .unwrap_or_default()
    }
}

fn parse_truth(text: &str) -> Vec<Row<'_>> {
    let mut lines = text.lines();
    let Some(head) = lines.next() else {
        return Vec::new();
    };
    let names: Vec<&str> = head.split('\t').collect();
    lines
        .map(|l| Row {
            cols: names.iter().copied().zip(l.split('\t')).collect(),
        })
        .collect()
}

/// Why tshark's value is not comparable for this packet, when a general rule says so.
fn rule_exception(row: &Row<'_>, field: &str, s: &Summary, f: &Frame) -> Option<&'static str> {
    let protos = row.protocols();
    // tshark reassembles IP fragments: the first fragment shows no transport header and the
    // last shows the reassembled datagram's. synack decodes each packet on its own: the
    // first fragment's transport header, nothing for later fragments (with a note).
    if (field.starts_with("tcp.") || field.starts_with("udp.")) && is_fragment(f) {
        return Some("IP fragment (tshark reassembles, synack decodes each packet alone)");
    }
    let pos = |name: &str| protos.iter().position(|p| *p == name);
    // tshark dissects the packet an ICMP error quotes, so its first TCP/UDP ports and
    // sequence number are the quoted packet's; synack reports that an ICMP packet has no
    // ports (the quoted headers are shown as quoted layers).
    if let (Some(icmp), true) = (
        pos("icmp").or(pos("icmpv6")),
        field.starts_with("tcp.") || field.starts_with("udp."),
    ) && matches!(s.proto, Proto::Icmp | Proto::Icmpv6)
        && protos.iter().skip(icmp).any(|p| *p == "tcp" || *p == "udp")
    {
        return Some("ICMP error quoting a TCP/UDP header");
    }
    None
}

/// Whether the packet's first IP header is a fragment (IPv4 MF or offset, IPv6 fragment
/// header with offset or M set).
fn is_fragment(f: &Frame) -> bool {
    let d = decode(f.link, &f.data, f.len);
    for h in &d.headers {
        let field = |n: &str| h.fields.iter().find(|x| x.name == n);
        match h.protocol.as_str() {
            "IPv4" => {
                let mf = field("Flags").is_some_and(|x| x.meaning.contains("More Fragments"));
                let off = field("Fragment offset").is_some_and(|x| x.value != "0");
                return mf || off;
            }
            "IPv6" => {}
            "IPv6 Fragment" => return true,
            _ if h.layer == synack::decode::LayerKind::Transport => return false,
            _ => {}
        }
    }
    false
}

fn ip_text(a: Option<IpAddr>) -> Option<String> {
    a.map(|a| a.to_string())
}

/// The compared fields of one packet: (name, tshark, synack).
fn compare(
    row: &Row<'_>,
    f: &Frame,
    s: &Summary,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let protos = row.protocols();
    let first_ip = protos
        .iter()
        .find(|p| **p == "ip" || **p == "ipv6")
        .copied();
    let (t_src, t_dst) = match first_ip {
        Some("ipv6") => (row.get("ipv6.src"), row.get("ipv6.dst")),
        _ => (
            row.get("ip.src").or(row.get("ipv6.src")),
            row.get("ip.dst").or(row.get("ipv6.dst")),
        ),
    };
    let (o_src, o_dst) = if s.proto == Proto::Arp && first_ip.is_none() {
        (None, None) // synack names ARP's protocol addresses; tshark has no ip.src for them
    } else {
        (ip_text(s.src), ip_text(s.dst))
    };
    // tshark's vlan.id is the first 802.1Q tag; an 802.1ad outer tag is ieee8021ad.id.
    let outer_ad = protos
        .iter()
        .take_while(|p| **p != "vlan")
        .filter(|p| **p == "ieee8021ad")
        .count();
    let o_vlan = s.vlans().get(outer_ad).map(u16::to_string);
    let tcp = s.tcp.as_ref();
    let o_tcp_sport =
        tcp.map(|t| t.src.port())
            .or(if s.proto == Proto::Tcp { s.sport } else { None });
    let o_tcp_dport =
        tcp.map(|t| t.dst.port())
            .or(if s.proto == Proto::Tcp { s.dport } else { None });
    let (o_udp_sport, o_udp_dport) = if s.proto == Proto::Udp {
        (s.sport, s.dport)
    } else {
        (None, None)
    };
    let t_flags = row
        .get("tcp.flags")
        .and_then(|v| u16::from_str_radix(v.trim_start_matches("0x"), 16).ok())
        .map(|v| v.to_string());
    let st = |v: Option<&str>| v.map(str::to_string);
    vec![
        (
            "frame.len",
            st(row.get("frame.len")),
            Some(f.len.to_string()),
        ),
        (
            "frame.cap_len",
            st(row.get("frame.cap_len")),
            Some(f.data.len().to_string()),
        ),
        ("ip.src", st(t_src), o_src),
        ("ip.dst", st(t_dst), o_dst),
        ("vlan.id", st(row.get("vlan.id")), o_vlan),
        (
            "tcp.srcport",
            st(row.get("tcp.srcport")),
            o_tcp_sport.map(|p| p.to_string()),
        ),
        (
            "tcp.dstport",
            st(row.get("tcp.dstport")),
            o_tcp_dport.map(|p| p.to_string()),
        ),
        (
            "udp.srcport",
            st(row.get("udp.srcport")),
            o_udp_sport.map(|p| p.to_string()),
        ),
        (
            "udp.dstport",
            st(row.get("udp.dstport")),
            o_udp_dport.map(|p| p.to_string()),
        ),
        ("tcp.flags", t_flags, tcp.map(|t| t.flags.to_string())),
        (
            "tcp.seq_raw",
            st(row.get("tcp.seq_raw")),
            tcp.map(|t| t.seq.to_string()),
        ),
        (
            "tcp.ack_raw",
            st(row.get("tcp.ack_raw")),
            tcp.map(|t| t.ack.to_string()),
        ),
        (
            "tcp.len",
            st(row.get("tcp.len")),
            tcp.map(|t| t.payload_len.to_string()),
        ),
        (
            "tcp.window_size_value",
            st(row.get("tcp.window_size_value")),
            tcp.map(|t| t.window.to_string()),
        ),
    ]
}

#[derive(Default)]
struct Tally {
    compared: usize,
    agreed: usize,
    excepted: usize,
}

#[test]
fn summaries_agree_with_tshark() {
    let Some(dir) = corpus() else { return };
    let mut tally: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut mismatches: Vec<String> = Vec::new();
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for path in captures(&dir) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let truth_path = dir
            .join("truth/tcpdump")
            .join(format!("{name}.packets.tsv"));
        let Ok(text) = fs::read_to_string(&truth_path) else {
            continue;
        };
        let rows = parse_truth(&text);
        let (frames, _) = frames(&path);
        for (i, (row, f)) in rows.iter().zip(&frames).enumerate() {
            let no = i + 1;
            let s = summarize(f.link, &f.data, f.len);
            for (field, theirs, ours) in compare(row, f, &s) {
                if theirs.is_none() && ours.is_none() {
                    continue;
                }
                let t = tally.entry(field).or_default();
                t.compared += 1;
                if theirs == ours {
                    t.agreed += 1;
                    continue;
                }
                let listed = EXCEPTIONS
                    .iter()
                    .find(|(file, frame, _)| *file == name && frame.is_none_or(|n| n == no))
                    .map(|e| e.2);
                if let Some(reason) = listed.or_else(|| rule_exception(row, field, &s, f)) {
                    t.excepted += 1;
                    *by_reason.entry(reason).or_default() += 1;
                    continue;
                }
                mismatches.push(format!(
                    "{name} #{no} {field}: tshark {theirs:?} synack {ours:?} [{}]",
                    row.get("frame.protocols").unwrap_or("")
                ));
            }
        }
    }
    let (mut compared, mut agreed, mut excepted) = (0, 0, 0);
    println!(
        "{:<24} {:>9} {:>9} {:>9} {:>8}",
        "field", "compared", "agreed", "excepted", "rate"
    );
    for (field, t) in &tally {
        let rate = 100.0 * t.agreed as f64 / (t.compared - t.excepted).max(1) as f64;
        println!(
            "{field:<24} {:>9} {:>9} {:>9} {rate:>7.2}%",
            t.compared, t.agreed, t.excepted
        );
        compared += t.compared;
        agreed += t.agreed;
        excepted += t.excepted;
    }
    let rate = 100.0 * agreed as f64 / (compared - excepted).max(1) as f64;
    println!(
        "overall: {agreed} of {} compared values agree ({rate:.3}%), {excepted} excepted",
        compared - excepted
    );
    for (reason, n) in &by_reason {
        println!("excepted {n:>5}: {reason}");
    }
    println!("{} disagreements:", mismatches.len());
    for m in mismatches.iter().take(200) {
        println!("  {m}");
    }
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("decode-conformance.txt");
    let _ = fs::write(&report, mismatches.join("\n"));
    println!("full list: {}", report.display());
    assert!(compared > 40_000, "too few values compared: {compared}");
    assert!(
        rate >= 99.5,
        "agreement {rate:.3}% is below the 99.5% floor"
    );
}
