//! Encapsulations the walk follows so that the inner packet's layers are shown: GRE (with
//! ERSPAN types I–III and PPTP's PPP), VXLAN, Geneve, MPLS, PPPoE session, Cisco MetaData,
//! PIM register; and ESP, whose payload is encrypted. Each has its walk and its field
//! description. Depends on `walk`, `link`, `bytes`, `fields`, `names`.

use std::ops::Range;

use super::bytes::{be16, be24, be32, u8_at};
use super::fields::{Hb, bytes_text, flag_names, fld};
use super::link;
use super::names;
use super::problem::Problem;
use super::walk::{Hdr, Sink, Walker};
use super::{Header, LayerKind, Proto};

/// GRE header length from its flags/version word.
fn gre_len(fv: u16) -> usize {
    let mut len = 4;
    if fv & 0xc000 != 0 {
        len += 4; // checksum (+ reserved), also present when routing is
    }
    if fv & 0x2000 != 0 {
        len += 4; // key
    }
    if fv & 0x1000 != 0 {
        len += 4; // sequence
    }
    if fv & 7 == 1 && fv & 0x0080 != 0 {
        len += 4; // PPTP acknowledgment
    }
    len
}

pub(crate) fn gre<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.note_proto(Proto::Ip(47));
    let fv = be16(w.data, off).unwrap_or(0);
    let len = gre_len(fv);
    w.emit(Hdr::Gre, off, off + len);
    if !w.require(LayerKind::Transport, "GRE", "header", off, end, len) {
        return;
    }
    let Some(proto) = be16(w.data, off + 2) else {
        return;
    };
    if fv & 0x4000 != 0 {
        w.problem(
            LayerKind::Transport,
            off,
            Problem::UnknownTunnelPayload {
                proto: "GRE with source routing",
                value: proto,
            },
        );
        w.data_rest(off + len, end);
        return;
    }
    let p = off + len;
    match proto {
        0x88be if fv & 0x1000 != 0 => erspan(w, p, end),
        0x88be => link::ethernet(w, p, end, false), // ERSPAN type I: no header
        0x22eb => erspan(w, p, end),
        0x880b => ppp(w, p, end),
        0x883e => wccp(w, p, end),
        0x8909 => cisco_meta(w, p, end, true),
        // Aruba access points tunnel 802.11 frames in GRE types 0x8200–0x8360 (every 0x10),
        // as Wireshark's `aruba_ap` registrations list them.
        t @ 0x8200..=0x8360 if t % 0x10 == 0 => super::links::wlan_in_tunnel(w, p, end),
        t => w.ethertype(t, p, end),
    }
}

/// WCCP redirection in GRE: an optional 4-byte redirect header, then IPv4.
fn wccp<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let mut p = off;
    if u8_at(w.data, off).is_some_and(|b| b >> 4 != 4) {
        w.emit(Hdr::Wccp, off, off + 4);
        if !w.require(LayerKind::Transport, "WCCP", "redirect header", off, end, 4) {
            return;
        }
        p += 4;
    }
    w.ethertype(0x0800, p, end);
}

/// Arista timestamp header: subtype, version, a 64- or 48-bit timestamp, then an EtherType.
pub(crate) fn arista<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let version = be16(w.data, off + 2).unwrap_or(0x10);
    let ts = if version & 0xf0 == 0x20 { 6 } else { 8 };
    let len = 4 + ts + 2;
    w.emit(Hdr::Arista, off, off + len);
    if !w.require(LayerKind::Link, "Arista", "header", off, end, len) {
        return;
    }
    if be16(w.data, off) != Some(1) {
        w.note_proto(Proto::EtherType(0xd28b));
        w.data_rest(off + 4, end);
        return;
    }
    if let Some(t) = be16(w.data, off + len - 2) {
        w.ethertype(t, off + len, end);
    }
}

