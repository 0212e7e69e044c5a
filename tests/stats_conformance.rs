//! `synack stats` against tshark 4.0: for every capture of `assets/demo`,
//! `../shared/corpus/tcpdump` and `../shared/corpus/public` that tshark read, the protocol
//! hierarchy (`-z io,phs`) and the IPv4 conversations (`-z conv,ip`) are compared with what
//! `synack::stats::Stats` counts. The truth is committed compactly in `tests/truth/stats/` by
//! `tests/truth/make_stats_truth.sh` (the public set holds the first 693 of its 873 captures:
//! generation was stopped for time; rerunning the script with `public` makes all of it).
//!
//! What is compared, per capture:
//! - for each protocol both decode as a protocol of its own ([`COMPARED`]), the frames and
//!   bytes summed over every node of that name in the tree (a packet with two IP headers
//!   counts twice, as in tshark's tree);
//! - every IPv4 conversation: both addresses, frames and bytes each way (bytes as tshark 4.0
//!   prints them: exact below 10,000, then truncated with an SI prefix), the start relative to
//!   the first packet and the duration, to the digits tshark prints.
//!
//! A capture agrees when every compared value does. A capture that differs needs a written
//! reason in [`EXCEPTIONS`] (by name); excepted captures are counted apart, never as agreeing,
//! and each reason's count is pinned. Set `STATS_DIFF=1` to print every difference.

mod prereq;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use synack::decode;
use synack::model::{Frame, LinkType};
use synack::source::FileReader;
use synack::stats::Stats;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Protocols compared: the ones synack names exactly as tshark's tree does. (Application
/// protocols are left out: tshark recognises hundreds by heuristics that synack does not
/// have, and shows their payload as its own protocol where synack says `data`.)
const COMPARED: &[&str] = &[
    "eth",
    "vlan",
    "ieee8021ad",
    "sll",
    "null",
    "ip",
    "ipv6",
    "arp",
    "tcp",
    "udp",
    "icmp",
    "icmpv6",
    "gre",
    "esp",
    "ah",
    "vxlan",
    "geneve",
    "mpls",
    "pppoes",
    "gtp",
    "l2tp",
    "teredo",
];

/// A fuzzer-made capture (a tcpdump crash reproducer): a header is impossible or cut, and the
/// two decoders give up at different points (or tshark shows a header it could not read).
const MALFORMED: &str = "fuzzer-made capture with an impossible or cut header: tshark and \
     synack stop decoding at different points";
const NAT_T: &str = "ESP inside UDP (NAT traversal, port 4500): tshark decodes it, synack \
     shows the UDP payload as data";
const FRAGMENT: &str = "IP fragments: tshark counts the transport protocol on the fragment that \
     completes the datagram (none when it never does), synack on the first fragment";
const BIGTCP: &str = "BIG TCP over IPv6 (payload length 0 with a jumbo option): tshark 4.0 \
     does not decode past the IPv6 header, synack does";
const IP_VERSION: &str = "EtherType IPv4 carrying a version-6 header: tshark lists ip and then \
     ipv6, synack decodes the header by its version alone";
const BAD_CLOCK: &str = "impossible timestamps (a microsecond field beyond 999,999, or times \
     past the year 2262 that synack's nanosecond clock cannot hold): the durations differ";
const ENCAP: &str = "a carrier synack does not decode yet (IPv6 next header 143 Ethernet, \
     VXLAN-GPE, GRE with HDLC-framed PPP, GTP control plane, frames inside \
     OpenFlow messages)";
const UNDECODED_LINK: &str = "a link type or link header synack does not decode (Token Ring, \
     ATM, ARCnet, IEEE 802.15.4 / 6LoWPAN / RPL, HSR, TTEthernet, InfiniBand; for Linux \
     netlink, synack counts one netlink level per packet, tshark one per message and family): \
     tshark finds IP inside";
const TEREDO_BARE: &str = "a Teredo datagram holding a bare IPv6 header (no next header): \
     tshark still calls it Teredo, synack shows the payload as data";
