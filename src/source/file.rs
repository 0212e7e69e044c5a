//! `FileReader`: streams frames out of a pcap (µs or ns, either byte order) or pcapng capture,
//! with positioned reads when the path is a regular file, or from any `Read` (stdin, pipes). Recognises
//! the format, checks every length before trusting it, and reports a file cut mid-record only
//! after every complete packet before the cut was returned. Depends on `crate::model`,
//! `super::{backing, pcapng, record, error}` and pcap-parser.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pcap_parser::{
    parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header,
};

use super::backing::Backing;
use super::decompress::{self, Compression};
use super::error::SourceError;
use super::pcapng::{NgState, SHB_TYPE, Step};
use super::record::{MAX_CAPLEN, copy_frame};
use super::stream::{PolledStream, StreamControl};
use crate::model::{Frame, FrameAt, FrameNote, LinkType};

/// Legacy pcap magic numbers as read little-endian from the first four bytes.
const PCAP_US_LE: u32 = 0xa1b2_c3d4;
const PCAP_NS_LE: u32 = 0xa1b2_3c4d;
const PCAP_MODIFIED_LE: u32 = 0xa1b2_cd34;
const PCAP_US_BE: u32 = 0xd4c3_b2a1;
const PCAP_NS_BE: u32 = 0x4d3c_b2a1;

#[derive(Debug)]
struct PcapState {
    /// The fraction field of the record read last, when it was not below one second.
    fraction_too_big: Option<u32>,
    big_endian: bool,
    nanos: bool,
    /// Alexey Kuznetsov's "modified" format: 24-byte record headers.
    modified: bool,
    link: LinkType,
}

#[derive(Debug)]
enum Format {
    Pcap(PcapState),
    Ng(NgState),
}

/// A capture file being read frame by frame.
pub struct FileReader {
    src: Backing,
    name: String,
    path: PathBuf,
    total: Option<u64>,
    format: Format,
    frames: u64,
    /// A packet met while looking for the first interface at open time, and its data offset.
    pending: Option<(Frame, u64)>,
    /// Where the captured bytes of the frame returned last start in the input.
    data_offset: u64,
    /// Once reading failed, the same error is returned again.
    failed: Option<SourceError>,
    finished: bool,
    /// The compression the input was wrapped in, when it was.
    compression: Option<Compression>,
    /// What the reader noticed about the frame returned last.
    note: Option<FrameNote>,
    /// Unpadded pcapng blocks already reported.
    unpadded_noted: u64,
}

