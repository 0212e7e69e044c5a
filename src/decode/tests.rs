//! Byte-array unit tests for the decoder: every link type, every protocol, every TCP option,
//! truncation and malformed lengths, application summaries and sanitization. Packets are
//! built by the small helpers below (literal bytes) or with etherparse's `PacketBuilder`.

use std::net::IpAddr;

use super::*;
use crate::model::tcp_flags;

// ---------------------------------------------------------------------------------------
// Packet builders (literal bytes)

const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const IP_A: [u8; 4] = [10, 0, 0, 1];
const IP_B: [u8; 4] = [10, 0, 0, 2];

fn eth(et: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = MAC_B.to_vec();
    v.extend_from_slice(&MAC_A);
    v.extend_from_slice(&et.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

fn ipv4_with(proto: u8, opts: &[u8], frag: u16, total: Option<u16>, payload: &[u8]) -> Vec<u8> {
    assert_eq!(opts.len() % 4, 0);
    let ihl = 5 + opts.len() / 4;
    let total = total.unwrap_or((ihl * 4 + payload.len()) as u16);
    let mut v = vec![0x40 | ihl as u8, 0];
    v.extend_from_slice(&total.to_be_bytes());
    v.extend_from_slice(&[0x12, 0x34]);
    v.extend_from_slice(&frag.to_be_bytes());
    v.extend_from_slice(&[64, proto, 0, 0]);
    v.extend_from_slice(&IP_A);
    v.extend_from_slice(&IP_B);
    v.extend_from_slice(opts);
    v.extend_from_slice(payload);
    v
}

fn ipv4(proto: u8, payload: &[u8]) -> Vec<u8> {
    ipv4_with(proto, &[], 0x4000, None, payload)
}

fn v6(last: u8) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[0] = 0x20;
    a[1] = 0x01;
    a[2] = 0x0d;
    a[3] = 0xb8;
    a[15] = last;
    a
}

fn ipv6(next: u8, plen: Option<u16>, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x60, 0, 0, 0];
    v.extend_from_slice(&plen.unwrap_or(payload.len() as u16).to_be_bytes());
    v.extend_from_slice(&[next, 64]);
    v.extend_from_slice(&v6(1));
    v.extend_from_slice(&v6(2));
    v.extend_from_slice(payload);
    v
}

fn tcp(
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    flags: u16,
    opts: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    assert_eq!(opts.len() % 4, 0);
    let doff = 5 + opts.len() / 4;
    let mut v = Vec::new();
    v.extend_from_slice(&sport.to_be_bytes());
    v.extend_from_slice(&dport.to_be_bytes());
    v.extend_from_slice(&seq.to_be_bytes());
    v.extend_from_slice(&ack.to_be_bytes());
    v.push(((doff as u8) << 4) | ((flags >> 8) as u8 & 0x0f));
    v.push(flags as u8);
    v.extend_from_slice(&64240u16.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(opts);
    v.extend_from_slice(payload);
    v
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&sport.to_be_bytes());
    v.extend_from_slice(&dport.to_be_bytes());
    v.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    v.extend_from_slice(&[0, 0]);
    v.extend_from_slice(payload);
    v
}

/// DNS query for `name` (type A), with optional raw answer records appended.
fn dns_msg(id: u16, flags: u16, name: &[u8], answers: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&id.to_be_bytes());
    v.extend_from_slice(&flags.to_be_bytes());
    v.extend_from_slice(&1u16.to_be_bytes());
    v.extend_from_slice(&(answers.len() as u16).to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(name);
    v.extend_from_slice(&[0, 1, 0, 1]);
    for a in answers {
        v.extend_from_slice(a);
    }
    v
}

fn qname(labels: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    for l in labels {
        v.push(l.len() as u8);
        v.extend_from_slice(l);
    }
    v.push(0);
    v
}

// ---------------------------------------------------------------------------------------
// Checks shared by every test

/// Decodes, and checks the invariants every decode must keep.
fn dec(link: LinkType, data: &[u8], orig_len: u32) -> Decoded {
    let d = decode(link, data, orig_len);
    assert_eq!(
        d.summary,
        summarize(link, data, orig_len),
        "summary paths disagree"
    );
    for h in &d.headers {
        assert!(
            h.range.start <= h.range.end && h.range.end <= data.len(),
            "{h:?}"
        );
        fn walk(fs: &[Field], len: usize) {
            for f in fs {
                assert!(f.range.start <= f.range.end && f.range.end <= len, "{f:?}");
                assert!(!f.name.chars().any(char::is_control), "{f:?}");
                assert!(!f.value.chars().any(char::is_control), "{f:?}");
                assert!(!f.meaning.chars().any(char::is_control), "{f:?}");
                walk(&f.children, len);
            }
        }
        walk(&h.fields, data.len());
    }
    for i in &d.issues {
        assert!(i.offset <= data.len(), "{i:?}");
    }
    assert_eq!(
        d.summary.broken,
        d.issues.iter().any(|i| i.kind.breaks()),
        "broken flag vs issues: {:?}",
        d.issues
    );
    if let Some(a) = &d.app_summary {
        assert!(!a.chars().any(char::is_control), "{a:?}");
    }
    d
}

fn dec_full(link: LinkType, data: &[u8]) -> Decoded {
    dec(link, data, data.len() as u32)
}

fn header<'a>(d: &'a Decoded, protocol: &str) -> &'a Header {
    d.headers
        .iter()
        .find(|h| h.protocol == protocol)
        .unwrap_or_else(|| panic!("no {protocol} header in {:#?}", protos(d)))
}

fn protos(d: &Decoded) -> Vec<&str> {
    d.headers.iter().map(|h| h.protocol.as_str()).collect()
}

fn field<'a>(h: &'a Header, name: &str) -> &'a Field {
    h.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name} in {h:#?}"))
}

fn child<'a>(f: &'a Field, name: &str) -> &'a Field {
    f.children
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no child {name} in {f:#?}"))
}

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

// ---------------------------------------------------------------------------------------
// TCP and its options

/// MSS, SACK permitted, timestamps, NOP, window scale, TFO (kind 34), experimental TFO
/// (254/0xF989), EOL: 36 bytes of options.
fn syn_options() -> Vec<u8> {
    let mut o = vec![2, 4, 0x05, 0xb4]; // MSS 1460
    o.extend_from_slice(&[4, 2]); // SACK permitted
    o.extend_from_slice(&[8, 10, 0, 0, 0, 1, 0, 0, 0, 0]); // TS 1 / 0
    o.push(1); // NOP
    o.extend_from_slice(&[3, 3, 7]); // WS 7
    o.extend_from_slice(&[34, 10, 1, 2, 3, 4, 5, 6, 7, 8]); // TFO cookie
    o.extend_from_slice(&[254, 4, 0xf9, 0x89]); // experimental TFO cookie request
    o.extend_from_slice(&[0, 0]); // EOL + padding
    o
}

#[test]
fn tcp_syn_with_every_handshake_option() {
    let seg = tcp(
        40000,
        443,
        1782953582,
        0,
        tcp_flags::SYN,
        &syn_options(),
        &[],
    );
    let pkt = eth(0x0800, &ipv4(6, &seg));
    let d = dec_full(LinkType::ETHERNET, &pkt);
    let s = d.summary;
    assert_eq!(s.proto, Proto::Tcp);
    assert_eq!((s.src, s.dst), (ip("10.0.0.1"), ip("10.0.0.2")));
    assert_eq!((s.sport, s.dport), (Some(40000), Some(443)));
    assert!(!s.broken, "{:?}", d.issues);
    let t = s.tcp.expect("tcp");
    assert_eq!(t.flags, tcp_flags::SYN);
    assert_eq!(
        (t.seq, t.ack, t.window, t.payload_len),
        (1782953582, 0, 64240, 0)
    );
    assert_eq!(t.src.to_string(), "10.0.0.1:40000");
    assert_eq!(t.options.mss, Some(1460));
    assert_eq!(t.options.window_scale, Some(7));
    assert!(t.options.sack_permitted);
    assert_eq!(t.options.timestamps, Some((1, 0)));
    assert!(t.options.fast_open);

    let h = header(&d, "TCP");
    assert_eq!(h.layer, LayerKind::Transport);
    assert_eq!(h.range, 34..34 + 56);
    let flags = field(h, "Flags");
    assert_eq!(
        (flags.value.as_str(), flags.meaning.as_str()),
        ("0x002", "SYN")
    );
    let opts = field(h, "Options");
    let names: Vec<&str> = opts.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Maximum segment size",
            "SACK permitted",
            "Timestamps",
            "No-Operation",
            "Window scale",
            "TCP Fast Open cookie",
            "TCP Fast Open cookie (experimental)",
            "End of Option List"
        ]
    );
    assert_eq!(child(opts, "Maximum segment size").value, "1460");
    assert_eq!(child(opts, "Window scale").value, "7 (×128)");
    assert_eq!(child(opts, "Timestamps").value, "TSval 1, TSecr 0");
    assert_eq!(
        child(opts, "TCP Fast Open cookie").value,
        "0102030405060708"
    );
    assert_eq!(
        child(opts, "TCP Fast Open cookie (experimental)").value,
        "cookie request"
    );
    // Option ranges point at the option bytes.
    let ws = child(opts, "Window scale");
    assert_eq!(&pkt[ws.range.clone()], &[3, 3, 7]);

    let info = info_line(&s, None);
    assert_eq!(
        info,
        "Flags [S], seq 1782953582, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,wscale 7,tfo], length 0"
    );
    assert_eq!(proto_name(&s), "tcp");
}

