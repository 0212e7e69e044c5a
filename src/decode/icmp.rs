//! ICMP and ICMPv6: the walk (type/code, echo id/seq, the packet an error message quotes)
//! and the field descriptions, including neighbour discovery targets and options and the
//! quoted IP and transport headers. Quoted headers never change the summary: the packet is
//! ICMP, and the quoted ports belong to another packet. Depends on `walk`, `bytes`,
//! `fields`, `names`.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use super::bytes::{array, be16, be32, u8_at};
use super::fields::{Hb, bytes_text, fld, hex, mac};
use super::names;
use super::walk::{Hdr, Sink, Walker};
use super::{Header, LayerKind, Proto};

const L: LayerKind = LayerKind::Transport;

fn is_error_v4(t: u8) -> bool {
    matches!(t, 3 | 4 | 5 | 11 | 12)
}

fn is_error_v6(t: u8) -> bool {
    matches!(t, 1..=4)
}

pub(crate) fn walk_v4<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    walk_any(w, off, end, false);
}

pub(crate) fn walk_v6<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    walk_any(w, off, end, true);
}

fn walk_any<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize, v6: bool) {
    let (proto, name) = if v6 {
        (Proto::Icmpv6, "ICMPv6")
    } else {
        (Proto::Icmp, "ICMP")
    };
    w.fix_transport(proto);
    let t = u8_at(w.data, off);
    let error = t.is_some_and(|t| if v6 { is_error_v6(t) } else { is_error_v4(t) });
    let echo = t.is_some_and(|t| {
        if v6 {
            matches!(t, 128 | 129)
        } else {
            matches!(t, 0 | 8 | 13 | 14 | 15 | 16 | 17 | 18)
        }
    });
    // Error and echo messages have an 8-byte header; the rest (ND, MLD, router
    // messages…) are described as one header over the whole message.
    let hend = if error || echo { off + 8 } else { end };
    w.emit(if v6 { Hdr::Icmpv6 } else { Hdr::Icmp }, off, hend);
    if !w.require(L, name, "header", off, end, 4) {
        return;
    }
    let (Some(t), Some(c)) = (t, u8_at(w.data, off + 1)) else {
        return;
    };
    if w.sum.icmp.is_none() {
        w.sum.icmp = Some((t, c));
        if echo && let (Some(id), Some(seq)) = (be16(w.data, off + 4), be16(w.data, off + 6)) {
            w.sum.icmp_echo = Some((id, seq));
        }
    }
    if !(error || echo) {
        return;
    }
    if !w.require(L, name, "header", off, end, 8) {
        return;
    }
    if error {
        quote(w, off + 8, end);
    } else {
        w.data_rest(off + 8, end);
    }
}

/// The packet an ICMP error quotes: its IP header and first transport bytes, as far as they
/// are present. Nothing here is a problem (quotes are short by design).
fn quote<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let Some(b0) = u8_at(w.data, off) else { return };
    let (hlen, proto) = match b0 >> 4 {
        4 => (usize::from(b0 & 0x0f) * 4, u8_at(w.data, off + 9)),
        6 => (40, u8_at(w.data, off + 6)),
        _ => {
            w.data_rest(off, end);
            return;
        }
    };
    if hlen < 20 {
        w.data_rest(off, end);
        return;
    }
    w.emit(Hdr::QuotedIp, off, (off + hlen).min(end));
    let t = off + hlen;
    if t >= end {
        return;
    }
    match proto {
        Some(p @ (6 | 17)) => {
            w.emit(Hdr::QuotedTransport(p), t, (t + 8).min(end));
            w.data_rest(t + 8, end);
        }
        _ => w.data_rest(t, end),
    }
}

// ---------------------------------------------------------------------------------------
// Descriptions

fn type_code(h: &mut Hb<'_>, o: usize, v6: bool) {
    let data = h.data();
    let (Some(t), Some(c)) = (u8_at(data, o), u8_at(data, o + 1)) else {
        if let Some(t) = u8_at(data, o) {
            h.add("Type", o, 1, t.to_string(), "");
        }
        return;
    };
    let tname = if v6 {
        names::icmpv6_type(t)
    } else {
        names::icmp_type(t)
    };
    h.add("Type", o, 1, t.to_string(), tname.unwrap_or("unknown"));
    let cname = if v6 {
        names::icmpv6_code(t, c)
    } else {
        names::icmp_code(t, c)
    };
    h.add("Code", o + 1, 1, c.to_string(), cname.unwrap_or(""));
    if let Some(name) = tname {
        let mut p = if v6 { "ICMPv6 " } else { "ICMP " }.to_string();
        p.push_str(name);
        h.set_protocol(p);
    }
    if let Some(ck) = be16(data, o + 2) {
        h.add("Checksum", o + 2, 2, format!("0x{ck:04x}"), "not verified");
    }
}

