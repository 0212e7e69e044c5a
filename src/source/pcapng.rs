//! The pcapng half of the file reader: walks blocks one at a time over a [`Backing`], keeps
//! each section's interfaces (link type, snaplen, `if_tsresol`, `if_tsoffset`) and turns
//! Enhanced, Simple and obsolete Packet Blocks into [`Frame`]s. Block bodies are parsed with
//! pcap-parser; the framing (lengths, truncation, limits) is checked here first so nothing is
//! allocated from an unchecked length. Depends on `crate::model`, `super::backing`,
//! `super::error` and pcap-parser.

use std::path::Path;

use pcap_parser::pcapng::{
    parse_enhancedpacketblock_be, parse_enhancedpacketblock_le, parse_interfacedescriptionblock_be,
    parse_interfacedescriptionblock_le, parse_sectionheaderblock, parse_simplepacketblock_be,
    parse_simplepacketblock_le,
};
use pcap_parser::traits::PcapNGPacketBlock;

use super::backing::Backing;
use super::error::SourceError;
use super::record::{MAX_CAPLEN, copy_frame};
use crate::model::{Frame, LinkType, TimestampNs};

pub(crate) const SHB_TYPE: u32 = 0x0A0D_0D0A;
const IDB_TYPE: u32 = 0x0000_0001;
const OBSOLETE_PB_TYPE: u32 = 0x0000_0002;
const SPB_TYPE: u32 = 0x0000_0003;
const EPB_TYPE: u32 = 0x0000_0006;
const BOM: u32 = 0x1A2B_3C4D;
/// Largest block accepted (non-packet blocks such as name resolution can be big, but not this).
pub(crate) const MAX_BLOCK: u32 = 16 * 1024 * 1024;

#[derive(Clone, Copy, Debug)]
struct Interface {
    link: LinkType,
    snaplen: u32,
    /// Timestamp units per second (from `if_tsresol`, default 10^6).
    units_per_sec: u64,
    /// Seconds added to every timestamp (`if_tsoffset`).
    offset_s: i64,
}

#[derive(Debug, Default)]
pub(crate) struct NgState {
    big_endian: bool,
    interfaces: Vec<Interface>,
    /// Blocks whose length left out the padding (read anyway); the file reader notes them.
    pub(crate) unpadded_blocks: u64,
    /// A packet's timestamp did not fit (past the year 2262): set for the packet returned by
    /// the last step.
    pub(crate) ts_out_of_range: bool,
}

/// What one call to [`NgState::step`] did.
pub(crate) enum Step {
    /// A clean end of input between blocks.
    Eof,
    /// A packet was written into the frame; its captured bytes start `data_offset` bytes
    /// from the beginning of the input.
    Packet { data_offset: u64 },
    /// A non-packet block was consumed.
    Other,
}

fn u32_at(b: &[u8], at: usize, be: bool) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if be {
        u32::from_be_bytes(bytes)
    } else {
        u32::from_le_bytes(bytes)
    })
}

fn u16_at(b: &[u8], at: usize, be: bool) -> Option<u16> {
    let bytes: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if be {
        u16::from_be_bytes(bytes)
    } else {
        u16::from_le_bytes(bytes)
    })
}

/// Timestamp units per second for an `if_tsresol` byte: 10^n, or 2^n when the top bit is set.
pub(crate) fn tsresol_units(v: u8) -> Option<u64> {
    if v & 0x80 == 0 {
        10u64.checked_pow(u32::from(v))
    } else {
        1u64.checked_shl(u32::from(v & 0x7f))
    }
}

/// Converts a pcapng timestamp (in interface units) to nanoseconds since the epoch, saturating.
#[cfg(test)]
pub(crate) fn ng_ts_ns(high: u32, low: u32, units_per_sec: u64, offset_s: i64) -> TimestampNs {
    ng_ts_checked(high, low, units_per_sec, offset_s).0
}

