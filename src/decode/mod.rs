//! Bytes + link type → a layered description of one packet. Never panics and never fails:
//! malformed input becomes an [`Issue`] on the layer where decoding stopped. Every layer and
//! field carries the byte range it came from. Depends on `model` and etherparse.
//!
//! Two entry points: [`summarize`] is the fast path (no strings, no per-field allocation) used
//! for every packet by `dump`, the packet index and the flow tracker; [`decode`] is the full
//! layered decode, used for the selected packet and for `dump --format json`. Both run the
//! same allocation-free structural walk (`walk`), so they always agree; `decode` then
//! describes each header the walk found.
//!
//! Submodules: `walk` (the shared walk and dispatch), `link`, `ipv4`, `ipv6`, `arp`, `tcp`,
//! `tcp_options`, `udp`, `udplite`, `icmp`, `tunnel`, `netlink`, `mesh`, `app` (HTTP, DNS, TLS), `info` (one-line texts and
//! protocol names), `names` (number → name tables), `problem` (what broke), `fields` and
//! `bytes` (helpers).

pub(crate) mod app;
mod arp;
pub(crate) mod bytes;
mod encap;
pub(crate) mod field;
mod fields;
mod icmp;
mod info;
mod ipv4;
mod ipv6;
mod link;
mod links;
mod mesh;
mod names;
mod netlink;
mod problem;
mod tcp;
mod tcp_options;
mod tunnel;
mod udp;
mod udplite;
mod walk;

#[cfg(test)]
mod tests;

use std::net::IpAddr;
use std::ops::Range;

use crate::model::{LinkType, TcpSegment};

pub(crate) use links::Radio;
pub(crate) use walk::Hdr;

pub use info::{
    info_line, proto_name, proto_name_cow, protocol_column, push_decimal, push_decimal_padded,
    push_info_line, push_ip,
};

/// The four textbook layers, bottom to top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerKind {
    Link,
    Internet,
    Transport,
    Application,
}

impl LayerKind {
    pub const ALL: [LayerKind; 4] = [
        Self::Link,
        Self::Internet,
        Self::Transport,
        Self::Application,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Link => "Link",
            Self::Internet => "Internet",
            Self::Transport => "Transport",
            Self::Application => "Application",
        }
    }
}

/// The protocol a packet is best described by (the packet list's "Protocol" column and
/// `dump`'s `proto` key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Proto {
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    Arp,
    /// An IP payload synack does not decode; the IP protocol number.
    Ip(u8),
    /// A non-IP EtherType synack does not decode.
    EtherType(u16),
    /// An 802.2 LLC payload synack does not decode, by its DSAP (0x42 spanning tree, 0xe0
    /// IPX…).
    Llc(u8),
    /// An OSI network-layer payload (LLC SAP 0xfe), by its NLPID (0x83 IS-IS…).
    Osi(u8),
    /// A SNAP payload with a vendor OUI (e.g. Cisco CDP: OUI 0x00000c, PID 0x2000).
    Snap {
        oui: u32,
        pid: u16,
    },
    /// Nothing recognisable (unknown link type or broken before the network layer).
    #[default]
    Unknown,
}

/// What the fast path learns about a packet: enough for the packet list, `dump` lines,
/// conformance checks and flow tracking. Plain `Copy` data: no heap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// 802.1Q / QinQ VLAN ids, outermost first; `vlan_count` of them are valid.
    pub vlan_ids: [u16; 2],
    pub vlan_count: u8,
    /// Outermost IP header's addresses (or ARP's sender/target protocol addresses).
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
    pub proto: Proto,
    pub sport: Option<u16>,
    pub dport: Option<u16>,
    /// Present for TCP (header fully captured).
    pub tcp: Option<TcpSegment>,
    /// ICMP / ICMPv6 type and code.
    pub icmp: Option<(u8, u8)>,
    /// ICMP / ICMPv6 echo (and timestamp/info) identifier and sequence number.
    pub icmp_echo: Option<(u16, u16)>,
    /// ARP operation and sender hardware address (for `who-has` / `is-at` lines).
    pub arp: Option<ArpInfo>,
    /// UDP payload length as the UDP header declares it.
    pub udp_len: Option<u16>,
    /// Application protocol recognised (for the Protocol column), when known cheaply.
    pub app: Option<AppProto>,
    /// Decoding stopped early somewhere (see [`decode`] for where and why).
    pub broken: bool,
}

/// What the packet list needs from an ARP packet beyond its addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpInfo {
    /// 1 request, 2 reply…
    pub op: u16,
    /// Sender hardware address when it is a 6-byte MAC.
    pub sender_mac: Option<[u8; 6]>,
}

/// Application protocols the decoder recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppProto {
    Http,
    Dns,
    Tls,
}

impl Summary {
    pub fn vlans(&self) -> &[u16] {
        &self.vlan_ids[..usize::from(self.vlan_count.min(2))]
    }
}

