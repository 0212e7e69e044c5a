//! The structural walk shared by [`super::summarize`] and [`super::decode`]: one pass over the
//! bytes that finds each header's kind and byte range, fills the [`Summary`] and records
//! [`Problem`]s, without allocating. What it finds goes to a [`Sink`]: the fast path passes a
//! sink that ignores everything, the full decode one that keeps the headers to describe them.
//! Because both paths run this same walk, they always agree. Depends on the decode types,
//! `bytes`, `problem` and the per-protocol walkers (link, internet, transport, tunnel, app).

use std::net::IpAddr;

use super::bytes::be16;
use super::problem::Problem;
use super::{AppProto, LayerKind, Proto, Summary};
use super::{app, arp, encap, icmp, ipv4, ipv6, link, tcp, tunnel, udp};
use crate::model::LinkType;

/// How many protocol dispatches (EtherType or IP protocol) one packet may go through; each
/// tunnel costs about two. Bounds recursion on hostile nesting.
const MAX_DISPATCH: u8 = 24;

/// The kind of one header the walk found, with the little context its description needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hdr {
    // Link layer
    Ethernet,
    /// 802.1Q / 802.1ad tag: TCI + inner type (the TPID is the previous header's type).
    Vlan,
    Llc,
    Snap,
    Sll,
    Sll2,
    /// BSD loopback; `big_endian` tells how the family was stored.
    Null {
        big_endian: bool,
    },
    /// Ethernet padding / trailer after the network-layer packet.
    Trailer,
    UnknownLink(u32),
    Mpls,
    CiscoMeta {
        /// Inside GRE: the EtherType comes first (Wireshark's `dissect_cmd_gre`).
        gre: bool,
    },
    PppoeSession,
    Ppp,
    /// Arista timestamp header (EtherType 0xd28b).
    Arista,
    /// MACsec SecTAG (EtherType 0x88e5).
    Macsec,
    /// Network Service Header (EtherType 0x894f).
    Nsh,
    /// The direction byte of PPP with direction (link type 204).
    PppDirection,
    /// Cisco HDLC (link type 104, or PPP link types framed that way).
    Chdlc,
    Fddi,
    /// Linux NFLOG header and attributes up to the payload.
    Nflog,
    /// A radio pseudo-header before an 802.11 frame.
    Radio(super::links::Radio),
    /// IEEE 802.11 MAC header.
    Wlan,
    /// VN-Tag (EtherType 0x8926).
    VnTag,
    /// 802.1ah I-TAG (EtherType 0x88e7).
    Pbb,
    /// Cisco FabricPath tag (EtherType 0x8903).
    FabricPath,
    /// MPLS pseudowire control word before an Ethernet frame.
    PwControlWord,
    /// The 16-byte cooked header of a netlink capture (link type 253).
    NetlinkCooked,
    /// One netlink message (`nlmsghdr` and, for netfilter, its attributes up to a payload).
    Netlink,
    /// 802.11s mesh control header.
    MeshControl,
    // Internet layer
    Ipv4 {
        /// Total length 0: length taken from the frame.
        tso: bool,
    },
    Ipv6 {
        tso: bool,
    },
    /// An IPv6 extension header; the value is its own protocol number (0, 43, 44, 60, 51…).
    Ipv6Ext(u8),
    /// IPsec Authentication Header inside IPv4.
    Ah,
    Arp,
    // Transport layer
    Tcp {
        /// Payload length as the IP header declares it (tshark's `tcp.len`).
        payload_len: u32,
    },
    Udp,
    /// UDP-Lite; the datagram's length (for the checksum coverage's meaning).
    UdpLite {
        datagram_len: u32,
    },
    Icmp,
    Icmpv6,
    /// The IPv4 / IPv6 header an ICMP error quotes.
    QuotedIp,
    /// The first bytes of the transport header an ICMP error quotes (IP protocol number).
    QuotedTransport(u8),
    Gre,
    /// WCCP redirect header after GRE.
    Wccp,
    Esp,
    PimRegister,
    // Application layer (and tunnels carried over UDP / GRE)
    Vxlan,
    Geneve,
    Erspan,
    /// GTP-U (UDP 2152).
    Gtp,
    /// L2TP version 2 (UDP 1701).
    L2tp,
    /// Teredo authentication / origin indication (UDP 3544).
    Teredo,
    /// AYIYA (UDP 5072).
    Ayiya,
    Http,
    Dns {
        /// Over TCP: the message starts with a 2-byte length.
        tcp: bool,
    },
    Tls,
    /// Bytes synack does not interpret.
    Data,
}

