//! Non-interactive per-packet output: `dump`'s text lines (tcpdump-like) and JSON Lines objects.
//! The key names here are a public contract (tests and users script against them). Depends on
//! decode, flow (the analysis verdicts) and model.

use std::io::{self, Write};
use std::net::IpAddr;

use serde::Serialize;

use crate::decode::{self, Decoded, Summary};
use crate::flow::{PacketAnalysis, Verdicts};
use crate::model::{Frame, TimestampNs};

/// Everything one output line needs about a packet.
pub struct PacketLine<'a> {
    /// 1-based frame number.
    pub no: u64,
    pub frame: &'a Frame,
    pub decoded: &'a Decoded,
    /// TCP connection index (see `flow`), for TCP packets.
    pub flow: Option<u32>,
    /// Wireshark's sequence analysis of the segment, for TCP packets.
    pub analysis: Option<&'a PacketAnalysis>,
}

#[derive(Serialize)]
struct JsonPacket<'a> {
    no: u64,
    ts_ns: TimestampNs,
    len: u32,
    caplen: u32,
    link: String,
    vlan: &'a [u16],
    src: Option<IpAddr>,
    dst: Option<IpAddr>,
    proto: String,
    sport: Option<u16>,
    dport: Option<u16>,
    tcp: Option<JsonTcp>,
    flow: Option<u32>,
    info: String,
    layers: Vec<JsonHeader<'a>>,
    issues: Vec<JsonIssue<'a>>,
}

#[derive(Serialize)]
struct JsonTcp {
    flags: u16,
    seq: u32,
    ack: u32,
    len: u32,
    win: u16,
    /// Present when the flow tracker saw the segment (always, from `dump`).
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<JsonAnalysis>,
}

/// `tcp.analysis`: Wireshark's verdicts by their `tcp.analysis.*` names, and its numbers.
#[derive(Serialize)]
struct JsonAnalysis {
    verdicts: Vec<&'static str>,
    /// For a duplicate ACK: its number and the frame it repeats (`Dup ACK 12#3`).
    dup_ack_num: Option<u32>,
    dup_ack_frame: Option<u64>,
    bytes_in_flight: Option<u32>,
    /// The frame this ACK acknowledges in full, and the time since it.
    acked_frame: Option<u64>,
    ack_rtt_ns: Option<i64>,
}

fn json_analysis(a: &PacketAnalysis) -> JsonAnalysis {
    let dup = a.verdicts.contains(Verdicts::DUPLICATE_ACK);
    JsonAnalysis {
        verdicts: a.verdicts.iter().map(|v| v.name).collect(),
        dup_ack_num: dup.then_some(a.dup_ack_num),
        dup_ack_frame: dup.then_some(a.dup_ack_frame),
        bytes_in_flight: a.bytes_in_flight,
        acked_frame: a.acked_frame,
        ack_rtt_ns: a.ack_rtt_ns,
    }
}

#[derive(Serialize)]
struct JsonHeader<'a> {
    layer: &'static str,
    protocol: &'a str,
    range: [usize; 2],
    fields: Vec<JsonField<'a>>,
}

#[derive(Serialize)]
struct JsonField<'a> {
    name: &'a str,
    value: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    meaning: &'a str,
    range: [usize; 2],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<JsonField<'a>>,
}

#[derive(Serialize)]
struct JsonIssue<'a> {
    layer: &'static str,
    offset: usize,
    message: &'a str,
}

/// `src`/`dst` are the addresses of an IP header; a bare ARP packet's sender/target protocol
/// addresses (which the summary carries for the list's columns) are not, so they are `null`
/// here, as the contract says (the ARP layer's fields still hold them). ARP inside an IP
/// tunnel keeps the tunnel's outer IP addresses, as tshark's `ip.src` does.
fn ip_only(addr: Option<IpAddr>, d: &Decoded) -> Option<IpAddr> {
    let arp_only = d.summary.proto == decode::Proto::Arp
        && !d.headers.iter().any(|h| h.protocol.starts_with("IPv"));
    if arp_only { None } else { addr }
}

fn json_fields(fields: &[decode::Field]) -> Vec<JsonField<'_>> {
    fields
        .iter()
        .map(|f| JsonField {
            name: &f.name,
            value: &f.value,
            meaning: &f.meaning,
            range: [f.range.start, f.range.end],
            children: json_fields(&f.children),
        })
        .collect()
}

