//! More encapsulations the walk follows to the inner packet: over UDP, GTP-U (2152), L2TP
//! version 2 data (1701), Teredo (3544), AYIYA (5072) and GRE-in-UDP (4754); over Ethernet,
//! VN-Tag (0x8926), 802.1ah PBB (0x88e7) and Cisco FabricPath (0x8903); and the MPLS
//! pseudowire payload (Ethernet with or without a control word, decided as Wireshark's
//! `pw_eth_heuristic` does). Each has its walk and its field description. Depends on `walk`,
//! `link`, `tunnel`, `bytes`, `fields`, `names`.

use std::ops::Range;

use super::bytes::{be16, be24, be32, u8_at};
use super::fields::{Hb, bytes_text, flag_names};
use super::walk::{Hdr, Sink, Walker};
use super::{Header, LayerKind, link, names, tunnel};

const A: LayerKind = LayerKind::Application;
const L: LayerKind = LayerKind::Link;

/// UDP ports of the tunnels here.
pub(crate) const GTP_U: u16 = 2152;
pub(crate) const L2TP: u16 = 1701;
pub(crate) const TEREDO: u16 = 3544;
pub(crate) const AYIYA: u16 = 5072;
pub(crate) const GRE_UDP: u16 = 4754;

/// Tries the UDP tunnel on `port` for the payload at `off..end`; false when `port` is not
/// one of them or the payload does not look like it.
pub(crate) fn udp<S: Sink>(w: &mut Walker<'_, S>, port: u16, off: usize, end: usize) -> bool {
    match port {
        GTP_U if u8_at(w.data, off).is_some_and(|f| f >> 5 == 1 && f & 0x10 != 0) => {
            gtp_u(w, off, end)
        }
        L2TP if be16(w.data, off).is_some_and(|f| f & 0x0f == 2) => l2tp(w, off, end),
        TEREDO if teredo_len(w.data, off).is_some() => teredo(w, off, end),
        AYIYA if ayiya_len(w.data, off).is_some() => ayiya(w, off, end),
        GRE_UDP if be16(w.data, off).is_some_and(|f| f & 7 == 0) => tunnel::gre(w, off, end),
        _ => return false,
    }
    true
}

/// GTP-U (version 1): flags, message type, length, TEID, optional sequence/N-PDU/extension
/// headers; a T-PDU (type 255) carries an IP packet.
fn gtp_u<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let flags = u8_at(w.data, off).unwrap_or(0);
    let mut len = 8;
    if flags & 0x07 != 0 {
        len += 4;
        // Extension headers: each gives its length in 4-byte units and the next type last.
        let mut next = u8_at(w.data, off + 11).unwrap_or(0);
        let mut guard = 0;
        while next != 0 && guard < 16 {
            let Some(units) = u8_at(w.data, off + len).filter(|u| *u > 0) else {
                break;
            };
            len += usize::from(units) * 4;
            next = u8_at(w.data, off + len - 1).unwrap_or(0);
            guard += 1;
        }
    }
    w.emit(Hdr::Gtp, off, off + len);
    if !w.require(A, "GTP-U", "header", off, end, len) {
        return;
    }
    // The length field counts the bytes after the first 8.
    let declared = be16(w.data, off + 2).map_or(end, |l| off + 8 + usize::from(l));
    let pend = declared.min(end);
    if u8_at(w.data, off + 1) == Some(0xff) && off + len < pend {
        w.ip_by_version(off + len, pend, false);
    } else {
        w.data_rest(off + len, pend);
    }
}

/// L2TP version 2: flags/version, optional length, tunnel and session ids, optional Ns/Nr
/// and offset; data messages carry PPP.
fn l2tp<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let f = be16(w.data, off).unwrap_or(0);
    let mut len = 6;
    if f & 0x4000 != 0 {
        len += 2;
    }
    if f & 0x0800 != 0 {
        len += 4;
    }
    if f & 0x0200 != 0 {
        len += 2 + be16(w.data, off + len).map_or(0, usize::from);
    }
    w.emit(Hdr::L2tp, off, off + len);
    if !w.require(A, "L2TP", "header", off, end, len) {
        return;
    }
    if f & 0x8000 != 0 {
        // A control message: named in the header, not decoded further.
        w.data_rest(off + len, end);
    } else {
        tunnel::ppp(w, off + len, end);
    }
}

/// Teredo's optional authentication and origin indication headers, then IPv6: the length of
/// those headers when the IPv6 header follows them.
fn teredo_len(d: &[u8], off: usize) -> Option<usize> {
    let mut o = off;
    if be16(d, o) == Some(1) {
        let id = usize::from(u8_at(d, o + 2)?);
        let au = usize::from(u8_at(d, o + 3)?);
        o += 4 + id + au + 9;
    }
    if be16(d, o) == Some(0) {
        o += 8;
    }
    (u8_at(d, o)? >> 4 == 6).then_some(o - off)
}

fn teredo<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let len = teredo_len(w.data, off).unwrap_or(0);
    if len > 0 {
        w.emit(Hdr::Teredo, off, off + len);
    }
    w.ip_by_version(off + len, end, true);
}