/// MACsec: the SecTAG, then (unencrypted only) the protected frame's EtherType and payload,
/// with a 16-byte integrity check value at the end.
pub(crate) fn macsec<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.note_proto(Proto::EtherType(0x88e5));
    let tci = u8_at(w.data, off).unwrap_or(0);
    let len = if tci & 0x20 != 0 { 14 } else { 6 };
    w.emit(Hdr::Macsec, off, off + len);
    if !w.require(LayerKind::Link, "MACsec", "SecTAG", off, end, len) {
        return;
    }
    let p = off + len;
    if tci & 0x0c != 0 {
        // Encrypted (or modified) payload: nothing to read.
        w.data_rest(p, end);
        return;
    }
    let icv_start = end.saturating_sub(16).max(p);
    match be16(w.data, p) {
        Some(t) if p + 2 <= icv_start && t >= 0x0600 => w.ethertype(t, p + 2, icv_start),
        _ => w.data_rest(p, end),
    }
}

/// Network Service Header: base + service path + context headers, then the next protocol.
pub(crate) fn nsh<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.note_proto(Proto::EtherType(0x894f));
    let len = u8_at(w.data, off + 1).map_or(8, |b| usize::from(b & 0x3f) * 4);
    w.emit(Hdr::Nsh, off, off + len.max(8));
    if !w.require(LayerKind::Link, "NSH", "header", off, end, len.max(8)) {
        return;
    }
    let p = off + len;
    match u8_at(w.data, off + 3) {
        Some(1) => w.ethertype(0x0800, p, end),
        Some(2) => w.ethertype(0x86dd, p, end),
        Some(3) => link::ethernet(w, p, end, false),
        Some(5) => w.ethertype(0x8847, p, end),
        _ => w.data_rest(p, end),
    }
}

fn erspan<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let ver = u8_at(w.data, off).map_or(1, |b| b >> 4);
    let mut len = if ver == 2 { 12 } else { 8 };
    if ver == 2 && be16(w.data, off + 10).is_some_and(|v| v & 1 != 0) {
        len += 8; // platform-specific subheader
    }
    w.emit(Hdr::Erspan, off, off + len);
    if !w.require(LayerKind::Application, "ERSPAN", "header", off, end, len) {
        return;
    }
    if ver == 2 && be16(w.data, off + 10).is_some_and(|v| (v >> 10) & 0x1f != 0) {
        w.problem(
            LayerKind::Application,
            off + 10,
            Problem::UnknownTunnelPayload {
                proto: "ERSPAN frame type",
                value: be16(w.data, off + 10).map_or(0, |v| (v >> 10) & 0x1f),
            },
        );
        w.data_rest(off + len, end);
        return;
    }
    link::ethernet(w, off + len, end, false);
}

/// PPP (in GRE, PPPoE, L2TP or as a link type): optional address/control, then the protocol.
pub(crate) fn ppp<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let mut o = off;
    if be16(w.data, o) == Some(0xff03) {
        o += 2;
    }
    let (proto, plen) = match u8_at(w.data, o) {
        Some(b) if b & 1 == 1 => (u16::from(b), 1), // compressed protocol field
        _ => (be16(w.data, o).unwrap_or(0), 2),
    };
    w.emit(Hdr::Ppp, off, o + plen);
    if !w.require(LayerKind::Link, "PPP", "header", off, end, o + plen - off) {
        return;
    }
    let p = o + plen;
    match proto {
        0x0021 => w.ethertype(0x0800, p, end),
        0x0057 => w.ethertype(0x86dd, p, end),
        0x0281 => w.ethertype(0x8847, p, end),
        _ => {
            w.note_proto(Proto::EtherType(0x880b));
            w.data_rest(p, end);
        }
    }
}

pub(crate) fn vxlan<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.emit(Hdr::Vxlan, off, off + 8);
    if !w.require(LayerKind::Application, "VXLAN", "header", off, end, 8) {
        return;
    }
    link::ethernet(w, off + 8, end, false);
}