impl std::fmt::Debug for FileReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileReader")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl FileReader {
    /// Opens a pcap (µs and ns magic, either byte order) or pcapng file (any byte order, several
    /// interfaces with different link types, `if_tsresol`). A regular file is read as it was
    /// when opened; if it shrinks meanwhile, reading ends with [`SourceError::Shrunk`].
    pub fn open(path: &Path) -> Result<FileReader, SourceError> {
        FileReader::open_with(path, &StreamControl::unstoppable())
    }

    /// Like [`FileReader::open`]; a FIFO or other non-regular file is read through `ctl`: a
    /// stop request ends a read that waits for the writer, and the idle action runs whenever
    /// the writer has nothing more for now. Opening a FIFO does not wait for a writer.
    pub fn open_with(path: &Path, ctl: &StreamControl) -> Result<FileReader, SourceError> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if special {
            let stream =
                PolledStream::open(path, ctl.clone()).map_err(|e| SourceError::open(path, e))?;
            let name = path.display().to_string();
            return FileReader::init(Backing::stream(Box::new(stream)), name, path.into(), None);
        }
        let file = File::open(path).map_err(|e| SourceError::open(path, e))?;
        let meta = file
            .metadata()
            .map_err(|e| SourceError::io(path, "read its metadata", e))?;
        let name = path.display().to_string();
        if meta.is_dir() {
            return Err(SourceError::Unsupported {
                path: path.into(),
                what: "it is a directory; give the path of a capture file inside it".into(),
            });
        }
        if meta.is_file() {
            if meta.len() == 0 {
                return Err(SourceError::Empty { path: path.into() });
            }
            let backing = Backing::file(file, meta.len());
            FileReader::init(backing, name, path.into(), Some(meta.len()))
        } else {
            FileReader::init(Backing::stream(Box::new(file)), name, path.into(), None)
        }
    }

    /// Standard input (`-`), read through `ctl` (see [`FileReader::open_with`]).
    pub fn stdin(ctl: &StreamControl) -> Result<FileReader, SourceError> {
        let stream = PolledStream::stdin(ctl.clone())
            .map_err(|e| SourceError::io(Path::new("-"), "read standard input", e))?;
        FileReader::from_reader(Box::new(stream), "-")
    }

    /// Like [`FileReader::open_with`], but a compressed regular file is first decompressed into
    /// an unlinked temporary file which is then read like any capture file, so that
    /// [`FileReader::shared_file`] is available (the viewer reads packet bytes on demand).
    /// Uncompressed files and streams are opened as [`FileReader::open_with`] does.
    pub fn open_seekable(path: &Path, ctl: &StreamControl) -> Result<FileReader, SourceError> {
        let is_file = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let kind = if is_file {
            decompress::sniff(path).map_err(|e| SourceError::open(path, e))?
        } else {
            None
        };
        let Some(kind) = kind else {
            return FileReader::open_with(path, ctl);
        };
        let file = File::open(path).map_err(|e| SourceError::open(path, e))?;
        let (tmp, n) = decompress::to_temp_file(kind, file)
            .map_err(|e| SourceError::io(path, decompress_op(kind), e))?;
        if n == 0 {
            return Err(SourceError::Empty { path: path.into() });
        }
        let backing = Backing::file(tmp, n);
        let mut r = FileReader::init(backing, path.display().to_string(), path.into(), Some(n))?;
        r.compression = Some(kind);
        Ok(r)
    }

    /// Streams from any reader, e.g. stdin (`synack replay -`). `name` is used in messages.
    pub fn from_reader(
        reader: Box<dyn Read + Send>,
        name: &str,
    ) -> Result<FileReader, SourceError> {
        FileReader::init(
            Backing::stream(reader),
            name.into(),
            PathBuf::from(name),
            None,
        )
    }

    fn init(
        mut src: Backing,
        name: String,
        path: PathBuf,
        total: Option<u64>,
    ) -> Result<FileReader, SourceError> {
        let head = src
            .fill(28)
            .map_err(|e| SourceError::io(&path, "read it", e))?;
        if head.is_empty() {
            if total.is_none() {
                // A pipe or FIFO whose writer closed at once: there is no file to be empty.
                return Err(SourceError::NoData { path });
            }
            return Err(SourceError::Empty { path });
        }
        if let Some(kind) = Compression::detect(head) {
            // Read through a decompressor; sizes and offsets are those of the decompressed
            // stream from here on.
            let inner = kind
                .decoder(src.into_reader())
                .map_err(|e| SourceError::io(&path, decompress_op(kind), e))?;
            let mut r = FileReader::init(Backing::stream(inner), name, path, None)?;
            if r.compression.is_some() {
                return Err(SourceError::Unsupported {
                    path: r.path,
                    what: "it is compressed twice; decompress it once first".into(),
                });
            }
            r.compression = Some(kind);
            return Ok(r);
        }
        let magic = head
            .get(..4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes);
        let format = match magic {
            Some(PCAP_US_LE | PCAP_NS_LE | PCAP_MODIFIED_LE | PCAP_US_BE | PCAP_NS_BE) => {
                if head.len() < 24 {
                    return Err(SourceError::TruncatedHeader {
                        path,
                        format: "pcap",
                        needed: 24,
                        available: head.len() as u64,
                    });
                }
                let (_, hdr) = parse_pcap_header(head).map_err(|e| SourceError::Unsupported {
                    path: path.clone(),
                    what: format!("unreadable pcap header ({e})"),
                })?;
                let st = PcapState {
                    fraction_too_big: None,
                    big_endian: hdr.is_bigendian(),
                    nanos: hdr.is_nanosecond_precision(),
                    modified: hdr.is_modified_format(),
                    link: LinkType((hdr.network.0 as u32) & 0xFFFF),
                };
                src.consume(24);
                Format::Pcap(st)
            }
            Some(SHB_TYPE) => {
                if head.len() < 28 {
                    return Err(SourceError::TruncatedHeader {
                        path,
                        format: "pcapng",
                        needed: 28,
                        available: head.len() as u64,
                    });
                }
                Format::Ng(NgState::default())
            }
            _ => {
                let (first_bytes, hint) = describe_unknown(head);
                return Err(SourceError::NotCapture {
                    path,
                    first_bytes,
                    hint,
                });
            }
        };
        let mut reader = FileReader {
            src,
            name,
            path,
            total,
            format,
            frames: 0,
            pending: None,
            data_offset: 0,
            failed: None,
            finished: false,
            compression: None,
            note: None,
            unpadded_noted: 0,
        };
        if let Format::Ng(st) = &mut reader.format {
            // Read up to the first interface so the link type is known before any packet.
            let mut scratch = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
            while !st.has_interfaces() {
                match st.step(&mut reader.src, &reader.path, 1, &mut scratch)? {
                    Step::Eof => {
                        // A section with no interface holds no packet: an empty capture, as
                        // tshark reads it (0 packets, no error).
                        reader.finished = true;
                        break;
                    }
                    Step::Packet { data_offset } => {
                        reader.pending = Some((scratch, data_offset));
                        break;
                    }
                    Step::Other => {}
                }
            }
        }
        Ok(reader)
    }

    /// Reads the next frame into `frame`, reusing its buffer. `Ok(false)` at a clean end of
    /// file. After an error every further call returns the same error.
    pub fn next_into(&mut self, frame: &mut Frame) -> Result<bool, SourceError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        if self.finished {
            return Ok(false);
        }
        self.note = None;
        if let Some((p, data_offset)) = self.pending.take() {
            *frame = p;
            self.data_offset = data_offset;
            self.frames += 1;
            self.take_note();
            self.stamp(frame);
            return Ok(true);
        }
        let packet = self.frames + 1;
        let result = match &mut self.format {
            Format::Pcap(st) => next_pcap(st, &mut self.src, &self.path, packet, frame),
            Format::Ng(st) => loop {
                match st.step(&mut self.src, &self.path, packet, frame) {
                    Ok(Step::Eof) => break Ok(None),
                    Ok(Step::Packet { data_offset }) => break Ok(Some(data_offset)),
                    Ok(Step::Other) => {}
                    Err(e) => break Err(e),
                }
            },
        };
        // A file that ends early, or mid-record, because another program truncated it while
        // it was read is said so (the frames before were all returned).
        let result = match (result, self.src.shrunk()) {
            (Ok(None), Some((was, now))) => Err(self.shrunk_error(was, now)),
            (Err(e), Some((was, now))) if e.is_truncated() => Err(self.shrunk_error(was, now)),
            (r, _) => r,
        };
        match result {
            Ok(Some(data_offset)) => {
                self.data_offset = data_offset;
                self.frames += 1;
                self.take_note();
                self.stamp(frame);
                Ok(true)
            }
            Ok(None) => {
                self.finished = true;
                Ok(false)
            }
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    fn shrunk_error(&self, was: u64, now: u64) -> SourceError {
        SourceError::Shrunk {
            path: self.path.clone(),
            packets: self.frames,
            offset: self.src.position(),
            was,
            now,
        }
    }

    /// Moves what the format state noticed about the frame just read into `note`.
    fn take_note(&mut self) {
        self.note = match &mut self.format {
            Format::Pcap(st) => st
                .fraction_too_big
                .take()
                .map(|value| FrameNote::FractionTooBig {
                    value,
                    nanos: st.nanos,
                }),
            Format::Ng(st) => {
                if st.ts_out_of_range {
                    Some(FrameNote::TimeOutOfRange)
                } else if st.unpadded_blocks > self.unpadded_noted {
                    self.unpadded_noted = st.unpadded_blocks;
                    Some(FrameNote::UnpaddedBlock)
                } else {
                    None
                }
            }
        };
    }

    /// Gives the frame just read its note; its location is the capture thread's to set (the
    /// reader's frames compare equal whether read from a file or a stream).
    fn stamp(&self, frame: &mut Frame) {
        frame.note = self.note;
        frame.at = FrameAt::Owned;
    }

    /// What the reader noticed about the frame returned last that its bytes do not show (a
    /// malformed timestamp, a leniently read block), to report as an issue of that packet.
    pub fn frame_note(&self) -> Option<FrameNote> {
        self.note
    }

    /// Frames returned so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Bytes of the input consumed so far (the offset of the next record).
    pub fn bytes_read(&self) -> u64 {
        self.src.position()
    }

    /// Where the captured bytes of the frame returned last start, counted from the beginning
    /// of the input (for a regular file: an offset in [`FileReader::shared_file`]).
    pub fn data_offset(&self) -> u64 {
        self.data_offset
    }

    /// The regular file being read, shared: a consumer can keep `(data_offset, caplen)` per
    /// frame and read the bytes back with positioned reads instead of copying them. `None`
    /// for streams (stdin, pipes).
    pub fn shared_file(&self) -> Option<Arc<File>> {
        self.src.shared_file()
    }

    /// The file's size, when it is a regular file.
    pub fn total_bytes(&self) -> Option<u64> {
        self.total
    }

    /// The link type of the file (pcap) or of its first interface (pcapng).
    pub fn link_type(&self) -> Option<LinkType> {
        match &self.format {
            Format::Pcap(st) => Some(st.link),
            Format::Ng(st) => st.first_link(),
        }
    }

    /// The compression the file was read through (`None` for a plain capture).
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// The path or name given when opening (e.g. `-` for stdin).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The remaining frames as an iterator of owned frames (one allocation per frame; the
    /// streaming loops use [`FileReader::next_into`] instead). It ends after yielding the first
    /// error, so every frame before a cut is seen before the error.
    pub fn frames(self) -> Frames {
        Frames { reader: Some(self) }
    }
}

