//! Evaluates a compiled filter on one packet: each field's occurrences are read straight from
//! the packet's bytes at the header positions the fast walk found (`decode::Layout`), or from
//! its TCP connection, and handed to the test one by one. Nothing here allocates.

use std::cmp::Ordering;
use std::ops::Range;

use super::PacketCtx;
use super::compile::{Lit, Node, Test};
use super::fields::FieldId;
use super::lex::CmpOp;
use crate::decode::app::{dns, http, tls};
use crate::decode::bytes::{be16, be32, u8_at};
use crate::decode::{Hdr, Layout};
use crate::flow::{Flow, PacketAnalysis, Verdicts};

/// One occurrence of a field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val<'a> {
    U(u64),
    Time(i64),
    Bool(bool),
    V4(u32),
    V6(u128),
    Mac([u8; 6]),
    Bytes(&'a [u8]),
}

/// What the evaluation reads.
pub struct Cx<'a> {
    pub p: &'a PacketCtx<'a>,
    pub layout: Option<&'a Layout>,
}

pub fn eval(node: &Node, cx: &Cx<'_>) -> bool {
    match node {
        Node::And(a, b) => eval(a, cx) && eval(b, cx),
        Node::Or(a, b) => eval(a, cx) || eval(b, cx),
        Node::Not(a) => !eval(a, cx),
        Node::Test(field, t) => test(*field, t, cx),
    }
}

/// Whether some occurrence satisfies `pred`.
fn any(field: FieldId, cx: &Cx<'_>, mut pred: impl FnMut(Val<'_>) -> bool) -> bool {
    let mut found = false;
    each(field, cx, &mut |v| {
        found = pred(v);
        found
    });
    found
}

/// Whether there is an occurrence and every one satisfies `pred`.
fn all(field: FieldId, cx: &Cx<'_>, mut pred: impl FnMut(Val<'_>) -> bool) -> bool {
    let (mut seen, mut ok) = (false, true);
    each(field, cx, &mut |v| {
        seen = true;
        ok = pred(v);
        !ok
    });
    seen && ok
}

fn test(field: FieldId, t: &Test, cx: &Cx<'_>) -> bool {
    match t {
        Test::Exists => any(field, cx, |_| true),
        Test::Cmp(op, lit) => match op {
            CmpOp::Eq => any(field, cx, |v| eq(v, lit)),
            CmpOp::AllNe => all(field, cx, |v| !eq(v, lit)),
            CmpOp::AllEq => all(field, cx, |v| eq(v, lit)),
            CmpOp::AnyNe => any(field, cx, |v| !eq(v, lit)),
            CmpOp::Gt => any(field, cx, |v| ord(v, lit) == Some(Ordering::Greater)),
            CmpOp::Lt => any(field, cx, |v| ord(v, lit) == Some(Ordering::Less)),
            CmpOp::Ge => any(field, cx, |v| {
                matches!(ord(v, lit), Some(Ordering::Greater | Ordering::Equal))
            }),
            CmpOp::Le => any(field, cx, |v| {
                matches!(ord(v, lit), Some(Ordering::Less | Ordering::Equal))
            }),
        },
        Test::In(set) => any(field, cx, |v| {
            set.iter().any(|(lo, hi)| {
                if lo == hi {
                    eq(v, lo)
                } else {
                    matches!(ord(v, lo), Some(Ordering::Greater | Ordering::Equal))
                        && matches!(ord(v, hi), Some(Ordering::Less | Ordering::Equal))
                }
            })
        }),
        Test::Contains(finder) => any(field, cx, |v| match v {
            Val::Bytes(b) => finder.find(b).is_some(),
            _ => false,
        }),
        Test::Matches(re) => any(field, cx, |v| match v {
            Val::Bytes(b) => re.is_match(b),
            _ => false,
        }),
        Test::BitAnd(mask) => any(field, cx, |v| matches!(v, Val::U(x) if x & mask != 0)),
    }
}

fn eq(v: Val<'_>, lit: &Lit) -> bool {
    match (v, lit) {
        (Val::V4(a), Lit::V4(net, mask)) => a & mask == *net,
        (Val::V6(a), Lit::V6(net, mask)) => a & mask == *net,
        (Val::Bytes(a), Lit::Bytes(b)) => a == &b[..],
        _ => ord(v, lit) == Some(Ordering::Equal),
    }
}

