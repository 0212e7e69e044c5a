//! Shared by the corpus tests (`decode_corpus`, `flow_corpus`, `dump_conformance`): where the
//! public corpus is (`../shared/corpus`, see its MANIFEST.md), how tshark's truth files read,
//! how one packet as synack describes it compares with tshark's row, and the ONE list of
//! justified differences that every test consults. Each test turns its own view of a packet
//! (the library's `Summary`, or a line of `synack dump --format json`) into [`Ours`], so all of
//! them compare the same fields by the same rules. Depends on std only.

// Each test binary compiles this module and uses its own part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// The corpus

/// The corpus folder, or `None` when it is not there (a failure under `CI=true`, a visible
/// skip elsewhere: see `tests/prereq`). Each test binary that uses this module declares
/// `mod prereq;` beside `mod common;`.
#[track_caller]
pub fn corpus() -> Option<PathBuf> {
    crate::prereq::corpus()
}

/// Says that a test's prerequisite is missing: a failure when `CI=true` (CI must run every
/// test), a printed skip elsewhere.
pub fn missing_prerequisite(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("prerequisite missing under CI=true: {why}");
    }
    println!("SKIP: {why}");
}

/// The `public/` part of the corpus (captures from Wireshark's wiki and other collections), or
/// `None` after [`missing_prerequisite`].
pub fn public_corpus() -> Option<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    if dir.join("public").is_dir() && dir.join("truth/public").is_dir() {
        Some(dir.to_path_buf())
    } else {
        missing_prerequisite(&format!(
            "public corpus not found at {}/public (see MANIFEST.md)",
            dir.display()
        ));
        None
    }
}

/// Every capture of `public/` that tshark has a truth file for, sorted by name.
pub fn public_captures(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join("public"))
        .expect("corpus folder readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = file_name(p);
            dir.join("truth/public")
                .join(format!("{name}.packets.tsv"))
                .is_file()
        })
        .collect();
    v.sort();
    v
}

/// The text of tshark's per-packet truth for capture `name` of `public/`.
pub fn public_truth_text(dir: &Path, name: &str) -> Option<String> {
    fs::read_to_string(dir.join("truth/public").join(format!("{name}.packets.tsv"))).ok()
}

/// tshark's exit status on capture `name` of `public/` (0 when not recorded).
pub fn public_tshark_rc(dir: &Path, name: &str) -> i32 {
    fs::read_to_string(dir.join("truth/public").join(format!("{name}.tshark.rc")))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0)
}

/// Every capture of `tcpdump/`, sorted by name.
pub fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join("tcpdump"))
        .expect("corpus folder readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    v.sort();
    v
}

/// A capture's file name (the key of [`EXCEPTIONS`]).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

/// The text of tshark's per-packet truth for capture `name`, when there is one.
pub fn truth_text(dir: &Path, name: &str) -> Option<String> {
    fs::read_to_string(
        dir.join("truth/tcpdump")
            .join(format!("{name}.packets.tsv")),
    )
    .ok()
}

/// Columns of a truth row, by header name.
pub struct Row<'a> {
    cols: BTreeMap<&'a str, &'a str>,
}

impl<'a> Row<'a> {
    /// A cell, `None` when empty (tshark has no such field for the packet).
    pub fn get(&self, k: &str) -> Option<&'a str> {
        self.cols.get(k).copied().filter(|v| !v.is_empty())
    }
    pub fn protocols(&self) -> Vec<&'a str> {
        self.get("frame.protocols")
            .map(|p| p.split(':').collect())
            .unwrap_or_default()
    }
    pub fn number(&self) -> Option<u64> {
        self.get("frame.number")?.parse().ok()
    }
}

pub fn parse_truth(text: &str) -> Vec<Row<'_>> {
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