#[test]
fn tcp_sack_blocks_unknown_kind_and_flags() {
    let mut o = vec![5, 18];
    o.extend_from_slice(&100u32.to_be_bytes());
    o.extend_from_slice(&200u32.to_be_bytes());
    o.extend_from_slice(&300u32.to_be_bytes());
    o.extend_from_slice(&450u32.to_be_bytes());
    o.extend_from_slice(&[99, 4, 0xab, 0xcd]); // unknown kind
    o.extend_from_slice(&[19, 18]); // MD5 signature
    o.extend_from_slice(&[0x11; 16]);
    let flags = tcp_flags::SYN | tcp_flags::ACK;
    let seg = tcp(443, 40000, 7, 1782953583, flags, &o, &[]);
    let pkt = eth(0x0800, &ipv4(6, &seg));
    let d = dec_full(LinkType::ETHERNET, &pkt);
    let h = header(&d, "TCP");
    let f = field(h, "Flags");
    assert_eq!(
        (f.value.as_str(), f.meaning.as_str()),
        ("0x012", "SYN, ACK")
    );
    let opts = field(h, "Options");
    let sack = child(opts, "SACK");
    assert_eq!(sack.value, "2 block(s)");
    let blocks: Vec<&str> = sack.children.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(blocks, ["100-200", "300-450"]);
    let unk = child(opts, "Unknown option");
    assert_eq!(unk.value, "kind 99: abcd");
    assert_eq!(child(opts, "MD5 signature").meaning, "RFC 2385");
    assert!(
        info_line(&d.summary, None).starts_with("Flags [S.], seq 7, ack 1782953583, win 64240")
    );
    assert_eq!(d.summary.tcp.map(|t| t.flags), Some(0x012));
}

#[test]
fn tcp_all_flag_bits_and_letters() {
    let seg = tcp(1, 2, 3, 4, 0x1ff, &[], &[]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    let f = field(header(&d, "TCP"), "Flags");
    assert_eq!(f.value, "0x1ff");
    assert_eq!(f.meaning, "FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE");
    assert!(info_line(&d.summary, None).starts_with("Flags [SFRPUEW.e]"));
}

#[test]
fn tcp_bad_option_length_is_an_issue() {
    let o = [2, 4, 5, 0xb4, 8, 1, 0, 0]; // TS with length 1
    let seg = tcp(1, 2, 3, 0, tcp_flags::SYN, &o, &[]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert!(d.summary.broken);
    let i = &d.issues[0];
    assert_eq!(
        (i.layer, i.kind),
        (LayerKind::Transport, IssueKind::Malformed)
    );
    assert_eq!(i.offset, 14 + 20 + 20 + 4);
    assert!(
        i.message.contains("option 8 has a bad length 1"),
        "{}",
        i.message
    );
    // What came before the bad option still counts.
    assert_eq!(d.summary.tcp.unwrap().options.mss, Some(1460));
}

#[test]
fn tcp_payload_length_comes_from_ip_when_capture_cut() {
    let payload = vec![b'x'; 1448];
    let seg = tcp(
        1,
        2,
        1000,
        5,
        tcp_flags::ACK | tcp_flags::PSH,
        &[],
        &payload,
    );
    let full = eth(0x0800, &ipv4(6, &seg));
    let cut = &full[..96];
    let d = dec(LinkType::ETHERNET, cut, full.len() as u32);
    let t = d.summary.tcp.expect("tcp");
    assert_eq!(t.payload_len, 1448);
    assert!(
        !d.summary.broken,
        "payload cut is not a broken header: {:?}",
        d.issues
    );
    assert_eq!(
        info_line(&d.summary, None),
        "Flags [P.], seq 1000:2448, ack 5, win 64240, length 1448"
    );
    let data = header(&d, "Data");
    assert_eq!(data.range, 54..96);
}

#[test]
fn tcp_header_cut_keeps_ports_and_says_where() {
    let seg = tcp(5555, 80, 1, 0, tcp_flags::SYN, &[], &[]);
    let full = eth(0x0800, &ipv4(6, &seg));
    let cut = &full[..14 + 20 + 12];
    let d = dec(LinkType::ETHERNET, cut, full.len() as u32);
    assert!(d.summary.broken);
    assert_eq!((d.summary.sport, d.summary.dport), (Some(5555), Some(80)));
    assert_eq!(d.summary.tcp, None);
    assert_eq!(d.summary.proto, Proto::Tcp);
    let i = d.issues.last().unwrap();
    assert_eq!(i.layer, LayerKind::Transport);
    assert_eq!(i.kind, IssueKind::Truncated);
    assert_eq!(i.offset, 34);
    assert_eq!(i.message, "TCP header cut by the capture: 12 of 20 bytes");
    // Every header before the break is there, and the partial TCP header too.
    assert_eq!(protos(&d), ["Ethernet II", "IPv4", "TCP"]);
    let h = header(&d, "TCP");
    assert_eq!(h.range, 34..46);
    assert!(h.fields.iter().any(|f| f.name == "Sequence number"));
    assert!(!h.fields.iter().any(|f| f.name == "Window"));
}

#[test]
fn tcp_options_cut_by_capture_still_give_a_segment() {
    let seg = tcp(1, 2, 3, 0, tcp_flags::SYN, &syn_options(), &[]);
    let full = eth(0x0800, &ipv4(6, &seg));
    let cut = &full[..14 + 20 + 20 + 8];
    let d = dec(LinkType::ETHERNET, cut, full.len() as u32);
    let t = d.summary.tcp.expect("fixed header captured");
    assert_eq!(t.options.mss, Some(1460));
    assert!(t.options.sack_permitted);
    assert_eq!(t.options.timestamps, None);
    assert!(d.summary.broken);
    assert!(
        d.issues
            .iter()
            .any(|i| i.message == "TCP options cut by the capture: 8 of 36 bytes"),
        "{:?}",
        d.issues
    );
}

#[test]
fn tcp_data_offset_below_five_is_malformed() {
    let mut seg = tcp(1, 2, 3, 0, tcp_flags::SYN, &[], &[]);
    seg[12] = 0x30;
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert!(d.summary.broken);
    assert_eq!(d.summary.tcp, None);
    assert!(d.issues[0].message.contains("header length 12"));
}

#[test]
fn tcp_built_with_etherparse_agrees() {
    use etherparse::PacketBuilder;
    let b = PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv6(v6(1), v6(2), 47)
        .tcp(8080, 51000, 99, 1024)
        .syn()
        .ack(1234)
        .options(&[
            etherparse::TcpOptionElement::MaximumSegmentSize(1220),
            etherparse::TcpOptionElement::WindowScale(14),
        ])
        .unwrap();
    let mut v = Vec::new();
    b.write(&mut v, b"hello").unwrap();
    let d = dec_full(LinkType::ETHERNET, &v);
    let t = d.summary.tcp.unwrap();
    assert_eq!((t.seq, t.ack, t.window, t.payload_len), (99, 1234, 1024, 5));
    assert_eq!(t.flags, 0x012);
    assert_eq!(t.options.mss, Some(1220));
    assert_eq!(t.options.window_scale, Some(14));
    assert_eq!(t.src.to_string(), "[2001:db8::1]:8080");
    assert_eq!(d.summary.src, ip("2001:db8::1"));
    let ws = child(field(header(&d, "TCP"), "Options"), "Window scale");
    assert_eq!(ws.value, "14 (×16384)");
}

// ---------------------------------------------------------------------------------------
// Link types

#[test]
fn ethernet_padding_is_a_trailer() {
    let pkt = eth(0x0800, &ipv4(17, &udp(1, 2, b"hi")));
    let mut padded = pkt.clone();
    padded.resize(60, 0);
    let d = dec_full(LinkType::ETHERNET, &padded);
    let t = header(&d, "Ethernet padding");
    assert_eq!(t.range, pkt.len()..60);
    assert_eq!(t.layer, LayerKind::Link);
    assert_eq!(d.summary.udp_len, Some(2));
    assert_eq!(info_line(&d.summary, None), "UDP, length 2");
}

#[test]
fn vlan_and_qinq_ids_outermost_first() {
    // 802.1ad outer 200, 802.1Q inner 2001, then ARP.
    let mut arp = vec![0, 1, 8, 0, 6, 4, 0, 1];
    arp.extend_from_slice(&MAC_A);
    arp.extend_from_slice(&IP_A);
    arp.extend_from_slice(&[0; 6]);
    arp.extend_from_slice(&IP_B);
    let mut p = vec![0x00, 200, 0x81, 0x00, 0x27, 0xd1, 0x08, 0x06];
    p.extend_from_slice(&arp);
    let pkt = eth(0x88a8, &p);
    let d = dec_full(LinkType::ETHERNET, &pkt);
    assert_eq!(d.summary.vlans(), [200, 2001]);
    assert_eq!(
        protos(&d),
        ["Ethernet II", "802.1ad QinQ", "802.1Q VLAN", "ARP request"]
    );
    assert_eq!(header(&d, "802.1ad QinQ").range, 14..18);
    assert_eq!(field(header(&d, "802.1Q VLAN"), "VLAN ID").value, "2001");
    assert_eq!(d.summary.proto, Proto::Arp);
    assert_eq!(
        (d.summary.src, d.summary.dst),
        (ip("10.0.0.1"), ip("10.0.0.2"))
    );
    assert_eq!(
        info_line(&d.summary, None),
        "who-has 10.0.0.2 tell 10.0.0.1"
    );

    // Old-style 0x9100 stack of three: the first two are kept.
    let mut p = vec![0, 10, 0x91, 0x00, 0, 20, 0x81, 0x00, 0, 30, 0x08, 0x00];
    p.extend_from_slice(&ipv4(17, &udp(1, 2, b"")));
    let d = dec_full(LinkType::ETHERNET, &eth(0x9100, &p));
    assert_eq!(d.summary.vlans(), [10, 20]);
    assert_eq!(d.summary.proto, Proto::Udp);
}

#[test]
fn vlan_with_etherparse_double_vlan() {
    use etherparse::{PacketBuilder, VlanId};
    let b = PacketBuilder::ethernet2(MAC_A, MAC_B)
        .double_vlan(
            VlanId::try_new(100).unwrap(),
            VlanId::try_new(4000).unwrap(),
        )
        .ipv4(IP_A, IP_B, 9)
        .udp(53, 5000);
    let mut v = Vec::new();
    b.write(&mut v, &[0; 4]).unwrap();
    let d = dec_full(LinkType::ETHERNET, &v);
    assert_eq!(d.summary.vlans(), [100, 4000]);
    assert_eq!(d.summary.sport, Some(53));
}

#[test]
fn linux_sll_with_dns_query() {
    use etherparse::{LinuxSllPacketType, PacketBuilder};
    let q = dns_msg(0x1234, 0x0100, &qname(&[b"example", b"com"]), &[]);
    let b = PacketBuilder::linux_sll(LinuxSllPacketType::OUTGOING, 6, [2, 0, 0, 0, 0, 1, 0, 0])
        .ipv4(IP_A, IP_B, 64)
        .udp(40000, 53);
    let mut v = Vec::new();
    b.write(&mut v, &q).unwrap();
    let d = dec_full(LinkType::LINUX_SLL, &v);
    assert_eq!(
        protos(&d),
        ["Linux cooked capture", "IPv4", "UDP", "DNS query"]
    );
    let sll = header(&d, "Linux cooked capture");
    assert_eq!(field(sll, "Packet type").meaning, "sent by us");
    assert_eq!(field(sll, "Source address").value, "02:00:00:00:00:01");
    assert_eq!(d.summary.app, Some(AppProto::Dns));
    assert_eq!(d.app_summary.as_deref(), Some("A? example.com."));
    assert_eq!(
        info_line(&d.summary, d.app_summary.as_deref()),
        "A? example.com."
    );
    assert_eq!(protocol_column(&d.summary), "DNS");
}

#[test]
fn linux_sll2_with_ipv6_tcp() {
    let mut v = vec![0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6];
    v.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0, 0]);
    v.extend_from_slice(&ipv6(6, None, &tcp(1, 22, 5, 0, tcp_flags::SYN, &[], &[])));
    let d = dec_full(LinkType::LINUX_SLL2, &v);
    assert_eq!(protos(&d), ["Linux cooked capture v2", "IPv6", "TCP"]);
    let h = header(&d, "Linux cooked capture v2");
    assert_eq!(field(h, "Interface index").value, "3");
    assert_eq!(field(h, "Protocol").meaning, "IPv6");
    assert_eq!(d.summary.dport, Some(22));
    assert_eq!(d.summary.src, ip("2001:db8::1"));
}