fn ord(v: Val<'_>, lit: &Lit) -> Option<Ordering> {
    Some(match (v, lit) {
        (Val::U(a), Lit::U(b)) => a.cmp(b),
        (Val::Time(a), Lit::Time(b)) => a.cmp(b),
        (Val::Bool(a), Lit::Bool(b)) => a.cmp(b),
        (Val::V4(a), Lit::V4(b, _)) => a.cmp(b),
        (Val::V6(a), Lit::V6(b, _)) => a.cmp(b),
        (Val::Mac(a), Lit::Mac(b)) => a.cmp(b),
        (Val::Bytes(a), Lit::Bytes(b)) => a.cmp(&b[..]),
        _ => return None,
    })
}

fn is_v4_header(h: Hdr, bytes: &[u8]) -> bool {
    match h {
        Hdr::Ipv4 { .. } => true,
        Hdr::QuotedIp => u8_at(bytes, 0).is_some_and(|b| b >> 4 == 4),
        _ => false,
    }
}

fn is_v6_header(h: Hdr, bytes: &[u8]) -> bool {
    match h {
        Hdr::Ipv6 { .. } => true,
        Hdr::QuotedIp => u8_at(bytes, 0).is_some_and(|b| b >> 4 == 6),
        _ => false,
    }
}

