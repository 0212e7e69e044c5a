//! IPv6: the fixed header, the extension-header chain (hop-by-hop with the jumbo payload
//! option, routing, fragment, destination options, AH), and their field descriptions.
//! Depends on `walk`, `bytes`, `fields`, `names`.

use std::net::{IpAddr, Ipv6Addr};
use std::ops::Range;

use super::bytes::{array, be16, be32, clamped, u8_at};
use super::field::ipv6 as field;
use super::fields::{Hb, fld, hex};
use super::names;
use super::problem::Problem;
use super::walk::{Hdr, Sink, Walker};
use super::{Field, FieldValue, Header, LayerKind, Proto};

const L: LayerKind = LayerKind::Internet;
/// Extension headers followed before giving up.
const MAX_EXTENSIONS: usize = 16;

fn is_extension(next: u8) -> bool {
    matches!(next, 0 | 43 | 44 | 51 | 60)
}

/// An IPv6 packet at `off` inside a payload that ends at `end`.
pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let plen = be16(w.data, off + field::LENGTH.start);
    w.emit(
        Hdr::Ipv6 {
            tso: plen == Some(0),
        },
        off,
        off + field::HEADER_LEN,
    );
    if let Some(b0) = u8_at(w.data, off)
        && b0 >> 4 != 6
    {
        w.problem(
            L,
            off,
            Problem::BadVersion {
                proto: "IPv6",
                version: b0 >> 4,
            },
        );
        return;
    }
    if !w.require(L, "IPv6", "header", off, end, field::HEADER_LEN) {
        super::ipv4::partial_addresses::<S, 16>(
            w,
            off + field::SRC_ADDR.start,
            off + field::DST_ADDR.start,
        );
        return;
    }
    let (Some(plen), Some(mut next), Some(src), Some(dst)) = (
        plen,
        u8_at(w.data, off + field::NXT_HDR.start),
        array::<16>(w.data, off + field::SRC_ADDR.start),
        array::<16>(w.data, off + field::DST_ADDR.start),
    ) else {
        return;
    };
    w.set_ips(
        IpAddr::V6(Ipv6Addr::from(src)),
        IpAddr::V6(Ipv6Addr::from(dst)),
    );
    let mut declared = if plen == 0 {
        None
    } else {
        Some(off + field::HEADER_LEN + usize::from(plen))
    };
    let mut cur = off + field::HEADER_LEN;
    let mut count = 0;
    while is_extension(next) {
        count += 1;
        if count > MAX_EXTENSIONS {
            w.problem(L, cur, Problem::TooManyExtensions);
            w.data_rest(cur, declared.unwrap_or(end).min(end));
            return;
        }
        let bound = declared.unwrap_or(end).min(end);
        let len = match (next, u8_at(w.data, cur + 1)) {
            (44, _) => 8,
            (51, Some(l)) => (usize::from(l) + 2) * 4,
            (_, Some(l)) => (usize::from(l) + 1) * 8,
            (_, None) => 8,
        };
        w.emit(Hdr::Ipv6Ext(next), cur, cur + len);
        let name = ext_name(next);
        if !w.require(L, name, "header", cur, bound, len) {
            return;
        }
        if next == 0
            && plen == 0
            && let Some(j) = jumbo(w.data, cur + 2, cur + len)
        {
            declared = Some(off + field::HEADER_LEN + j as usize);
        }
        if next == 44 {
            let fo = be16(w.data, cur + 2).map_or(0, |v| u32::from(v & 0xfff8));
            if fo != 0 {
                let proto = u8_at(w.data, cur).unwrap_or(59);
                w.note_proto(Proto::Ip(proto));
                w.problem(L, cur + 2, Problem::LaterFragment { offset: fo });
                w.set_net_end(bound);
                w.data_rest(cur + len, bound);
                return;
            }
        }
        let Some(n) = u8_at(w.data, cur) else { return };
        next = n;
        cur += len;
    }
    let declared = match declared {
        Some(d) => d,
        // Payload length 0 with bytes after the header and no jumbo option: segmentation
        // offload / BIG TCP; the frame says how long the packet is.
        None if next != 59 && end.saturating_sub(cur) >= 8 => {
            w.problem(
                L,
                off + field::LENGTH.start,
                Problem::LengthFromFrame { proto: "IPv6" },
            );
            end
        }
        None => off + field::HEADER_LEN,
    };
    if declared > end {
        let value = if plen == 0 {
            (declared - off - field::HEADER_LEN) as u64
        } else {
            u64::from(plen)
        };
        w.problem(
            L,
            off + field::LENGTH.start,
            Problem::LenExceeds {
                proto: "IPv6",
                field: if plen == 0 {
                    "jumbo payload length"
                } else {
                    "payload length"
                },
                value,
                avail: end.saturating_sub(off + field::HEADER_LEN),
            },
        );
    }
    let ip_end = declared.min(end);
    w.set_net_end(ip_end);
    if cur > ip_end {
        // Extension headers ran past the declared payload: nothing left for the transport.
        return;
    }
    w.ip_proto(next, cur, ip_end);
}

