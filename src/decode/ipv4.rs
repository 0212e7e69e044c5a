//! IPv4: the header walk (lengths, fragments, options check, segmentation-offload length 0)
//! and its field description (every field with its meaning, options named); the IPsec
//! Authentication Header that may follow it. Depends on `walk`, `bytes`, `fields`, `names`.

use std::net::{IpAddr, Ipv4Addr};
use std::ops::Range;

use super::bytes::{array, be16, be32, slice, u8_at};
use super::field::ipv4 as field;
use super::fields::{Hb, fld, hex};
use super::names;
use super::problem::Problem;
use super::walk::{Hdr, Sink, Walker};
use super::{FieldValue, Header, LayerKind, Proto};

const L: LayerKind = LayerKind::Internet;

/// An IPv4 packet at `off`, inside a payload that ends at `end`.
pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let Some(b0) = u8_at(w.data, off + field::VER_IHL.start) else {
        w.require(L, "IPv4", "header", off, end, field::MIN_HEADER_LEN);
        return;
    };
    let ihl = usize::from(b0 & 0x0f) * 4;
    if ihl < field::MIN_HEADER_LEN {
        w.emit(Hdr::Ipv4 { tso: false }, off, off + field::MIN_HEADER_LEN);
        w.problem(
            L,
            off,
            Problem::BadValue {
                proto: "IPv4",
                field: "header length",
                value: ihl as u64,
                why: "below the 20-byte minimum",
            },
        );
        return;
    }
    let total = be16(w.data, off + field::LENGTH.start).map(usize::from);
    let tso = total == Some(0);
    w.emit(Hdr::Ipv4 { tso }, off, off + ihl);
    if !w.require(L, "IPv4", "header", off, end, field::MIN_HEADER_LEN) {
        // Like tshark, keep whichever address made it into the capture.
        if total.is_some_and(|t| t == 0 || t >= ihl) {
            partial_addresses::<S, 4>(w, off + field::SRC_ADDR.start, off + field::DST_ADDR.start);
        }
        return;
    }
    let (Some(total), Some(frag), Some(proto), Some(src), Some(dst)) = (
        total,
        be16(w.data, off + field::FLG_OFF.start),
        u8_at(w.data, off + field::PROTOCOL.start),
        array::<4>(w.data, off + field::SRC_ADDR.start),
        array::<4>(w.data, off + field::DST_ADDR.start),
    ) else {
        return;
    };
    let declared = if tso {
        w.problem(
            L,
            off + field::LENGTH.start,
            Problem::LengthFromFrame { proto: "IPv4" },
        );
        end
    } else if total < ihl {
        w.problem(
            L,
            off + field::LENGTH.start,
            Problem::LenBelowHeader {
                proto: "IPv4",
                field: "total length",
                value: total as u64,
                min: ihl,
            },
        );
        return;
    } else {
        off + total
    };
    if declared > end {
        w.problem(
            L,
            off + field::LENGTH.start,
            Problem::LenExceeds {
                proto: "IPv4",
                field: "total length",
                value: total as u64,
                avail: end - off,
            },
        );
    }
    let ip_end = declared.min(end);
    w.set_ips(
        IpAddr::V4(Ipv4Addr::from(src)),
        IpAddr::V4(Ipv4Addr::from(dst)),
    );
    w.set_net_end(ip_end);
    if ihl > field::MIN_HEADER_LEN {
        if !w.require(L, "IPv4", "options", off, ip_end, ihl) {
            w.note_proto(Proto::Ip(proto));
            return;
        }
        check_options(w, off + field::MIN_HEADER_LEN, off + ihl);
    }
    let frag_off = u32::from(frag & 0x1fff) * 8;
    if frag_off != 0 {
        w.note_proto(Proto::Ip(proto));
        w.problem(
            L,
            off + field::FLG_OFF.start,
            Problem::LaterFragment { offset: frag_off },
        );
        w.data_rest(off + ihl, ip_end);
        return;
    }
    w.ip_proto(proto, off + ihl, ip_end);
}

/// The outermost IP header's addresses when the header itself is cut: each one that was
/// captured is kept (`N` is the address size).
pub(crate) fn partial_addresses<S: Sink, const N: usize>(
    w: &mut Walker<'_, S>,
    src_at: usize,
    dst_at: usize,
) {
    if w.sum.src.is_some() {
        return;
    }
    let addr = |b: [u8; N]| -> IpAddr {
        match <[u8; 4]>::try_from(&b[..]) {
            Ok(a) => IpAddr::V4(Ipv4Addr::from(a)),
            Err(_) => {
                let mut v6 = [0u8; 16];
                for (d, s) in v6.iter_mut().zip(b) {
                    *d = s;
                }
                IpAddr::V6(std::net::Ipv6Addr::from(v6))
            }
        }
    };
    if let Some(s) = array::<N>(w.data, src_at) {
        w.sum.src = Some(addr(s));
        w.sum.dst = array::<N>(w.data, dst_at).map(addr);
    }
}