#[test]
fn bsd_null_either_byte_order_and_loop() {
    let p4 = ipv4(17, &udp(1, 2, b""));
    let p6 = ipv6(17, None, &udp(3, 4, b""));
    for (hdr, link, payload, src) in [
        (2u32.to_le_bytes(), LinkType::NULL, &p4, "10.0.0.1"),
        (2u32.to_be_bytes(), LinkType::NULL, &p4, "10.0.0.1"),
        (30u32.to_le_bytes(), LinkType::NULL, &p6, "2001:db8::1"),
        (24u32.to_be_bytes(), LinkType::NULL, &p6, "2001:db8::1"),
        (28u32.to_le_bytes(), LinkType::NULL, &p6, "2001:db8::1"),
        (10u32.to_be_bytes(), LinkType::LOOP, &p6, "2001:db8::1"),
        (2u32.to_be_bytes(), LinkType::LOOP, &p4, "10.0.0.1"),
    ] {
        let mut v = hdr.to_vec();
        v.extend_from_slice(payload);
        let d = dec_full(link, &v);
        assert_eq!(d.summary.src, ip(src), "{hdr:?} {link:?}");
        assert_eq!(d.summary.proto, Proto::Udp);
        assert_eq!(header(&d, "BSD loopback").range, 0..4);
    }
    let mut v = 99u32.to_le_bytes().to_vec();
    v.extend_from_slice(&p4);
    let d = dec_full(LinkType::NULL, &v);
    assert_eq!(d.summary.src, None);
    assert!(d.issues[0].message.contains("address family 99"));
}

#[test]
fn raw_ip_link_types_pick_by_version() {
    let p4 = ipv4(6, &tcp(1, 2, 3, 0, tcp_flags::SYN, &[], &[]));
    let p6 = ipv6(6, None, &tcp(1, 2, 3, 0, tcp_flags::SYN, &[], &[]));
    for link in [
        LinkType::RAW,
        LinkType::RAW_BSD12,
        LinkType::RAW_BSD14,
        LinkType::IPV4,
    ] {
        assert_eq!(dec_full(link, &p4).summary.src, ip("10.0.0.1"), "{link:?}");
        assert_eq!(
            dec_full(link, &p6).summary.src,
            ip("2001:db8::1"),
            "{link:?}"
        );
    }
    assert_eq!(dec_full(LinkType::IPV6, &p6).summary.src, ip("2001:db8::1"));
    // LINKTYPE_IPV6 promises IPv6: an IPv4 packet there is malformed (as tshark says).
    let d = dec_full(LinkType::IPV6, &p4);
    assert_eq!(d.summary.src, None);
    assert!(d.summary.broken);
    assert_eq!(d.issues[0].message, "IPv6 header carries version 4");
    // Version 5 on a raw link.
    let mut bad = p4.clone();
    bad[0] = 0x55;
    assert!(dec_full(LinkType::RAW, &bad).summary.broken);
}

#[test]
fn unknown_link_type_is_raw_bytes_not_an_error() {
    let d = dec_full(LinkType(147), &[1, 2, 3, 4]);
    assert_eq!(protos(&d), ["Unknown link type 147"]);
    assert_eq!(d.headers[0].range, 0..4);
    assert_eq!(d.headers[0].layer, LayerKind::Link);
    assert_eq!(field(&d.headers[0], "Data").value, "4 bytes");
    // Not an error, but said (issue 11): one "not decoded" issue naming the link type.
    assert_eq!(d.issues.len(), 1, "{:?}", d.issues);
    assert_eq!(d.issues[0].kind, IssueKind::Unsupported);
    assert!(!d.summary.broken);
    assert_eq!(d.summary.proto, Proto::Unknown);
    assert_eq!(proto_name(&d.summary), "unknown");
}

