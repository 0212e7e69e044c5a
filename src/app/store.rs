//! The packet store behind the packet list: one small fixed-size [`Record`] per packet (where
//! its bytes are, time, lengths, link type, flow id — 32 bytes) and nothing else per packet.
//! Where the bytes are is what the frame says ([`Frame::at`]): a frame located in the capture
//! file ([`PacketStore::attach_file`]) or a live capture's spool
//! ([`PacketStore::attach_spool`]) is stored as that offset, and [`get`] reads its bytes
//! back with one positioned read (only visible rows are asked for); any other frame (stdin,
//! frames made in memory) is copied back to back into an arena of large chunks. Summaries
//! are not stored: [`get`] computes the fast [`Summary`] for the rows asked for (about 60 ns
//! each). Records and arena grow in fixed-size chunks, so a million packets never cost a
//! reallocation that copies everything stored so far. With a packet limit or a byte budget
//! the store is a ring: the oldest packets are evicted and counted. The few packets with a
//! capture-file note ([`FrameNote`]) or a sequence-analysis verdict keep them in sparse maps.
//! Depends on `model` and `decode` (for [`decode::summarize`]).
//!
//! [`get`]: PacketStore::get

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use crate::decode::{self, Summary};
use crate::flow::PacketAnalysis;
use crate::model::{Frame, FrameAt, FrameNote, LinkType, TimestampNs};

/// The fixed-size per-packet record (32 bytes; asserted in the tests).
#[derive(Clone, Copy, Debug)]
struct Record {
    /// In the file or the spool: offset of the captured bytes there. Arena: chunk number << 32
    /// | offset in that chunk.
    at: u64,
    ts_ns: TimestampNs,
    len: u32,
    caplen: u32,
    /// Flow id, or [`NO_FLOW`].
    flow: u32,
    /// Index into [`PacketStore::links`].
    link: u16,
    kind: Kind,
}

/// Where a record's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Arena,
    /// In the attached capture file.
    File,
    /// In the attached spool of a live capture.
    Spooled,
}

const NO_FLOW: u32 = u32::MAX;
/// Records per full record chunk (32 KiB of records). A chunk starts small and doubles up to
/// this, so a small store costs little and a byte budget (`--max-mem`) is not eaten by one
/// big empty chunk; full chunks hold exactly this many, so finding a record is a division.
const RECORD_CHUNK: usize = 1 << 10;
/// The first capacity of a record chunk.
const RECORD_CHUNK_MIN: usize = 64;
/// Bytes per full arena chunk (a packet larger than this gets a chunk of its own size); with a
/// byte budget, at most an eighth of it, so that evicting frees memory in small steps.
/// Chunks start at [`ARENA_CHUNK_MIN`] and double; packets never move between chunks.
const ARENA_CHUNK: usize = 1 << 20;
const ARENA_CHUNK_MIN: usize = 4 << 10;

/// Every packet kept so far, in arrival order.
#[derive(Clone, Default)]
pub struct PacketStore {
    records: VecDeque<Vec<Record>>,
    /// Records of the front chunk already evicted.
    head: usize,
    /// Packets kept.
    len: usize,
    /// Packets evicted (ring mode).
    evicted: u64,
    max_packets: Option<usize>,
    /// Byte budget for [`PacketStore::mem_bytes`].
    max_bytes: Option<u64>,
    /// The most recent eviction was for the byte budget (not the packet limit).
    last_evicted_for_bytes: bool,
    /// The last eviction was because the live spool dropped the packet's bytes from disk
    /// (`--spool-max`).
    last_evicted_for_spool: bool,
    arena: VecDeque<Vec<u8>>,
    /// Chunk number of `arena[0]`.
    arena_base: u64,
    arena_bytes: usize,
    bytes_on_wire: u64,
    links: Vec<LinkType>,
    origin: Option<TimestampNs>,
    /// The capture file frames located with [`FrameAt::File`] are read back from.
    file: Option<Arc<File>>,
    /// The live spool frames located with [`FrameAt::Spool`] are read back from.
    spool: Option<Arc<File>>,
    /// Summaries handed in by a decoder other than [`decode::summarize`] (tests), one per
    /// kept packet, when [`PacketStore::keep_given_summaries`] was called.
    given: Option<VecDeque<Summary>>,
    /// Sequence analysis of the packets that have a verdict (sparse), by packet number.
    analysis: BTreeMap<u64, PacketAnalysis>,
    /// Capture-file notes (sparse), by packet number.
    notes: BTreeMap<u64, FrameNote>,
    /// Notes of every packet stored so far, evicted ones included.
    notes_seen: u64,
}

impl std::fmt::Debug for PacketStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacketStore")
            .field("len", &self.len)
            .field("evicted", &self.evicted)
            .field("arena_bytes", &self.arena_bytes)
            .field("file", &self.file.is_some())
            .field("spooled", &self.spool.is_some())
            .finish_non_exhaustive()
    }
}

/// A view of one stored packet.
#[derive(Clone, Debug)]
pub struct PacketView<'a> {
    /// 0-based position in the store (what selection and scrolling count).
    pub index: usize,
    /// 0-based number of the packet since the capture began: `index` plus the packets
    /// evicted before it (the list shows `number + 1`).
    pub number: u64,
    pub ts_ns: TimestampNs,
    /// Length on the wire.
    pub len: u32,
    /// Captured length (`data.len()`).
    pub caplen: u32,
    pub link: LinkType,
    /// Borrowed from the arena; read back (owned) from the capture file or a live capture's
    /// spool. Only the rows on screen are asked for, so nothing is cached.
    pub data: Cow<'a, [u8]>,
    /// The fast summary, computed from `data` when the view is made.
    pub summary: Summary,
    pub flow: Option<u32>,
    /// Wireshark's sequence analysis, when it found something to say (a verdict).
    pub analysis: Option<PacketAnalysis>,
    /// What the capture file said about the record that its bytes do not show.
    pub note: Option<FrameNote>,
}

