//! Scripted segment sequences: in order, out of order, overlapping and retransmitted (the
//! first copy wins), gaps declared by ACKs, by the memory limit and at the end, snaplen-cut
//! segments, sequence wrap, bytes before the start; the bounds per connection and in total;
//! and a property test that any delivery order of a stream's segments rebuilds the stream.

use std::net::SocketAddr;

use proptest::prelude::*;

use super::*;
use crate::model::{TcpSegment, tcp_flags as f};

const C: &str = "10.0.0.1:40000";
const S: &str = "10.0.0.2:80";

fn addr(t: &str) -> SocketAddr {
    t.parse().expect("test address")
}

/// A segment from the client (`true`) or the server, `len` declared bytes of which `data`
/// were captured.
fn seg(from_client: bool, flags: u16, seq: u32, ack: u32, len: u32) -> TcpSegment {
    let (src, dst) = if from_client { (C, S) } else { (S, C) };
    TcpSegment {
        src: addr(src),
        dst: addr(dst),
        flags,
        seq,
        ack,
        payload_len: len,
        window: 65535,
        options: Default::default(),
    }
}

/// Feeds segments (client?, flags, seq, ack, payload) and returns the chunks and the
/// conversation (not finished).
struct Run {
    conv: Conversation,
    out: Vec<Chunk>,
    frame: u64,
}

impl Run {
    fn new() -> Run {
        Run::limit(1 << 20)
    }
    fn limit(n: u64) -> Run {
        Run {
            conv: Conversation::new(n),
            out: Vec::new(),
            frame: 0,
        }
    }
    fn send(&mut self, client: bool, flags: u16, seq: u32, ack: u32, data: &[u8]) -> &mut Self {
        self.frame += 1;
        let s = seg(client, flags, seq, ack, data.len() as u32);
        self.conv
            .segment(self.frame, self.frame as i64, &s, data, &mut self.out);
        self
    }
    fn cut(&mut self, client: bool, seq: u32, len: u32, data: &[u8]) -> &mut Self {
        self.frame += 1;
        let s = seg(client, f::ACK | f::PSH, seq, 0, len);
        self.conv
            .segment(self.frame, self.frame as i64, &s, data, &mut self.out);
        self
    }
    fn finish(&mut self) -> &mut Self {
        self.conv.finish(&mut self.out);
        self
    }
    fn bytes(&self, side: Side) -> Vec<u8> {
        let mut v = Vec::new();
        for c in self.out.iter().filter(|c| c.side == side) {
            if let Piece::Data(d) = &c.piece {
                v.extend_from_slice(d);
            }
        }
        v
    }
    /// The stream of one side as text with gaps as `[N missing]` / `[N cut]`.
    fn text(&self, side: Side) -> String {
        let mut s = String::new();
        for c in self.out.iter().filter(|c| c.side == side) {
            match &c.piece {
                Piece::Data(d) => s.push_str(&String::from_utf8_lossy(d)),
                Piece::Gap {
                    len,
                    kind: GapKind::Missing,
                } => s.push_str(&format!("[{len} missing]")),
                Piece::Gap {
                    len,
                    kind: GapKind::NotCaptured,
                } => s.push_str(&format!("[{len} cut]")),
            }
        }
        s
    }
    fn stats(&self) -> Stats {
        *self.conv.stats()
    }
}

const A: u16 = f::ACK | f::PSH;

