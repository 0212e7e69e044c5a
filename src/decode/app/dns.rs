//! DNS (UDP, or TCP with its 2-byte length prefix): an allocation-free structural walk of
//! the header, questions and resource records (names with compression pointers that must
//! point strictly backwards, so loops are impossible; names bounded to 255 bytes), shared by
//! the fast path's check and the full description, which names every question and record and
//! builds a tcpdump-like summary (`A? example.com.`). Depends on the decode types, `bytes`,
//! `fields`, `crate::sanitize`.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use super::super::bytes::{array, be16, be32, u8_at};
use super::super::fields::{Hb, fld, hex};
use super::super::problem::Problem;
use super::super::{Field, Header, LayerKind};
use crate::sanitize::sanitize_bytes;

const MAX_NAME: usize = 255;
const MAX_JUMPS: usize = 64;
/// Records described per section.
const MAX_SHOWN: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DnsError {
    /// Ran past the bytes available.
    End,
    /// A compression pointer at this message offset loops or points forward.
    Pointer(usize),
    TooLong,
    /// A label type other than plain or pointer (0x40 / 0x80).
    BadLabel,
}

/// Walks the name at `pos`, calling `label` for each label; returns the offset just after the
/// name where it is stored (after its first pointer, if any).
fn name(msg: &[u8], pos: usize, mut label: impl FnMut(&[u8])) -> Result<usize, DnsError> {
    let mut p = pos;
    let mut after = None;
    let mut limit = pos;
    let mut total = 0usize;
    let mut jumps = 0usize;
    loop {
        let len = u8_at(msg, p).ok_or(DnsError::End)?;
        match len & 0xc0 {
            0x00 => {
                if len == 0 {
                    return Ok(after.unwrap_or(p + 1));
                }
                let l = usize::from(len);
                let bytes = msg.get(p + 1..p + 1 + l).ok_or(DnsError::End)?;
                total += l + 1;
                if total > MAX_NAME {
                    return Err(DnsError::TooLong);
                }
                label(bytes);
                p += 1 + l;
            }
            0xc0 => {
                let low = u8_at(msg, p + 1).ok_or(DnsError::End)?;
                let target = (usize::from(len & 0x3f) << 8) | usize::from(low);
                if after.is_none() {
                    after = Some(p + 2);
                }
                jumps += 1;
                // Strictly below every earlier target: the walk must end.
                if target >= limit || jumps > MAX_JUMPS {
                    return Err(DnsError::Pointer(p));
                }
                limit = target;
                p = target;
            }
            _ => return Err(DnsError::BadLabel),
        }
    }
}

/// What the walk reports to its visitor.
trait Visit {
    fn question(&mut self, _at: Range<usize>, _name: usize, _qtype: u16, _class: u16) {}
    fn record(&mut self, _section: usize, _at: Range<usize>, _rr: Rr) {}
}

#[derive(Clone, Copy)]
struct Rr {
    name: usize,
    rtype: u16,
    class: u16,
    ttl: u32,
    rdata: usize,
    rdlen: usize,
}

struct Nothing;
impl Visit for Nothing {}

/// Walks the whole message.
fn walk(msg: &[u8], v: &mut impl Visit) -> Result<(), DnsError> {
    let counts = [
        be16(msg, 4).ok_or(DnsError::End)?,
        be16(msg, 6).ok_or(DnsError::End)?,
        be16(msg, 8).ok_or(DnsError::End)?,
        be16(msg, 10).ok_or(DnsError::End)?,
    ];
    let mut p = 12;
    for _ in 0..counts[0] {
        let start = p;
        p = name(msg, p, |_| {})?;
        let qtype = be16(msg, p).ok_or(DnsError::End)?;
        let class = be16(msg, p + 2).ok_or(DnsError::End)?;
        p += 4;
        v.question(start..p, start, qtype, class);
    }
    for (section, &count) in counts.iter().enumerate().skip(1) {
        for _ in 0..count {
            let start = p;
            p = name(msg, p, |_| {})?;
            let rtype = be16(msg, p).ok_or(DnsError::End)?;
            let class = be16(msg, p + 2).ok_or(DnsError::End)?;
            let ttl = be32(msg, p + 4).ok_or(DnsError::End)?;
            let rdlen = usize::from(be16(msg, p + 8).ok_or(DnsError::End)?);
            let rdata = p + 10;
            if rdata + rdlen > msg.len() {
                return Err(DnsError::End);
            }
            p = rdata + rdlen;
            v.record(
                section,
                start..p,
                Rr {
                    name: start,
                    rtype,
                    class,
                    ttl,
                    rdata,
                    rdlen,
                },
            );
        }
    }
    Ok(())
}