pub(crate) fn describe_v4(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "ICMP", data, r);
    type_code(&mut h, o, false);
    match u8_at(data, o) {
        Some(0 | 8 | 13 | 14 | 15 | 16 | 17 | 18) => echo_fields(&mut h, o),
        Some(3) if u8_at(data, o + 1) == Some(4) => {
            if let Some(m) = be16(data, o + 6) {
                h.add("Next-hop MTU", o + 6, 2, m.to_string(), "bytes");
            }
        }
        Some(5) => {
            if let Some(a) = array::<4>(data, o + 4) {
                h.add("Gateway", o + 4, 4, Ipv4Addr::from(a).to_string(), "");
            }
        }
        Some(12) => {
            if let Some(p) = u8_at(data, o + 4) {
                h.add("Pointer", o + 4, 1, p.to_string(), "offset of the bad byte");
            }
        }
        _ => {}
    }
    if u8_at(data, o).is_some_and(is_error_v4) {
        h.push(fld(
            "Quoted packet",
            (o + 8).min(data.len())..(o + 8).min(data.len()),
            "follows",
            "the start of the packet that caused this error",
        ));
    }
    h.finish()
}

fn echo_fields(h: &mut Hb<'_>, o: usize) {
    let data = h.data();
    if let Some(id) = be16(data, o + 4) {
        h.add(
            "Identifier",
            o + 4,
            2,
            id.to_string(),
            format!("0x{id:04x}"),
        );
    }
    if let Some(s) = be16(data, o + 6) {
        h.add("Sequence", o + 6, 2, s.to_string(), "");
    }
}

pub(crate) fn describe_v6(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let end = r.end;
    let mut h = Hb::new(L, "ICMPv6", data, r);
    type_code(&mut h, o, true);
    let t = u8_at(data, o);
    match t {
        Some(128 | 129) => echo_fields(&mut h, o),
        Some(2) => {
            if let Some(m) = be32(data, o + 4) {
                h.add("MTU", o + 4, 4, m.to_string(), "bytes");
            }
        }
        Some(4) => {
            if let Some(p) = be32(data, o + 4) {
                h.add("Pointer", o + 4, 4, p.to_string(), "offset of the bad byte");
            }
        }
        Some(133) => nd_options(&mut h, o + 8, end),
        Some(134) => {
            if let Some(hl) = u8_at(data, o + 4) {
                h.add("Cur hop limit", o + 4, 1, hl.to_string(), "");
            }
            if let Some(f) = u8_at(data, o + 5) {
                let mut m = Vec::new();
                if f & 0x80 != 0 {
                    m.push("Managed");
                }
                if f & 0x40 != 0 {
                    m.push("Other");
                }
                h.add("Flags", o + 5, 1, format!("0x{f:02x}"), m.join(", "));
            }
            if let Some(l) = be16(data, o + 6) {
                h.add("Router lifetime", o + 6, 2, format!("{l} s"), "");
            }
            if let Some(v) = be32(data, o + 8) {
                h.add("Reachable time", o + 8, 4, format!("{v} ms"), "");
            }
            if let Some(v) = be32(data, o + 12) {
                h.add("Retrans timer", o + 12, 4, format!("{v} ms"), "");
            }
            nd_options(&mut h, o + 16, end);
        }
        Some(135..=137) => {
            if t == Some(136)
                && let Some(f) = u8_at(data, o + 4)
            {
                let mut m = Vec::new();
                if f & 0x80 != 0 {
                    m.push("Router");
                }
                if f & 0x40 != 0 {
                    m.push("Solicited");
                }
                if f & 0x20 != 0 {
                    m.push("Override");
                }
                h.add("Flags", o + 4, 1, format!("0x{f:02x}"), m.join(", "));
            }
            if let Some(a) = array::<16>(data, o + 8) {
                h.add("Target", o + 8, 16, Ipv6Addr::from(a).to_string(), "");
            }
            let mut next = o + 24;
            if t == Some(137) {
                if let Some(a) = array::<16>(data, o + 24) {
                    h.add("Destination", o + 24, 16, Ipv6Addr::from(a).to_string(), "");
                }
                next = o + 40;
            }
            nd_options(&mut h, next, end);
        }
        Some(130..=132) => {
            if let Some(d) = be16(data, o + 4) {
                h.add("Maximum response delay", o + 4, 2, format!("{d} ms"), "");
            }
            if let Some(a) = array::<16>(data, o + 8) {
                h.add(
                    "Multicast address",
                    o + 8,
                    16,
                    Ipv6Addr::from(a).to_string(),
                    "",
                );
            }
        }
        _ => {}
    }
    if t.is_some_and(is_error_v6) {
        h.push(fld(
            "Quoted packet",
            (o + 8).min(data.len())..(o + 8).min(data.len()),
            "follows",
            "the start of the packet that caused this error",
        ));
    }
    h.finish()
}