/// AYIYA: identity and signature lengths in the first bytes; the header length when
/// plausible (version-less, so checked loosely: a known next header).
fn ayiya_len(d: &[u8], off: usize) -> Option<usize> {
    let idlen = u8_at(d, off)? >> 4;
    let siglen = u8_at(d, off + 1)? >> 4;
    let next = u8_at(d, off + 3)?;
    (idlen <= 8 && matches!(next, 4 | 41 | 59))
        .then(|| 8 + (1usize << idlen) + 4 * usize::from(siglen))
}

fn ayiya<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let len = ayiya_len(w.data, off).unwrap_or(8);
    w.emit(Hdr::Ayiya, off, off + len);
    if !w.require(A, "AYIYA", "header", off, end, len) {
        return;
    }
    let opcode = u8_at(w.data, off + 2).unwrap_or(0) & 0x0f;
    match (opcode, u8_at(w.data, off + 3)) {
        (1, Some(4)) => w.ip_by_version(off + len, end, false),
        (1, Some(41)) => w.ip_by_version(off + len, end, true),
        _ => w.data_rest(off + len, end),
    }
}

/// VN-Tag (Cisco/IEEE 802.1Qbh): 4-byte tag, then the EtherType.
pub(crate) fn vntag<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.emit(Hdr::VnTag, off, off + 6);
    if !w.require(L, "VN-Tag", "header", off, end, 6) {
        return;
    }
    if let Some(t) = be16(w.data, off + 4) {
        w.ethertype(t, off + 6, end);
    }
}

/// 802.1ah provider backbone bridging: the I-TAG, then the customer's Ethernet frame.
pub(crate) fn pbb<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.emit(Hdr::Pbb, off, off + 4);
    if w.require(L, "802.1ah", "I-TAG", off, end, 4) {
        link::ethernet(w, off + 4, end, false);
    }
}

/// Cisco FabricPath: the FTag/TTL word after EtherType 0x8903, then the classical Ethernet
/// frame.
pub(crate) fn fabricpath<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.emit(Hdr::FabricPath, off, off + 2);
    if w.require(L, "FabricPath", "tag", off, end, 2) {
        link::ethernet(w, off + 2, end, false);
    }
}

/// Whether an Ethernet header at `off` carries an EtherType Wireshark's pseudowire
/// heuristic accepts (so the frame is plain, not behind a control word).
fn looks_like_ethernet(d: &[u8], off: usize) -> bool {
    matches!(
        be16(d, off + 12),
        Some(
            0x0800 | 0x86dd | 0x0806 | 0x8100 | 0x88a8 | 0x8847 | 0x8848 | 0x8035 | 0x8864 | 0x8863
        )
    )
}

/// An MPLS payload that is not IP (first nibble not 4 or 6): an Ethernet pseudowire,
/// without a control word when an Ethernet header is plausible at once, else after one.
/// False when neither looks like Ethernet.
pub(crate) fn mpls_pw<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) -> bool {
    if end >= off + 14 && looks_like_ethernet(w.data, off) {
        link::ethernet(w, off, end, false);
        return true;
    }
    if u8_at(w.data, off).is_some_and(|b| b >> 4 == 0)
        && end >= off + 18
        && looks_like_ethernet(w.data, off + 4)
    {
        w.emit(Hdr::PwControlWord, off, off + 4);
        link::ethernet(w, off + 4, end, false);
        return true;
    }
    false
}

// ---------------------------------------------------------------------------------------
// Descriptions