#[test]
fn llc_snap_and_non_ip_ethertypes_are_named() {
    // 802.3 + LLC STP.
    let mut p = vec![0x42, 0x42, 0x03];
    p.extend_from_slice(&[0; 35]);
    let pkt = eth(p.len() as u16, &p);
    let d = dec_full(LinkType::ETHERNET, &pkt);
    assert_eq!(d.summary.proto, Proto::Llc(0x42));
    assert_eq!(proto_name(&d.summary), "stp");
    assert_eq!(protos(&d), ["IEEE 802.3", "802.2 LLC", "Data"]);
    assert_eq!(d.issues[0].kind, IssueKind::Unsupported);
    assert!(!d.summary.broken);
    // SNAP Cisco CDP.
    let p = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 1, 2, 3];
    let d = dec_full(LinkType::ETHERNET, &eth(p.len() as u16, &p));
    assert_eq!(proto_name(&d.summary), "cdp");
    // SNAP with OUI 0 carries an EtherType.
    let mut p = vec![0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
    p.extend_from_slice(&ipv4(17, &udp(7, 8, b"")));
    let d = dec_full(LinkType::ETHERNET, &eth(p.len() as u16, &p));
    assert_eq!(d.summary.sport, Some(7));
    // LLDP and an unnamed EtherType.
    let d = dec_full(LinkType::ETHERNET, &eth(0x88cc, &[0; 30]));
    assert_eq!(proto_name(&d.summary), "lldp");
    assert_eq!(protocol_column(&d.summary), "LLDP");
    assert_eq!(
        d.issues[0].message,
        "EtherType 0x88cc (LLDP) is not decoded by synack"
    );
    let d = dec_full(LinkType::ETHERNET, &eth(0x1234 + 0x600, &[0; 30]));
    assert_eq!(proto_name(&d.summary), "ethertype-0x1834");
}

// ---------------------------------------------------------------------------------------
// Internet layer

#[test]
fn ipv4_fields_and_options() {
    // Record route (3 slots) + router alert.
    let mut opts = vec![7, 11, 4, 1, 2, 3, 4, 0, 0, 0, 0];
    opts.extend_from_slice(&[148, 4, 0, 0]);
    opts.push(0);
    let pkt = eth(
        0x0800,
        &ipv4_with(17, &opts, 0x4000, None, &udp(1, 2, b"x")),
    );
    let d = dec_full(LinkType::ETHERNET, &pkt);
    let h = header(&d, "IPv4");
    assert_eq!(h.range, 14..14 + 36);
    assert_eq!(field(h, "Header length").value, "36 bytes");
    assert_eq!(field(h, "Flags").meaning, "Don't Fragment");
    assert_eq!(field(h, "Protocol").meaning, "UDP");
    assert_eq!(field(h, "Time to live").value, "64");
    assert_eq!(field(h, "Source").value, "10.0.0.1");
    let o = field(h, "Options");
    assert_eq!(child(o, "Record Route").value, "1.2.3.4, 0.0.0.0");
    assert_eq!(child(o, "Router Alert").value, "0");
    assert_eq!(d.summary.sport, Some(1));
    assert!(!d.summary.broken);
}

#[test]
fn ipv4_fragments() {
    let seg = udp(1000, 2000, &[0; 32]);
    // First fragment: the transport header is here.
    let first = eth(0x0800, &ipv4_with(17, &[], 0x2000, None, &seg));
    let d = dec_full(LinkType::ETHERNET, &first);
    assert_eq!(d.summary.sport, Some(1000));
    assert_eq!(
        field(header(&d, "IPv4"), "Fragment offset").meaning,
        "first fragment"
    );
    // Later fragment: no transport header, a note says why.
    let later = eth(0x0800, &ipv4_with(17, &[], 0x0003, None, &[0; 24]));
    let d = dec_full(LinkType::ETHERNET, &later);
    assert_eq!(d.summary.sport, None);
    assert_eq!(d.summary.proto, Proto::Ip(17));
    assert!(!d.summary.broken);
    let i = &d.issues[0];
    assert_eq!(
        (i.layer, i.kind, i.offset),
        (LayerKind::Internet, IssueKind::Note, 20)
    );
    assert!(
        i.message.starts_with("Fragment at offset 24"),
        "{}",
        i.message
    );
    assert_eq!(protos(&d), ["Ethernet II", "IPv4", "Data"]);
}

#[test]
fn ipv4_length_errors() {
    // Total length larger than the frame: decoded to the frame's end, marked.
    let seg = tcp(1, 2, 3, 0, tcp_flags::ACK, &[], b"0123456789");
    let pkt = eth(0x0800, &ipv4_with(6, &[], 0x4000, Some(80), &seg));
    let d = dec_full(LinkType::ETHERNET, &pkt);
    assert!(d.summary.broken);
    assert_eq!(
        d.issues[0].message,
        "IPv4 total length 80 exceeds the 50 bytes left in the packet"
    );
    assert_eq!(d.issues[0].offset, 16);
    assert_eq!(d.summary.tcp.unwrap().payload_len, 10);
    // Total length below the header: stop, no addresses (as tshark).
    let pkt = eth(0x0800, &ipv4_with(6, &[], 0x4000, Some(10), &seg));
    let d = dec_full(LinkType::ETHERNET, &pkt);
    assert_eq!(d.summary.src, None);
    assert!(
        d.issues[0]
            .message
            .contains("total length 10 is shorter than its 20-byte header")
    );
    // IHL below 5.
    let mut p = ipv4(6, &seg);
    p[0] = 0x44;
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &p));
    assert_eq!(d.summary.src, None);
    assert!(d.summary.broken);
    // Total length 0: segmentation offload, the frame gives the length.
    let pkt = eth(0x0800, &ipv4_with(6, &[], 0x4000, Some(0), &seg));
    let d = dec_full(LinkType::ETHERNET, &pkt);
    assert_eq!(d.summary.tcp.unwrap().payload_len, 10);
    assert!(!d.summary.broken);
    assert_eq!(d.issues[0].kind, IssueKind::Note);
    // Frame shorter than an IPv4 header (not a capture cut).
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &[0x45, 0, 0, 20, 0, 0]));
    assert_eq!(
        d.issues[0].message,
        "IPv4 header needs 20 bytes but the packet has only 6 left"
    );
}

#[test]
fn ipv6_extension_headers() {
    let u = udp(5000, 53, b"");
    // Hop-by-hop (PadN) → destination options → routing (type 4, one segment) → fragment
    // (offset 0, more) → UDP.
    let mut p = vec![60, 0, 1, 4, 0, 0, 0, 0];
    p.extend_from_slice(&[43, 0, 1, 4, 0, 0, 0, 0]);
    p.extend_from_slice(&[44, 2, 4, 0, 0, 0, 0, 0]);
    p.extend_from_slice(&v6(9));
    p.extend_from_slice(&[17, 0, 0, 1, 0, 0, 0, 7]);
    p.extend_from_slice(&u);
    let pkt = eth(0x86dd, &ipv6(0, None, &p));
    let d = dec_full(LinkType::ETHERNET, &pkt);
    assert_eq!(
        protos(&d),
        [
            "Ethernet II",
            "IPv6",
            "IPv6 Hop-by-Hop Options",
            "IPv6 Destination Options",
            "IPv6 Routing",
            "IPv6 Fragment",
            "UDP"
        ]
    );
    assert_eq!(d.summary.sport, Some(5000));
    assert_eq!(d.summary.udp_len, Some(0));
    let r = header(&d, "IPv6 Routing");
    assert_eq!(field(r, "Routing type").meaning, "segment routing (SRH)");
    assert_eq!(field(r, "Address 0").value, "2001:db8::9");
    let f = header(&d, "IPv6 Fragment");
    assert_eq!(field(f, "Identification").value, "0x00000007");
    assert!(!d.summary.broken, "{:?}", d.issues);

    // A later fragment: no transport.
    let mut p = vec![17, 0, 0, 0x08, 0, 0, 0, 7];
    p.extend_from_slice(&[0; 16]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(44, None, &p)));
    assert_eq!(d.summary.sport, None);
    assert_eq!(d.summary.proto, Proto::Ip(17));
    assert!(d.issues[0].message.starts_with("Fragment at offset 8"));
}

