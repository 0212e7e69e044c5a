//! TCP options: an allocation-free iterator over the option area (used by the fast path to
//! fill [`TcpHandshakeOptions`]) and the named description of every option kind (MSS, window
//! scale, SACK permitted, SACK blocks, timestamps, TCP Fast Open incl. the experimental
//! 254/0xF989 form, MD5, TCP-AO, MPTCP, user timeout, AccECN, NOP, EOL, unknown kinds).
//! Depends on `bytes`, `fields`.

use super::Field;
use super::bytes::{be16, be32, clamped, u8_at};
use super::fields::{fld, hex};
use crate::model::TcpHandshakeOptions;

/// One item of the option area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Opt {
    /// End of option list (kind 0) at this offset; iteration stops.
    Eol(usize),
    /// No-operation (kind 1).
    Nop(usize),
    /// A kind/length option: offset, kind, total length (incl. kind and length bytes).
    Kind { off: usize, kind: u8, len: usize },
    /// A length byte below 2 or running past the header: iteration stops.
    Bad { off: usize, kind: u8, len: u8 },
}

/// Iterates the option area `off..end` of `data` (end is the header end as declared; bytes
/// beyond the captured data end the iteration quietly: the capture cut, reported elsewhere).
pub(crate) struct OptIter<'a> {
    data: &'a [u8],
    off: usize,
    end: usize,
    done: bool,
    steps: usize,
}

impl<'a> OptIter<'a> {
    pub(crate) fn new(data: &'a [u8], off: usize, end: usize) -> Self {
        OptIter {
            data,
            off,
            end,
            done: false,
            steps: 0,
        }
    }
}

impl Iterator for OptIter<'_> {
    type Item = Opt;

    fn next(&mut self) -> Option<Opt> {
        // A 40-byte option area has at most 40 items; the bound is a belt and braces.
        if self.done || self.off >= self.end || self.steps > 64 {
            return None;
        }
        self.steps += 1;
        let off = self.off;
        let kind = u8_at(self.data, off)?;
        match kind {
            0 => {
                self.done = true;
                Some(Opt::Eol(off))
            }
            1 => {
                self.off += 1;
                Some(Opt::Nop(off))
            }
            _ => {
                let Some(len) = u8_at(self.data, off + 1) else {
                    // Cut by the capture, or the kind byte is the header's last byte.
                    self.done = true;
                    return (off + 1 >= self.end).then_some(Opt::Bad { off, kind, len: 0 });
                };
                let l = usize::from(len);
                if l < 2 || off + l > self.end {
                    self.done = true;
                    return Some(Opt::Bad { off, kind, len });
                }
                if off + l > self.data.len() {
                    self.done = true;
                    return None;
                }
                self.off += l;
                Some(Opt::Kind { off, kind, len: l })
            }
        }
    }
}

/// Whether an option is TCP Fast Open (kind 34, or experimental 254/253 with magic 0xF989).
fn is_fast_open(data: &[u8], off: usize, kind: u8, len: usize) -> bool {
    kind == 34 || (matches!(kind, 253 | 254) && len >= 4 && be16(data, off + 2) == Some(0xf989))
}

/// The handshake options of an option area, and whether a malformed option was seen
/// (`Some((offset, kind, len))`).
pub(crate) fn handshake(
    data: &[u8],
    off: usize,
    end: usize,
) -> (TcpHandshakeOptions, Option<(usize, u8, u8)>) {
    let mut o = TcpHandshakeOptions::default();
    let mut bad = None;
    for item in OptIter::new(data, off, end) {
        match item {
            Opt::Kind { off, kind, len } => match (kind, len) {
                (2, 4) => o.mss = be16(data, off + 2),
                (3, 3) => o.window_scale = u8_at(data, off + 2),
                (4, 2) => o.sack_permitted = true,
                (8, 10) => {
                    if let (Some(a), Some(b)) = (be32(data, off + 2), be32(data, off + 6)) {
                        o.timestamps = Some((a, b));
                    }
                }
                (5, _) => sack(data, off, len, &mut o),
                _ if is_fast_open(data, off, kind, len) => o.fast_open = true,
                _ => {}
            },
            Opt::Bad { off, kind, len } => bad = Some((off, kind, len)),
            Opt::Eol(_) | Opt::Nop(_) => {}
        }
    }
    (o, bad)
}

