//! Unit tests of the counting: built packets (etherparse's builder), a tunnel, an ICMP error,
//! the time buckets and the quantiles.

use etherparse::PacketBuilder;

use super::*;
use crate::decode::layout;
use crate::model::LinkType;

fn tcp_v4(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src, dst, 64)
        .tcp(sport, dport, 1000, 65535)
        .ack(1);
    let mut v = Vec::with_capacity(b.size(payload.len()));
    b.write(&mut v, payload).expect("builder writes to a Vec");
    v
}

fn udp_v4(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src, dst, 64)
        .udp(sport, dport);
    let mut v = Vec::with_capacity(b.size(payload.len()));
    b.write(&mut v, payload).expect("builder writes to a Vec");
    v
}

fn add(stats: &mut Stats, ts_ns: i64, data: &[u8]) {
    let l = layout(LinkType::ETHERNET, data, data.len() as u32);
    stats.add(ts_ns, data.len() as u32, data, &l, None);
}

const A: [u8; 4] = [10, 0, 0, 1];
const B: [u8; 4] = [10, 0, 0, 2];
const C: [u8; 4] = [10, 0, 0, 3];

#[test]
fn hierarchy_counts_each_prefix_like_tshark() {
    let mut s = Stats::new();
    let t = tcp_v4(A, B, 40000, 9999, b"xx");
    let u = udp_v4(A, C, 40001, 9998, b"yyyy");
    add(&mut s, 0, &t);
    add(&mut s, 1, &t);
    add(&mut s, 2, &u);
    let tree: Vec<(usize, &str, u64, u64)> = s
        .hierarchy
        .walk()
        .iter()
        .map(|n| (n.depth, n.name, n.frames, n.bytes))
        .collect();
    let (tl, ul) = (t.len() as u64, u.len() as u64);
    assert_eq!(
        tree,
        vec![
            (0, "eth", 3, 2 * tl + ul),
            (1, "ip", 3, 2 * tl + ul),
            (2, "tcp", 2, 2 * tl),
            (3, "data", 2, 2 * tl),
            (2, "udp", 1, ul),
            (3, "data", 1, ul),
        ]
    );
    assert_eq!(s.hierarchy.occurrences("data"), (3, 2 * tl + ul));
    let transport = s.hierarchy.layer_totals(LayerKind::Transport);
    assert_eq!(
        transport.first().map(|p| (p.name, p.frames)),
        Some(("tcp", 2))
    );
    assert_eq!(s.packets, 3);
}

#[test]
fn conversations_and_endpoints_count_both_directions() {
    let mut s = Stats::new();
    let ab = tcp_v4(A, B, 40000, 80, b"");
    let ba = tcp_v4(B, A, 80, 40000, b"hello");
    add(&mut s, 1_000, &ab);
    add(&mut s, 2_000, &ba);
    add(&mut s, 5_000, &ba);
    let convs = s.conversations();
    assert_eq!(convs.len(), 1);
    let c = convs[0];
    assert_eq!(
        (c.a.to_string(), c.b.to_string()),
        ("10.0.0.1".into(), "10.0.0.2".into())
    );
    assert_eq!((c.frames_ab, c.frames_ba), (1, 2));
    assert_eq!(c.bytes_ba, 2 * ba.len() as u64);
    assert_eq!(c.duration_ns(), 4_000);
    assert_eq!(c.filter(), "ip.addr == 10.0.0.1 && ip.addr == 10.0.0.2");
    let eps = s.endpoints();
    assert_eq!(eps.len(), 2);
    let server = eps
        .iter()
        .find(|e| e.addr.port() == 80)
        .expect("server endpoint");
    assert_eq!((server.tx_frames, server.rx_frames), (2, 1));
    assert_eq!(server.transport, Transport::Tcp);
}