/// Writes one JSON Lines object (with the trailing newline).
pub fn write_json(out: &mut impl Write, line: &PacketLine<'_>) -> io::Result<()> {
    let s: &Summary = &line.decoded.summary;
    let obj = JsonPacket {
        no: line.no,
        ts_ns: line.frame.ts_ns,
        len: line.frame.len,
        caplen: line.frame.caplen(),
        link: line.frame.link.name(),
        vlan: s.vlans(),
        src: ip_only(s.src, line.decoded),
        dst: ip_only(s.dst, line.decoded),
        proto: decode::proto_name(s),
        sport: s.sport,
        dport: s.dport,
        tcp: s.tcp.map(|t| JsonTcp {
            flags: t.flags,
            seq: t.seq,
            ack: t.ack,
            len: t.payload_len,
            win: t.window,
            analysis: line.analysis.map(json_analysis),
        }),
        flow: line.flow,
        info: decode::info_line(s, line.decoded.app_summary.as_deref()),
        layers: line
            .decoded
            .headers
            .iter()
            .map(|h| JsonHeader {
                layer: h.layer.name(),
                protocol: &h.protocol,
                range: [h.range.start, h.range.end],
                fields: json_fields(&h.fields),
            })
            .collect(),
        issues: line
            .decoded
            .issues
            .iter()
            .map(|i| JsonIssue {
                layer: i.layer.name(),
                offset: i.offset,
                message: &i.message,
            })
            .collect(),
    };
    // `io::Error::from` keeps an I/O error's kind: a closed pipe must stay `BrokenPipe`, which
    // `dump` treats as the reader leaving, not as a failure.
    serde_json::to_writer(&mut *out, &obj).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Writes one tcpdump-like text line:
/// `12 14:02:03.123456 10.0.0.1.51234 > 10.0.0.2.80: tcp Flags [S], seq 1, win 64240, length 0`.
/// Times are UTC. What the capture record itself got wrong ends the line in brackets: a
/// [`FrameNote`](crate::model::FrameNote) (`[capture: time out of range]`) and a captured length above the length on
/// the wire (`[caplen 80 > len 60]`). Needs only the fast summary, plus the application
/// summary when known. The
/// line is built in one buffer with hand-rolled number formatting and written at once (this
/// is `dump`'s hot path).
pub fn write_text(
    out: &mut impl Write,
    no: u64,
    frame: &Frame,
    summary: &Summary,
    app_summary: Option<&str>,
    flow: Option<u32>,
    analysis: Option<&PacketAnalysis>,
) -> io::Result<()> {
    write_text_timed(
        out,
        no,
        frame,
        summary,
        app_summary,
        flow,
        analysis,
        Clock::default(),
    )
}

/// How the time column is written (`dump --time-format`, tcpdump's -t… flags).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    pub format: TimeFormat,
    /// The first packet's time (for `Relative`).
    pub first_ns: TimestampNs,
    /// The previous shown packet's time (for `Delta`).
    pub prev_ns: TimestampNs,
}

pub use crate::cli::TimeFormat;

