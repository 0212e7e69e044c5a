//! One direction of a connection: where the stream is (the next expected sequence number and
//! its stream offset) and the segments held because they came before the bytes in front of
//! them. Held ranges never overlap: a byte already held or delivered is never replaced.

use std::collections::{BTreeMap, VecDeque};

use super::{Chunk, GapKind, Piece, Side, Stats};
use crate::model::SeqNum;

/// A held segment (or the part of it not already held): `len` stream bytes starting at its
/// key, of which the first `data.len()` were captured.
#[derive(Debug)]
struct Held {
    frame: u64,
    ts_ns: i64,
    len: u64,
    data: Vec<u8>,
}

#[derive(Debug)]
pub(super) struct Half {
    side: Side,
    /// The next expected sequence number and the stream offset it stands for; `None` until
    /// the SYN or the first byte.
    next: Option<(SeqNum, u64)>,
    held: BTreeMap<u64, Held>,
    held_bytes: u64,
    /// The latest gaps declared missing (start, end), to tell late bytes from duplicates.
    gaps: VecDeque<(u64, u64)>,
}

/// How many declared gaps are remembered for counting late bytes.
const MAX_GAPS_KEPT: usize = 64;

impl Half {
    pub(super) fn new(side: Side) -> Half {
        Half {
            side,
            next: None,
            held: BTreeMap::new(),
            held_bytes: 0,
            gaps: VecDeque::new(),
        }
    }

    /// Captured bytes held out of order.
    pub(super) fn held_bytes(&self) -> u64 {
        self.held_bytes
    }

    pub(super) fn started(&self) -> bool {
        self.next.is_some()
    }

    /// The stream starts at `seq` (the byte after a SYN), unless it already started.
    pub(super) fn start_at(&mut self, seq: SeqNum) {
        if self.next.is_none() {
            self.next = Some((seq, 0));
        }
    }

    /// Stream offset of `seq`, relative to the next expected byte (negative: before the start).
    fn offset_of(&self, seq: SeqNum) -> Option<i64> {
        let (next_seq, next_off) = self.next?;
        Some(next_off as i64 + i64::from(seq.diff(next_seq)))
    }

    fn next_off(&self) -> u64 {
        self.next.map_or(0, |(_, o)| o)
    }

    fn advance(&mut self, n: u64) {
        if let Some((s, o)) = self.next.as_mut() {
            // Sequence numbers wrap at 2^32; the offset does not.
            *s = s.add(n as u32);
            *o += n;
        }
    }

