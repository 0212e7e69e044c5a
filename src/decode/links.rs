//! Link types beyond Ethernet and Linux cooked: PPP (plain, in HDLC-like framing, with
//! direction), Cisco HDLC, FDDI, Linux NFLOG, and IEEE 802.11 with its radio pseudo-headers
//! (radiotap, PPI, AVS, Prism). 802.11 data frames go on through LLC/SNAP to IP; management
//! and control frames are named, not decoded further; protected frames are shown encrypted.
//! Each header has its walk and its field description. Depends on `walk`, `link`, `tunnel`,
//! `bytes`, `fields`, `names`.

use std::ops::Range;

use super::bytes::{be16, le32, slice, u8_at};
use super::fields::{Hb, bytes_text, flag_names, mac, mac_meaning};
use super::problem::Problem;
use super::walk::{Hdr, Sink, Walker};
use super::{Header, LayerKind, Proto, link, names, tunnel};

const L: LayerKind = LayerKind::Link;

/// Link types this file decodes (pcap `LINKTYPE_*` numbers).
pub(crate) const FDDI: u32 = 10;
pub(crate) const PPP: u32 = 9;
pub(crate) const PPP_HDLC: u32 = 50;
pub(crate) const C_HDLC: u32 = 104;
pub(crate) const IEEE802_11: u32 = 105;
pub(crate) const PRISM: u32 = 119;
pub(crate) const RADIOTAP: u32 = 127;
pub(crate) const AVS: u32 = 163;
pub(crate) const PPI: u32 = 192;
pub(crate) const PPP_WITH_DIR: u32 = 204;
pub(crate) const NFLOG: u32 = 239;

/// Which radio pseudo-header precedes an 802.11 frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Radio {
    Radiotap,
    Ppi,
    Avs,
    Prism,
}

/// Little-endian `u16` at `off`.
fn le16(d: &[u8], off: usize) -> Option<u16> {
    d.get(off..)?
        .first_chunk::<2>()
        .map(|b| u16::from_le_bytes(*b))
}

/// Entry point for the link types above; false when `link` is not one of them.
pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, link: u32, end: usize) -> bool {
    match link {
        PPP | PPP_HDLC => ppp_link(w, 0, end),
        PPP_WITH_DIR => {
            w.emit(Hdr::PppDirection, 0, 1);
            if w.require(L, "PPP", "direction", 0, end, 1) {
                ppp_link(w, 1, end);
            }
        }
        C_HDLC => chdlc(w, 0, end),
        FDDI => fddi(w, end),
        IEEE802_11 => wlan(w, 0, end, false),
        RADIOTAP => radiotap(w, end),
        PPI => ppi(w, end),
        AVS => avs(w, end),
        PRISM => prism(w, end),
        NFLOG => nflog(w, end),
        super::netlink::LINKTYPE => super::netlink::link(w, end),
        _ => return false,
    }
    true
}

/// PPP as a link type: Cisco HDLC framing when the first byte says so (0x0f / 0x8f, as
/// Wireshark checks), else PPP with or without address/control.
fn ppp_link<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    match u8_at(w.data, off) {
        Some(0x0f | 0x8f) => chdlc(w, off, end),
        _ => tunnel::ppp(w, off, end),
    }
}

/// Cisco HDLC: address, control, then a protocol that is an EtherType for IP.
pub(crate) fn chdlc<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.emit(Hdr::Chdlc, off, off + 4);
    if !w.require(L, "Cisco HDLC", "header", off, end, 4) {
        return;
    }
    let Some(proto) = be16(w.data, off + 2) else {
        return;
    };
    match proto {
        // SLARP keepalives and CDP: named, not decoded.
        0x8035 | 0x2000 => {
            w.note_proto(Proto::EtherType(proto));
            w.data_rest(off + 4, end);
        }
        p => w.ethertype(p, off + 4, end),
    }
}

