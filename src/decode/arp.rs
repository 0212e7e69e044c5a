//! ARP (and RARP-style operations over the same format): the walk that takes the sender and
//! target protocol addresses as the packet's source and destination, and the field
//! description. Depends on `walk`, `bytes`, `fields`, `names`.

use std::net::{IpAddr, Ipv4Addr};
use std::ops::Range;

use super::bytes::{array, be16, slice, u8_at};
use super::fields::{Hb, hex, mac, mac_meaning};
use super::names;
use super::walk::{Hdr, Sink, Walker};
use super::{ArpInfo, Header, LayerKind, Proto};

const L: LayerKind = LayerKind::Internet;

pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.fix_transport(Proto::Arp);
    let (hl, pl) = (
        u8_at(w.data, off + 4).map_or(0, usize::from),
        u8_at(w.data, off + 5).map_or(0, usize::from),
    );
    let len = 8 + 2 * (hl + pl);
    w.emit(Hdr::Arp, off, off + len);
    if !w.require(L, "ARP", "header", off, end, 8) {
        return;
    }
    let (Some(ptype), Some(op)) = (be16(w.data, off + 2), be16(w.data, off + 6)) else {
        return;
    };
    w.set_net_end(off + len);
    if !w.require(L, "ARP", "addresses", off, end, len) {
        return;
    }
    let sha = off + 8;
    let spa = sha + hl;
    let tpa = spa + hl + pl;
    let mut sender_mac = None;
    if hl == 6 {
        sender_mac = array::<6>(w.data, sha);
    }
    if w.sum.arp.is_none() {
        w.sum.arp = Some(ArpInfo { op, sender_mac });
    }
    if ptype == 0x0800
        && pl == 4
        && w.sum.src.is_none()
        && let (Some(s), Some(t)) = (array::<4>(w.data, spa), array::<4>(w.data, tpa))
    {
        w.sum.src = Some(IpAddr::V4(Ipv4Addr::from(s)));
        w.sum.dst = Some(IpAddr::V4(Ipv4Addr::from(t)));
    }
}

fn address(b: &[u8], is_ipv4: bool) -> String {
    if is_ipv4 && let Ok(a) = <[u8; 4]>::try_from(b) {
        return Ipv4Addr::from(a).to_string();
    }
    if b.len() == 6 {
        return mac(b);
    }
    hex(b, 32)
}

pub(crate) fn describe(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "ARP", data, r);
    if let Some(t) = be16(data, o) {
        h.add(
            "Hardware type",
            o,
            2,
            t.to_string(),
            names::arp_hw(t).unwrap_or(""),
        );
    }
    let ptype = be16(data, o + 2);
    if let Some(p) = ptype {
        h.add(
            "Protocol type",
            o + 2,
            2,
            format!("0x{p:04x}"),
            names::ethertype(p).unwrap_or(""),
        );
    }
    let hl = u8_at(data, o + 4).map_or(0, usize::from);
    let pl = u8_at(data, o + 5).map_or(0, usize::from);
    h.add("Hardware size", o + 4, 1, hl.to_string(), "bytes");
    h.add("Protocol size", o + 5, 1, pl.to_string(), "bytes");
    if let Some(op) = be16(data, o + 6) {
        let name = names::arp_op(op).unwrap_or("unknown");
        h.add("Operation", o + 6, 2, op.to_string(), name);
        if op == 2 {
            h.set_protocol("ARP reply");
        } else if op == 1 {
            h.set_protocol("ARP request");
        }
    }
    let v4 = ptype == Some(0x0800);
    let parts = [
        ("Sender hardware address", hl, false),
        ("Sender protocol address", pl, v4),
        ("Target hardware address", hl, false),
        ("Target protocol address", pl, v4),
    ];
    let mut a = o + 8;
    for (name, len, ip) in parts {
        if let Some(b) = slice(data, a, len) {
            let m = if !ip && len == 6 { mac_meaning(b) } else { "" };
            h.add(name, a, len, address(b, ip), m);
        }
        a += len;
    }
    h.finish()
}