/// The Jumbo Payload option's length in a hop-by-hop option area.
fn jumbo(d: &[u8], mut o: usize, end: usize) -> Option<u32> {
    while o < end {
        let t = u8_at(d, o)?;
        if t == 0 {
            o += 1;
            continue;
        }
        let l = usize::from(u8_at(d, o + 1)?);
        if t == 0xc2 && l == 4 {
            return be32(d, o + 2);
        }
        o += 2 + l;
    }
    None
}

fn ext_name(next: u8) -> &'static str {
    match next {
        0 => "IPv6 hop-by-hop options",
        43 => "IPv6 routing",
        44 => "IPv6 fragment",
        51 => "AH",
        60 => "IPv6 destination options",
        _ => "IPv6 extension",
    }
}

// ---------------------------------------------------------------------------------------
// Descriptions

pub(crate) fn describe(data: &[u8], r: Range<usize>, tso: bool) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "IPv6", data, r);
    if let Some(v) = be32(data, o) {
        h.add("Version", o, 1, (v >> 28).to_string(), "");
        let tc = ((v >> 20) & 0xff) as u8;
        h.add("DSCP", o, 2, (tc >> 2).to_string(), names::dscp(tc >> 2));
        h.add(
            "ECN",
            o + field::VER_TC_FLOW.start + 1,
            1,
            (tc & 3).to_string(),
            names::ecn(tc),
        );
        h.add(
            "Flow label",
            o + field::VER_TC_FLOW.start + 1,
            3,
            format!("0x{:05x}", v & 0xfffff),
            "",
        );
    }
    if let Some(p) = be16(data, o + field::LENGTH.start) {
        let m = if tso && p == 0 {
            "0: jumbogram or segmentation offload"
        } else {
            "bytes after this header"
        };
        h.add(
            "Payload length",
            o + field::LENGTH.start,
            field::LENGTH.len(),
            p.to_string(),
            m,
        );
    }
    if let Some(n) = u8_at(data, o + field::NXT_HDR.start) {
        h.add(
            "Next header",
            o + field::NXT_HDR.start,
            1,
            n.to_string(),
            names::ip_proto_long(n).unwrap_or("unknown"),
        );
    }
    if let Some(hl) = u8_at(data, o + field::HOP_LIMIT.start) {
        h.add(
            "Hop limit",
            o + field::HOP_LIMIT.start,
            field::HOP_LIMIT.len(),
            hl.to_string(),
            "hops left",
        );
    }
    if let Some(a) = array::<16>(data, o + field::SRC_ADDR.start) {
        let ip = Ipv6Addr::from(a);
        h.add_typed(
            "Source",
            o + field::SRC_ADDR.start,
            16,
            ip.to_string(),
            scope(a),
            FieldValue::Ip(ip.into()),
        );
    }
    if let Some(a) = array::<16>(data, o + field::DST_ADDR.start) {
        let ip = Ipv6Addr::from(a);
        h.add_typed(
            "Destination",
            o + field::DST_ADDR.start,
            16,
            ip.to_string(),
            scope(a),
            FieldValue::Ip(ip.into()),
        );
    }
    h.finish()
}

fn scope(a: [u8; 16]) -> &'static str {
    let ip = Ipv6Addr::from(a);
    if ip.is_loopback() {
        "loopback"
    } else if ip.is_multicast() {
        "multicast"
    } else if a[0] == 0xfe && a[1] & 0xc0 == 0x80 {
        "link-local"
    } else if a[0] & 0xfe == 0xfc {
        "unique local"
    } else if ip.is_unspecified() {
        "unspecified"
    } else {
        ""
    }
}