/// FDDI: frame control, destination, source, then 802.2 LLC.
fn fddi<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    w.emit(Hdr::Fddi, 0, 13);
    if !w.require(L, "FDDI", "header", 0, end, 13) {
        return;
    }
    // Frame control 0x50–0x57: asynchronous LLC frames; others are MAC / SMT frames.
    match u8_at(w.data, 0) {
        Some(fc) if fc & 0xf8 == 0x50 => link::llc(w, 13, end),
        _ => {
            w.note_proto(Proto::Unknown);
            w.data_rest(13, end);
        }
    }
}

/// Linux NFLOG: family, version, resource id, then type-length-value attributes; the
/// payload attribute (type 9) holds the logged packet.
fn nflog<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    if !w.require(L, "NFLOG", "header", 0, end, 4) {
        w.emit(Hdr::Nflog, 0, 4);
        return;
    }
    let family = u8_at(w.data, 0).unwrap_or(0);
    let mut hw_proto = None;
    let mut o = 4;
    // Attribute lengths are in the capturing host's byte order (nearly always little-endian).
    while o + 4 <= end.min(w.cap()) {
        let Some(len) = le16(w.data, o).map(usize::from) else {
            break;
        };
        let kind = le16(w.data, o + 2).unwrap_or(0) & 0x7fff;
        if len < 4 || o + len > end {
            w.emit(Hdr::Nflog, 0, o);
            w.problem(
                L,
                o,
                Problem::BadValue {
                    proto: "NFLOG",
                    field: "attribute length",
                    value: len as u64,
                    why: "shorter than its 4-byte header or past the packet's end",
                },
            );
            w.data_rest(o, end);
            return;
        }
        match kind {
            // NFULA_PACKET_HDR: hardware protocol (an EtherType), hook.
            1 => hw_proto = be16(w.data, o + 4),
            // NFULA_PAYLOAD: the packet.
            9 => {
                w.emit(Hdr::Nflog, 0, o + 4);
                let p = o + 4;
                let pend = o + len;
                match (family, hw_proto) {
                    (2, _) => w.ip_by_version(p, pend, false),
                    (10, _) => w.ip_by_version(p, pend, true),
                    (_, Some(t)) if t >= 0x0600 => w.ethertype(t, p, pend),
                    _ => w.ip_by_version(p, pend, false),
                }
                return;
            }
            _ => {}
        }
        o += len.next_multiple_of(4);
    }
    w.emit(Hdr::Nflog, 0, o.min(end));
    w.note_proto(Proto::Unknown);
}

/// radiotap: version, pad, length (LE), present bitmaps; the flags field says whether the
/// 802.11 frame ends with its FCS and whether its MAC header is padded to 4 bytes.
fn radiotap<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    let len = le16(w.data, 2).map_or(8, usize::from);
    w.emit(Hdr::Radio(Radio::Radiotap), 0, len);
    if !w.require(L, "radiotap", "header", 0, end, len.max(8)) {
        return;
    }
    let flags = radiotap_flags(w.data).unwrap_or(0);
    wlan_frame(w, len, end, flags & 0x10 != 0, false, flags & 0x20 != 0);
}

/// The radiotap flags byte, when present.
fn radiotap_flags(d: &[u8]) -> Option<u8> {
    let present = le32(d, 4)?;
    if present & 0x02 == 0 {
        return None;
    }
    // Skip extended presence bitmaps.
    let mut o = 8;
    let mut p = present;
    while p & 0x8000_0000 != 0 {
        p = le32(d, o)?;
        o += 4;
    }
    if present & 0x01 != 0 {
        o = o.next_multiple_of(8) + 8; // TSFT, 8-byte aligned
    }
    u8_at(d, o)
}

