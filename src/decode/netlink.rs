//! Linux netlink as captured on an `nlmon` interface (link type 253, or Linux cooked capture
//! with hardware type 824): the 16-byte cooked header naming the netlink family, then one or
//! more messages, each a 16-byte `nlmsghdr` (length, type, flags, sequence, port id) in the
//! capturing host's byte order. Netfilter queue and log messages (`NFQUEUE`, `NFLOG`) carry a
//! packet in a payload attribute, which is decoded like any packet; other messages are shown
//! by their header. Depends on `walk`, `bytes`, `fields`.

use std::ops::Range;

use super::bytes::{be16, u8_at};
use super::fields::{Hb, bytes_text, flag_names};
use super::problem::Problem;
use super::walk::{Hdr, Sink, Walker};
use super::{Header, LayerKind, Proto};

const L: LayerKind = LayerKind::Link;

/// Link type of netlink captures (`LINKTYPE_NETLINK`).
pub(crate) const LINKTYPE: u32 = 253;
/// ARP hardware type of a netlink device (`ARPHRD_NETLINK`), in a cooked header.
pub(crate) const ARPHRD_NETLINK: u16 = 824;
/// Netlink families whose messages synack names.
const NETLINK_ROUTE: u16 = 0;
const NETLINK_NETFILTER: u16 = 12;
/// Messages shown as headers before the rest is left as data (a dump can hold hundreds).
const MAX_MESSAGES: usize = 32;

/// Link type 253: the cooked header, then the messages.
pub(crate) fn link<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    w.emit(Hdr::NetlinkCooked, 0, 16);
    if !w.require(L, "Linux netlink", "cooked header", 0, end, 16) {
        return;
    }
    let family = be16(w.data, 14).unwrap_or(0);
    messages(w, family, 16, end);
}