pub(crate) fn describe_ext(data: &[u8], r: Range<usize>, kind: u8) -> Header {
    if kind == 51 {
        let mut h = super::ipv4::describe_ah(data, r);
        h.protocol = "IPv6 Authentication Header".into();
        return h;
    }
    let o = r.start;
    let end = r.end;
    let title = match kind {
        0 => "IPv6 Hop-by-Hop Options",
        43 => "IPv6 Routing",
        44 => "IPv6 Fragment",
        60 => "IPv6 Destination Options",
        _ => "IPv6 extension",
    };
    let mut h = Hb::new(L, title, data, r);
    if let Some(n) = u8_at(data, o) {
        h.add(
            "Next header",
            o,
            1,
            n.to_string(),
            names::ip_proto_long(n).unwrap_or("unknown"),
        );
    }
    match kind {
        44 => {
            if let Some(f) = be16(data, o + 2) {
                h.add(
                    "Fragment offset",
                    o + 2,
                    2,
                    u32::from(f & 0xfff8).to_string(),
                    "bytes",
                );
                h.add(
                    "More fragments",
                    o + 3,
                    1,
                    (f & 1).to_string(),
                    if f & 1 == 1 { "yes" } else { "last fragment" },
                );
            }
            if let Some(id) = be32(data, o + 4) {
                h.add("Identification", o + 4, 4, format!("0x{id:08x}"), "");
            }
        }
        43 => {
            if let Some(l) = u8_at(data, o + 1) {
                h.add(
                    "Length",
                    o + 1,
                    1,
                    l.to_string(),
                    format!("{} bytes", (usize::from(l) + 1) * 8),
                );
            }
            if let Some(t) = u8_at(data, o + 2) {
                let m = match t {
                    0 => "source route (deprecated)",
                    2 => "Mobile IPv6 type 2",
                    3 => "RPL source route",
                    4 => "segment routing (SRH)",
                    _ => "",
                };
                h.add("Routing type", o + 2, 1, t.to_string(), m);
            }
            if let Some(s) = u8_at(data, o + 3) {
                h.add("Segments left", o + 3, 1, s.to_string(), "");
            }
            if u8_at(data, o + 2) == Some(4) || u8_at(data, o + 2) == Some(0) {
                let mut a = o + 8;
                let mut i = 0;
                while a + 16 <= end && i < 32 {
                    if let Some(ad) = array::<16>(data, a) {
                        h.add(
                            &format!("Address {i}"),
                            a,
                            16,
                            Ipv6Addr::from(ad).to_string(),
                            "",
                        );
                    }
                    a += 16;
                    i += 1;
                }
            }
        }
        _ => {
            if let Some(l) = u8_at(data, o + 1) {
                h.add(
                    "Length",
                    o + 1,
                    1,
                    l.to_string(),
                    format!("{} bytes", (usize::from(l) + 1) * 8),
                );
            }
            for f in tlv_options(data, o + 2, end) {
                h.push(f);
            }
        }
    }
    h.finish()
}

/// Hop-by-hop / destination options (type-length-value, Pad1 has no length).
fn tlv_options(data: &[u8], start: usize, end: usize) -> Vec<Field> {
    let mut out = Vec::new();
    let mut o = start;
    let end = end.min(data.len());
    while o < end && out.len() < 64 {
        let Some(t) = u8_at(data, o) else { break };
        if t == 0 {
            out.push(fld("Pad1", o..o + 1, "", "padding"));
            o += 1;
            continue;
        }
        let Some(l) = u8_at(data, o + 1).map(usize::from) else {
            break;
        };
        let oend = (o + 2 + l).min(end);
        let (name, value) = match t {
            1 => ("PadN", format!("{l} bytes")),
            5 => (
                "Router Alert",
                be16(data, o + 2).map_or_else(String::new, |v| v.to_string()),
            ),
            0xc2 => (
                "Jumbo Payload",
                be32(data, o + 2).map_or_else(String::new, |v| format!("{v} bytes")),
            ),
            4 => (
                "Tunnel Encapsulation Limit",
                hex(clamped(data, o + 2, oend), 8),
            ),
            0xc9 => ("Home Address", hex(clamped(data, o + 2, oend), 16)),
            0x63 => ("RPL Option", hex(clamped(data, o + 2, oend), 16)),
            _ => ("Option", hex(clamped(data, o + 2, oend), 16)),
        };
        let meaning = if o + 2 + l > end {
            "runs past the header end".to_string()
        } else {
            format!("type 0x{t:02x}")
        };
        out.push(fld(name, o..oend, value, meaning));
        o += 2 + l;
    }
    out
}