/// One named field of a layer: `Flags 0x012 SYN, ACK`, `Window scale 7 (×128)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// The value as text (already sanitized: safe for a terminal).
    pub value: String,
    /// Optional meaning in words (`SYN, ACK`, `×128`); empty when the value says it all.
    pub meaning: String,
    /// Byte range within the packet's captured bytes.
    pub range: Range<usize>,
    /// Sub-fields (e.g. each TCP option under "Options").
    pub children: Vec<Field>,
    /// The value as data, for fields whose text others must not re-parse (redaction, the
    /// display filter): addresses, MACs, ports. `None` for the rest.
    pub typed: Option<FieldValue>,
}

/// A field's value as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldValue {
    Ip(IpAddr),
    Mac([u8; 6]),
    Port(u16),
}

/// One decoded protocol header (Ethernet, 802.1Q, IPv4, TCP, DNS…), belonging to a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub layer: LayerKind,
    /// Protocol name as shown (`Ethernet II`, `IPv4`, `TCP`, `HTTP`).
    pub protocol: String,
    /// Byte range of this header (for the application layer: the payload it describes).
    pub range: Range<usize>,
    pub fields: Vec<Field>,
}

/// What kind of issue: the first two mean the packet is broken ([`Summary::broken`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// The capture (snaplen) cut the packet inside something synack decodes.
    Truncated,
    /// A length, version or value in the packet is impossible.
    Malformed,
    /// A protocol synack does not decode: its bytes are shown raw. Not an error.
    Unsupported,
    /// Worth knowing, not wrong: a later IP fragment, a length taken from the frame, an
    /// application message that continues in the next segment.
    Note,
}

impl IssueKind {
    /// Whether this kind of issue marks the packet broken.
    pub fn breaks(self) -> bool {
        matches!(self, Self::Truncated | Self::Malformed)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Truncated => "truncated",
            Self::Malformed => "malformed",
            Self::Unsupported => "not decoded",
            Self::Note => "note",
        }
    }
}

/// Where and why decoding stopped or found something wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub layer: LayerKind,
    pub kind: IssueKind,
    /// Byte offset in the packet where the problem was seen.
    pub offset: usize,
    /// Plain-language description (sanitized).
    pub message: String,
}

impl Issue {
    /// A note about the packet from the capture file itself (a malformed timestamp, a block
    /// read leniently), which the bytes do not show.
    pub fn capture_note(message: String) -> Issue {
        Issue {
            layer: LayerKind::Link,
            kind: IssueKind::Note,
            offset: 0,
            message,
        }
    }
}

/// What a pcap link type number is (`127` → "IEEE 802.11 radiotap"), when synack knows.
pub fn link_type_name(n: u32) -> Option<&'static str> {
    names::link_type(n)
}

/// The full layered decode of one packet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    pub summary: Summary,
    /// Headers bottom to top (a packet may have several per layer, e.g. Ethernet + 802.1Q).
    pub headers: Vec<Header>,
    pub issues: Vec<Issue>,
    /// One-line application summary, sanitized (`GET /index.html HTTP/1.1`, `A? example.com`).
    pub app_summary: Option<String>,
}

/// Fast decode of what the list, `dump` and the flow tracker need. `orig_len` is the length on
/// the wire (for TCP payload length when the capture cut the bytes). Allocates nothing.
pub fn summarize(link: LinkType, data: &[u8], orig_len: u32) -> Summary {
    walk::walk(link, data, orig_len, walk::NoSink).0
}

/// Full layered decode: every header with its fields, every issue, the application summary.
pub fn decode(link: LinkType, data: &[u8], orig_len: u32) -> Decoded {
    let (summary, found) = walk::walk(link, data, orig_len, Collect::default());
    let mut headers = Vec::with_capacity(found.headers.len());
    let mut app_summary = None;
    for (hdr, range) in found.headers {
        let (header, line) = describe(hdr, data, range);
        if app_summary.is_none() {
            app_summary = line;
        }
        headers.push(header);
    }
    fields::clamp_ranges(&mut headers, data.len());
    let issues = found
        .problems
        .into_iter()
        .map(|(layer, offset, p)| Issue {
            layer,
            kind: p.kind(),
            offset,
            message: p.message(),
        })
        .collect();
    Decoded {
        summary,
        headers,
        issues,
        app_summary,
    }
}

/// How many headers [`layout`] records; deeper nesting is walked but not recorded.
pub const MAX_LAYOUT: usize = 32;

/// Where each header of a packet lies, from the fast walk, in a fixed array (no heap): what
/// the display filter reads its fields from. Built by [`layout`].
#[derive(Clone, Debug)]
pub struct Layout {
    /// The same summary [`summarize`] gives.
    pub summary: Summary,
    hdrs: [(Hdr, u32, u32); MAX_LAYOUT],
    len: u8,
}

