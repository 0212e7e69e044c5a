//! TLS: recognises a record header at the start of a TCP payload (any port), walks the
//! records and, for a ClientHello, its extensions up to the server name (SNI) — without
//! allocating for the fast path's check — and describes records, the hello and its
//! extensions, with a summary like `ClientHello SNI example.com`. Names are sanitized.
//! Depends on the decode types, `bytes`, `fields`, `crate::sanitize`.

use std::ops::Range;

use super::super::bytes::{be16, be24, u8_at};
use super::super::fields::{Hb, fld, hex};
use super::super::problem::Problem;
use super::super::{Field, Header, LayerKind};
use crate::sanitize::sanitize_bytes;

/// Records looked at per segment.
const MAX_RECORDS: usize = 32;
/// Largest legal record body (2^14 + 2048).
const MAX_RECORD: usize = 18432;

fn known_handshake(t: u8) -> bool {
    matches!(
        t,
        0 | 1 | 2 | 4 | 5 | 8 | 11 | 12 | 13 | 14 | 15 | 16 | 20 | 21 | 22 | 24
    )
}

/// Whether the payload starts with a plausible TLS record.
pub(crate) fn looks_like(p: &[u8]) -> bool {
    let (Some(t), Some(major), Some(minor), Some(len)) =
        (u8_at(p, 0), u8_at(p, 1), u8_at(p, 2), be16(p, 3))
    else {
        return false;
    };
    if !(20..=24).contains(&t) || major != 3 || minor > 4 {
        return false;
    }
    let len = usize::from(len);
    if len == 0 || len > MAX_RECORD {
        return false;
    }
    t != 22 || u8_at(p, 5).is_none_or(known_handshake)
}

fn content_name(t: u8) -> &'static str {
    match t {
        20 => "ChangeCipherSpec",
        21 => "Alert",
        22 => "Handshake",
        23 => "Application Data",
        24 => "Heartbeat",
        _ => "unknown",
    }
}

fn handshake_name(t: u8) -> &'static str {
    match t {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        5 => "EndOfEarlyData",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        24 => "KeyUpdate",
        _ => "Handshake",
    }
}

fn version_name(v: u16) -> &'static str {
    match v {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        v if v & 0x0f0f == 0x0a0a => "GREASE",
        _ => "unknown",
    }
}