/// `1418145369.924505488` → integer nanoseconds, without floating point.
pub fn epoch_ns(text: &str) -> Option<i64> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    let negative = secs.starts_with('-');
    let secs: i64 = secs.parse().ok()?;
    let mut nanos: i64 = 0;
    for i in 0..9 {
        let digit = match frac.as_bytes().get(i) {
            Some(b) if b.is_ascii_digit() => i64::from(b - b'0'),
            Some(_) => return None,
            None => 0,
        };
        nanos = nanos * 10 + digit;
    }
    let nanos = if negative { -nanos } else { nanos };
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
}

// ---------------------------------------------------------------------------------------
// Justified differences with tshark

/// What an exception covers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Check {
    /// The per-packet fields: addresses, ports, VLAN id, TCP flags/seq/ack/len/window, lengths.
    Fields,
    /// Per-packet flow ids against `tcp.stream`.
    FlowIds,
    /// Capture times: per-packet timestamps and the initial RTTs computed from them.
    Time,
}

/// A difference with tshark where synack is right by its own rules, or tshark's answer is no
/// reference; synack is never excused here for being wrong. Every exception names the frames
/// it covers: none excuses a whole file.
pub struct Exception {
    pub file: &'static str,
    /// The frames whose per-packet values it covers.
    pub frames: &'static [u64],
    /// Whether it also covers the file's differences not tied to one frame (initial RTTs).
    pub flows: bool,
    pub checks: &'static [Check],
    pub reason: &'static str,
}

const FIELDS: &[Check] = &[Check::Fields];
const FIELDS_AND_FLOW_IDS: &[Check] = &[Check::Fields, Check::FlowIds];

// The reasons, by name, so that each test can pin how many values each one excuses.
pub const OPENFLOW: &str = "tshark decodes the Ethernet frame inside OpenFlow packet-in \
                            messages (a TCP payload); synack does not decode OpenFlow";
pub const SFLOW: &str = "tshark decodes the sampled packet header inside an sFlow datagram (a \
                         UDP payload) and numbers its TCP header as a stream; that is a copy of \
                         a packet seen on another link, not a segment of this capture, and \
                         synack does not open sFlow samples";
pub const ARISTA_0011: &str =
    "Arista timestamp version 0x0011: tcpdump and synack decode on, tshark 4.0 stops";
pub const FUZZED_NO_TCP_LEN: &str =
    "fuzzed payload: tshark omits tcp.len after its BGP/RPKI dissector throws";
pub const BIG_TCP_V6: &str = "BIG TCP IPv6 (payload length 0): tshark 4.0 stops, synack decodes on";
pub const MICROS_2_31: &str = "a record's microsecond field is 2^31 (not below 10^6): tshark \
                               multiplies it by 1000 in 32 bits (wrapping to 0), synack's reader \
                               keeps it whole, so the times differ and neither RTT means anything";
pub const MICROS_3841916976: &str = "the record's microsecond field is 3841916976 (not below \
                                     10^6): tshark multiplies it by 1000 in 32 bits \
                                     (-2078753920 ns, printed `-0.2078753920`), synack's reader \
                                     keeps it whole (3841.916976 s)";
pub const NANOS_2_31: &str = "a record's nanosecond field is 2^31 (not below 10^9): tshark \
                              prints a negative, non-decimal time (`-1418145370.2147483648`), so \
                              neither its time nor its RTT is a reference";
// The general rules (not tied to a file).
pub const IP_FRAGMENT: &str = "IP fragment: tshark reassembles; synack decodes each packet \
                               alone and equals tshark without reassembly \
                               (tests/truth/no_defrag)";
pub const ICMP_QUOTE: &str = "ICMP error quoting a TCP/UDP header";
pub const TUNNEL_TCP_PORTS: &str = "TCP in a UDP tunnel: dump's JSON carries no inner TCP ports";

