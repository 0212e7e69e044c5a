//! The spool of a live capture: every captured frame is appended to a pcap file (the `-w`
//! file, or an anonymous temporary file in `$TMPDIR` that is unlinked as soon as it is opened,
//! so nothing is left on disk even after a crash) and the writer reports where each frame's
//! bytes start, so the consumer can keep only an index and read bytes back with positioned
//! reads. The file is a classic nanosecond pcap (magic `a1b23c4d`) that Wireshark opens.
//! Depends on `crate::model` and std.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Frame, LinkType};

/// Length of the pcap file header.
const FILE_HEADER: u64 = 24;
/// Length of a pcap record header.
pub(crate) const RECORD_HEADER: u64 = 16;

/// Creates a capture file the way a shared directory (`/tmp`) needs: readable and writable by
/// its owner only (0600), never through a symbolic link (a link planted under the expected name
/// could point at any file of the user's), and never over an existing file unless `overwrite`
/// (then the file is truncated, must be a regular file, and becomes 0600 too). The errors say
/// which case it was.
pub fn create_capture_file(path: &Path, overwrite: bool) -> io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut options = OpenOptions::new();
    options
        .read(true)
        .write(true)
        .mode(0o600)
        // O_NONBLOCK: a FIFO under that name must not hang the open (it is refused below).
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let file = options.open(path).map_err(|e| {
        if link {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a symbolic link; synack does not write captures through links (one \
                 planted in a shared directory could point at any of your files). Write to \
                 the link's target itself, or choose another name",
            )
        } else if e.kind() == io::ErrorKind::AlreadyExists {
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "it already exists; synack does not overwrite captures unless told to: choose \
                 another name or add --force",
            )
        } else {
            e
        }
    })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a FIFO, device or directory); write the capture to a file",
        ));
    }
    if meta.permissions().mode() & 0o777 != 0o600 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Appends frames to a pcap spool.
#[derive(Debug)]
pub struct SpoolWriter {
    out: BufWriter<File>,
    /// A second handle on the same file, for readers (`read_at`).
    file: Arc<File>,
    /// Bytes written so far (flushed or not).
    pos: u64,
    /// `None` for the anonymous temporary spool.
    path: Option<PathBuf>,
    /// The bound on disk (`--spool-max`), for the temporary spool.
    ring: Option<Ring>,
}

/// Holes are punched from a multiple of this (file-system blocks are at most this size here).
const PUNCH_ALIGN: u64 = 64 * 1024;

/// Smallest `--spool-max` honoured (a smaller bound would evict every batch).
pub const MIN_SPOOL_MAX: u64 = 1 << 20;

/// A bounded spool is a ring inside one sparse file: offsets keep growing (so every reader's
/// offsets stay valid), and the oldest batches' bytes are given back to the file system by
/// punching holes (`fallocate(PUNCH_HOLE)`). Eviction goes by whole sent batches: `marks`
/// holds where each batch starts and the number of its first frame among frames sent.
#[derive(Debug)]
struct Ring {
    max: u64,
    /// Eviction starts when the live bytes come within `chunk` of `max`, and frees down to
    /// `max - 2 * chunk`, so holes are punched in large pieces.
    chunk: u64,
    marks: VecDeque<(u64, u64)>,
    /// Number of the frame after the last one sent.
    next_number: u64,
    /// Bytes before this offset are evicted (the consumer is told), and punched one call
    /// later (so it has had a turn to forget those packets first).
    gone_to: u64,
    punched_to: u64,
    /// Frames (counted from the first sent) whose bytes are gone.
    evicted: u64,
}

impl SpoolWriter {
    /// Creates `path` as the spool, safely: a new file only (see [`create_capture_file`]).
    pub fn create(path: &Path, link: LinkType, snaplen: u32) -> io::Result<SpoolWriter> {
        SpoolWriter::create_with(path, false, link, snaplen)
    }

    /// Creates `path` as the spool, safely; an existing regular file is overwritten when
    /// `overwrite` (`--force`).
    pub fn create_with(
        path: &Path,
        overwrite: bool,
        link: LinkType,
        snaplen: u32,
    ) -> io::Result<SpoolWriter> {
        let file = create_capture_file(path, overwrite)?;
        SpoolWriter::start(file, Some(path.to_path_buf()), link, snaplen)
    }