/// PPI: version, flags, length (LE), data link type (LE); field 2 (802.11-common) says
/// whether the frame has an FCS.
fn ppi<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    let len = le16(w.data, 2).map_or(8, usize::from);
    w.emit(Hdr::Radio(Radio::Ppi), 0, len);
    if !w.require(L, "PPI", "header", 0, end, len.max(8)) {
        return;
    }
    let dlt = le32(w.data, 4).unwrap_or(0);
    let mut fcs = false;
    let mut o = 8;
    while o + 4 <= len {
        let (Some(kind), Some(flen)) = (le16(w.data, o), le16(w.data, o + 2)) else {
            break;
        };
        if kind == 2 {
            fcs = le16(w.data, o + 4 + 8).is_some_and(|f| f & 0x01 != 0);
        }
        o += 4 + usize::from(flen);
    }
    match dlt {
        IEEE802_11 => wlan(w, len, end, fcs),
        1 => link::ethernet(w, len, end, false),
        other => {
            w.problem(L, 4, Problem::UnknownLink(other));
            w.data_rest(len, end);
        }
    }
}

/// AVS capture header: its length is the second big-endian word.
fn avs<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    let len = super::bytes::be32(w.data, 4).map_or(64, |l| l as usize);
    w.emit(Hdr::Radio(Radio::Avs), 0, len);
    if w.require(L, "AVS", "header", 0, end, len.max(8)) {
        wlan(w, len, end, false);
    }
}

/// Prism monitoring header: its length is the second little-endian word (usually 144).
fn prism<S: Sink>(w: &mut Walker<'_, S>, end: usize) {
    let len = le32(w.data, 4).map_or(144, |l| l as usize);
    w.emit(Hdr::Radio(Radio::Prism), 0, len);
    if w.require(L, "Prism", "header", 0, end, len.max(8)) {
        wlan(w, len, end, false);
    }
}

/// The length of an 802.11 MAC header from its frame control (0 for a control frame whose
/// length depends on its subtype: the caller uses the minimum).
fn wlan_header_len(fc0: u8, fc1: u8) -> usize {
    let kind = (fc0 >> 2) & 3;
    let subtype = fc0 >> 4;
    match kind {
        // Control frames: ACK and CTS carry one address, the rest two.
        1 => match subtype {
            0xc | 0xd => 10,
            _ => 16,
        },
        2 => {
            let mut len = 24;
            if fc1 & 3 == 3 {
                len += 6; // fourth address (WDS)
            }
            if subtype & 0x8 != 0 {
                len += 2; // QoS control
                if fc1 & 0x80 != 0 {
                    len += 4; // HT control
                }
            }
            len
        }
        _ => 24,
    }
}

/// Intel Centrino's monitor frames (EtherType 0x2452 inside Ethernet): an 802.11 frame the
/// firmware already decrypted, so its protected bit is ignored (as Wireshark's
/// `wlan_centrino` does).
pub(crate) fn wlan_centrino<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    wlan_frame(w, off, end, false, true, false);
}

/// An 802.11 frame carried in a tunnel (Aruba GRE), without FCS.
pub(crate) fn wlan_in_tunnel<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    wlan_frame(w, off, end, false, false, false);
}

/// An 802.11 frame at `off`; `fcs` when its last 4 bytes are the frame check sequence.
fn wlan<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize, fcs: bool) {
    wlan_frame(w, off, end, fcs, false, false);
}

