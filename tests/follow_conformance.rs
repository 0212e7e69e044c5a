//! Follow-stream conformance: for every TCP stream with payload in the public corpus, the bytes
//! synack's reassembly delivers in each direction must be the bytes tshark 4.0's
//! `-z follow,tcp,raw,N` shows (its "[N bytes missing in capture file]" placeholders left out),
//! compared by length and SHA-256, and the number of gaps declared by acknowledgements must be
//! the number of placeholders it inserted. Truth: `tests/truth/follow/*.tsv`, made once by
//! `tests/truth/follow/make_follow_truth.py`. Captures are read through the real reader and
//! decoder, flows numbered by the real tracker (flow id = tcp.stream). As tshark does, bytes
//! still waiting behind a hole when the capture ends are dropped (`discard_pending`), not shown.
//! Prints `N/M streams identical`; every exception is listed with its reason.

mod prereq;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use synack::decode;
use synack::flow::{FlowTracker, Verdicts};
use synack::model::{Frame, LinkType};
use synack::reassembly::http::{HttpMessage, HttpParser, HttpStart};
use synack::reassembly::{Chunk, Conversation, GapKind, Piece, Side};
use synack::source::FileReader;

/// One stream's truth.
struct Truth {
    nodes: [String; 2],
    len: [u64; 2],
    sha: [String; 2],
    gaps: [u32; 2],
}

fn read_truth(path: &Path) -> BTreeMap<String, BTreeMap<u32, Truth>> {
    let mut all: BTreeMap<String, BTreeMap<u32, Truth>> = BTreeMap::new();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 10 {
            continue;
        }
        let (Ok(stream), Ok(l0), Ok(g0), Ok(l1), Ok(g1)) = (
            c[1].parse::<u32>(),
            c[4].parse::<u64>(),
            c[6].parse::<u32>(),
            c[7].parse::<u64>(),
            c[9].parse::<u32>(),
        ) else {
            continue;
        };
        all.entry(c[0].to_string()).or_default().insert(
            stream,
            Truth {
                nodes: [c[2].to_string(), c[3].to_string()],
                len: [l0, l1],
                sha: [c[5].to_string(), c[8].to_string()],
                gaps: [g0, g1],
            },
        );
    }
    all
}

/// What synack made of one stream.
#[derive(Default)]
struct Ours {
    bytes: [Vec<u8>; 2],
    gaps: [u32; 2],
    /// Gaps of bytes the capture cut (snapshot length).
    cut: [u32; 2],
    nodes: [String; 2],
    /// HTTP/1.x message heads found in the reassembled bytes, in the order completed.
    http: Vec<HttpMessage>,
    /// Per direction: the last HTTP message's body was unfinished when the capture ended.
    http_open: [bool; 2],
    /// Per direction: bytes that arrived out of order.
    out_of_order: [u64; 2],
    /// tshark's analysis (as synack's flow tracker reproduces it) flags a data segment of
    /// this connection `[TCP Out-Of-Order]`.
    flagged_out_of_order: bool,
}