pub(crate) fn describe(hdr: Hdr, data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let end = r.end;
    match hdr {
        Hdr::Gtp => {
            let mut h = Hb::new(A, "GTP-U", data, r);
            if let Some(f) = u8_at(data, o) {
                let m = flag_names(
                    u32::from(f),
                    &[
                        (0x04, "extension header"),
                        (0x02, "sequence number"),
                        (0x01, "N-PDU number"),
                    ],
                );
                h.add(
                    "Flags",
                    o,
                    1,
                    format!("0x{f:02x}"),
                    format!("version {}, {m}", f >> 5),
                );
            }
            if let Some(t) = u8_at(data, o + 1) {
                let m = match t {
                    1 => "echo request",
                    2 => "echo response",
                    26 => "error indication",
                    254 => "end marker",
                    255 => "T-PDU (user data)",
                    _ => "",
                };
                h.add("Message type", o + 1, 1, t.to_string(), m);
            }
            if let Some(l) = be16(data, o + 2) {
                h.add("Length", o + 2, 2, l.to_string(), "bytes after the first 8");
            }
            if let Some(t) = be32(data, o + 4) {
                h.add(
                    "TEID",
                    o + 4,
                    4,
                    format!("0x{t:08x}"),
                    "tunnel endpoint identifier",
                );
            }
            if end >= o + 12
                && let Some(s) = be16(data, o + 8)
            {
                h.add("Sequence number", o + 8, 2, s.to_string(), "");
            }
            h.finish()
        }
        Hdr::L2tp => {
            let mut h = Hb::new(A, "L2TP", data, r);
            let f = be16(data, o).unwrap_or(0);
            let m = flag_names(
                u32::from(f),
                &[
                    (0x8000, "control"),
                    (0x4000, "length"),
                    (0x0800, "sequence"),
                    (0x0200, "offset"),
                    (0x0100, "priority"),
                ],
            );
            let kind = if f & 0x8000 != 0 {
                "control message"
            } else {
                "data message"
            };
            h.add(
                "Flags",
                o,
                2,
                format!("0x{f:04x}"),
                format!("{kind}; version {}; {m}", f & 0xf),
            );
            let mut a = o + 2;
            if f & 0x4000 != 0 {
                if let Some(l) = be16(data, a) {
                    h.add("Length", a, 2, l.to_string(), "bytes");
                }
                a += 2;
            }
            if let Some(t) = be16(data, a) {
                h.add("Tunnel ID", a, 2, t.to_string(), "");
            }
            if let Some(s) = be16(data, a + 2) {
                h.add("Session ID", a + 2, 2, s.to_string(), "");
            }
            h.finish()
        }
        Hdr::Teredo => {
            let mut h = Hb::new(A, "Teredo", data, r);
            let mut a = o;
            if be16(data, a) == Some(1) {
                let id = u8_at(data, a + 2).map_or(0, usize::from);
                let au = u8_at(data, a + 3).map_or(0, usize::from);
                let n = 4 + id + au + 9;
                h.add("Authentication", a, n, bytes_text(n), "");
                a += n;
            }
            if be16(data, a) == Some(0) && a + 8 <= end {
                if let Some(p) = be16(data, a + 2) {
                    h.add(
                        "Origin port",
                        a + 2,
                        2,
                        (p ^ 0xffff).to_string(),
                        "de-obfuscated",
                    );
                }
                if let Some(ip) = be32(data, a + 4) {
                    let ip = std::net::Ipv4Addr::from(ip ^ 0xffff_ffff);
                    h.add("Origin address", a + 4, 4, ip.to_string(), "de-obfuscated");
                }
            }
            h.finish()
        }
        Hdr::Ayiya => {
            let mut h = Hb::new(A, "AYIYA", data, r);
            if let Some(b) = u8_at(data, o) {
                h.add(
                    "Identity length",
                    o,
                    1,
                    (1u32 << (b >> 4).min(15)).to_string(),
                    "bytes",
                );
            }
            if let Some(b) = u8_at(data, o + 2) {
                let m = match b & 0xf {
                    0 => "no operation",
                    1 => "forward",
                    2 => "echo request",
                    3 => "echo response",
                    _ => "",
                };
                h.add("Opcode", o + 2, 1, (b & 0xf).to_string(), m);
            }
            if let Some(n) = u8_at(data, o + 3) {
                h.add(
                    "Next header",
                    o + 3,
                    1,
                    n.to_string(),
                    names::ip_proto_long(n).unwrap_or(""),
                );
            }
            if let Some(e) = be32(data, o + 4) {
                h.add("Epoch", o + 4, 4, e.to_string(), "seconds since 1970");
            }
            h.finish()
        }
        Hdr::VnTag => {
            let mut h = Hb::new(L, "VN-Tag", data, r);
            if let Some(v) = be32(data, o) {
                h.add(
                    "Destination VIF",
                    o,
                    2,
                    ((v >> 16) & 0x3fff).to_string(),
                    if v & 0x8000_0000 != 0 {
                        "direction: to the bridge"
                    } else {
                        ""
                    },
                );
                h.add("Source VIF", o + 2, 2, (v & 0xfff).to_string(), "");
            }
            if let Some(t) = be16(data, o + 4) {
                h.add(
                    "Type",
                    o + 4,
                    2,
                    format!("0x{t:04x}"),
                    names::ethertype(t).unwrap_or(""),
                );
            }
            h.finish()
        }
        Hdr::Pbb => {
            let mut h = Hb::new(L, "802.1ah PBB I-TAG", data, r);
            if let Some(b) = u8_at(data, o) {
                h.add("Priority", o, 1, (b >> 5).to_string(), "");
            }
            if let Some(s) = be24(data, o + 1) {
                h.add(
                    "I-SID",
                    o + 1,
                    3,
                    s.to_string(),
                    "backbone service instance",
                );
            }
            h.finish()
        }
        Hdr::FabricPath => {
            let mut h = Hb::new(L, "Cisco FabricPath", data, r);
            if let Some(v) = be16(data, o) {
                h.add("FTag", o, 2, (v >> 6).to_string(), "forwarding tag");
                h.add("TTL", o, 2, (v & 0x3f).to_string(), "");
            }
            h.finish()
        }
        Hdr::PwControlWord => {
            let mut h = Hb::new(L, "PW Ethernet control word", data, r);
            if let Some(s) = be16(data, o + 2) {
                h.add("Sequence number", o + 2, 2, s.to_string(), "");
            }
            h.finish()
        }
        _ => Hb::new(A, "Tunnel", data, r).finish(),
    }
}