impl Hdr {
    /// The textbook layer this header is shown in.
    pub(crate) fn layer(self) -> LayerKind {
        match self {
            Self::Ethernet
            | Self::Vlan
            | Self::Llc
            | Self::Snap
            | Self::Sll
            | Self::Sll2
            | Self::Null { .. }
            | Self::Trailer
            | Self::UnknownLink(_)
            | Self::Mpls
            | Self::CiscoMeta { .. }
            | Self::PppoeSession
            | Self::Ppp
            | Self::Arista
            | Self::Macsec
            | Self::Nsh
            | Self::PppDirection
            | Self::Chdlc
            | Self::Fddi
            | Self::Nflog
            | Self::Radio(_)
            | Self::Wlan
            | Self::VnTag
            | Self::Pbb
            | Self::FabricPath
            | Self::PwControlWord
            | Self::NetlinkCooked
            | Self::Netlink
            | Self::MeshControl => LayerKind::Link,
            Self::Ipv4 { .. } | Self::Ipv6 { .. } | Self::Ipv6Ext(_) | Self::Ah | Self::Arp => {
                LayerKind::Internet
            }
            Self::Tcp { .. }
            | Self::Udp
            | Self::UdpLite { .. }
            | Self::Icmp
            | Self::Icmpv6
            | Self::QuotedIp
            | Self::QuotedTransport(_)
            | Self::Gre
            | Self::Wccp
            | Self::Esp
            | Self::PimRegister => LayerKind::Transport,
            Self::Vxlan
            | Self::Geneve
            | Self::Erspan
            | Self::Gtp
            | Self::L2tp
            | Self::Teredo
            | Self::Ayiya
            | Self::Http
            | Self::Dns { .. }
            | Self::Tls
            | Self::Data => LayerKind::Application,
        }
    }
}

/// Receives what the walk finds. Ranges are already clamped to the captured bytes.
pub(crate) trait Sink {
    fn header(&mut self, hdr: Hdr, start: usize, end: usize);
    fn problem(&mut self, layer: LayerKind, offset: usize, problem: Problem);
}

/// The fast path's sink: keeps nothing.
pub(crate) struct NoSink;

impl Sink for NoSink {
    #[inline(always)]
    fn header(&mut self, _: Hdr, _: usize, _: usize) {}
    #[inline(always)]
    fn problem(&mut self, _: LayerKind, _: usize, _: Problem) {}
}

/// State of one walk over one packet.
pub(crate) struct Walker<'a, S> {
    pub(crate) data: &'a [u8],
    /// Length on the wire (never less than the captured length).
    pub(crate) wire_len: usize,
    pub(crate) sink: S,
    pub(crate) sum: Summary,
    dispatches: u8,
    transport_fixed: bool,
    /// Addresses of the innermost IP header seen so far (for TCP segments).
    pub(crate) ip_pair: Option<(IpAddr, IpAddr)>,
    /// Where the first network-layer packet ends (declared), for the Ethernet trailer.
    pub(crate) net_end: Option<usize>,
}

/// Walks one packet and returns its summary and the sink.
pub(crate) fn walk<S: Sink>(link: LinkType, data: &[u8], orig_len: u32, sink: S) -> (Summary, S) {
    let wire_len = usize::try_from(orig_len)
        .unwrap_or(usize::MAX)
        .max(data.len());
    let mut w = Walker {
        data,
        wire_len,
        sink,
        sum: Summary::default(),
        dispatches: 0,
        transport_fixed: false,
        ip_pair: None,
        net_end: None,
    };
    if usize::try_from(orig_len).is_ok_and(|len| len < data.len()) {
        w.problem(
            LayerKind::Link,
            0,
            Problem::CaplenExceedsLen {
                caplen: data.len(),
                len: orig_len,
            },
        );
    }
    link::walk(&mut w, link);
    (w.sum, w.sink)
}