#[test]
fn in_order_both_directions_after_the_handshake() {
    let mut r = Run::new();
    r.send(true, f::SYN, 1000, 0, b"")
        .send(false, f::SYN | f::ACK, 5000, 1001, b"")
        .send(true, f::ACK, 1001, 5001, b"")
        .send(true, A, 1001, 5001, b"GET / ")
        .send(true, A, 1007, 5001, b"HTTP/1.0\r\n\r\n")
        .send(false, A, 5001, 1019, b"HTTP/1.0 200 OK\r\n");
    assert_eq!(r.text(Side::Node0), "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(r.text(Side::Node1), "HTTP/1.0 200 OK\r\n");
    assert_eq!(r.conv.nodes(), [Some(addr(C)), Some(addr(S))]);
    // Each chunk says which frame carried it and where it sits in the stream.
    let first = &r.out[0];
    assert_eq!((first.frame, first.offset, first.side), (4, 0, Side::Node0));
    assert_eq!((r.out[1].frame, r.out[1].offset), (5, 6));
    assert_eq!((r.out[2].frame, r.out[2].offset), (6, 0));
    let st = r.stats();
    assert_eq!(st.delivered, [18, 17]);
    assert_eq!(st.duplicate, [0, 0]);
}

#[test]
fn out_of_order_is_held_until_the_hole_fills() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 6, 0, b"world")
        .send(true, A, 11, 0, b"!");
    assert!(r.out.is_empty(), "nothing delivered before byte 1");
    assert_eq!(r.conv.held(), 6);
    r.send(true, A, 1, 0, b"hello");
    assert_eq!(r.text(Side::Node0), "helloworld!");
    assert_eq!(r.conv.held(), 0);
    assert_eq!(r.stats().out_of_order[0], 6);
    // Delivered in stream order, each chunk keeping its own frame.
    let frames: Vec<u64> = r.out.iter().map(|c| c.frame).collect();
    assert_eq!(frames, vec![4, 2, 3]);
}

#[test]
fn retransmission_and_overlap_first_copy_wins() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 1, 0, b"abcd")
        .send(true, A, 1, 0, b"XXXX") // full retransmission, different bytes
        .send(true, A, 3, 0, b"YYef"); // overlaps "cd", adds "ef"
    assert_eq!(r.text(Side::Node0), "abcdef");
    assert_eq!(r.stats().duplicate[0], 6);
}

#[test]
fn overlapping_held_segments_keep_the_first_copy() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 5, 0, b"efgh") // held [4, 8)
        .send(true, A, 3, 0, b"XXXXXXij") // overlaps the held bytes, adds [2,4) and [8,10)
        .send(true, A, 1, 0, b"ab");
    assert_eq!(r.text(Side::Node0), "abXXefghij");
    assert_eq!(r.stats().duplicate[0], 4);
}

#[test]
fn in_order_copy_does_not_overwrite_bytes_held_first() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 3, 0, b"CD") // held first
        .send(true, A, 1, 0, b"abcdef"); // in order, overlaps the held copy
    assert_eq!(r.text(Side::Node0), "abCDef");
}

#[test]
fn ack_past_a_hole_declares_the_gap_missing() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(false, f::SYN | f::ACK, 100, 1, b"")
        .send(true, A, 1, 101, b"one ")
        // bytes 5..9 ("two ") never captured
        .send(true, A, 9, 101, b"three");
    assert_eq!(r.text(Side::Node0), "one ");
    // The server acknowledges everything: the receiver had the bytes, the capture did not.
    r.send(false, f::ACK, 101, 14, b"");
    assert_eq!(r.text(Side::Node0), "one [4 missing]three");
    assert_eq!(r.stats().missing[0], 4);
    let gap = r
        .out
        .iter()
        .find(|c| c.data().is_none())
        .expect("a gap chunk");
    assert_eq!((gap.frame, gap.offset, gap.len()), (5, 4, 4));
    // The missing bytes arriving afterwards are late, not delivered twice.
    r.send(true, A, 5, 101, b"two ");
    assert_eq!(r.text(Side::Node0), "one [4 missing]three");
    assert_eq!(r.stats().late[0], 4);
    assert_eq!(r.stats().duplicate[0], 0);
}

#[test]
fn an_ack_that_does_not_pass_the_hole_declares_nothing() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 1, 0, b"ab")
        .send(true, A, 5, 0, b"ef")
        .send(false, f::ACK, 0, 3, b"")
        .send(false, f::ACK, 0, 5, b"");
    assert_eq!(
        r.text(Side::Node0),
        "ab",
        "ack 5 reaches the held byte, not past it"
    );
    r.send(false, f::ACK, 0, 6, b"");
    assert_eq!(r.text(Side::Node0), "ab[2 missing]ef");
}