pub(crate) fn geneve<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    let len = 8 + u8_at(w.data, off).map_or(0, |b| usize::from(b & 0x3f) * 4);
    w.emit(Hdr::Geneve, off, off + len);
    if !w.require(LayerKind::Application, "Geneve", "header", off, end, len) {
        return;
    }
    match be16(w.data, off + 2) {
        Some(0x6558) => link::ethernet(w, off + len, end, false),
        Some(t) => w.ethertype(t, off + len, end),
        None => {}
    }
}

pub(crate) fn mpls<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.note_proto(Proto::EtherType(0x8847));
    let mut o = off;
    // Find the bottom of the label stack (bounded by the packet).
    loop {
        match be32(w.data, o) {
            Some(e) if o + 4 <= end => {
                o += 4;
                if e & 0x100 != 0 {
                    break;
                }
            }
            _ => {
                w.emit(Hdr::Mpls, off, o + 4);
                w.require(LayerKind::Link, "MPLS", "label", o, end, 4);
                return;
            }
        }
    }
    w.emit(Hdr::Mpls, off, o);
    match u8_at(w.data, o).map(|b| b >> 4) {
        Some(4) | Some(6) => w.ip_by_version(o, end, false),
        _ => {
            if !super::encap::mpls_pw(w, o, end) {
                w.data_rest(o, end);
            }
        }
    }
}

pub(crate) fn pppoe_session<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.emit(Hdr::PppoeSession, off, off + 6);
    if !w.require(LayerKind::Link, "PPPoE", "header", off, end, 6) {
        return;
    }
    let len = be16(w.data, off + 4).map_or(0, usize::from);
    let pend = (off + 6 + len).min(end);
    ppp(w, off + 6, pend);
}

pub(crate) fn cisco_meta<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize, gre: bool) {
    w.emit(Hdr::CiscoMeta { gre }, off, off + 8);
    if !w.require(LayerKind::Link, "Cisco MetaData", "header", off, end, 8) {
        return;
    }
    // On Ethernet the EtherType ends the header; in GRE it opens it.
    if let Some(t) = be16(w.data, if gre { off } else { off + 6 }) {
        w.ethertype(t, off + 8, end);
    }
}

pub(crate) fn esp<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.note_proto(Proto::Ip(50));
    w.emit(Hdr::Esp, off, off + 8);
    if w.require(LayerKind::Transport, "ESP", "header", off, end, 8) {
        w.data_rest(off + 8, end);
    }
}

/// PIM: only a register message carries a packet to follow.
pub(crate) fn pim<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.note_proto(Proto::Ip(103));
    if u8_at(w.data, off) == Some(0x21) && end.saturating_sub(off) > 8 {
        w.emit(Hdr::PimRegister, off, off + 8);
        if w.require(LayerKind::Transport, "PIM register", "header", off, end, 8) {
            w.ip_by_version(off + 8, end, false);
        }
        return;
    }
    w.problem(LayerKind::Transport, off, Problem::UnknownIpProto(103));
    w.data_rest(off, end);
}

// ---------------------------------------------------------------------------------------
// Descriptions

