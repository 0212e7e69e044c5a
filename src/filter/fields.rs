//! The field registry: every field and protocol a filter can name, by its tshark name, with
//! its type and a one-line description (docs/filters.md lists the same table). How each is
//! read from a packet lives in `eval`, keyed by [`FieldId`].

/// The type of a field's values: decides which literals and operators it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A protocol: present or not; `contains` / `matches` search its bytes.
    Protocol,
    Bool,
    /// Unsigned integer (ports, lengths, counters, numbers).
    UInt,
    /// A time or duration in seconds (nanosecond precision).
    Time,
    Ipv4,
    Ipv6,
    Mac,
    /// Text (DNS names, HTTP method…): `==`, `contains`, `matches`.
    Text,
    /// A label without a value (tshark's `FT_NONE`, as `tcp.analysis.retransmission`):
    /// present or not.
    Label,
}

impl FieldType {
    pub fn name(self) -> &'static str {
        match self {
            Self::Protocol => "protocol",
            Self::Bool => "boolean",
            Self::UInt => "unsigned integer",
            Self::Time => "time (seconds)",
            Self::Ipv4 => "IPv4 address",
            Self::Ipv6 => "IPv6 address",
            Self::Mac => "MAC address",
            Self::Text => "text",
            Self::Label => "label",
        }
    }
}

/// Every filterable field. A new one needs an id, a row in [`FIELDS`] and an arm in
/// `eval::each`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldId {
    Frame,
    FrameNumber,
    FrameLen,
    FrameCapLen,
    FrameTimeRelative,
    FrameTimeEpoch,
    Eth,
    EthAddr,
    EthSrc,
    EthDst,
    EthType,
    Vlan,
    VlanId,
    Arp,
    ArpOpcode,
    Ip,
    IpAddr,
    IpSrc,
    IpDst,
    IpTtl,
    IpProto,
    IpLen,
    IpId,
    IpFlagsDf,
    IpFlagsMf,
    Ipv6,
    Ipv6Addr,
    Ipv6Src,
    Ipv6Dst,
    Ipv6Hlim,
    Ipv6Nxt,
    Icmp,
    IcmpType,
    IcmpCode,
    Icmpv6,
    Icmpv6Type,
    Icmpv6Code,
    Tcp,
    TcpPort,
    TcpSrcport,
    TcpDstport,
    TcpStream,
    TcpLen,
    TcpSeq,
    TcpAck,
    TcpSeqRaw,
    TcpAckRaw,
    TcpFlags,
    TcpFlagsSyn,
    TcpFlagsAck,
    TcpFlagsFin,
    TcpFlagsReset,
    TcpFlagsPush,
    TcpFlagsUrg,
    TcpWindowSizeValue,
    TcpWindowSize,
    TcpMss,
    TcpInitialRtt,
    TcpAnalysisFlags,
    TcpRetransmission,
    TcpFastRetransmission,
    TcpSpuriousRetransmission,
    TcpOutOfOrder,
    TcpLostSegment,
    TcpAckLostSegment,
    TcpDuplicateAck,
    TcpDuplicateAckNum,
    TcpDuplicateAckFrame,
    TcpZeroWindow,
    TcpZeroWindowProbe,
    TcpZeroWindowProbeAck,
    TcpWindowFull,
    TcpWindowUpdate,
    TcpKeepAlive,
    TcpKeepAliveAck,
    TcpReusedPorts,
    TcpBytesInFlight,
    TcpAckRtt,
    Udp,
    UdpPort,
    UdpSrcport,
    UdpDstport,
    UdpLength,
    Dns,
    DnsQryName,
    DnsFlagsResponse,
    Http,
    HttpMethod,
    HttpUri,
    HttpHost,
    HttpResponseCode,
    Tls,
    TlsHandshakeType,
    TlsSni,
    FlowId,
    FlowHandshake,
    FlowIrtt,
    FlowClose,
    FlowSynCount,
    FlowSynackCount,
    FlowHistory,
    FlowPackets,
    FlowBytes,
}

impl FieldId {
    /// A `tcp.analysis.*` field read from the packet's sequence analysis (not
    /// `initial_rtt`, which is the connection's).
    pub fn is_analysis(self) -> bool {
        matches!(
            self,
            Self::TcpAnalysisFlags
                | Self::TcpRetransmission
                | Self::TcpFastRetransmission
                | Self::TcpSpuriousRetransmission
                | Self::TcpOutOfOrder
                | Self::TcpLostSegment
                | Self::TcpAckLostSegment
                | Self::TcpDuplicateAck
                | Self::TcpDuplicateAckNum
                | Self::TcpDuplicateAckFrame
                | Self::TcpZeroWindow
                | Self::TcpZeroWindowProbe
                | Self::TcpZeroWindowProbeAck
                | Self::TcpWindowFull
                | Self::TcpWindowUpdate
                | Self::TcpKeepAlive
                | Self::TcpKeepAliveAck
                | Self::TcpReusedPorts
                | Self::TcpBytesInFlight
                | Self::TcpAckRtt
        )
    }