/// Reads one capture and reassembles the wanted streams. `tshark_end`: bytes still held behind
/// a hole at the end are dropped (what tshark's follow does); otherwise they are delivered
/// after a gap (what tshark's HTTP dissector sees: it dissects the segments after a hole too).
fn reassemble(path: &Path, wanted: &BTreeSet<u32>, tshark_end: bool) -> HashMap<u32, Ours> {
    let mut tracker = FlowTracker::new(1 << 20);
    let mut convs: HashMap<u32, Conversation> = HashMap::new();
    let mut ours: HashMap<u32, Ours> = HashMap::new();
    let mut out: Vec<Chunk> = Vec::new();
    let mut parsers: HashMap<u32, [HttpParser; 2]> = HashMap::new();
    let Ok(mut reader) = FileReader::open(path) else {
        return ours;
    };
    let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut number = 0u64;
    while let Ok(true) = reader.next_into(&mut frame) {
        number += 1;
        let Some((seg, range)) = decode::tcp_payload(frame.link, &frame.data, frame.len) else {
            continue;
        };
        let obs = tracker.observe(number, frame.ts_ns, &seg, frame.len);
        let flow = obs.flow;
        if !wanted.contains(&flow) {
            continue;
        }
        if seg.payload_len > 0 && obs.analysis.verdicts.contains(Verdicts::OUT_OF_ORDER) {
            ours.entry(flow).or_default().flagged_out_of_order = true;
        }
        let conv = convs
            .entry(flow)
            .or_insert_with(|| Conversation::new(64 << 20));
        let payload = frame.data.get(range).unwrap_or(&[]);
        conv.segment(number, frame.ts_ns, &seg, payload, &mut out);
        let o = ours.entry(flow).or_default();
        let http = parsers
            .entry(flow)
            .or_insert_with(|| [HttpParser::new(Side::Node0), HttpParser::new(Side::Node1)]);
        for c in out.drain(..) {
            let i = c.side.index();
            http[i].feed(&c, &mut o.http);
            match c.piece {
                Piece::Data(d) => o.bytes[i].extend_from_slice(&d),
                Piece::Gap {
                    kind: GapKind::Missing,
                    ..
                } => o.gaps[i] += 1,
                Piece::Gap { .. } => o.cut[i] += 1,
            }
        }
    }
    for (flow, conv) in &mut convs {
        let o = ours.entry(*flow).or_default();
        if tshark_end {
            conv.discard_pending();
        } else {
            conv.finish(&mut out);
            let http = parsers
                .entry(*flow)
                .or_insert_with(|| [HttpParser::new(Side::Node0), HttpParser::new(Side::Node1)]);
            for c in out.drain(..) {
                if matches!(
                    c.piece,
                    Piece::Gap {
                        kind: GapKind::Missing,
                        ..
                    }
                ) {
                    o.gaps[c.side.index()] += 1;
                }
                http[c.side.index()].feed(&c, &mut o.http);
            }
            o.http_open = [http[0].in_body(), http[1].in_body()];
            o.out_of_order = conv.stats().out_of_order;
        }
        let n = conv.nodes();
        for side in [Side::Node0, Side::Node1] {
            o.nodes[side.index()] = n[side.index()].map(|a| a.to_string()).unwrap_or_default();
        }
    }
    ours
}

/// tshark prints `1.2.3.4:80` and `2001:db8::1:80`; Rust brackets IPv6 (`[2001:db8::1]:80`).
fn same_node(theirs: &str, ours: &str) -> bool {
    theirs == ours || theirs == ours.replace(['[', ']'], "")
}

/// Streams where synack and tshark differ, with the reason (file, stream).
fn exception(file: &str, stream: u32) -> Option<&'static str> {
    EXCEPTIONS
        .iter()
        .find(|(f, s, _)| *f == file && *s == stream)
        .map(|(_, _, why)| *why)
}

/// OpenFlow PACKET_IN / PACKET_OUT messages carry a whole packet; tshark dissects it and its
/// follow tap fires again for the inner TCP/IP headers (the frame matches `tcp.stream eq N`),
/// so tshark's follow mixes the inner segment into the conversation (bytes on the wrong side,
/// or an inner ACK that makes it declare the outer bytes missing and drop them). synack follows
/// only the connection's own TCP header.
const OPENFLOW_INNER: &str = "tshark's follow also takes the TCP segment an OpenFlow \
     PACKET_IN/PACKET_OUT carries inside it; synack follows only the outer connection";

/// Wireshark 4.0's follow starts a direction's stream at the first segment it sees even when it
/// carries no data; these captures begin with a TCP keep-alive (sequence number one below the
/// next byte, no payload), so tshark shows a "[1 bytes missing in capture file]" that never
/// existed. synack starts a stream at the SYN or at the first byte sent. The bytes agree.
const KEEPALIVE_FIRST: &str = "the capture starts with a keep-alive one below the next byte; \
     tshark starts the stream there and shows a 1-byte gap, synack at the first byte";

/// A dissector above TCP (FCIP's Fibre Channel, JXTA) replaces the packet's source and
/// destination with its own addresses; tshark's follow tells the directions apart by those, so
/// it puts both directions' bytes on one side (and names nodes like `ff.ff.fd:3225`).
const INNER_ADDRESSES: &str = "a dissector above TCP replaces the packet's addresses (FCIP: \
     Fibre Channel ids; JXTA: peer ids) and tshark's follow assigns directions by them";