pub(crate) fn describe(hdr: Hdr, data: &[u8], r: Range<usize>) -> Header {
    match hdr {
        Hdr::Gre => describe_gre(data, r),
        Hdr::Erspan => describe_erspan(data, r),
        Hdr::Vxlan => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Application, "VXLAN", data, r);
            if let Some(f) = u8_at(data, o) {
                let m = if f & 0x08 != 0 { "VNI valid" } else { "" };
                h.add("Flags", o, 1, format!("0x{f:02x}"), m);
            }
            if let Some(v) = be24(data, o + 4) {
                h.add("VNI", o + 4, 3, v.to_string(), "virtual network identifier");
            }
            h.finish()
        }
        Hdr::Geneve => {
            let o = r.start;
            let end = r.end;
            let mut h = Hb::new(LayerKind::Application, "Geneve", data, r);
            if let Some(b) = u8_at(data, o) {
                h.add("Version", o, 1, (b >> 6).to_string(), "");
                h.add(
                    "Options length",
                    o,
                    1,
                    format!("{} bytes", usize::from(b & 0x3f) * 4),
                    "",
                );
            }
            if let Some(t) = be16(data, o + 2) {
                h.add(
                    "Protocol type",
                    o + 2,
                    2,
                    format!("0x{t:04x}"),
                    names::ethertype(t).unwrap_or(""),
                );
            }
            if let Some(v) = be24(data, o + 4) {
                h.add("VNI", o + 4, 3, v.to_string(), "virtual network identifier");
            }
            if end > o + 8 {
                h.push(fld("Options", o + 8..end, bytes_text(end - o - 8), ""));
            }
            h.finish()
        }
        Hdr::Mpls => {
            let o = r.start;
            let end = r.end;
            let mut h = Hb::new(LayerKind::Link, "MPLS", data, r);
            let mut a = o;
            while a + 4 <= end {
                if let Some(e) = be32(data, a) {
                    let label = e >> 12;
                    let m = format!(
                        "TC {}, TTL {}{}",
                        (e >> 9) & 7,
                        e & 0xff,
                        if e & 0x100 != 0 {
                            ", bottom of stack"
                        } else {
                            ""
                        }
                    );
                    h.add("Label", a, 4, label.to_string(), m);
                }
                a += 4;
            }
            h.finish()
        }
        Hdr::PppoeSession => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Link, "PPPoE Session", data, r);
            if let Some(b) = u8_at(data, o) {
                h.add("Version/type", o, 1, format!("0x{b:02x}"), "");
            }
            if let Some(s) = be16(data, o + 2) {
                h.add("Session ID", o + 2, 2, format!("0x{s:04x}"), "");
            }
            if let Some(l) = be16(data, o + 4) {
                h.add("Payload length", o + 4, 2, l.to_string(), "bytes");
            }
            h.finish()
        }
        Hdr::Ppp => {
            let o = r.start;
            let end = r.end;
            let mut h = Hb::new(LayerKind::Link, "PPP", data, r);
            let po = if be16(data, o) == Some(0xff03) {
                o + 2
            } else {
                o
            };
            let plen = end.saturating_sub(po);
            let p = if plen == 1 {
                u8_at(data, po).map(u16::from)
            } else {
                be16(data, po)
            };
            if let Some(p) = p {
                let m = match p {
                    0x0021 => "IPv4",
                    0x0057 => "IPv6",
                    0xc021 => "LCP",
                    0x8021 => "IPCP",
                    0xc223 => "CHAP",
                    0xc023 => "PAP",
                    0x80fd => "CCP",
                    _ => "",
                };
                h.add("Protocol", po, plen, format!("0x{p:04x}"), m);
            }
            h.finish()
        }
        Hdr::CiscoMeta { gre } => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Link, "Cisco MetaData", data, r);
            let (sgt, ty) = if gre { (o + 6, o) } else { (o + 4, o + 6) };
            if let Some(s) = be16(data, sgt) {
                h.add("SGT", sgt, 2, s.to_string(), "security group tag");
            }
            if let Some(t) = be16(data, ty) {
                h.add(
                    "Type",
                    ty,
                    2,
                    format!("0x{t:04x}"),
                    names::ethertype(t).unwrap_or(""),
                );
            }
            h.finish()
        }
        Hdr::Esp => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Transport, "ESP", data, r);
            if let Some(s) = be32(data, o) {
                h.add(
                    "SPI",
                    o,
                    4,
                    format!("0x{s:08x}"),
                    "security parameters index",
                );
            }
            if let Some(s) = be32(data, o + 4) {
                h.add("Sequence", o + 4, 4, s.to_string(), "");
            }
            h.push(fld(
                "Payload",
                (o + 8).min(data.len())..data.len(),
                "encrypted",
                "",
            ));
            h.finish()
        }
        Hdr::Wccp => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Transport, "WCCP redirect", data, r);
            if let Some(v) = be32(data, o) {
                h.add("Redirect header", o, 4, format!("0x{v:08x}"), "");
            }
            h.finish()
        }
        Hdr::Arista => {
            let o = r.start;
            let end = r.end;
            let mut h = Hb::new(LayerKind::Link, "Arista timestamp", data, r);
            if let Some(st) = be16(data, o) {
                h.add(
                    "Subtype",
                    o,
                    2,
                    st.to_string(),
                    if st == 1 { "timestamp" } else { "" },
                );
            }
            if let Some(v) = be16(data, o + 2) {
                let m = if v & 0xf0 == 0x20 {
                    "48-bit timestamp"
                } else {
                    "64-bit timestamp"
                };
                h.add("Version", o + 2, 2, format!("0x{v:04x}"), m);
            }
            if v_is_64(data, o) {
                if let (Some(sec), Some(ns)) = (be32(data, o + 4), be32(data, o + 8)) {
                    h.add(
                        "Timestamp",
                        o + 4,
                        8,
                        format!("{sec}.{ns:09}"),
                        "seconds.nanoseconds",
                    );
                }
            } else if let (Some(sec), Some(ns)) = (be16(data, o + 4), be32(data, o + 6)) {
                h.add(
                    "Timestamp",
                    o + 4,
                    6,
                    format!("{sec}.{ns:09}"),
                    "seconds.nanoseconds",
                );
            }
            if let Some(t) = be16(data, end.saturating_sub(2)) {
                h.add(
                    "Type",
                    end - 2,
                    2,
                    format!("0x{t:04x}"),
                    names::ethertype(t).unwrap_or(""),
                );
            }
            h.finish()
        }
        Hdr::Macsec => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Link, "MACsec", data, r);
            if let Some(t) = u8_at(data, o) {
                let enc = if t & 0x0c != 0 {
                    "encrypted"
                } else {
                    "integrity only"
                };
                h.add(
                    "TCI/AN",
                    o,
                    1,
                    format!("0x{t:02x}"),
                    format!("{enc}, AN {}", t & 3),
                );
            }
            if let Some(sl) = u8_at(data, o + 1) {
                h.add("Short length", o + 1, 1, sl.to_string(), "");
            }
            if let Some(pn) = be32(data, o + 2) {
                h.add("Packet number", o + 2, 4, pn.to_string(), "");
            }
            if let Some(sci) = super::bytes::slice(data, o + 6, 8)
                && u8_at(data, o).is_some_and(|t| t & 0x20 != 0)
            {
                h.add(
                    "SCI",
                    o + 6,
                    8,
                    super::fields::hex(sci, 8),
                    "secure channel identifier",
                );
            }
            h.finish()
        }
        Hdr::Nsh => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Link, "NSH", data, r);
            if let Some(b) = u8_at(data, o + 1) {
                h.add(
                    "Length",
                    o + 1,
                    1,
                    format!("{} bytes", usize::from(b & 0x3f) * 4),
                    "",
                );
            }
            if let Some(np) = u8_at(data, o + 3) {
                let m = match np {
                    1 => "IPv4",
                    2 => "IPv6",
                    3 => "Ethernet",
                    4 => "NSH",
                    5 => "MPLS",
                    _ => "",
                };
                h.add("Next protocol", o + 3, 1, np.to_string(), m);
            }
            if let Some(sp) = be32(data, o + 4) {
                h.add("Service path", o + 4, 3, (sp >> 8).to_string(), "");
                h.add("Service index", o + 7, 1, (sp & 0xff).to_string(), "");
            }
            h.finish()
        }
        Hdr::PimRegister => {
            let o = r.start;
            let mut h = Hb::new(LayerKind::Transport, "PIM Register", data, r);
            if let Some(b) = u8_at(data, o) {
                h.add("Version/type", o, 1, format!("0x{b:02x}"), "PIMv2 register");
            }
            if let Some(f) = be32(data, o + 4) {
                h.add(
                    "Flags",
                    o + 4,
                    4,
                    format!("0x{f:08x}"),
                    flag_names(
                        f,
                        &[(0x8000_0000, "Border"), (0x4000_0000, "Null-Register")],
                    ),
                );
            }
            h.finish()
        }
        _ => Hb::new(hdr.layer(), "Tunnel", data, r).finish(),
    }
}

