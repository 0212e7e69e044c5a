//! The decoder against the public corpus (`../shared/corpus`, see its MANIFEST.md):
//!
//! - robustness: every packet of the 566 tcpdump test captures (many deliberately malformed
//!   fuzzer finds) decodes without a panic, with every range inside the packet and the fast
//!   and full paths agreeing;
//! - conformance: `summarize` compared field by field with tshark's answers in
//!   `truth/tcpdump/*.packets.tsv` (outermost IP addresses, first TCP/UDP ports, VLAN id, TCP
//!   flags, raw seq/ack, TCP payload length, window, frame lengths). It prints the agreement
//!   per field and overall, asserts a floor, and lists the justified exceptions (the one list
//!   in `tests/common`, shared with `flow_corpus` and `dump_conformance`).
//!
//! Both skip, saying why, when the corpus is not there.

mod common;
mod prereq;

use std::fs;
use std::path::Path;

use common::{Conformance, LayerView, Ours, OursTcp, captures, corpus};
use synack::decode::{Decoded, Summary, decode, proto_name, summarize};
use synack::model::Frame;
use synack::source::FileReader;

/// Every frame of a capture (stops at the first read error, as the reader reports it).
fn frames(path: &Path) -> (Vec<Frame>, Option<String>) {
    let mut out = Vec::new();
    let reader = match FileReader::open(path) {
        Ok(r) => r,
        Err(e) => return (out, Some(e.to_string())),
    };
    for frame in reader.frames() {
        match frame {
            Ok(f) => out.push(f),
            Err(e) => return (out, Some(e.to_string())),
        }
    }
    (out, None)
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
// Conformance with tshark (fields, rules and exceptions shared in `common`)

/// The library's answer for one packet, in the terms the comparison uses.
fn ours(f: &Frame, s: &Summary) -> Ours {
    Ours {
        ts_ns: f.ts_ns,
        len: u64::from(f.len),
        caplen: f.data.len() as u64,
        vlans: s.vlans().to_vec(),
        src: s.src.map(|a| a.to_string()),
        dst: s.dst.map(|a| a.to_string()),
        proto: proto_name(s),
        sport: s.sport,
        dport: s.dport,
        tcp_ports: s.tcp.map(|t| (t.src.port(), t.dst.port())),
        tcp: s.tcp.map(|t| OursTcp {
            flags: t.flags,
            seq: t.seq,
            ack: t.ack,
            len: t.payload_len,
            win: t.window,
        }),
    }
}

/// Whether the packet's first IP header is a fragment, from its full decode.
fn is_fragment(d: &Decoded) -> bool {
    let layers: Vec<LayerView<'_>> = d
        .headers
        .iter()
        .map(|h| LayerView {
            layer: h.layer.name(),
            protocol: &h.protocol,
            fields: h
                .fields
                .iter()
                .map(|x| (x.name.as_str(), x.value.as_str(), x.meaning.as_str()))
                .collect(),
        })
        .collect();
    common::is_fragment(&layers)
}

#[test]
fn summaries_agree_with_tshark() {
    let Some(dir) = corpus() else { return };
    let mut conf = Conformance::default();
    for path in captures(&dir) {
        let name = common::file_name(&path);
        let Some(text) = common::truth_text(&dir, &name) else {
            continue;
        };
        let rows = common::parse_truth(&text);
        let (frames, _) = frames(&path);
        for (i, (row, f)) in rows.iter().zip(&frames).enumerate() {
            let no = i as u64 + 1;
            let s = summarize(f.link, &f.data, f.len);
            let o = ours(f, &s);
            for c in common::compare(row, &o) {
                // Frame times are compared by dump_conformance (and flow_corpus's RTTs).
                if c.check != common::Check::Fields {
                    continue;
                }
                conf.record(&name, no, row, &o, c, || {
                    is_fragment(&decode(f.link, &f.data, f.len))
                });
            }
        }
    }
    let totals = conf.print();
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("decode-conformance.txt");
    let _ = fs::write(&report, conf.mismatches.join("\n"));
    println!("full list: {}", report.display());
    assert!(
        totals.compared > 40_000,
        "too few values compared: {}",
        totals.compared
    );
    assert!(
        totals.rate >= 99.5,
        "agreement {:.3}% is below the 99.5% floor",
        totals.rate
    );
    common::assert_pinned(
        &conf.by_reason,
        &[
            (common::ARISTA_0011, 11),
            (common::BIG_TCP_V6, 43),
            (common::ICMP_QUOTE, 54),
            (common::IP_FRAGMENT, 204),
            (common::FUZZED_NO_TCP_LEN, 4),
            (common::OPENFLOW, 6),
            (common::SFLOW, 7),
        ],
    );
}