/// The one list every corpus test consults (the library's `flow::truth_tests` too).
pub const EXCEPTIONS: &[Exception] = &[
    // Payloads synack does not dissect, in which tshark finds another packet.
    Exception {
        file: "of13_ericsson.pcapng",
        frames: &[65, 68, 69],
        flows: false,
        checks: FIELDS,
        reason: OPENFLOW,
    },
    Exception {
        file: "sflow_expanded.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS_AND_FLOW_IDS,
        reason: SFLOW,
    },
    // Arista timestamp headers whose version word has the hardware-info bit set (0x0011):
    // tcpdump reads them as 64-bit timestamps followed by an EtherType, as synack does;
    // tshark 4.0 knows only version 0x0010 and stops.
    Exception {
        file: "arista_ether.pcap",
        frames: &[2, 7, 10, 14],
        flows: false,
        checks: FIELDS,
        reason: ARISTA_0011,
    },
    // Fuzzed segments where tshark's higher-layer dissector throws and tshark then shows no
    // tcp.len; the IP header declares the payload length synack reports.
    Exception {
        file: "bgp-bgp_capabilities_print-oobr-1.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS,
        reason: FUZZED_NO_TCP_LEN,
    },
    Exception {
        file: "bgp-bgp_capabilities_print-oobr-2.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS,
        reason: FUZZED_NO_TCP_LEN,
    },
    Exception {
        file: "bgp_pmsi_tunnel-oobr.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS,
        reason: FUZZED_NO_TCP_LEN,
    },
    Exception {
        file: "rpki-rtr-oobr.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS,
        reason: FUZZED_NO_TCP_LEN,
    },
    // Linux BIG TCP over IPv6 as these captures record it: payload length 0 and no jumbo
    // option. tshark 4.0 calls the IPv6 packet malformed and stops before TCP/UDP (so it
    // numbers no TCP stream either); synack takes the length from the frame (with a note),
    // decodes the transport and tracks the connection.
    Exception {
        file: "bigtcp-ipv6.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS_AND_FLOW_IDS,
        reason: BIG_TCP_V6,
    },
    Exception {
        file: "bigtcp-ipv6-geneve-ipv4.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS_AND_FLOW_IDS,
        reason: BIG_TCP_V6,
    },
    Exception {
        file: "bigtcp-ipv6-geneve-ipv6.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS_AND_FLOW_IDS,
        reason: BIG_TCP_V6,
    },
    Exception {
        file: "bigtcp-ipv6-vxlan-ipv4.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS_AND_FLOW_IDS,
        reason: BIG_TCP_V6,
    },
    Exception {
        file: "bigtcp-ipv6-vxlan-ipv6.pcap",
        frames: &[1],
        flows: false,
        checks: FIELDS_AND_FLOW_IDS,
        reason: BIG_TCP_V6,
    },
    // Invalid record timestamps: the frames with the invalid field, and the file's one
    // connection, whose initial RTT is computed from them.
    Exception {
        file: "timestamp_invalid_micro.pcap",
        frames: &[2, 3],
        flows: true,
        checks: &[Check::Time],
        reason: MICROS_2_31,
    },
    Exception {
        file: "rx_serviceid_oobr.pcap",
        frames: &[2],
        flows: false,
        checks: &[Check::Time],
        reason: MICROS_3841916976,
    },
    Exception {
        file: "timestamp_invalid_nano.pcap",
        frames: &[2, 3],
        flows: true,
        checks: &[Check::Time],
        reason: NANOS_2_31,
    },
];

/// The listed exception for a difference in `check` at frame `frame` of `file` (`None`: a
/// difference not tied to one frame, which only an entry with `flows` covers).
pub fn listed(file: &str, frame: Option<u64>, check: Check) -> Option<&'static str> {
    EXCEPTIONS
        .iter()
        .find(|e| {
            e.file == file
                && e.checks.contains(&check)
                && match frame {
                    Some(n) => e.frames.contains(&n),
                    None => e.flows,
                }
        })
        .map(|e| e.reason)
}