const UNREADABLE: &str = "a file synack refuses (an NTAR-only or otherwise unsupported \
     layout) that tshark reads";
const ICMP_QUOTED_DNS: &str = "ICMP errors quoting a DNS message: tshark's io,phs leaves those \
     frames out of its tree altogether (its packet list has them), synack counts them";
const BAD_RECORD: &str = "a record whose original length is impossible (over 1 GB): tshark's \
     tree counts it differently from the length the file states";
const ARISTA: &str = "Arista vendor-specific header (EtherType 0xd28b) subtypes that tshark \
     4.0 does not follow; synack decodes the frame after them";

/// Times that jump back and forth by decades (1996 to 2091, seconds past 2^31): tshark 4.0's
/// conversation start and duration come out inconsistent (a negative duration); synack's are
/// the earliest packet and the span from it to the latest.
const CLOCK_JUMPS: &str = "timestamps jumping back and forth by decades: tshark 4.0 gives a \
     conversation a negative duration, synack the span from its earliest to its latest packet";

/// Captures whose figures differ for a written reason: (capture name, reason).
const EXCEPTIONS: &[(&str, &str)] = &[
    ("arp-oobr.pcap", MALFORMED),
    ("bad-ipv4-version-pgm-heapoverflow.pcap", MALFORMED),
    ("beep-oobr.pcap", MALFORMED),
    ("extract_read2_asan.pcap", MALFORMED),
    ("gre-heapoverflow-1.pcap", MALFORMED),
    ("hoobr_rt6_print.pcap", MALFORMED),
    ("icmp-icmp_print-oobr-1.pcap", MALFORMED),
    ("ip_printroute_asan.pcap", MALFORMED),
    ("l2tp-avp-overflow.pcap", MALFORMED),
    ("pim_header_asan-2.pcap", MALFORMED),
    ("LINKTYPE_IPV6_invalid.pcap", MALFORMED),
    ("esp_truncated.pcap", NAT_T),
    ("espudp1.pcap", NAT_T),
    ("isakmp4500.pcap", NAT_T),
    ("afs.pcap", FRAGMENT),
    ("bigtcp-ipv6.pcap", BIGTCP),
    ("bigtcp-ipv6-geneve-ipv4.pcap", BIGTCP),
    ("bigtcp-ipv6-geneve-ipv6.pcap", BIGTCP),
    ("bigtcp-ipv6-vxlan-ipv4.pcap", BIGTCP),
    ("bigtcp-ipv6-vxlan-ipv6.pcap", BIGTCP),
    ("kday1.pcap", IP_VERSION),
    ("kday3.pcap", IP_VERSION),
    ("timestamp_invalid_micro.pcap", BAD_CLOCK),
    ("ipv6-srh-ipproto-ether.pcap", ENCAP),
    ("nsh-over-vxlan-gpe.pcap", ENCAP),
    ("of13_ericsson.pcapng", ENCAP),
    ("arista_ether.pcap", ARISTA),
    // The public corpus.
    ("pcapplusplus__ip4_fragments.pcap", FRAGMENT),
    ("pcapplusplus__ip6_fragments.pcap", FRAGMENT),
    ("ppa-chrissanders__ip_frag_source.pcapng", FRAGMENT),
    ("ppa-chrissanders__ipv6_fragments.pcapng", FRAGMENT),
    ("ws-wiki__220614_ip_flags_google.pcapng", FRAGMENT),
    ("ws-wiki__GRE.pcap", FRAGMENT),
    ("ws-wiki__Ip4FragmentsForLargeIcmpPacket.pcap", FRAGMENT),
    ("ws-wiki__MINET-SAC-Traces.pcap", FRAGMENT),
    ("ws-wiki__OptoMMP.pcap", FRAGMENT),
    ("ws-wiki__Ping-1600-bytes.pcap", FRAGMENT),
    ("ws-wiki__RTPS_Discovery.pcapng", FRAGMENT),
    ("pcapplusplus__ipv4-malformed.pcap", MALFORMED),
    ("ws-dftest__arp.pcap", UNDECODED_LINK),
    ("ws-dftest__tftp.pcap", UNDECODED_LINK),
    ("ws-wiki__6LoWPAN.pcap", UNDECODED_LINK),
    ("ws-wiki__6lowpan-rfrag-icmpv6.pcapng", UNDECODED_LINK),
    (
        "ws-wiki__HSR-simple-supervision-and-1vdan-appearing.pcap",
        UNDECODED_LINK,
    ),
    ("ws-wiki__atm_capture1.cap", UNDECODED_LINK),
    ("ws-wiki__bacnet-arcnet.cap", UNDECODED_LINK),
    ("ws-wiki__TTE_mix_small.pcap", UNDECODED_LINK),
    ("ws-wiki__PcapNg_dhcp_big_endian.pcapng", BAD_CLOCK),
    ("ws-wiki__PcapNg_dhcp_little_endian.pcapng", BAD_CLOCK),
    ("ws-wiki__3gpp2a10.cap", ENCAP),
    ("ws-wiki__bb_2g_fail_1.pcap", ENCAP),
    ("ws-wiki__anoop.pcap", TEREDO_BARE),
    ("ws-wiki__googlehttp.pcap", FRAGMENT),
    ("ws-wiki__iPhone_A_bis_card.pcap", FRAGMENT),
    ("ws-wiki__ip-ethereal-trace-1.pcap", FRAGMENT),
    ("ws-wiki__ipv4frags.pcap", FRAGMENT),
    ("ws-wiki__jxta-mcast-sample.pcap", FRAGMENT),
    ("ws-wiki__papi_apboot_5.0.pcap", FRAGMENT),
    ("ws-wiki__infiniband.pcap", UNDECODED_LINK),
    ("ws-wiki__netlink-nflog.pcap", UNDECODED_LINK),
    ("ws-wiki__netlink.pcap", UNDECODED_LINK),
    (
        "ws-wiki__rpl-dio-mc-nsa-optional-tlv-dissector-sample.pcap",
        UNDECODED_LINK,
    ),
    ("ws-wiki__rpl_sample.cap", UNDECODED_LINK),
    ("ws-wiki__http.bigendian.ntar", UNREADABLE),
    ("ws-wiki__rarp_req_reply.pcap", UNREADABLE),
    ("ws-wiki__hari.pcap", ICMP_QUOTED_DNS),
    ("ws-wiki__ejemplo.pcap", BAD_RECORD),
    // Checked with `tshark -Y 'ip.flags.mf == 1 || ip.frag_offset > 0'`: 7, 2 and 1 fragments.
    ("ws-wiki__sctphandshakefail.pcap", FRAGMENT),
    ("ws-wiki__teardrop.cap", FRAGMENT),
    ("ws-wiki__x509-with-logo.cap", FRAGMENT),
    // GTP-C echo requests and responses (UDP 2123).
    ("ws-wiki__temp.cap", ENCAP),
    ("ws-wiki__testing.ext.pcap", CLOCK_JUMPS),
];