#[test]
fn ipv6_jumbogram_length() {
    let seg = tcp(1, 2, 3, 0, tcp_flags::ACK, &[], &[7; 100]);
    // Hop-by-hop with the jumbo payload option: 8 (HBH) + 20 + 100 = 128.
    let mut p = vec![6, 0, 0xc2, 4];
    p.extend_from_slice(&128u32.to_be_bytes());
    p.extend_from_slice(&seg);
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(0, Some(0), &p)));
    assert_eq!(d.summary.tcp.unwrap().payload_len, 100);
    assert!(d.issues.is_empty(), "{:?}", d.issues);
    let hbh = header(&d, "IPv6 Hop-by-Hop Options");
    assert_eq!(field(hbh, "Jumbo Payload").value, "128 bytes");
    // Payload length 0 without jumbo: the frame gives the length (BIG TCP), with a note.
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(6, Some(0), &seg)));
    assert_eq!(d.summary.tcp.unwrap().payload_len, 100);
    assert_eq!(d.issues[0].kind, IssueKind::Note);
    // Payload length beyond the frame.
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(6, Some(500), &seg)));
    assert!(d.summary.broken);
    assert!(
        d.issues[0]
            .message
            .starts_with("IPv6 payload length 500 exceeds the 120 bytes")
    );
    assert_eq!(d.summary.tcp.unwrap().payload_len, 100);
}

#[test]
fn ipv6_extension_chain_is_bounded() {
    let mut p = Vec::new();
    for _ in 0..40 {
        p.extend_from_slice(&[60, 0, 1, 4, 0, 0, 0, 0]);
    }
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(60, None, &p)));
    assert!(
        d.issues
            .iter()
            .any(|i| i.message.starts_with("Too many IPv6 extension headers"))
    );
}

#[test]
fn arp_request_and_reply() {
    let mut reply = vec![0, 1, 8, 0, 6, 4, 0, 2];
    reply.extend_from_slice(&MAC_B);
    reply.extend_from_slice(&IP_B);
    reply.extend_from_slice(&MAC_A);
    reply.extend_from_slice(&IP_A);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0806, &reply));
    assert_eq!(d.summary.proto, Proto::Arp);
    assert_eq!(d.summary.src, ip("10.0.0.2"));
    assert_eq!(
        info_line(&d.summary, None),
        "10.0.0.2 is-at 02:00:00:00:00:0b"
    );
    let h = header(&d, "ARP reply");
    assert_eq!(
        field(h, "Sender hardware address").value,
        "02:00:00:00:00:0b"
    );
    assert_eq!(field(h, "Target protocol address").value, "10.0.0.1");
    assert_eq!(field(h, "Operation").meaning, "reply");
    assert_eq!(proto_name(&d.summary), "arp");
    // Cut inside the addresses.
    let d = dec(LinkType::ETHERNET, &eth(0x0806, &reply)[..14 + 12], 60);
    assert!(d.summary.broken);
    assert_eq!(d.summary.src, None);
    assert_eq!(
        d.issues[0].message,
        "ARP addresses cut by the capture: 12 of 28 bytes"
    );
}

// ---------------------------------------------------------------------------------------
// Transport: UDP, ICMP, ICMPv6

#[test]
fn udp_lengths() {
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(9, 10, b"hello"))),
    );
    assert_eq!(d.summary.udp_len, Some(5));
    assert_eq!(field(header(&d, "UDP"), "Length").value, "13");
    let mut u = udp(9, 10, b"hello");
    u[5] = 4;
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(17, &u)));
    assert!(d.summary.broken);
    assert_eq!(d.summary.sport, Some(9));
    assert_eq!(
        d.issues[0].message,
        "UDP length 4 is shorter than its 8-byte header"
    );
    u[5] = 200;
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(17, &u)));
    assert_eq!(
        d.issues[0].message,
        "UDP length 200 exceeds the 13 bytes left in the packet"
    );
}

#[test]
fn icmp_echo_and_unreachable_with_quote() {
    use etherparse::PacketBuilder;
    let mut v = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4(IP_A, IP_B, 64)
        .icmpv4_echo_request(1, 2)
        .write(&mut v, &[0; 8])
        .unwrap();
    let d = dec_full(LinkType::ETHERNET, &v);
    assert_eq!(d.summary.proto, Proto::Icmp);
    assert_eq!(d.summary.icmp, Some((8, 0)));
    assert_eq!(info_line(&d.summary, None), "echo request, id 1, seq 2");
    assert_eq!(
        field(header(&d, "ICMP echo request"), "Identifier").value,
        "1"
    );

    // Port unreachable quoting an IPv4/UDP packet.
    let quoted = ipv4(17, &udp(33434, 33435, &[0; 4]));
    let mut icmp = vec![3, 3, 0, 0, 0, 0, 0, 0];
    icmp.extend_from_slice(&quoted[..28]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(1, &icmp)));
    assert_eq!(d.summary.icmp, Some((3, 3)));
    assert_eq!(d.summary.sport, None, "quoted ports are not this packet's");
    assert_eq!(
        protos(&d),
        [
            "Ethernet II",
            "IPv4",
            "ICMP destination unreachable",
            "Quoted IPv4",
            "Quoted UDP"
        ]
    );
    assert_eq!(
        field(header(&d, "Quoted UDP"), "Destination port").value,
        "33435"
    );
    assert_eq!(
        info_line(&d.summary, None),
        "destination unreachable (port unreachable)"
    );
    assert!(!d.summary.broken);
    assert_eq!(proto_name(&d.summary), "icmp");
}

#[test]
fn icmpv6_echo_and_neighbor_discovery() {
    let mut v = Vec::new();
    etherparse::PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv6(v6(1), v6(2), 64)
        .icmpv6_echo_reply(7, 9)
        .write(&mut v, b"ping")
        .unwrap();
    let d = dec_full(LinkType::ETHERNET, &v);
    assert_eq!(d.summary.proto, Proto::Icmpv6);
    assert_eq!(info_line(&d.summary, None), "echo reply, id 7, seq 9");
    assert_eq!(protocol_column(&d.summary), "ICMPv6");

    // Neighbor solicitation with a source link-layer address option.
    let mut ns = vec![135, 0, 0, 0, 0, 0, 0, 0];
    ns.extend_from_slice(&v6(2));
    ns.extend_from_slice(&[1, 1]);
    ns.extend_from_slice(&MAC_A);
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(58, None, &ns)));
    let h = header(&d, "ICMPv6 neighbor solicitation");
    assert_eq!(field(h, "Target").value, "2001:db8::2");
    assert_eq!(
        field(h, "Source link-layer address").value,
        "02:00:00:00:00:0a"
    );
    assert_eq!(info_line(&d.summary, None), "neighbor solicitation");

    // Router advertisement.
    let mut ra = vec![134, 0, 0, 0, 64, 0xc0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0];
    ra.extend_from_slice(&[5, 1, 0, 0, 0, 0, 0x05, 0xdc]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(58, None, &ra)));
    let h = header(&d, "ICMPv6 router advertisement");
    assert_eq!(field(h, "Flags").meaning, "Managed, Other");
    assert_eq!(field(h, "MTU").value, "1500");
    // Destination unreachable quoting IPv6/TCP.
    let q = ipv6(6, None, &tcp(1, 2, 3, 0, 2, &[], &[]));
    let mut un = vec![1, 4, 0, 0, 0, 0, 0, 0];
    un.extend_from_slice(&q[..48]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x86dd, &ipv6(58, None, &un)));
    assert_eq!(header(&d, "Quoted TCP").range.len(), 8);
    assert_eq!(d.summary.tcp, None);
}

// ---------------------------------------------------------------------------------------
// Tunnels

#[test]
fn gre_carries_ip() {
    let inner = ipv4(6, &tcp(1, 2, 3, 0, tcp_flags::SYN, &[], &[]));
    let mut gre = vec![0x20, 0, 0x08, 0x00, 0, 0, 0, 42]; // key 42
    gre.extend_from_slice(&inner);
    let mut outer = ipv4(47, &gre);
    outer[12] = 192; // outer source 192.0.0.1
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &outer));
    assert_eq!(protos(&d), ["Ethernet II", "IPv4", "GRE", "IPv4", "TCP"]);
    assert_eq!(d.summary.src, ip("192.0.0.1"), "outermost IP");
    assert_eq!(
        d.summary.tcp.unwrap().src.ip(),
        ip("10.0.0.1").unwrap(),
        "innermost IP"
    );
    assert_eq!(field(header(&d, "GRE"), "Key").meaning, "42");
    assert_eq!(d.summary.proto, Proto::Tcp);
}

