//! Writes packets to a capture file that Wireshark opens: classic pcap with nanosecond
//! timestamps, or pcapng (one interface per link type, nanosecond resolution) when the name
//! ends in `.pcapng`. Packet bytes, wire lengths and timestamps are copied exactly. Used by
//! `dump -w` (and meant for the viewer's export).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::model::{Frame, LinkType};

/// Which file format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Pcap,
    Pcapng,
}

impl ExportFormat {
    /// pcapng when the name ends in `.pcapng` (any case), pcap otherwise.
    pub fn for_path(path: &Path) -> ExportFormat {
        let ng = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"));
        if ng { Self::Pcapng } else { Self::Pcap }
    }
}

/// A capture file being written. Call [`PacketWriter::finish`] to flush it.
pub struct PacketWriter<W: Write = BufWriter<File>> {
    out: W,
    format: ExportFormat,
    /// pcap: the file's one link type (set by the first packet).
    /// pcapng: the interfaces described so far, by link type.
    links: Vec<LinkType>,
    written: u64,
}

impl PacketWriter {
    /// Creates (truncates) `path`, in the format its name asks for.
    pub fn create(path: &Path) -> io::Result<PacketWriter> {
        let file = File::create(path)?;
        Ok(PacketWriter::new(
            BufWriter::with_capacity(1 << 16, file),
            ExportFormat::for_path(path),
        ))
    }
}

impl<W: Write> PacketWriter<W> {
    pub fn new(out: W, format: ExportFormat) -> PacketWriter<W> {
        PacketWriter {
            out,
            format,
            links: Vec::new(),
            written: 0,
        }
    }

    /// Packets written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Appends one packet.
    pub fn write(&mut self, frame: &Frame) -> io::Result<()> {
        let caplen = u32::try_from(frame.data.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "packet too large"))?;
        let wire = frame.len.max(caplen);
        match self.format {
            ExportFormat::Pcap => {
                match self.links.first() {
                    None => {
                        self.pcap_header(frame.link)?;
                        self.links.push(frame.link);
                    }
                    Some(l) if *l != frame.link => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidInput,
                            format!(
                                "a pcap file holds one link type and these packets have two \
                                 ({} and {}): name the output .pcapng",
                                l.name(),
                                frame.link.name()
                            ),
                        ));
                    }
                    Some(_) => {}
                }
                let sec = frame.ts_ns.div_euclid(1_000_000_000);
                let ns = frame.ts_ns.rem_euclid(1_000_000_000);
                let mut h = [0u8; 16];
                h[0..4].copy_from_slice(&(sec as u32).to_le_bytes());
                h[4..8].copy_from_slice(&(ns as u32).to_le_bytes());
                h[8..12].copy_from_slice(&caplen.to_le_bytes());
                h[12..16].copy_from_slice(&wire.to_le_bytes());
                self.out.write_all(&h)?;
                self.out.write_all(&frame.data)?;
            }
            ExportFormat::Pcapng => {
                if self.links.is_empty() {
                    self.section_header()?;
                }
                let iface = match self.links.iter().position(|l| *l == frame.link) {
                    Some(i) => i,
                    None => {
                        self.interface(frame.link)?;
                        self.links.push(frame.link);
                        self.links.len() - 1
                    }
                };
                // Enhanced Packet Block, timestamps in nanoseconds (if_tsresol 9).
                let ts = u64::try_from(frame.ts_ns).unwrap_or(0);
                let pad = (4 - frame.data.len() % 4) % 4;
                let total = 32 + frame.data.len() + pad;
                let total = u32::try_from(total)
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "packet too large"))?;
                let mut h = Vec::with_capacity(28);
                h.extend_from_slice(&6u32.to_le_bytes());
                h.extend_from_slice(&total.to_le_bytes());
                h.extend_from_slice(&(iface as u32).to_le_bytes());
                h.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
                h.extend_from_slice(&(ts as u32).to_le_bytes());
                h.extend_from_slice(&caplen.to_le_bytes());
                h.extend_from_slice(&wire.to_le_bytes());
                self.out.write_all(&h)?;
                self.out.write_all(&frame.data)?;
                self.out.write_all(&[0u8; 3][..pad])?;
                self.out.write_all(&total.to_le_bytes())?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Flushes the file. A file with no packet still gets its header (so it opens).
    pub fn finish(mut self) -> io::Result<W> {
        if self.links.is_empty() {
            match self.format {
                ExportFormat::Pcap => self.pcap_header(LinkType::ETHERNET)?,
                ExportFormat::Pcapng => self.section_header()?,
            }
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn pcap_header(&mut self, link: LinkType) -> io::Result<()> {
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&0xa1b2_3c4du32.to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&4u16.to_le_bytes());
        h.extend_from_slice(&0i32.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&262_144u32.to_le_bytes());
        h.extend_from_slice(&link.0.to_le_bytes());
        self.out.write_all(&h)
    }

    fn section_header(&mut self) -> io::Result<()> {
        let mut h = Vec::with_capacity(28);
        h.extend_from_slice(&0x0a0d_0d0au32.to_le_bytes());
        h.extend_from_slice(&28u32.to_le_bytes());
        h.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&(-1i64).to_le_bytes());
        h.extend_from_slice(&28u32.to_le_bytes());
        self.out.write_all(&h)
    }

    fn interface(&mut self, link: LinkType) -> io::Result<()> {
        // IDB with one option, if_tsresol = 9 (nanoseconds), then opt_endofopt.
        let mut h = Vec::with_capacity(32);
        h.extend_from_slice(&1u32.to_le_bytes());
        h.extend_from_slice(&32u32.to_le_bytes());
        h.extend_from_slice(&(link.0 as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&262_144u32.to_le_bytes());
        h.extend_from_slice(&9u16.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&[9, 0, 0, 0]);
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&32u32.to_le_bytes());
        self.out.write_all(&h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileReader;

    fn frames() -> Vec<Frame> {
        vec![
            Frame::new(
                1_700_000_000_123_456_789,
                80,
                LinkType::ETHERNET,
                (0..61u8).collect(),
            ),
            Frame::new(
                1_700_000_001_000_000_001,
                3,
                LinkType::RAW,
                vec![0x45, 1, 2],
            ),
        ]
    }

    fn read_back(bytes: Vec<u8>) -> Vec<Frame> {
        let mut r =
            FileReader::from_reader(Box::new(io::Cursor::new(bytes)), "test").expect("reads back");
        let mut out = Vec::new();
        let mut f = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
        while r.next_into(&mut f).expect("record") {
            out.push(f.clone());
        }
        out
    }

    #[test]
    fn pcapng_keeps_bytes_times_and_link_types() {
        let mut w = PacketWriter::new(Vec::new(), ExportFormat::Pcapng);
        for f in frames() {
            w.write(&f).expect("write");
        }
        assert_eq!(read_back(w.finish().expect("finish")), frames());
    }

    #[test]
    fn pcap_keeps_nanoseconds_and_refuses_a_second_link_type() {
        let mut w = PacketWriter::new(Vec::new(), ExportFormat::Pcap);
        let fs = frames();
        w.write(&fs[0]).expect("write");
        let e = w.write(&fs[1]).expect_err("two link types");
        assert!(e.to_string().contains(".pcapng"), "{e}");
        assert_eq!(read_back(w.finish().expect("finish")), fs[..1].to_vec());
        assert_eq!(
            ExportFormat::for_path(Path::new("a.PCAPNG")),
            ExportFormat::Pcapng
        );
        assert_eq!(
            ExportFormat::for_path(Path::new("a.cap")),
            ExportFormat::Pcap
        );
    }
}