/// The SACK blocks Wireshark's bytes-in-flight counts: it reads 8-byte blocks while they fit
/// and keeps the first three (`packet-tcp.c` stores ranges 1..MAX_TCP_SACK_RANGES-1).
fn sack(data: &[u8], off: usize, len: usize, o: &mut TcpHandshakeOptions) {
    let mut at = off + 2;
    let end = off + len;
    let mut blocks = 0u8;
    let mut bytes = 0u32;
    while at + 8 <= end && blocks < 3 {
        let (Some(left), Some(right)) = (be32(data, at), be32(data, at + 4)) else {
            break;
        };
        blocks += 1;
        bytes = bytes.wrapping_add(right.wrapping_sub(left));
        at += 8;
    }
    o.sack_blocks = blocks;
    o.sack_bytes = bytes;
}

/// Name of an option kind.
pub(crate) fn kind_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List",
        1 => "No-Operation",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        6 => "Echo (obsolete)",
        7 => "Echo reply (obsolete)",
        8 => "Timestamps",
        14 => "Alternate checksum request",
        15 => "Alternate checksum data",
        19 => "MD5 signature",
        27 => "Quick-Start response",
        28 => "User timeout",
        29 => "TCP-AO",
        30 => "Multipath TCP",
        34 => "TCP Fast Open cookie",
        69 => "Encryption negotiation (TCP-ENO)",
        172 => "AccECN order 0",
        174 => "AccECN order 1",
        253 | 254 => "Experimental",
        _ => "Unknown option",
    }
}

/// Describes every option as a field (the "Options" field's children).
pub(crate) fn describe(data: &[u8], off: usize, end: usize) -> Vec<Field> {
    let mut out = Vec::new();
    for item in OptIter::new(data, off, end) {
        match item {
            Opt::Eol(o) => {
                let pad_end = end.min(data.len());
                out.push(fld(
                    "End of Option List",
                    o..pad_end.max(o + 1).min(data.len()),
                    "EOL",
                    "kind 0; the rest is padding",
                ));
            }
            Opt::Nop(o) => out.push(fld("No-Operation", o..o + 1, "NOP", "kind 1: padding")),
            Opt::Bad { off: o, kind, len } => out.push(fld(
                kind_name(kind),
                o..(o + 2).min(end).min(data.len()).max(o + 1),
                format!("kind {kind}, length {len}"),
                "bad length: option parsing stops here",
            )),
            Opt::Kind { off: o, kind, len } => out.push(one(data, o, kind, len)),
        }
    }
    out
}

