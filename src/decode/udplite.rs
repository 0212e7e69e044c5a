//! UDP-Lite (IP protocol 136, RFC 3828): UDP's ports with a checksum coverage where UDP has its
//! length. The walk reads the ports (tshark shows them as `udp.srcport` / `udp.dstport`), checks
//! the coverage and hands the payload to the application detectors; the description names the
//! fields. Depends on `walk`, `bytes`, `fields`.

use std::ops::Range;

use super::bytes::be16;
use super::fields::{Hb, fld};
use super::problem::Problem;
use super::walk::{Hdr, Sink, Walker};
use super::{FieldValue, Header, LayerKind, Proto};

const L: LayerKind = LayerKind::Transport;

/// IP protocol number of UDP-Lite.
pub(crate) const IP_PROTO: u8 = 136;

pub(crate) fn walk<S: Sink>(w: &mut Walker<'_, S>, off: usize, end: usize) {
    w.fix_transport(Proto::Ip(IP_PROTO));
    let cap_end = end.min(w.cap());
    let ports = w.read_ports(off, cap_end);
    let datagram_len = u32::try_from(end.saturating_sub(off)).unwrap_or(u32::MAX);
    w.emit(Hdr::UdpLite { datagram_len }, off, off + 8);
    if !w.require(L, "UDP-Lite", "header", off, end, 8) {
        return;
    }
    let (Some((sport, dport)), Some(coverage)) = (ports, be16(w.data, off + 4)) else {
        return;
    };
    // Coverage 0 means the whole datagram; otherwise it must hold the header and stay inside
    // the datagram (RFC 3828 §3.1). A bad one is said; the payload is still read, as tshark does.
    let len = end - off;
    if let Some(why) = coverage_problem(coverage, len) {
        w.problem(
            L,
            off + 4,
            Problem::BadValue {
                proto: "UDP-Lite",
                field: "checksum coverage",
                value: u64::from(coverage),
                why,
            },
        );
    }
    w.application(false, sport, dport, off + 8, end);
}

/// Why a checksum coverage is invalid for a datagram of `len` bytes, if it is.
fn coverage_problem(coverage: u16, len: usize) -> Option<&'static str> {
    match usize::from(coverage) {
        0 => None,
        c if c < 8 => Some("below the 8-byte header (RFC 3828 requires 0 or at least 8)"),
        c if c > len => Some("beyond the datagram's end"),
        _ => None,
    }
}

pub(crate) fn describe(data: &[u8], r: Range<usize>, datagram_len: u32) -> Header {
    let datagram_len = usize::try_from(datagram_len).unwrap_or(usize::MAX);
    let o = r.start;
    let mut h = Hb::new(L, "UDP-Lite", data, r);
    if let Some(p) = be16(data, o) {
        h.add_typed("Source port", o, 2, p.to_string(), "", FieldValue::Port(p));
    }
    if let Some(p) = be16(data, o + 2) {
        h.add_typed(
            "Destination port",
            o + 2,
            2,
            p.to_string(),
            "",
            FieldValue::Port(p),
        );
    }
    if let Some(c) = be16(data, o + 4) {
        let m = match coverage_problem(c, datagram_len) {
            _ if c == 0 => "0: the checksum covers the whole datagram".to_string(),
            Some(why) => format!("invalid: {why}"),
            None => format!("the checksum covers the first {c} bytes"),
        };
        h.add("Checksum coverage", o + 4, 2, c.to_string(), m);
    }
    if let Some(c) = be16(data, o + 6) {
        h.push(fld(
            "Checksum",
            o + 6..o + 8,
            format!("0x{c:04x}"),
            "not verified",
        ));
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Raw IPv4 carrying UDP-Lite 32768 → 1234 with `coverage` and 12 payload bytes.
    fn packet(coverage: u16) -> Vec<u8> {
        let mut p = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, IP_PROTO, 0, 0];
        p.extend([139, 133, 204, 176, 139, 133, 204, 183]);
        p.extend(32768u16.to_be_bytes());
        p.extend(1234u16.to_be_bytes());
        p.extend(coverage.to_be_bytes());
        p.extend([0xca, 0x15]);
        p.extend(b"hello world.");
        p
    }

    #[test]
    fn ports_and_coverage_are_read() {
        let raw = crate::model::LinkType::RAW;
        let p = packet(8);
        let d = super::super::decode(raw, &p, p.len() as u32);
        assert_eq!(d.summary.proto, Proto::Ip(IP_PROTO));
        assert_eq!(
            (d.summary.sport, d.summary.dport),
            (Some(32768), Some(1234))
        );
        assert!(d.issues.is_empty(), "{:?}", d.issues);
        let h = d
            .headers
            .iter()
            .find(|h| h.protocol == "UDP-Lite")
            .expect("a UDP-Lite box");
        assert_eq!(h.range, 20..28);
        let bad = packet(3);
        let d = super::super::decode(raw, &bad, bad.len() as u32);
        assert!(
            d.issues.iter().any(|i| i.message.contains("coverage")),
            "{:?}",
            d.issues
        );
    }

    #[test]
    fn coverage_rules_follow_rfc_3828() {
        assert_eq!(coverage_problem(0, 30), None);
        assert_eq!(coverage_problem(8, 30), None);
        assert_eq!(coverage_problem(30, 30), None);
        assert!(coverage_problem(1, 30).is_some());
        assert!(coverage_problem(7, 30).is_some());
        assert!(coverage_problem(31, 30).is_some());
    }
}