fn extension_name(t: u16) -> &'static str {
    match t {
        0 => "server_name",
        1 => "max_fragment_length",
        5 => "status_request",
        10 => "supported_groups",
        11 => "ec_point_formats",
        13 => "signature_algorithms",
        16 => "application_layer_protocol_negotiation",
        18 => "signed_certificate_timestamp",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        27 => "compress_certificate",
        35 => "session_ticket",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        45 => "psk_key_exchange_modes",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        57 => "quic_transport_parameters",
        0xfe0d => "encrypted_client_hello",
        0xff01 => "renegotiation_info",
        t if t & 0x0f0f == 0x0a0a => "GREASE",
        _ => "unknown",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HelloError {
    /// Ran out of bytes (fine when the hello continues in a later record or segment).
    End,
    /// A length inside the hello runs past its end.
    Bad(&'static str),
}

/// Walks a ClientHello body (`b` = the handshake body bytes available, `complete` = all of
/// the declared body is present), calling `ext(type, range within b)` for each extension.
fn hello(
    b: &[u8],
    complete: bool,
    mut ext: impl FnMut(u16, Range<usize>),
) -> Result<(), HelloError> {
    let end_or = |e: &'static str| {
        if complete {
            HelloError::Bad(e)
        } else {
            HelloError::End
        }
    };
    let mut p = 34; // version + random
    let sid = usize::from(u8_at(b, p).ok_or(end_or("session id"))?);
    p += 1 + sid;
    let cs = usize::from(be16(b, p).ok_or(end_or("cipher suites"))?);
    p += 2 + cs;
    let comp = usize::from(u8_at(b, p).ok_or(end_or("compression methods"))?);
    p += 1 + comp;
    if p > b.len() {
        return Err(end_or("compression methods"));
    }
    if p == b.len() && complete {
        return Ok(()); // no extensions
    }
    let total = usize::from(be16(b, p).ok_or(end_or("extensions length"))?);
    p += 2;
    let ext_end = p + total;
    if complete && ext_end > b.len() {
        return Err(HelloError::Bad("extensions run past the hello"));
    }
    let mut n = 0;
    while p + 4 <= ext_end.min(b.len()) && n < 128 {
        n += 1;
        let (Some(t), Some(l)) = (be16(b, p), be16(b, p + 2)) else {
            break;
        };
        let body = p + 4..p + 4 + usize::from(l);
        if body.end > ext_end {
            return Err(HelloError::Bad("an extension runs past the extension list"));
        }
        if body.end > b.len() {
            return Err(HelloError::End);
        }
        ext(t, body.clone());
        p = body.end;
    }
    Ok(())
}

/// The server name in a server_name extension body.
fn sni(e: &[u8]) -> Option<&[u8]> {
    let list = usize::from(be16(e, 0)?);
    let mut p = 2;
    while p + 3 <= (2 + list).min(e.len()) {
        let t = u8_at(e, p)?;
        let l = usize::from(be16(e, p + 1)?);
        let name = e.get(p + 3..p + 3 + l)?;
        if t == 0 {
            return Some(name);
        }
        p += 3 + l;
    }
    None
}

/// Walks the records: `f(record start, type, declared body length)`.
fn records(p: &[u8], mut f: impl FnMut(usize, u8, usize)) {
    let mut o = 0;
    for _ in 0..MAX_RECORDS {
        let (Some(t), Some(len)) = (u8_at(p, o), be16(p, o + 3)) else {
            return;
        };
        let len = usize::from(len);
        f(o, t, len);
        o += 5 + len;
        if o >= p.len() || !looks_like(p.get(o..).unwrap_or(&[])) {
            return;
        }
    }
}

/// Checks the records and a ClientHello's structure; `cut` says the capture cut the payload.
pub(crate) fn check(p: &[u8], cut: bool) -> Option<(usize, Problem)> {
    let mut problem = None;
    records(p, |o, t, len| {
        if problem.is_some() {
            return;
        }
        let have = p.len().saturating_sub(o + 5);
        if have < len {
            problem = Some((
                o,
                if cut {
                    Problem::AppCut {
                        proto: "TLS record",
                        have,
                        need: len,
                    }
                } else {
                    Problem::ContinuesLater {
                        proto: "TLS record",
                        have,
                        need: len,
                    }
                },
            ));
        }
        if t == 22 && u8_at(p, o + 5) == Some(1) {
            let body_len = be24(p, o + 6).map_or(0, |v| v as usize);
            let rec_end = (o + 5 + len).min(p.len());
            let body = p.get(o + 9..rec_end.min(o + 9 + body_len)).unwrap_or(&[]);
            let complete = body.len() >= body_len && o + 9 + body_len <= o + 5 + len;
            if let Err(HelloError::Bad(what)) = hello(body, complete, |_, _| {}) {
                problem.get_or_insert((
                    o + 5,
                    Problem::AppMalformed {
                        proto: "TLS ClientHello",
                        what,
                    },
                ));
            }
        }
    });
    problem
}

pub(crate) fn describe(data: &[u8], r: Range<usize>) -> (Header, Option<String>) {
    let base = r.start;
    let p = super::clamped(data, r.start, r.end);
    let mut h = Hb::new(LayerKind::Application, "TLS", data, r);
    let mut parts: Vec<String> = Vec::new();
    records(p, |o, t, len| {
        let a = base + o;
        let rec_end = (a + 5 + len).min(data.len());
        let version = be16(p, o + 1).unwrap_or(0);
        let mut f = fld(
            "Record",
            a..rec_end,
            content_name(t),
            format!("{}, {len} bytes", version_name(version)),
        );
        f.children.push(fld(
            "Content type",
            a..a + 1,
            t.to_string(),
            content_name(t),
        ));
        f.children.push(fld(
            "Version",
            a + 1..a + 3,
            format!("0x{version:04x}"),
            version_name(version),
        ));
        f.children
            .push(fld("Length", a + 3..a + 5, len.to_string(), "bytes"));
        let mut part = content_name(t).to_string();
        if t == 22
            && let Some(ht) = u8_at(p, o + 5)
        {
            part = handshake_name(ht).to_string();
            if a + 6 <= data.len() {
                f.children.push(fld(
                    "Handshake type",
                    a + 5..a + 6,
                    ht.to_string(),
                    handshake_name(ht),
                ));
            }
            if ht == 1 {
                let (fields, server) = client_hello(data, p, base, o, len);
                f.children.extend(fields);
                part = match server {
                    Some(s) => format!("ClientHello SNI {s}"),
                    None => "ClientHello".to_string(),
                };
            }
        }
        h.push(f);
        if parts.len() < 3 {
            parts.push(part);
        } else if parts.len() == 3 {
            parts.push("…".to_string());
        }
    });
    if let Some(first) = h_first_protocol(&parts) {
        h.set_protocol(first);
    }
    let summary = (!parts.is_empty()).then(|| parts.join(", "));
    (h.finish(), summary)
}

fn h_first_protocol(parts: &[String]) -> Option<String> {
    parts.first().map(|p| {
        if p.starts_with("ClientHello") {
            "TLS ClientHello".to_string()
        } else {
            format!("TLS {p}")
        }
    })
}

/// Fields of a ClientHello in the record at `o` (payload offsets; `base` maps to packet).
fn client_hello(
    data: &[u8],
    p: &[u8],
    base: usize,
    o: usize,
    rec_len: usize,
) -> (Vec<Field>, Option<String>) {
    let mut out = Vec::new();
    let body_len = be24(p, o + 6).map_or(0, |v| v as usize);
    let b0 = o + 9;
    let rec_end = (o + 5 + rec_len).min(p.len());
    let body = p.get(b0..rec_end.min(b0 + body_len)).unwrap_or(&[]);
    let complete = body.len() >= body_len;
    let at = |x: usize| (base + b0 + x).min(data.len());
    let rng = |s: usize, e: usize| at(s)..at(e);
    if let Some(v) = be16(body, 0) {
        out.push(fld(
            "Client version",
            rng(0, 2),
            format!("0x{v:04x}"),
            version_name(v),
        ));
    }
    if let Some(rnd) = body.get(2..34) {
        out.push(fld("Random", rng(2, 34), hex(rnd, 8), "32 bytes"));
    }
    let mut server = None;
    let mut exts: Vec<Field> = Vec::new();
    let _ = hello(body, complete, |t, r| {
        let e = body.get(r.clone()).unwrap_or(&[]);
        let mut value = format!("{} bytes", e.len());
        match t {
            0 => {
                if let Some(n) = sni(e) {
                    let s = sanitize_bytes(n);
                    value = s.clone();
                    server.get_or_insert(s);
                }
            }
            16 => {
                let mut protos = Vec::new();
                let mut i = 2;
                while let Some(&l) = e.get(i) {
                    if let Some(pr) = e.get(i + 1..i + 1 + usize::from(l)) {
                        protos.push(sanitize_bytes(pr));
                    }
                    i += 1 + usize::from(l);
                    if protos.len() > 8 {
                        break;
                    }
                }
                value = protos.join(", ");
            }
            43 => {
                let vs: Vec<&str> = e
                    .get(1..)
                    .unwrap_or(&[])
                    .chunks_exact(2)
                    .filter_map(|c| be16(c, 0))
                    .map(version_name)
                    .filter(|n| *n != "GREASE")
                    .collect();
                value = vs.join(", ");
            }
            _ => {}
        }
        if exts.len() < 64 {
            exts.push(fld(
                extension_name(t),
                rng(r.start.saturating_sub(4), r.end),
                value,
                format!("type {t}"),
            ));
        }
    });
    if !exts.is_empty() {
        let s = exts.first().map_or(0, |f| f.range.start);
        let e = exts.last().map_or(0, |f| f.range.end);
        let mut f = fld("Extensions", s..e, exts.len().to_string(), "");
        f.children = exts;
        out.push(f);
    }
    if let Some(s) = &server {
        out.push(fld(
            "Server name",
            at(0)..at(0),
            s.clone(),
            "SNI: the host the client asks for",
        ));
    }
    (out, server)
}

/// For the display filter: calls `f(type, body)` for each handshake message tshark would
/// show in the records of a TCP payload: the messages must tile their record exactly (an
/// encrypted Finished does not, and tshark shows no type for it). `f` returns true to stop.
pub(crate) fn each_handshake(p: &[u8], mut f: impl FnMut(u8, &[u8]) -> bool) {
    let mut stop = false;
    records(p, |o, t, len| {
        if stop || t != 22 {
            return;
        }
        let body = p.get(o + 5..).unwrap_or(&[]);
        let body = body.get(..len).unwrap_or(body);
        // First check that the messages tile the record (those cut by the capture count).
        let mut q = 0usize;
        let mut n = 0;
        while q < len && n < 64 {
            let Some(mlen) = be24(body, q + 1) else {
                break;
            };
            q += 4 + mlen as usize;
            n += 1;
        }
        if q != len && q < body.len() {
            return;
        }
        let mut q = 0usize;
        for _ in 0..64 {
            let (Some(mt), Some(mlen)) = (u8_at(body, q), be24(body, q + 1)) else {
                return;
            };
            let start = q + 4;
            let end = (start + mlen as usize).min(body.len());
            if f(mt, body.get(start..end).unwrap_or(&[])) {
                stop = true;
                return;
            }
            q = start + mlen as usize;
            if q >= len {
                return;
            }
        }
    });
}

/// For the display filter: the server name (SNI) of a ClientHello body.
pub(crate) fn client_hello_sni(body: &[u8]) -> Option<&[u8]> {
    let mut found = None;
    let _ = hello(body, false, |t, r| {
        if t == 0 && found.is_none() {
            found = body.get(r).and_then(sni);
        }
    });
    found
}