    /// Creates an anonymous spool in the temporary directory: the file is unlinked right
    /// after it is created, so it disappears when the last handle on it is closed.
    pub fn temporary(link: LinkType, snaplen: u32) -> io::Result<SpoolWriter> {
        SpoolWriter::temporary_in(&std::env::temp_dir(), link, snaplen)
    }

    fn temporary_in(dir: &Path, link: LinkType, snaplen: u32) -> io::Result<SpoolWriter> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for attempt in 0..100u32 {
            let path = dir.join(format!(
                "synack-spool-{}-{stamp}-{attempt}.pcap",
                std::process::id()
            ));
            match OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    std::fs::remove_file(&path)?;
                    return SpoolWriter::start(file, None, link, snaplen);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary spool name",
        ))
    }

    fn start(
        file: File,
        path: Option<PathBuf>,
        link: LinkType,
        snaplen: u32,
    ) -> io::Result<SpoolWriter> {
        let reader = Arc::new(file.try_clone()?);
        let mut out = BufWriter::with_capacity(256 * 1024, file);
        let mut header = Vec::with_capacity(FILE_HEADER as usize);
        header.extend_from_slice(&0xa1b2_3c4du32.to_le_bytes());
        header.extend_from_slice(&2u16.to_le_bytes());
        header.extend_from_slice(&4u16.to_le_bytes());
        header.extend_from_slice(&0i32.to_le_bytes());
        header.extend_from_slice(&0u32.to_le_bytes());
        header.extend_from_slice(&snaplen.to_le_bytes());
        header.extend_from_slice(&link.0.to_le_bytes());
        out.write_all(&header)?;
        Ok(SpoolWriter {
            out,
            file: reader,
            pos: FILE_HEADER,
            path,
            ring: None,
        })
    }

    /// Bounds the spool on disk to about `max` bytes (at least [`MIN_SPOOL_MAX`]): see
    /// [`SpoolWriter::note_sent`] and [`SpoolWriter::enforce_bound`]. Only for the temporary
    /// spool: a `-w` file keeps everything.
    pub fn bounded(mut self, max: u64) -> SpoolWriter {
        if self.path.is_none() {
            let max = max.max(MIN_SPOOL_MAX);
            self.ring = Some(Ring {
                max,
                chunk: (max / 8).max(64 * 1024),
                marks: VecDeque::new(),
                next_number: 0,
                gone_to: 0,
                punched_to: 0,
                evicted: 0,
            });
        }
        self
    }

    /// Records that a batch of `count` frames was sent to the consumer, numbered from
    /// `first_number` (among sent frames), its first record starting at `record_offset`.
    pub fn note_sent(&mut self, record_offset: u64, first_number: u64, count: u64) {
        if let Some(r) = &mut self.ring {
            r.marks.push_back((record_offset, first_number));
            r.next_number = first_number.saturating_add(count);
        }
    }

    /// Keeps a bounded spool within its bound: punches what the last call evicted, then, when
    /// the live bytes near the bound, evicts the oldest batches. Returns how many sent frames
    /// (counted from the first) are evicted so far, when that changed.
    pub fn enforce_bound(&mut self) -> io::Result<Option<u64>> {
        let pos = self.pos;
        let Some(r) = &mut self.ring else {
            return Ok(None);
        };
        if r.gone_to > r.punched_to {
            use rustix::fs::{FallocateFlags, fallocate};
            // From the start of the block holding the last hole's end: a hole frees only
            // whole blocks, so the block the last one ended in is freed now.
            let from = r.punched_to & !(PUNCH_ALIGN - 1);
            fallocate(
                &*self.file,
                FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE,
                from,
                r.gone_to - from,
            )
            .map_err(|e| {
                io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!(
                        "could not free the oldest part of the spool in $TMPDIR ({e}); \
                         --spool-max needs a file system that can punch holes (ext4, xfs, \
                         btrfs, tmpfs): point TMPDIR at one"
                    ),
                )
            })?;
            r.punched_to = r.gone_to;
        }
        // What is on disk: the live bytes plus those evicted but not punched yet.
        if pos.saturating_sub(r.punched_to).saturating_add(r.chunk) <= r.max {
            return Ok(None);
        }
        let keep = r.max.saturating_sub(2 * r.chunk);
        while r
            .marks
            .front()
            .is_some_and(|&(off, _)| pos.saturating_sub(off) > keep)
        {
            r.marks.pop_front();
        }
        let (floor, evicted) = r.marks.front().copied().unwrap_or((pos, r.next_number));
        if floor <= r.gone_to {
            return Ok(None);
        }
        r.gone_to = floor;
        r.evicted = evicted;
        Ok(Some(evicted))
    }

    /// With a bound, the most bytes one batch should hold before it is sent (and the bound
    /// enforced): half an eviction chunk, so the disk use stays within the bound even when
    /// the capture thread catches up on a full kernel buffer.
    pub fn batch_byte_limit(&self) -> Option<u64> {
        self.ring.as_ref().map(|r| r.chunk / 2)
    }

    /// Bytes the spool occupies on disk (allocated blocks), for tests and the status.
    pub fn disk_bytes(&self) -> io::Result<u64> {
        use std::os::unix::fs::MetadataExt;
        Ok(self.file.metadata()?.blocks().saturating_mul(512))
    }

    /// Appends `frame` as a pcap record; returns the offset of its captured bytes.
    pub fn write(&mut self, frame: &Frame) -> io::Result<u64> {
        let caplen = u32::try_from(frame.data.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
        let sec = frame.ts_ns.div_euclid(1_000_000_000);
        let ns = frame.ts_ns.rem_euclid(1_000_000_000);
        let mut header = [0u8; RECORD_HEADER as usize];
        header[0..4].copy_from_slice(&(sec as u32).to_le_bytes());
        header[4..8].copy_from_slice(&(ns as u32).to_le_bytes());
        header[8..12].copy_from_slice(&caplen.to_le_bytes());
        header[12..16].copy_from_slice(&frame.len.max(caplen).to_le_bytes());
        self.out.write_all(&header)?;
        self.out.write_all(&frame.data)?;
        let at = self.pos + RECORD_HEADER;
        self.pos = at + u64::from(caplen);
        Ok(at)
    }

    /// Writes buffered records to the file (readers see only flushed bytes).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// A read handle on the spool.
    pub fn reader(&self) -> Arc<File> {
        Arc::clone(&self.file)
    }

    /// The `-w` path, or `None` for the temporary spool.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.pos
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileExt;

    use super::*;
    use crate::source::FileReader;

    fn frame(i: u32) -> Frame {
        Frame::new(
            1_700_000_000_123_456_789 + i64::from(i) * 1_000,
            100 + i,
            LinkType::ETHERNET,
            (0..(i % 90)).map(|b| (b as u8) ^ (i as u8)).collect(),
        )
    }

    fn names(dir: &Path) -> Vec<std::ffi::OsString> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    }

    #[test]
    fn temporary_spool_reads_back_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SpoolWriter::temporary_in(dir.path(), LinkType::ETHERNET, 65535).unwrap();
        assert!(w.path().is_none());
        assert!(names(dir.path()).is_empty(), "unlinked at once");
        let frames: Vec<Frame> = (0..200).map(frame).collect();
        let offsets: Vec<u64> = frames.iter().map(|f| w.write(f).unwrap()).collect();
        w.flush().unwrap();
        let r = w.reader();
        drop(w);
        for (f, &off) in frames.iter().zip(&offsets) {
            let mut buf = vec![0u8; f.data.len()];
            r.read_exact_at(&mut buf, off).unwrap();
            assert_eq!(buf, f.data);
        }
        drop(r);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn spool_file_is_a_pcap_synack_and_libpcap_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool.pcap");
        let mut w = SpoolWriter::create(&path, LinkType::ETHERNET, 65535).unwrap();
        let frames: Vec<Frame> = (0..50).map(frame).collect();
        for f in &frames {
            w.write(f).unwrap();
        }
        w.flush().unwrap();
        assert_eq!(w.path(), Some(path.as_path()));
        assert_eq!(w.len(), std::fs::metadata(&path).unwrap().len());
        let mut reader = FileReader::open(&path).unwrap();
        let mut got = Vec::new();
        let mut f = frame(0);
        while reader.next_into(&mut f).unwrap() {
            got.push(f.clone());
        }
        assert_eq!(got, frames);
        // A second, independent reader: libpcap itself (always linked, so this always runs).
        let mut cap = pcap::Capture::from_file_with_precision(&path, pcap::Precision::Nano)
            .expect("libpcap opens the spool");
        let mut n = 0usize;
        while let Ok(p) = cap.next_packet() {
            let want = &frames[n];
            assert_eq!(p.data, &want.data[..], "packet {n}");
            assert_eq!(p.header.len, want.len, "packet {n}");
            let ts = p.header.ts.tv_sec * 1_000_000_000 + p.header.ts.tv_usec;
            assert_eq!(
                ts, want.ts_ns,
                "packet {n}: libpcap reads the nanosecond time"
            );
            n += 1;
        }
        assert_eq!(n, frames.len());
    }

    #[test]
    fn capture_files_are_private_and_never_clobber_or_follow_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.pcap");
        let w = SpoolWriter::create_with(&out, false, LinkType::ETHERNET, 65535).unwrap();
        drop(w);
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "created {mode:o}");

        // An existing file is refused without --force, and left as it was.
        std::fs::write(&out, b"precious").unwrap();
        let e = SpoolWriter::create_with(&out, false, LinkType::ETHERNET, 65535).unwrap_err();
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(std::fs::read(&out).unwrap(), b"precious");
        // With --force it is overwritten, and private.
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(SpoolWriter::create_with(&out, true, LinkType::ETHERNET, 65535).unwrap());
        assert_eq!(std::fs::metadata(&out).unwrap().len(), 24);
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        // A symbolic link planted under the name is never followed, --force or not.
        let target = dir.path().join("victim");
        std::fs::write(&target, b"do not touch").unwrap();
        let link = dir.path().join("planted.pcap");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for force in [false, true] {
            let e = SpoolWriter::create_with(&link, force, LinkType::ETHERNET, 65535).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
        }
        // A dangling link too (O_CREAT would otherwise create its target).
        let dangling = dir.path().join("dangling.pcap");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(SpoolWriter::create_with(&dangling, true, LinkType::ETHERNET, 65535).is_err());
        assert!(!dir.path().join("nowhere").exists());
        assert_eq!(std::fs::read(&target).unwrap(), b"do not touch");
    }

    #[test]
    fn a_bounded_spool_stays_within_its_bound_and_keeps_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let max = 2 * MIN_SPOOL_MAX;
        let mut w = SpoolWriter::temporary_in(dir.path(), LinkType::ETHERNET, 65535)
            .unwrap()
            .bounded(max);
        let payload = Frame::new(0, 1000, LinkType::ETHERNET, vec![0xab; 1000]);
        // 40 MB through a 2 MiB bound, in batches of 100 frames.
        let (mut sent, mut evicted, mut peak) = (0u64, 0u64, 0u64);
        let mut offsets = Vec::new();
        for _ in 0..400 {
            let first = w.write(&payload).unwrap();
            offsets.push(first);
            for _ in 1..100 {
                offsets.push(w.write(&payload).unwrap());
            }
            w.flush().unwrap();
            w.note_sent(first - RECORD_HEADER, sent, 100);
            sent += 100;
            if let Some(e) = w.enforce_bound().unwrap() {
                assert!(e >= evicted, "evictions only grow");
                evicted = e;
            }
            peak = peak.max(w.disk_bytes().unwrap());
        }
        assert!(w.len() > 40_000_000, "wrote {}", w.len());
        // Allocation is by file-system block: allow a little slack over the bound.
        assert!(
            peak <= max + 64 * 1024,
            "disk use peaked at {peak} for a {max} bound"
        );
        assert!(evicted > 0 && evicted < sent, "evicted {evicted} of {sent}");
        // Every kept frame reads back intact; the newest one in particular.
        let r = w.reader();
        let kept = usize::try_from(evicted).unwrap();
        for &off in &offsets[kept..] {
            let mut buf = vec![0u8; 1000];
            r.read_exact_at(&mut buf, off).unwrap();
            assert_eq!(buf, payload.data);
        }
        assert!(offsets.len() - kept > 1000, "kept {}", offsets.len() - kept);
    }
}
