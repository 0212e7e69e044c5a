//! Both directions of one TCP connection: which end is node 0 (the sender of the first
//! segment seen, as tshark's follow says), SYNs starting a stream, each ACK letting the other
//! direction declare the bytes it acknowledged but the capture lacks, and the memory limit.

use std::net::SocketAddr;

use super::half::Half;
use super::{Chunk, Side, Stats};
use crate::model::{SeqNum, TcpSegment, tcp_flags};

#[derive(Debug)]
pub struct Conversation {
    nodes: [Option<SocketAddr>; 2],
    halves: [Half; 2],
    stats: Stats,
    /// Out-of-order bytes this connection may hold (both directions).
    limit: u64,
    last_frame: u64,
    last_ts: i64,
}

impl Conversation {
    pub fn new(limit: u64) -> Conversation {
        Conversation {
            nodes: [None, None],
            halves: [Half::new(Side::Node0), Half::new(Side::Node1)],
            stats: Stats::default(),
            limit,
            last_frame: 0,
            last_ts: 0,
        }
    }

    /// Node 0 and node 1 (`None` before the first segment).
    pub fn nodes(&self) -> [Option<SocketAddr>; 2] {
        self.nodes
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Captured bytes held out of order, both directions.
    pub fn held(&self) -> u64 {
        self.halves[0].held_bytes() + self.halves[1].held_bytes()
    }

    /// Which end sent a segment from `src` (the first segment seen makes its sender node 0).
    pub fn side_of(&mut self, src: SocketAddr, dst: SocketAddr) -> Side {
        match self.nodes {
            [Some(a), _] if a == src => Side::Node0,
            [Some(_), _] => Side::Node1,
            [None, _] => {
                self.nodes = [Some(src), Some(dst)];
                Side::Node0
            }
        }
    }

    /// Feeds one segment; `payload` is the captured part of its `seg.payload_len` bytes.
    /// Chunks that complete a stream are appended to `out`, in stream order per direction.
    pub fn segment(
        &mut self,
        frame: u64,
        ts_ns: i64,
        seg: &TcpSegment,
        payload: &[u8],
        out: &mut Vec<Chunk>,
    ) {
        self.last_frame = frame;
        self.last_ts = ts_ns;
        let side = self.side_of(seg.src, seg.dst);
        let (i, o) = (side.index(), side.other().index());
        if seg.has(tcp_flags::ACK) {
            self.halves[o].acked(frame, ts_ns, SeqNum(seg.ack), &mut self.stats, out);
        }
        let mut seq = SeqNum(seg.seq);
        if seg.has(tcp_flags::SYN) {
            seq = seq.add(1);
            self.halves[i].start_at(seq);
        }
        let len = u64::from(seg.payload_len);
        let payload = payload
            .get(..payload.len().min(len as usize))
            .unwrap_or(&[]);
        self.halves[i].data(frame, ts_ns, seq, len, payload, &mut self.stats, out);
        while self.held() > self.limit {
            // Over the limit: the direction holding more declares its first gap missing.
            let big = usize::from(self.halves[1].held_bytes() > self.halves[0].held_bytes());
            let before = self.stats.missing[big];
            if !self.halves[big].skip_gap(frame, ts_ns, &mut self.stats, out) {
                break;
            }
            self.stats.forced_gaps[big] += self.stats.missing[big] - before;
        }
    }

    /// Declares every gap in front of held bytes missing and delivers them (memory pressure
    /// from outside: the total limit of a [`super::Reassembler`]).
    pub fn force_flush(&mut self, frame: u64, ts_ns: i64, out: &mut Vec<Chunk>) {
        for i in 0..2 {
            let before = self.stats.missing[i];
            while self.halves[i].skip_gap(frame, ts_ns, &mut self.stats, out) {}
            self.stats.forced_gaps[i] += self.stats.missing[i] - before;
        }
    }

    /// The capture ended: bytes still held follow gaps nothing acknowledged; they are
    /// delivered after a `Missing` gap each (shown, not dropped).
    pub fn finish(&mut self, out: &mut Vec<Chunk>) {
        let (frame, ts) = (self.last_frame, self.last_ts);
        for half in &mut self.halves {
            while half.skip_gap(frame, ts, &mut self.stats, out) {}
        }
    }

    /// The capture ended: bytes still held are dropped and counted in `discarded` (what
    /// tshark's follow does with them; the conformance test uses it to compare).
    pub fn discard_pending(&mut self) {
        for half in &mut self.halves {
            half.discard(&mut self.stats);
        }
    }

    /// Whether the direction has started (a SYN or a byte was seen).
    pub fn started(&self, side: Side) -> bool {
        self.halves[side.index()].started()
    }
}