/// `pad`: radiotap's "data pad" flag, the body starts at the next multiple of 4 after the MAC
/// header.
fn wlan_frame<S: Sink>(
    w: &mut Walker<'_, S>,
    off: usize,
    end: usize,
    fcs: bool,
    decrypted: bool,
    pad: bool,
) {
    let end = if fcs && end >= off + 4 { end - 4 } else { end };
    let (Some(fc0), Some(fc1)) = (u8_at(w.data, off), u8_at(w.data, off + 1)) else {
        w.emit(Hdr::Wlan, off, off + 2);
        w.require(L, "802.11", "frame control", off, end, 2);
        return;
    };
    let hlen = wlan_header_len(fc0, fc1);
    w.emit(Hdr::Wlan, off, off + hlen);
    if !w.require(L, "802.11", "header", off, end, hlen) {
        return;
    }
    let kind = (fc0 >> 2) & 3;
    let subtype = fc0 >> 4;
    let p = off + if pad { hlen.next_multiple_of(4) } else { hlen };
    if kind != 2 {
        // Management and control frames are named in the header, not decoded further.
        w.note_proto(Proto::Unknown);
        w.data_rest(p, end);
        return;
    }
    if subtype & 0x4 != 0 || p >= end {
        // Null function (no data).
        w.note_proto(Proto::Unknown);
        return;
    }
    // Centrino's decrypted frames keep the 4-byte WEP IV / key id before the body.
    let p = if fc1 & 0x40 != 0 && decrypted {
        p + 4
    } else {
        p
    };
    if fc1 & 0x40 != 0 && !decrypted {
        // Protected: the body is encrypted (WEP/TKIP/CCMP).
        w.note_proto(Proto::Unknown);
        w.problem(L, p, Problem::Encrypted { proto: "802.11" });
        w.data_rest(p, end);
        return;
    }
    let p = super::mesh::walk(w, off, p, end, fc0, fc1);
    link::llc(w, p, end);
}

// ---------------------------------------------------------------------------------------
// Descriptions

pub(crate) fn describe(hdr: Hdr, data: &[u8], r: Range<usize>) -> Header {
    match hdr {
        Hdr::PppDirection => {
            let mut h = Hb::new(L, "PPP direction", data, r);
            if let Some(d) = u8_at(data, 0) {
                let m = match d {
                    0 => "received",
                    1 => "sent",
                    _ => "",
                };
                h.add("Direction", 0, 1, d.to_string(), m);
            }
            h.finish()
        }
        Hdr::Chdlc => describe_chdlc(data, r),
        Hdr::Fddi => {
            let mut h = Hb::new(L, "FDDI", data, r);
            if let Some(fc) = u8_at(data, 0) {
                let m = if fc & 0xf8 == 0x50 {
                    "LLC frame"
                } else {
                    "MAC or SMT frame"
                };
                h.add("Frame control", 0, 1, format!("0x{fc:02x}"), m);
            }
            if let Some(b) = slice(data, 1, 6) {
                h.add("Destination", 1, 6, mac(b), mac_meaning(b));
            }
            if let Some(b) = slice(data, 7, 6) {
                h.add("Source", 7, 6, mac(b), mac_meaning(b));
            }
            h.finish()
        }
        Hdr::Nflog => describe_nflog(data, r),
        Hdr::Radio(kind) => describe_radio(kind, data, r),
        Hdr::Wlan => describe_wlan(data, r),
        _ => Hb::new(L, "Link", data, r).finish(),
    }
}

fn describe_chdlc(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "Cisco HDLC", data, r);
    if let Some(a) = u8_at(data, o) {
        let m = match a {
            0x0f => "unicast",
            0x8f => "broadcast",
            _ => "",
        };
        h.add("Address", o, 1, format!("0x{a:02x}"), m);
    }
    if let Some(c) = u8_at(data, o + 1) {
        h.add("Control", o + 1, 1, format!("0x{c:02x}"), "");
    }
    if let Some(p) = be16(data, o + 2) {
        let m = match p {
            0x8035 => "SLARP".to_string(),
            0x2000 => "CDP".to_string(),
            p => names::ethertype(p).unwrap_or("unknown").to_string(),
        };
        h.add("Protocol", o + 2, 2, format!("0x{p:04x}"), m);
    }
    h.finish()
}