/// Calls `f` with each occurrence of `field` in the packet until it returns true.
pub fn each(field: FieldId, cx: &Cx<'_>, f: &mut dyn FnMut(Val<'_>) -> bool) {
    let p = cx.p;
    let d = p.data;
    use FieldId as F;
    // Fields that need no walk over the bytes.
    match field {
        F::FrameNumber => {
            f(Val::U(p.number));
            return;
        }
        F::FrameLen => {
            f(Val::U(u64::from(p.wire_len)));
            return;
        }
        F::FrameCapLen => {
            f(Val::U(d.len() as u64));
            return;
        }
        F::FrameTimeRelative => {
            f(Val::Time(p.ts_ns.saturating_sub(p.first_ts_ns)));
            return;
        }
        F::FrameTimeEpoch => {
            f(Val::Time(p.ts_ns));
            return;
        }
        F::Frame => {
            f(Val::Bytes(d));
            return;
        }
        F::TcpStream => {
            if let Some(flow) = p.flow {
                f(Val::U(u64::from(flow.id)));
            }
            return;
        }
        _ if field.is_analysis() => {
            if let Some(a) = p.analysis {
                analysis_field(field, a, f);
            }
            return;
        }
        _ if field.is_flow() => {
            if let Some(conn) = p.conn.or(p.flow) {
                flow_field(field, conn, f);
            }
            return;
        }
        _ => {}
    }
    let Some(layout) = cx.layout else {
        return;
    };
    // Protocol bytes run to the end of the packet, before any Ethernet trailer.
    let net_end = layout
        .headers()
        .find(|(h, _)| *h == Hdr::Trailer)
        .map_or(d.len(), |(_, r)| r.start);
    let proto_bytes = |start: usize| d.get(start..net_end.max(start)).unwrap_or(&[]);
    // The first TCP header is the one the flow tracker saw.
    let mut first_tcp = true;
    // Ports of the latest UDP/TCP header, for telling DNS from mDNS/LLMNR.
    let mut ports = (0u16, 0u16);
    for (h, r) in layout.headers() {
        let hb = d.get(r.clone()).unwrap_or(&[]);
        let stop = match field {
            F::Eth | F::EthAddr | F::EthSrc | F::EthDst | F::EthType if h == Hdr::Ethernet => {
                use crate::decode::field::ethernet::{DESTINATION, ETHERTYPE, SOURCE};
                let mac = |at: Range<usize>| -> Option<[u8; 6]> { hb.get(at)?.try_into().ok() };
                match field {
                    F::Eth => f(Val::Bytes(proto_bytes(r.start))),
                    F::EthAddr => {
                        mac(DESTINATION).is_some_and(|m| f(Val::Mac(m)))
                            || mac(SOURCE).is_some_and(|m| f(Val::Mac(m)))
                    }
                    F::EthDst => mac(DESTINATION).is_some_and(|m| f(Val::Mac(m))),
                    F::EthSrc => mac(SOURCE).is_some_and(|m| f(Val::Mac(m))),
                    _ => be16(hb, ETHERTYPE.start)
                        .filter(|t| *t >= 0x600)
                        .is_some_and(|t| f(Val::U(u64::from(t)))),
                }
            }
            // An 802.1ad service tag (TPID 0x88a8) is `ieee8021ad` in tshark, not `vlan`.
            F::Vlan | F::VlanId
                if h == Hdr::Vlan && r.start >= 2 && be16(d, r.start - 2) != Some(0x88a8) =>
            {
                match field {
                    F::Vlan => f(Val::Bytes(proto_bytes(r.start))),
                    _ => be16(hb, 0).is_some_and(|t| f(Val::U(u64::from(t & 0x0fff)))),
                }
            }
            F::Arp if h == Hdr::Arp => f(Val::Bytes(proto_bytes(r.start))),
            F::ArpOpcode if h == Hdr::Arp => be16(hb, 6).is_some_and(|o| f(Val::U(u64::from(o)))),
            F::Ip
            | F::IpAddr
            | F::IpSrc
            | F::IpDst
            | F::IpTtl
            | F::IpProto
            | F::IpLen
            | F::IpId
            | F::IpFlagsDf
            | F::IpFlagsMf
                if is_v4_header(h, hb) =>
            {
                use crate::decode::field::ipv4 as ip;
                let u8v = |at: Range<usize>| u8_at(hb, at.start).map(|v| Val::U(u64::from(v)));
                let u16v = |at: Range<usize>| be16(hb, at.start).map(|v| Val::U(u64::from(v)));
                let flag = |bit: u8| u8_at(hb, ip::FLG_OFF.start).map(|b| Val::Bool(b & bit != 0));
                let v = match field {
                    F::Ip => Some(Val::Bytes(proto_bytes(r.start))),
                    F::IpSrc => be32(hb, ip::SRC_ADDR.start).map(Val::V4),
                    F::IpDst => be32(hb, ip::DST_ADDR.start).map(Val::V4),
                    F::IpAddr => {
                        if be32(hb, ip::SRC_ADDR.start).is_some_and(|a| f(Val::V4(a))) {
                            return;
                        }
                        be32(hb, ip::DST_ADDR.start).map(Val::V4)
                    }
                    F::IpTtl => u8v(ip::TTL),
                    F::IpProto => u8v(ip::PROTOCOL),
                    // Total length 0 (segmentation offload, BIG TCP): tshark's `ip.len` is
                    // the length from this header to the end of the frame.
                    F::IpLen if matches!(h, Hdr::Ipv4 { tso: true }) => {
                        Some(Val::U(u64::from(p.wire_len).saturating_sub(r.start as u64)))
                    }
                    F::IpLen => u16v(ip::LENGTH),
                    F::IpId => u16v(ip::IDENT),
                    F::IpFlagsDf => flag(ip::FLAG_DF),
                    _ => flag(ip::FLAG_MF),
                };
                v.is_some_and(&mut *f)
            }
            F::Ipv6 | F::Ipv6Addr | F::Ipv6Src | F::Ipv6Dst | F::Ipv6Hlim | F::Ipv6Nxt
                if is_v6_header(h, hb) =>
            {
                use crate::decode::field::ipv6 as ip6;
                let addr = |at: Range<usize>| -> Option<Val<'_>> {
                    let b: [u8; 16] = hb.get(at)?.try_into().ok()?;
                    Some(Val::V6(u128::from_be_bytes(b)))
                };
                let v = match field {
                    F::Ipv6 => Some(Val::Bytes(proto_bytes(r.start))),
                    F::Ipv6Src => addr(ip6::SRC_ADDR),
                    F::Ipv6Dst => addr(ip6::DST_ADDR),
                    F::Ipv6Addr => {
                        if addr(ip6::SRC_ADDR).is_some_and(&mut *f) {
                            return;
                        }
                        addr(ip6::DST_ADDR)
                    }
                    F::Ipv6Hlim => u8_at(hb, ip6::HOP_LIMIT.start).map(|v| Val::U(u64::from(v))),
                    _ => u8_at(hb, ip6::NXT_HDR.start).map(|v| Val::U(u64::from(v))),
                };
                v.is_some_and(&mut *f)
            }
            F::Icmp | F::IcmpType | F::IcmpCode if h == Hdr::Icmp => {
                icmp(field, hb, r.start, &proto_bytes, f)
            }
            F::Icmpv6 | F::Icmpv6Type | F::Icmpv6Code if h == Hdr::Icmpv6 => {
                icmp(field, hb, r.start, &proto_bytes, f)
            }
            // An ICMP error quoting an ICMP packet (an echo request that went unanswered):
            // tshark dissects the quoted ICMP header too, so `icmp.type` has both values.
            F::Icmp | F::IcmpType | F::IcmpCode | F::Icmpv6 | F::Icmpv6Type | F::Icmpv6Code
                if h == Hdr::QuotedIp =>
            {
                let Some(b0) = u8_at(hb, 0) else { continue };
                let (v4, hlen, proto) = match b0 >> 4 {
                    4 => (true, usize::from(b0 & 0x0f) * 4, u8_at(hb, 9)),
                    6 => (false, 40, u8_at(hb, 6)),
                    _ => continue,
                };
                let want = if matches!(field, F::Icmp | F::IcmpType | F::IcmpCode) {
                    (true, 1)
                } else {
                    (false, 58)
                };
                if hb.len() != hlen || (v4, proto) != (want.0, Some(want.1)) {
                    continue;
                }
                let qb = d.get(r.end..net_end.max(r.end)).unwrap_or(&[]);
                if qb.len() < 4 {
                    continue;
                }
                icmp(field, qb, r.end, &proto_bytes, f)
            }
            _ if matches!(h, Hdr::Tcp { .. } | Hdr::QuotedTransport(6)) => {
                if let Some(p) = be16(hb, 0).zip(be16(hb, 2)) {
                    ports = p;
                }
                let quoted = !matches!(h, Hdr::Tcp { .. });
                // A quoted header is 8 bytes in the layout; ICMP errors often quote more.
                let tb = if quoted {
                    d.get(r.start..).unwrap_or(&[])
                } else {
                    hb
                };
                let tracked = !quoted && std::mem::take(&mut first_tcp);
                tcp_field(field, h, tb, r.start, tracked, cx, layout, &proto_bytes, f)
            }
            _ if matches!(h, Hdr::Udp | Hdr::QuotedTransport(17)) => {
                if let Some(p) = be16(hb, 0).zip(be16(hb, 2)) {
                    ports = p;
                }
                use crate::decode::field::udp;
                let u16v = |at: Range<usize>| be16(hb, at.start).map(|v| Val::U(u64::from(v)));
                let v = match field {
                    F::Udp => Some(Val::Bytes(proto_bytes(r.start))),
                    F::UdpSrcport => u16v(udp::SRC_PORT),
                    F::UdpDstport => u16v(udp::DST_PORT),
                    F::UdpPort => {
                        if u16v(udp::SRC_PORT).is_some_and(&mut *f) {
                            return;
                        }
                        u16v(udp::DST_PORT)
                    }
                    F::UdpLength => u16v(udp::LENGTH),
                    _ => None,
                };
                v.is_some_and(&mut *f)
            }
            // UDP-Lite: tshark's UDP dissector shows it, so its ports are `udp.*` fields and
            // `udp.length` is the datagram's length from the IP header (the field in the
            // header is the checksum coverage); the bare protocol is `udplite`, not `udp`.
            _ if matches!(
                (h, field),
                (
                    Hdr::UdpLite { .. },
                    F::UdpSrcport | F::UdpDstport | F::UdpPort | F::UdpLength
                )
            ) =>
            {
                let Hdr::UdpLite { datagram_len } = h else {
                    continue;
                };
                if let Some(p) = be16(hb, 0).zip(be16(hb, 2)) {
                    ports = p;
                }
                use crate::decode::field::udp;
                let u16v = |at: Range<usize>| be16(hb, at.start).map(|v| Val::U(u64::from(v)));
                let v = match field {
                    F::UdpSrcport => u16v(udp::SRC_PORT),
                    F::UdpDstport => u16v(udp::DST_PORT),
                    F::UdpPort => {
                        if u16v(udp::SRC_PORT).is_some_and(&mut *f) {
                            return;
                        }
                        u16v(udp::DST_PORT)
                    }
                    _ => Some(Val::U(u64::from(datagram_len))),
                };
                v.is_some_and(&mut *f)
            }
            F::Dns | F::DnsQryName | F::DnsFlagsResponse => {
                let Hdr::Dns { tcp } = h else { continue };
                let payload = d.get(r.clone()).unwrap_or(&[]);
                match field {
                    // tshark calls mDNS `mdns` and LLMNR `llmnr`; only port 53 is `dns`.
                    F::Dns => (ports.0 == 53 || ports.1 == 53) && f(Val::Bytes(payload)),
                    F::DnsFlagsResponse => {
                        dns::is_response(payload, tcp).is_some_and(|b| f(Val::Bool(b)))
                    }
                    _ => {
                        let mut stop = false;
                        dns::each_question_name(payload, tcp, |name| {
                            stop = f(Val::Bytes(name));
                            stop
                        });
                        stop
                    }
                }
            }
            F::Http | F::HttpMethod | F::HttpUri | F::HttpHost | F::HttpResponseCode
                if h == Hdr::Http =>
            {
                let payload = d.get(r.clone()).unwrap_or(&[]);
                // The HTTP/2 connection preface looks like a request line; tshark calls it
                // `http2`, not `http`.
                if payload.starts_with(b"PRI * HTTP/2.0") {
                    continue;
                }
                match field {
                    F::Http => f(Val::Bytes(payload)),
                    F::HttpMethod => http::request(payload).is_some_and(|(m, _)| f(Val::Bytes(m))),
                    F::HttpUri => http::request(payload).is_some_and(|(_, u)| f(Val::Bytes(u))),
                    F::HttpHost => {
                        http::request(payload).is_some()
                            && http::header(payload, b"host").is_some_and(|v| f(Val::Bytes(v)))
                    }
                    _ => http::response_code(payload).is_some_and(|c| f(Val::U(u64::from(c)))),
                }
            }
            F::Tls | F::TlsHandshakeType | F::TlsSni if h == Hdr::Tls => {
                let payload = d.get(r.clone()).unwrap_or(&[]);
                match field {
                    F::Tls => f(Val::Bytes(payload)),
                    F::TlsHandshakeType => {
                        let mut stop = false;
                        tls::each_handshake(payload, |t, _| {
                            stop = f(Val::U(u64::from(t)));
                            stop
                        });
                        stop
                    }
                    _ => {
                        let mut stop = false;
                        tls::each_handshake(payload, |t, body| {
                            if let (1, Some(name)) = (t, tls::client_hello_sni(body)) {
                                stop = f(Val::Bytes(name));
                            }
                            stop
                        });
                        stop
                    }
                }
            }
            _ => false,
        };
        if stop {
            return;
        }
    }
}

