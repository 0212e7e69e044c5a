//! Link layer: dispatch on the capture's link type (Ethernet II, 802.1Q/QinQ tags, 802.3
//! LLC/SNAP, Linux cooked SLL and SLL2, BSD NULL/LOOP, raw IP, unknown types as raw bytes),
//! and the field descriptions of those headers. Depends on `walk`, `bytes`, `fields`, `names`.

use std::ops::Range;

use super::bytes::{be16, be24, be32, le32, slice, u8_at};
use super::field::ethernet as field;
use super::fields::{Hb, bytes_text, hex, mac, mac_meaning};
use super::names;
use super::problem::Problem;
use super::walk::{Hdr, Sink, Walker};
use super::{FieldValue, Header, LayerKind, Proto};
use crate::model::LinkType;

const L: LayerKind = LayerKind::Link;

/// Entry point: the whole packet, by link type.
pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, link: LinkType) {
    let end = w.wire_len;
    match link {
        LinkType::ETHERNET => ethernet(w, 0, end, true),
        LinkType::LINUX_SLL => sll(w, end),
        LinkType::LINUX_SLL2 => sll2(w, end),
        LinkType::NULL => null(w, end, false),
        LinkType::LOOP => null(w, end, true),
        LinkType::RAW | LinkType::RAW_BSD12 | LinkType::RAW_BSD14 | LinkType::IPV4 => {
            w.ip_by_version(0, end, false)
        }
        LinkType::IPV6 => w.ip_by_version(0, end, true),
        LinkType(n) => {
            if !super::links::walk(w, n, end) {
                w.emit(Hdr::UnknownLink(n), 0, end);
                // Said on every such packet, so nothing goes unexplained.
                w.problem(L, 0, Problem::UnknownLink(n));
            }
        }
    }
}

/// Ethernet II or 802.3 at `off`; `outer` when it is the capture's own link header (its
/// padding/trailer is then reported).
pub(crate) fn ethernet<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize, outer: bool) {
    w.emit(Hdr::Ethernet, off, off + field::HEADER_LEN);
    if !w.require(L, "Ethernet", "header", off, end, field::HEADER_LEN) {
        return;
    }
    let Some(t) = be16(w.data, off + field::ETHERTYPE.start) else {
        return;
    };
    let payload = off + field::HEADER_LEN;
    if t <= 1500 {
        let declared = payload + usize::from(t);
        if declared > end {
            w.problem(
                L,
                off + field::ETHERTYPE.start,
                Problem::LenExceeds {
                    proto: "802.3",
                    field: "length",
                    value: u64::from(t),
                    avail: end - payload,
                },
            );
        }
        let pend = declared.min(end);
        if be16(w.data, payload) == Some(0xffff) {
            // Novell "raw" 802.3: IPX with no LLC header.
            w.note_proto(Proto::EtherType(0x8137));
            w.data_rest(payload, pend);
        } else {
            llc(w, payload, pend);
        }
        if outer {
            trailer(w, pend, end);
        }
        return;
    }
    if t < 0x0600 {
        w.problem(
            L,
            off + field::ETHERTYPE.start,
            Problem::BadValue {
                proto: "Ethernet",
                field: "type/length",
                value: u64::from(t),
                why: "neither a length (≤ 1500) nor an EtherType (≥ 1536)",
            },
        );
        w.data_rest(payload, end);
        return;
    }
    w.ethertype(t, payload, end);
    if outer && let Some(net_end) = w.net_end {
        trailer(w, net_end, end);
    }
}

/// Bytes after the network-layer packet inside an Ethernet frame.
fn trailer<S: Sink>(w: &mut Walker<'_, S>, from: usize, end: usize) {
    if from < end {
        w.emit(Hdr::Trailer, from, end);
    }
}