fn next_pcap(
    st: &mut PcapState,
    src: &mut Backing,
    path: &Path,
    packet: u64,
    frame: &mut Frame,
) -> Result<Option<u64>, SourceError> {
    let offset = src.position();
    let hdr_len: usize = if st.modified { 24 } else { 16 };
    let truncated = |needed: usize, available: usize| SourceError::Truncated {
        path: path.into(),
        packet,
        offset,
        needed: needed as u64,
        available: available as u64,
    };
    let head = src
        .fill(hdr_len)
        .map_err(|e| SourceError::io(path, "read it", e))?;
    if head.is_empty() {
        return Ok(None);
    }
    let Some(caplen_bytes) = head.get(8..12).and_then(|b| <[u8; 4]>::try_from(b).ok()) else {
        return Err(truncated(hdr_len, head.len()));
    };
    if head.len() < hdr_len {
        return Err(truncated(hdr_len, head.len()));
    }
    let caplen = if st.big_endian {
        u32::from_be_bytes(caplen_bytes)
    } else {
        u32::from_le_bytes(caplen_bytes)
    };
    if caplen > MAX_CAPLEN {
        return Err(SourceError::AbsurdLength {
            path: path.into(),
            packet,
            offset,
            caplen: u64::from(caplen),
            limit: u64::from(MAX_CAPLEN),
        });
    }
    let need = hdr_len + caplen as usize;
    let buf = src
        .fill(need)
        .map_err(|e| SourceError::io(path, "read it", e))?;
    let Some(record) = buf.get(..need) else {
        return Err(truncated(need, buf.len()));
    };
    let parsed = if st.big_endian {
        parse_pcap_frame_be(record)
    } else if st.modified {
        parse_pcap_frame_modified(record)
    } else {
        parse_pcap_frame(record)
    };
    let (_, rec) = parsed.map_err(|e| SourceError::Malformed {
        path: path.into(),
        packet,
        offset,
        what: format!("unreadable packet record ({e})"),
    })?;
    let limit = if st.nanos { 1_000_000_000 } else { 1_000_000 };
    st.fraction_too_big = (rec.ts_usec >= limit).then_some(rec.ts_usec);
    let frac_ns = if st.nanos {
        i64::from(rec.ts_usec)
    } else {
        i64::from(rec.ts_usec) * 1000
    };
    let ts = i64::from(rec.ts_sec) * 1_000_000_000 + frac_ns;
    copy_frame(frame, ts, rec.origlen, st.link, rec.data);
    src.consume(need);
    Ok(Some(offset + hdr_len as u64))
}

