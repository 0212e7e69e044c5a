//! Application layer: recognises HTTP/1 (request or status line, any port), DNS (UDP/TCP
//! ports 53, 5353, 5355) and TLS (a plausible record header, any port) in a transport
//! payload, checks their structure without allocating (for the fast path), and describes
//! them with a one-line summary (for the full decode). Everything taken from the payload
//! is sanitized. Depends on `walk`, `bytes`, `fields`, `crate::sanitize`.

pub(crate) mod dns;
pub(crate) mod http;
pub(crate) mod tls;

use std::ops::Range;

use super::bytes::clamped;
use super::walk::{Hdr, Sink, Walker};
use super::{AppProto, Header, LayerKind};

fn is_dns_port(p: u16) -> bool {
    matches!(p, 53 | 5353 | 5355)
}

/// Looks at the payload `off..end` of a TCP segment or UDP datagram.
pub(crate) fn walk<S: Sink>(
    w: &mut Walker<'_, S>,
    tcp: bool,
    sport: u16,
    dport: u16,
    off: usize,
    end: usize,
) {
    let payload = clamped(w.data, off, end);
    let cut = end > w.cap();
    let dns_port = is_dns_port(sport) || is_dns_port(dport);
    let (hdr, app, problem) = if tcp && http::looks_like(payload) {
        (Hdr::Http, AppProto::Http, None)
    } else if tcp && tls::looks_like(payload) {
        (Hdr::Tls, AppProto::Tls, tls::check(payload, cut))
    } else if dns_port && dns::plausible(payload, tcp) {
        (
            Hdr::Dns { tcp },
            AppProto::Dns,
            dns::check(payload, tcp, cut),
        )
    } else {
        w.data_rest(off, end);
        return;
    };
    w.set_app(app);
    w.emit(hdr, off, end);
    if let Some((at, p)) = problem {
        w.problem(LayerKind::Application, off + at, p);
    }
}

/// Describes an application header and returns its one-line summary.
pub(crate) fn describe(hdr: Hdr, data: &[u8], r: Range<usize>) -> (Header, Option<String>) {
    match hdr {
        Hdr::Http => http::describe(data, r),
        Hdr::Dns { tcp } => dns::describe(data, r, tcp),
        Hdr::Tls => tls::describe(data, r),
        _ => (data_header(data, r), None),
    }
}

/// Uninterpreted payload bytes.
pub(crate) fn data_header(data: &[u8], r: Range<usize>) -> Header {
    let mut h = super::fields::Hb::new(LayerKind::Application, "Data", data, r.clone());
    let n = r.end.min(data.len()).saturating_sub(r.start);
    let bytes = clamped(data, r.start, r.end);
    h.add(
        "Length",
        r.start,
        n,
        super::fields::bytes_text(n),
        "payload synack does not interpret",
    );
    if !bytes.is_empty() {
        h.add(
            "Text",
            r.start,
            n,
            printable_preview(bytes, 48),
            "printable bytes; others shown as '.'",
        );
    }
    h.finish()
}

/// ASCII preview: printable bytes kept, everything else a dot (never a control character).
pub(crate) fn printable_preview(b: &[u8], max: usize) -> String {
    let mut s: String = b
        .iter()
        .take(max)
        .map(|&c| {
            if c.is_ascii_graphic() || c == b' ' {
                char::from(c)
            } else {
                '.'
            }
        })
        .collect();
    if b.len() > max {
        s.push('…');
    }
    s
}