/// A stored packet's bytes and index record, without the summary ([`PacketStore::raw`]).
#[derive(Clone, Copy, Debug)]
pub struct RawPacket<'a> {
    /// 0-based frame number since the capture began.
    pub number: u64,
    pub ts_ns: TimestampNs,
    /// Length on the wire.
    pub len: u32,
    pub link: LinkType,
    pub data: &'a [u8],
    pub flow: Option<u32>,
}

/// A window of the capture file kept between calls to [`PacketStore::raw`], so that a pass
/// over many packets in file order (forwards or backwards) reads the file in large blocks.
#[derive(Debug, Default)]
pub struct ReadAhead {
    buf: Vec<u8>,
    /// File offset of `buf[0]`, when `buf` holds a window of the capture file.
    window: Option<u64>,
    /// Bytes to read at once (0: [`READ_AHEAD`]).
    size: usize,
}

/// Bytes read at once by [`ReadAhead`].
const READ_AHEAD: usize = 1 << 20;

impl ReadAhead {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `size` bytes at once (tests cross window edges with small packets).
    #[cfg(test)]
    fn with_size(size: usize) -> Self {
        Self {
            size,
            ..Self::default()
        }
    }

    /// Forgets the window (its buffer is about to hold something else).
    fn invalidate(&mut self) {
        self.window = None;
    }

    /// `len` bytes at `at` in `file`, from the window when it holds them, else after reading
    /// a new window around them: starting at `at` when going forwards, ending after them when
    /// the pass goes backwards. `None` when the file is shorter (it was cut while open).
    fn read(&mut self, file: &File, at: u64, len: usize) -> Option<&[u8]> {
        let end = at.checked_add(len as u64)?;
        let hit = self
            .window
            .is_some_and(|w| w <= at && end <= w.saturating_add(self.buf.len() as u64));
        if !hit {
            let size = if self.size == 0 {
                READ_AHEAD
            } else {
                self.size
            }
            .max(len);
            let backwards = self.window.is_some_and(|w| at < w);
            let start = if backwards {
                end.saturating_sub(size as u64)
            } else {
                at
            };
            self.buf.resize(size, 0);
            let mut filled = 0;
            while filled < size {
                match file.read_at(&mut self.buf[filled..], start + filled as u64) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            self.buf.truncate(filled);
            self.window = Some(start);
        }
        let w = self.window?;
        let from = usize::try_from(at.checked_sub(w)?).ok()?;
        self.buf.get(from..from.checked_add(len)?)
    }
}

impl PacketStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Frames located in the capture file ([`FrameAt::File`]) are from now on stored as
    /// their offset in `file`, and their bytes read back from it when asked for. The frame's
    /// location is trusted: it came with the frame from the reader of this very file.
    pub fn attach_file(&mut self, file: Arc<File>) {
        self.file = Some(file);
    }

    /// Frames located in a live capture's spool ([`FrameAt::Spool`]) are from now on stored
    /// as their offset in `file`, and their bytes read back from it when asked for. Evicted
    /// packets' bytes stay in the file.
    pub fn attach_spool(&mut self, file: Arc<File>) {
        self.spool = Some(file);
    }

    /// Keeps at most `max` packets (at least one), evicting the oldest; `None`: no limit.
    pub fn set_max_packets(&mut self, max: Option<usize>) {
        self.max_packets = max.map(|m| m.max(1));
        self.evict_over_limit();
    }

    /// Keeps [`PacketStore::mem_bytes`] within `max` bytes, evicting the oldest packets
    /// (the newest one always stays); `None`: no byte budget. Works alongside
    /// [`PacketStore::set_max_packets`]: whichever limit is reached first evicts.
    pub fn set_max_bytes(&mut self, max: Option<u64>) {
        self.max_bytes = max;
        self.evict_over_limit();
    }

    /// Keeps the summaries given to [`PacketStore::push_with_summary`] instead of computing
    /// them with [`decode::summarize`] (for a substitute decoder; costs 180 bytes a packet).
    pub fn keep_given_summaries(&mut self) {
        if self.given.is_none() && self.len == 0 {
            self.given = Some(VecDeque::new());
        }
    }

    /// Stores a frame; returns its index.
    pub fn push(&mut self, frame: &Frame) -> usize {
        if self.given.is_some() {
            let summary = decode::summarize(frame.link, &frame.data, frame.len);
            return self.push_with_summary(frame, summary);
        }
        self.push_record(frame)
    }

    /// Stores a frame whose summary was already computed elsewhere. The summary is kept only
    /// after [`PacketStore::keep_given_summaries`]; otherwise it is recomputed on demand.
    pub fn push_with_summary(&mut self, frame: &Frame, summary: Summary) -> usize {
        if let Some(given) = &mut self.given {
            given.push_back(summary);
        }
        self.push_record(frame)
    }