/// Fails unless every reason excused exactly the pinned number of values: a new exception
/// fails the test until it is written down here, and a fixed one until its count is lowered.
#[track_caller]
pub fn assert_pinned(used: &BTreeMap<&'static str, usize>, pinned: &[(&'static str, usize)]) {
    let want: BTreeMap<&str, usize> = pinned.iter().copied().filter(|p| p.1 > 0).collect();
    let got: BTreeMap<&str, usize> = used.iter().map(|(r, n)| (*r, *n)).collect();
    if want != got {
        let mut diff = Vec::new();
        for r in want
            .keys()
            .chain(got.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let (w, g) = (
                want.get(r).copied().unwrap_or(0),
                got.get(r).copied().unwrap_or(0),
            );
            if w != g {
                diff.push(format!("  pinned {w}, used {g}: {r}"));
            }
        }
        panic!(
            "the exceptions used differ from the pinned counts (update the pin only with a \
             reason):\n{}",
            diff.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------
// tshark without IP reassembly (tests/truth/no_defrag, made by make_no_defrag.sh)

/// tshark's value of `field` for frame `no` of `file` read without IP reassembly: `None` when
/// the frame is not in the truth (not a fragment there, or the capture was never run through
/// the script); `Some(None)` when tshark shows no such field.
pub fn no_defrag(file: &str, no: u64, field: &str) -> Option<Option<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/truth/no_defrag")
        .join(format!("{file}.tsv"));
    let text = fs::read_to_string(path).ok()?;
    let rows = parse_truth(&text);
    let row = rows.iter().find(|r| r.number() == Some(no))?;
    let cols = row.cols.contains_key(field);
    cols.then(|| row.get(field).map(str::to_string))
}

// ---------------------------------------------------------------------------------------
// One packet as synack describes it

/// The compared values of one packet, in the terms of `dump --format json`.
pub struct Ours {
    pub ts_ns: i64,
    pub len: u64,
    pub caplen: u64,
    /// 802.1Q ids, outermost first.
    pub vlans: Vec<u16>,
    pub src: Option<String>,
    pub dst: Option<String>,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `arp` or another name.
    pub proto: String,
    /// The ports of `proto` (dump's `sport`, `dport`).
    pub sport: Option<u16>,
    pub dport: Option<u16>,
    /// The first TCP header's ports, when the view knows them apart from `sport`/`dport` (the
    /// library does; dump's JSON has only the ports of `proto`).
    pub tcp_ports: Option<(u16, u16)>,
    pub tcp: Option<OursTcp>,
}

/// The first TCP header (dump's `tcp` object).
pub struct OursTcp {
    pub flags: u16,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    pub win: u16,
}

/// A decoded layer as the fragment rule needs it.
pub struct LayerView<'a> {
    /// `Link`, `Internet`, `Transport`, `Application`.
    pub layer: &'a str,
    pub protocol: &'a str,
    /// (name, value, meaning) of the layer's top-level fields.
    pub fields: Vec<(&'a str, &'a str, &'a str)>,
}

/// Whether the packet's first IP header is a fragment (IPv4 MF or offset, IPv6 fragment
/// header with offset or M set).
pub fn is_fragment(layers: &[LayerView<'_>]) -> bool {
    for h in layers {
        let field = |n: &str| h.fields.iter().find(|x| x.0 == n);
        match h.protocol {
            "IPv4" => {
                let mf = field("Flags").is_some_and(|x| x.2.contains("More Fragments"));
                let off = field("Fragment offset").is_some_and(|x| x.1 != "0");
                return mf || off;
            }
            "IPv6" => {}
            "IPv6 Fragment" => return true,
            _ if h.layer == "Transport" => return false,
            _ => {}
        }
    }
    false
}

/// One compared value: tshark's and synack's, as text (`None`: no such field).
pub struct Compared {
    pub field: &'static str,
    pub check: Check,
    pub theirs: Option<String>,
    pub ours: Option<String>,
}

/// The compared fields of one packet (frame time included, flow ids apart).
pub fn compare(row: &Row<'_>, o: &Ours) -> Vec<Compared> {
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
    let (o_src, o_dst) = if o.proto == "arp" && first_ip.is_none() {
        (None, None) // synack names ARP's protocol addresses; tshark has no ip.src for them
    } else {
        (o.src.clone(), o.dst.clone())
    };
    // tshark's vlan.id is the first 802.1Q tag; an 802.1ad outer tag is ieee8021ad.id.
    let outer_ad = protos
        .iter()
        .take_while(|p| **p != "vlan")
        .filter(|p| **p == "ieee8021ad")
        .count();
    let o_vlan = o.vlans.get(outer_ad).map(u16::to_string);
    let is_tcp = o.proto == "tcp";
    let o_tcp_sport = o
        .tcp_ports
        .map(|p| p.0)
        .or(if is_tcp { o.sport } else { None });
    let o_tcp_dport = o
        .tcp_ports
        .map(|p| p.1)
        .or(if is_tcp { o.dport } else { None });
    // UDP-Lite's ports are tshark's udp.srcport / udp.dstport too.
    let (o_udp_sport, o_udp_dport) = if o.proto == "udp" || o.proto == "udplite" {
        (o.sport, o.dport)
    } else {
        (None, None)
    };
    let t_flags = row
        .get("tcp.flags")
        .and_then(|v| u16::from_str_radix(v.trim_start_matches("0x"), 16).ok())
        .map(|v| v.to_string());
    let t_time = row
        .get("frame.time_epoch")
        .map(|t| epoch_ns(t).map_or_else(|| t.to_string(), |ns| ns.to_string()));
    let st = |v: Option<&str>| v.map(str::to_string);
    let num = |v: Option<u16>| v.map(|p| p.to_string());
    let tcp = o.tcp.as_ref();
    let c = |field, check, theirs, ours| Compared {
        field,
        check,
        theirs,
        ours,
    };
    use Check::{Fields as F, Time as T};
    vec![
        c("frame.time_epoch", T, t_time, Some(o.ts_ns.to_string())),
        c(
            "frame.len",
            F,
            st(row.get("frame.len")),
            Some(o.len.to_string()),
        ),
        c(
            "frame.cap_len",
            F,
            st(row.get("frame.cap_len")),
            Some(o.caplen.to_string()),
        ),
        c("ip.src", F, st(t_src), o_src),
        c("ip.dst", F, st(t_dst), o_dst),
        c("vlan.id", F, st(row.get("vlan.id")), o_vlan),
        c(
            "tcp.srcport",
            F,
            st(row.get("tcp.srcport")),
            num(o_tcp_sport),
        ),
        c(
            "tcp.dstport",
            F,
            st(row.get("tcp.dstport")),
            num(o_tcp_dport),
        ),
        c(
            "udp.srcport",
            F,
            st(row.get("udp.srcport")),
            num(o_udp_sport),
        ),
        c(
            "udp.dstport",
            F,
            st(row.get("udp.dstport")),
            num(o_udp_dport),
        ),
        c("tcp.flags", F, t_flags, tcp.map(|t| t.flags.to_string())),
        c(
            "tcp.seq_raw",
            F,
            st(row.get("tcp.seq_raw")),
            tcp.map(|t| t.seq.to_string()),
        ),
        c(
            "tcp.ack_raw",
            F,
            st(row.get("tcp.ack_raw")),
            tcp.map(|t| t.ack.to_string()),
        ),
        c(
            "tcp.len",
            F,
            st(row.get("tcp.len")),
            tcp.map(|t| t.len.to_string()),
        ),
        c(
            "tcp.window_size_value",
            F,
            st(row.get("tcp.window_size_value")),
            tcp.map(|t| t.win.to_string()),
        ),
    ]
}

/// Why tshark's value is not comparable for this packet, when a general rule says so.
/// `fragment` tells whether the packet's first IP header is a fragment (asked only when a
/// TCP/UDP field differs).
pub fn rule_exception(
    name: &str,
    row: &Row<'_>,
    c: &Compared,
    o: &Ours,
    fragment: impl FnOnce() -> bool,
) -> Option<&'static str> {
    let field = c.field;
    let transport = field.starts_with("tcp.") || field.starts_with("udp.");
    if !transport {
        return None;
    }
    // tshark reassembles IP fragments: the first fragment shows no transport header and the
    // last shows the reassembled datagram's. synack decodes each packet on its own: the
    // first fragment's transport header, nothing for later fragments (with a note). So the
    // reference is tshark WITHOUT reassembly; a fragment that is not in that truth, or that
    // differs from it, is a mismatch.
    if fragment() {
        let no = row.number()?;
        return (no_defrag(name, no, field)? == c.ours).then_some(IP_FRAGMENT);
    }
    let protos = row.protocols();
    let pos = |name: &str| protos.iter().position(|p| *p == name);
    // tshark dissects the packet an ICMP error quotes, so its first TCP/UDP ports and
    // sequence number are the quoted packet's; synack reports that an ICMP packet has no
    // ports (the quoted headers are shown as quoted layers).
    if let Some(icmp) = pos("icmp").or(pos("icmpv6"))
        && (o.proto == "icmp" || o.proto == "icmpv6")
        && protos.iter().skip(icmp).any(|p| *p == "tcp" || *p == "udp")
    {
        return Some(ICMP_QUOTE);
    }
    // A TCP segment inside a UDP tunnel (VXLAN, Geneve…): dump's `sport`/`dport` are the
    // outer UDP header's and its `tcp` object carries no ports, so tshark's first TCP ports
    // have nothing to compare with (the library view knows them and is compared).
    if (field == "tcp.srcport" || field == "tcp.dstport")
        && o.tcp.is_some()
        && o.tcp_ports.is_none()
        && o.proto != "tcp"
    {
        return Some(TUNNEL_TCP_PORTS);
    }
    None
}

// ---------------------------------------------------------------------------------------
// Tallies

#[derive(Default)]
pub struct Tally {
    pub compared: usize,
    pub agreed: usize,
    pub excepted: usize,
}

/// Agreement per field, the exceptions used, and the unexplained differences.
#[derive(Default)]
pub struct Conformance {
    pub tally: BTreeMap<&'static str, Tally>,
    pub by_reason: BTreeMap<&'static str, usize>,
    pub mismatches: Vec<String>,
}

/// Totals over every field.
pub struct Totals {
    pub compared: usize,
    pub agreed: usize,
    pub excepted: usize,
    /// Agreement in percent over the values not excepted.
    pub rate: f64,
}

impl Conformance {
    /// Counts one compared value of frame `no` of capture `name`. A difference is excused by
    /// the list (any check) or a general rule (per-packet fields only); else it is a mismatch.
    pub fn record(
        &mut self,
        name: &str,
        no: u64,
        row: &Row<'_>,
        o: &Ours,
        c: Compared,
        fragment: impl FnOnce() -> bool,
    ) {
        if c.theirs.is_none() && c.ours.is_none() {
            return;
        }
        let t = self.tally.entry(c.field).or_default();
        t.compared += 1;
        if c.theirs == c.ours {
            t.agreed += 1;
            return;
        }
        let excuse = listed(name, Some(no), c.check).or_else(|| {
            if c.check == Check::Fields {
                rule_exception(name, row, &c, o, fragment)
            } else {
                None
            }
        });
        if let Some(reason) = excuse {
            t.excepted += 1;
            *self.by_reason.entry(reason).or_default() += 1;
            return;
        }
        self.mismatches.push(format!(
            "{name} #{no} {}: tshark {:?} synack {:?} [{}]",
            c.field,
            c.theirs,
            c.ours,
            row.get("frame.protocols").unwrap_or("")
        ));
    }

    /// Prints the table, the exceptions used and the first differences; returns the totals.
    pub fn print(&self) -> Totals {
        let (mut compared, mut agreed, mut excepted) = (0, 0, 0);
        println!(
            "{:<24} {:>9} {:>9} {:>9} {:>8}",
            "field", "compared", "agreed", "excepted", "rate"
        );
        for (field, t) in &self.tally {
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
        for (reason, n) in &self.by_reason {
            println!("excepted {n:>5}: {reason}");
        }
        println!("{} disagreements:", self.mismatches.len());
        for m in self.mismatches.iter().take(200) {
            println!("  {m}");
        }
        Totals {
            compared,
            agreed,
            excepted,
            rate,
        }
    }
}