/// [`write_text`] with the time column written as `clock` says.
#[allow(clippy::too_many_arguments)] // one line's parts, all distinct
pub fn write_text_timed(
    out: &mut impl Write,
    no: u64,
    frame: &Frame,
    summary: &Summary,
    app_summary: Option<&str>,
    flow: Option<u32>,
    analysis: Option<&PacketAnalysis>,
    clock: Clock,
) -> io::Result<()> {
    let mut line = String::with_capacity(192);
    decode::push_decimal(&mut line, no);
    line.push(' ');
    if push_time(&mut line, clock, frame.ts_ns) {
        line.push(' ');
    }
    match (summary.src, summary.dst) {
        (Some(src), Some(dst)) => {
            push_endpoint(&mut line, src, summary.sport);
            line.push_str(" > ");
            push_endpoint(&mut line, dst, summary.dport);
            line.push_str(": ");
        }
        _ => {
            line.push_str(&frame.link.name());
            line.push_str(": ");
        }
    }
    line.push_str(&decode::proto_name_cow(summary));
    line.push(' ');
    // Wireshark's bracketed analysis notes lead the info, as in its Info column.
    if let Some(a) = analysis.filter(|a| !a.verdicts.is_empty()) {
        line.push_str(&a.notes());
    }
    decode::push_info_line(&mut line, summary, app_summary);
    if let Some(id) = flow {
        line.push_str(" [flow ");
        decode::push_decimal(&mut line, id.into());
        line.push(']');
    }
    push_record_notes(&mut line, frame);
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// The capture record's own problems, which the bytes do not show (see [`write_text`]).
fn push_record_notes(line: &mut String, frame: &Frame) {
    if let Some(note) = frame.note {
        line.push_str(" [");
        line.push_str(note.short());
        line.push(']');
    }
    let caplen = frame.data.len() as u64;
    if caplen > u64::from(frame.len) {
        line.push_str(" [caplen ");
        decode::push_decimal(line, caplen);
        line.push_str(" > len ");
        decode::push_decimal(line, frame.len.into());
        line.push(']');
    }
}

fn push_endpoint(out: &mut String, ip: IpAddr, port: Option<u16>) {
    decode::push_ip(out, ip);
    if let Some(p) = port {
        out.push('.');
        decode::push_decimal(out, p.into());
    }
}

/// Writes the time column; false when there is none (`-t`).
fn push_time(out: &mut String, clock: Clock, ts_ns: TimestampNs) -> bool {
    let micros6 = |out: &mut String, ns: i64| {
        out.push('.');
        decode::push_decimal_padded(
            out,
            u64::try_from(ns.rem_euclid(1_000_000_000) / 1_000).unwrap_or(0),
            6,
        );
    };
    match clock.format {
        TimeFormat::Clock => push_clock(out, ts_ns),
        TimeFormat::None => return false,
        TimeFormat::Epoch => {
            if ts_ns < 0 {
                out.push('-');
            }
            let a = ts_ns.unsigned_abs();
            decode::push_decimal(out, a / 1_000_000_000);
            out.push('.');
            decode::push_decimal_padded(out, a % 1_000_000_000 / 1_000, 6);
        }
        TimeFormat::Absolute => {
            let days = ts_ns.div_euclid(1_000_000_000).div_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            out.push_str(&format!("{y:04}-{m:02}-{d:02} "));
            push_clock(out, ts_ns);
        }
        TimeFormat::Delta | TimeFormat::Relative => {
            let base = if clock.format == TimeFormat::Delta {
                clock.prev_ns
            } else {
                clock.first_ns
            };
            let d = ts_ns.saturating_sub(base);
            if d < 0 {
                out.push('-');
            }
            let a = d.unsigned_abs();
            let secs = a / 1_000_000_000;
            decode::push_decimal_padded(out, secs / 3600, 2);
            out.push(':');
            decode::push_decimal_padded(out, secs / 60 % 60, 2);
            out.push(':');
            decode::push_decimal_padded(out, secs % 60, 2);
            micros6(out, i64::try_from(a % 1_000_000_000).unwrap_or(0));
        }
    }
    true
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `HH:MM:SS.ffffff` of a UTC timestamp (tcpdump's default column, in UTC).
fn push_clock(out: &mut String, ts_ns: TimestampNs) {
    let secs = ts_ns.div_euclid(1_000_000_000);
    let micros = ts_ns.rem_euclid(1_000_000_000) / 1_000;
    let day = secs.rem_euclid(86_400);
    // All non-negative after rem_euclid.
    let part = |v: i64| u64::try_from(v).unwrap_or(0);
    decode::push_decimal_padded(out, part(day / 3600), 2);
    out.push(':');
    decode::push_decimal_padded(out, part(day / 60 % 60), 2);
    out.push(':');
    decode::push_decimal_padded(out, part(day % 60), 2);
    out.push('.');
    decode::push_decimal_padded(out, part(micros), 6);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LinkType;

    #[test]
    fn clock_is_utc_time_of_day_with_micros() {
        let mut v = String::new();
        push_clock(&mut v, 1_700_000_000_123_456_789);
        // 1_700_000_000 s = 2023-11-14 22:13:20 UTC
        assert_eq!(v, "22:13:20.123456");
        v.clear();
        push_clock(&mut v, -1);
        assert_eq!(v, "23:59:59.999999");
    }

    #[test]
    fn time_formats_like_tcpdump() {
        let ts = 1_700_000_000_123_456_789;
        let t = |format, first_ns, prev_ns| {
            let mut v = String::new();
            push_time(
                &mut v,
                Clock {
                    format,
                    first_ns,
                    prev_ns,
                },
                ts,
            );
            v
        };
        assert_eq!(t(TimeFormat::Absolute, 0, 0), "2023-11-14 22:13:20.123456");
        assert_eq!(t(TimeFormat::Epoch, 0, 0), "1700000000.123456");
        assert_eq!(t(TimeFormat::Delta, 0, ts - 1_500_000), "00:00:00.001500");
        assert_eq!(
            t(TimeFormat::Relative, ts - 3_723_000_000_000, 0),
            "01:02:03.000000"
        );
        assert_eq!(t(TimeFormat::None, 0, 0), "");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn json_has_contract_keys() {
        let frame = Frame::new(5, 60, LinkType(999), vec![1, 2, 3]);
        let decoded = Decoded::default();
        let mut v = Vec::new();
        write_json(
            &mut v,
            &PacketLine {
                no: 1,
                frame: &frame,
                decoded: &decoded,
                flow: None,
                analysis: None,
            },
        )
        .expect("vec write");
        let obj: serde_json::Value = serde_json::from_slice(&v).expect("valid json");
        for key in [
            "no", "ts_ns", "len", "caplen", "link", "vlan", "src", "dst", "proto", "sport",
            "dport", "tcp", "flow", "layers", "issues",
        ] {
            assert!(obj.get(key).is_some(), "missing key {key} in {obj}");
        }
        assert_eq!(obj["caplen"], 3);
        assert_eq!(obj["len"], 60);
        assert_eq!(obj["link"], "linktype-999");
        assert!(obj["tcp"].is_null());
        assert!(v.ends_with(b"\n"));
    }
}
