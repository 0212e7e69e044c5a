//! UDP: the walk (ports, length checks, dispatch by port to VXLAN, Geneve, MPLS-over-UDP and
//! the application detectors) and the header's field description. Depends on `walk`,
//! `tunnel`, `bytes`, `fields`.

use std::net::IpAddr;
use std::ops::Range;

use super::bytes::be16;
use super::field::udp as field;
use super::fields::{Hb, fld};
use super::problem::Problem;
use super::tunnel;
use super::walk::{Hdr, Sink, Walker};
use super::{FieldValue, Header, LayerKind, Proto, encap};

const L: LayerKind = LayerKind::Transport;

pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.fix_transport(Proto::Udp);
    let cap_end = end.min(w.cap());
    let ports = w.read_ports(off, cap_end);
    w.emit(Hdr::Udp, off, off + field::HEADER_LEN);
    if !w.require(L, "UDP", "header", off, end, field::HEADER_LEN) {
        return;
    }
    let (Some((sport, dport)), Some(ulen)) = (ports, be16(w.data, off + field::LENGTH.start))
    else {
        return;
    };
    let ulen = usize::from(ulen);
    let in_ipv6 = matches!(w.ip_pair, Some((IpAddr::V6(_), _)));
    let payload_end = if ulen == 0 && in_ipv6 && end - off > field::HEADER_LEN {
        // Length 0: an IPv6 jumbogram's UDP (RFC 2675); the IP length rules.
        end
    } else if ulen < field::HEADER_LEN {
        w.problem(
            L,
            off + field::LENGTH.start,
            Problem::LenBelowHeader {
                proto: "UDP",
                field: "length",
                value: ulen as u64,
                min: field::HEADER_LEN,
            },
        );
        return;
    } else if off + ulen > end {
        w.problem(
            L,
            off + field::LENGTH.start,
            Problem::LenExceeds {
                proto: "UDP",
                field: "length",
                value: ulen as u64,
                avail: end - off,
            },
        );
        return;
    } else {
        off + ulen
    };
    if w.sum.udp_len.is_none() {
        let n = payload_end - off - field::HEADER_LEN;
        w.sum.udp_len = Some(u16::try_from(n).unwrap_or(u16::MAX));
    }
    let p = off + field::HEADER_LEN;
    if p >= payload_end {
        return;
    }
    // Tunnels by well-known port, lower port first (as tshark tries them).
    let (lo, hi) = if sport <= dport {
        (sport, dport)
    } else {
        (dport, sport)
    };
    for port in [lo, hi] {
        match port {
            4789 => return tunnel::vxlan(w, p, payload_end),
            6081 => return tunnel::geneve(w, p, payload_end),
            6635 => return tunnel::mpls(w, p, payload_end),
            _ => {
                if encap::udp(w, port, p, payload_end) {
                    return;
                }
            }
        }
    }
    w.application(false, sport, dport, p, payload_end);
}

pub(crate) fn describe(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "UDP", data, r);
    if let Some(p) = be16(data, o) {
        h.add_typed("Source port", o, 2, p.to_string(), "", FieldValue::Port(p));
    }
    if let Some(p) = be16(data, o + field::DST_PORT.start) {
        h.add_typed(
            "Destination port",
            o + field::DST_PORT.start,
            2,
            p.to_string(),
            "",
            FieldValue::Port(p),
        );
    }
    if let Some(l) = be16(data, o + field::LENGTH.start) {
        let m = if l >= 8 {
            format!("header + {} bytes of payload", l - 8)
        } else if l == 0 {
            "0: jumbogram, the IPv6 length rules".to_string()
        } else {
            "shorter than the 8-byte header".to_string()
        };
        h.add(
            "Length",
            o + field::LENGTH.start,
            field::LENGTH.len(),
            l.to_string(),
            m,
        );
    }
    if let Some(c) = be16(data, o + field::CHECKSUM.start) {
        let m = if c == 0 {
            "none (IPv4 allows it)"
        } else {
            "not verified"
        };
        h.push(fld(
            "Checksum",
            o + field::CHECKSUM.start..o + field::CHECKSUM.end,
            format!("0x{c:04x}"),
            m,
        ));
    }
    h.finish()
}
