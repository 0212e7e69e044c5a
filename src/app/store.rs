//! The packet store behind the packet list: one small fixed-size record per packet (time,
//! lengths, link type, where its bytes start in a shared byte arena, the cached fast-path
//! [`Summary`] and an optional flow id) plus one growing `Vec<u8>` arena holding every
//! packet's captured bytes back to back — no allocation per packet. Depends on `model` and
//! `decode` (for [`decode::summarize`]).

use crate::decode::{self, Summary};
use crate::model::{Frame, LinkType, TimestampNs};

/// The fixed-size per-packet record.
#[derive(Clone, Debug)]
struct Record {
    ts_ns: TimestampNs,
    len: u32,
    caplen: u32,
    link: LinkType,
    /// Start of this packet's bytes in the arena.
    offset: usize,
    summary: Summary,
    flow: Option<u32>,
}

/// Every packet seen so far, in arrival order.
#[derive(Clone, Debug, Default)]
pub struct PacketStore {
    records: Vec<Record>,
    arena: Vec<u8>,
    bytes_on_wire: u64,
}

/// A borrowed view of one stored packet.
#[derive(Clone, Copy, Debug)]
pub struct PacketView<'a> {
    /// 0-based index in the store (the list shows `index + 1`).
    pub index: usize,
    pub ts_ns: TimestampNs,
    /// Length on the wire.
    pub len: u32,
    /// Captured length (`data.len()`).
    pub caplen: u32,
    pub link: LinkType,
    pub data: &'a [u8],
    pub summary: &'a Summary,
    pub flow: Option<u32>,
}

impl PacketStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores a frame (its bytes are copied into the arena and summarized once); returns its
    /// index.
    pub fn push(&mut self, frame: &Frame) -> usize {
        let summary = decode::summarize(frame.link, &frame.data, frame.len);
        self.push_with_summary(frame, summary)
    }

    /// Stores a frame whose summary was already computed elsewhere.
    pub fn push_with_summary(&mut self, frame: &Frame, summary: Summary) -> usize {
        let offset = self.arena.len();
        self.arena.extend_from_slice(&frame.data);
        self.bytes_on_wire = self.bytes_on_wire.saturating_add(u64::from(frame.len));
        self.records.push(Record {
            ts_ns: frame.ts_ns,
            len: frame.len,
            caplen: frame.caplen(),
            link: frame.link,
            offset,
            summary,
            flow: None,
        });
        self.records.len() - 1
    }

    /// Attaches a flow id (from the flow tracker) to packet `index`; ignored if out of range.
    pub fn set_flow(&mut self, index: usize, flow: u32) {
        if let Some(r) = self.records.get_mut(index) {
            r.flow = Some(flow);
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Sum of the packets' lengths on the wire.
    pub fn bytes_on_wire(&self) -> u64 {
        self.bytes_on_wire
    }

    /// Bytes held in memory for packet data.
    pub fn arena_bytes(&self) -> usize {
        self.arena.len()
    }

    /// Timestamp of the first stored packet (the list's time origin).
    pub fn first_ts(&self) -> Option<TimestampNs> {
        self.records.first().map(|r| r.ts_ns)
    }

    pub fn get(&self, index: usize) -> Option<PacketView<'_>> {
        let r = self.records.get(index)?;
        let end = r.offset.checked_add(r.caplen as usize)?;
        let data = self.arena.get(r.offset..end)?;
        Some(PacketView {
            index,
            ts_ns: r.ts_ns,
            len: r.len,
            caplen: r.caplen,
            link: r.link,
            data,
            summary: &r.summary,
            flow: r.flow,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ts: i64, data: &[u8]) -> Frame {
        Frame {
            ts_ns: ts,
            len: data.len() as u32 + 10,
            link: LinkType::ETHERNET,
            data: data.to_vec(),
        }
    }

    #[test]
    fn push_and_get_round_trip_bytes_and_lengths() {
        let mut s = PacketStore::new();
        assert!(s.is_empty());
        assert_eq!(s.push(&frame(5, b"abc")), 0);
        assert_eq!(s.push(&frame(7, b"")), 1);
        assert_eq!(s.push(&frame(9, b"defgh")), 2);
        assert_eq!(s.len(), 3);
        assert_eq!(s.arena_bytes(), 8);
        assert_eq!(s.bytes_on_wire(), 13 + 10 + 15);
        assert_eq!(s.first_ts(), Some(5));
        let v = s.get(2).unwrap();
        assert_eq!(v.data, b"defgh");
        assert_eq!((v.index, v.ts_ns, v.len, v.caplen), (2, 9, 15, 5));
        assert_eq!(s.get(1).unwrap().data, b"");
        assert_eq!(s.get(0).unwrap().data, b"abc");
        assert!(s.get(3).is_none());
    }

    #[test]
    fn flow_ids_attach_to_existing_packets_only() {
        let mut s = PacketStore::new();
        s.push(&frame(1, b"x"));
        s.set_flow(0, 4);
        s.set_flow(9, 1);
        assert_eq!(s.get(0).unwrap().flow, Some(4));
        assert_eq!(s.len(), 1);
    }
}