const EXCEPTIONS: &[(&str, u32, &str)] = &[
    ("of10_s4810.pcap", 0, OPENFLOW_INNER),
    ("of13_ericsson.pcapng", 9, OPENFLOW_INNER),
    ("ws-wiki__rrtacl.pcap", 0, KEEPALIVE_FIRST),
    ("ws-wiki__lustre-lnet_sample.cap", 0, KEEPALIVE_FIRST),
    ("ws-wiki__lustre-lnet_sample.cap", 6, KEEPALIVE_FIRST),
    ("ws-wiki__lustre-lnet_sample.cap", 7, KEEPALIVE_FIRST),
    ("ws-wiki__lustre-lnet_sample.cap", 8, KEEPALIVE_FIRST),
    ("ws-wiki__lustre-lnet_sample.cap", 10, KEEPALIVE_FIRST),
    ("ws-wiki__lustre-lnet_sample.cap", 11, KEEPALIVE_FIRST),
    ("ws-wiki__lustre-lnet_sample.cap", 12, KEEPALIVE_FIRST),
    ("ws-wiki__fcip_trace.cap", 0, INNER_ADDRESSES),
    ("ws-wiki__fcip_trace.cap", 2, INNER_ADDRESSES),
    ("ws-wiki__jxta-mcast-sample.pcap", 0, INNER_ADDRESSES),
    ("ws-wiki__jxta-sample.pcap", 0, INNER_ADDRESSES),
    ("ws-wiki__jxta-sample.pcap", 3, INNER_ADDRESSES),
    (
        "ws-wiki__x509-with-logo.cap",
        2,
        "frame 23 is the first fragment of an IP-fragmented segment whose other fragments \
         are not in the capture: tshark does not dissect TCP in an unreassembled fragment, \
         synack puts the 712 TCP payload bytes it carries at their place in the stream",
    ),
    (
        "ws-wiki__netlink-conntrack.pcap",
        0,
        "link type Linux netlink: tshark decodes the packets conntrack messages carry, \
         synack does not decode that link type",
    ),
];

/// tshark marks bytes the snapshot length cut with "[N bytes missing in capture file]" only
/// when an acknowledgement happens to pass them; synack marks each cut segment as
/// `[N bytes not captured]` (a different kind of gap). The captured bytes are compared all
/// the same; only the number of placeholders cannot be.
const SNAPLEN: &str = "the capture cut these segments (snapshot length): tshark's missing-bytes \
     placeholders and synack's not-captured gaps are counted differently; the bytes agree";

