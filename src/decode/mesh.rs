//! The IEEE 802.11s mesh control header: between an 802.11 QoS data frame's MAC header and its
//! LLC header when the frame travels in a mesh. Present, as tshark 4.0 decides, when the frame
//! is a QoS data frame sent from a DS (from-DS alone, or both DS bits) and the body's first byte
//! reads as mesh flags: reserved bits clear and a valid address extension mode. The QoS
//! control's "mesh control present" bit is not required: draft-802.11s stations (FreeBSD's, in
//! the corpus) never set it, and an LLC header (0xaa) never passes the flags test. Depends on
//! `walk`, `bytes`, `fields`.

use std::ops::Range;

use super::bytes::{le32, slice, u8_at};
use super::fields::{Hb, mac, mac_meaning};
use super::walk::{Hdr, Sink, Walker};
use super::{Header, LayerKind};

const L: LayerKind = LayerKind::Link;

/// The length of the mesh control header at `body` (right after the MAC header that starts at
/// `mac` with frame control `fc0 fc1`), or None when the frame carries none.
pub(crate) fn control_len(
    data: &[u8],
    mac_off: usize,
    body: usize,
    fc0: u8,
    fc1: u8,
) -> Option<usize> {
    let is_qos_data = (fc0 >> 2) & 3 == 2 && (fc0 >> 4) & 0x8 != 0;
    let from_ds = matches!(fc1 & 3, 2 | 3);
    if !is_qos_data || !from_ds {
        return None;
    }
    // The QoS control must have been captured (the header length counted it).
    u8_at(data, mac_off + if fc1 & 3 == 3 { 31 } else { 25 })?;
    let flags = u8_at(data, body)?;
    let ae = flags & 0x03;
    (flags & !0x03 == 0 && ae != 3).then_some(6 + 6 * usize::from(ae))
}

/// Reports the mesh control header at `body` if there is one; returns where the body goes
/// on (LLC).
pub(crate) fn walk<S: Sink>(
    w: &mut Walker<'_, S>,
    mac_off: usize,
    body: usize,
    end: usize,
    fc0: u8,
    fc1: u8,
) -> usize {
    match control_len(w.data, mac_off, body, fc0, fc1) {
        Some(len) if body + len <= end => {
            w.emit(Hdr::MeshControl, body, body + len);
            body + len
        }
        _ => body,
    }
}

pub(crate) fn describe(data: &[u8], r: Range<usize>) -> Header {
    let o = r.start;
    let mut h = Hb::new(L, "802.11s mesh control", data, r);
    if let Some(f) = u8_at(data, o) {
        let m = match f & 3 {
            0 => "no address extension",
            1 => "address extension: one address (address 4)",
            2 => "address extension: two addresses (addresses 5 and 6)",
            _ => "reserved address extension mode",
        };
        h.add("Mesh flags", o, 1, format!("0x{f:02x}"), m);
    }
    if let Some(t) = u8_at(data, o + 1) {
        h.add(
            "Mesh TTL",
            o + 1,
            1,
            t.to_string(),
            "hops left through the mesh",
        );
    }
    if let Some(s) = le32(data, o + 2) {
        h.add(
            "Mesh sequence",
            o + 2,
            4,
            s.to_string(),
            "detects broadcast duplicates",
        );
    }
    let names = [
        "Extended address 4",
        "Extended address 5",
        "Extended address 6",
    ];
    let ae = u8_at(data, o).map_or(0, |f| f & 3);
    let extended: &[&str] = match ae {
        1 => names.get(..1).unwrap_or(&[]),
        2 => names.get(1..).unwrap_or(&[]),
        _ => &[],
    };
    for (i, name) in extended.iter().enumerate() {
        let at = o + 6 + 6 * i;
        if let Some(b) = slice(data, at, 6) {
            h.add(name, at, 6, mac(b), mac_meaning(b));
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A QoS data frame from DS (fc1 = 0x02) with the mesh bit in its QoS control.
    fn frame(fc1: u8, qos_hi: u8, mesh_flags: u8) -> Vec<u8> {
        let mut f = vec![0x88, fc1];
        f.resize(if fc1 & 3 == 3 { 30 } else { 24 }, 0);
        f.extend([0x00, qos_hi]);
        f.push(mesh_flags);
        f.resize(f.len() + 17, 0);
        f
    }

    #[test]
    fn present_only_as_wireshark_decides() {
        let body = |f: &[u8]| if f[1] & 3 == 3 { 32 } else { 26 };
        let cases = [
            (frame(0x02, 0x01, 0x00), Some(6)),
            (frame(0x03, 0x01, 0x01), Some(12)),
            (frame(0x03, 0x01, 0x02), Some(18)),
            (frame(0x03, 0x01, 0x03), None), // reserved address extension mode
            (frame(0x02, 0x01, 0x04), None), // reserved flag bit
            (frame(0x02, 0x00, 0x00), Some(6)), // draft 802.11s: the QoS bit is not set
            (frame(0x02, 0x00, 0xaa), None), // an LLC header, not mesh flags
            (frame(0x01, 0x01, 0x00), None), // to DS only: never mesh
        ];
        for (f, want) in cases {
            assert_eq!(control_len(&f, 0, body(&f), f[0], f[1]), want, "{f:02x?}");
        }
        // Not a QoS data frame.
        let plain = [0x08, 0x02, 0, 0];
        assert_eq!(control_len(&plain, 0, 24, 0x08, 0x02), None);
    }

    #[test]
    fn describes_extended_addresses() {
        let mut f = frame(0x03, 0x01, 0x02);
        f[32 + 6..32 + 12].copy_from_slice(&[2, 0, 0, 0, 0, 5]);
        let h = describe(&f, 32..50);
        let names: Vec<&str> = h.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Mesh flags",
                "Mesh TTL",
                "Mesh sequence",
                "Extended address 5",
                "Extended address 6"
            ]
        );
        assert_eq!(h.fields[3].value, "02:00:00:00:00:05");
    }
}
