//! Transparent decompression of capture files: recognises gzip, zstd and xz by their magic
//! bytes and wraps the input in a streaming decoder (`dump`, `flows`, stdin), or decompresses it
//! once into an unlinked temporary file that the viewer reads back on demand (positioned reads).
//! Depends on std, flate2, ruzstd and lzma-rs.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// A compression format recognised by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
    Xz,
}

impl Compression {
    /// The format whose magic bytes `head` starts with.
    pub fn detect(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Compression::Xz)
        } else {
            None
        }
    }

    /// Lowercase name for messages (`gzip`, `zstd`, `xz`).
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
        }
    }

    /// A reader yielding the decompressed bytes of `inner` (which starts at the magic bytes).
    /// gzip files made of several members (`cat a.gz b.gz`) are read to the end, as gunzip does.
    pub fn decoder(self, inner: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
        let raw: Box<dyn Read + Send> = match self {
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(inner))),
            Compression::Zstd => Box::new(
                ruzstd::decoding::StreamingDecoder::new(inner)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?,
            ),
            Compression::Xz => Box::new(XzReader::spawn(inner)?),
        };
        Ok(Box::new(Named { kind: self, raw }))
    }
}

/// Puts the format's name in front of the decoder's errors ("gzip data is cut or corrupt: …").
struct Named {
    kind: Compression,
    raw: Box<dyn Read + Send>,
}

impl Read for Named {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.raw.read(buf).map_err(|e| {
            let kind = match e.kind() {
                io::ErrorKind::UnexpectedEof => io::ErrorKind::UnexpectedEof,
                _ => io::ErrorKind::InvalidData,
            };
            io::Error::new(
                kind,
                format!("{} data is cut short or corrupt ({e})", self.kind.name()),
            )
        })
    }
}

/// xz through lzma-rs, whose decoder pushes into a `Write`: it runs on its own thread and
/// hands the bytes over a pipe, so the rest of the reader still pulls.
struct XzReader {
    pipe: io::PipeReader,
    worker: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl XzReader {
    fn spawn(inner: Box<dyn Read + Send>) -> io::Result<XzReader> {
        let (pipe, mut writer) = io::pipe()?;
        let worker = std::thread::Builder::new()
            .name("synack-unxz".into())
            .spawn(move || {
                let mut input = BufReader::new(inner);
                let r = lzma_rs::xz_decompress(&mut input, &mut writer);
                let _ = writer.flush();
                r.map_err(|e| format!("{e:?}"))
            })?;
        Ok(XzReader {
            pipe,
            worker: Some(worker),
        })
    }
}

impl Read for XzReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.pipe.read(buf)?;
        if n == 0 && !buf.is_empty() {
            // The writer is gone: say whether it ended cleanly or on corrupt data.
            if let Some(w) = self.worker.take() {
                match w.join() {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("xz data is corrupt ({e})"),
                        ));
                    }
                    Err(_) => return Err(io::Error::other("the xz decoder thread failed")),
                }
            }
        }
        Ok(n)
    }
}

/// Decompresses `file` (a `kind`-compressed capture) into a new temporary file that is already
/// unlinked, so it disappears when the last handle closes, even after a crash. Returns the open
/// temporary file, rewound, and how many bytes it holds.
pub fn to_temp_file(kind: Compression, file: File) -> io::Result<(File, u64)> {
    let mut decoder = kind.decoder(Box::new(file))?;
    let (mut out, path) = create_temp()?;
    // Unlink at once: only our handle keeps the data.
    let _ = std::fs::remove_file(&path);
    let n = io::copy(&mut decoder, &mut out)?;
    out.flush()?;
    Ok((out, n))
}

/// A new file in the temporary directory, readable and writable by us only.
fn create_temp() -> io::Result<(File, PathBuf)> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = dir.join(format!("synack-unpacked-{pid}-{nanos:x}-{attempt}.pcap"));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(f) => return Ok((f, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not find a free temporary file name",
    ))
}

/// Whether the file at `path` starts with a compression magic (reads 6 bytes).
pub fn sniff(path: &Path) -> io::Result<Option<Compression>> {
    let mut head = [0u8; 6];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(head.get_mut(n..).unwrap_or(&mut [])) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Compression::detect(head.get(..n).unwrap_or(&[])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::os::unix::fs::MetadataExt;

    const TEXT: &[u8] = b"a pcap would go here, repeated enough to compress; ";

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn detects_magic() {
        assert_eq!(Compression::detect(&gz(b"x")), Some(Compression::Gzip));
        assert_eq!(
            Compression::detect(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Some(Compression::Zstd)
        );
        assert_eq!(
            Compression::detect(b"\xfd7zXZ\0rest"),
            Some(Compression::Xz)
        );
        assert_eq!(Compression::detect(&[0xd4, 0xc3, 0xb2, 0xa1]), None);
        assert_eq!(Compression::detect(&[0x1f]), None);
    }

    #[test]
    fn gzip_members_are_concatenated() {
        let mut two = gz(TEXT);
        two.extend(gz(b"second"));
        let mut out = Vec::new();
        Compression::Gzip
            .decoder(Box::new(Cursor::new(two)))
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, [TEXT, b"second"].concat());
    }

    #[test]
    fn xz_round_trip_and_corruption() {
        let mut packed = Vec::new();
        lzma_rs::xz_compress(&mut Cursor::new(TEXT), &mut packed).unwrap();
        let mut out = Vec::new();
        Compression::Xz
            .decoder(Box::new(Cursor::new(packed.clone())))
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, TEXT);
        // Cut the stream: the reader reports corrupt data instead of a clean end.
        packed.truncate(packed.len() / 2);
        let mut out = Vec::new();
        let r = Compression::Xz
            .decoder(Box::new(Cursor::new(packed)))
            .unwrap()
            .read_to_end(&mut out);
        assert!(r.is_err(), "a cut xz stream must be an error");
    }

    #[test]
    fn temp_file_is_unlinked_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.gz");
        std::fs::write(&p, gz(TEXT)).unwrap();
        let (mut f, n) = to_temp_file(Compression::Gzip, File::open(&p).unwrap()).unwrap();
        assert_eq!(n, TEXT.len() as u64);
        use std::io::Seek;
        f.seek(io::SeekFrom::Start(0)).unwrap();
        let mut back = Vec::new();
        f.read_to_end(&mut back).unwrap();
        assert_eq!(back, TEXT);
        assert_eq!(
            f.metadata().unwrap().nlink(),
            0,
            "the temporary file is unlinked"
        );
    }
}
