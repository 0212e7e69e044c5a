//! One-line texts from a [`Summary`]: the tcpdump-like Info column / `dump --format text`
//! line, the `proto` key's lowercase name, and the Protocol column's display name. Everything
//! derived from packet text is sanitized. The TCP line (most lines of a capture) is appended
//! to a caller's buffer with hand-rolled decimal formatting: `dump --format text` prints
//! millions of them. Depends on the decode types, `names`, `tcp`, `tcp_options`,
//! `crate::sanitize`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::IpAddr;

use super::fields::mac;
use super::{AppProto, Proto, Summary, names, tcp, tcp_options};
use crate::model::{TcpSegment, tcp_flags};
use crate::sanitize::neutralize;

/// tcpdump-like one-line description for the packet list's Info column and `dump --format
/// text`: `Flags [S.], seq 123, ack 456, win 65535, length 0` for TCP, `A? example.com.` for
/// DNS, `echo request, id 1, seq 2` for ICMP, `who-has 10.0.0.2 tell 10.0.0.1` for ARP.
/// `decoded_app` is [`super::Decoded::app_summary`] when the caller has it. Sanitized.
pub fn info_line(summary: &Summary, decoded_app: Option<&str>) -> String {
    let mut s = String::new();
    push_info_line(&mut s, summary, decoded_app);
    s
}

/// [`info_line`], appended to `out`.
pub fn push_info_line(out: &mut String, summary: &Summary, decoded_app: Option<&str>) {
    // Already sanitized by the decoder: only make sure, without escaping its escapes again.
    let app = decoded_app.map(|a| neutralize(a, false));
    let text = match summary.proto {
        Proto::Tcp => match &summary.tcp {
            Some(t) => {
                push_tcp_line(out, t);
                if let Some(a) = &app {
                    out.push_str(": ");
                    out.push_str(a);
                }
                String::new()
            }
            None => "TCP, header cut or malformed".to_string(),
        },
        Proto::Udp => match (&app, summary.udp_len) {
            (Some(a), _) => a.clone(),
            (None, Some(n)) => format!("UDP, length {n}"),
            (None, None) => "UDP, header cut or malformed".to_string(),
        },
        Proto::Icmp | Proto::Icmpv6 => icmp_line(summary),
        Proto::Arp => arp_line(summary),
        Proto::Ip(p) => match names::ip_proto_long(p) {
            Some(n) => format!("{n} (IP protocol {p})"),
            None => format!("IP protocol {p}"),
        },
        Proto::EtherType(t) => match names::ethertype(t) {
            Some(n) => format!("{n} (EtherType 0x{t:04x})"),
            None => format!("EtherType 0x{t:04x}"),
        },
        Proto::Llc(sap) => match names::llc_sap(sap) {
            Some(n) => format!("LLC, {n} (SAP 0x{sap:02x})"),
            None => format!("LLC, SAP 0x{sap:02x}"),
        },
        Proto::Osi(n) => format!("OSI {}", names::osi_short(n).to_uppercase()),
        Proto::Snap { oui, pid } => format!(
            "SNAP {} (OUI {oui:06x}, PID 0x{pid:04x})",
            names::snap_short(oui, pid).to_uppercase()
        ),
        Proto::Unknown => "unknown".to_string(),
    };
    out.push_str(&text);
    // A TCP segment carried inside a tunnel (VXLAN, Geneve…) whose outer protocol is UDP.
    if summary.proto != Proto::Tcp
        && let Some(t) = &summary.tcp
    {
        let _ = write!(
            out,
            " > TCP {} > {} ",
            crate::model::endpoint_text(t.src),
            crate::model::endpoint_text(t.dst),
        );
        push_tcp_line(out, t);
    }
}

/// Appends `n` in decimal, as `write!(out, "{n}")` would (without the formatting machinery).
pub fn push_decimal(out: &mut String, n: u64) {
    push_decimal_padded(out, n, 1);
}

/// Appends `n` in decimal, zero-padded to at least `width` digits (`{n:0width$}`).
pub fn push_decimal_padded(out: &mut String, n: u64, width: usize) {
    const MAX: usize = 20; // u64::MAX has 20 digits
    for _ in MAX..width {
        out.push('0');
    }
    let mut digits = [b'0'; MAX];
    let mut i = MAX;
    let mut n = n;
    while n > 0 && i > 0 {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
    }
    let start = i.min(MAX.saturating_sub(width.max(1)));
    for &d in digits.get(start..).unwrap_or(&[]) {
        out.push(char::from(d));
    }
}

/// Appends an IP address as its `Display` does (IPv4 by hand; IPv6 through `Display`, for its
/// RFC 5952 compression).
pub fn push_ip(out: &mut String, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            push_decimal(out, a.into());
            out.push('.');
            push_decimal(out, b.into());
            out.push('.');
            push_decimal(out, c.into());
            out.push('.');
            push_decimal(out, d.into());
        }
        IpAddr::V6(v6) => {
            let _ = write!(out, "{v6}");
        }
    }
}

