//! A display filter applied in the viewer: one pass over the released packets, in capture
//! order, that remembers which packets match (the packet list's rows) or which flows have a
//! matching packet (the flows list). The pass is incremental — [`FilterPass::scan`] examines
//! at most a given number of packets and returns — so a 2-million-packet file is filtered a
//! slice at a time between frames, and packets that arrive later (live capture, paced
//! replay) are examined as they are released. Memory: 4 bytes per matching packet (frame
//! numbers as `u32` offsets from a base), one bit per flow. The flow tracker and the ladders
//! still see every packet; a filter only narrows what is listed. Depends on `filter`, `flow`
//! and the app's store.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::filter::{Filter, PacketCtx};
use crate::flow::{FlowTracker, PacketAnalysis};

use super::store::{PacketStore, RawPacket, ReadAhead};

/// What a pass narrows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The packet list: packets that match.
    Packets,
    /// The flows list: flows with at least one matching packet (`flow.*` fields read the
    /// flow itself, so `flow.handshake == "refused"` picks whole connections).
    Flows,
}

/// One display filter being applied (see the module docs).
#[derive(Debug)]
pub struct FilterPass {
    filter: Arc<Filter>,
    target: Target,
    /// 0-based frame number of the next packet to examine.
    next: u64,
    /// Where the pass started (for its progress).
    start: u64,
    /// Matching packets: 0-based frame numbers minus `base`, ascending.
    rows: VecDeque<u32>,
    base: u64,
    /// Flows with a matching packet: one bit per flow id.
    flows: Vec<u64>,
    flow_count: usize,
    /// The flow set changed since [`FilterPass::take_flows_changed`] was last called.
    flows_changed: bool,
}

impl FilterPass {
    /// A pass of `filter` over `target`, starting at the oldest kept packet of `store`.
    pub fn new(filter: Arc<Filter>, target: Target, store: &PacketStore) -> FilterPass {
        let start = store.evicted();
        FilterPass {
            filter,
            target,
            next: start,
            start,
            rows: VecDeque::new(),
            base: start,
            flows: Vec::new(),
            flow_count: 0,
            flows_changed: true,
        }
    }

    pub fn filter(&self) -> &Arc<Filter> {
        &self.filter
    }

    pub fn target(&self) -> Target {
        self.target
    }

    /// Frames examined so far, counted from the capture's start (the next one's number).
    pub fn examined(&self) -> u64 {
        self.next
    }

    /// Whether packets up to `released` (a count of frames since the capture began) are not
    /// all examined yet.
    pub fn pending(&self, released: u64) -> bool {
        self.next < released
    }

    /// Percentage of the released packets examined, while some are not.
    pub fn progress(&self, released: u64) -> Option<u8> {
        if !self.pending(released) {
            return None;
        }
        let total = released.saturating_sub(self.start).max(1);
        let done = self.next.saturating_sub(self.start);
        u8::try_from(u128::from(done) * 100 / u128::from(total)).ok()
    }

    /// Examines at most `budget` released packets (the first `released` frames since the
    /// capture began); returns how many it examined. `scratch` holds spooled bytes.
    pub fn scan(
        &mut self,
        store: &PacketStore,
        tracker: &FlowTracker,
        released: u64,
        budget: usize,
        scratch: &mut ReadAhead,
    ) -> usize {
        let evicted = store.evicted();
        self.next = self.next.max(evicted);
        let end = released.min(self.next.saturating_add(budget as u64));
        let first_ts = store.first_ts().unwrap_or_default();
        let mut examined = 0;
        while self.next < end {
            let number = self.next;
            self.next += 1;
            examined += 1;
            let Some(pos) = usize::try_from(number - evicted).ok() else {
                continue;
            };
            let Some(p) = store.raw(pos, scratch) else {
                continue;
            };
            let analysis = if self.filter.uses_analysis() {
                store.analysis_of(number)
            } else {
                None
            };
            if !self
                .filter
                .matches(&packet_ctx(&p, first_ts, tracker, analysis))
            {
                continue;
            }
            match self.target {
                Target::Packets => self.push_row(number),
                Target::Flows => {
                    if let Some(id) = p.flow {
                        self.set_flow(id);
                    }
                }
            }
        }
        examined
    }

    fn push_row(&mut self, number: u64) {
        let mut offset = number.saturating_sub(self.base);
        if offset > u64::from(u32::MAX) {
            // Four billion packets later: move the base up to the oldest row kept.
            let front = self
                .rows
                .front()
                .map_or(number, |&r| self.base + u64::from(r));
            let shift = front.saturating_sub(self.base);
            for r in &mut self.rows {
                *r = r.saturating_sub(u32::try_from(shift).unwrap_or(u32::MAX));
            }
            self.base = front;
            offset = number.saturating_sub(self.base);
        }
        if let Ok(o) = u32::try_from(offset) {
            self.rows.push_back(o);
        }
    }

    fn set_flow(&mut self, id: u32) {
        let (word, bit) = ((id / 64) as usize, id % 64);
        if self.flows.len() <= word {
            self.flows.resize(word + 1, 0);
        }
        if let Some(w) = self.flows.get_mut(word)
            && *w & (1 << bit) == 0
        {
            *w |= 1 << bit;
            self.flow_count += 1;
            self.flows_changed = true;
        }
    }