fn icmp<'d>(
    field: FieldId,
    hb: &'d [u8],
    start: usize,
    proto_bytes: &dyn Fn(usize) -> &'d [u8],
    f: &mut dyn FnMut(Val<'_>) -> bool,
) -> bool {
    use FieldId as F;
    match field {
        F::Icmp | F::Icmpv6 => f(Val::Bytes(proto_bytes(start))),
        F::IcmpType | F::Icmpv6Type => u8_at(hb, 0).is_some_and(|t| f(Val::U(u64::from(t)))),
        _ => u8_at(hb, 1).is_some_and(|c| f(Val::U(u64::from(c)))),
    }
}

/// A TCP field of one header (`tb` its bytes). `tracked`: the header the flow tracker saw,
/// which alone gets the fields computed from the connection (relative numbers, scaled window,
/// initial RTT).
#[allow(clippy::too_many_arguments)]
fn tcp_field<'d>(
    field: FieldId,
    h: Hdr,
    tb: &'d [u8],
    start: usize,
    tracked: bool,
    cx: &Cx<'_>,
    layout: &Layout,
    proto_bytes: &dyn Fn(usize) -> &'d [u8],
    f: &mut dyn FnMut(Val<'_>) -> bool,
) -> bool {
    use crate::decode::field::tcp;
    use FieldId as F;
    let u16v = |at: Range<usize>| be16(tb, at.start).map(|v| Val::U(u64::from(v)));
    let flags = be16(tb, tcp::FLAGS.start).map(|v| v & 0x0fff);
    let flag = |bit: u16| flags.map(|fl| Val::Bool(fl & bit != 0));
    // The connection and which side sent this segment, for the tracked header.
    let flow = cx.p.flow.filter(|_| tracked);
    let seg = layout.summary.tcp.filter(|_| tracked);
    let from_client = flow.zip(seg).map(|(fl, s)| s.src == fl.client());
    let v = match field {
        F::Tcp => Some(Val::Bytes(proto_bytes(start))),
        F::TcpSrcport => u16v(tcp::SRC_PORT),
        F::TcpDstport => u16v(tcp::DST_PORT),
        F::TcpPort => {
            if u16v(tcp::SRC_PORT).is_some_and(&mut *f) {
                return true;
            }
            u16v(tcp::DST_PORT)
        }
        F::TcpLen => match h {
            Hdr::Tcp { payload_len } => Some(Val::U(u64::from(payload_len))),
            _ => None,
        },
        F::TcpSeqRaw => be32(tb, tcp::SEQ_NUM.start).map(|v| Val::U(u64::from(v))),
        F::TcpAckRaw => be32(tb, tcp::ACK_NUM.start).map(|v| Val::U(u64::from(v))),
        F::TcpSeq => {
            let isn = flow.zip(from_client).and_then(|(fl, c)| fl.base_seq(c));
            isn.zip(be32(tb, tcp::SEQ_NUM.start))
                .map(|(isn, seq)| Val::U(u64::from(seq.wrapping_sub(isn))))
        }
        F::TcpAck => {
            let ack = be32(tb, tcp::ACK_NUM.start);
            if flags.is_some_and(|fl| fl & 0x010 == 0) {
                ack.map(|a| Val::U(u64::from(a)))
            } else {
                let peer = flow.zip(from_client).and_then(|(fl, c)| fl.base_seq(!c));
                peer.zip(ack)
                    .map(|(isn, a)| Val::U(u64::from(a.wrapping_sub(isn))))
            }
        }
        F::TcpFlags => flags.map(|v| Val::U(u64::from(v))),
        F::TcpFlagsSyn => flag(0x002),
        F::TcpFlagsAck => flag(0x010),
        F::TcpFlagsFin => flag(0x001),
        F::TcpFlagsReset => flag(0x004),
        F::TcpFlagsPush => flag(0x008),
        F::TcpFlagsUrg => flag(0x020),
        F::TcpWindowSizeValue => u16v(tcp::WIN_SIZE),
        F::TcpWindowSize => {
            let raw = be16(tb, tcp::WIN_SIZE.start);
            // tshark's rule (`verify_tcp_window_scaling`): past the SYNs, a side's window is
            // scaled by the shift its own SYN offered, unless the other side's SYN was seen
            // without the option. Unknown (that side's SYN not seen) leaves it as sent.
            let syn = flags.is_some_and(|fl| fl & 0x002 != 0);
            let scale = |own: Option<&crate::model::TcpHandshakeOptions>,
                         peer: Option<&crate::model::TcpHandshakeOptions>| {
                match own.and_then(|o| o.window_scale) {
                    Some(ws) if peer.is_none_or(|p| p.window_scale.is_some()) => {
                        u32::from(ws).min(14)
                    }
                    _ => 0,
                }
            };
            let shift = match (flow, from_client) {
                (Some(fl), Some(c)) if !syn => {
                    let (co, so) = (fl.client_options(), fl.server_options());
                    let (co, so) = (co.as_ref(), so.as_ref());
                    if c { scale(co, so) } else { scale(so, co) }
                }
                _ => 0,
            };
            raw.map(|w| Val::U(u64::from(w) << shift))
        }
        F::TcpMss => {
            let hlen = u8_at(tb, tcp::FLAGS.start)
                .map_or(tcp::MIN_HEADER_LEN, |b| usize::from(b >> 4) * 4);
            let mut o = tcp::MIN_HEADER_LEN;
            let mut found = None;
            while o < hlen.min(tb.len()) {
                match u8_at(tb, o) {
                    Some(0) | None => break,
                    Some(1) => o += 1,
                    Some(kind) => {
                        let len = usize::from(u8_at(tb, o + 1).unwrap_or(0));
                        if len < 2 {
                            break;
                        }
                        if kind == 2 && len == 4 {
                            found = be16(tb, o + 2);
                            break;
                        }
                        o += len;
                    }
                }
            }
            found.map(|m| Val::U(u64::from(m)))
        }
        // tshark prints it in the SEQ/ACK analysis tree, which a segment has only when the
        // analysis recorded something for it (a verdict, an ACKed frame, bytes in flight).
        // Without the per-packet analysis (the viewer keeps it for verdicts only), every
        // segment after the handshake carries the connection's.
        F::TcpInitialRtt if tracked => match cx.p.analysis {
            Some(a) => a
                .first_rtt_ns
                .filter(|_| has_analysis_tree(a))
                .map(Val::Time),
            None => flow.and_then(|fl| fl.rtt().initial_ns).map(Val::Time),
        },
        _ => None,
    };
    v.is_some_and(&mut *f)
}

