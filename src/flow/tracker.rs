//! The flow table: maps each segment to its connection the way Wireshark numbers `tcp.stream`
//! (unordered 4-tuple; a bare SYN with a new ISN on a known 4-tuple starts a new flow), keeps
//! at most `max_flows` flows and evicts the least recently active one when full. Flows live in
//! a slab with an intrusive LRU list, so `observe` allocates nothing for known flows.
//! Depends on `model` and the sibling `conn` and `ladder` modules.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;

use crate::model::{TcpSegment, TimestampNs};

use super::analysis::PacketAnalysis;
use super::conn::{Flow, FlowId, plain};
use super::ladder::{Direction, EventKind};

/// What one segment did to the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The flow the segment belongs to.
    pub flow: FlowId,
    pub direction: Direction,
    /// The segment started this flow.
    pub new_flow: bool,
    /// The handshake / teardown event it caused, if any.
    pub event: Option<EventKind>,
    /// Index of that event in the flow's `ladder`, when it was kept.
    pub ladder_index: Option<usize>,
    /// Wireshark's sequence analysis of the segment (`tcp.analysis.*`).
    pub analysis: PacketAnalysis,
}

/// Unordered pair of endpoints (the smaller first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct FlowKey(SocketAddr, SocketAddr);

impl FlowKey {
    fn new(a: SocketAddr, b: SocketAddr) -> FlowKey {
        let (a, b) = (plain(a), plain(b));
        if a <= b { FlowKey(a, b) } else { FlowKey(b, a) }
    }
}

const NIL: usize = usize::MAX;

struct Slot {
    flow: Option<Flow>,
    key: FlowKey,
    /// Towards the most recently active.
    newer: usize,
    /// Towards the least recently active.
    older: usize,
}

/// Bounded TCP connection tracker on capture timestamps.
pub struct FlowTracker {
    max_flows: usize,
    slots: Vec<Slot>,
    free: Vec<usize>,
    by_key: HashMap<FlowKey, usize>,
    by_id: BTreeMap<FlowId, usize>,
    /// Most / least recently active slot.
    newest: usize,
    oldest: usize,
    next_id: FlowId,
    evicted: u64,
    finished: bool,
    /// Evicted flows handed out by [`FlowTracker::drain_evicted`] (only when asked for with
    /// [`FlowTracker::keep_evicted`]; otherwise they are dropped and only counted).
    evicted_out: Option<Vec<Flow>>,
}

impl FlowTracker {
    /// A tracker that retains at most `max_flows` flows (at least 1).
    pub fn new(max_flows: usize) -> Self {
        let max_flows = max_flows.max(1);
        FlowTracker {
            max_flows,
            slots: Vec::new(),
            free: Vec::new(),
            by_key: HashMap::new(),
            by_id: BTreeMap::new(),
            newest: NIL,
            oldest: NIL,
            next_id: 0,
            evicted: 0,
            finished: false,
            evicted_out: None,
        }
    }

    /// Keep evicted flows for [`FlowTracker::drain_evicted`] instead of dropping them, so a
    /// streaming consumer (`synack flows`) can still report every connection while memory
    /// stays bounded.
    pub fn keep_evicted(mut self) -> Self {
        self.evicted_out = Some(Vec::new());
        self
    }

