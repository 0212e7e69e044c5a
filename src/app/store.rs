//! The packet store behind the packet list: one fixed-size record per packet (time, lengths,
//! link type, where its bytes sit in a byte arena, the cached fast-path [`Summary`] and an
//! optional flow id) plus an arena holding every packet's captured bytes back to back — no
//! allocation per packet. Both grow in fixed-size chunks, so a million packets never cost a
//! reallocation that copies everything stored so far (or doubles the memory for a moment).
//! Depends on `model` and `decode` (for [`decode::summarize`]).

use crate::decode::{self, Summary};
use crate::model::{Frame, LinkType, TimestampNs};

/// The fixed-size per-packet record.
#[derive(Clone, Debug)]
struct Record {
    ts_ns: TimestampNs,
    len: u32,
    caplen: u32,
    link: LinkType,
    /// Arena chunk holding this packet's bytes, and where they start in it.
    chunk: u32,
    offset: u32,
    summary: Summary,
    flow: Option<u32>,
}

/// Records per record chunk.
const RECORD_CHUNK: usize = 1 << 16;
/// Bytes per arena chunk (a packet larger than this gets a chunk of its own size).
const ARENA_CHUNK: usize = 8 << 20;

/// Every packet seen so far, in arrival order.
#[derive(Clone, Debug, Default)]
pub struct PacketStore {
    records: Vec<Vec<Record>>,
    arena: Vec<Vec<u8>>,
    len: usize,
    arena_bytes: usize,
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
        let data = &frame.data;
        let fits = self
            .arena
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= data.len());
        if !fits {
            self.arena
                .push(Vec::with_capacity(ARENA_CHUNK.max(data.len())));
        }
        let chunk_index = self.arena.len() - 1;
        let (chunk, offset) = match self.arena.last_mut() {
            Some(c) => {
                let offset = c.len();
                c.extend_from_slice(data);
                (chunk_index, offset)
            }
            None => (0, 0),
        };
        self.arena_bytes = self.arena_bytes.saturating_add(data.len());
        self.bytes_on_wire = self.bytes_on_wire.saturating_add(u64::from(frame.len));
        if self.records.last().is_none_or(|c| c.len() >= RECORD_CHUNK) {
            self.records.push(Vec::with_capacity(RECORD_CHUNK));
        }
        let record = Record {
            ts_ns: frame.ts_ns,
            len: frame.len,
            caplen: frame.caplen(),
            link: frame.link,
            chunk: u32::try_from(chunk).unwrap_or(u32::MAX),
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            summary,
            flow: None,
        };
        if let Some(c) = self.records.last_mut() {
            c.push(record);
        }
        self.len += 1;
        self.len - 1
    }

    fn record(&self, index: usize) -> Option<&Record> {
        self.records
            .get(index / RECORD_CHUNK)?
            .get(index % RECORD_CHUNK)
    }

    /// Attaches a flow id (from the flow tracker) to packet `index`; ignored if out of range.
    pub fn set_flow(&mut self, index: usize, flow: u32) {
        if let Some(r) = self
            .records
            .get_mut(index / RECORD_CHUNK)
            .and_then(|c| c.get_mut(index % RECORD_CHUNK))
        {
            r.flow = Some(flow);
        }
    }

    pub fn len(&self) -> usize {
        self.len
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
        self.arena_bytes
    }

    /// Timestamp of the first stored packet (the list's time origin).
    pub fn first_ts(&self) -> Option<TimestampNs> {
        self.record(0).map(|r| r.ts_ns)
    }

    pub fn get(&self, index: usize) -> Option<PacketView<'_>> {
        let r = self.record(index)?;
        let start = r.offset as usize;
        let end = start.checked_add(r.caplen as usize)?;
        let data = self.arena.get(r.chunk as usize)?.get(start..end)?;
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
    fn many_packets_span_record_and_arena_chunks() {
        let mut s = PacketStore::new();
        let big = vec![7u8; ARENA_CHUNK / 3];
        let n = RECORD_CHUNK + 10;
        for i in 0..n {
            let data: Vec<u8> = if i % 20_000 == 5 {
                big.clone()
            } else {
                (i as u32).to_le_bytes().to_vec()
            };
            assert_eq!(s.push(&frame(i as i64, &data)), i);
        }
        assert_eq!(s.len(), n);
        assert!(s.records.len() >= 2 && s.arena.len() >= 2);
        for i in [0, 1, 4, 5, RECORD_CHUNK - 1, RECORD_CHUNK, n - 1] {
            let v = s.get(i).unwrap();
            assert_eq!(v.ts_ns, i as i64);
            if i % 20_000 == 5 {
                assert_eq!(v.data, &big[..]);
            } else {
                assert_eq!(v.data, (i as u32).to_le_bytes());
            }
        }
        assert!(s.get(n).is_none());
        s.set_flow(RECORD_CHUNK + 3, 9);
        assert_eq!(s.get(RECORD_CHUNK + 3).unwrap().flow, Some(9));
    }

    #[test]
    fn a_packet_larger_than_a_chunk_gets_its_own() {
        let mut s = PacketStore::new();
        s.push(&frame(0, b"abc"));
        let huge = vec![1u8; ARENA_CHUNK + 5];
        s.push(&frame(1, &huge));
        s.push(&frame(2, b"xyz"));
        assert_eq!(s.get(1).unwrap().data.len(), ARENA_CHUNK + 5);
        assert_eq!(s.get(2).unwrap().data, b"xyz");
        assert_eq!(s.arena_bytes(), ARENA_CHUNK + 11);
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
