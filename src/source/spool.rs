//! The spool of a live capture: every captured frame is appended to a pcap file (the `-w`
//! file, or an anonymous temporary file in `$TMPDIR` that is unlinked as soon as it is opened,
//! so nothing is left on disk even after a crash) and the writer reports where each frame's
//! bytes start, so the consumer can keep only an index and read bytes back with positioned
//! reads. The file is a classic nanosecond pcap (magic `a1b23c4d`) that Wireshark opens.
//! Depends on `crate::model` and std.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Frame, LinkType};

/// Length of the pcap file header.
const FILE_HEADER: u64 = 24;
/// Length of a pcap record header.
const RECORD_HEADER: u64 = 16;

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
}

impl SpoolWriter {
    /// Creates (truncates) `path` as the spool.
    pub fn create(path: &Path, link: LinkType, snaplen: u32) -> io::Result<SpoolWriter> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
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
        })
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
        Frame {
            ts_ns: 1_700_000_000_123_456_789 + i64::from(i) * 1_000,
            len: 100 + i,
            link: LinkType::ETHERNET,
            data: (0..(i % 90)).map(|b| (b as u8) ^ (i as u8)).collect(),
        }
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
    fn spool_file_is_a_pcap_synack_and_tshark_read() {
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
        match std::process::Command::new("tshark")
            .args(["-r"])
            .arg(&path)
            .args(["-T", "fields", "-e", "frame.len", "-e", "frame.time_epoch"])
            .output()
        {
            Ok(out) => {
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let text = String::from_utf8_lossy(&out.stdout);
                let lines: Vec<&str> = text.lines().collect();
                assert_eq!(lines.len(), frames.len());
                assert!(
                    lines[3].starts_with("103\t1700000000.123459789"),
                    "{}",
                    lines[3]
                );
            }
            Err(e) => eprintln!("skipping the tshark check (tshark not runnable): {e}"),
        }
    }
}