fn v_is_64(data: &[u8], o: usize) -> bool {
    be16(data, o + 2).is_none_or(|v| v & 0xf0 != 0x20)
}

fn describe_gre(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(LayerKind::Transport, "GRE", data, r);
    let Some(fv) = be16(data, o) else {
        return h.finish();
    };
    let ver = fv & 7;
    h.add(
        "Flags",
        o,
        2,
        format!("0x{:04x}", fv & 0xfff8),
        flag_names(
            u32::from(fv),
            &[
                (0x8000, "Checksum"),
                (0x4000, "Routing"),
                (0x2000, "Key"),
                (0x1000, "Sequence"),
                (0x0080, "Acknowledgment"),
            ],
        ),
    );
    h.add(
        "Version",
        o + 1,
        1,
        ver.to_string(),
        if ver == 1 { "enhanced GRE (PPTP)" } else { "" },
    );
    if let Some(t) = be16(data, o + 2) {
        let m = match t {
            0x880b => "PPP",
            0x883e => "WCCP",
            0x88be => "ERSPAN",
            0x22eb => "ERSPAN type III",
            t => names::ethertype(t).unwrap_or("unknown"),
        };
        h.add("Protocol type", o + 2, 2, format!("0x{t:04x}"), m);
    }
    let mut a = o + 4;
    if fv & 0xc000 != 0 {
        if let Some(c) = be16(data, a) {
            h.add("Checksum", a, 2, format!("0x{c:04x}"), "not verified");
        }
        a += 4;
    }
    if fv & 0x2000 != 0 {
        if ver == 1 {
            if let (Some(pl), Some(cid)) = (be16(data, a), be16(data, a + 2)) {
                h.add("Payload length", a, 2, pl.to_string(), "");
                h.add("Call ID", a + 2, 2, cid.to_string(), "");
            }
        } else if let Some(k) = be32(data, a) {
            h.add("Key", a, 4, format!("0x{k:08x}"), k.to_string());
        }
        a += 4;
    }
    if fv & 0x1000 != 0 {
        if let Some(s) = be32(data, a) {
            h.add("Sequence", a, 4, s.to_string(), "");
        }
        a += 4;
    }
    if ver == 1
        && fv & 0x0080 != 0
        && let Some(k) = be32(data, a)
    {
        h.add("Acknowledgment", a, 4, k.to_string(), "");
    }
    h.finish()
}

fn describe_erspan(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(LayerKind::Application, "ERSPAN", data, r);
    if let Some(v) = be16(data, o) {
        let ver = v >> 12;
        let t = match ver {
            1 => "type II",
            2 => "type III",
            _ => "",
        };
        h.add("Version", o, 1, ver.to_string(), t);
        h.set_protocol(format!("ERSPAN {t}"));
        h.add(
            "VLAN",
            o,
            2,
            (v & 0x0fff).to_string(),
            "of the mirrored frame",
        );
    }
    if let Some(s) = be16(data, o + 2) {
        h.add("Session ID", o + 2, 2, (s & 0x03ff).to_string(), "");
    }
    if u8_at(data, o).is_some_and(|b| b >> 4 == 2) {
        if let Some(ts) = be32(data, o + 4) {
            h.add("Timestamp", o + 4, 4, ts.to_string(), "");
        }
    } else if let Some(i) = be32(data, o + 4) {
        h.add("Index", o + 4, 4, (i & 0x000f_ffff).to_string(), "");
    }
    h.finish()
}