/// The message inside a transport payload: (message bytes, offset of the message in the
/// payload, declared message length).
fn message(payload: &[u8], tcp: bool) -> (&[u8], usize, usize) {
    if tcp {
        let len = be16(payload, 0).map_or(0, usize::from);
        let end = (2 + len).min(payload.len());
        (payload.get(2..end).unwrap_or(&[]), 2, len)
    } else {
        (payload, 0, payload.len())
    }
}

/// Whether a payload on a DNS port starts like a DNS message (so that a TCP segment from
/// the middle of a stream, or other traffic on the port, is not read as a broken message):
/// a known opcode, few questions, and over TCP a length that can hold the header.
pub(crate) fn plausible(payload: &[u8], tcp: bool) -> bool {
    let (msg, _, declared) = message(payload, tcp);
    let (Some(flags), Some(qd)) = (be16(msg, 2), be16(msg, 4)) else {
        return false;
    };
    let opcode = (flags >> 11) & 0xf;
    declared >= 12 && matches!(opcode, 0 | 1 | 2 | 4 | 5 | 6) && qd <= 32
}

/// Checks the message structure; returns where (offset in the payload) and what went wrong.
/// `cut` says the capture cut the payload.
pub(crate) fn check(payload: &[u8], tcp: bool, cut: bool) -> Option<(usize, Problem)> {
    let (msg, base, declared) = message(payload, tcp);
    let incomplete = msg.len() < declared;
    let short = |have: usize| {
        if cut {
            Problem::AppCut {
                proto: "DNS",
                have,
                need: declared,
            }
        } else {
            Problem::ContinuesLater {
                proto: "DNS",
                have,
                need: declared,
            }
        }
    };
    match walk(msg, &mut Nothing) {
        Ok(()) if incomplete => Some((base, short(msg.len()))),
        Ok(()) => None,
        Err(DnsError::End) if incomplete || cut => Some((base, short(msg.len()))),
        Err(DnsError::End) => Some((
            base,
            Problem::AppMalformed {
                proto: "DNS",
                what: "a record runs past the end of the message",
            },
        )),
        Err(DnsError::Pointer(at)) => Some((base + at, Problem::DnsPointer { at })),
        Err(DnsError::TooLong) => Some((base, Problem::DnsNameTooLong)),
        Err(DnsError::BadLabel) => Some((
            base,
            Problem::AppMalformed {
                proto: "DNS",
                what: "unknown label type in a name",
            },
        )),
    }
}

/// The name at `pos` as text (`www.example.com.`), sanitized; `<bad name>` when broken.
fn name_text(msg: &[u8], pos: usize) -> String {
    let mut s = String::new();
    let r = name(msg, pos, |l| {
        s.push_str(&sanitize_bytes(l));
        s.push('.');
    });
    match r {
        Ok(_) if s.is_empty() => ".".to_string(),
        Ok(_) => s,
        Err(_) => {
            s.push_str("<bad name>");
            s
        }
    }
}

pub(crate) fn type_name(t: u16) -> String {
    let n = match t {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        13 => "HINFO",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        39 => "DNAME",
        41 => "OPT",
        43 => "DS",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        50 => "NSEC3",
        52 => "TLSA",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        251 => "IXFR",
        252 => "AXFR",
        255 => "ANY",
        256 => "URI",
        257 => "CAA",
        _ => return format!("TYPE{t}"),
    };
    n.to_string()
}

fn rcode_name(r: u8) -> &'static str {
    match r {
        0 => "NoError",
        1 => "FormErr",
        2 => "ServFail",
        3 => "NXDomain",
        4 => "NotImp",
        5 => "Refused",
        6 => "YXDomain",
        7 => "YXRRSet",
        8 => "NXRRSet",
        9 => "NotAuth",
        10 => "NotZone",
        _ => "unknown",
    }
}