fn describe_nflog(data: &[u8], r: Range<usize>) -> Header {
    let end = r.end;
    let mut h = Hb::new(L, "Linux NFLOG", data, r);
    if let Some(f) = u8_at(data, 0) {
        let m = match f {
            2 => "IPv4",
            10 => "IPv6",
            7 => "bridge",
            _ => "",
        };
        h.add("Family", 0, 1, f.to_string(), m);
    }
    if let Some(v) = u8_at(data, 1) {
        h.add("Version", 1, 1, v.to_string(), "");
    }
    if let Some(g) = be16(data, 2) {
        h.add(
            "Group",
            2,
            2,
            g.to_string(),
            "the NFLOG group the rule logged to",
        );
    }
    let mut o = 4;
    while o + 4 <= end {
        let (Some(len), Some(kind)) = (le16(data, o), le16(data, o + 2)) else {
            break;
        };
        let len = usize::from(len);
        if len < 4 {
            break;
        }
        let kind = kind & 0x7fff;
        let name = match kind {
            1 => "Packet header",
            2 => "Mark",
            3 => "Timestamp",
            4 => "Input interface",
            5 => "Output interface",
            8 => "Hardware address",
            9 => "Payload",
            10 => "Prefix",
            11 => "User id",
            13 => "Group id",
            _ => "Attribute",
        };
        let shown = if kind == 9 { 4 } else { len };
        let value = if kind == 10 {
            let text = super::bytes::clamped(data, o + 4, o + len);
            let text = text.split(|b| *b == 0).next().unwrap_or(&[]);
            crate::sanitize::sanitize_bytes(text)
        } else {
            bytes_text(len - 4)
        };
        h.add(name, o, shown, value, format!("type {kind}"));
        if kind == 9 {
            break;
        }
        o += len.next_multiple_of(4);
    }
    h.finish()
}

fn describe_radio(kind: Radio, data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let len = r.len();
    match kind {
        Radio::Radiotap => {
            let mut h = Hb::new(L, "radiotap", data, r);
            if let Some(v) = u8_at(data, o) {
                h.add("Version", o, 1, v.to_string(), "");
            }
            if let Some(l) = le16(data, o + 2) {
                h.add(
                    "Length",
                    o + 2,
                    2,
                    l.to_string(),
                    "bytes of radio information",
                );
            }
            if let Some(p) = le32(data, o + 4) {
                let m = flag_names(
                    p,
                    &[
                        (1, "TSFT"),
                        (2, "flags"),
                        (4, "rate"),
                        (8, "channel"),
                        (0x20, "signal"),
                        (0x40, "noise"),
                    ],
                );
                h.add("Present", o + 4, 4, format!("0x{p:08x}"), m);
            }
            if let Some(f) = radiotap_flags(data) {
                let m = if f & 0x10 != 0 {
                    "frame ends with its FCS"
                } else {
                    ""
                };
                h.add(
                    "Flags",
                    o + 8,
                    len.saturating_sub(8),
                    format!("0x{f:02x}"),
                    m,
                );
            }
            h.finish()
        }
        Radio::Ppi => {
            let mut h = Hb::new(L, "PPI", data, r);
            if let Some(v) = u8_at(data, o) {
                h.add("Version", o, 1, v.to_string(), "");
            }
            if let Some(l) = le16(data, o + 2) {
                h.add("Length", o + 2, 2, l.to_string(), "bytes");
            }
            if let Some(d) = le32(data, o + 4) {
                let m = match d {
                    IEEE802_11 => "IEEE 802.11",
                    1 => "Ethernet",
                    _ => "",
                };
                h.add("Data link type", o + 4, 4, d.to_string(), m);
            }
            h.finish()
        }
        Radio::Avs => {
            let mut h = Hb::new(L, "AVS WLAN capture header", data, r);
            if let Some(v) = super::bytes::be32(data, o) {
                h.add("Version", o, 4, format!("0x{v:08x}"), "");
            }
            h.finish()
        }
        Radio::Prism => {
            let mut h = Hb::new(L, "Prism capture header", data, r);
            if let Some(l) = le32(data, o + 4) {
                h.add("Length", o + 4, 4, l.to_string(), "bytes");
            }
            if let Some(b) = slice(data, o + 8, 16) {
                let dev = b.split(|c| *c == 0).next().unwrap_or(&[]);
                h.add(
                    "Device",
                    o + 8,
                    16,
                    crate::sanitize::sanitize_bytes(dev),
                    "",
                );
            }
            h.finish()
        }
    }
}