/// How many captures each reason explains (pinned, so a fix or a regression shows).
const PINNED: &[(&str, usize)] = &[
    (MALFORMED, 12),
    (NAT_T, 3),
    (FRAGMENT, 21),
    (BIGTCP, 5),
    (IP_VERSION, 2),
    (BAD_CLOCK, 3),
    (ENCAP, 6),
    (ARISTA, 1),
    (UNDECODED_LINK, 13),
    (TEREDO_BARE, 1),
    (UNREADABLE, 2),
    (ICMP_QUOTED_DNS, 1),
    (BAD_RECORD, 1),
    (CLOCK_JUMPS, 1),
];

/// One capture's truth.
#[derive(Default, Debug)]
struct Truth {
    /// protocol → (frames, bytes), summed over the tree.
    phs: BTreeMap<String, (u64, u64)>,
    /// (a, b, frames a→b, bytes a→b text, frames b→a, bytes b→a text, start, duration)
    convs: Vec<[String; 8]>,
}

fn read_truth(path: &Path) -> BTreeMap<String, Truth> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out: BTreeMap<String, Truth> = BTreeMap::new();
    let mut name = String::new();
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("@ ") {
            name = n.to_string();
            out.entry(name.clone()).or_default();
        } else if let Some(rest) = line.strip_prefix("P ") {
            let t = out.entry(name.clone()).or_default();
            for word in rest.split(' ') {
                let word = word.trim_start_matches('>');
                let mut parts = word.rsplitn(3, ':');
                let (Some(b), Some(f), Some(p)) = (parts.next(), parts.next(), parts.next()) else {
                    panic!("bad phs word {word:?} in {name}");
                };
                let e = t.phs.entry(p.to_string()).or_default();
                e.0 += f.parse::<u64>().expect("frames");
                e.1 += b.parse::<u64>().expect("bytes");
            }
        } else if let Some(rest) = line.strip_prefix("C ") {
            let v: Vec<String> = rest.split(' ').map(str::to_string).collect();
            let row: [String; 8] = v
                .try_into()
                .unwrap_or_else(|v| panic!("bad conv row {v:?} in {name}"));
            out.entry(name.clone()).or_default().convs.push(row);
        }
    }
    out
}