#[test]
fn a_tunnel_counts_each_ip_level() {
    // IPv4 in IPv4 (protocol 4): two ip nodes in the tree, two conversations.
    let inner = {
        let b = PacketBuilder::ipv4(C, [10, 0, 0, 4], 64).udp(1, 2);
        let mut v = Vec::new();
        b.write(&mut v, b"z").expect("write");
        v
    };
    let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]).ipv4(A, B, 64);
    let mut outer = Vec::new();
    b.write(&mut outer, etherparse::IpNumber::IPV4, &inner)
        .expect("write");
    let mut s = Stats::new();
    add(&mut s, 0, &outer);
    assert_eq!(s.hierarchy.occurrences("ip").0, 2);
    assert_eq!(s.conversations().len(), 2);
    // Per layer, the packet carries ip once.
    let internet = s.hierarchy.layer_totals(LayerKind::Internet);
    assert_eq!(
        internet.first().map(|p| (p.name, p.frames)),
        Some(("ip", 1))
    );
}

#[test]
fn timeline_widens_and_keeps_every_packet() {
    let mut s = Stats::new();
    let t = tcp_v4(A, B, 1, 2, b"");
    for i in 0..1000i64 {
        add(&mut s, i * 7_000_000, &t); // 7 s in all, 1 ms buckets would need 7000
    }
    let tl = s.timeline().expect("a timeline");
    assert!(tl.buckets.len() <= TIME_BUCKETS);
    assert!(tl.bucket_ns > MIN_BUCKET_NS);
    assert_eq!(tl.buckets.iter().map(|b| b.0).sum::<u64>(), 1000);
    assert_eq!(tl.bucket_of(0), Some(0));
    assert_eq!(tl.bucket_of(-1), None);
}

#[test]
fn quantiles_and_histogram() {
    let h = Handshakes {
        rtts_ns: vec![5_000, 15_000, 1_000_000, 3_000_000, 20_000_000_000],
        ..Handshakes::default()
    };
    assert_eq!(h.rtt_quantile(0.5), Some(1_000_000));
    assert_eq!(h.rtt_quantile(0.95), Some(20_000_000_000));
    let hist = h.rtt_histogram();
    assert_eq!(hist[0], 1); // < 10 µs
    assert_eq!(hist[1], 1); // 10–20 µs
    assert_eq!(hist[RTT_EDGES_NS.len()], 1); // ≥ 10 s
    assert_eq!(hist.iter().sum::<u64>(), 5);
    assert_eq!(Handshakes::default().rtt_quantile(0.5), None);
}

#[test]
fn handshakes_and_retransmissions_from_a_demo_capture() {
    use crate::flow::FlowTracker;
    use crate::source::FileReader;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/lossy.pcap");
    let mut r = FileReader::open(std::path::Path::new(path)).expect("demo capture opens");
    let mut tracker = FlowTracker::new(1000);
    let mut s = Stats::new();
    let mut frame = crate::model::Frame {
        ts_ns: 0,
        len: 0,
        link: LinkType::ETHERNET,
        data: Vec::new(),
    };
    let mut no = 0;
    while r.next_into(&mut frame).expect("reads") {
        no += 1;
        let l = layout(frame.link, &frame.data, frame.len);
        let a = l
            .summary
            .tcp
            .map(|seg| tracker.observe(no, frame.ts_ns, &seg, frame.len).analysis);
        s.add(frame.ts_ns, frame.len, &frame.data, &l, a.as_ref());
    }
    tracker.finish();
    s.set_flows(tracker.flows());
    assert_eq!(s.packets, no);
    assert!(s.handshakes.total() >= 1);
    assert!(s.segments.total > 0);
    assert!(
        s.segments.retransmissions > 0,
        "the lossy demo retransmits: {:?}",
        s.segments
    );
    let text = report::text(&s);
    assert!(text.contains("retransmissions"), "{text}");
    let j = report::json(&s);
    assert_eq!(j["packets"], serde_json::json!(no));
}