#[test]
fn finish_shows_held_bytes_after_a_gap_and_discard_drops_them() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 1, 0, b"ab")
        .send(true, A, 10, 0, b"tail");
    r.finish();
    assert_eq!(r.text(Side::Node0), "ab[7 missing]tail");
    assert_eq!(r.conv.held(), 0);

    let mut d = Run::new();
    d.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 1, 0, b"ab")
        .send(true, A, 10, 0, b"tail");
    d.conv.discard_pending();
    assert_eq!(d.text(Side::Node0), "ab");
    assert_eq!(d.stats().discarded[0], 4);
    assert_eq!(d.conv.held(), 0);
}

#[test]
fn snaplen_cut_bytes_are_a_gap_not_zeros() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .cut(true, 1, 10, b"0123")
        .cut(true, 11, 3, b"abc");
    assert_eq!(r.text(Side::Node0), "0123[6 cut]abc");
    assert_eq!(r.stats().not_captured[0], 6);
    assert_eq!(r.stats().delivered[0], 7);
}

#[test]
fn cut_segment_held_out_of_order_keeps_its_gap() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .cut(true, 3, 4, b"c")
        .send(true, A, 1, 0, b"ab");
    assert_eq!(r.text(Side::Node0), "abc[3 cut]");
}

#[test]
fn sequence_numbers_wrap() {
    let mut r = Run::new();
    r.send(true, f::SYN, u32::MAX - 2, 0, b"")
        .send(true, A, u32::MAX - 1, 0, b"ab")
        .send(true, A, 2, 0, b"ef") // held across the wrap
        .send(true, A, 0, 0, b"cd");
    assert_eq!(r.text(Side::Node0), "abcdef");
    assert_eq!(r.out.last().map(|c| c.offset), Some(4));
}

#[test]
fn capture_started_mid_stream_begins_at_the_first_byte() {
    let mut r = Run::new();
    // No SYN: the server's segment comes first, so the server is node 0 (as in tshark).
    r.send(false, A, 7000, 300, b"HTTP/1.1 200 OK")
        .send(true, A, 300, 7015, b"GET")
        .send(false, A, 6990, 300, b"0123456789"); // before the first byte seen
    assert_eq!(r.conv.nodes(), [Some(addr(S)), Some(addr(C))]);
    assert_eq!(r.text(Side::Node0), "HTTP/1.1 200 OK");
    assert_eq!(r.text(Side::Node1), "GET");
    assert_eq!(r.stats().before_start[0], 10);
}

#[test]
fn keepalive_byte_before_the_next_is_not_data() {
    let mut r = Run::new();
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 1, 0, b"abc")
        .send(true, f::ACK, 3, 0, b"\0"); // keep-alive: one old byte
    assert_eq!(r.text(Side::Node0), "abc");
    assert_eq!(r.stats().duplicate[0], 1);
}

#[test]
fn syn_with_data_counts_after_the_syn() {
    let mut r = Run::new();
    r.send(true, f::SYN, 99, 0, b"fast")
        .send(true, A, 104, 0, b"open");
    assert_eq!(r.text(Side::Node0), "fastopen");
}

#[test]
fn memory_limit_per_connection_forces_a_gap_and_counts_it() {
    // At most 8 held bytes: the ninth forces the hole in front to be declared missing.
    let mut r = Run::limit(8);
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 11, 0, b"01234")
        .send(true, A, 16, 0, b"567");
    assert!(r.out.is_empty());
    assert!(r.conv.held() <= 8);
    r.send(true, A, 19, 0, b"89");
    assert!(r.conv.held() <= 8, "held {}", r.conv.held());
    assert_eq!(r.text(Side::Node0), "[10 missing]0123456789");
    assert_eq!(r.stats().forced_gaps[0], 10);
    // The real bytes arriving afterwards are counted late.
    r.send(true, A, 1, 0, b"abcdefghij");
    assert_eq!(r.stats().late[0], 10);
    assert_eq!(r.text(Side::Node0), "[10 missing]0123456789");
}