/// Bytes as tshark 4.0's conversation table prints them.
fn tshark_bytes(b: u64) -> String {
    if b < 10_000 {
        b.to_string()
    } else if b < 10_000_000 {
        format!("{}k", b / 1000)
    } else if b < 10_000_000_000 {
        format!("{}M", b / 1_000_000)
    } else {
        format!("{}G", b / 1_000_000_000)
    }
}

fn ours(path: &Path) -> Option<Stats> {
    let mut r = FileReader::open(path).ok()?;
    let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut s = Stats::new();
    // A read error part-way (a truncated file) keeps what was read, as tshark does.
    while let Ok(true) = r.next_into(&mut frame) {
        let l = decode::layout(frame.link, &frame.data, frame.len);
        s.add(frame.ts_ns, frame.len, &frame.data, &l, None);
    }
    Some(s)
}

/// Differences between tshark's figures and synack's for one capture.
fn differences(t: &Truth, s: &Stats) -> Vec<String> {
    let mut d = Vec::new();
    for p in COMPARED {
        let theirs = t.phs.get(*p).copied().unwrap_or((0, 0));
        let mine = s.hierarchy.occurrences(p);
        if theirs != mine {
            d.push(format!(
                "phs {p}: tshark {}/{} B, synack {}/{} B",
                theirs.0, theirs.1, mine.0, mine.1
            ));
        }
    }
    let first = s.start_ns.unwrap_or(0);
    let mine: Vec<_> = s
        .conversations()
        .into_iter()
        .filter(|c| c.a.is_ipv4())
        .collect();
    for row in &t.convs {
        let found = mine.iter().find(|c| {
            let (a, b) = (c.a.to_string(), c.b.to_string());
            (a == row[0] && b == row[1]) || (a == row[1] && b == row[0])
        });
        let Some(c) = found else {
            d.push(format!("conv {} <-> {}: synack has none", row[0], row[1]));
            continue;
        };
        let (fab, bab, fba, bba) = if c.a.to_string() == row[0] {
            (c.frames_ab, c.bytes_ab, c.frames_ba, c.bytes_ba)
        } else {
            (c.frames_ba, c.bytes_ba, c.frames_ab, c.bytes_ab)
        };
        let start = c.first_ns.saturating_sub(first) as f64 / 1e9;
        let dur = c.duration_ns() as f64 / 1e9;
        let t_start: f64 = row[6].parse().unwrap_or(f64::NAN);
        let t_dur: f64 = row[7].parse().unwrap_or(f64::NAN);
        let mine_row = [
            fab.to_string(),
            tshark_bytes(bab),
            fba.to_string(),
            tshark_bytes(bba),
        ];
        if mine_row[..] != row[2..6]
            || (start - t_start).abs() > 1e-6
            || (dur - t_dur).abs() > 0.000_051
        {
            d.push(format!(
                "conv {} <-> {}: tshark {:?}, synack {:?} start {start:.9} dur {dur:.4}",
                row[0],
                row[1],
                &row[2..],
                mine_row
            ));
        }
    }
    for c in &mine {
        let (a, b) = (c.a.to_string(), c.b.to_string());
        if !t
            .convs
            .iter()
            .any(|r| (r[0] == a && r[1] == b) || (r[0] == b && r[1] == a))
        {
            d.push(format!(
                "conv {a} <-> {b}: tshark has none ({} frames)",
                c.frames()
            ));
        }
    }
    d
}

