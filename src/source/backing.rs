//! The bytes under a capture file reader: a bounded, refilling buffer over a regular file
//! (positioned reads, `pread`) or over any `Read` (stdin, pipes). Callers ask for "at least n
//! bytes from the current position" and then consume what they parsed. A regular file is
//! not memory-mapped: another program truncating it while it is read (re-running
//! `tcpdump -w` on the same file) would kill a mapped reader with SIGBUS; a positioned read
//! just returns fewer bytes, and [`Backing::shrunk`] says so. Depends on std.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Smallest read chunk for streams.
const STREAM_CHUNK: usize = 64 * 1024;
/// Read chunk for regular files (fewer system calls; the page cache does the rest).
const FILE_CHUNK: usize = 1024 * 1024;

/// Sentinel for "the file did not shrink".
const NOT_SHRUNK: u64 = u64::MAX;

/// Reads a regular file with positioned reads up to the size it had when opened (a file
/// still being written is read as it was then). Notes when the file ends early: it was
/// truncated while being read.
struct FileAt {
    file: Arc<File>,
    pos: u64,
    limit: u64,
    /// The size the file was found to have when it ended early ([`NOT_SHRUNK`] otherwise).
    shrunk_to: Arc<AtomicU64>,
}

impl Read for FileAt {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let left = self.limit.saturating_sub(self.pos);
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(out.len());
        let Some(space) = out.get_mut(..want) else {
            return Ok(0);
        };
        if space.is_empty() {
            return Ok(0);
        }
        let n = self.file.read_at(space, self.pos)?;
        if n == 0 {
            let now = self.file.metadata().map_or(self.pos, |m| m.len());
            self.shrunk_to.store(now.min(self.pos), Ordering::SeqCst);
        }
        self.pos += n as u64;
        Ok(n)
    }
}

pub(crate) struct Backing {
    reader: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// Unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    /// Bytes consumed since the beginning of the stream.
    consumed: u64,
    chunk: usize,
    /// The regular file read, when it is one.
    file: Option<Arc<File>>,
    /// Its size when opened, and what it shrank to (see [`FileAt`]).
    opened_len: u64,
    shrunk_to: Arc<AtomicU64>,
}

impl Backing {
    /// Reads a regular file of `len` bytes (its size when opened).
    pub(crate) fn file(file: File, len: u64) -> Backing {
        let file = Arc::new(file);
        let shrunk_to = Arc::new(AtomicU64::new(NOT_SHRUNK));
        let reader = FileAt {
            file: Arc::clone(&file),
            pos: 0,
            limit: len,
            shrunk_to: Arc::clone(&shrunk_to),
        };
        Backing {
            file: Some(file),
            opened_len: len,
            shrunk_to,
            chunk: FILE_CHUNK,
            ..Backing::stream(Box::new(reader))
        }
    }

    /// The regular file, shared so that a consumer can keep re-reading frames (with
    /// positioned reads) after the reader is gone.
    pub(crate) fn shared_file(&self) -> Option<Arc<File>> {
        self.file.clone()
    }

    /// `(size when opened, size found when it ended early)` if the file was truncated
    /// while being read.
    pub(crate) fn shrunk(&self) -> Option<(u64, u64)> {
        let now = self.shrunk_to.load(Ordering::SeqCst);
        (now != NOT_SHRUNK).then_some((self.opened_len, now))
    }

    pub(crate) fn stream(reader: Box<dyn Read + Send>) -> Backing {
        Backing {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            consumed: 0,
            chunk: STREAM_CHUNK,
            file: None,
            opened_len: 0,
            shrunk_to: Arc::new(AtomicU64::new(NOT_SHRUNK)),
        }
    }

    /// Offset of the current position from the start of the input.
    pub(crate) fn position(&self) -> u64 {
        self.consumed
    }

    /// Returns the unconsumed bytes, at least `n` of them unless the input ends first (then all
    /// that remain). `n` must already be checked against a sane limit by the caller: the
    /// buffer grows to `n`.
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.end - self.start < n && !self.eof {
            // Move the unconsumed tail to the front, grow to fit n, then read.
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            let want = n.max(self.chunk);
            if self.buf.len() < want {
                self.buf.resize(want, 0);
            }
            while self.end < n {
                let Some(space) = self.buf.get_mut(self.end..) else {
                    break;
                };
                match self.reader.read(space) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(k) => self.end += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(self.buf.get(self.start..self.end).unwrap_or(&[]))
    }

    /// The unconsumed input as a plain reader (to put a decompressor in front of it).
    pub(crate) fn into_reader(self) -> Box<dyn Read + Send> {
        let rest = self.buf.get(self.start..self.end).unwrap_or(&[]).to_vec();
        Box::new(io::Cursor::new(rest).chain(self.reader))
    }

    /// Marks `n` bytes (which `fill` returned) as consumed.
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.consumed += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most 3 bytes per call, to exercise refills.
    struct Dribble(Vec<u8>, usize);
    impl Read for Dribble {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let rest = self.0.get(self.1..).unwrap_or(&[]);
            let k = rest.len().min(3).min(out.len());
            out[..k].copy_from_slice(&rest[..k]);
            self.1 += k;
            Ok(k)
        }
    }

    #[test]
    fn stream_refills_and_counts() {
        let data: Vec<u8> = (0..=255u8).cycle().take(200_000).collect();
        let mut b = Backing::stream(Box::new(Dribble(data.clone(), 0)));
        let got = b.fill(10).unwrap();
        assert!(got.len() >= 10);
        assert_eq!(&got[..10], &data[..10]);
        b.consume(7);
        assert_eq!(b.position(), 7);
        let got = b.fill(100_000).unwrap();
        assert!(got.len() >= 100_000);
        assert_eq!(&got[..5], &data[7..12]);
        let n = got.len();
        b.consume(n);
        let pos = b.position() as usize;
        let rest = b.fill(usize::MAX >> 40).unwrap().to_vec();
        assert_eq!(rest, data[pos..]);
    }

    #[test]
    fn a_file_that_shrinks_while_read_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data = vec![7u8; 3 * FILE_CHUNK];
        std::fs::write(&path, &data).unwrap();
        let mut b = Backing::file(File::open(&path).unwrap(), data.len() as u64);
        assert_eq!(b.fill(10).unwrap().len(), FILE_CHUNK);
        assert_eq!(b.shrunk(), None);
        b.consume(FILE_CHUNK);
        // Another program truncates it (as `tcpdump -w` on the same file does).
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(100)
            .unwrap();
        assert!(b.fill(10).unwrap().is_empty(), "no bytes past the new end");
        assert_eq!(b.shrunk(), Some((data.len() as u64, 100)));
    }

    #[test]
    fn a_file_is_read_as_it_was_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abcdef").unwrap();
        let mut b = Backing::file(File::open(&path).unwrap(), 4);
        assert_eq!(b.fill(100).unwrap(), b"abcd");
        assert_eq!(
            b.shrunk(),
            None,
            "stopping at the size when opened is not shrinking"
        );
    }
}