fn run(set: &str) -> Option<(usize, usize)> {
    let corpus = prereq::corpus()?;
    let truth_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/truth/follow")
        .join(format!("{set}.tsv"));
    let truth = read_truth(&truth_path);
    assert!(
        !truth.is_empty(),
        "no follow truth in {} (make it with tests/truth/follow/make_follow_truth.py)",
        truth_path.display()
    );
    let (mut total, mut same) = (0usize, 0usize);
    let mut excepted = Vec::new();
    let mut failures = Vec::new();
    for (file, streams) in &truth {
        let ours = reassemble(
            &corpus.join(set).join(file),
            &streams.keys().copied().collect(),
            true,
        );
        for (stream, t) in streams {
            total += 1;
            let empty = Ours::default();
            let o = ours.get(stream).unwrap_or(&empty);
            let mut diffs = Vec::new();
            let mut snaplen = Vec::new();
            for i in 0..2 {
                let (len, sha) = (o.bytes[i].len() as u64, sha256_hex(&o.bytes[i]));
                let bytes_agree = len == t.len[i] && sha.starts_with(&t.sha[i]);
                if !bytes_agree {
                    diffs.push(format!(
                        "node {i}: {len} bytes (tshark {}){}",
                        t.len[i],
                        if len == t.len[i] { ", other bytes" } else { "" }
                    ));
                }
                if o.gaps[i] != t.gaps[i] {
                    let text = format!("node {i}: {} gaps (tshark {})", o.gaps[i], t.gaps[i]);
                    if o.cut[i] > 0 && bytes_agree {
                        snaplen.push(text);
                    } else {
                        diffs.push(text);
                    }
                }
                if (t.len[i] > 0 || len > 0) && !same_node(&t.nodes[i], &o.nodes[i]) {
                    diffs.push(format!(
                        "node {i} is {} (tshark {})",
                        o.nodes[i], t.nodes[i]
                    ));
                }
            }
            if diffs.is_empty() && snaplen.is_empty() {
                same += 1;
                continue;
            }
            if diffs.is_empty() {
                excepted.push(format!(
                    "{set}/{file} stream {stream}: {} — {SNAPLEN}",
                    snaplen.join("; ")
                ));
                continue;
            }
            let text = format!("{set}/{file} stream {stream}: {}", diffs.join("; "));
            match exception(file, *stream) {
                Some(why) => excepted.push(format!("{text} — {why}")),
                None => failures.push(text),
            }
        }
    }
    println!("follow {set}: {same}/{total} streams identical");
    for e in &excepted {
        println!("  excepted: {e}");
    }
    assert!(
        failures.is_empty(),
        "{} streams differ from tshark's follow:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Some((same, total))
}

#[test]
fn follow_matches_tshark_on_the_tcpdump_corpus() {
    if let Some((same, total)) = run("tcpdump") {
        assert!(total > 50, "only {total} streams in the truth");
        assert!(same > 0);
    }
}

#[test]
fn follow_matches_tshark_on_the_public_corpus() {
    if let Some((same, total)) = run("public") {
        assert!(total > 100, "only {total} streams in the truth");
        assert!(same > 0);
    }
}

/// HTTP/1.x conformance: for every TCP stream in which tshark 4.0 finds HTTP
/// (`tests/truth/follow/http.tsv`, made by `make_http_truth.py`), the requests (method, URI,
/// Host) and the response codes synack's parser finds in the reassembled bytes, in order,
/// must be tshark's `http.request.method`, `http.request.uri`, `http.host` and
/// `http.response.code`. Prints `N/M streams agree`; exceptions have reasons.
#[test]
fn http_from_reassembled_bytes_matches_tshark() {
    let Some(corpus) = prereq::corpus() else {
        return;
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/truth/follow/http.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    // (set, file) → stream → (requests, responses)
    let mut truth: BTreeMap<(String, String), BTreeMap<u32, (String, String)>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let (Some(set), Some(file), Some(Ok(stream))) =
            (c.first(), c.get(1), c.get(2).map(|s| s.parse::<u32>()))
        else {
            continue;
        };
        truth
            .entry((set.to_string(), file.to_string()))
            .or_default()
            .insert(
                stream,
                (
                    c.get(3).copied().unwrap_or("").to_string(),
                    c.get(4).copied().unwrap_or("").to_string(),
                ),
            );
    }
    assert!(!truth.is_empty(), "no HTTP truth in {}", path.display());
    let (mut total, mut same) = (0usize, 0usize);
    let mut failures = Vec::new();
    let mut excepted = Vec::new();
    for ((set, file), streams) in &truth {
        let ours = reassemble(
            &corpus.join(set).join(file),
            &streams.keys().copied().collect(),
            false,
        );
        for (stream, (t_req, t_resp)) in streams {
            total += 1;
            let mut msgs: Vec<&HttpMessage> = ours
                .get(stream)
                .map(|o| o.http.iter().collect())
                .unwrap_or_default();
            msgs.sort_by_key(|m| m.head_frame);
            let clean = |v: &str| v.replace(['\t', '\n', '|'], "_");
            let req: Vec<String> = msgs
                .iter()
                .filter_map(|m| match &m.start {
                    HttpStart::Request { method, uri } => Some(format!(
                        "{} {} {}",
                        clean(method),
                        clean(uri),
                        clean(m.host.as_deref().unwrap_or(""))
                    )),
                    HttpStart::Response { .. } => None,
                })
                .collect();
            let resp: Vec<String> = msgs
                .iter()
                .filter_map(|m| match &m.start {
                    HttpStart::Response { code, .. } => Some(code.to_string()),
                    HttpStart::Request { .. } => None,
                })
                .collect();
            let (req_text, resp_text) = (req.join(" | "), resp.join(" "));
            if req_text == *t_req && resp_text == *t_resp {
                same += 1;
                continue;
            }
            let t_reqs: Vec<&str> = t_req.split(" | ").filter(|r| !r.is_empty()).collect();
            let t_resps: Vec<&str> = t_resp.split(' ').filter(|r| !r.is_empty()).collect();
            let o = ours.get(stream);
            let text = format!(
                "{set}/{file} stream {stream}: {}",
                first_difference(&req, &t_reqs, &resp, &t_resps)
            );
            // The only difference is one more message at the end of a list, and the
            // direction that sent it was still inside its body when the capture ended.
            let side_of = |request: bool| {
                msgs.iter()
                    .rev()
                    .find(|m| matches!(m.start, HttpStart::Request { .. }) == request)
                    .map(|m| m.side.index())
            };
            let last_open =
                |request: bool| side_of(request).is_some_and(|i| o.is_some_and(|o| o.http_open[i]));
            let one_more = |a: &[String], b: &[&str]| {
                a.len() == b.len() + 1 && a.iter().zip(b).all(|(x, y)| x == y)
            };
            let same_req = req_text == *t_req;
            let same_resp = resp_text == *t_resp;
            let why = if (same_req && one_more(&resp, &t_resps) && last_open(false))
                || (same_resp && one_more(&req, &t_reqs) && last_open(true))
            {
                Some(INCOMPLETE_LAST)
            } else if o.is_some_and(|o| o.gaps.iter().any(|&g| g > 0)) {
                Some(HOLE)
            } else if o
                .is_some_and(|o| o.flagged_out_of_order || o.out_of_order.iter().any(|&n| n > 0))
            {
                Some(OUT_OF_ORDER)
            } else {
                http_exception(file, *stream)
            };
            match why {
                Some(why) => excepted.push(format!("{text} — {why}")),
                None => failures.push(text),
            }
        }
    }
    println!("http: {same}/{total} streams agree");
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &excepted {
        println!("  excepted: {e}");
        if let Some((_, why)) = e.rsplit_once(" — ") {
            *by_reason.entry(why).or_default() += 1;
        }
    }
    for (why, n) in &by_reason {
        println!("  {n} excepted because {why}");
    }
    assert!(
        failures.is_empty(),
        "{} streams differ from tshark's HTTP:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total > 100 && same > 0, "{same}/{total}");
}

/// tshark reassembles HTTP bodies (`http.desegment_body`) and shows a message only once its
/// body is complete; synack reports a message when its head is complete.
const INCOMPLETE_LAST: &str = "the last message's body is unfinished when the capture ends \
     (Content-Length not reached, chunks not ended, or a body that lasts until a close the \
     capture lacks): tshark, reassembling bodies, never shows it; synack shows its head";

/// tshark 4.0 does not reassemble out-of-order segments by default
/// (`tcp.reassemble_out_of_order` is off): a message one of whose segments came out of order
/// ([TCP Out-Of-Order]) never completes there.
const OUT_OF_ORDER: &str = "segments of this connection arrived out of order (or tshark's \
     analysis flags one [TCP Out-Of-Order]); tshark 4.0's TCP reassembly does not reorder by \
     default (tcp.reassemble_out_of_order off), so the message never completes there; synack \
     puts the segments in place";

/// Where segments are missing, tshark's TCP reassembly waits at the hole (and may take later
/// bytes as part of the unfinished message), while synack marks the gap and resumes at the
/// next line that starts a message.
const HOLE: &str = "segments are missing in this connection: tshark's reassembly stalls at the \
     hole, synack declares the gap and resumes at the next request or status line";

/// Where our list and tshark's first differ, briefly.
fn first_difference(req: &[String], t_req: &[&str], resp: &[String], t_resp: &[&str]) -> String {
    let diff = |what: &str, a: &[String], b: &[&str]| {
        let at = a.iter().zip(b).position(|(x, y)| x != y);
        match at {
            Some(i) => Some(format!("{what} #{i}: {:?} (tshark {:?})", a[i], b[i])),
            None if a.len() != b.len() => Some(format!(
                "{} {what} (tshark {}); extra: {:?}",
                a.len(),
                b.len(),
                if a.len() > b.len() {
                    a[b.len()..].join(" | ")
                } else {
                    b[a.len()..].join(" | ")
                }
            )),
            None => None,
        }
    };
    [
        diff("requests", req, t_req),
        diff("responses", resp, t_resp),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.chars().take(300).collect::<String>())
    .collect::<Vec<_>>()
    .join("; ")
}

/// HTTP streams where synack and tshark differ, with the reason.
fn http_exception(file: &str, stream: u32) -> Option<&'static str> {
    HTTP_EXCEPTIONS
        .iter()
        .find(|(f, s, _)| *f == file && *s == stream)
        .map(|(_, _, why)| *why)
}

const NETLINK: &str = "link type Linux netlink (NFLOG / conntrack): tshark decodes the packets \
     the messages carry, synack does not decode that link type";

const TLS_KEYS: &str = "the pcapng file embeds the TLS session keys (a Decryption Secrets \
     Block): tshark decrypts the TLS and finds HTTP inside; synack does not decrypt";

const HTTP_EXCEPTIONS: &[(&str, u32, &str)] = &[
    ("ws-wiki__pcapng-example.pcapng", 0, TLS_KEYS),
    ("ws-wiki__pcapng-example.pcapng", 1, TLS_KEYS),
    ("ws-wiki__netlink-conntrack.pcap", 0, NETLINK),
    ("ws-wiki__netlink-nflog.pcap", 0, NETLINK),
];

/// SHA-256 (FIPS 180-4), enough for comparing with the truth's digests.
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[test]
fn sha256_known_answers() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