/// A stack of 802.1Q / 802.1ad tags starting at `off` (each 4 bytes: TCI + next type).
pub(crate) fn vlan<S: Sink>(w: &mut Walker<'_, S>, mut off: usize, end: usize) {
    loop {
        use super::field::vlan;
        w.emit(Hdr::Vlan, off, off + vlan::HEADER_LEN);
        if !w.require(L, "802.1Q", "tag", off, end, vlan::HEADER_LEN) {
            return;
        }
        let tci = be16(w.data, off + vlan::TCI.start);
        let (Some(tci), Some(t)) = (tci, be16(w.data, off + vlan::ETHERTYPE.start)) else {
            return;
        };
        let count = usize::from(w.sum.vlan_count);
        if let Some(slot) = w.sum.vlan_ids.get_mut(count) {
            *slot = tci & 0x0fff;
            w.sum.vlan_count += 1;
        }
        off += vlan::HEADER_LEN;
        match t {
            0x8100 | 0x88a8 | 0x9100 | 0x9200 => continue,
            t if t <= 1500 => {
                let pend = (off + usize::from(t)).min(end);
                llc(w, off, pend);
                return;
            }
            t => {
                w.ethertype(t, off, end);
                return;
            }
        }
    }
}

/// 802.2 LLC (and SNAP) at `off`.
pub(crate) fn llc<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let Some(ctrl) = u8_at(w.data, off + 2) else {
        w.emit(Hdr::Llc, off, off + 3);
        w.require(L, "LLC", "header", off, end, 3);
        return;
    };
    let len = if ctrl & 3 == 3 { 3 } else { 4 };
    w.emit(Hdr::Llc, off, off + len);
    if !w.require(L, "LLC", "header", off, end, len) {
        return;
    }
    let (Some(dsap), Some(ssap)) = (u8_at(w.data, off), u8_at(w.data, off + 1)) else {
        return;
    };
    let payload = off + len;
    if dsap == 0xaa && ssap == 0xaa {
        w.emit(Hdr::Snap, payload, payload + 5);
        if !w.require(L, "SNAP", "header", payload, end, 5) {
            return;
        }
        let (Some(oui), Some(pid)) = (be24(w.data, payload), be16(w.data, payload + 3)) else {
            return;
        };
        if oui == 0 {
            w.ethertype(pid, payload + 5, end);
        } else {
            w.note_proto(Proto::Snap { oui, pid });
            w.data_rest(payload + 5, end);
        }
        return;
    }
    if dsap == 0xfe
        && let Some(nlpid) = u8_at(w.data, payload)
    {
        w.note_proto(Proto::Osi(nlpid));
    } else {
        w.note_proto(Proto::Llc(dsap));
    }
    w.problem(L, off, Problem::UnknownLlc(dsap));
    w.data_rest(payload, end);
}

/// Linux cooked capture v1 (16 bytes).
fn sll<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    w.emit(Hdr::Sll, 0, 16);
    if !w.require(L, "Linux cooked", "header", 0, end, 16) {
        return;
    }
    let (Some(hatype), Some(proto)) = (be16(w.data, 2), be16(w.data, 14)) else {
        return;
    };
    cooked_payload(w, hatype, proto, 16, end);
}

/// Linux cooked capture v2 (20 bytes).
fn sll2<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    w.emit(Hdr::Sll2, 0, 20);
    if !w.require(L, "Linux cooked v2", "header", 0, end, 20) {
        return;
    }
    let (Some(proto), Some(hatype)) = (be16(w.data, 0), be16(w.data, 8)) else {
        return;
    };
    cooked_payload(w, hatype, proto, 20, end);
}

fn cooked_payload<S: Sink>(w: &mut Walker<'_, S>, hatype: u16, proto: u16, off: usize, end: usize) {
    match proto {
        // Netlink and similar: not an EtherType.
        _ if hatype == super::netlink::ARPHRD_NETLINK => {
            super::netlink::messages(w, proto, off, end)
        }
        0x0004 => llc(w, off, end),
        0x0001 => {
            w.note_proto(Proto::EtherType(0x8137));
            w.data_rest(off, end);
        }
        p if p >= 0x0600 => w.ethertype(p, off, end),
        p => {
            w.problem(
                L,
                14.min(off),
                Problem::BadValue {
                    proto: "Linux cooked",
                    field: "protocol",
                    value: u64::from(p),
                    why: "not an EtherType synack decodes",
                },
            );
            w.data_rest(off, end);
        }
    }
}