    fn push_record(&mut self, frame: &Frame) -> usize {
        let number = self.evicted.saturating_add(self.len as u64);
        let caplen = frame.caplen();
        // A location is used only when the store can read it back; otherwise the bytes are
        // copied (a frame from a file the store was not given).
        let (at, kind) = match frame.at {
            FrameAt::File(off) if self.file.is_some() => (off, Kind::File),
            FrameAt::Spool(off) if self.spool.is_some() => (off, Kind::Spooled),
            _ => (self.copy_to_arena(&frame.data), Kind::Arena),
        };
        if let Some(note) = frame.note {
            self.notes.insert(number, note);
            self.notes_seen = self.notes_seen.saturating_add(1);
        }
        self.bytes_on_wire = self.bytes_on_wire.saturating_add(u64::from(frame.len));
        self.origin.get_or_insert(frame.ts_ns);
        let record = Record {
            at,
            ts_ns: frame.ts_ns,
            len: frame.len,
            caplen,
            flow: NO_FLOW,
            link: self.link_index(frame.link),
            kind,
        };
        if self.records.back().is_none_or(|c| c.len() >= RECORD_CHUNK) {
            // A store that already filled a chunk gets full chunks at once.
            let first = if self.len >= RECORD_CHUNK {
                RECORD_CHUNK
            } else {
                RECORD_CHUNK_MIN
            };
            self.records.push_back(Vec::with_capacity(first));
        }
        if let Some(c) = self.records.back_mut() {
            if c.len() == c.capacity() {
                // Doubling within the chunk (never past RECORD_CHUNK); no other chunk moves.
                let grow = c
                    .capacity()
                    .max(RECORD_CHUNK_MIN)
                    .min(RECORD_CHUNK - c.len());
                c.reserve_exact(grow);
            }
            c.push(record);
        }
        self.len += 1;
        self.evict_over_limit();
        self.len - 1
    }

