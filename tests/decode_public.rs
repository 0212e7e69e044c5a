//! The link types and tunnels of issue 11 on real captures from `../shared/corpus/public`:
//! each capture below must show its own layer box (by protocol name, with fields), and every
//! TCP packet tshark decodes in it must be decoded by synack with tshark's ports, flags and
//! sequence numbers. Fails under `CI=true` when the corpus is missing; skips elsewhere.

mod common;
mod prereq;

use std::collections::BTreeMap;
use std::path::Path;

use synack::decode::{self, Decoded};
use synack::model::{Frame, LinkType};
use synack::source::{FileReader, FrameNote};

/// (capture, a layer it must show, how many packets at least show it).
const CASES: &[(&str, &str, usize)] = &[
    ("ws-wiki__http_PPI.cap", "PPI", 40),
    ("ws-wiki__http_PPI.cap", "IEEE 802.11 QoS data", 30),
    ("ws-test-2013__wpa-Induction.pcap", "radiotap", 1000),
    (
        "ws-test-2013__wpa-Induction.pcap",
        "IEEE 802.11 Beacon",
        100,
    ),
    (
        "ws-wiki__Network_Join_Nokia_Mobile.pcap",
        "IEEE 802.11 Probe request",
        1,
    ),
    ("ws-wiki__testing.cap", "AVS WLAN capture header", 100),
    ("ws-wiki__dns-remoteshell.pcap", "IEEE 802.11 Data", 60),
    ("ws-wiki__nflog.pcap", "Linux NFLOG", 10),
    ("pcapplusplus__nflogPacket.pcap", "Linux NFLOG", 1),
    (
        "ws-wiki__dssetup_DsRoleGetPrimaryDomainInformation_ad_dc.cap",
        "PPP",
        7,
    ),
    ("ws-wiki__ppp_lcp_ipcp.pcap", "PPP direction", 10),
    ("pcapplusplus__CiscoHDLC.pcap", "Cisco HDLC", 3),
    ("ws-dftest__nfs.pcap", "FDDI", 2),
    ("pcapplusplus__gtp-u.pcap", "GTP-U", 10),
    ("ws-wiki__nb6-startup.pcap", "L2TP", 10),
    ("ws-wiki__google-capture.pcap", "Teredo", 1),
];

fn read(path: &Path) -> Vec<(Frame, Option<FrameNote>)> {
    let mut r = FileReader::open(path).expect("open capture");
    let mut out = Vec::new();
    loop {
        let mut f = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
        match r.next_into(&mut f) {
            Ok(true) => {
                let note = r.frame_note();
                out.push((f, note));
            }
            Ok(false) | Err(_) => return out,
        }
    }
}

#[test]
fn new_link_types_and_tunnels_on_real_captures() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let mut decoded: BTreeMap<&str, Vec<(Frame, Decoded)>> = BTreeMap::new();
    for (file, layer, min) in CASES {
        let packets = decoded.entry(file).or_insert_with(|| {
            read(&dir.join("public").join(file))
                .into_iter()
                .map(|(f, _)| {
                    let d = decode::decode(f.link, &f.data, f.len);
                    (f, d)
                })
                .collect()
        });
        let showing = packets
            .iter()
            .filter(|(_, d)| {
                d.headers
                    .iter()
                    .any(|h| h.protocol == *layer && !h.fields.is_empty())
            })
            .count();
        println!("{file}: {showing} packets show {layer}");
        assert!(
            showing >= *min,
            "{file}: {showing} packets show a {layer} box with fields, expected at least {min}"
        );
    }
    // Every TCP packet tshark decodes in these captures is decoded alike.
    let mut tcp_checked = 0;
    for (file, packets) in &decoded {
        let text = common::public_truth_text(&dir, file).expect("truth");
        for row in common::parse_truth(&text) {
            let (Some(no), Some(sport)) = (row.number(), row.get("tcp.srcport")) else {
                continue;
            };
            let Some((_, d)) = usize::try_from(no - 1).ok().and_then(|i| packets.get(i)) else {
                panic!("{file}: frame {no} not read");
            };
            let t = d
                .summary
                .tcp
                .unwrap_or_else(|| panic!("{file} #{no}: tshark decodes TCP, synack does not"));
            assert_eq!(
                d.summary.sport.map(|p| p.to_string()).as_deref(),
                Some(sport)
            );
            assert_eq!(
                Some(t.seq.to_string().as_str()),
                row.get("tcp.seq_raw"),
                "{file} #{no}"
            );
            assert_eq!(
                Some(t.ack.to_string().as_str()),
                row.get("tcp.ack_raw"),
                "{file} #{no}"
            );
            tcp_checked += 1;
        }
    }
    println!("{tcp_checked} TCP packets agree with tshark");
    assert!(tcp_checked >= 150, "only {tcp_checked} TCP packets checked");
}

#[test]
fn protected_802_11_frames_say_they_are_encrypted() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let packets = read(&dir.join("public/ws-test-2013__wpa-Induction.pcap"));
    let encrypted = packets
        .iter()
        .filter(|(f, _)| {
            decode::decode(f.link, &f.data, f.len)
                .issues
                .iter()
                .any(|i| i.message.contains("802.11 payload is encrypted"))
        })
        .count();
    assert!(encrypted > 10, "{encrypted} protected frames noted");
}

#[test]
fn early_ntar_files_with_unpadded_blocks_are_read_with_a_note() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    for file in ["ws-wiki__test007.ntar", "ws-wiki__test010.ntar"] {
        let packets = read(&dir.join("public").join(file));
        assert!(!packets.is_empty(), "{file}: no packet read");
        assert_eq!(
            packets.first().and_then(|p| p.1),
            Some(FrameNote::UnpaddedBlock),
            "{file}"
        );
    }
}
