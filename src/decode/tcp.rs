//! TCP: the walk that fills the summary's [`TcpSegment`] (flags, raw seq/ack, window,
//! handshake options, payload length as the IP header declares it, like tshark's `tcp.len`)
//! and hands the payload to the application detectors; and the header's field description.
//! Depends on `walk`, `tcp_options`, `bytes`, `fields`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Range;

use super::bytes::{be16, be32, u8_at};
use super::field::tcp as field;
use super::fields::{Hb, fld};
use super::problem::Problem;
use super::tcp_options;
use super::walk::{Hdr, Sink, Walker};
use super::{FieldValue, Header, LayerKind, Proto};
use crate::model::{TcpSegment, tcp_flags};

const L: LayerKind = LayerKind::Transport;

/// Names of the 12 flag bits, lowest first, as tshark spells them.
const FLAG_NAMES: [(u16, &str); 12] = [
    (tcp_flags::FIN, "FIN"),
    (tcp_flags::SYN, "SYN"),
    (tcp_flags::RST, "RST"),
    (tcp_flags::PSH, "PSH"),
    (tcp_flags::ACK, "ACK"),
    (tcp_flags::URG, "URG"),
    (tcp_flags::ECE, "ECE"),
    (tcp_flags::CWR, "CWR"),
    (tcp_flags::AE, "AE"),
    (0x200, "Reserved"),
    (0x400, "Reserved"),
    (0x800, "Reserved"),
];