impl<S: Sink> Walker<'_, S> {
    /// Captured length.
    #[inline]
    pub(crate) fn cap(&self) -> usize {
        self.data.len()
    }

    /// Reports a header at `start..end` (clamped to the captured bytes; nothing when none of
    /// it was captured).
    #[inline]
    pub(crate) fn emit(&mut self, hdr: Hdr, start: usize, end: usize) {
        let end = end.min(self.cap());
        if start < end {
            self.sink.header(hdr, start, end);
        }
    }

    /// Records a problem; Truncated and Malformed ones mark the packet broken.
    #[inline]
    pub(crate) fn problem(&mut self, layer: LayerKind, offset: usize, problem: Problem) {
        if problem.kind().breaks() {
            self.sum.broken = true;
        }
        self.sink.problem(layer, offset.min(self.cap()), problem);
    }

    /// Whether `need` bytes from `off` are both in the packet (before `end`) and captured.
    /// When not, records why (the packet is too short, or the capture cut it) and says no.
    pub(crate) fn require(
        &mut self,
        layer: LayerKind,
        proto: &'static str,
        part: &'static str,
        off: usize,
        end: usize,
        need: usize,
    ) -> bool {
        let in_packet = end.saturating_sub(off);
        if in_packet < need {
            self.problem(
                layer,
                off,
                Problem::Short {
                    proto,
                    part,
                    have: in_packet,
                    need,
                },
            );
            return false;
        }
        let captured = self.cap().saturating_sub(off);
        if captured < need {
            self.problem(
                layer,
                off,
                Problem::Cut {
                    proto,
                    part,
                    have: captured,
                    need,
                },
            );
            return false;
        }
        true
    }

    /// Names the packet's protocol unless a transport protocol already did.
    #[inline]
    pub(crate) fn note_proto(&mut self, proto: Proto) {
        if !self.transport_fixed {
            self.sum.proto = proto;
        }
    }

    /// The first transport-level protocol (TCP, UDP, ICMP, ICMPv6, ARP) names the packet.
    #[inline]
    pub(crate) fn fix_transport(&mut self, proto: Proto) {
        if !self.transport_fixed {
            self.sum.proto = proto;
            self.transport_fixed = true;
        }
    }

    /// An IP header's addresses: the outermost go to the summary, the innermost are kept for
    /// TCP segments.
    #[inline]
    pub(crate) fn set_ips(&mut self, src: IpAddr, dst: IpAddr) {
        if self.sum.src.is_none() {
            self.sum.src = Some(src);
            self.sum.dst = Some(dst);
        }
        self.ip_pair = Some((src, dst));
    }

    /// Reads the ports at `off` (when captured) and records them if they are the packet's
    /// first TCP/UDP ports.
    #[inline]
    pub(crate) fn read_ports(&mut self, off: usize, cap_end: usize) -> Option<(u16, u16)> {
        // TCP and UDP both open with source and destination port; the first transport header
        // of the packet gives the summary's ports (tshark's first occurrence).
        let ports = if off + 4 <= cap_end {
            be16(self.data, off).zip(be16(self.data, off + 2))
        } else {
            None
        };
        if let (Some((sport, dport)), None) = (ports, self.sum.sport) {
            self.sum.sport = Some(sport);
            self.sum.dport = Some(dport);
        }
        ports
    }

    #[inline]
    pub(crate) fn set_app(&mut self, app: AppProto) {
        if self.sum.app.is_none() {
            self.sum.app = Some(app);
        }
    }

    /// The first network-layer packet's declared end (for the Ethernet trailer).
    #[inline]
    pub(crate) fn set_net_end(&mut self, end: usize) {
        if self.net_end.is_none() {
            self.net_end = Some(end);
        }
    }

    /// Reports the bytes `start..end` as uninterpreted data, if any were captured.
    #[inline]
    pub(crate) fn data_rest(&mut self, start: usize, end: usize) {
        self.emit(Hdr::Data, start, end);
    }

    /// Counts one protocol dispatch; false (with a problem) when nesting is too deep.
    fn enter(&mut self, layer: LayerKind, off: usize) -> bool {
        if self.dispatches >= MAX_DISPATCH {
            self.problem(layer, off, Problem::TooDeep);
            return false;
        }
        self.dispatches += 1;
        true
    }

    /// Dispatches on an EtherType for the payload at `off..end`.
    pub(crate) fn ethertype(&mut self, et: u16, off: usize, end: usize) {
        if !self.enter(LayerKind::Link, off) {
            self.data_rest(off, end);
            return;
        }
        match et {
            0x0800 => self.ip_by_version(off, end, false),
            0x86dd => ipv6::walk(self, off, end),
            // RARP (0x8035) has ARP's format; tshark's ARP dissector takes both (`arp`).
            0x0806 | 0x8035 => arp::walk(self, off, end),
            0x8100 | 0x88a8 | 0x9100 | 0x9200 => link::vlan(self, off, end),
            0x6558 => link::ethernet(self, off, end, false),
            0x8847 | 0x8848 => tunnel::mpls(self, off, end),
            0x8864 => tunnel::pppoe_session(self, off, end),
            0x8909 => tunnel::cisco_meta(self, off, end, false),
            0xd28b => tunnel::arista(self, off, end),
            0x88e5 => tunnel::macsec(self, off, end),
            0x894f => tunnel::nsh(self, off, end),
            0x8926 => encap::vntag(self, off, end),
            0x2452 => super::links::wlan_centrino(self, off, end),
            0x88e7 => encap::pbb(self, off, end),
            0x8903 => encap::fabricpath(self, off, end),
            _ => {
                self.note_proto(Proto::EtherType(et));
                self.problem(LayerKind::Link, off, Problem::UnknownEtherType(et));
                self.data_rest(off, end);
            }
        }
    }

    /// An IP packet whose version the link layer did not fix: pick by the version nibble
    /// (`v6_only` for links that promise IPv6, where anything else is malformed).
    pub(crate) fn ip_by_version(&mut self, off: usize, end: usize, v6_only: bool) {
        let Some(b0) = self.data.get(off).copied() else {
            let proto = if v6_only { "IPv6" } else { "IPv4" };
            self.require(LayerKind::Internet, proto, "header", off, end, 20);
            return;
        };
        match b0 >> 4 {
            6 => ipv6::walk(self, off, end),
            4 if !v6_only => ipv4::walk(self, off, end),
            v => {
                let proto = if v6_only { "IPv6" } else { "IP" };
                self.problem(
                    LayerKind::Internet,
                    off,
                    Problem::BadVersion { proto, version: v },
                );
                self.data_rest(off, end);
            }
        }
    }

    /// Dispatches on an IP protocol number for the payload at `off..end`.
    pub(crate) fn ip_proto(&mut self, proto: u8, off: usize, end: usize) {
        if !self.enter(LayerKind::Transport, off) {
            self.data_rest(off, end);
            return;
        }
        match proto {
            6 => tcp::walk(self, off, end),
            17 => udp::walk(self, off, end),
            1 => icmp::walk_v4(self, off, end),
            58 => icmp::walk_v6(self, off, end),
            4 => {
                self.note_proto(Proto::Ip(4));
                self.ip_by_version(off, end, false);
            }
            41 => {
                self.note_proto(Proto::Ip(41));
                ipv6::walk(self, off, end);
            }
            47 => tunnel::gre(self, off, end),
            50 => tunnel::esp(self, off, end),
            51 => ipv4::ah(self, off, end),
            59 => self.note_proto(Proto::Ip(59)),
            103 => tunnel::pim(self, off, end),
            super::udplite::IP_PROTO => super::udplite::walk(self, off, end),
            _ => {
                self.note_proto(Proto::Ip(proto));
                self.problem(LayerKind::Transport, off, Problem::UnknownIpProto(proto));
                self.data_rest(off, end);
            }
        }
    }

    /// Looks at a TCP/UDP payload for an application protocol.
    pub(crate) fn application(
        &mut self,
        tcp: bool,
        sport: u16,
        dport: u16,
        off: usize,
        end: usize,
    ) {
        if off >= end {
            return;
        }
        app::walk(self, tcp, sport, dport, off, end);
    }
}