/// [`ng_ts_ns`], and whether the time fit in nanoseconds since 1970 as an i64 (between the
/// years 1677 and 2262); when not, the time returned is the nearest one that fits.
pub(crate) fn ng_ts_checked(
    high: u32,
    low: u32,
    units_per_sec: u64,
    offset_s: i64,
) -> (TimestampNs, bool) {
    let t = (u64::from(high) << 32) | u64::from(low);
    let units = u128::from(units_per_sec.max(1));
    let t = u128::from(t);
    let secs = t / units;
    let frac_ns = (t % units) * 1_000_000_000 / units;
    let total = (secs as i128 + i128::from(offset_s)) * 1_000_000_000 + frac_ns as i128;
    let clamped = total.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
    (clamped as i64, clamped == total)
}

impl NgState {
    pub(crate) fn first_link(&self) -> Option<LinkType> {
        self.interfaces.first().map(|i| i.link)
    }

    pub(crate) fn has_interfaces(&self) -> bool {
        !self.interfaces.is_empty()
    }

    /// Reads and handles one block. `packet` is the 1-based number the next packet would get
    /// (for error messages).
    pub(crate) fn step(
        &mut self,
        src: &mut Backing,
        path: &Path,
        packet: u64,
        frame: &mut Frame,
    ) -> Result<Step, SourceError> {
        let offset = src.position();
        self.ts_out_of_range = false;
        let malformed = |what: String| SourceError::Malformed {
            path: path.into(),
            packet,
            offset,
            what,
        };
        let truncated = |needed: usize, available: usize| SourceError::Truncated {
            path: path.into(),
            packet,
            offset,
            needed: needed as u64,
            available: available as u64,
        };
        let absurd = |caplen: u64, limit: u64| SourceError::AbsurdLength {
            path: path.into(),
            packet,
            offset,
            caplen,
            limit,
        };

        let head = src
            .fill(28)
            .map_err(|e| SourceError::io(path, "read it", e))?;
        if head.is_empty() {
            return Ok(Step::Eof);
        }
        if head.len() < 12 {
            return Err(truncated(12, head.len()));
        }
        let raw_type = u32_at(head, 0, false).unwrap_or(0);
        let mut be = self.big_endian;
        if raw_type == SHB_TYPE {
            be = match u32_at(head, 8, false) {
                Some(BOM) => false,
                Some(b) if b == BOM.swap_bytes() => true,
                _ => {
                    return Err(malformed(
                        "a section header block with an unknown byte-order mark".into(),
                    ));
                }
            };
        }
        let btype = u32_at(head, 0, be).unwrap_or(0);
        let blen = u32_at(head, 4, be).unwrap_or(0);
        if blen < 12 {
            return Err(malformed(format!(
                "block of type {btype:#x} claims a length of {blen} bytes (at least 12 needed)"
            )));
        }
        if blen > MAX_BLOCK {
            return Err(absurd(u64::from(blen), u64::from(MAX_BLOCK)));
        }
        // Early NTAR writers stored a length that leaves out the padding to 4 bytes. Where the
        // trailing copy of the length says where the block really ends, read it (as Wireshark
        // does) and say so; otherwise the file is corrupt.
        let declared = blen;
        let (blen, unpadded) = if blen.is_multiple_of(4) {
            (blen, false)
        } else {
            let padded = blen.next_multiple_of(4);
            let buf = src
                .fill(padded as usize)
                .map_err(|e| SourceError::io(path, "read it", e))?;
            let trailer_at = |end: u32| u32_at(buf, end as usize - 4, be);
            if trailer_at(padded) == Some(blen) {
                (padded, true)
            } else if trailer_at(blen) == Some(blen) {
                (blen, true)
            } else if buf.len() < padded as usize {
                return Err(truncated(padded as usize, buf.len()));
            } else {
                return Err(malformed(format!(
                    "block of type {btype:#x} claims a length of {blen} bytes, not a multiple \
                     of 4, and its trailing length does not confirm it"
                )));
            }
        };
        let head = src
            .fill(28)
            .map_err(|e| SourceError::io(path, "read it", e))?;
        if btype == EPB_TYPE || btype == OBSOLETE_PB_TYPE {
            if blen < 32 {
                return Err(malformed(format!(
                    "packet block of {blen} bytes is shorter than its 32-byte header"
                )));
            }
            if head.len() < 28 {
                return Err(truncated(blen as usize, head.len()));
            }
            let caplen = u32_at(head, 20, be).unwrap_or(0);
            if caplen > MAX_CAPLEN {
                return Err(absurd(u64::from(caplen), u64::from(MAX_CAPLEN)));
            }
        } else if btype == SPB_TYPE {
            // type, length, original length and trailing length: 16 bytes before any data.
            let Some(data_len) = blen.checked_sub(16) else {
                return Err(malformed(format!(
                    "simple packet block of {blen} bytes is shorter than its 16-byte header"
                )));
            };
            if data_len > MAX_CAPLEN + 3 {
                return Err(absurd(u64::from(data_len), u64::from(MAX_CAPLEN)));
            }
        }

        let blen = blen as usize;
        let buf = src
            .fill(blen)
            .map_err(|e| SourceError::io(path, "read it", e))?;
        let Some(block) = buf.get(..blen) else {
            return Err(truncated(blen, buf.len()));
        };
        if u32_at(block, blen - 4, be) != Some(declared) {
            return Err(malformed(format!(
                "block of type {btype:#x}: the trailing length does not match the leading {blen}"
            )));
        }
        // An unpadded block is parsed from a copy padded to 4 bytes with both lengths fixed,
        // so the body parsers see a well-formed block with the same layout.
        let fixed: Vec<u8>;
        let block = if unpadded {
            let padded = blen.next_multiple_of(4);
            let mut copy = block.to_vec();
            copy.resize(padded, 0);
            let len_bytes = if be {
                (padded as u32).to_be_bytes()
            } else {
                (padded as u32).to_le_bytes()
            };
            for at in [4, padded - 4] {
                if let Some(dst) = copy.get_mut(at..at + 4) {
                    dst.copy_from_slice(&len_bytes);
                }
            }
            fixed = copy;
            &fixed[..]
        } else {
            block
        };

        // Where a slice of this block starts in the input (the data slices below all point
        // into `block`, which starts at `offset`).
        let at = |data: &[u8]| {
            let within = (data.as_ptr() as usize).wrapping_sub(block.as_ptr() as usize);
            offset.saturating_add(within.min(blen) as u64)
        };
        let step = match btype {
            SHB_TYPE => {
                let (_, shb) = parse_sectionheaderblock(block)
                    .map_err(|e| malformed(format!("unreadable section header ({e})")))?;
                if shb.major_version != 1 {
                    return Err(SourceError::Unsupported {
                        path: path.into(),
                        what: format!(
                            "pcapng version {}.{} (only 1.x exists)",
                            shb.major_version, shb.minor_version
                        ),
                    });
                }
                self.big_endian = be;
                self.interfaces.clear();
                Step::Other
            }
            IDB_TYPE => {
                let parsed = if be {
                    parse_interfacedescriptionblock_be(block)
                } else {
                    parse_interfacedescriptionblock_le(block)
                };
                let (_, idb) = parsed
                    .map_err(|e| malformed(format!("unreadable interface description ({e})")))?;
                let mut units_per_sec = 1_000_000;
                let mut offset_s = 0i64;
                for opt in &idb.options {
                    let Ok(v) = opt.as_bytes() else { continue };
                    match opt.code.0 {
                        9 => {
                            if let Some(&r) = v.first() {
                                units_per_sec = tsresol_units(r).ok_or_else(|| {
                                    malformed(format!(
                                        "interface {} has an impossible time resolution if_tsresol={r:#x}",
                                        self.interfaces.len()
                                    ))
                                })?;
                            }
                        }
                        14 => {
                            if let Ok(b) = <[u8; 8]>::try_from(v) {
                                offset_s = if be {
                                    i64::from_be_bytes(b)
                                } else {
                                    i64::from_le_bytes(b)
                                };
                            }
                        }
                        _ => {}
                    }
                }
                self.interfaces.push(Interface {
                    link: LinkType((idb.linktype.0 as u32) & 0xFFFF),
                    snaplen: idb.snaplen,
                    units_per_sec,
                    offset_s,
                });
                Step::Other
            }
            EPB_TYPE => {
                let parsed = if be {
                    parse_enhancedpacketblock_be(block)
                } else {
                    parse_enhancedpacketblock_le(block)
                };
                let (_, epb) =
                    parsed.map_err(|e| malformed(format!("unreadable packet block ({e})")))?;
                let iface = self.interface(epb.if_id, path, packet, offset)?;
                let (ts, fits) =
                    ng_ts_checked(epb.ts_high, epb.ts_low, iface.units_per_sec, iface.offset_s);
                self.ts_out_of_range = !fits;
                let data = epb.packet_data();
                copy_frame(frame, ts, epb.origlen, iface.link, data);
                Step::Packet {
                    data_offset: at(data),
                }
            }
            SPB_TYPE => {
                let parsed = if be {
                    parse_simplepacketblock_be(block)
                } else {
                    parse_simplepacketblock_le(block)
                };
                let (_, spb) =
                    parsed.map_err(|e| malformed(format!("unreadable simple packet ({e})")))?;
                let iface = self.interface(0, path, packet, offset)?;
                let mut data = spb.packet_data();
                if iface.snaplen > 0 {
                    data = data.get(..iface.snaplen as usize).unwrap_or(data);
                }
                // A simple packet carries no timestamp.
                copy_frame(frame, 0, spb.origlen, iface.link, data);
                Step::Packet {
                    data_offset: at(data),
                }
            }
            OBSOLETE_PB_TYPE => {
                let field = |at| u32_at(block, at, be).unwrap_or(0);
                let if_id = u16_at(block, 8, be).unwrap_or(0);
                let caplen = field(20) as usize;
                let data = block
                    .get(28..28 + caplen)
                    .filter(|_| 28 + caplen <= blen - 4)
                    .ok_or_else(|| {
                        malformed(format!(
                            "packet block claims {caplen} captured bytes but is only {blen} long"
                        ))
                    })?;
                let iface = self.interface(u32::from(if_id), path, packet, offset)?;
                let (ts, fits) =
                    ng_ts_checked(field(12), field(16), iface.units_per_sec, iface.offset_s);
                self.ts_out_of_range = !fits;
                copy_frame(frame, ts, field(24), iface.link, data);
                Step::Packet {
                    data_offset: at(data),
                }
            }
            _ => Step::Other,
        };
        src.consume(blen);
        if unpadded {
            self.unpadded_blocks += 1;
        }
        Ok(step)
    }

