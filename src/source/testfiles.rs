//! Test-only builders for pcap and pcapng byte images (both byte orders), so reader tests
//! can make exactly the file they need. Depends on std only.

/// One packet to write: timestamp seconds, fraction (µs, ns or pcapng units), bytes, wire length.
#[derive(Clone, Debug)]
pub(crate) struct Rec {
    pub sec: u32,
    pub frac: u32,
    pub data: Vec<u8>,
    pub orig: u32,
}

impl Rec {
    pub(crate) fn new(sec: u32, frac: u32, data: &[u8]) -> Rec {
        Rec {
            sec,
            frac,
            data: data.to_vec(),
            orig: data.len() as u32,
        }
    }
}

fn put32(out: &mut Vec<u8>, v: u32, be: bool) {
    out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}
fn put16(out: &mut Vec<u8>, v: u16, be: bool) {
    out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

/// A legacy pcap file.
pub(crate) fn pcap(be: bool, nanos: bool, link: u32, recs: &[Rec]) -> Vec<u8> {
    let mut out = Vec::new();
    put32(&mut out, if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }, be);
    put16(&mut out, 2, be);
    put16(&mut out, 4, be);
    put32(&mut out, 0, be);
    put32(&mut out, 0, be);
    put32(&mut out, 65535, be);
    put32(&mut out, link, be);
    for r in recs {
        put32(&mut out, r.sec, be);
        put32(&mut out, r.frac, be);
        put32(&mut out, r.data.len() as u32, be);
        put32(&mut out, r.orig, be);
        out.extend_from_slice(&r.data);
    }
    out
}

/// A pcapng block with the given body (padded to 4 bytes).
pub(crate) fn block(btype: u32, body: &[u8], be: bool) -> Vec<u8> {
    let mut padded = body.to_vec();
    while !padded.len().is_multiple_of(4) {
        padded.push(0);
    }
    let len = 12 + padded.len() as u32;
    let mut out = Vec::new();
    put32(&mut out, btype, be);
    put32(&mut out, len, be);
    out.extend_from_slice(&padded);
    put32(&mut out, len, be);
    out
}

pub(crate) fn shb(be: bool) -> Vec<u8> {
    let mut body = Vec::new();
    put32(&mut body, 0x1A2B_3C4D, be);
    put16(&mut body, 1, be);
    put16(&mut body, 0, be);
    body.extend_from_slice(&[0xff; 8]); // section length unknown (-1)
    block(0x0A0D_0D0A, &body, be)
}

/// An option (code, value) for an IDB.
pub(crate) fn opt(code: u16, value: &[u8], be: bool) -> Vec<u8> {
    let mut out = Vec::new();
    put16(&mut out, code, be);
    put16(&mut out, value.len() as u16, be);
    out.extend_from_slice(value);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out
}

pub(crate) fn idb(be: bool, link: u16, snaplen: u32, options: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    put16(&mut body, link, be);
    put16(&mut body, 0, be);
    put32(&mut body, snaplen, be);
    for o in options {
        body.extend_from_slice(o);
    }
    if !options.is_empty() {
        body.extend_from_slice(&[0, 0, 0, 0]); // opt_endofopt
    }
    block(1, &body, be)
}

pub(crate) fn epb(be: bool, if_id: u32, ts: u64, data: &[u8], orig: u32) -> Vec<u8> {
    let mut body = Vec::new();
    put32(&mut body, if_id, be);
    put32(&mut body, (ts >> 32) as u32, be);
    put32(&mut body, ts as u32, be);
    put32(&mut body, data.len() as u32, be);
    put32(&mut body, orig, be);
    body.extend_from_slice(data);
    block(6, &body, be)
}

pub(crate) fn spb(be: bool, data: &[u8], orig: u32) -> Vec<u8> {
    let mut body = Vec::new();
    put32(&mut body, orig, be);
    body.extend_from_slice(data);
    block(3, &body, be)
}