fn one(data: &[u8], o: usize, kind: u8, len: usize) -> Field {
    let r = o..o + len;
    let body = clamped(data, o + 2, o + len);
    let name = kind_name(kind);
    match (kind, len) {
        (2, 4) => {
            let v = be16(data, o + 2).unwrap_or(0);
            fld(
                name,
                r,
                v.to_string(),
                "bytes: largest segment the sender accepts",
            )
        }
        (3, 3) => {
            let s = u8_at(data, o + 2).unwrap_or(0);
            let meaning = if s > 14 {
                format!("×{} (above the maximum 14: treated as 14)", 1u32 << 14)
            } else {
                format!("×{}", 1u32 << s)
            };
            fld(
                name,
                r,
                format!("{s} ({meaning})"),
                "shift applied to the window field",
            )
        }
        (4, 2) => fld(name, r, "yes", "selective acknowledgements may be used"),
        (5, _) => {
            let mut f = fld(
                name,
                r,
                format!("{} block(s)", (len - 2) / 8),
                "received ranges beyond the ACK",
            );
            let mut b = o + 2;
            while b + 8 <= o + len {
                if let (Some(l), Some(rr)) = (be32(data, b), be32(data, b + 4)) {
                    f.children.push(fld(
                        "SACK block",
                        b..b + 8,
                        format!("{l}-{rr}"),
                        format!("{} bytes", rr.wrapping_sub(l)),
                    ));
                }
                b += 8;
            }
            f
        }
        (8, 10) => {
            let a = be32(data, o + 2).unwrap_or(0);
            let e = be32(data, o + 6).unwrap_or(0);
            let mut f = fld(name, r, format!("TSval {a}, TSecr {e}"), "");
            f.children
                .push(fld("TSval", o + 2..o + 6, a.to_string(), "sender's clock"));
            f.children.push(fld(
                "TSecr",
                o + 6..o + 10,
                e.to_string(),
                "echo of the peer's last TSval",
            ));
            f
        }
        (28, 4) => {
            let v = be16(data, o + 2).unwrap_or(0);
            let unit = if v & 0x8000 != 0 {
                "minutes"
            } else {
                "seconds"
            };
            fld(name, r, format!("{} {unit}", v & 0x7fff), "")
        }
        (30, _) => {
            let sub = body.first().map_or(0, |b| b >> 4);
            let subname = match sub {
                0 => "MP_CAPABLE",
                1 => "MP_JOIN",
                2 => "DSS",
                3 => "ADD_ADDR",
                4 => "REMOVE_ADDR",
                5 => "MP_PRIO",
                6 => "MP_FAIL",
                7 => "MP_FASTCLOSE",
                8 => "MP_TCPRST",
                _ => "unknown subtype",
            };
            fld(name, r, subname, format!("subtype {sub}"))
        }
        (34, _) => fast_open(r, body, "kind 34"),
        (253 | 254, _) if len >= 4 && be16(data, o + 2) == Some(0xf989) => fast_open(
            r,
            clamped(data, o + 4, o + len),
            "experimental kind with magic 0xF989",
        )
        .renamed("TCP Fast Open cookie (experimental)"),
        (253 | 254, _) => {
            let magic = be16(data, o + 2).map_or_else(String::new, |m| format!("magic 0x{m:04x}"));
            fld(name, r, hex(body, 16), magic)
        }
        (19, _) => fld(name, r, hex(body, 16), "RFC 2385"),
        (29, _) => fld(name, r, hex(body, 16), "authentication option"),
        _ => fld(
            name,
            r,
            if body.is_empty() {
                format!("kind {kind}")
            } else {
                format!("kind {kind}: {}", hex(body, 16))
            },
            format!("{len} bytes"),
        ),
    }
}

fn fast_open(r: std::ops::Range<usize>, cookie: &[u8], how: &str) -> Field {
    if cookie.is_empty() {
        fld(
            kind_name(34),
            r,
            "cookie request",
            format!("{how}: asks the server for a Fast Open cookie"),
        )
    } else {
        fld(
            kind_name(34),
            r,
            hex(cookie, 16),
            format!(
                "{how}: {}-byte cookie (data may ride on the SYN)",
                cookie.len()
            ),
        )
    }
}

trait Rename {
    fn renamed(self, name: &str) -> Self;
}

impl Rename for Field {
    fn renamed(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }
}

/// Appends the tcpdump-style option list of the handshake options (`mss 1460,sackOK,TS val 1
/// ecr 0,wscale 7`); returns whether there was any.
pub(crate) fn push_short_text(out: &mut String, o: &TcpHandshakeOptions) -> bool {
    use super::info::push_decimal;
    let start = out.len();
    let sep = |out: &mut String| {
        if out.len() > start {
            out.push(',');
        }
    };
    if let Some(m) = o.mss {
        sep(out);
        out.push_str("mss ");
        push_decimal(out, m.into());
    }
    if o.sack_permitted {
        sep(out);
        out.push_str("sackOK");
    }
    if let Some((a, b)) = o.timestamps {
        sep(out);
        out.push_str("TS val ");
        push_decimal(out, a.into());
        out.push_str(" ecr ");
        push_decimal(out, b.into());
    }
    if let Some(w) = o.window_scale {
        sep(out);
        out.push_str("wscale ");
        push_decimal(out, w.into());
    }
    if o.fast_open {
        sep(out);
        out.push_str("tfo");
    }
    out.len() > start
}