    /// Flows evicted since the last call, oldest first, each marked finished (a later segment
    /// of the same connection starts a new flow with a new id).
    pub fn drain_evicted(&mut self) -> Vec<Flow> {
        self.evicted_out
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub fn max_flows(&self) -> usize {
        self.max_flows
    }

    /// Feeds one TCP segment (`packet_no` is the 1-based frame number, `frame_len` the bytes
    /// on the wire). Returns the flow it belongs to and the event it caused.
    pub fn observe(
        &mut self,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
    ) -> Observation {
        let key = FlowKey::new(seg.src, seg.dst);
        if let Some(&slot) = self.by_key.get(&key) {
            let known = self
                .slots
                .get_mut(slot)
                .and_then(|s| s.flow.as_mut())
                .filter(|flow| !flow.starts_new_stream(seg));
            if let Some(flow) = known {
                let id = flow.id;
                let (direction, event, ladder_index, analysis) =
                    flow.update(packet_no, ts_ns, seg, frame_len, false);
                self.touch(slot);
                return Observation {
                    flow: id,
                    direction,
                    new_flow: false,
                    event,
                    ladder_index,
                    analysis,
                };
            }
        }
        self.create(key, packet_no, ts_ns, seg, frame_len)
    }

    fn create(
        &mut self,
        key: FlowKey,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
    ) -> Observation {
        // A bare SYN with a new ISN on a 4-tuple still tracked: Wireshark's "reused ports".
        let reused_ports = self.by_key.contains_key(&key);
        while self.by_id.len() >= self.max_flows && self.oldest != NIL {
            self.evict(self.oldest);
        }
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        if let Some(&stale) = self.by_id.get(&id) {
            // Only after 2^32 flows: the id is reused, the old holder goes.
            self.evict(stale);
        }
        let mut flow = Flow::new(id, packet_no, ts_ns, seg);
        if self.finished {
            flow.finished = true;
        }
        let (direction, event, ladder_index, analysis) =
            flow.update(packet_no, ts_ns, seg, frame_len, reused_ports);
        let slot = Slot {
            flow: Some(flow),
            key,
            newer: NIL,
            older: NIL,
        };
        let index = match self.free.pop() {
            Some(index) if index < self.slots.len() => {
                if let Some(s) = self.slots.get_mut(index) {
                    *s = slot;
                }
                index
            }
            _ => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        };
        self.by_key.insert(key, index);
        self.by_id.insert(id, index);
        self.link_newest(index);
        Observation {
            flow: id,
            direction,
            new_flow: true,
            event,
            ladder_index,
            analysis,
        }
    }

    fn evict(&mut self, index: usize) {
        self.unlink(index);
        let Some(slot) = self.slots.get_mut(index) else {
            return;
        };
        let key = slot.key;
        if let Some(mut flow) = slot.flow.take() {
            self.by_id.remove(&flow.id);
            self.evicted = self.evicted.saturating_add(1);
            if let Some(out) = self.evicted_out.as_mut() {
                flow.finished = true;
                out.push(flow);
            }
        }
        if self.by_key.get(&key) == Some(&index) {
            self.by_key.remove(&key);
        }
        self.free.push(index);
    }

    fn unlink(&mut self, index: usize) {
        let Some((newer, older)) = self.slots.get(index).map(|s| (s.newer, s.older)) else {
            return;
        };
        match self.slots.get_mut(newer) {
            Some(s) => s.older = older,
            None => self.newest = older,
        }
        match self.slots.get_mut(older) {
            Some(s) => s.newer = newer,
            None => self.oldest = newer,
        }
        if let Some(s) = self.slots.get_mut(index) {
            s.newer = NIL;
            s.older = NIL;
        }
    }

    fn link_newest(&mut self, index: usize) {
        let previous = self.newest;
        if let Some(s) = self.slots.get_mut(index) {
            s.newer = NIL;
            s.older = previous;
        }
        match self.slots.get_mut(previous) {
            Some(s) => s.newer = index,
            None => self.oldest = index,
        }
        self.newest = index;
    }

    fn touch(&mut self, index: usize) {
        if self.newest != index {
            self.unlink(index);
            self.link_newest(index);
        }
    }

    /// Retained flows in id order.
    pub fn flows(&self) -> impl Iterator<Item = &Flow> {
        self.by_id
            .values()
            .filter_map(|&slot| self.slots.get(slot).and_then(|s| s.flow.as_ref()))
    }

    pub fn get(&self, id: FlowId) -> Option<&Flow> {
        let slot = *self.by_id.get(&id)?;
        self.slots.get(slot)?.flow.as_ref()
    }

    /// The current flow between two endpoints (either order), if retained.
    pub fn lookup(&self, a: SocketAddr, b: SocketAddr) -> Option<FlowId> {
        let slot = *self.by_key.get(&FlowKey::new(a, b))?;
        self.slots.get(slot)?.flow.as_ref().map(|f| f.id)
    }

    /// Flows dropped to stay within `max_flows`.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Flows retained.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Flows ever created (the next id), counting evicted ones.
    pub fn total_flows(&self) -> u64 {
        self.evicted.saturating_add(self.by_id.len() as u64)
    }

    /// Live capture at capture-clock instant `now_ns`: every SYN unanswered past its
    /// [`Flow::no_response_deadline`] becomes final `no_response`, as at the end of a file.
    /// Returns how many flows changed.
    pub fn settle_unanswered(&mut self, now_ns: TimestampNs, timeout_ns: i64) -> usize {
        let mut changed = 0;
        for flow in self.slots.iter_mut().filter_map(|s| s.flow.as_mut()) {
            if flow
                .no_response_deadline(timeout_ns)
                .is_some_and(|deadline| now_ns >= deadline)
            {
                flow.settle_no_response();
                changed += 1;
            }
        }
        changed
    }

    /// End of input: outcomes such as `no_response` and `incomplete` become final.
    pub fn finish(&mut self) {
        self.finished = true;
        for slot in &mut self.slots {
            if let Some(flow) = slot.flow.as_mut() {
                flow.finished = true;
            }
        }
    }

    /// Internal consistency (for tests): every index agrees with every other.
    #[cfg(test)]
    pub(crate) fn check_invariants(&self) {
        assert!(self.by_id.len() <= self.max_flows);
        assert!(self.by_key.len() <= self.by_id.len());
        let mut seen = 0;
        let mut cursor = self.newest;
        let mut previous = NIL;
        while cursor != NIL {
            let slot = &self.slots[cursor];
            assert_eq!(slot.newer, previous);
            let flow = slot.flow.as_ref().expect("linked slot holds a flow");
            assert_eq!(self.by_id.get(&flow.id), Some(&cursor));
            previous = cursor;
            cursor = slot.older;
            seen += 1;
        }
        assert_eq!(previous, self.oldest);
        assert_eq!(seen, self.by_id.len());
        for (key, &slot) in &self.by_key {
            assert_eq!(&self.slots[slot].key, key);
            assert!(self.slots[slot].flow.is_some());
        }
    }
}