/// The name of an 802.11 frame by type and subtype.
pub(crate) fn wlan_frame_name(kind: u8, subtype: u8) -> &'static str {
    match (kind, subtype) {
        (0, 0) => "Association request",
        (0, 1) => "Association response",
        (0, 2) => "Reassociation request",
        (0, 3) => "Reassociation response",
        (0, 4) => "Probe request",
        (0, 5) => "Probe response",
        (0, 8) => "Beacon",
        (0, 9) => "ATIM",
        (0, 10) => "Disassociation",
        (0, 11) => "Authentication",
        (0, 12) => "Deauthentication",
        (0, 13) => "Action",
        (0, _) => "Management frame",
        (1, 8) => "Block Ack request",
        (1, 9) => "Block Ack",
        (1, 10) => "PS-Poll",
        (1, 11) => "RTS",
        (1, 12) => "CTS",
        (1, 13) => "ACK",
        (1, 14) => "CF-End",
        (1, _) => "Control frame",
        (2, s) if s & 0x4 != 0 => "Null data",
        (2, s) if s & 0x8 != 0 => "QoS data",
        (2, _) => "Data",
        _ => "Extension frame",
    }
}

fn describe_wlan(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let len = r.len();
    let (Some(fc0), Some(fc1)) = (u8_at(data, o), u8_at(data, o + 1)) else {
        return Hb::new(L, "IEEE 802.11", data, r).finish();
    };
    let kind = (fc0 >> 2) & 3;
    let subtype = fc0 >> 4;
    let name = wlan_frame_name(kind, subtype);
    let mut h = Hb::new(L, format!("IEEE 802.11 {name}"), data, r);
    let kind_name = match kind {
        0 => "management",
        1 => "control",
        2 => "data",
        _ => "extension",
    };
    h.add(
        "Frame type",
        o,
        1,
        format!("{kind}/{subtype}"),
        format!("{name} ({kind_name})"),
    );
    let flags = flag_names(
        u32::from(fc1),
        &[
            (0x01, "to DS"),
            (0x02, "from DS"),
            (0x04, "more fragments"),
            (0x08, "retry"),
            (0x10, "power management"),
            (0x20, "more data"),
            (0x40, "protected"),
            (0x80, "order"),
        ],
    );
    h.add("Flags", o + 1, 1, format!("0x{fc1:02x}"), flags);
    if let Some(d) = le16(data, o + 2) {
        h.add("Duration", o + 2, 2, d.to_string(), "µs");
    }
    // Address roles depend on the DS bits for data frames.
    let roles: [&str; 4] = match (kind, fc1 & 3) {
        (2, 0) => ["Destination", "Source", "BSSID", ""],
        (2, 1) => ["BSSID", "Source", "Destination", ""],
        (2, 2) => ["Destination", "BSSID", "Source", ""],
        (2, _) => ["Receiver", "Transmitter", "Destination", "Source"],
        (1, _) => ["Receiver", "Transmitter", "", ""],
        _ => ["Destination", "Source", "BSSID", ""],
    };
    for (i, at) in [4usize, 10, 16, 24].into_iter().enumerate() {
        let role = roles.get(i).copied().unwrap_or("");
        if role.is_empty() || at + 6 > len {
            continue;
        }
        if let Some(b) = slice(data, o + at, 6) {
            h.add(role, o + at, 6, mac(b), mac_meaning(b));
        }
    }
    if kind != 1
        && 24 <= len
        && let Some(s) = le16(data, o + 22)
    {
        h.add(
            "Sequence",
            o + 22,
            2,
            (s >> 4).to_string(),
            format!("fragment {}", s & 0xf),
        );
    }
    if kind == 2 && subtype & 0x8 != 0 {
        let q = if fc1 & 3 == 3 { 30 } else { 24 };
        if let Some(v) = le16(data, o + q) {
            h.add(
                "QoS control",
                o + q,
                2,
                format!("0x{v:04x}"),
                format!("TID {}", v & 0xf),
            );
        }
    }
    h.finish()
}
