//! TCP stream reassembly: rebuilds the two byte streams of one TCP connection from its
//! segments, in order, out of order, overlapping or retransmitted (the first copy of a byte
//! wins, as in Wireshark), marking gaps instead of inventing bytes, with bounded memory per
//! connection and in total. Pure (no I/O, no clock); depends on `crate::model` only.
//!
//! Files: `half` (one direction: the next expected byte and the segments held out of order),
//! `conversation` (both directions of one connection: who is node 0, ACK-driven gap filling),
//! `transcript` (a bounded, kept copy of the delivered chunks, for the viewer), `text` (the
//! ascii / hex / raw renderings shared by `synack follow` and the viewer), `http` (HTTP/1.x
//! message heads parsed from a direction's reassembled bytes), and this file
//! (the chunk types, limits, counters and the side map of many connections).
//!
//! The state lives here, keyed by whatever identifies a connection (the flow tracker's
//! `FlowId`), never inside `flow::Flow`: most connections are never followed, and the
//! viewer reassembles lazily only the flow it shows.

mod conversation;
mod half;
pub mod http;
pub mod text;
mod transcript;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::hash::Hash;

pub use conversation::Conversation;
pub use transcript::Transcript;

use crate::model::TcpSegment;

/// Default `--max-reassembly`: bytes held out of order (and, in the viewer, kept for display)
/// per connection and in total.
pub const DEFAULT_MAX_REASSEMBLY: u64 = 64 << 20;

/// The two ends of a connection, numbered as tshark's `follow` numbers them: node 0 sent the
/// first segment seen (the client when the capture has the SYN), node 1 is the other end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Node0,
    Node1,
}

impl Side {
    pub fn index(self) -> usize {
        match self {
            Side::Node0 => 0,
            Side::Node1 => 1,
        }
    }
    pub fn other(self) -> Side {
        match self {
            Side::Node0 => Side::Node1,
            Side::Node1 => Side::Node0,
        }
    }
    pub fn from_index(i: usize) -> Side {
        if i == 0 { Side::Node0 } else { Side::Node1 }
    }
}

/// Why a stretch of a stream has no bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapKind {
    /// Segments the capture does not have (lost before the capture point, or the capture
    /// started or ended in the middle). Declared when the peer acknowledges past it, when the
    /// memory limit forces it, or when the capture ends with later bytes waiting.
    Missing,
    /// The segment was seen but the capture cut its bytes (snapshot length).
    NotCaptured,
}

/// What one stretch of a stream holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Data(Vec<u8>),
    Gap { len: u64, kind: GapKind },
}

/// One delivered piece of one direction, in the order the stream is rebuilt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub side: Side,
    /// The frame that carried these bytes (for a gap: the frame whose arrival declared it).
    pub frame: u64,
    pub ts_ns: i64,
    /// Stream offset of the first byte (0 = the byte after the SYN, or the first byte seen).
    pub offset: u64,
    pub piece: Piece,
}