    /// Matching packets found so far (the filtered list's length).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The 0-based frame number listed at `row`.
    pub fn number(&self, row: usize) -> Option<u64> {
        self.rows.get(row).map(|&r| self.base + u64::from(r))
    }

    /// The row of 0-based frame number `number`: `Ok(row)` when it matches, else
    /// `Err(row)` of the first matching packet after it.
    pub fn row_of(&self, number: u64) -> Result<usize, usize> {
        let Some(offset) = number.checked_sub(self.base) else {
            return Err(0);
        };
        let Ok(offset) = u32::try_from(offset) else {
            return Err(self.rows.len());
        };
        self.rows.binary_search(&offset)
    }

    /// Forgets rows of packets the store evicted (every frame before `evicted`); returns
    /// how many rows went.
    pub fn drop_evicted(&mut self, evicted: u64) -> usize {
        let mut gone = 0;
        while self
            .rows
            .front()
            .is_some_and(|&r| self.base + u64::from(r) < evicted)
        {
            self.rows.pop_front();
            gone += 1;
        }
        gone
    }

    /// A paced replay went back to `released` frames: the packets after it are examined
    /// again when released again. (Flow ids restart with the rebuilt tracker, so a flows
    /// pass starts over.)
    pub fn truncate(&mut self, released: u64, evicted: u64) {
        match self.target {
            Target::Packets => {
                while self
                    .rows
                    .back()
                    .is_some_and(|&r| self.base + u64::from(r) >= released)
                {
                    self.rows.pop_back();
                }
                self.next = self.next.min(released);
            }
            Target::Flows => {
                self.flows.clear();
                self.flow_count = 0;
                self.flows_changed = true;
                self.next = evicted;
                self.start = evicted;
            }
        }
    }

    /// Whether flow `id` has a matching packet.
    pub fn has_flow(&self, id: u32) -> bool {
        self.flows
            .get((id / 64) as usize)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    /// Flows with a matching packet.
    pub fn flow_count(&self) -> usize {
        self.flow_count
    }

    /// The flow set, one bit per flow id.
    pub fn flow_bits(&self) -> &[u64] {
        &self.flows
    }

    /// Whether the flow set changed since the last call.
    pub fn take_flows_changed(&mut self) -> bool {
        std::mem::take(&mut self.flows_changed)
    }

    /// Bytes the result takes (for the memory budget: ≤ 4 per packet).
    pub fn result_bytes(&self) -> usize {
        self.rows.capacity() * 4 + self.flows.capacity() * 8
    }
}

/// What a display filter reads of a stored packet (its bytes, times, lengths and the
/// connection it belongs to), for a pass over many packets: the filter pass and `Ctrl-F`.
pub(crate) fn packet_ctx<'a>(
    p: &RawPacket<'a>,
    first_ts: i64,
    tracker: &'a FlowTracker,
    analysis: Option<&'a PacketAnalysis>,
) -> PacketCtx<'a> {
    let flow = p.flow.and_then(|id| tracker.get(id));
    PacketCtx {
        number: p.number.saturating_add(1),
        ts_ns: p.ts_ns,
        first_ts_ns: first_ts,
        wire_len: p.len,
        link: p.link,
        data: p.data,
        flow,
        conn: flow,
        layout: None,
        analysis,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Frame, LinkType};

    fn store(n: usize) -> PacketStore {
        let mut s = PacketStore::new();
        for i in 0..n {
            s.push(&Frame::new(
                i as i64,
                60 + (i % 3) as u32,
                LinkType::ETHERNET,
                vec![0; 60 + i % 3],
            ));
        }
        s
    }

    #[test]
    fn a_pass_runs_in_slices_and_finds_the_same_rows() {
        let s = store(100);
        let tracker = FlowTracker::new(10);
        let f = Arc::new(Filter::compile("frame.len == 61").unwrap());
        let mut whole = FilterPass::new(Arc::clone(&f), Target::Packets, &s);
        assert_eq!(whole.progress(100), Some(0));
        whole.scan(&s, &tracker, 100, usize::MAX, &mut ReadAhead::new());
        let mut sliced = FilterPass::new(f, Target::Packets, &s);
        let mut steps = 0;
        while sliced.pending(100) {
            assert_eq!(
                sliced.scan(&s, &tracker, 100, 7, &mut ReadAhead::new()),
                7.min(100 - steps * 7)
            );
            steps += 1;
        }
        assert_eq!(steps, 15);
        assert_eq!(whole.len(), 33);
        assert_eq!(sliced.rows, whole.rows);
        assert_eq!(whole.number(0), Some(1));
        assert_eq!(whole.row_of(4), Ok(1));
        assert_eq!(whole.row_of(5), Err(2));
        assert_eq!(whole.progress(100), None);
        assert!(whole.result_bytes() <= 100 * 4);
        // Only released packets are examined.
        let mut early = FilterPass::new(
            Arc::new(Filter::compile("frame").unwrap()),
            Target::Packets,
            &s,
        );
        early.scan(&s, &tracker, 10, usize::MAX, &mut ReadAhead::new());
        assert_eq!(
            (early.len(), early.pending(10), early.pending(11)),
            (10, false, true)
        );
        early.truncate(4, 0);
        assert_eq!((early.len(), early.next), (4, 4));
        assert_eq!(early.drop_evicted(2), 2);
        assert_eq!(early.number(0), Some(2));
    }
}