    /// One segment's payload: `len` stream bytes at `seq`, `data` the captured prefix.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn data(
        &mut self,
        frame: u64,
        ts_ns: i64,
        seq: SeqNum,
        len: u64,
        data: &[u8],
        stats: &mut Stats,
        out: &mut Vec<Chunk>,
    ) {
        if len == 0 {
            return;
        }
        self.start_at(seq);
        let Some(start) = self.offset_of(seq) else {
            return;
        };
        let end = start + len as i64;
        let next = self.next_off() as i64;
        // What lies before the next expected byte was delivered, declared missing, or is
        // before the stream's start: the first copy (or the gap) stands.
        let skip = (next.min(end) - start).max(0) as u64;
        if skip > 0 {
            self.count_stale(start, start + skip as i64, stats);
        }
        if end <= next {
            return;
        }
        let start = start.max(next) as u64;
        let len = len - skip;
        let data = data.get(skip as usize..).unwrap_or(&[]);
        let data = &data[..data.len().min(len as usize)];
        self.hold(frame, ts_ns, start, len, data, stats);
        self.drain(stats, out);
    }

    /// Counts the stream range `[from, to)` (below the next expected byte) that arrived again:
    /// before the start, inside a declared gap (late), or a duplicate.
    fn count_stale(&self, from: i64, to: i64, stats: &mut Stats) {
        let i = self.side.index();
        let total = (to - from).max(0) as u64;
        let before = (to.min(0) - from).max(0) as u64;
        let mut late = 0u64;
        for &(gs, ge) in &self.gaps {
            let (s, e) = ((gs as i64).max(from), (ge as i64).min(to));
            if e > s {
                late += (e - s) as u64;
            }
        }
        let late = late.min(total - before);
        stats.before_start[i] += before;
        stats.late[i] += late;
        stats.duplicate[i] += total - before - late;
    }

    /// Emits `len` stream bytes at the current position (`data` captured, the rest cut).
    fn deliver(
        &mut self,
        frame: u64,
        ts_ns: i64,
        len: u64,
        data: Vec<u8>,
        stats: &mut Stats,
        out: &mut Vec<Chunk>,
    ) {
        let i = self.side.index();
        let offset = self.next_off();
        let have = data.len() as u64;
        if have > 0 {
            stats.delivered[i] += have;
            out.push(Chunk {
                side: self.side,
                frame,
                ts_ns,
                offset,
                piece: Piece::Data(data),
            });
        }
        if len > have {
            stats.not_captured[i] += len - have;
            out.push(Chunk {
                side: self.side,
                frame,
                ts_ns,
                offset: offset + have,
                piece: Piece::Gap {
                    len: len - have,
                    kind: GapKind::NotCaptured,
                },
            });
        }
        self.advance(len);
    }

    /// Delivers held segments that now continue the stream.
    fn drain(&mut self, stats: &mut Stats, out: &mut Vec<Chunk>) {
        let i = self.side.index();
        while let Some(start) = self.held.keys().next().copied() {
            let next = self.next_off();
            if start > next {
                break;
            }
            let Some(mut h) = self.held.remove(&start) else {
                break;
            };
            self.held_bytes -= h.data.len() as u64;
            let skip = next - start;
            // Held ranges start at or after the next byte; a defensive trim all the same.
            if skip >= h.len {
                stats.duplicate[i] += h.len;
                continue;
            }
            stats.duplicate[i] += skip;
            let cut = (skip as usize).min(h.data.len());
            h.data.drain(..cut);
            self.deliver(h.frame, h.ts_ns, h.len - skip, h.data, stats, out);
        }
    }

    /// Keeps the parts of `[start, start+len)` not already held (the first copy wins).
    fn hold(
        &mut self,
        frame: u64,
        ts_ns: i64,
        start: u64,
        len: u64,
        data: &[u8],
        stats: &mut Stats,
    ) {
        let i = self.side.index();
        let end = start + len;
        // Ranges already held that touch [start, end), in order.
        let mut covered: Vec<(u64, u64)> = Vec::new();
        if let Some((&s, h)) = self.held.range(..start).next_back()
            && s + h.len > start
        {
            covered.push((s, s + h.len));
        }
        for (&s, h) in self.held.range(start..end) {
            covered.push((s, s + h.len));
        }
        let mut at = start;
        let mut pieces: Vec<(u64, u64)> = Vec::new();
        for (s, e) in covered {
            if s > at {
                pieces.push((at, s.min(end)));
            }
            at = at.max(e);
            if at >= end {
                break;
            }
        }
        if at < end {
            pieces.push((at, end));
        }
        let kept: u64 = pieces.iter().map(|(s, e)| e - s).sum();
        stats.duplicate[i] += len - kept;
        if start > self.next_off() {
            stats.out_of_order[i] += kept;
        }
        for (s, e) in pieces {
            let from = ((s - start) as usize).min(data.len());
            let to = ((e - start) as usize).min(data.len());
            let bytes = data.get(from..to).unwrap_or(&[]).to_vec();
            self.held_bytes += bytes.len() as u64;
            self.held.insert(
                s,
                Held {
                    frame,
                    ts_ns,
                    len: e - s,
                    data: bytes,
                },
            );
        }
    }

    /// The peer acknowledged up to `ack`: bytes before it that the capture does not have are
    /// declared missing when held bytes wait beyond them (as Wireshark's follow does).
    pub(super) fn acked(
        &mut self,
        frame: u64,
        ts_ns: i64,
        ack: SeqNum,
        stats: &mut Stats,
        out: &mut Vec<Chunk>,
    ) {
        loop {
            let Some(lowest) = self.held.keys().next().copied() else {
                return;
            };
            let Some(acked) = self.offset_of(ack) else {
                return;
            };
            if acked <= lowest as i64 {
                return;
            }
            let before = out.len();
            self.gap_to(frame, ts_ns, lowest, stats, out);
            self.drain(stats, out);
            if out.len() == before {
                return;
            }
        }
    }

    /// Declares the gap in front of the lowest held segment and delivers what follows it.
    /// Returns whether anything was held.
    pub(super) fn skip_gap(
        &mut self,
        frame: u64,
        ts_ns: i64,
        stats: &mut Stats,
        out: &mut Vec<Chunk>,
    ) -> bool {
        let Some(lowest) = self.held.keys().next().copied() else {
            return false;
        };
        self.gap_to(frame, ts_ns, lowest, stats, out);
        self.drain(stats, out);
        true
    }

    fn gap_to(&mut self, frame: u64, ts_ns: i64, to: u64, stats: &mut Stats, out: &mut Vec<Chunk>) {
        let next = self.next_off();
        if to <= next {
            return;
        }
        let len = to - next;
        stats.missing[self.side.index()] += len;
        if self.gaps.len() == MAX_GAPS_KEPT {
            self.gaps.pop_front();
        }
        self.gaps.push_back((next, to));
        out.push(Chunk {
            side: self.side,
            frame,
            ts_ns,
            offset: next,
            piece: Piece::Gap {
                len,
                kind: GapKind::Missing,
            },
        });
        self.advance(len);
    }

    /// Drops what is held (counted as discarded).
    pub(super) fn discard(&mut self, stats: &mut Stats) {
        let i = self.side.index();
        for h in std::mem::take(&mut self.held).into_values() {
            stats.discarded[i] += h.len;
        }
        self.held_bytes = 0;
    }
}