#[test]
fn stats_agree_with_tshark() {
    let truth_dir = Path::new(ROOT).join("tests/truth/stats");
    let mut sets: Vec<(&str, PathBuf)> = vec![("demo", Path::new(ROOT).join("assets/demo"))];
    if let Some(c) = prereq::corpus() {
        for set in ["tcpdump", "public"] {
            if truth_dir.join(format!("{set}.txt")).exists() {
                sets.push((set, c.join(set)));
            }
        }
    }
    let (mut total, mut agree) = (0usize, 0usize);
    let mut excepted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained: Vec<(String, Vec<String>)> = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    for (set, dir) in &sets {
        let truth = read_truth(&truth_dir.join(format!("{set}.txt")));
        assert!(!truth.is_empty(), "no captures in the {set} truth");
        let (t0, a0) = (total, agree);
        for (name, t) in &truth {
            total += 1;
            let diffs = match ours(&dir.join(name)) {
                Some(s) => differences(t, &s),
                None => vec!["synack did not read the file".to_string()],
            };
            if diffs.is_empty() {
                agree += 1;
            } else if let Some((n, why)) = EXCEPTIONS.iter().find(|(n, _)| n == name) {
                *excepted.entry(why).or_default() += 1;
                used.push(n);
            } else {
                unexplained.push((name.clone(), diffs));
            }
        }
        println!("{set}: {}/{} captures agree", agree - a0, total - t0);
    }
    println!(
        "{agree}/{total} captures agree with tshark -z io,phs and -z conv,ip; {} explained \
         differences, {} unexplained",
        excepted.values().sum::<usize>(),
        unexplained.len()
    );
    for (why, n) in &excepted {
        println!("  explained ({n}): {why}");
    }
    let show_all = std::env::var_os("STATS_DIFF").is_some();
    for (name, diffs) in &unexplained {
        let shown = if show_all { diffs.len() } else { 3 };
        println!(
            "  UNEXPLAINED {name}: {}",
            diffs
                .iter()
                .take(shown)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    assert!(
        unexplained.is_empty(),
        "{} captures differ from tshark without a reason (STATS_DIFF=1 lists every difference)",
        unexplained.len()
    );
    // An exception for a capture that now agrees (or is not in the truth) is stale. Only
    // checked with the corpus: without it, only the demo captures are read.
    if sets.len() == 3 {
        let stale: Vec<&str> = EXCEPTIONS
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !used.contains(n))
            .collect();
        assert!(
            stale.is_empty(),
            "stale exceptions (these agree now): {stale:?}"
        );
    } else {
        return;
    }
    for (why, n) in PINNED {
        assert_eq!(
            excepted.get(why).copied().unwrap_or(0),
            *n,
            "pinned count of: {why}"
        );
    }
    assert_eq!(
        excepted.len(),
        PINNED.len(),
        "every reason in use has a pinned count"
    );
}

#[test]
fn tshark_bytes_format() {
    assert_eq!(tshark_bytes(9_999), "9999");
    assert_eq!(tshark_bytes(10_000), "10k");
    assert_eq!(tshark_bytes(982_999), "982k");
    assert_eq!(tshark_bytes(12_345_678), "12M");
}