/// Record data as text.
fn rdata_text(msg: &[u8], rr: &Rr) -> String {
    let data = msg.get(rr.rdata..rr.rdata + rr.rdlen).unwrap_or(&[]);
    match (rr.rtype, rr.rdlen) {
        (1, 4) => {
            array::<4>(msg, rr.rdata).map_or_else(String::new, |a| Ipv4Addr::from(a).to_string())
        }
        (28, 16) => {
            array::<16>(msg, rr.rdata).map_or_else(String::new, |a| Ipv6Addr::from(a).to_string())
        }
        (2 | 5 | 12 | 39, _) => name_text(msg, rr.rdata),
        (15, _) => format!(
            "{} {}",
            be16(msg, rr.rdata).unwrap_or(0),
            name_text(msg, rr.rdata + 2)
        ),
        (33, _) => format!(
            "{} {} {} {}",
            be16(msg, rr.rdata).unwrap_or(0),
            be16(msg, rr.rdata + 2).unwrap_or(0),
            be16(msg, rr.rdata + 4).unwrap_or(0),
            name_text(msg, rr.rdata + 6)
        ),
        (6, _) => {
            let mname = name_text(msg, rr.rdata);
            let after = name(msg, rr.rdata, |_| {}).ok();
            let rname = after.map(|a| name_text(msg, a)).unwrap_or_default();
            let serial = after
                .and_then(|a| name(msg, a, |_| {}).ok())
                .and_then(|b| be32(msg, b));
            match serial {
                Some(s) => format!("{mname} {rname} serial {s}"),
                None => format!("{mname} {rname}"),
            }
        }
        (16, _) => {
            let mut out = String::new();
            let mut i = 0;
            while let Some(&l) = data.get(i) {
                let s = data.get(i + 1..i + 1 + usize::from(l)).unwrap_or(&[]);
                if !out.is_empty() {
                    out.push(' ');
                }
                let _ = write!(out, "\"{}\"", sanitize_bytes(s));
                i += 1 + usize::from(l);
                if out.len() > 200 {
                    out.push('…');
                    break;
                }
            }
            out
        }
        (41, _) => format!("EDNS, UDP payload size {}", rr.class),
        _ => hex(data, 24),
    }
}

/// Collects questions and records for the description.
struct Collect<'m> {
    msg: &'m [u8],
    base: usize,
    questions: Vec<Field>,
    sections: [Vec<Field>; 3],
    first_question: Option<String>,
    answers: Vec<String>,
}

impl Visit for Collect<'_> {
    fn question(&mut self, at: Range<usize>, name: usize, qtype: u16, class: u16) {
        let n = name_text(self.msg, name);
        if self.first_question.is_none() {
            self.first_question = Some(format!("{}? {n}", type_name(qtype)));
        }
        if self.questions.len() < MAX_SHOWN {
            let class = if class & 0x7fff == 1 {
                "IN".to_string()
            } else {
                format!("class {class}")
            };
            self.questions.push(fld(
                "Question",
                at.start + self.base..at.end + self.base,
                format!("{n} {} {class}", type_name(qtype)),
                "",
            ));
        }
    }

    fn record(&mut self, section: usize, at: Range<usize>, rr: Rr) {
        let text = rdata_text(self.msg, &rr);
        if section == 1 && self.answers.len() < 4 {
            self.answers.push(format!("{} {text}", type_name(rr.rtype)));
        }
        let Some(list) = self.sections.get_mut(section - 1) else {
            return;
        };
        if list.len() < MAX_SHOWN {
            let n = name_text(self.msg, rr.name);
            let ttl = if rr.rtype == 41 {
                String::new()
            } else {
                format!("TTL {}", rr.ttl)
            };
            list.push(fld(
                "Record",
                at.start + self.base..at.end + self.base,
                format!("{n} {} {text}", type_name(rr.rtype)),
                ttl,
            ));
        }
    }
}