/// The NULL header's value as Wireshark's `packet-null.c` reads it when it is not a known
/// family in either byte order: a value in the upper 16 bits is byte-swapped (or, when only
/// the second byte is set and small, shifted down), and a result above 1500 is an EtherType
/// in its low 16 bits (Linux 2.0 and ISDN4BSD wrote those; `0f 00 08 00` is IPv4).
fn null_value(le: u32) -> u32 {
    if le & 0xffff_0000 == 0 {
        le
    } else if le & 0xff00_0000 == 0 && le & 0x00ff_0000 < 0x0006_0000 {
        le >> 16
    } else {
        le.swap_bytes()
    }
}

/// BSD NULL (family in the capturing host's byte order) or LOOP (network byte order).
fn null<S: Sink>(w: &mut Walker<'_, S>, end: usize, network_order: bool) {
    // PPP in HDLC-like framing on a NULL link (as Wireshark checks first).
    if !network_order && be16(w.data, 0) == Some(0xff03) {
        super::tunnel::ppp(w, 0, end);
        return;
    }
    let (Some(le), Some(be)) = (le32(w.data, 0), be32(w.data, 0)) else {
        w.emit(Hdr::Null { big_endian: true }, 0, 4);
        w.require(L, "Loopback", "header", 0, end, 4);
        return;
    };
    let (family, big_endian) =
        if network_order || names::bsd_family(be).is_some() && names::bsd_family(le).is_none() {
            (be, true)
        } else if names::bsd_family(le).is_some() {
            (le, false)
        } else {
            let v = null_value(le);
            (v, v != le)
        };
    w.emit(Hdr::Null { big_endian }, 0, 4);
    if family > 1500 && !network_order {
        w.ethertype((family & 0xffff) as u16, 4, end);
        return;
    }
    match family {
        2 => w.ip_by_version(4, end, false),
        10 | 24 | 28 | 30 => w.ip_by_version(4, end, true),
        f => {
            w.problem(
                L,
                0,
                Problem::BadValue {
                    proto: "Loopback",
                    field: "address family",
                    value: u64::from(f),
                    why: "not IPv4 or IPv6",
                },
            );
            w.data_rest(4, end);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Descriptions

pub(crate) fn describe(hdr: Hdr, data: &[u8], r: Range<usize>) -> Header {
    match hdr {
        Hdr::Ethernet => describe_ethernet(data, r),
        Hdr::Vlan => describe_vlan(data, r),
        Hdr::Llc => describe_llc(data, r),
        Hdr::Snap => describe_snap(data, r),
        Hdr::Sll => describe_sll(data, r),
        Hdr::Sll2 => describe_sll2(data, r),
        Hdr::Null { big_endian } => describe_null(data, r, big_endian),
        Hdr::Trailer => {
            let mut h = Hb::new(L, "Ethernet padding", data, r.clone());
            let n = r.len();
            let zeros = data
                .get(r.clone())
                .is_some_and(|b| b.iter().all(|x| *x == 0));
            h.add(
                "Trailer",
                r.start,
                n,
                bytes_text(n),
                if zeros {
                    "padding to the 60-byte Ethernet minimum"
                } else {
                    "bytes after the network-layer packet"
                },
            );
            h.finish()
        }
        Hdr::UnknownLink(n) => {
            let mut h = Hb::new(L, format!("Unknown link type {n}"), data, r.clone());
            h.add(
                "Data",
                r.start,
                r.len(),
                bytes_text(r.len()),
                format!("link type {n} is not decoded by synack; bytes shown raw"),
            );
            h.finish()
        }
        _ => Hb::new(L, "Link", data, r).finish(),
    }
}

fn type_meaning(t: u16) -> String {
    names::ethertype(t).unwrap_or("unknown").to_string()
}

fn describe_ethernet(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "Ethernet II", data, r);
    if let Some(b) = slice(data, o, 6) {
        let typed = b.try_into().map(FieldValue::Mac);
        match typed {
            Ok(t) => h.add_typed("Destination", o, 6, mac(b), mac_meaning(b), t),
            Err(_) => h.add("Destination", o, 6, mac(b), mac_meaning(b)),
        };
    }
    if let Some(b) = slice(data, o + field::SOURCE.start, 6) {
        let typed = b.try_into().map(FieldValue::Mac);
        match typed {
            Ok(t) => h.add_typed(
                "Source",
                o + field::SOURCE.start,
                field::SOURCE.len(),
                mac(b),
                mac_meaning(b),
                t,
            ),
            Err(_) => h.add(
                "Source",
                o + field::SOURCE.start,
                field::SOURCE.len(),
                mac(b),
                mac_meaning(b),
            ),
        };
    }
    if let Some(t) = be16(data, o + field::ETHERTYPE.start) {
        if t <= 1500 {
            h.set_protocol("IEEE 802.3");
            h.add(
                "Length",
                o + field::ETHERTYPE.start,
                2,
                t.to_string(),
                "802.3 frame: payload length",
            );
        } else {
            h.add(
                "Type",
                o + field::ETHERTYPE.start,
                field::ETHERTYPE.len(),
                format!("0x{t:04x}"),
                type_meaning(t),
            );
        }
    }
    h.finish()
}

fn describe_vlan(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "802.1Q VLAN", data, r);
    // The tag protocol identifier sits just before the TCI.
    if o >= 2 && be16(data, o - 2) == Some(0x88a8) {
        h.set_protocol("802.1ad QinQ");
    }
    if let Some(tci) = be16(data, o) {
        let pcp = tci >> 13;
        let pcp_name = match pcp {
            0 => "best effort",
            1 => "background",
            2 => "excellent effort",
            3 => "critical applications",
            4 => "video",
            5 => "voice",
            6 => "internetwork control",
            _ => "network control",
        };
        h.add("Priority", o, 2, pcp.to_string(), pcp_name);
        h.add(
            "DEI",
            o,
            2,
            ((tci >> 12) & 1).to_string(),
            if tci & 0x1000 != 0 {
                "drop eligible"
            } else {
                ""
            },
        );
        h.add("VLAN ID", o, 2, (tci & 0x0fff).to_string(), "");
    }
    if let Some(t) = be16(data, o + 2) {
        if t <= 1500 {
            h.add("Length", o + 2, 2, t.to_string(), "802.3 payload length");
        } else {
            h.add("Type", o + 2, 2, format!("0x{t:04x}"), type_meaning(t));
        }
    }
    h.finish()
}

fn describe_llc(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let len = r.len();
    let mut h = Hb::new(L, "802.2 LLC", data, r);
    if let Some(d) = u8_at(data, o) {
        h.add(
            "DSAP",
            o,
            1,
            format!("0x{d:02x}"),
            names::llc_sap(d).unwrap_or(""),
        );
    }
    if let Some(s) = u8_at(data, o + 1) {
        h.add(
            "SSAP",
            o + 1,
            1,
            format!("0x{s:02x}"),
            names::llc_sap(s & 0xfe).unwrap_or(""),
        );
    }
    if let Some(c) = u8_at(data, o + 2) {
        let kind = match c & 3 {
            3 => "unnumbered",
            1 => "supervisory",
            _ => "information",
        };
        let clen = if len >= 4 { 2 } else { 1 };
        h.add("Control", o + 2, clen, format!("0x{c:02x}"), kind);
    }
    h.finish()
}

fn describe_snap(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "SNAP", data, r);
    if let Some(oui) = be24(data, o) {
        let m = match oui {
            0 => "encapsulated EtherType",
            0x00000c => "Cisco",
            0x080007 => "Apple",
            _ => "",
        };
        h.add("OUI", o, 3, format!("{oui:06x}"), m);
        if let Some(pid) = be16(data, o + 3) {
            let m = if oui == 0 {
                type_meaning(pid)
            } else {
                names::snap_short(oui, pid).to_uppercase()
            };
            h.add("Protocol ID", o + 3, 2, format!("0x{pid:04x}"), m);
        }
    }
    h.finish()
}