#[test]
fn vxlan_keeps_outer_ports_and_inner_tcp() {
    let inner = eth(0x0800, &ipv4(6, &tcp(7, 8, 9, 0, tcp_flags::SYN, &[], &[])));
    let mut vx = vec![0x08, 0, 0, 0, 0, 0, 100, 0];
    vx.extend_from_slice(&inner);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(50000, 4789, &vx))),
    );
    assert_eq!(d.summary.proto, Proto::Udp);
    assert_eq!(d.summary.dport, Some(4789));
    assert_eq!(d.summary.tcp.unwrap().dst.port(), 8);
    assert_eq!(field(header(&d, "VXLAN"), "VNI").value, "100");
    assert!(info_line(&d.summary, None).contains("> TCP 10.0.0.1:7 > 10.0.0.2:8 Flags [S]"));
}

#[test]
fn erspan_type_ii_and_mpls() {
    let inner = eth(0x0800, &ipv4(17, &udp(1, 2, b"")));
    let mut gre = vec![0x10, 0, 0x88, 0xbe, 0, 0, 0, 1]; // sequence present → type II
    gre.extend_from_slice(&[0x10, 0x05, 0x00, 0x07, 0, 0, 0, 0]);
    gre.extend_from_slice(&inner);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(47, &gre)));
    assert!(protos(&d).contains(&"ERSPAN type II"), "{:?}", protos(&d));
    assert_eq!(d.summary.sport, Some(1));

    let mut m = vec![0, 0, 0x10, 0x40, 0, 0, 0x21, 0x40]; // two labels, bottom on the second
    m.extend_from_slice(&ipv4(17, &udp(3, 4, b"")));
    let d = dec_full(LinkType::ETHERNET, &eth(0x8847, &m));
    let labels: Vec<&str> = header(&d, "MPLS")
        .fields
        .iter()
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(labels, ["1", "2"]);
    assert_eq!(d.summary.sport, Some(3));
}

#[test]
fn nesting_is_bounded() {
    // IPv4-in-IPv4 a hundred times over.
    let mut p = ipv4(17, &udp(1, 2, b""));
    for _ in 0..100 {
        p = ipv4(4, &p);
    }
    let d = dec_full(LinkType::RAW, &p);
    assert!(
        d.issues
            .iter()
            .any(|i| i.message.starts_with("Tunnels nested too deeply"))
    );
    assert_eq!(d.summary.src, ip("10.0.0.1"));
}

// ---------------------------------------------------------------------------------------
// Application layer

#[test]
fn http_request_and_response_any_port() {
    let req = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n\r\n";
    let seg = tcp(40000, 8080, 1, 1, tcp_flags::ACK | tcp_flags::PSH, &[], req);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert_eq!(d.summary.app, Some(AppProto::Http));
    assert_eq!(d.app_summary.as_deref(), Some("GET /index.html HTTP/1.1"));
    let h = header(&d, "HTTP request");
    assert_eq!(h.layer, LayerKind::Application);
    let line = field(h, "Request line");
    assert_eq!(child(line, "Method").value, "GET");
    assert_eq!(child(line, "Target").value, "/index.html");
    assert_eq!(
        &seg[20..23],
        &d_slice(
            &eth(0x0800, &ipv4(6, &seg)),
            child(line, "Method").range.clone()
        )
    );
    assert_eq!(field(h, "Host").value, "example.com");
    assert_eq!(protocol_column(&d.summary), "HTTP");
    assert!(
        info_line(&d.summary, d.app_summary.as_deref())
            .ends_with("length 62: GET /index.html HTTP/1.1"),
        "{}",
        info_line(&d.summary, d.app_summary.as_deref())
    );

    let resp = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    let seg = tcp(80, 40000, 1, 1, tcp_flags::ACK, &[], resp);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    let h = header(&d, "HTTP response");
    assert_eq!(
        child(field(h, "Status line"), "Status code").meaning,
        "client error"
    );
    assert_eq!(d.app_summary.as_deref(), Some("HTTP/1.1 404 Not Found"));
}

fn d_slice(pkt: &[u8], r: std::ops::Range<usize>) -> Vec<u8> {
    pkt[r].to_vec()
}

#[test]
fn dns_response_with_compression_and_tcp_framing() {
    let name = qname(&[b"www", b"example", b"com"]);
    // Answer 1: pointer to the question name (offset 12), CNAME → "cdn" + pointer to
    // "example.com" (offset 16). Answer 2: A record for the CNAME target.
    let mut a1 = vec![
        0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 6, 3, b'c', b'd', b'n', 0xc0, 16,
    ];
    let cname_at = 12 + name.len() + 4 + 12;
    let a2 = [
        &[0xc0, cname_at as u8][..],
        &[0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34][..],
    ]
    .concat();
    let msg = dns_msg(0xbeef, 0x8180, &name, &[&a1, &a2]);
    let pkt = eth(0x0800, &ipv4(17, &udp(53, 40000, &msg)));
    let d = dec_full(LinkType::ETHERNET, &pkt);
    assert_eq!(
        d.app_summary.as_deref(),
        Some("A? www.example.com. 2/0/0 CNAME cdn.example.com., A 93.184.216.34")
    );
    let h = header(&d, "DNS response");
    let answers = field(h, "Answers");
    assert_eq!(answers.children.len(), 2);
    assert_eq!(
        answers.children[1].value,
        "cdn.example.com. A 93.184.216.34"
    );
    assert_eq!(answers.children[1].meaning, "TTL 60");
    assert!(d.issues.is_empty(), "{:?}", d.issues);

    // Same message over TCP with its 2-byte length.
    let mut framed = (msg.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(&msg);
    let seg = tcp(53, 40000, 1, 1, tcp_flags::ACK, &[], &framed);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert_eq!(d.summary.app, Some(AppProto::Dns));
    assert!(
        d.app_summary
            .as_deref()
            .unwrap()
            .starts_with("A? www.example.com. 2/0/0")
    );
    // Only part of the message in this segment: a note, not a break.
    let seg = tcp(53, 40000, 1, 1, tcp_flags::ACK, &[], &framed[..30]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert!(!d.summary.broken);
    assert_eq!(d.issues[0].kind, IssueKind::Note);
    assert!(
        d.issues[0]
            .message
            .starts_with("DNS message continues in a later segment")
    );

    // The reserved bytes of a1 are untouched; silence the unused-mut lint honestly.
    a1.clear();
}

#[test]
fn dns_pointer_loops_are_caught() {
    // The question name is a pointer to itself.
    let msg = dns_msg(1, 0x0100, &[0xc0, 12], &[]);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(40000, 53, &msg))),
    );
    assert!(d.summary.broken);
    assert_eq!(d.issues[0].layer, LayerKind::Application);
    assert!(
        d.issues[0].message.contains("pointer at message byte 12"),
        "{}",
        d.issues[0].message
    );
    assert_eq!(d.issues[0].offset, 14 + 20 + 8 + 12);
    // Two names pointing at each other through a forward pointer.
    let mut msg = dns_msg(1, 0x8180, &[1, b'a', 0xc0, 20], &[]);
    msg.extend_from_slice(&[0xc0, 12]);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(53, 1, &msg))),
    );
    assert!(d.summary.broken);
    // An over-long name.
    let labels: Vec<&[u8]> = vec![&[b'x'; 63]; 5];
    let msg = dns_msg(1, 0x0100, &qname(&labels), &[]);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(1, 5353, &msg))),
    );
    assert_eq!(d.issues[0].message, "DNS name longer than 255 bytes");
}

fn client_hello(sni: &[u8]) -> Vec<u8> {
    let mut sni_ext = Vec::new();
    sni_ext.extend_from_slice(&((sni.len() + 3) as u16).to_be_bytes());
    sni_ext.push(0);
    sni_ext.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    sni_ext.extend_from_slice(sni);
    let mut exts = vec![0x0a, 0x0a, 0, 0]; // GREASE, empty
    exts.extend_from_slice(&[0, 0]);
    exts.extend_from_slice(&(sni_ext.len() as u16).to_be_bytes());
    exts.extend_from_slice(&sni_ext);
    exts.extend_from_slice(&[0, 16, 0, 5, 0, 3, 2, b'h', b'2']); // ALPN h2
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x11; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0, 2, 0x13, 0x01]); // one cipher suite
    body.extend_from_slice(&[1, 0]); // null compression
    body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    body.extend_from_slice(&exts);
    let mut hs = vec![1];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut rec = vec![22, 3, 1];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