fn push_tcp_line(out: &mut String, t: &TcpSegment) {
    out.push_str("Flags [");
    tcp::push_flag_letters(out, t.flags);
    out.push_str("], seq ");
    push_decimal(out, t.seq.into());
    if t.payload_len > 0 {
        out.push(':');
        push_decimal(out, t.seq.wrapping_add(t.payload_len).into());
    }
    if t.flags & tcp_flags::ACK != 0 {
        out.push_str(", ack ");
        push_decimal(out, t.ack.into());
    }
    out.push_str(", win ");
    push_decimal(out, t.window.into());
    let before = out.len();
    out.push_str(", options [");
    if tcp_options::push_short_text(out, &t.options) {
        out.push(']');
    } else {
        out.truncate(before);
    }
    out.push_str(", length ");
    push_decimal(out, t.payload_len.into());
}

fn icmp_line(summary: &Summary) -> String {
    let v6 = summary.proto == Proto::Icmpv6;
    let Some((t, c)) = summary.icmp else {
        return if v6 {
            "ICMPv6, header cut"
        } else {
            "ICMP, header cut"
        }
        .to_string();
    };
    let (tname, cname) = if v6 {
        (names::icmpv6_type(t), names::icmpv6_code(t, c))
    } else {
        (names::icmp_type(t), names::icmp_code(t, c))
    };
    let mut s = match tname {
        Some(n) => n.to_string(),
        None => format!("type {t}, code {c}"),
    };
    if let Some(cn) = cname {
        let _ = write!(s, " ({cn})");
    }
    if let Some((id, seq)) = summary.icmp_echo {
        let _ = write!(s, ", id {id}, seq {seq}");
    }
    s
}

fn arp_line(summary: &Summary) -> String {
    let addr = |a: Option<std::net::IpAddr>| a.map_or_else(|| "?".to_string(), |a| a.to_string());
    match summary.arp {
        Some(a) if a.op == 1 => format!("who-has {} tell {}", addr(summary.dst), addr(summary.src)),
        Some(a) if a.op == 2 => format!(
            "{} is-at {}",
            addr(summary.src),
            a.sender_mac.map_or_else(|| "?".to_string(), |m| mac(&m))
        ),
        Some(a) => match names::arp_op(a.op) {
            Some(n) => format!("ARP {n}"),
            None => format!("ARP operation {}", a.op),
        },
        None => "ARP, header cut".to_string(),
    }
}

/// Name for the Protocol column / `dump`'s `proto` key: `tcp`, `udp`, `icmp`, `icmpv6`, `arp`,
/// or the best name known (`gre`, `ospf`, `lldp`, `stp`, `ipx`…; `ip-proto-N` /
/// `ethertype-0xNNNN` when nothing better is known).
pub fn proto_name(summary: &Summary) -> String {
    proto_name_cow(summary).into_owned()
}

/// [`proto_name`], borrowed when it is a fixed name (it nearly always is).
pub fn proto_name_cow(summary: &Summary) -> Cow<'static, str> {
    match summary.proto {
        Proto::Tcp => "tcp".into(),
        Proto::Udp => "udp".into(),
        Proto::Icmp => "icmp".into(),
        Proto::Icmpv6 => "icmpv6".into(),
        Proto::Arp => "arp".into(),
        Proto::Ip(p) => match names::ip_proto_short(p) {
            Some(n) => n.into(),
            None => format!("ip-proto-{p}").into(),
        },
        Proto::EtherType(t) => match names::ethertype_short(t) {
            Some(n) => n.into(),
            None => format!("ethertype-0x{t:04x}").into(),
        },
        Proto::Llc(sap) => names::llc_short(sap).into(),
        Proto::Osi(n) => names::osi_short(n).into(),
        Proto::Snap { oui, pid } => names::snap_short(oui, pid).into(),
        Proto::Unknown => "unknown".into(),
    }
}

/// The Protocol column's text: the application protocol when one was recognised (`HTTP`,
/// `DNS`, `TLS`), else [`proto_name`] in its usual spelling (`TCP`, `ICMPv6`, `LLDP`…).
pub fn protocol_column(summary: &Summary) -> String {
    if let Some(app) = summary.app {
        return match app {
            AppProto::Http => "HTTP",
            AppProto::Dns => "DNS",
            AppProto::Tls => "TLS",
        }
        .into();
    }
    let name = proto_name(summary);
    match name.as_str() {
        "icmpv6" => "ICMPv6".into(),
        "ipv4" => "IPv4".into(),
        "ipv6" => "IPv6".into(),
        "ipv6-in-ipv4" => "IPv6-in-IPv4".into(),
        "unknown" => "?".into(),
        n => n.to_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_decimal_matches_display() {
        let mut values = vec![0u64, 1, 9, 10, 99, 100, 65_535, 4_294_967_295, u64::MAX];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for v in values {
            let mut s = String::from("x");
            push_decimal(&mut s, v);
            assert_eq!(s, format!("x{v}"));
            for width in [0, 2, 6, 25] {
                let mut p = String::new();
                push_decimal_padded(&mut p, v, width);
                assert_eq!(p, format!("{v:0width$}"));
            }
        }
    }

    #[test]
    fn push_ip_matches_display() {
        for text in [
            "0.0.0.0",
            "10.77.9.2",
            "255.255.255.255",
            "::1",
            "2001:db8::1",
            "::ffff:1.2.3.4",
        ] {
            let ip: IpAddr = text.parse().unwrap();
            let mut s = String::new();
            push_ip(&mut s, ip);
            assert_eq!(s, ip.to_string());
        }
    }
}