/// A 32-bit word in the byte order the messages were written in.
fn word(d: &[u8], off: usize, big_endian: bool) -> Option<u32> {
    let b = *d.get(off..)?.first_chunk::<4>()?;
    Some(if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

fn half(d: &[u8], off: usize, big_endian: bool) -> Option<u16> {
    let b = *d.get(off..)?.first_chunk::<2>()?;
    Some(if big_endian {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    })
}

/// The host byte order of a message at `off` with `avail` bytes left: little-endian unless its
/// length only makes sense read big-endian.
fn big_endian_at(d: &[u8], off: usize, avail: usize) -> bool {
    let fits = |len: Option<u32>| {
        len.and_then(|l| usize::try_from(l).ok())
            .is_some_and(|l| (16..=avail).contains(&l))
    };
    !fits(word(d, off, false)) && fits(word(d, off, true))
}

/// Netfilter subsystems whose "packet" messages carry a packet, and the payload attribute's
/// type: NFQUEUE (3, `NFQA_PAYLOAD` 10) and NFLOG (4, `NFULA_PAYLOAD` 9).
fn payload_attr(family: u16, msg_type: u16) -> Option<u16> {
    if family != NETLINK_NETFILTER || msg_type & 0xff != 0 {
        return None;
    }
    match msg_type >> 8 {
        3 => Some(10),
        4 => Some(9),
        _ => None,
    }
}

/// The messages from `off` to `end` of a netlink `family`.
pub(crate) fn messages<S: Sink>(w: &mut Walker<'_, S>, family: u16, off: usize, end: usize) {
    w.note_proto(Proto::Unknown);
    let mut o = off;
    for _ in 0..MAX_MESSAGES {
        if o >= end {
            return;
        }
        if !w.require(L, "netlink", "message header", o, end, 16) {
            w.emit(Hdr::Netlink, o, end);
            return;
        }
        let be = big_endian_at(w.data, o, end - o);
        let len = word(w.data, o, be).map_or(0, |l| usize::try_from(l).unwrap_or(usize::MAX));
        if len < 16 || len > end - o {
            w.emit(Hdr::Netlink, o, o + 16);
            w.problem(
                L,
                o,
                Problem::BadValue {
                    proto: "netlink",
                    field: "message length",
                    value: len as u64,
                    why: "shorter than its 16-byte header or past the packet's end",
                },
            );
            w.data_rest(o + 16, end);
            return;
        }
        let msg_type = half(w.data, o + 4, be).unwrap_or(0);
        if let Some(kind) = payload_attr(family, msg_type)
            && packet(w, o, o + len, be, kind)
        {
            // The first packet carried names this one; later messages stay bytes.
            w.data_rest((o + len).next_multiple_of(4), end);
            return;
        }
        w.emit(Hdr::Netlink, o, o + len);
        o = o.saturating_add(len.next_multiple_of(4));
    }
    w.data_rest(o, end);
}

/// A netfilter queue / log message at `msg..msg_end`: nfgenmsg (address family, version,
/// resource id), then attributes; decodes the packet in the `payload` attribute. False when
/// there is none.
fn packet<S: Sink>(
    w: &mut Walker<'_, S>,
    msg: usize,
    msg_end: usize,
    be: bool,
    payload: u16,
) -> bool {
    let af = u8_at(w.data, msg + 16).unwrap_or(0);
    let mut hw_proto = None;
    let mut o = msg + 20;
    while o + 4 <= msg_end.min(w.cap()) {
        let alen = half(w.data, o, be).map_or(0, usize::from);
        let kind = half(w.data, o + 2, be).unwrap_or(0) & 0x3fff;
        if alen < 4 || o + alen > msg_end {
            return false;
        }
        if kind == 1 {
            // Packet header: NFQUEUE has a 4-byte packet id before the hardware protocol.
            let at = if payload == 10 { o + 8 } else { o + 4 };
            hw_proto = be16(w.data, at);
        } else if kind == payload {
            w.emit(Hdr::Netlink, msg, o + 4);
            let (p, pend) = (o + 4, o + alen);
            match (af, hw_proto) {
                (2, _) => w.ip_by_version(p, pend, false),
                (10, _) => w.ip_by_version(p, pend, true),
                (_, Some(t)) if t >= 0x0600 => w.ethertype(t, p, pend),
                _ => w.ip_by_version(p, pend, false),
            }
            return true;
        }
        o += alen.next_multiple_of(4);
    }
    false
}

// ---------------------------------------------------------------------------------------
// Descriptions

pub(crate) fn describe_cooked(data: &[u8], r: Range<usize>) -> Header {
    let mut h = Hb::new(L, "Linux netlink (cooked header)", data, r);
    if let Some(t) = be16(data, 0) {
        let m = match t {
            0 => "to us",
            4 => "sent by us",
            _ => "",
        };
        h.add("Packet type", 0, 2, t.to_string(), m);
    }
    if let Some(t) = be16(data, 2) {
        let m = if t == ARPHRD_NETLINK { "netlink" } else { "" };
        h.add("Link-layer address type", 2, 2, t.to_string(), m);
    }
    if let Some(f) = be16(data, 14) {
        h.add("Family", 14, 2, f.to_string(), family_name(f));
    }
    h.finish()
}

/// The netlink family a cooked header (SLL or link type 253, both 16 bytes) names.
fn family_name(f: u16) -> &'static str {
    match f {
        0 => "route",
        4 => "sock_diag",
        9 => "audit",
        12 => "netfilter",
        15 => "kobject_uevent",
        16 => "generic",
        _ => "",
    }
}

/// rtnetlink message types (`RTM_*`) and the core control messages.
fn type_name(family: u16, t: u16) -> String {
    let core = match t {
        1 => Some("NLMSG_NOOP"),
        2 => Some("NLMSG_ERROR"),
        3 => Some("NLMSG_DONE"),
        4 => Some("NLMSG_OVERRUN"),
        _ => None,
    };
    if let Some(c) = core {
        return c.to_string();
    }
    match family {
        NETLINK_ROUTE => {
            const OBJECTS: [&str; 6] = ["LINK", "ADDR", "ROUTE", "NEIGH", "RULE", "QDISC"];
            const VERBS: [&str; 4] = ["NEW", "DEL", "GET", "SET"];
            match (t.checked_sub(16).map(|i| usize::from(i / 4)), t % 4) {
                (Some(i), v) if i < OBJECTS.len() => format!(
                    "RTM_{}{}",
                    VERBS.get(usize::from(v)).copied().unwrap_or(""),
                    OBJECTS.get(i).copied().unwrap_or("")
                ),
                _ => String::new(),
            }
        }
        NETLINK_NETFILTER => {
            let subsystem = match t >> 8 {
                1 => "conntrack",
                2 => "conntrack expectation",
                3 => "queue",
                4 => "log",
                6 => "ipset",
                10 => "nftables",
                _ => "netfilter subsystem",
            };
            format!("{subsystem}, message {}", t & 0xff)
        }
        _ => String::new(),
    }
}

/// The family of the cooked header in front of every netlink capture (SLL and link type
/// 253 both keep it at bytes 14–15).
fn family_of(data: &[u8]) -> u16 {
    be16(data, 14).unwrap_or(0)
}

pub(crate) fn describe(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let end = r.end;
    let family = family_of(data);
    let be = big_endian_at(data, o, end.saturating_sub(o).max(16));
    let msg_type = half(data, o + 4, be).unwrap_or(0);
    let title = if family == NETLINK_NETFILTER {
        "Linux netlink netfilter message"
    } else if family == NETLINK_ROUTE {
        "Linux rtnetlink message"
    } else {
        "Linux netlink message"
    };
    let mut h = Hb::new(L, title, data, r);
    if let Some(len) = word(data, o, be) {
        let order = if be {
            "big-endian host"
        } else {
            "little-endian host"
        };
        h.add(
            "Length",
            o,
            4,
            len.to_string(),
            format!("bytes, header included ({order})"),
        );
    }
    h.add(
        "Type",
        o + 4,
        2,
        format!("0x{msg_type:04x}"),
        type_name(family, msg_type),
    );
    if let Some(f) = half(data, o + 6, be) {
        let names = flag_names(
            u32::from(f),
            &[
                (0x01, "request"),
                (0x02, "multipart"),
                (0x04, "ack"),
                (0x08, "echo"),
                (0x10, "dump inconsistent"),
                (0x20, "dump filtered"),
            ],
        );
        h.add("Flags", o + 6, 2, format!("0x{f:04x}"), names);
    }
    if let Some(s) = word(data, o + 8, be) {
        h.add("Sequence", o + 8, 4, s.to_string(), "");
    }
    if let Some(p) = word(data, o + 12, be) {
        let m = if p == 0 {
            "the kernel"
        } else {
            "a process's socket"
        };
        h.add("Port ID", o + 12, 4, p.to_string(), m);
    }
    if family == NETLINK_NETFILTER && end >= o + 20 {
        if let Some(af) = u8_at(data, o + 16) {
            let m = match af {
                2 => "IPv4",
                10 => "IPv6",
                7 => "bridge",
                _ => "",
            };
            h.add("Address family", o + 16, 1, af.to_string(), m);
        }
        if let Some(v) = u8_at(data, o + 17) {
            h.add("Version", o + 17, 1, v.to_string(), "");
        }
        if let Some(id) = be16(data, o + 18) {
            h.add(
                "Resource id",
                o + 18,
                2,
                id.to_string(),
                "queue or log group",
            );
        }
        if payload_attr(family, msg_type).is_some() {
            let mut a = o + 20;
            while a + 4 <= end {
                let (Some(alen), Some(kind)) = (half(data, a, be), half(data, a + 2, be)) else {
                    break;
                };
                let alen = usize::from(alen);
                if alen < 4 {
                    break;
                }
                let kind = kind & 0x3fff;
                let shown = alen.min(end - a);
                h.add(
                    "Attribute",
                    a,
                    shown,
                    bytes_text(alen - 4),
                    format!("type {kind}"),
                );
                a += alen.next_multiple_of(4);
            }
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_follows_the_length_that_fits() {
        let le = [0x20, 0, 0, 0];
        let be = [0, 0, 0, 0x20];
        let mut msg = vec![0u8; 32];
        msg[..4].copy_from_slice(&le);
        assert!(!big_endian_at(&msg, 0, 32));
        msg[..4].copy_from_slice(&be);
        assert!(big_endian_at(&msg, 0, 32));
    }

    /// Link type 253: cooked header, then an NFQUEUE packet message carrying IPv4/UDP.
    fn nfqueue_packet() -> Vec<u8> {
        let udp = [0xd6, 0x27, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00];
        let mut ip = vec![0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0];
        ip.extend([10, 0, 2, 15, 10, 0, 2, 3]);
        ip.extend(udp);
        let mut attrs = vec![11, 0, 1, 0, 0, 0, 0, 88, 0x08, 0x00, 3, 0]; // packet header
        let payload_len = 4 + ip.len();
        attrs.extend((payload_len as u16).to_le_bytes());
        attrs.extend(10u16.to_le_bytes());
        attrs.extend(&ip);
        let mut msg = Vec::new();
        let len = 16 + 4 + attrs.len();
        msg.extend((len as u32).to_le_bytes());
        msg.extend(0x0300u16.to_le_bytes());
        msg.extend([0; 10]);
        msg.extend([2, 0, 0, 44]);
        msg.extend(attrs);
        let mut pkt = vec![0, 4, 0x03, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12];
        pkt.extend(msg);
        pkt
    }

    #[test]
    fn decodes_the_packet_a_queue_message_carries() {
        let pkt = nfqueue_packet();
        let d = super::super::decode(crate::model::LinkType(LINKTYPE), &pkt, pkt.len() as u32);
        assert_eq!(d.summary.proto, Proto::Udp);
        assert_eq!(d.summary.sport, Some(54823));
        assert_eq!(d.summary.dport, Some(53));
        let names: Vec<&str> = d.headers.iter().map(|h| h.protocol.as_str()).collect();
        assert_eq!(
            names[..2],
            [
                "Linux netlink (cooked header)",
                "Linux netlink netfilter message"
            ]
        );
        assert!(d.issues.is_empty(), "{:?}", d.issues);
    }

    #[test]
    fn a_bad_message_length_is_an_issue_not_a_panic() {
        let mut pkt = nfqueue_packet();
        pkt[16..20].copy_from_slice(&9u32.to_le_bytes());
        let d = super::super::decode(crate::model::LinkType(LINKTYPE), &pkt, pkt.len() as u32);
        assert!(
            d.issues
                .iter()
                .any(|i| i.message.contains("message length")),
            "{:?}",
            d.issues
        );
        for cut in 0..pkt.len() {
            let _ = super::super::decode(
                crate::model::LinkType(LINKTYPE),
                &pkt[..cut],
                pkt.len() as u32,
            );
        }
    }

    #[test]
    fn names_message_types() {
        assert_eq!(type_name(0, 16), "RTM_NEWLINK");
        assert_eq!(type_name(0, 26), "RTM_GETROUTE");
        assert_eq!(type_name(0, 3), "NLMSG_DONE");
        assert_eq!(type_name(12, 0x0300), "queue, message 0");
        assert_eq!(payload_attr(12, 0x0300), Some(10));
        assert_eq!(payload_attr(12, 0x0400), Some(9));
        assert_eq!(payload_attr(12, 0x0101), None);
        assert_eq!(payload_attr(0, 0x0300), None);
    }
}