#[test]
fn tls_client_hello_sni() {
    let ch = client_hello(b"example.com");
    let seg = tcp(40000, 8443, 1, 1, tcp_flags::ACK | tcp_flags::PSH, &[], &ch);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert_eq!(d.summary.app, Some(AppProto::Tls));
    assert_eq!(
        d.app_summary.as_deref(),
        Some("ClientHello SNI example.com")
    );
    let h = header(&d, "TLS ClientHello");
    let rec = field(h, "Record");
    assert_eq!(child(rec, "Server name").value, "example.com");
    let exts = child(rec, "Extensions");
    let alpn = exts
        .children
        .iter()
        .find(|e| e.name == "application_layer_protocol_negotiation")
        .unwrap();
    assert_eq!(alpn.value, "h2");
    assert!(d.issues.is_empty(), "{:?}", d.issues);
    assert_eq!(protocol_column(&d.summary), "TLS");
    // A hello cut by the capture.
    let full = eth(0x0800, &ipv4(6, &seg));
    let d = dec(LinkType::ETHERNET, &full[..100], full.len() as u32);
    assert!(d.summary.broken);
    assert_eq!(d.issues[0].kind, IssueKind::Truncated);
    // A hello whose extension list lies about its length.
    let mut bad = ch.clone();
    let ext_len_at = 5 + 4 + 2 + 32 + 1 + 4 + 2;
    bad[ext_len_at + 1] = bad[ext_len_at + 1].wrapping_sub(3);
    let seg = tcp(40000, 443, 1, 1, tcp_flags::ACK, &[], &bad);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert!(d.summary.broken, "{:?}", d.issues);
    assert_eq!(d.issues[0].kind, IssueKind::Malformed);
}

#[test]
fn packet_text_is_sanitized() {
    // HTTP request line with an escape sequence.
    let req = b"GET /\x1b]0;pwned\x07\x1b[2J HTTP/1.1\r\nHost: \x1b[31mred\r\n\r\n";
    let seg = tcp(1, 80, 1, 1, tcp_flags::ACK, &[], req);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    let a = d.app_summary.clone().unwrap();
    assert!(a.contains("\\x1b]0;pwned\\x07"), "{a}");
    let info = info_line(&d.summary, d.app_summary.as_deref());
    assert!(!info.chars().any(char::is_control), "{info}");
    // Even if a caller passes raw text to info_line.
    let raw = info_line(&d.summary, Some("evil\x1b[2J"));
    assert!(!raw.chars().any(char::is_control), "{raw}");
    // SNI.
    let ch = client_hello(b"ex\x1b[2Jample.com\x9b");
    let seg = tcp(1, 443, 1, 1, tcp_flags::ACK, &[], &ch);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    let a = d.app_summary.unwrap();
    assert_eq!(a, "ClientHello SNI ex\\x1b[2Jample.com\\x9b");
    // DNS label.
    let msg = dns_msg(1, 0x0100, &qname(&[b"a\x1b[1mb", b"\x07com"]), &[]);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(1, 53, &msg))),
    );
    assert_eq!(d.app_summary.as_deref(), Some("A? a\\x1b[1mb.\\x07com."));
}

#[test]
fn proto_names_for_the_protocol_column() {
    let s = |proto| Summary {
        proto,
        ..Summary::default()
    };
    assert_eq!(proto_name(&s(Proto::Ip(47))), "gre");
    assert_eq!(proto_name(&s(Proto::Ip(50))), "esp");
    assert_eq!(proto_name(&s(Proto::Ip(89))), "ospf");
    assert_eq!(proto_name(&s(Proto::Ip(2))), "igmp");
    assert_eq!(proto_name(&s(Proto::Ip(132))), "sctp");
    assert_eq!(proto_name(&s(Proto::Ip(41))), "ipv6-in-ipv4");
    assert_eq!(proto_name(&s(Proto::Ip(250))), "ip-proto-250");
    assert_eq!(proto_name(&s(Proto::EtherType(0x88cc))), "lldp");
    assert_eq!(proto_name(&s(Proto::EtherType(0x8137))), "ipx");
    assert_eq!(proto_name(&s(Proto::EtherType(0x4321))), "ethertype-0x4321");
    assert_eq!(proto_name(&s(Proto::Llc(0x42))), "stp");
    assert_eq!(proto_name(&s(Proto::Osi(0x83))), "isis");
    assert_eq!(protocol_column(&s(Proto::Ip(47))), "GRE");
    assert_eq!(info_line(&s(Proto::Ip(89)), None), "OSPF (IP protocol 89)");
}

#[test]
fn esp_is_opaque_not_an_issue() {
    let mut esp = vec![0, 0, 0x10, 0x01, 0, 0, 0, 5];
    esp.extend_from_slice(&[0xaa; 40]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(50, &esp)));
    assert_eq!(proto_name(&d.summary), "esp");
    assert!(d.issues.is_empty());
    assert_eq!(field(header(&d, "ESP"), "SPI").value, "0x00001001");
}

#[test]
fn empty_and_tiny_packets() {
    for link in [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 999] {
        for n in 0..4 {
            let data = vec![0x45; n];
            let d = dec(LinkType(link), &data, 0);
            if link != 999 && n < 4 {
                assert!(d.summary.broken || link == 999, "link {link} len {n}");
            }
        }
    }
}

#[test]
fn arista_macsec_nsh_and_wccp_are_followed() {
    // Arista timestamp, 64-bit format, then IPv4.
    let mut p = vec![
        0, 1, 0, 0x10, 0x5c, 0xee, 0xed, 0x57, 0, 0, 0, 1, 0x08, 0x00,
    ];
    p.extend_from_slice(&ipv4(17, &udp(1, 2, b"")));
    let d = dec_full(LinkType::ETHERNET, &eth(0xd28b, &p));
    assert_eq!(header(&d, "Arista timestamp").range, 14..28);
    assert_eq!(d.summary.src, ip("10.0.0.1"));
    // MACsec integrity-only with SCI: SecTAG, EtherType, IPv4/UDP, 16-byte ICV.
    let mut p = vec![0x20, 0, 0, 0, 0, 1];
    p.extend_from_slice(&[0x11; 8]);
    p.extend_from_slice(&[0x08, 0x00]);
    p.extend_from_slice(&ipv4(17, &udp(3, 4, b"")));
    p.extend_from_slice(&[0xcc; 16]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x88e5, &p));
    assert_eq!(d.summary.sport, Some(3));
    assert_eq!(
        field(header(&d, "MACsec"), "TCI/AN").meaning,
        "integrity only, AN 0"
    );
    // Encrypted MACsec: opaque.
    p[0] = 0x2c;
    let d = dec_full(LinkType::ETHERNET, &eth(0x88e5, &p));
    assert_eq!(d.summary.src, None);
    assert_eq!(proto_name(&d.summary), "macsec");
    // NSH carrying IPv4.
    let mut p = vec![0x0f, 0xc6, 0x01, 0x01, 0, 0, 1, 0xff];
    p.extend_from_slice(&[0; 16]);
    p.extend_from_slice(&ipv4(17, &udp(5, 6, b"")));
    let d = dec_full(LinkType::ETHERNET, &eth(0x894f, &p));
    assert_eq!(d.summary.sport, Some(5));
    // WCCP redirect header in GRE.
    let mut g = vec![0, 0, 0x88, 0x3e, 0, 0, 0, 0];
    g.extend_from_slice(&ipv4(6, &tcp(7, 8, 1, 0, tcp_flags::SYN, &[], &[])));
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(47, &g)));
    assert_eq!(d.summary.tcp.unwrap().dst.port(), 8);
    assert!(protos(&d).contains(&"WCCP redirect"));
}

#[test]
fn cut_ip_headers_keep_the_addresses_that_were_captured() {
    let full = eth(0x0800, &ipv4(6, &tcp(1, 2, 3, 0, 2, &[], &[])));
    let d = dec(LinkType::ETHERNET, &full[..14 + 16], full.len() as u32);
    assert_eq!((d.summary.src, d.summary.dst), (ip("10.0.0.1"), None));
    assert_eq!(
        d.issues[0].message,
        "IPv4 header cut by the capture: 16 of 20 bytes"
    );
    let d = dec(LinkType::ETHERNET, &full[..14 + 12], full.len() as u32);
    assert_eq!(d.summary.src, None);
    let full6 = eth(0x86dd, &ipv6(17, None, &udp(1, 2, b"")));
    let d = dec(LinkType::ETHERNET, &full6[..14 + 39], full6.len() as u32);
    assert_eq!((d.summary.src, d.summary.dst), (ip("2001:db8::1"), None));
    assert!(d.summary.broken);
}

#[test]
fn mid_stream_segments_on_port_53_are_data_not_broken_dns() {
    // A TCP segment from the middle of a long DNS response: no DNS header at its start.
    let seg = tcp(53, 40000, 1, 1, tcp_flags::ACK, &[], &[0xff; 40]);
    let d = dec_full(LinkType::ETHERNET, &eth(0x0800, &ipv4(6, &seg)));
    assert_eq!(d.summary.app, None);
    assert!(!d.summary.broken);
    assert_eq!(protos(&d), ["Ethernet II", "IPv4", "TCP", "Data"]);
    assert_eq!(field(header(&d, "Data"), "Length").value, "40 bytes");
}

