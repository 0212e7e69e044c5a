//! The flow table: maps each segment to its connection the way Wireshark numbers `tcp.stream`
//! (unordered 4-tuple; a bare SYN with a new ISN on a known 4-tuple starts a new flow), keeps
//! at most `max_flows` flows and evicts the least recently active one when full. Flows live in
//! a slab with an intrusive LRU list, so `observe` allocates nothing for known flows. Memory
//! per connection is kept small (issue 10, `tests/flow_memory.rs`): each flow is boxed (the
//! slab's growth slack costs a pointer, not a whole flow), the 4-tuple index stores only a
//! slot number (the key is the flow's own endpoints) and the slab links are 32-bit.
//! Depends on `model` and the sibling `conn` and `ladder` modules.

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::net::SocketAddr;

use hashbrown::HashTable;

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

/// Slot numbers are 32-bit: `max_flows` is far below 2^32 slots in any memory.
type SlotNo = u32;
const NIL: SlotNo = SlotNo::MAX;

struct Slot {
    flow: Option<Box<Flow>>,
    /// Towards the most recently active.
    newer: SlotNo,
    /// Towards the least recently active.
    older: SlotNo,
}

/// The 4-tuple a slot's flow is indexed under.
fn slot_key(slots: &[Slot], slot: SlotNo) -> Option<FlowKey> {
    let flow = slots.get(slot as usize)?.flow.as_ref()?;
    Some(FlowKey::new(flow.client(), flow.server()))
}

/// Bounded TCP connection tracker on capture timestamps.
pub struct FlowTracker {
    max_flows: usize,
    slots: Vec<Slot>,
    free: Vec<SlotNo>,
    /// The current flow of each 4-tuple, by slot number (hashed by the slot's flow's key).
    by_key: HashTable<SlotNo>,
    /// Seeded per process (keys come from packets); foldhash is several times faster than
    /// SipHash on a 4-tuple.
    hasher: foldhash::fast::RandomState,
    by_id: BTreeMap<FlowId, SlotNo>,
    /// Most / least recently active slot.
    newest: SlotNo,
    oldest: SlotNo,
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
            by_key: HashTable::new(),
            hasher: Default::default(),
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
        if let Some(slot) = self.slot_of(key) {
            let known = self
                .slots
                .get_mut(slot as usize)
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
        let reused_ports = self.slot_of(key).is_some();
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
            flow: Some(Box::new(flow)),
            newer: NIL,
            older: NIL,
        };
        let index = match self.free.pop() {
            Some(index) if (index as usize) < self.slots.len() => {
                if let Some(s) = self.slots.get_mut(index as usize) {
                    *s = slot;
                }
                index
            }
            _ => {
                self.slots.push(slot);
                SlotNo::try_from(self.slots.len() - 1).unwrap_or(NIL)
            }
        };
        self.index_key(key, index);
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

    fn hash_key(&self, key: FlowKey) -> u64 {
        self.hasher.hash_one(key)
    }

    /// The slot of the current flow between the key's endpoints.
    fn slot_of(&self, key: FlowKey) -> Option<SlotNo> {
        let slots = &self.slots;
        self.by_key
            .find(self.hash_key(key), |&s| slot_key(slots, s) == Some(key))
            .copied()
    }

    /// Makes `index` (whose flow has endpoints `key`) the current flow of that 4-tuple.
    fn index_key(&mut self, key: FlowKey, index: SlotNo) {
        let hash = self.hash_key(key);
        let slots = &self.slots;
        match self
            .by_key
            .find_entry(hash, |&s| s != index && slot_key(slots, s) == Some(key))
        {
            Ok(mut entry) => *entry.get_mut() = index,
            Err(_) => {
                let hasher = &self.hasher;
                self.by_key.insert_unique(hash, index, |&s| {
                    slot_key(slots, s).map_or(0, |k| hasher.hash_one(k))
                });
            }
        }
    }

    fn evict(&mut self, index: SlotNo) {
        self.unlink(index);
        let Some(flow) = self
            .slots
            .get_mut(index as usize)
            .and_then(|slot| slot.flow.take())
        else {
            return;
        };
        // Unindex the 4-tuple if this flow is still its current one (a newer stream on the
        // same ports may have taken it over).
        let hash = self.hash_key(FlowKey::new(flow.client(), flow.server()));
        if let Ok(entry) = self.by_key.find_entry(hash, |&s| s == index) {
            entry.remove();
        }
        self.by_id.remove(&flow.id);
        self.evicted = self.evicted.saturating_add(1);
        if let Some(out) = self.evicted_out.as_mut() {
            let mut flow = *flow;
            flow.finished = true;
            out.push(flow);
        }
        self.free.push(index);
    }

    fn slot_mut(&mut self, index: SlotNo) -> Option<&mut Slot> {
        self.slots.get_mut(index as usize)
    }

    fn unlink(&mut self, index: SlotNo) {
        let Some((newer, older)) = self.slots.get(index as usize).map(|s| (s.newer, s.older))
        else {
            return;
        };
        match self.slot_mut(newer) {
            Some(s) => s.older = older,
            None => self.newest = older,
        }
        match self.slot_mut(older) {
            Some(s) => s.newer = newer,
            None => self.oldest = newer,
        }
        if let Some(s) = self.slot_mut(index) {
            s.newer = NIL;
            s.older = NIL;
        }
    }

    fn link_newest(&mut self, index: SlotNo) {
        let previous = self.newest;
        if let Some(s) = self.slot_mut(index) {
            s.newer = NIL;
            s.older = previous;
        }
        match self.slot_mut(previous) {
            Some(s) => s.newer = index,
            None => self.oldest = index,
        }
        self.newest = index;
    }

    fn touch(&mut self, index: SlotNo) {
        if self.newest != index {
            self.unlink(index);
            self.link_newest(index);
        }
    }

    /// Retained flows in id order.
    pub fn flows(&self) -> impl Iterator<Item = &Flow> {
        self.by_id.values().filter_map(|&slot| {
            self.slots
                .get(slot as usize)
                .and_then(|s| s.flow.as_deref())
        })
    }

    pub fn get(&self, id: FlowId) -> Option<&Flow> {
        let slot = *self.by_id.get(&id)?;
        self.slots.get(slot as usize)?.flow.as_deref()
    }

    /// The current flow between two endpoints (either order), if retained.
    pub fn lookup(&self, a: SocketAddr, b: SocketAddr) -> Option<FlowId> {
        let slot = self.slot_of(FlowKey::new(a, b))?;
        self.slots.get(slot as usize)?.flow.as_ref().map(|f| f.id)
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
            let slot = &self.slots[cursor as usize];
            assert_eq!(slot.newer, previous);
            let flow = slot.flow.as_ref().expect("linked slot holds a flow");
            assert_eq!(self.by_id.get(&flow.id), Some(&cursor));
            previous = cursor;
            cursor = slot.older;
            seen += 1;
        }
        assert_eq!(previous, self.oldest);
        assert_eq!(seen, self.by_id.len());
        for &slot in &self.by_key {
            let key = slot_key(&self.slots, slot).expect("an indexed slot holds a flow");
            assert_eq!(self.slot_of(key), Some(slot), "each 4-tuple indexed once");
        }
    }
}