    /// A `flow.*` field: read from the packet's connection as finally known.
    pub fn is_flow(self) -> bool {
        matches!(
            self,
            Self::FlowId
                | Self::FlowHandshake
                | Self::FlowIrtt
                | Self::FlowClose
                | Self::FlowSynCount
                | Self::FlowSynackCount
                | Self::FlowHistory
                | Self::FlowPackets
                | Self::FlowBytes
        )
    }
}

/// One filterable field.
#[derive(Debug)]
pub struct FieldDef {
    /// The name as tshark spells it (`tcp.srcport`), or synack's own `flow.*`.
    pub name: &'static str,
    pub id: FieldId,
    pub ty: FieldType,
    /// What it is, in a few words.
    pub doc: &'static str,
}

macro_rules! f {
    ($name:literal, $id:ident, $ty:ident, $doc:literal) => {
        FieldDef {
            name: $name,
            id: FieldId::$id,
            ty: FieldType::$ty,
            doc: $doc,
        }
    };
}

/// The registry, in the order docs/filters.md lists it.
pub const FIELDS: &[FieldDef] = &[
    f!(
        "frame",
        Frame,
        Protocol,
        "every packet; `frame contains \"x\"` searches all its bytes"
    ),
    f!(
        "frame.number",
        FrameNumber,
        UInt,
        "packet number in the file, from 1"
    ),
    f!("frame.len", FrameLen, UInt, "length on the wire"),
    f!("frame.cap_len", FrameCapLen, UInt, "bytes captured"),
    f!(
        "frame.time_relative",
        FrameTimeRelative,
        Time,
        "seconds since the first packet"
    ),
    f!(
        "frame.time_epoch",
        FrameTimeEpoch,
        Time,
        "seconds since 1970-01-01 UTC"
    ),
    f!(
        "eth",
        Eth,
        Protocol,
        "Ethernet header (also inside tunnels)"
    ),
    f!("eth.addr", EthAddr, Mac, "source or destination MAC"),
    f!("eth.src", EthSrc, Mac, "source MAC"),
    f!("eth.dst", EthDst, Mac, "destination MAC"),
    f!(
        "eth.type",
        EthType,
        UInt,
        "EtherType (absent on 802.3 length frames)"
    ),
    f!("vlan", Vlan, Protocol, "802.1Q / 802.1ad tag"),
    f!("vlan.id", VlanId, UInt, "VLAN id (each tag of QinQ)"),
    f!("arp", Arp, Protocol, "ARP"),
    f!("arp.opcode", ArpOpcode, UInt, "1 request, 2 reply"),
    f!(
        "ip",
        Ip,
        Protocol,
        "IPv4 (also the header quoted in an ICMP error)"
    ),
    f!(
        "ip.addr",
        IpAddr,
        Ipv4,
        "source or destination IPv4 address; CIDR allowed"
    ),
    f!("ip.src", IpSrc, Ipv4, "source IPv4 address"),
    f!("ip.dst", IpDst, Ipv4, "destination IPv4 address"),
    f!("ip.ttl", IpTtl, UInt, "time to live"),
    f!(
        "ip.proto",
        IpProto,
        UInt,
        "protocol number (6 TCP, 17 UDP, 1 ICMP)"
    ),
    f!("ip.len", IpLen, UInt, "total length"),
    f!("ip.id", IpId, UInt, "identification"),
    f!("ip.flags.df", IpFlagsDf, Bool, "don't fragment"),
    f!("ip.flags.mf", IpFlagsMf, Bool, "more fragments"),
    f!("ipv6", Ipv6, Protocol, "IPv6"),
    f!(
        "ipv6.addr",
        Ipv6Addr,
        Ipv6,
        "source or destination IPv6 address; prefix allowed"
    ),
    f!("ipv6.src", Ipv6Src, Ipv6, "source IPv6 address"),
    f!("ipv6.dst", Ipv6Dst, Ipv6, "destination IPv6 address"),
    f!("ipv6.hlim", Ipv6Hlim, UInt, "hop limit"),
    f!("ipv6.nxt", Ipv6Nxt, UInt, "next header of the fixed header"),
    f!("icmp", Icmp, Protocol, "ICMP (IPv4)"),
    f!(
        "icmp.type",
        IcmpType,
        UInt,
        "ICMP type (8 echo request, 0 reply, 3 unreachable)"
    ),
    f!("icmp.code", IcmpCode, UInt, "ICMP code"),
    f!("icmpv6", Icmpv6, Protocol, "ICMPv6"),
    f!("icmpv6.type", Icmpv6Type, UInt, "ICMPv6 type"),
    f!("icmpv6.code", Icmpv6Code, UInt, "ICMPv6 code"),
    f!(
        "tcp",
        Tcp,
        Protocol,
        "TCP (also the header quoted in an ICMP error)"
    ),
    f!("tcp.port", TcpPort, UInt, "source or destination port"),
    f!("tcp.srcport", TcpSrcport, UInt, "source port"),
    f!("tcp.dstport", TcpDstport, UInt, "destination port"),
    f!(
        "tcp.stream",
        TcpStream,
        UInt,
        "connection number, from 0, as tshark numbers them"
    ),
    f!("tcp.len", TcpLen, UInt, "payload length"),
    f!(
        "tcp.seq",
        TcpSeq,
        UInt,
        "sequence number relative to the ISN (needs the SYN)"
    ),
    f!(
        "tcp.ack",
        TcpAck,
        UInt,
        "acknowledgment number relative to the peer's ISN"
    ),
    f!("tcp.seq_raw", TcpSeqRaw, UInt, "sequence number as sent"),
    f!(
        "tcp.ack_raw",
        TcpAckRaw,
        UInt,
        "acknowledgment number as sent"
    ),
    f!(
        "tcp.flags",
        TcpFlags,
        UInt,
        "the 12 flag bits (0x002 SYN, 0x010 ACK…)"
    ),
    f!("tcp.flags.syn", TcpFlagsSyn, Bool, "SYN"),
    f!("tcp.flags.ack", TcpFlagsAck, Bool, "ACK"),
    f!("tcp.flags.fin", TcpFlagsFin, Bool, "FIN"),
    f!("tcp.flags.reset", TcpFlagsReset, Bool, "RST"),
    f!("tcp.flags.push", TcpFlagsPush, Bool, "PSH"),
    f!("tcp.flags.urg", TcpFlagsUrg, Bool, "URG"),
    f!(
        "tcp.window_size_value",
        TcpWindowSizeValue,
        UInt,
        "window field as sent"
    ),
    f!(
        "tcp.window_size",
        TcpWindowSize,
        UInt,
        "window scaled by the handshake's window scale"
    ),
    f!("tcp.options.mss_val", TcpMss, UInt, "MSS option value"),
    f!(
        "tcp.analysis.initial_rtt",
        TcpInitialRtt,
        Time,
        "SYN to handshake ACK, on packets after it"
    ),
    f!(
        "tcp.analysis.flags",
        TcpAnalysisFlags,
        Label,
        "any sequence-analysis verdict below (window update included)"
    ),
    f!(
        "tcp.analysis.retransmission",
        TcpRetransmission,
        Label,
        "data sent again (also on fast and spurious retransmissions)"
    ),
    f!(
        "tcp.analysis.fast_retransmission",
        TcpFastRetransmission,
        Label,
        "resent after duplicate ACKs asked for it"
    ),
    f!(
        "tcp.analysis.spurious_retransmission",
        TcpSpuriousRetransmission,
        Label,
        "resent data the peer had already acknowledged"
    ),
    f!(
        "tcp.analysis.out_of_order",
        TcpOutOfOrder,
        Label,
        "older data arriving after newer, soon after it"
    ),
    f!(
        "tcp.analysis.lost_segment",
        TcpLostSegment,
        Label,
        "previous segment not captured (a gap in the sequence)"
    ),
    f!(
        "tcp.analysis.ack_lost_segment",
        TcpAckLostSegment,
        Label,
        "ACKs data that was not captured"
    ),
    f!(
        "tcp.analysis.duplicate_ack",
        TcpDuplicateAck,
        Label,
        "the same ACK again, with nothing new"
    ),
    f!(
        "tcp.analysis.duplicate_ack_num",
        TcpDuplicateAckNum,
        UInt,
        "on a duplicate ACK: how many so far (`#3`)"
    ),
    f!(
        "tcp.analysis.duplicate_ack_frame",
        TcpDuplicateAckFrame,
        UInt,
        "on a duplicate ACK: the frame it repeats"
    ),
    f!(
        "tcp.analysis.zero_window",
        TcpZeroWindow,
        Label,
        "the sender's receive window is 0"
    ),
    f!(
        "tcp.analysis.zero_window_probe",
        TcpZeroWindowProbe,
        Label,
        "one byte sent into a zero window"
    ),
    f!(
        "tcp.analysis.zero_window_probe_ack",
        TcpZeroWindowProbeAck,
        Label,
        "the ACK of a zero-window probe"
    ),
    f!(
        "tcp.analysis.window_full",
        TcpWindowFull,
        Label,
        "this segment fills the peer's advertised window"
    ),
    f!(
        "tcp.analysis.window_update",
        TcpWindowUpdate,
        Label,
        "only the window changed"
    ),
    f!(
        "tcp.analysis.keep_alive",
        TcpKeepAlive,
        Label,
        "keep-alive (one byte or none, one before the next sequence number)"
    ),
    f!(
        "tcp.analysis.keep_alive_ack",
        TcpKeepAliveAck,
        Label,
        "the ACK of a keep-alive"
    ),
    f!(
        "tcp.analysis.reused_ports",
        TcpReusedPorts,
        Label,
        "a new SYN on the ports of an earlier connection"
    ),
    f!(
        "tcp.analysis.bytes_in_flight",
        TcpBytesInFlight,
        UInt,
        "data sent this way and not yet acknowledged (on data segments)"
    ),
    f!(
        "tcp.analysis.ack_rtt",
        TcpAckRtt,
        Time,
        "time from the data segment this ACK acknowledges in full"
    ),
    f!("udp", Udp, Protocol, "UDP"),
    f!("udp.port", UdpPort, UInt, "source or destination port"),
    f!("udp.srcport", UdpSrcport, UInt, "source port"),
    f!("udp.dstport", UdpDstport, UInt, "destination port"),
    f!("udp.length", UdpLength, UInt, "length from the UDP header"),
    f!(
        "dns",
        Dns,
        Protocol,
        "DNS on port 53 (mDNS and LLMNR are not `dns`, as in tshark)"
    ),
    f!(
        "dns.qry.name",
        DnsQryName,
        Text,
        "each question's name (`example.com`)"
    ),
    f!(
        "dns.flags.response",
        DnsFlagsResponse,
        Bool,
        "a response (QR bit)"
    ),
    f!("http", Http, Protocol, "HTTP/1 request or response head"),
    f!(
        "http.request.method",
        HttpMethod,
        Text,
        "request method (`GET`)"
    ),
    f!(
        "http.request.uri",
        HttpUri,
        Text,
        "request target (`/index.html`)"
    ),
    f!("http.host", HttpHost, Text, "Host header of a request"),
    f!(
        "http.response.code",
        HttpResponseCode,
        UInt,
        "status code (`404`)"
    ),
    f!("tls", Tls, Protocol, "TLS records"),
    f!(
        "tls.handshake.type",
        TlsHandshakeType,
        UInt,
        "handshake message type (1 ClientHello, 2 ServerHello…)"
    ),
    f!(
        "tls.handshake.extensions_server_name",
        TlsSni,
        Text,
        "server name (SNI) of a ClientHello"
    ),
    f!(
        "flow.id",
        FlowId,
        UInt,
        "synack's connection number (same as tcp.stream)"
    ),
    f!(
        "flow.handshake",
        FlowHandshake,
        Text,
        "complete, refused, no_response, incomplete, simultaneous_open, midstream"
    ),
    f!(
        "flow.irtt",
        FlowIrtt,
        Time,
        "initial RTT of an established connection"
    ),
    f!("flow.close", FlowClose, Text, "fin, rst or open"),
    f!(
        "flow.syn_count",
        FlowSynCount,
        UInt,
        "SYNs sent (more than 1: retransmitted)"
    ),
    f!("flow.synack_count", FlowSynackCount, UInt, "SYN-ACKs sent"),
    f!(
        "flow.history",
        FlowHistory,
        Text,
        "Zeek-style history letters (`ShAdDaFf`, `R` for a reset)"
    ),
    f!(
        "flow.packets",
        FlowPackets,
        UInt,
        "packets in the connection"
    ),
    f!(
        "flow.bytes",
        FlowBytes,
        UInt,
        "bytes in the connection (frame lengths)"
    ),
];

/// The field called `name`.
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.name == name)
}

/// The known field name closest to `name`, when one is close enough to be a typo.
pub fn suggest(name: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .map(|f| (strsim::jaro_winkler(name, f.name), f.name))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// Field names starting with `prefix` (for completion in the viewer's filter bar).
pub fn complete(prefix: &str) -> impl Iterator<Item = &'static str> + '_ {
    FIELDS
        .iter()
        .map(|f| f.name)
        .filter(move |n| n.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_findable() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS
                    .iter()
                    .skip(i + 1)
                    .all(|g| g.name != f.name && g.id != f.id),
                "{} twice",
                f.name
            );
            assert_eq!(lookup(f.name).map(|d| d.id), Some(f.id));
        }
    }

    #[test]
    fn typos_get_the_field_meant() {
        assert_eq!(suggest("tcp.prot"), Some("tcp.port"));
        assert_eq!(suggest("ip.scr"), Some("ip.src"));
        assert_eq!(suggest("tcp.flags.rst"), Some("tcp.flags.reset"));
        assert_eq!(suggest("zzzzzz"), None);
        assert!(complete("tcp.flags.").count() >= 6);
    }
}