pub(crate) fn describe(data: &[u8], r: Range<usize>, tcp: bool) -> (Header, Option<String>) {
    let o = r.start;
    let payload = super::clamped(data, r.start, r.end);
    let (msg, base, declared) = message(payload, tcp);
    let b = o + base;
    let mut h = Hb::new(LayerKind::Application, "DNS", data, r);
    if tcp && let Some(l) = be16(data, o) {
        h.add(
            "Length",
            o,
            2,
            l.to_string(),
            format!("message bytes (TCP framing); {} here", msg.len()),
        );
    }
    let Some(id) = be16(msg, 0) else {
        return (h.finish(), None);
    };
    h.add("Transaction ID", b, 2, format!("0x{id:04x}"), "");
    let flags = be16(msg, 2).unwrap_or(0);
    let qr = flags & 0x8000 != 0;
    let opcode = (flags >> 11) & 0xf;
    let rcode = (flags & 0xf) as u8;
    let mut words: Vec<String> = vec![if qr { "response" } else { "query" }.to_string()];
    if opcode != 0 {
        words.push(format!("opcode {opcode}"));
    }
    for (bit, n) in [
        (0x0400, "authoritative"),
        (0x0200, "truncated"),
        (0x0100, "recursion desired"),
        (0x0080, "recursion available"),
        (0x0020, "authentic data"),
        (0x0010, "checking disabled"),
    ] {
        if flags & bit != 0 {
            words.push(n.to_string());
        }
    }
    if qr {
        words.push(rcode_name(rcode).to_string());
    }
    h.add(
        "Flags",
        b + 2,
        2,
        format!("0x{flags:04x}"),
        words.join(", "),
    );
    h.set_protocol(if qr { "DNS response" } else { "DNS query" });
    let counts: Vec<u16> = (0..4).map(|i| be16(msg, 4 + 2 * i).unwrap_or(0)).collect();
    for (i, n) in [
        "Question count",
        "Answer count",
        "Authority count",
        "Additional count",
    ]
    .iter()
    .enumerate()
    {
        h.add(
            n,
            b + 4 + 2 * i,
            2,
            counts.get(i).copied().unwrap_or(0).to_string(),
            "",
        );
    }
    let mut c = Collect {
        msg,
        base: b,
        questions: Vec::new(),
        sections: [Vec::new(), Vec::new(), Vec::new()],
        first_question: None,
        answers: Vec::new(),
    };
    let result = walk(msg, &mut c);
    let Collect {
        questions,
        sections,
        first_question,
        answers,
        ..
    } = c;
    for (name, list) in [
        ("Queries", questions),
        ("Answers", sections[0].clone()),
        ("Authority", sections[1].clone()),
        ("Additional", sections[2].clone()),
    ] {
        if list.is_empty() {
            continue;
        }
        let start = list.first().map_or(b, |f| f.range.start);
        let end = list.last().map_or(b, |f| f.range.end);
        let mut f = fld(name, start..end, list.len().to_string(), "");
        f.children = list;
        h.push(f);
    }
    if result.is_err() || msg.len() < declared {
        let at = (b + msg.len()).min(data.len());
        h.push(fld(
            "Rest",
            at..at,
            "not decoded",
            "the message breaks or continues here",
        ));
    }
    let q = first_question.unwrap_or_else(|| "(no question)".to_string());
    let summary = if qr {
        let mut s = q;
        if rcode != 0 {
            let _ = write!(s, " {}", rcode_name(rcode));
        }
        let _ = write!(
            s,
            " {}/{}/{}",
            counts.get(1).copied().unwrap_or(0),
            counts.get(2).copied().unwrap_or(0),
            counts.get(3).copied().unwrap_or(0)
        );
        if !answers.is_empty() {
            s.push(' ');
            s.push_str(&answers.join(", "));
        }
        s
    } else {
        q
    };
    (h.finish(), Some(summary))
}

/// For the display filter: calls `f` with each question's name as tshark writes it
/// (`example.com`, `<Root>` for the root), built in a stack buffer. Allocates nothing.
pub(crate) fn each_question_name(payload: &[u8], tcp: bool, mut f: impl FnMut(&[u8]) -> bool) {
    let (msg, _, _) = message(payload, tcp);
    let Some(qd) = be16(msg, 4) else {
        return;
    };
    let mut p = 12;
    for _ in 0..qd.min(64) {
        let mut buf = [0u8; MAX_NAME + 1];
        let mut len = 0usize;
        let Ok(next) = name(msg, p, |label| {
            if len > 0 && len < buf.len() {
                buf[len] = b'.';
                len += 1;
            }
            for &b in label {
                if let Some(slot) = buf.get_mut(len) {
                    *slot = b;
                    len += 1;
                }
            }
        }) else {
            return;
        };
        let text: &[u8] = if len == 0 { b"<Root>" } else { &buf[..len] };
        if f(text) {
            return;
        }
        p = next + 4;
    }
}

/// For the display filter: the QR bit (true for a response), when the header was captured.
pub(crate) fn is_response(payload: &[u8], tcp: bool) -> Option<bool> {
    let (msg, _, _) = message(payload, tcp);
    u8_at(msg, 2).map(|b| b & 0x80 != 0)
}