/// Walks the option list only to report a broken one (the description names them).
fn check_options<S: Sink>(w: &mut Walker<'_, S>, start: usize, end: usize) {
    let mut o = start;
    while o < end {
        let Some(kind) = u8_at(w.data, o) else { return };
        match kind {
            0 => return,
            1 => o += 1,
            _ => {
                let len = u8_at(w.data, o + 1).unwrap_or(0);
                if len < 2 || o + usize::from(len) > end {
                    w.problem(
                        L,
                        o,
                        Problem::BadOption {
                            proto: "IPv4",
                            kind,
                            len,
                        },
                    );
                    return;
                }
                o += usize::from(len);
            }
        }
    }
}

/// IPsec Authentication Header (IP protocol 51) at `off`.
pub(crate) fn ah<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.note_proto(Proto::Ip(51));
    let len = u8_at(w.data, off + 1).map_or(12, |l| (usize::from(l) + 2) * 4);
    w.emit(Hdr::Ah, off, off + len);
    if !w.require(L, "AH", "header", off, end, len.max(12)) {
        return;
    }
    let Some(next) = u8_at(w.data, off) else {
        return;
    };
    w.ip_proto(next, off + len, end);
}

// ---------------------------------------------------------------------------------------
// Description

pub(crate) fn describe(data: &[u8], r: Range<usize>, tso: bool) -> Header {
    let o = r.start;
    let hend = r.end;
    let mut h = Hb::new(L, "IPv4", data, r);
    if let Some(b0) = u8_at(data, o) {
        h.add("Version", o, 1, (b0 >> 4).to_string(), "");
        let ihl = b0 & 0x0f;
        h.add(
            "Header length",
            o,
            1,
            format!("{} bytes", usize::from(ihl) * 4),
            format!("IHL {ihl}"),
        );
    }
    if let Some(tos) = u8_at(data, o + field::DSCP_ECN.start) {
        let d = tos >> 2;
        h.add(
            "DSCP",
            o + field::DSCP_ECN.start,
            field::DSCP_ECN.len(),
            d.to_string(),
            names::dscp(d),
        );
        h.add(
            "ECN",
            o + field::DSCP_ECN.start,
            field::DSCP_ECN.len(),
            (tos & 3).to_string(),
            names::ecn(tos),
        );
    }
    if let Some(t) = be16(data, o + field::LENGTH.start) {
        let m = if tso && t == 0 {
            "0: length taken from the frame (segmentation offload)".to_string()
        } else {
            "header + payload".to_string()
        };
        h.add(
            "Total length",
            o + field::LENGTH.start,
            field::LENGTH.len(),
            t.to_string(),
            m,
        );
    }
    if let Some(id) = be16(data, o + field::IDENT.start) {
        h.add(
            "Identification",
            o + field::IDENT.start,
            2,
            format!("0x{id:04x}"),
            id.to_string(),
        );
    }
    if let Some(f) = be16(data, o + field::FLG_OFF.start) {
        let mut flags = Vec::new();
        if f & 0x8000 != 0 {
            flags.push("reserved (evil) bit");
        }
        if f & 0x4000 != 0 {
            flags.push("Don't Fragment");
        }
        if f & 0x2000 != 0 {
            flags.push("More Fragments");
        }
        let m = if flags.is_empty() {
            "none".to_string()
        } else {
            flags.join(", ")
        };
        h.add(
            "Flags",
            o + field::FLG_OFF.start,
            1,
            format!("0x{:x}", f >> 13),
            m,
        );
        let fo = u32::from(f & 0x1fff) * 8;
        let m = if fo == 0 && f & 0x2000 != 0 {
            "first fragment"
        } else if fo != 0 {
            "later fragment: no transport header here"
        } else {
            ""
        };
        h.add(
            "Fragment offset",
            o + field::FLG_OFF.start,
            field::FLG_OFF.len(),
            fo.to_string(),
            m,
        );
    }
    if let Some(ttl) = u8_at(data, o + field::TTL.start) {
        h.add(
            "Time to live",
            o + field::TTL.start,
            field::TTL.len(),
            ttl.to_string(),
            "hops left",
        );
    }
    if let Some(p) = u8_at(data, o + field::PROTOCOL.start) {
        h.add(
            "Protocol",
            o + field::PROTOCOL.start,
            1,
            p.to_string(),
            names::ip_proto_long(p).unwrap_or("unknown"),
        );
    }
    if let Some(c) = be16(data, o + field::CHECKSUM.start) {
        h.add(
            "Header checksum",
            o + field::CHECKSUM.start,
            2,
            format!("0x{c:04x}"),
            "not verified",
        );
    }
    if let Some(a) = array::<4>(data, o + field::SRC_ADDR.start) {
        let ip = Ipv4Addr::from(a);
        h.add_typed(
            "Source",
            o + field::SRC_ADDR.start,
            4,
            ip.to_string(),
            "",
            FieldValue::Ip(ip.into()),
        );
    }
    if let Some(a) = array::<4>(data, o + field::DST_ADDR.start) {
        let ip = Ipv4Addr::from(a);
        h.add_typed(
            "Destination",
            o + field::DST_ADDR.start,
            4,
            ip.to_string(),
            "",
            FieldValue::Ip(ip.into()),
        );
    }
    if hend > o + field::MIN_HEADER_LEN {
        let opts = options(data, o + field::MIN_HEADER_LEN, hend);
        let mut f = fld(
            "Options",
            o + field::MIN_HEADER_LEN..hend,
            format!("{} bytes", hend - (o + field::MIN_HEADER_LEN)),
            "",
        );
        f.children = opts;
        h.push(f);
    }
    h.finish()
}

fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List",
        1 => "No-Operation",
        7 => "Record Route",
        68 => "Timestamp",
        130 => "Security",
        131 => "Loose Source Route",
        133 => "Extended Security",
        134 => "Commercial Security (CIPSO)",
        136 => "Stream ID",
        137 => "Strict Source Route",
        148 => "Router Alert",
        25 => "Quick-Start",
        _ => "unknown",
    }
}

fn options(data: &[u8], start: usize, end: usize) -> Vec<super::Field> {
    let mut out = Vec::new();
    let mut o = start;
    while o < end {
        let Some(kind) = u8_at(data, o) else { break };
        if kind == 0 || kind == 1 {
            out.push(fld(option_name(kind), o..o + 1, kind.to_string(), ""));
            o += 1;
            if kind == 0 {
                break;
            }
            continue;
        }
        let len = u8_at(data, o + 1).map_or(0, usize::from);
        if len < 2 || o + len > end || o + len > data.len() {
            out.push(fld(
                option_name(kind),
                o..end.min(data.len()),
                format!("kind {kind}"),
                "bad length: options stop here",
            ));
            break;
        }
        let body = slice(data, o + 2, len - 2).unwrap_or(&[]);
        let value = match kind {
            148 => be16(data, o + 2).map_or_else(String::new, |v| v.to_string()),
            7 | 131 | 137 => {
                let addrs: Vec<String> = body
                    .get(1..)
                    .unwrap_or(&[])
                    .chunks_exact(4)
                    .filter_map(|c| <[u8; 4]>::try_from(c).ok())
                    .map(|a| Ipv4Addr::from(a).to_string())
                    .collect();
                if addrs.is_empty() {
                    "no addresses".to_string()
                } else {
                    addrs.join(", ")
                }
            }
            68 => be32(data, o + 4).map_or_else(|| hex(body, 16), |t| format!("first {t} ms")),
            _ => hex(body, 16),
        };
        out.push(fld(
            option_name(kind),
            o..o + len,
            value,
            format!("kind {kind}, {len} bytes"),
        ));
        o += len;
    }
    out
}

pub(crate) fn describe_ah(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "Authentication Header", data, r.clone());
    if let Some(n) = u8_at(data, o) {
        h.add(
            "Next header",
            o,
            1,
            n.to_string(),
            names::ip_proto_long(n).unwrap_or("unknown"),
        );
    }
    if let Some(l) = u8_at(data, o + 1) {
        h.add(
            "Length",
            o + 1,
            1,
            l.to_string(),
            format!("{} bytes", (usize::from(l) + 2) * 4),
        );
    }
    if let Some(spi) = be32(data, o + 4) {
        h.add("SPI", o + 4, 4, format!("0x{spi:08x}"), "");
    }
    if let Some(seq) = be32(data, o + 8) {
        h.add("Sequence", o + 8, 4, seq.to_string(), "");
    }
    if r.end > o + 12 {
        let icv = super::bytes::clamped(data, o + 12, r.end);
        h.add(
            "ICV",
            o + 12,
            icv.len(),
            hex(icv, 32),
            "integrity check value",
        );
    }
    h.finish()
}