fn sll_address(h: &mut Hb<'_>, data: &[u8], len_off: usize, len_size: usize, addr_off: usize) {
    let alen = if len_size == 2 {
        be16(data, len_off).map(usize::from)
    } else {
        u8_at(data, len_off).map(usize::from)
    };
    if let Some(alen) = alen {
        h.add("Address length", len_off, len_size, alen.to_string(), "");
        let shown = alen.min(8);
        if let Some(b) = slice(data, addr_off, shown) {
            let v = if shown == 6 { mac(b) } else { hex(b, 8) };
            h.add("Source address", addr_off, 8, v, mac_meaning_if(b));
        }
    }
}

fn mac_meaning_if(b: &[u8]) -> &'static str {
    if b.len() == 6 { mac_meaning(b) } else { "" }
}

fn describe_sll(data: &[u8], r: Range<usize>) -> Header {
    let mut h = Hb::new(L, "Linux cooked capture", data, r);
    if let Some(t) = be16(data, 0) {
        h.add(
            "Packet type",
            0,
            2,
            t.to_string(),
            names::sll_packet_type(t).unwrap_or(""),
        );
    }
    if let Some(t) = be16(data, 2) {
        h.add(
            "Device type",
            2,
            2,
            t.to_string(),
            names::arphrd(t).unwrap_or(""),
        );
    }
    sll_address(&mut h, data, 4, 2, 6);
    if let Some(p) = be16(data, 14) {
        h.add(
            "Protocol",
            14,
            2,
            format!("0x{p:04x}"),
            cooked_proto_meaning(p),
        );
    }
    h.finish()
}