impl Chunk {
    /// Stream bytes this chunk covers (data or gap).
    pub fn len(&self) -> u64 {
        match &self.piece {
            Piece::Data(d) => d.len() as u64,
            Piece::Gap { len, .. } => *len,
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn data(&self) -> Option<&[u8]> {
        match &self.piece {
            Piece::Data(d) => Some(d),
            Piece::Gap { .. } => None,
        }
    }
}

/// Memory limits, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Out-of-order bytes one connection may hold (both directions); beyond it the lowest
    /// gap is declared missing and what follows it delivered.
    pub per_conn: u64,
    /// Out-of-order bytes all connections of a [`Reassembler`] may hold together.
    pub total: u64,
}

impl Limits {
    /// The same limit per connection and in total (what `--max-reassembly` sets).
    pub fn uniform(bytes: u64) -> Limits {
        Limits {
            per_conn: bytes,
            total: bytes,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::uniform(DEFAULT_MAX_REASSEMBLY)
    }
}

/// What reassembly did with the bytes it was given, per direction (index = [`Side::index`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Payload bytes delivered in the stream.
    pub delivered: [u64; 2],
    /// Bytes that arrived before bytes in front of them (held, then put in place).
    pub out_of_order: [u64; 2],
    /// Bytes that repeated bytes already seen (retransmissions, overlaps): the first copy won.
    pub duplicate: [u64; 2],
    /// Stream bytes marked missing (no segment in the capture carried them).
    pub missing: [u64; 2],
    /// Stream bytes whose segment was seen but whose bytes the capture cut.
    pub not_captured: [u64; 2],
    /// Bytes that arrived after their place had been declared a gap (dropped).
    pub late: [u64; 2],
    /// Gaps declared early because the memory limit was reached (their bytes, when they
    /// arrive later, are counted in `late`).
    pub forced_gaps: [u64; 2],
    /// Bytes before the start of the stream (before the SYN, or before the first byte seen).
    pub before_start: [u64; 2],
    /// Out-of-order bytes never placed: the capture ended before the gap in front of them
    /// could be declared (only with [`Conversation::discard_pending`]).
    pub discarded: [u64; 2],
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        for i in 0..2 {
            self.delivered[i] += o.delivered[i];
            self.out_of_order[i] += o.out_of_order[i];
            self.duplicate[i] += o.duplicate[i];
            self.missing[i] += o.missing[i];
            self.not_captured[i] += o.not_captured[i];
            self.late[i] += o.late[i];
            self.forced_gaps[i] += o.forced_gaps[i];
            self.before_start[i] += o.before_start[i];
            self.discarded[i] += o.discarded[i];
        }
    }
}

/// The side map: one [`Conversation`] per connection key, with a total memory bound.
/// Connections are added when first fed; [`Reassembler::remove`] ends one (its pending bytes
/// are flushed as gaps + data).
pub struct Reassembler<K> {
    conns: HashMap<K, Conversation>,
    limits: Limits,
    held: u64,
    peak_held: u64,
}

impl<K: Hash + Eq + Clone> Reassembler<K> {
    pub fn new(limits: Limits) -> Self {
        Reassembler {
            conns: HashMap::new(),
            limits,
            held: 0,
            peak_held: 0,
        }
    }

    /// Feeds one segment of connection `key`; delivered chunks are appended to `out`.
    pub fn segment(
        &mut self,
        key: &K,
        frame: u64,
        ts_ns: i64,
        seg: &TcpSegment,
        payload: &[u8],
        out: &mut Vec<Chunk>,
    ) {
        let limits = self.limits;
        let conv = self
            .conns
            .entry(key.clone())
            .or_insert_with(|| Conversation::new(limits.per_conn));
        let before = conv.held();
        conv.segment(frame, ts_ns, seg, payload, out);
        let after = conv.held();
        self.held = self.held.saturating_sub(before).saturating_add(after);
        if self.held > limits.total {
            // Over the total: this connection gives up what it holds (gaps declared), so the
            // sum stays bounded whatever the number of connections.
            let before = conv.held();
            conv.force_flush(frame, ts_ns, out);
            self.held = self.held.saturating_sub(before);
        }
        self.peak_held = self.peak_held.max(self.held);
    }

    pub fn get(&self, key: &K) -> Option<&Conversation> {
        self.conns.get(key)
    }

    /// Ends connection `key`: flushes what it holds into `out` and forgets it.
    pub fn remove(&mut self, key: &K, out: &mut Vec<Chunk>) -> Option<Conversation> {
        let mut conv = self.conns.remove(key)?;
        self.held = self.held.saturating_sub(conv.held());
        conv.finish(out);
        Some(conv)
    }

    /// Out-of-order bytes held now, over all connections.
    pub fn held(&self) -> u64 {
        self.held
    }
    pub fn peak_held(&self) -> u64 {
        self.peak_held
    }
    pub fn len(&self) -> usize {
        self.conns.len()
    }
    pub fn is_empty(&self) -> bool {
        self.conns.is_empty()
    }
}