/// What was being done when a decompressor failed, for the error message.
fn decompress_op(kind: Compression) -> &'static str {
    match kind {
        Compression::Gzip => "decompress it (gzip)",
        Compression::Zstd => "decompress it (zstd)",
        Compression::Xz => "decompress it (xz)",
    }
}

/// Describes the first bytes of a file that is not a capture, with a hint when the format is
/// recognisable.
fn describe_unknown(head: &[u8]) -> (String, String) {
    let first = head.get(..8).unwrap_or(head);
    let hex: Vec<String> = first.iter().map(|b| format!("{b:02x}")).collect();
    let text: String = first
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    let described = format!("{} (\"{}\")", hex.join(" "), text);
    // gzip, zstd and xz never get here: they are decompressed on the fly.
    let hint = if head.starts_with(b"BZh") {
        "; it looks bzip2-compressed: decompress it with `bunzip2` first"
    } else if head.starts_with(b"PK\x03\x04") {
        "; it looks like a zip archive: extract the capture first"
    } else if let Some(name) = other_capture_format(head) {
        return (
            described,
            format!(
                "; it is a {name} capture, which synack does not read: convert it with \
                 `editcap -F pcap IN OUT` (Wireshark's editcap)"
            ),
        );
    } else if head.starts_with(&[0x34, 0xcd, 0xb2, 0xa1]) {
        "; it is a big-endian \"modified\" pcap: convert it with `editcap -F pcap IN OUT`"
    } else if !head.is_empty()
        && head
            .iter()
            .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        "; it looks like text (tcpdump's printed output is not a capture: use `tcpdump -w FILE`)"
    } else {
        ""
    };
    (described, hint.into())
}