/// Whether tshark would give the segment a SEQ/ACK analysis tree (its `tcp_acked` record).
fn has_analysis_tree(a: &PacketAnalysis) -> bool {
    !a.verdicts.is_empty()
        || a.acked_frame.is_some()
        || a.bytes_in_flight.is_some()
        || a.rto_frame.is_some()
}

/// A `tcp.analysis.*` field of the tracked TCP header: a label is present when its verdict
/// is; the numbers only where tshark gives them.
fn analysis_field(field: FieldId, a: &PacketAnalysis, f: &mut dyn FnMut(Val<'_>) -> bool) {
    use FieldId as F;
    let verdict = match field {
        F::TcpAnalysisFlags => {
            if !a.verdicts.is_empty() {
                f(Val::Bytes(&[]));
            }
            return;
        }
        F::TcpDuplicateAckNum | F::TcpDuplicateAckFrame => {
            if a.verdicts.contains(Verdicts::DUPLICATE_ACK) {
                f(Val::U(if field == F::TcpDuplicateAckNum {
                    u64::from(a.dup_ack_num)
                } else {
                    a.dup_ack_frame
                }));
            }
            return;
        }
        F::TcpBytesInFlight => {
            if let Some(b) = a.bytes_in_flight {
                f(Val::U(u64::from(b)));
            }
            return;
        }
        F::TcpAckRtt => {
            if let Some(ns) = a.ack_rtt_ns {
                f(Val::Time(ns));
            }
            return;
        }
        // tshark adds `retransmission` beside `fast_retransmission` and
        // `spurious_retransmission`.
        F::TcpRetransmission => {
            if a.verdicts.is_retransmission() {
                f(Val::Bytes(&[]));
            }
            return;
        }
        F::TcpFastRetransmission => Verdicts::FAST_RETRANSMISSION,
        F::TcpSpuriousRetransmission => Verdicts::SPURIOUS_RETRANSMISSION,
        F::TcpOutOfOrder => Verdicts::OUT_OF_ORDER,
        F::TcpLostSegment => Verdicts::LOST_SEGMENT,
        F::TcpAckLostSegment => Verdicts::ACK_LOST_SEGMENT,
        F::TcpDuplicateAck => Verdicts::DUPLICATE_ACK,
        F::TcpZeroWindow => Verdicts::ZERO_WINDOW,
        F::TcpZeroWindowProbe => Verdicts::ZERO_WINDOW_PROBE,
        F::TcpZeroWindowProbeAck => Verdicts::ZERO_WINDOW_PROBE_ACK,
        F::TcpWindowFull => Verdicts::WINDOW_FULL,
        F::TcpWindowUpdate => Verdicts::WINDOW_UPDATE,
        F::TcpKeepAlive => Verdicts::KEEP_ALIVE,
        F::TcpKeepAliveAck => Verdicts::KEEP_ALIVE_ACK,
        F::TcpReusedPorts => Verdicts::REUSED_PORTS,
        _ => return,
    };
    if a.verdicts.contains(verdict) {
        f(Val::Bytes(&[]));
    }
}

fn flow_field(field: FieldId, conn: &Flow, f: &mut dyn FnMut(Val<'_>) -> bool) {
    use FieldId as F;
    let v = match field {
        F::FlowId => Val::U(u64::from(conn.id)),
        F::FlowHandshake => Val::Bytes(conn.outcome().name().as_bytes()),
        F::FlowIrtt => match conn.rtt().initial_ns.filter(|_| conn.established()) {
            Some(ns) => Val::Time(ns),
            None => return,
        },
        F::FlowClose => Val::Bytes(conn.close.name().as_bytes()),
        F::FlowSynCount => Val::U(u64::from(conn.syn_count())),
        F::FlowSynackCount => Val::U(u64::from(conn.synack_count())),
        F::FlowHistory => Val::Bytes(conn.history_str().as_bytes()),
        F::FlowPackets => Val::U(conn.packets()),
        F::FlowBytes => Val::U(conn.bytes()),
        _ => return,
    };
    f(v);
}