#[test]
fn caplen_above_the_wire_length_is_noted() {
    let p = eth(0x0800, &ipv4(6, &tcp(1000, 80, 1, 0, 0x02, &[], &[])));
    // The record claims fewer bytes on the wire than it holds.
    let d = dec(LinkType::ETHERNET, &p, 20);
    let note = d
        .issues
        .iter()
        .find(|i| i.message.contains("captured bytes but only 20 on the wire"))
        .unwrap_or_else(|| panic!("no note: {:?}", d.issues));
    assert_eq!(
        (note.kind, note.layer, note.offset),
        (IssueKind::Note, LayerKind::Link, 0)
    );
    assert!(!d.summary.broken, "the captured bytes still decode");
    assert_eq!(d.summary.proto, Proto::Tcp);
    // An ordinary packet has no such note.
    let d = dec_full(LinkType::ETHERNET, &p);
    assert!(
        d.issues.iter().all(|i| !i.message.contains("on the wire")),
        "{:?}",
        d.issues
    );
}

// ---------------------------------------------------------------------------------------
// Link types and tunnels of issue 11 with no public capture (real captures are exercised in
// tests/decode_public.rs)

/// The TCP segment every tunnel test below carries.
fn inner_tcp() -> Vec<u8> {
    ipv4(6, &tcp(40000, 80, 1000, 0, tcp_flags::SYN, &[], &[]))
}

fn assert_inner_tcp(d: &Decoded) {
    let t = d.summary.tcp.expect("the inner TCP segment is decoded");
    assert_eq!((t.seq, t.flags), (1000, tcp_flags::SYN), "{:?}", protos(d));
    assert!(protos(d).contains(&"TCP"), "{:?}", protos(d));
}

#[test]
fn null_header_written_as_linux_2_0_is_read_as_wireshark_does() {
    // `0f 00 08 00`: neither byte order is a BSD family; Wireshark byte-swaps it and takes the
    // low 16 bits (0x0800) as an EtherType.
    let mut p = vec![0x0f, 0x00, 0x08, 0x00];
    p.extend(inner_tcp());
    let d = dec_full(LinkType::NULL, &p);
    assert_inner_tcp(&d);
    let f = field(header(&d, "BSD loopback"), "Type");
    assert!(f.value == "0x0800" && f.meaning.contains("IPv4"), "{f:?}");
    assert!(d.issues.is_empty(), "{:?}", d.issues);
    // Both ordinary byte orders still work.
    for fam in [2u32.to_le_bytes(), 2u32.to_be_bytes()] {
        let mut p = fam.to_vec();
        p.extend(inner_tcp());
        assert_inner_tcp(&dec_full(LinkType::NULL, &p));
    }
}

#[test]
fn vntag_pbb_and_fabricpath_lead_to_the_inner_frame() {
    let mut vn = vec![0x80, 0x05, 0x00, 0x07, 0x08, 0x00];
    vn.extend(inner_tcp());
    let d = dec_full(LinkType::ETHERNET, &eth(0x8926, &vn));
    assert_inner_tcp(&d);
    assert_eq!(field(header(&d, "VN-Tag"), "Destination VIF").value, "5");

    let mut pbb = vec![0x60, 0x01, 0x02, 0x03];
    pbb.extend(eth(0x0800, &inner_tcp()));
    let d = dec_full(LinkType::ETHERNET, &eth(0x88e7, &pbb));
    assert_inner_tcp(&d);
    assert_eq!(
        field(header(&d, "802.1ah PBB I-TAG"), "I-SID").value,
        "66051"
    );
    assert_eq!(
        protos(&d).iter().filter(|p| **p == "Ethernet II").count(),
        2
    );

    let mut fp = vec![0x00, 0x4a];
    fp.extend(eth(0x0800, &inner_tcp()));
    let d = dec_full(LinkType::ETHERNET, &eth(0x8903, &fp));
    assert_inner_tcp(&d);
    assert_eq!(field(header(&d, "Cisco FabricPath"), "TTL").value, "10");
}

#[test]
fn mpls_ethernet_pseudowire_with_and_without_control_word() {
    let label = [0x00, 0x01, 0x41, 0x40]; // label 20, bottom of stack, TTL 64
    let frame = eth(0x0800, &inner_tcp());
    // Without a control word: an Ethernet header is plausible at once.
    let mut p = label.to_vec();
    p.extend(&frame);
    let d = dec_full(LinkType::ETHERNET, &eth(0x8847, &p));
    assert_inner_tcp(&d);
    assert!(!protos(&d).contains(&"PW Ethernet control word"));
    // With one: first nibble 0 and the Ethernet header behind it (destination 00:…).
    let mut inner = vec![0u8; 6];
    inner.extend(&MAC_A);
    inner.extend(0x0800u16.to_be_bytes());
    inner.extend(inner_tcp());
    let mut p = label.to_vec();
    p.extend([0, 0, 0, 9]);
    p.extend(&inner);
    let d = dec_full(LinkType::ETHERNET, &eth(0x8847, &p));
    assert_inner_tcp(&d);
    assert_eq!(
        field(header(&d, "PW Ethernet control word"), "Sequence number").value,
        "9"
    );
}

#[test]
fn udp_tunnels_gtp_l2tp_teredo_ayiya_gre() {
    // GTP-U T-PDU with a sequence number.
    let inner = inner_tcp();
    let mut g = vec![0x32, 0xff];
    g.extend(((inner.len() + 4) as u16).to_be_bytes());
    g.extend([0, 0, 0, 7, 0, 1, 0, 0]);
    g.extend(&inner);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(2152, 2152, &g))),
    );
    assert_inner_tcp(&d);
    assert_eq!(field(header(&d, "GTP-U"), "TEID").value, "0x00000007");
    assert_eq!(
        d.summary.sport,
        Some(2152),
        "the first ports are the outer UDP's"
    );

    // L2TP v2 data message with length, carrying PPP (ff 03 00 21) and IPv4.
    let mut l = vec![0x40, 0x02];
    l.extend(((6 + 2 + 4 + inner.len()) as u16).to_be_bytes());
    l.extend([0, 1, 0, 2, 0xff, 0x03, 0x00, 0x21]);
    l.extend(&inner);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(1701, 1701, &l))),
    );
    assert_inner_tcp(&d);
    assert_eq!(field(header(&d, "L2TP"), "Session ID").value, "2");
    assert!(protos(&d).contains(&"PPP"));

    // Teredo with an origin indication, then IPv6.
    let v6tcp = ipv6(6, None, &tcp(40000, 80, 1000, 0, tcp_flags::SYN, &[], &[]));
    let mut t = vec![0, 0, 0xfc, 0x17, 0x3f, 0xff, 0xff, 0xfe];
    t.extend(&v6tcp);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(3544, 50000, &t))),
    );
    assert_inner_tcp(&d);
    assert_eq!(field(header(&d, "Teredo"), "Origin port").value, "1000");
    assert_eq!(
        field(header(&d, "Teredo"), "Origin address").value,
        "192.0.0.1"
    );

    // AYIYA forward of IPv6: identity 16 bytes (2^4), signature 20 bytes (5 words).
    let mut a = vec![0x41, 0x52, 0x11, 41, 0, 0, 0, 1];
    a.extend([0u8; 16 + 20]);
    a.extend(&v6tcp);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(5072, 5072, &a))),
    );
    assert_inner_tcp(&d);
    assert_eq!(field(header(&d, "AYIYA"), "Opcode").meaning, "forward");

    // GRE in UDP (RFC 8086): a plain GRE header with EtherType IPv4.
    let mut gre = vec![0, 0, 0x08, 0x00];
    gre.extend(&inner);
    let d = dec_full(
        LinkType::ETHERNET,
        &eth(0x0800, &ipv4(17, &udp(1234, 4754, &gre))),
    );
    assert_inner_tcp(&d);
    assert!(protos(&d).contains(&"GRE"));
}

#[test]
fn undecoded_link_type_says_so_on_every_packet() {
    let d = dec_full(LinkType(147), &[1, 2, 3, 4]);
    assert_eq!(d.issues.len(), 1, "{:?}", d.issues);
    assert_eq!(d.issues[0].kind, IssueKind::Unsupported);
    assert!(
        d.issues[0]
            .message
            .contains("link type 147 (user-defined) is not decoded")
    );
    let d = dec_full(LinkType(127), &[]);
    assert!(
        d.issues.iter().all(|i| !i.message.contains("not decoded")),
        "radiotap is decoded now: {:?}",
        d.issues
    );
}