impl Layout {
    /// Each recorded header, bottom to top, with its byte range (within the captured bytes).
    pub(crate) fn headers(&self) -> impl Iterator<Item = (Hdr, Range<usize>)> + '_ {
        self.hdrs
            .iter()
            .take(usize::from(self.len))
            .map(|&(h, s, e)| (h, s as usize..e as usize))
    }
}

/// The fast walk, keeping each header's kind and byte range (for the display filter).
/// Allocates nothing.
pub fn layout(link: LinkType, data: &[u8], orig_len: u32) -> Layout {
    let sink = Layout {
        summary: Summary::default(),
        hdrs: [(Hdr::Data, 0, 0); MAX_LAYOUT],
        len: 0,
    };
    let (summary, mut l) = walk::walk(link, data, orig_len, sink);
    l.summary = summary;
    l
}

/// The first TCP segment of a frame and the byte range of its captured payload within `data`
/// (shorter than `payload_len` when the capture cut it; empty when it has none). For
/// reassembly (`crate::reassembly`). Allocates nothing.
pub fn tcp_payload(
    link: LinkType,
    data: &[u8],
    orig_len: u32,
) -> Option<(TcpSegment, Range<usize>)> {
    let l = layout(link, data, orig_len);
    let seg = l.summary.tcp?;
    let (_, r) = l.headers().find(|(h, _)| matches!(h, Hdr::Tcp { .. }))?;
    let start = r.end.min(data.len());
    let len = usize::try_from(seg.payload_len).unwrap_or(usize::MAX);
    let end = start.saturating_add(len).min(data.len());
    Some((seg, start..end))
}

impl walk::Sink for Layout {
    #[inline]
    fn header(&mut self, hdr: walk::Hdr, start: usize, end: usize) {
        let i = usize::from(self.len);
        if let (Some(slot), Ok(s), Ok(e)) = (
            self.hdrs.get_mut(i),
            u32::try_from(start),
            u32::try_from(end),
        ) {
            *slot = (hdr, s, e);
            self.len += 1;
        }
    }
    #[inline(always)]
    fn problem(&mut self, _: LayerKind, _: usize, _: problem::Problem) {}
}

/// The full decode's sink: keeps what the walk found.
#[derive(Default)]
struct Collect {
    headers: Vec<(walk::Hdr, Range<usize>)>,
    problems: Vec<(LayerKind, usize, problem::Problem)>,
}

impl walk::Sink for Collect {
    fn header(&mut self, hdr: walk::Hdr, start: usize, end: usize) {
        self.headers.push((hdr, start..end));
    }
    fn problem(&mut self, layer: LayerKind, offset: usize, problem: problem::Problem) {
        self.problems.push((layer, offset, problem));
    }
}

/// Describes one header; application headers also give their one-line summary.
fn describe(hdr: walk::Hdr, data: &[u8], r: Range<usize>) -> (Header, Option<String>) {
    use walk::Hdr as H;
    let h = match hdr {
        H::Ethernet
        | H::Vlan
        | H::Llc
        | H::Snap
        | H::Sll
        | H::Sll2
        | H::Null { .. }
        | H::Trailer
        | H::UnknownLink(_) => link::describe(hdr, data, r),
        H::PppDirection | H::Chdlc | H::Fddi | H::Nflog | H::Radio(_) | H::Wlan => {
            links::describe(hdr, data, r)
        }
        H::NetlinkCooked => netlink::describe_cooked(data, r),
        H::Netlink => netlink::describe(data, r),
        H::MeshControl => mesh::describe(data, r),
        H::UdpLite { datagram_len } => udplite::describe(data, r, datagram_len),
        H::Gtp
        | H::L2tp
        | H::Teredo
        | H::Ayiya
        | H::VnTag
        | H::Pbb
        | H::FabricPath
        | H::PwControlWord => encap::describe(hdr, data, r),
        H::Ipv4 { tso } => ipv4::describe(data, r, tso),
        H::Ipv6 { tso } => ipv6::describe(data, r, tso),
        H::Ipv6Ext(kind) => ipv6::describe_ext(data, r, kind),
        H::Ah => ipv4::describe_ah(data, r),
        H::Arp => arp::describe(data, r),
        H::Tcp { payload_len } => tcp::describe(data, r, payload_len),
        H::Udp => udp::describe(data, r),
        H::Icmp => icmp::describe_v4(data, r),
        H::Icmpv6 => icmp::describe_v6(data, r),
        H::QuotedIp => icmp::describe_quoted_ip(data, r),
        H::QuotedTransport(p) => icmp::describe_quoted_transport(data, r, p),
        H::Gre
        | H::Esp
        | H::PimRegister
        | H::Vxlan
        | H::Geneve
        | H::Erspan
        | H::Mpls
        | H::CiscoMeta { .. }
        | H::Arista
        | H::Macsec
        | H::Nsh
        | H::Wccp
        | H::PppoeSession
        | H::Ppp => tunnel::describe(hdr, data, r),
        H::Http | H::Dns { .. } | H::Tls | H::Data => return app::describe(hdr, data, r),
    };
    (h, None)
}