    /// `caplen` bytes at `at` in `file`, read back (one positioned read; only the rows on
    /// screen are asked for).
    fn read_back(file: Option<&Arc<File>>, at: u64, caplen: usize) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; caplen];
        file?.read_exact_at(&mut buf, at).ok()?;
        Some(buf)
    }

    /// The file a record's bytes are read back from (`None` for the arena).
    fn backing(&self, kind: Kind) -> Option<&Arc<File>> {
        match kind {
            Kind::File => self.file.as_ref(),
            Kind::Spooled => self.spool.as_ref(),
            Kind::Arena => None,
        }
    }

    fn copy_to_arena(&mut self, data: &[u8]) -> u64 {
        let fits = self
            .arena
            .back()
            .is_some_and(|c| c.capacity() - c.len() >= data.len());
        // A chunk not yet full size doubles (its packets keep their offsets in it).
        let full = self.arena_chunk();
        let grows = !fits
            && self
                .arena
                .back()
                .is_some_and(|c| c.len() + data.len() <= full);
        if grows && let Some(c) = self.arena.back_mut() {
            let want = (c.capacity() * 2).max(c.len() + data.len()).min(full);
            c.reserve_exact(want - c.len());
        } else if !fits {
            let first = if self.arena_bytes >= full {
                full
            } else {
                ARENA_CHUNK_MIN
            };
            self.arena
                .push_back(Vec::with_capacity(first.max(data.len())));
        }
        let chunk = self.arena_base + (self.arena.len() as u64).saturating_sub(1);
        let offset = match self.arena.back_mut() {
            Some(c) => {
                let offset = c.len();
                c.extend_from_slice(data);
                offset
            }
            None => 0,
        };
        self.arena_bytes = self.arena_bytes.saturating_add(data.len());
        (chunk << 32) | offset as u64
    }

    /// The size of a full arena chunk: [`ARENA_CHUNK`], or an eighth of the byte budget.
    fn arena_chunk(&self) -> usize {
        let budget = self
            .max_bytes
            .map_or(usize::MAX, |b| usize::try_from(b / 8).unwrap_or(usize::MAX));
        ARENA_CHUNK.min(budget).max(ARENA_CHUNK_MIN)
    }

    fn link_index(&mut self, link: LinkType) -> u16 {
        if let Some(i) = self.links.iter().rposition(|l| *l == link) {
            return i as u16;
        }
        if self.links.len() > usize::from(u16::MAX) {
            // 65 536 link types in one capture cannot happen (pcapng stores them in 16 bits);
            // should it, later ones read back as the last one.
            return u16::MAX;
        }
        self.links.push(link);
        (self.links.len() - 1) as u16
    }

    fn evict_over_limit(&mut self) {
        if let Some(max) = self.max_packets {
            while self.len > max {
                self.evict_oldest();
                self.last_evicted_for_bytes = false;
                self.last_evicted_for_spool = false;
            }
        }
        if let Some(max) = self.max_bytes {
            while self.len > 1 && self.mem_bytes() > max {
                self.evict_oldest();
                self.last_evicted_for_bytes = true;
                self.last_evicted_for_spool = false;
            }
        }
    }

    /// Evicts the oldest packets until `gone` packets (counted from the first) are evicted:
    /// the live spool has dropped their bytes from disk (`--spool-max`). Packets not stored
    /// yet are evicted by the caller calling again after storing them.
    pub fn evict_through(&mut self, gone: u64) {
        while self.evicted < gone && self.len > 0 {
            self.evict_oldest();
            self.last_evicted_for_spool = true;
        }
    }

    fn evict_oldest(&mut self) {
        let Some(r) = self.record(0).copied() else {
            return;
        };
        self.len -= 1;
        self.evicted += 1;
        self.head += 1;
        if self.head >= RECORD_CHUNK {
            self.records.pop_front();
            self.head = 0;
        }
        self.bytes_on_wire = self.bytes_on_wire.saturating_sub(u64::from(r.len));
        while self
            .analysis
            .first_key_value()
            .is_some_and(|(n, _)| *n < self.evicted)
        {
            self.analysis.pop_first();
        }
        while self
            .notes
            .first_key_value()
            .is_some_and(|(n, _)| *n < self.evicted)
        {
            self.notes.pop_first();
        }
        if let Some(given) = &mut self.given {
            given.pop_front();
        }
        if r.kind == Kind::Arena {
            self.arena_bytes = self.arena_bytes.saturating_sub(r.caplen as usize);
            // Packets are stored in order: chunks before this packet's are no longer used.
            let chunk = r.at >> 32;
            while self.arena_base < chunk && self.arena.pop_front().is_some() {
                self.arena_base += 1;
            }
        }
    }

    fn record(&self, index: usize) -> Option<&Record> {
        if index >= self.len {
            return None;
        }
        let p = self.head.checked_add(index)?;
        self.records.get(p / RECORD_CHUNK)?.get(p % RECORD_CHUNK)
    }

    /// Attaches a flow id (from the flow tracker) to packet `index`; ignored if out of range.
    /// (`u32::MAX` is not a storable id.)
    pub fn set_flow(&mut self, index: usize, flow: u32) {
        if index >= self.len {
            return;
        }
        let p = self.head.saturating_add(index);
        if let Some(r) = self
            .records
            .get_mut(p / RECORD_CHUNK)
            .and_then(|c| c.get_mut(p % RECORD_CHUNK))
        {
            r.flow = flow;
        }
    }

    /// The flow id of packet `index`, without reading its bytes (a scan for one flow's
    /// packets).
    pub fn flow_at(&self, index: usize) -> Option<u32> {
        self.record(index).map(|r| r.flow).filter(|&f| f != NO_FLOW)
    }

    /// Attaches the sequence analysis of packet `index` (kept only when it has a verdict).
    pub fn set_analysis(&mut self, index: usize, analysis: &PacketAnalysis) {
        if index >= self.len {
            return;
        }
        let number = self.evicted.saturating_add(index as u64);
        if analysis.verdicts.is_empty() {
            self.analysis.remove(&number);
        } else {
            self.analysis.insert(number, *analysis);
        }
    }

    /// The sequence analysis of packet `number` (0-based since the capture began), when it
    /// has a verdict.
    pub fn analysis_of(&self, number: u64) -> Option<&PacketAnalysis> {
        self.analysis.get(&number)
    }

    /// Packets kept.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Packets evicted so far to stay within the packet limit.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The packet limit (`None`: every packet is kept).
    pub fn max_packets(&self) -> Option<usize> {
        self.max_packets
    }

    /// The store index of the packet numbered `number` ([`PacketView::number`], 0-based since
    /// the capture began), or `None` when it was evicted or has not arrived. Kept packets
    /// are numbered consecutively, so this is offset arithmetic.
    pub fn index_of(&self, number: u64) -> Option<usize> {
        let index = usize::try_from(number.checked_sub(self.evicted)?).ok()?;
        (index < self.len).then_some(index)
    }

    /// The store index of 1-based frame number `no` (what the list, the ladder's `pkt N` and
    /// [`crate::flow::LadderEvent::packet_no`] show), or `None` when evicted or not arrived.
    pub fn index_of_frame(&self, no: u64) -> Option<usize> {
        self.index_of(no.checked_sub(1)?)
    }

    /// Whether 1-based frame number `no` was stored once and has been evicted since.
    pub fn was_evicted(&self, no: u64) -> bool {
        no >= 1 && no <= self.evicted
    }

    /// The byte budget (`None`: none).
    pub fn max_bytes(&self) -> Option<u64> {
        self.max_bytes
    }

    /// The command-line flag of the limit that evicted last: `--max-mem`, `--spool-max` or
    /// `--max-packets`.
    pub fn eviction_flag(&self) -> &'static str {
        if self.last_evicted_for_spool {
            "--spool-max"
        } else if self.last_evicted_for_bytes {
            "--max-mem"
        } else {
            "--max-packets"
        }
    }

    /// Memory the store holds, what the byte budget bounds: the capacity of every record and
    /// arena chunk (also the unused end of the newest ones, and the evicted start of the
    /// oldest ones until a whole chunk is free), the chunk lists, the given summaries and the
    /// link types. `tests/ui_ring_mem.rs` checks it against a counting allocator.
    pub fn mem_bytes(&self) -> u64 {
        use std::mem::size_of;
        let records: usize = self
            .records
            .iter()
            .map(|c| c.capacity() * size_of::<Record>())
            .sum();
        let arena: usize = self.arena.iter().map(Vec::capacity).sum();
        let lists = self.records.capacity() * size_of::<Vec<Record>>()
            + self.arena.capacity() * size_of::<Vec<u8>>()
            + self.links.capacity() * size_of::<LinkType>();
        let given = self
            .given
            .as_ref()
            .map_or(0, |g| g.capacity() * size_of::<Summary>());
        (records + arena + lists + given) as u64
    }

    /// Sum of the kept packets' lengths on the wire.
    pub fn bytes_on_wire(&self) -> u64 {
        self.bytes_on_wire
    }

    /// Bytes of packet data copied into memory (not counting bytes left in a file or spool).
    pub fn arena_bytes(&self) -> usize {
        self.arena_bytes
    }

    /// Memory the per-packet records take (capacity of the record chunks).
    pub fn index_bytes(&self) -> usize {
        self.records
            .iter()
            .map(|c| c.capacity() * std::mem::size_of::<Record>())
            .sum()
    }

    /// Timestamp of the first packet ever stored (the list's time origin; it stays when
    /// that packet is evicted).
    pub fn first_ts(&self) -> Option<TimestampNs> {
        self.origin
    }

    /// Capture time of packet `index`, without decoding it (cheaper than [`Self::get`]).
    pub fn ts_ns(&self, index: usize) -> Option<TimestampNs> {
        self.record(index).map(|r| r.ts_ns)
    }

    pub fn get(&self, index: usize) -> Option<PacketView<'_>> {
        let r = self.record(index)?;
        let caplen = r.caplen as usize;
        let data: Cow<'_, [u8]> = match r.kind {
            Kind::File | Kind::Spooled => {
                Cow::Owned(Self::read_back(self.backing(r.kind), r.at, caplen)?)
            }
            Kind::Arena => {
                let chunk = usize::try_from((r.at >> 32).checked_sub(self.arena_base)?).ok()?;
                let start = (r.at & u64::from(u32::MAX)) as usize;
                Cow::Borrowed(
                    self.arena
                        .get(chunk)?
                        .get(start..start.checked_add(caplen)?)?,
                )
            }
        };
        let link = self
            .links
            .get(usize::from(r.link))
            .copied()
            .unwrap_or(LinkType(u32::MAX));
        let summary = match &self.given {
            Some(given) => given.get(index).copied()?,
            None => decode::summarize(link, &data, r.len),
        };
        Some(PacketView {
            index,
            number: self.evicted.saturating_add(index as u64),
            ts_ns: r.ts_ns,
            len: r.len,
            caplen: r.caplen,
            link,
            data,
            summary,
            flow: (r.flow != NO_FLOW).then_some(r.flow),
            analysis: self
                .analysis
                .get(&self.evicted.saturating_add(index as u64))
                .copied(),
            note: self
                .notes
                .get(&self.evicted.saturating_add(index as u64))
                .copied(),
        })
    }

    /// Packet `index` without its summary, for a pass over many packets (a display filter,
    /// a search, an export). Bytes in the capture file are read a window at a time into
    /// `ahead` (a pass over two million packets makes a few hundred reads, not two million);
    /// spooled bytes one packet at a time, since the spool is rewritten as it rotates.
    pub fn raw<'a>(&'a self, index: usize, ahead: &'a mut ReadAhead) -> Option<RawPacket<'a>> {
        let r = self.record(index)?;
        let caplen = r.caplen as usize;
        let data: &'a [u8] = match r.kind {
            Kind::File => ahead.read(self.file.as_ref()?, r.at, caplen)?,
            Kind::Spooled => {
                let file = self.spool.as_ref()?;
                ahead.invalidate();
                ahead.buf.clear();
                ahead.buf.resize(caplen, 0);
                file.read_exact_at(&mut ahead.buf, r.at).ok()?;
                &ahead.buf
            }
            Kind::Arena => {
                let chunk = usize::try_from((r.at >> 32).checked_sub(self.arena_base)?).ok()?;
                let start = (r.at & u64::from(u32::MAX)) as usize;
                self.arena
                    .get(chunk)?
                    .get(start..start.checked_add(caplen)?)?
            }
        };
        Some(RawPacket {
            number: self.evicted.saturating_add(index as u64),
            ts_ns: r.ts_ns,
            len: r.len,
            link: self
                .links
                .get(usize::from(r.link))
                .copied()
                .unwrap_or(LinkType(u32::MAX)),
            data,
            flow: (r.flow != NO_FLOW).then_some(r.flow),
        })
    }

    /// Whether packet `index`'s bytes are read back from the attached capture file (not
    /// copied).
    pub fn is_in_file(&self, index: usize) -> bool {
        self.record(index).is_some_and(|r| r.kind == Kind::File)
    }

    /// Packets stored so far whose capture file said something about them ([`FrameNote`]),
    /// evicted ones included (the status bar's count).
    pub fn notes_seen(&self) -> u64 {
        self.notes_seen
    }

    /// Whether packet `index`'s bytes are read back from the spool file (not copied).
    pub fn is_spooled(&self, index: usize) -> bool {
        self.record(index).is_some_and(|r| r.kind == Kind::Spooled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ts: i64, data: &[u8]) -> Frame {
        Frame::new(
            ts,
            data.len() as u32 + 10,
            LinkType::ETHERNET,
            data.to_vec(),
        )
    }

    fn located(ts: i64, data: &[u8], at: FrameAt) -> Frame {
        Frame {
            at,
            ..frame(ts, data)
        }
    }

    #[test]
    fn a_record_is_32_bytes() {
        assert_eq!(std::mem::size_of::<Record>(), 32);
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
        assert_eq!(&v.data[..], b"defgh");
        assert_eq!(
            (v.index, v.number, v.ts_ns, v.len, v.caplen),
            (2, 2, 9, 15, 5)
        );
        assert_eq!(&s.get(1).unwrap().data[..], b"");
        assert_eq!(&s.get(0).unwrap().data[..], b"abc");
        assert!(s.get(3).is_none());
        assert!(!s.is_in_file(0) && !s.is_spooled(0));
    }

    #[test]
    fn summaries_are_computed_from_the_bytes() {
        let eth_arp = {
            let mut p = vec![0xffu8; 6];
            p.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x06]);
            p.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1]);
            p.extend_from_slice(&[2, 0, 0, 0, 0, 1, 10, 0, 0, 1]);
            p.extend_from_slice(&[0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
            p
        };
        let mut s = PacketStore::new();
        s.push(&frame(1, &eth_arp));
        let f = frame(1, &eth_arp);
        assert_eq!(
            s.get(0).unwrap().summary,
            decode::summarize(f.link, &f.data, f.len)
        );
        assert_eq!(s.get(0).unwrap().summary.proto, decode::Proto::Arp);
    }

    #[test]
    fn given_summaries_are_kept_when_asked() {
        let mut s = PacketStore::new();
        s.keep_given_summaries();
        let odd = Summary {
            broken: true,
            sport: Some(4242),
            ..Summary::default()
        };
        s.push_with_summary(&frame(1, b"zz"), odd);
        assert_eq!(s.get(0).unwrap().summary.sport, Some(4242));
        assert!(s.get(0).unwrap().summary.broken);
    }

    #[test]
    fn many_packets_span_record_and_arena_chunks() {
        let mut s = PacketStore::new();
        let big = vec![7u8; ARENA_CHUNK / 3];
        let n = RECORD_CHUNK + 10;
        let is_big = |i: usize| i % 200 == 5;
        for i in 0..n {
            let data: Vec<u8> = if is_big(i) {
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
            if is_big(i) {
                assert_eq!(v.data, &big[..]);
            } else {
                assert_eq!(&v.data[..], (i as u32).to_le_bytes());
            }
        }
        assert!(s.get(n).is_none());
        s.set_flow(RECORD_CHUNK + 3, 9);
        assert_eq!(s.get(RECORD_CHUNK + 3).unwrap().flow, Some(9));
        assert!(s.index_bytes() >= n * 32);
    }

    #[test]
    fn a_packet_larger_than_a_chunk_gets_its_own() {
        let mut s = PacketStore::new();
        s.push(&frame(0, b"abc"));
        let huge = vec![1u8; ARENA_CHUNK + 5];
        s.push(&frame(1, &huge));
        s.push(&frame(2, b"xyz"));
        assert_eq!(s.get(1).unwrap().data.len(), ARENA_CHUNK + 5);
        assert_eq!(&s.get(2).unwrap().data[..], b"xyz");
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

    #[test]
    fn link_types_round_trip_through_the_table() {
        let mut s = PacketStore::new();
        for (i, l) in [1u32, 113, 1, 276, 999_999].into_iter().enumerate() {
            let mut f = frame(i as i64, b"ab");
            f.link = LinkType(l);
            s.push(&f);
        }
        let links: Vec<u32> = (0..5).map(|i| s.get(i).unwrap().link.0).collect();
        assert_eq!(links, [1, 113, 1, 276, 999_999]);
        assert_eq!(s.links.len(), 4);
    }

    #[test]
    fn ring_evicts_the_oldest_and_counts_them() {
        let mut s = PacketStore::new();
        s.set_max_packets(Some(100));
        // 63 packets fill an arena chunk.
        let big = vec![3u8; ARENA_CHUNK / 64];
        let n = 500usize;
        for i in 0..n {
            let mut data = big.clone();
            data[..8].copy_from_slice(&(i as u64).to_le_bytes());
            s.push(&frame(i as i64, &data));
            s.set_flow(s.len() - 1, i as u32);
        }
        assert_eq!(s.len(), 100);
        assert_eq!(s.evicted(), 400);
        assert_eq!(s.first_ts(), Some(0), "the time origin stays");
        for i in [0usize, 1, 50, 99] {
            let v = s.get(i).unwrap();
            let number = 400 + i;
            assert_eq!((v.index, v.number), (i, number as u64));
            assert_eq!(v.ts_ns, number as i64);
            assert_eq!(v.data[..8], (number as u64).to_le_bytes());
            assert_eq!(v.flow, Some(number as u32));
        }
        assert!(s.get(100).is_none());
        // Only the chunks the kept packets use stay allocated.
        assert_eq!(s.arena_bytes(), 100 * big.len());
        assert!(s.arena.len() <= 3, "{} chunks", s.arena.len());
        assert_eq!(s.bytes_on_wire(), 100 * (big.len() as u64 + 10));
        // Lowering the limit evicts at once.
        s.set_max_packets(Some(10));
        assert_eq!((s.len(), s.evicted()), (10, 490));
        assert_eq!(s.get(0).unwrap().number, 490);
        // Numbers map back to indices; evicted and future ones to none.
        assert_eq!(s.index_of(490), Some(0));
        assert_eq!(s.index_of(499), Some(9));
        assert_eq!(s.index_of(489), None);
        assert_eq!(s.index_of(500), None);
        assert_eq!(s.index_of_frame(491), Some(0));
        assert_eq!(s.index_of_frame(0), None);
        assert!(s.was_evicted(490) && !s.was_evicted(491) && !s.was_evicted(0));
        for i in 0..s.len() {
            let v = s.get(i).unwrap();
            assert_eq!(s.index_of(v.number), Some(i));
        }
    }

    #[test]
    fn ring_crosses_record_chunks() {
        let mut s = PacketStore::new();
        s.set_max_packets(Some(RECORD_CHUNK / 2));
        let n = 3 * RECORD_CHUNK + 7;
        for i in 0..n {
            s.push(&frame(i as i64, &(i as u32).to_le_bytes()));
        }
        assert_eq!(s.len(), RECORD_CHUNK / 2);
        assert_eq!(s.evicted() as usize, n - RECORD_CHUNK / 2);
        assert!(s.records.len() <= 2);
        for i in 0..s.len() {
            let v = s.get(i).unwrap();
            assert_eq!(&v.data[..], (v.number as u32).to_le_bytes());
        }
    }

    #[test]
    fn byte_budget_evicts_the_oldest_and_keeps_numbers() {
        let mut s = PacketStore::new();
        // The budget bounds what the store holds (chunk capacities included).
        let budget = 64u64 << 10;
        s.set_max_bytes(Some(budget));
        assert_eq!(s.max_bytes(), Some(budget));
        let n = 2_000usize;
        for i in 0..n {
            let mut data = vec![9u8; 100];
            data[..8].copy_from_slice(&(i as u64).to_le_bytes());
            s.push(&frame(i as i64, &data));
            assert!(s.mem_bytes() <= budget, "after {i}: {}", s.mem_bytes());
            assert_eq!(s.evicted() + s.len() as u64, i as u64 + 1);
        }
        assert!(s.evicted() > 0 && s.len() > 100, "{} kept", s.len());
        assert_eq!(s.arena_bytes(), s.len() * 100);
        assert!(s.mem_bytes() >= s.len() as u64 * 32 + s.arena_bytes() as u64);
        assert_eq!(s.eviction_flag(), "--max-mem");
        let first = s.evicted();
        for i in 0..s.len() {
            let v = s.get(i).unwrap();
            assert_eq!(v.number, first + i as u64);
            assert_eq!(v.data[..8], v.number.to_le_bytes());
            assert_eq!(s.index_of(v.number), Some(i));
        }
        assert_eq!(s.index_of_frame(first + 1), Some(0));
        assert!(s.was_evicted(first) && !s.was_evicted(first + 1));
        // A packet larger than the budget is kept alone.
        s.push(&frame(99, &vec![1u8; 100_000]));
        assert_eq!((s.len(), s.evicted()), (1, n as u64));
        assert_eq!(s.get(0).unwrap().number, n as u64);
        // The packet limit reached first names itself; lowering the budget evicts at once.
        let mut s = PacketStore::new();
        s.set_max_packets(Some(3));
        s.set_max_bytes(Some(10_000));
        for i in 0..5 {
            s.push(&frame(i, &[0u8; 100]));
        }
        assert_eq!((s.len(), s.evicted()), (3, 2));
        assert_eq!(s.eviction_flag(), "--max-packets");
        s.set_max_bytes(Some(1));
        assert_eq!((s.len(), s.evicted()), (1, 4));
        assert_eq!(s.eviction_flag(), "--max-mem");
    }

    /// A fake capture file on disk: a header, then records of a 4-byte header and the packet
    /// bytes; returns it and each packet's data offset.
    fn fake_file(packets: &[&[u8]]) -> (tempfile::NamedTempFile, Vec<u64>) {
        use std::io::Write;
        let mut bytes = b"HEADER".to_vec();
        let mut offsets = Vec::new();
        for p in packets {
            bytes.extend_from_slice(b"rec:");
            offsets.push(bytes.len() as u64);
            bytes.extend_from_slice(p);
        }
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&bytes).unwrap();
        (f, offsets)
    }

    #[test]
    fn read_ahead_windows_return_the_same_bytes_in_any_order() {
        let packets: Vec<Vec<u8>> = (0..200u32)
            .map(|i| {
                (0..(i % 97))
                    .map(|b| (b as u8).wrapping_mul(7) ^ (i as u8))
                    .collect()
            })
            .collect();
        let refs: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
        let (file, offsets) = fake_file(&refs);
        let mut s = PacketStore::new();
        s.attach_file(Arc::new(file.reopen().unwrap()));
        for (i, p) in packets.iter().enumerate() {
            s.push(&located(i as i64, p, FrameAt::File(offsets[i])));
        }
        let forwards: Vec<usize> = (0..packets.len()).collect();
        let backwards: Vec<usize> = (0..packets.len()).rev().collect();
        let scattered: Vec<usize> = (0..packets.len()).map(|i| i * 37 % 200).collect();
        // Windows smaller than some packets, a few packets long, and larger than the file.
        for size in [1, 64, 300, 1 << 20] {
            for order in [&forwards, &backwards, &scattered] {
                let mut ahead = ReadAhead::with_size(size);
                for &i in order {
                    let got = s.raw(i, &mut ahead).unwrap();
                    assert_eq!(got.data, packets[i].as_slice(), "packet {i}, window {size}");
                }
            }
        }
    }

    #[test]
    fn read_ahead_says_none_for_bytes_cut_from_the_file() {
        let (file, offsets) = fake_file(&[b"first", b"second"]);
        let mut s = PacketStore::new();
        s.attach_file(Arc::new(file.reopen().unwrap()));
        s.push(&located(0, b"first", FrameAt::File(offsets[0])));
        s.push(&located(1, b"second", FrameAt::File(offsets[1])));
        file.as_file().set_len(offsets[1] + 3).unwrap();
        let mut ahead = ReadAhead::new();
        assert_eq!(s.raw(0, &mut ahead).unwrap().data, b"first");
        assert!(
            s.raw(1, &mut ahead).is_none(),
            "the cut packet is not invented"
        );
    }

    #[test]
    fn located_frames_are_stored_as_offsets_and_reread_equal() {
        let packets: Vec<Vec<u8>> = (0..300u32)
            .map(|i| (0..(i % 97)).map(|b| (b as u8) ^ (i as u8)).collect())
            .collect();
        let refs: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
        let (file, offsets) = fake_file(&refs);
        let mut s = PacketStore::new();
        s.attach_file(Arc::new(file.reopen().unwrap()));
        for (i, p) in packets.iter().enumerate() {
            let f = located(i as i64, p, FrameAt::File(offsets[i]));
            assert_eq!(s.push(&f), i);
        }
        assert_eq!(s.arena_bytes(), 0, "nothing copied");
        let mut scratch = ReadAhead::new();
        for (i, p) in packets.iter().enumerate() {
            assert!(s.is_in_file(i));
            let v = s.get(i).unwrap();
            assert_eq!(v.data, p.as_slice(), "packet {i}");
            assert_eq!(v.caplen as usize, p.len());
            assert_eq!(s.raw(i, &mut scratch).unwrap().data, p.as_slice());
        }
    }

    #[test]
    fn frames_the_store_cannot_read_back_are_copied() {
        let (file, offsets) = fake_file(&[b"one", b"two"]);
        // No file attached: a located frame is copied.
        let mut s = PacketStore::new();
        s.push(&located(0, b"one", FrameAt::File(offsets[0])));
        // A spool location with only a file attached: copied too.
        s.attach_file(Arc::new(file.reopen().unwrap()));
        s.push(&located(1, b"two", FrameAt::Spool(offsets[1])));
        s.push(&located(2, b"two", FrameAt::File(offsets[1])));
        s.push(&frame(3, b"owned"));
        let kept: Vec<bool> = (0..4).map(|i| s.is_in_file(i)).collect();
        assert_eq!(kept, [false, false, true, false]);
        let data: Vec<Vec<u8>> = (0..4).map(|i| s.get(i).unwrap().data.to_vec()).collect();
        assert_eq!(data, [&b"one"[..], b"two", b"two", b"owned"]);
        assert_eq!(s.arena_bytes(), 3 + 3 + 5);
    }

    #[test]
    fn capture_notes_travel_with_their_packet_and_leave_with_it() {
        let mut s = PacketStore::new();
        s.set_max_packets(Some(2));
        let noted = |ts, note| Frame {
            note: Some(note),
            ..frame(ts, b"x")
        };
        s.push(&noted(0, FrameNote::UnpaddedBlock));
        s.push(&frame(1, b"y"));
        assert_eq!(s.get(0).unwrap().note, Some(FrameNote::UnpaddedBlock));
        assert_eq!(s.get(1).unwrap().note, None);
        s.push(&noted(2, FrameNote::TimeOutOfRange));
        // The first packet is evicted, its note with it; the count stays.
        assert_eq!(s.get(0).unwrap().note, None);
        assert_eq!(s.get(1).unwrap().note, Some(FrameNote::TimeOutOfRange));
        assert_eq!(s.notes.len(), 1);
        assert_eq!(s.notes_seen(), 2);
    }

    #[test]
    fn spooled_frames_are_indexed_reread_equal_and_evicted() {
        use crate::source::SpoolWriter;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool.pcap");
        let mut w = SpoolWriter::create(&path, LinkType::ETHERNET, 65535).unwrap();
        let mut s = PacketStore::new();
        s.attach_spool(w.reader());
        s.set_max_packets(Some(500));
        let packets: Vec<Vec<u8>> = (0..2000u32)
            .map(|i| (0..(20 + i % 300)).map(|b| (b as u8) ^ (i as u8)).collect())
            .collect();
        for (batch, chunk) in packets.chunks(64).enumerate() {
            let mut frames = Vec::new();
            for (k, p) in chunk.iter().enumerate() {
                let n = (batch * 64 + k) as i64;
                let at = FrameAt::Spool(w.write(&frame(n, p)).unwrap());
                frames.push(located(n, p, at));
            }
            w.flush().unwrap();
            for f in &frames {
                s.push(f);
            }
            // Rows are read back between batches, as the list does.
            for i in s.len().saturating_sub(40)..s.len() {
                let v = s.get(i).unwrap();
                assert_eq!(v.data, packets[v.number as usize].as_slice());
            }
        }
        assert_eq!((s.len(), s.evicted()), (500, 1500));
        assert_eq!(s.arena_bytes(), 0, "nothing copied");
        assert!(
            s.mem_bytes() <= 2 * (RECORD_CHUNK * 32) as u64 + 1024,
            "memory is the index only: {}",
            s.mem_bytes()
        );
        for i in 0..s.len() {
            assert!(s.is_spooled(i) && !s.is_in_file(i));
            let v = s.get(i).unwrap();
            assert_eq!(v.data, packets[v.number as usize].as_slice(), "packet {i}");
            assert_eq!(v.ts_ns, v.number as i64);
            assert_eq!(v.caplen as usize, packets[v.number as usize].len());
        }
        assert_eq!(s.get(7).unwrap().data, packets[1507].as_slice());
        // A byte budget counts only the index for spooled packets.
        let budget = (RECORD_CHUNK * 32) as u64 + 1024;
        s.set_max_bytes(Some(budget));
        assert!(s.mem_bytes() <= budget && s.len() > 1, "{}", s.mem_bytes());
        assert_eq!(s.len() as u64 + s.evicted(), 2000);
        let first = s.evicted() as usize;
        assert_eq!(s.get(0).unwrap().data, packets[first].as_slice());
        // A frame without a location is copied.
        s.push(&frame(9, b"unlocated"));
        assert!(!s.is_spooled(s.len() - 1));
        assert_eq!(&s.get(s.len() - 1).unwrap().data[..], b"unlocated");
    }
}