/// Capture formats other than pcap/pcapng that Wireshark reads (and editcap converts), by
/// their magic bytes.
fn other_capture_format(head: &[u8]) -> Option<&'static str> {
    const FORMATS: &[(&[u8], &str)] = &[
        (b"snoop\0", "Solaris snoop"),
        (b"btsnoop\0", "BTSnoop (Bluetooth HCI)"),
        (b"GMBU", "Microsoft Network Monitor 2.x"),
        (b"RTSS", "Microsoft Network Monitor 1.x"),
        (b"TRSNIFF data", "Sniffer (DOS)"),
        (b"ObserverPktBuffer", "Network Instruments Observer"),
        (b"iptrace 1.0", "AIX iptrace"),
        (b"iptrace 2.0", "AIX iptrace"),
        (b"\x7f\x45\x54\x48", "EtherPeek/AiroPeek"),
        (b"XCP\0", "NetXRay / Sniffer for Windows"),
        (b"\x00\x00\x02\x00\x12\x05\x00\x10", "Tektronix K12"),
        (b"\x50\x43\x41\x50", "Visual Networks"),
    ];
    FORMATS
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, name)| *name)
}

/// Iterator over a reader's frames: see [`FileReader::frames`].
pub struct Frames {
    /// `None` once the end or an error was reached.
    reader: Option<FileReader>,
}

impl Iterator for Frames {
    type Item = Result<Frame, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let reader = self.reader.as_mut()?;
        let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
        match reader.next_into(&mut frame) {
            Ok(true) => Some(Ok(frame)),
            Ok(false) => {
                self.reader = None;
                None
            }
            Err(e) => {
                self.reader = None;
                Some(Err(e))
            }
        }
    }
}
