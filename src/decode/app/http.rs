//! HTTP/1: recognises a request line (`GET /path HTTP/1.1`) or status line (`HTTP/1.1 200
//! OK`) at the start of a TCP payload, on any port, and describes the start line and header
//! lines. All text is sanitized. Depends on the decode types, `fields`, `crate::sanitize`.

use std::ops::Range;

use super::super::fields::{Hb, fld};
use super::super::{Header, LayerKind};
use crate::sanitize::sanitize_bytes;

const METHODS: [&[u8]; 10] = [
    b"GET ",
    b"POST ",
    b"HEAD ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"CONNECT ",
    b"TRACE ",
    b"PATCH ",
    b"PRI ",
];

/// Longest start line or header line shown.
const MAX_LINE: usize = 512;
/// Header lines described.
const MAX_HEADERS: usize = 48;

/// Whether the payload starts like an HTTP/1 message.
pub(crate) fn looks_like(p: &[u8]) -> bool {
    if p.starts_with(b"HTTP/1.") {
        return true;
    }
    METHODS.iter().any(|m| p.starts_with(m))
}

/// Lines of the header block: (start offset within `p`, line bytes without CR LF, offset of
/// the next line).
fn lines(p: &[u8]) -> impl Iterator<Item = (usize, &[u8], usize)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= p.len() {
            return None;
        }
        let rest = p.get(pos..)?;
        let (line, adv) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (rest.get(..i)?, i + 1),
            None => (rest, rest.len()),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let start = pos;
        pos += adv;
        Some((start, line, pos))
    })
}

fn text(b: &[u8]) -> String {
    let shown = b.get(..MAX_LINE).unwrap_or(b);
    let mut s = sanitize_bytes(shown);
    if b.len() > MAX_LINE {
        s.push('…');
    }
    s
}

pub(crate) fn describe(data: &[u8], r: Range<usize>) -> (Header, Option<String>) {
    let o = r.start;
    let p = super::clamped(data, r.start, r.end);
    let mut h = Hb::new(LayerKind::Application, "HTTP", data, r.clone());
    let mut summary = None;
    let mut body_at = None;
    for (i, (at, line, next)) in lines(p).enumerate() {
        let start = o + at;
        let range = start..start + line.len();
        if i == 0 {
            let first = text(line);
            let mut parts = line.splitn(3, |&b| b == b' ');
            let (a, b, c) = (parts.next(), parts.next(), parts.next());
            if line.starts_with(b"HTTP/") {
                h.set_protocol("HTTP response");
                let mut f = fld("Status line", range, first.clone(), "");
                if let Some(v) = a {
                    f.children
                        .push(fld("Version", start..start + v.len(), text(v), ""));
                }
                if let Some(code) = b {
                    let cs = start + a.map_or(0, |v| v.len() + 1);
                    f.children.push(fld(
                        "Status code",
                        cs..cs + code.len(),
                        text(code),
                        status_class(code),
                    ));
                }
                if let Some(reason) = c {
                    let rs = start + line.len() - reason.len();
                    f.children
                        .push(fld("Reason", rs..rs + reason.len(), text(reason), ""));
                }
                h.push(f);
            } else {
                h.set_protocol("HTTP request");
                let mut f = fld("Request line", range, first.clone(), "");
                if let Some(m) = a {
                    f.children
                        .push(fld("Method", start..start + m.len(), text(m), ""));
                }
                if let Some(u) = b {
                    let us = start + a.map_or(0, |v| v.len() + 1);
                    f.children
                        .push(fld("Target", us..us + u.len(), text(u), ""));
                }
                if let Some(v) = c {
                    let vs = start + line.len() - v.len();
                    f.children
                        .push(fld("Version", vs..vs + v.len(), text(v), ""));
                }
                h.push(f);
            }
            summary = Some(first);
            continue;
        }
        if line.is_empty() {
            body_at = Some(o + next);
            break;
        }
        if i > MAX_HEADERS {
            h.push(fld("More headers", range, "…", "not shown"));
            break;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(c) => (
                line.get(..c).unwrap_or(line),
                line.get(c + 1..).unwrap_or(&[]).trim_ascii_start(),
            ),
            None => (line, &[][..]),
        };
        h.push(fld(&text(name), range, text(value), ""));
    }
    if let Some(b) = body_at {
        let end = r.end.min(data.len());
        if b < end {
            h.push(fld("Body", b..end, format!("{} bytes here", end - b), ""));
        }
    }
    (h.finish(), summary)
}

fn status_class(code: &[u8]) -> &'static str {
    match code.first() {
        Some(b'1') => "informational",
        Some(b'2') => "success",
        Some(b'3') => "redirection",
        Some(b'4') => "client error",
        Some(b'5') => "server error",
        _ => "",
    }
}

/// For the display filter: a request line's method and target (`GET`, `/index.html`).
pub(crate) fn request(p: &[u8]) -> Option<(&[u8], &[u8])> {
    if p.starts_with(b"HTTP/") {
        return None;
    }
    let (_, line, _) = lines(p).next()?;
    let mut parts = line.split(|&b| b == b' ');
    let method = parts.next()?;
    let uri = parts.next()?;
    Some((method, uri))
}

/// For the display filter: a status line's code (`200`).
pub(crate) fn response_code(p: &[u8]) -> Option<u16> {
    let (_, line, _) = lines(p).next()?;
    if !line.starts_with(b"HTTP/") {
        return None;
    }
    let code = line.split(|&b| b == b' ').nth(1)?;
    if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(code).ok()?.parse().ok()
}

/// For the display filter: the value of the first header line called `name` (any case),
/// trimmed, in the header block.
pub(crate) fn header<'a>(p: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    for (_, line, _) in lines(p).skip(1).take(MAX_HEADERS * 2) {
        if line.is_empty() {
            return None;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (key, value) = line.split_at(colon);
        if key.eq_ignore_ascii_case(name) {
            return Some(value.get(1..).unwrap_or(&[]).trim_ascii());
        }
    }
    None
}