    fn interface(
        &self,
        id: u32,
        path: &Path,
        packet: u64,
        offset: u64,
    ) -> Result<Interface, SourceError> {
        self.interfaces
            .get(id as usize)
            .copied()
            .ok_or_else(|| SourceError::UndefinedInterface {
                path: path.into(),
                packet,
                offset,
                interface: id,
                defined: self.interfaces.len(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsresol_decimal_and_binary() {
        assert_eq!(tsresol_units(6), Some(1_000_000));
        assert_eq!(tsresol_units(9), Some(1_000_000_000));
        assert_eq!(tsresol_units(0x80 | 10), Some(1024));
        assert_eq!(tsresol_units(20), None);
        assert_eq!(tsresol_units(0x80 | 64), None);
    }

    #[test]
    fn ts_conversion() {
        // 1.5 s at microsecond resolution, plus a 10 s offset.
        assert_eq!(ng_ts_ns(0, 1_500_000, 1_000_000, 10), 11_500_000_000);
        // 2^-10 s units: 1536 units = 1.5 s
        assert_eq!(ng_ts_ns(0, 1536, 1024, 0), 1_500_000_000);
        // saturates instead of overflowing
        assert_eq!(ng_ts_ns(u32::MAX, u32::MAX, 1, i64::MAX), i64::MAX);
    }
}