/// `SYN, ACK` (tshark order: high bits first is harder to read, so lowest first).
pub(crate) fn flag_words(flags: u16) -> String {
    let mut out = String::new();
    let mut reserved = false;
    for (bit, name) in FLAG_NAMES {
        if flags & bit == 0 {
            continue;
        }
        if name == "Reserved" {
            if reserved {
                continue;
            }
            reserved = true;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    if out.is_empty() {
        out.push_str("none");
    }
    out
}

/// Appends tcpdump's flag letters: `S.` for SYN+ACK, `.` for a bare ACK, `none` when empty.
pub(crate) fn push_flag_letters(out: &mut String, flags: u16) {
    let start = out.len();
    for (bit, c) in [
        (tcp_flags::SYN, 'S'),
        (tcp_flags::FIN, 'F'),
        (tcp_flags::RST, 'R'),
        (tcp_flags::PSH, 'P'),
        (tcp_flags::URG, 'U'),
        (tcp_flags::ECE, 'E'),
        (tcp_flags::CWR, 'W'),
    ] {
        if flags & bit != 0 {
            out.push(c);
        }
    }
    if flags & tcp_flags::ACK != 0 {
        out.push('.');
    }
    if flags & tcp_flags::AE != 0 {
        out.push('e');
    }
    if out.len() == start {
        out.push_str("none");
    }
}

pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.fix_transport(Proto::Tcp);
    let cap_end = end.min(w.cap());
    let ports = w.read_ports(off, cap_end);
    let hlen = u8_at(w.data, off + field::FLAGS.start)
        .map_or(field::MIN_HEADER_LEN, |b| usize::from(b >> 4) * 4);
    let payload_len = u32::try_from(end.saturating_sub(off + hlen)).unwrap_or(u32::MAX);
    w.emit(
        Hdr::Tcp { payload_len },
        off,
        off + hlen.max(field::MIN_HEADER_LEN),
    );
    if !w.require(L, "TCP", "header", off, end, field::MIN_HEADER_LEN) {
        return;
    }
    let (Some((sport, dport)), Some(seq), Some(ack), Some(b12), Some(b13), Some(window)) = (
        ports,
        be32(w.data, off + field::SEQ_NUM.start),
        be32(w.data, off + field::ACK_NUM.start),
        u8_at(w.data, off + field::FLAGS.start),
        u8_at(w.data, off + field::FLAGS.start + 1),
        be16(w.data, off + field::WIN_SIZE.start),
    ) else {
        return;
    };
    if hlen < field::MIN_HEADER_LEN {
        w.problem(
            L,
            off + field::FLAGS.start,
            Problem::BadValue {
                proto: "TCP",
                field: "header length",
                value: hlen as u64,
                why: "below the 20-byte minimum",
            },
        );
        return;
    }
    let flags = (u16::from(b12 & 0x0f) << 8) | u16::from(b13);
    let hdr_end = off + hlen;
    let mut options = Default::default();
    if hlen > field::MIN_HEADER_LEN {
        let avail_packet = end.saturating_sub(off);
        if avail_packet < hlen {
            w.problem(
                L,
                off + field::FLAGS.start,
                Problem::LenExceeds {
                    proto: "TCP",
                    field: "header length",
                    value: hlen as u64,
                    avail: avail_packet,
                },
            );
        } else if w.cap() < hdr_end {
            w.problem(
                L,
                off + field::MIN_HEADER_LEN,
                Problem::Cut {
                    proto: "TCP",
                    part: "options",
                    have: w.cap().saturating_sub(off + field::MIN_HEADER_LEN),
                    need: hlen - field::MIN_HEADER_LEN,
                },
            );
        }
        let (o, bad) =
            tcp_options::handshake(w.data, off + field::MIN_HEADER_LEN, hdr_end.min(end));
        options = o;
        if let Some((at, kind, len)) = bad {
            w.problem(
                L,
                at,
                Problem::BadOption {
                    proto: "TCP",
                    kind,
                    len,
                },
            );
        }
    }
    if w.sum.tcp.is_none() {
        let (src, dst) = w.ip_pair.unwrap_or((
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        ));
        w.sum.tcp = Some(TcpSegment {
            src: SocketAddr::new(src, sport),
            dst: SocketAddr::new(dst, dport),
            flags,
            seq,
            ack,
            payload_len,
            window,
            options,
        });
    }
    if hdr_end < end {
        w.application(true, sport, dport, hdr_end, end);
    }
}

pub(crate) fn describe(data: &[u8], r: Range<usize>, payload_len: u32) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "TCP", data, r.clone());
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
    if let Some(s) = be32(data, o + field::SEQ_NUM.start) {
        h.add(
            "Sequence number",
            o + field::SEQ_NUM.start,
            field::SEQ_NUM.len(),
            s.to_string(),
            "raw",
        );
    }
    let flags = be16(data, o + field::FLAGS.start).map(|v| v & 0x0fff);
    if let Some(a) = be32(data, o + field::ACK_NUM.start) {
        let m = if flags.is_some_and(|f| f & tcp_flags::ACK != 0) {
            "raw"
        } else {
            "not used (ACK flag clear)"
        };
        h.add(
            "Acknowledgment number",
            o + field::ACK_NUM.start,
            field::ACK_NUM.len(),
            a.to_string(),
            m,
        );
    }
    let hlen = u8_at(data, o + field::FLAGS.start).map(|b| usize::from(b >> 4) * 4);
    if let Some(hl) = hlen {
        let m = if hl < field::MIN_HEADER_LEN {
            "below the 20-byte minimum".to_string()
        } else {
            format!("data offset {}", hl / 4)
        };
        h.add(
            "Header length",
            o + field::FLAGS.start,
            1,
            format!("{hl} bytes"),
            m,
        );
    }
    if let Some(f) = flags {
        h.add(
            "Flags",
            o + field::FLAGS.start,
            field::FLAGS.len(),
            format!("0x{f:03x}"),
            flag_words(f),
        );
    }
    if let Some(wv) = be16(data, o + field::WIN_SIZE.start) {
        h.add(
            "Window",
            o + field::WIN_SIZE.start,
            field::WIN_SIZE.len(),
            wv.to_string(),
            "raw (before scaling)",
        );
    }
    if let Some(c) = be16(data, o + field::CHECKSUM.start) {
        h.add(
            "Checksum",
            o + field::CHECKSUM.start,
            field::CHECKSUM.len(),
            format!("0x{c:04x}"),
            "not verified",
        );
    }
    if let Some(u) = be16(data, o + field::URGENT.start) {
        let m = if flags.is_some_and(|f| f & tcp_flags::URG != 0) {
            "urgent data ends here"
        } else {
            "not used (URG flag clear)"
        };
        h.add(
            "Urgent pointer",
            o + field::URGENT.start,
            field::URGENT.len(),
            u.to_string(),
            m,
        );
    }
    if let Some(hl) = hlen
        && hl > field::MIN_HEADER_LEN
    {
        let oend = (o + hl).min(data.len());
        if o + field::MIN_HEADER_LEN < oend {
            let mut f = fld(
                "Options",
                o + field::MIN_HEADER_LEN..oend,
                format!("{} bytes", hl - field::MIN_HEADER_LEN),
                "",
            );
            f.children = tcp_options::describe(data, o + field::MIN_HEADER_LEN, o + hl);
            h.push(f);
        }
    }
    if hlen.is_some_and(|hl| hl >= field::MIN_HEADER_LEN) {
        let at = r.end;
        h.push(fld(
            "Payload length",
            at..at,
            payload_len.to_string(),
            "bytes, as the IP header declares",
        ));
    }
    h.finish()
}
