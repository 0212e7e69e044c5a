//! One-line texts from a [`Summary`]: the tcpdump-like Info column / `dump --format text`
//! line, the `proto` key's lowercase name, and the Protocol column's display name. Everything
//! derived from packet text is sanitized. Depends on the decode types, `names`, `tcp`,
//! `tcp_options`, `crate::sanitize`.

use std::fmt::Write as _;

use super::fields::mac;
use super::{AppProto, Proto, Summary, names, tcp, tcp_options};
use crate::model::{TcpSegment, tcp_flags};
use crate::sanitize::sanitize;

/// tcpdump-like one-line description for the packet list's Info column and `dump --format
/// text`: `Flags [S.], seq 123, ack 456, win 65535, length 0` for TCP, `A? example.com.` for
/// DNS, `echo request, id 1, seq 2` for ICMP, `who-has 10.0.0.2 tell 10.0.0.1` for ARP.
/// `decoded_app` is [`super::Decoded::app_summary`] when the caller has it. Sanitized.
pub fn info_line(summary: &Summary, decoded_app: Option<&str>) -> String {
    let app = decoded_app.map(sanitize);
    let mut s = match summary.proto {
        Proto::Tcp => match &summary.tcp {
            Some(t) => {
                let mut s = tcp_line(t);
                if let Some(a) = &app {
                    let _ = write!(s, ": {a}");
                }
                s
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
    // A TCP segment carried inside a tunnel (VXLAN, Geneve…) whose outer protocol is UDP.
    if summary.proto != Proto::Tcp
        && let Some(t) = &summary.tcp
    {
        let _ = write!(
            s,
            " > TCP {} > {} {}",
            crate::model::endpoint_text(t.src),
            crate::model::endpoint_text(t.dst),
            tcp_line(t)
        );
    }
    s
}

fn tcp_line(t: &TcpSegment) -> String {
    let mut s = format!("Flags [{}], seq {}", tcp::flag_letters(t.flags), t.seq);
    if t.payload_len > 0 {
        let _ = write!(s, ":{}", t.seq.wrapping_add(t.payload_len));
    }
    if t.flags & tcp_flags::ACK != 0 {
        let _ = write!(s, ", ack {}", t.ack);
    }
    let _ = write!(s, ", win {}", t.window);
    let opts = tcp_options::short_text(&t.options);
    if !opts.is_empty() {
        let _ = write!(s, ", options [{opts}]");
    }
    let _ = write!(s, ", length {}", t.payload_len);
    s
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
    match summary.proto {
        Proto::Tcp => "tcp".into(),
        Proto::Udp => "udp".into(),
        Proto::Icmp => "icmp".into(),
        Proto::Icmpv6 => "icmpv6".into(),
        Proto::Arp => "arp".into(),
        Proto::Ip(p) => match names::ip_proto_short(p) {
            Some(n) => n.into(),
            None => format!("ip-proto-{p}"),
        },
        Proto::EtherType(t) => match names::ethertype_short(t) {
            Some(n) => n.into(),
            None => format!("ethertype-0x{t:04x}"),
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
