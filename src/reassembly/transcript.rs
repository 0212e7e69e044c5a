//! A kept copy of one connection's reassembled conversation (chunks of both directions in the
//! order they were completed), bounded: past the limit, data chunks are counted, not kept.
//! What the viewer's Follow screen shows and `synack follow --format json` could print.

use std::net::SocketAddr;

use super::{Chunk, Conversation, Piece, Side, Stats};
use crate::model::TcpSegment;

/// Bookkeeping bytes charged per chunk kept, so that a flood of one-byte segments is bounded
/// too.
const CHUNK_OVERHEAD: u64 = 64;

#[derive(Debug, Default)]
pub struct Transcript {
    pub nodes: [Option<SocketAddr>; 2],
    pub chunks: Vec<Chunk>,
    /// What reassembly counted (set by [`Transcript::finish`]).
    pub stats: Stats,
    /// Data bytes per direction delivered but not kept (over the limit).
    pub dropped: [u64; 2],
    cap: u64,
    kept: u64,
}

impl Transcript {
    /// An empty transcript that keeps at most about `cap` bytes.
    pub fn new(cap: u64) -> Transcript {
        Transcript {
            cap,
            ..Transcript::default()
        }
    }

    /// Keeps `chunk` if it fits under the limit; otherwise counts it in `dropped`.
    pub fn push(&mut self, chunk: Chunk) {
        let cost = CHUNK_OVERHEAD
            + match &chunk.piece {
                Piece::Data(d) => d.len() as u64,
                Piece::Gap { .. } => 0,
            };
        if self.kept + cost > self.cap {
            if let Piece::Data(d) = &chunk.piece {
                self.dropped[chunk.side.index()] += d.len() as u64;
            }
            return;
        }
        self.kept += cost;
        self.chunks.push(chunk);
    }

    /// Takes the conversation's ends and counters once its segments are all fed.
    pub fn finish(&mut self, conv: &Conversation) {
        self.nodes = conv.nodes();
        self.stats = *conv.stats();
    }

    /// Reassembles a whole connection from its segments (frame number, timestamp, segment,
    /// captured payload), keeping at most `cap` bytes.
    pub fn from_segments<'a, I>(cap: u64, segments: I) -> Transcript
    where
        I: IntoIterator<Item = (u64, i64, TcpSegment, &'a [u8])>,
    {
        let mut conv = Conversation::new(cap);
        let mut t = Transcript::new(cap);
        let mut out = Vec::new();
        for (frame, ts, seg, payload) in segments {
            conv.segment(frame, ts, &seg, payload, &mut out);
            for c in out.drain(..) {
                t.push(c);
            }
        }
        conv.finish(&mut out);
        for c in out.drain(..) {
            t.push(c);
        }
        t.finish(&conv);
        t
    }

    /// The delivered bytes of one direction, gaps left out.
    pub fn bytes(&self, side: Side) -> Vec<u8> {
        let mut v = Vec::new();
        for c in self.chunks.iter().filter(|c| c.side == side) {
            if let Piece::Data(d) = &c.piece {
                v.extend_from_slice(d);
            }
        }
        v
    }

    /// Bytes kept (data plus bookkeeping), for tests of the bound.
    pub fn kept(&self) -> u64 {
        self.kept
    }
}