#[test]
fn a_far_future_segment_costs_a_marker_not_memory() {
    let mut r = Run::limit(1000);
    r.send(true, f::SYN, 0, 0, b"")
        .send(true, A, 1, 0, b"a")
        .send(true, A, 1_000_000_001, 0, b"z");
    r.finish();
    assert_eq!(r.text(Side::Node0), "a[999999999 missing]z");
    assert_eq!(r.conv.held(), 0);
}

#[test]
fn total_limit_over_many_connections() {
    let mut re: Reassembler<u32> = Reassembler::new(Limits {
        per_conn: 100,
        total: 250,
    });
    let mut out = Vec::new();
    for id in 0..20u32 {
        re.segment(&id, 1, 0, &seg(true, f::SYN, 0, 0, 0), &[], &mut out);
        let s = seg(true, A, 11, 0, 60);
        re.segment(&id, 2, 0, &s, &[b'x'; 60], &mut out);
        assert!(re.held() <= 250, "held {} after {id}", re.held());
    }
    assert!(re.peak_held() <= 250);
    assert_eq!(re.len(), 20);
    // Connections pushed over the total declared their gaps: 10 missing bytes then 60 bytes.
    let flushed = out.iter().filter(|c| c.data().is_some()).count();
    assert!(flushed >= 16, "{flushed} connections flushed");
    let mut end = Vec::new();
    for id in 0..20u32 {
        re.remove(&id, &mut end);
    }
    assert_eq!(re.held(), 0);
    assert!(re.is_empty());
}

#[test]
fn transcript_keeps_at_most_its_cap_and_counts_the_rest() {
    let mut t = Transcript::new(1000);
    for i in 0..100u64 {
        t.push(Chunk {
            side: Side::Node1,
            frame: i,
            ts_ns: 0,
            offset: i * 100,
            piece: Piece::Data(vec![b'x'; 100]),
        });
    }
    assert!(t.kept() <= 1000);
    assert_eq!(t.chunks.len(), 6);
    assert_eq!(t.dropped[1], 9400);
}

#[test]
fn transcript_from_segments() {
    let segs = vec![
        (1, 0, seg(true, f::SYN, 0, 0, 0), &b""[..]),
        (2, 0, seg(false, f::SYN | f::ACK, 0, 1, 0), &b""[..]),
        (3, 0, seg(true, A, 1, 1, 2), &b"hi"[..]),
        (4, 0, seg(false, A, 1, 3, 3), &b"yo!"[..]),
    ];
    let t = Transcript::from_segments(1 << 20, segs);
    assert_eq!(t.bytes(Side::Node0), b"hi");
    assert_eq!(t.bytes(Side::Node1), b"yo!");
    assert_eq!(t.stats.delivered, [2, 3]);
    assert_eq!(t.nodes, [Some(addr(C)), Some(addr(S))]);
}

proptest! {
    /// Any order of delivery, with duplicates, rebuilds the same stream.
    #[test]
    fn any_order_rebuilds_the_stream(
        data in proptest::collection::vec(any::<u8>(), 1..300),
        cuts in proptest::collection::vec(1usize..40, 1..30),
        order in proptest::collection::vec(any::<u16>(), 1..60),
        isn in any::<u32>(),
    ) {
        // Split the stream into segments.
        let mut segs = Vec::new();
        let mut at = 0usize;
        for c in cuts.iter().cycle() {
            if at >= data.len() { break; }
            let end = (at + c).min(data.len());
            segs.push((at, end));
            at = end;
        }
        // Sends them in a shuffled order with repeats, then all once more in order.
        let mut r = Run::new();
        r.send(true, f::SYN, isn, 0, b"");
        for k in &order {
            let (s, e) = segs[usize::from(*k) % segs.len()];
            r.send(true, A, isn.wrapping_add(1 + s as u32), 0, &data[s..e]);
        }
        for &(s, e) in &segs {
            r.send(true, A, isn.wrapping_add(1 + s as u32), 0, &data[s..e]);
        }
        prop_assert_eq!(r.bytes(Side::Node0), data.clone());
        prop_assert_eq!(r.conv.held(), 0);
        // Offsets are contiguous.
        let mut next = 0;
        for c in &r.out {
            prop_assert_eq!(c.offset, next);
            next += c.len();
        }
    }
}