fn describe_sll2(data: &[u8], r: Range<usize>) -> Header {
    let mut h = Hb::new(L, "Linux cooked capture v2", data, r);
    if let Some(p) = be16(data, 0) {
        h.add(
            "Protocol",
            0,
            2,
            format!("0x{p:04x}"),
            cooked_proto_meaning(p),
        );
    }
    if let Some(i) = be32(data, 4) {
        h.add("Interface index", 4, 4, i.to_string(), "");
    }
    if let Some(t) = be16(data, 8) {
        h.add(
            "Device type",
            8,
            2,
            t.to_string(),
            names::arphrd(t).unwrap_or(""),
        );
    }
    if let Some(t) = u8_at(data, 10) {
        h.add(
            "Packet type",
            10,
            1,
            t.to_string(),
            names::sll_packet_type(u16::from(t)).unwrap_or(""),
        );
    }
    sll_address(&mut h, data, 11, 1, 12);
    h.finish()
}

fn cooked_proto_meaning(p: u16) -> String {
    match p {
        0x0001 => "Novell 802.3 (IPX)".into(),
        0x0004 => "802.2 LLC".into(),
        p => type_meaning(p),
    }
}

fn describe_null(data: &[u8], r: Range<usize>, big_endian: bool) -> Header {
    let mut h = Hb::new(L, "BSD loopback", data, r);
    let f = if big_endian {
        be32(data, 0)
    } else {
        le32(data, 0)
    };
    if f.is_some_and(|f| f > 1500 && names::bsd_family(f).is_none())
        && let Some(le) = le32(data, 0)
    {
        let t = null_value(le) & 0xffff;
        h.add(
            "Type",
            0,
            4,
            format!("0x{t:04x}"),
            format!(
                "EtherType {} (a Linux 2.0 / ISDN4BSD header, read as Wireshark does)",
                names::ethertype(t as u16).unwrap_or("unknown")
            ),
        );
        return h.finish();
    }
    if let Some(f) = f {
        let order = if big_endian {
            "network byte order"
        } else {
            "little-endian host order"
        };
        h.add(
            "Family",
            0,
            4,
            f.to_string(),
            format!("{} ({order})", names::bsd_family(f).unwrap_or("unknown")),
        );
    }
    h.finish()
}