/// Neighbour discovery options (8-byte units).
fn nd_options(h: &mut Hb<'_>, mut o: usize, end: usize) {
    let data = h.data();
    let end = end.min(data.len());
    let mut n = 0;
    while o + 2 <= end && n < 32 {
        n += 1;
        let (Some(t), Some(l)) = (u8_at(data, o), u8_at(data, o + 1)) else {
            break;
        };
        let len = usize::from(l) * 8;
        if len == 0 {
            h.push(fld(
                "Option",
                o..o + 2,
                format!("type {t}, length 0"),
                "invalid length: options stop here",
            ));
            break;
        }
        let oend = (o + len).min(end);
        let (name, value) = match t {
            1 | 2 => {
                let name = if t == 1 {
                    "Source link-layer address"
                } else {
                    "Target link-layer address"
                };
                let v = data.get(o + 2..oend).map_or_else(String::new, |b| {
                    if b.len() == 6 { mac(b) } else { hex(b, 16) }
                });
                (name, v)
            }
            3 => {
                let v = match (u8_at(data, o + 2), array::<16>(data, o + 16)) {
                    (Some(pl), Some(a)) => format!("{}/{pl}", Ipv6Addr::from(a)),
                    _ => String::new(),
                };
                ("Prefix information", v)
            }
            5 => (
                "MTU",
                be32(data, o + 4).map_or_else(String::new, |m| m.to_string()),
            ),
            25 => ("Recursive DNS server", bytes_text(len)),
            _ => ("Option", format!("type {t}")),
        };
        h.push(fld(name, o..oend, value, format!("{len} bytes")));
        o += len;
    }
}

pub(crate) fn describe_quoted_ip(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let v6 = u8_at(data, o).is_some_and(|b| b >> 4 == 6);
    let mut h = Hb::new(L, if v6 { "Quoted IPv6" } else { "Quoted IPv4" }, data, r);
    if v6 {
        if let Some(n) = u8_at(data, o + 6) {
            h.add(
                "Next header",
                o + 6,
                1,
                n.to_string(),
                names::ip_proto_long(n).unwrap_or(""),
            );
        }
        if let Some(a) = array::<16>(data, o + 8) {
            h.add("Source", o + 8, 16, Ipv6Addr::from(a).to_string(), "");
        }
        if let Some(a) = array::<16>(data, o + 24) {
            h.add("Destination", o + 24, 16, Ipv6Addr::from(a).to_string(), "");
        }
    } else {
        if let Some(t) = be16(data, o + 2) {
            h.add(
                "Total length",
                o + 2,
                2,
                t.to_string(),
                "of the original packet",
            );
        }
        if let Some(ttl) = u8_at(data, o + 8) {
            h.add("Time to live", o + 8, 1, ttl.to_string(), "");
        }
        if let Some(p) = u8_at(data, o + 9) {
            h.add(
                "Protocol",
                o + 9,
                1,
                p.to_string(),
                names::ip_proto_long(p).unwrap_or(""),
            );
        }
        if let Some(a) = array::<4>(data, o + 12) {
            h.add("Source", o + 12, 4, Ipv4Addr::from(a).to_string(), "");
        }
        if let Some(a) = array::<4>(data, o + 16) {
            h.add("Destination", o + 16, 4, Ipv4Addr::from(a).to_string(), "");
        }
    }
    h.finish()
}

pub(crate) fn describe_quoted_transport(data: &[u8], r: Range<usize>, proto: u8) -> Header {
    let o = r.start;
    let name = if proto == 6 {
        "Quoted TCP"
    } else {
        "Quoted UDP"
    };
    let mut h = Hb::new(L, name, data, r);
    if let Some(p) = be16(data, o) {
        h.add("Source port", o, 2, p.to_string(), "");
    }
    if let Some(p) = be16(data, o + 2) {
        h.add("Destination port", o + 2, 2, p.to_string(), "");
    }
    if proto == 6 {
        if let Some(s) = be32(data, o + 4) {
            h.add("Sequence number", o + 4, 4, s.to_string(), "raw");
        }
    } else if let Some(l) = be16(data, o + 4) {
        h.add("Length", o + 4, 2, l.to_string(), "");
    }
    h.finish()
}
