//! Bytes + link type → a layered description of one packet. Never panics and never fails:
//! malformed input becomes an [`Issue`] on the layer where decoding stopped. Every layer and
//! field carries the byte range it came from. Depends on `model` and etherparse.
//!
//! Two entry points: [`summarize`] is the fast path (no strings, no per-field allocation) used
//! for every packet by `dump`, the packet index and the flow tracker; [`decode`] is the full
//! layered decode, used for the selected packet and for `dump --format json`.

use std::net::IpAddr;
use std::ops::Range;

use crate::model::{LinkType, TcpSegment};

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
    /// UDP payload length as the UDP header declares it.
    pub udp_len: Option<u16>,
    /// Application protocol recognised (for the Protocol column), when known cheaply.
    pub app: Option<AppProto>,
    /// Decoding stopped early somewhere (see [`decode`] for where and why).
    pub broken: bool,
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

/// Where and why decoding stopped or found something wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub layer: LayerKind,
    /// Byte offset in the packet where the problem was seen.
    pub offset: usize,
    /// Plain-language description (sanitized).
    pub message: String,
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
/// the wire (for TCP payload length when the capture cut the bytes).
pub fn summarize(link: LinkType, data: &[u8], orig_len: u32) -> Summary {
    let _ = (link, data, orig_len);
    Summary::default()
}

/// Full layered decode.
pub fn decode(link: LinkType, data: &[u8], orig_len: u32) -> Decoded {
    Decoded {
        summary: summarize(link, data, orig_len),
        ..Decoded::default()
    }
}

/// tcpdump-like one-line description for the packet list's Info column and `dump --format
/// text`: `Flags [S.], seq 123, ack 456, win 65535, length 0` for TCP, `A? example.com` for
/// DNS, `echo request` for ICMP… Sanitized.
pub fn info_line(summary: &Summary, decoded_app: Option<&str>) -> String {
    let _ = (summary, decoded_app);
    String::new()
}

/// Name for the Protocol column / `dump`'s `proto` key: `tcp`, `udp`, `icmp`, `icmpv6`, `arp`,
/// or the best name known (`ipv4-proto-47`→ `gre`, `ethertype-0x88cc` → `lldp`, …).
pub fn proto_name(summary: &Summary) -> String {
    let _ = summary;
    String::new()
}
