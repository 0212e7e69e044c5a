//! The bytes under a capture file reader: a read-only memory map of a regular file, or a
//! bounded, refilling buffer over any `Read` (stdin, pipes). Callers ask for "at least n bytes
//! from the current position" and then consume what they parsed. Depends on std and memmap2.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

use memmap2::Mmap;

/// Smallest read chunk for streams.
const STREAM_CHUNK: usize = 64 * 1024;

pub(crate) enum Backing {
    Mapped {
        /// Shared so that a consumer can keep re-reading frames after the reader is gone.
        map: Arc<Mmap>,
        pos: usize,
    },
    Stream {
        reader: Box<dyn Read + Send>,
        buf: Vec<u8>,
        /// Unconsumed bytes are `buf[start..end]`.
        start: usize,
        end: usize,
        eof: bool,
        /// Bytes consumed since the beginning of the stream.
        consumed: u64,
    },
}

impl Backing {
    /// Maps a regular, non-empty file.
    pub(crate) fn map(file: &File) -> io::Result<Backing> {
        // SAFETY: `Mmap::map` is unsafe because the mapped bytes can change underneath us: the
        // map is read-only and private (MAP_PRIVATE), but it is not a snapshot — pages not yet
        // read show what the file holds when they are first touched. What happens if another
        // program changes the file while synack reads it:
        // - bytes rewritten in place: we see the new bytes. Every read goes through bounds-
        //   checked slices and the parsers validate every length, so this gives wrong or
        //   malformed packets, never undefined behaviour in our code (we never turn the bytes
        //   into references to typed data, and never assume two reads of a byte agree).
        // - the file truncated: touching a page past the new end raises SIGBUS and the process
        //   dies (the terminal is left in raw mode: no handler runs). That is the trade-off
        //   ripgrep and Wireshark's mmap readers accept; the reliability work replaces the map
        //   with positioned reads so that truncation ends the read with an error instead.
        // - the file appended to: the map keeps its original length; later bytes are not seen.
        let map = unsafe { Mmap::map(file)? };
        Ok(Backing::Mapped {
            map: Arc::new(map),
            pos: 0,
        })
    }

    /// The whole memory map, when the input is mapped.
    pub(crate) fn shared_map(&self) -> Option<Arc<Mmap>> {
        match self {
            Backing::Mapped { map, .. } => Some(Arc::clone(map)),
            Backing::Stream { .. } => None,
        }
    }

    pub(crate) fn stream(reader: Box<dyn Read + Send>) -> Backing {
        Backing::Stream {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            consumed: 0,
        }
    }

    /// Offset of the current position from the start of the input.
    pub(crate) fn position(&self) -> u64 {
        match self {
            Backing::Mapped { pos, .. } => *pos as u64,
            Backing::Stream { consumed, .. } => *consumed,
        }
    }

    /// Returns the unconsumed bytes, at least `n` of them unless the input ends first (then all
    /// that remain). `n` must already be checked against a sane limit by the caller: a stream
    /// buffer grows to `n`.
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<&[u8]> {
        match self {
            Backing::Mapped { map, pos } => Ok(map.get(*pos..).unwrap_or(&[])),
            Backing::Stream {
                reader,
                buf,
                start,
                end,
                eof,
                ..
            } => {
                if *end - *start < n && !*eof {
                    // Move the unconsumed tail to the front, grow to fit n, then read.
                    buf.copy_within(*start..*end, 0);
                    *end -= *start;
                    *start = 0;
                    let want = n.max(STREAM_CHUNK);
                    if buf.len() < want {
                        buf.resize(want, 0);
                    }
                    while *end < n {
                        let Some(space) = buf.get_mut(*end..) else {
                            break;
                        };
                        match reader.read(space) {
                            Ok(0) => {
                                *eof = true;
                                break;
                            }
                            Ok(k) => *end += k,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                Ok(buf.get(*start..*end).unwrap_or(&[]))
            }
        }
    }

    /// Marks `n` bytes (which `fill` returned) as consumed.
    pub(crate) fn consume(&mut self, n: usize) {
        match self {
            Backing::Mapped { map, pos } => *pos = pos.saturating_add(n).min(map.len()),
            Backing::Stream {
                start,
                end,
                consumed,
                ..
            } => {
                let n = n.min(*end - *start);
                *start += n;
                *consumed += n as u64;
            }
        }
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
}
