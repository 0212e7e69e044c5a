//! Number → name tables: EtherTypes, IP protocols, LLC SAPs, ICMP/ICMPv6 types and codes,
//! ARP operations, link-layer families. Long names are for the layer pane, short lowercase
//! ones for the Protocol column / `dump`'s `proto` key. std only (plus etherparse's IANA
//! protocol keywords as a last resort).

/// Human name of an EtherType.
pub(crate) fn ethertype(t: u16) -> Option<&'static str> {
    Some(match t {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x0842 => "Wake-on-LAN",
        0x22eb => "ERSPAN type III",
        0x22f3 => "TRILL",
        0x6002 => "DEC MOP",
        0x6003 => "DECnet Phase IV",
        0x6004 => "DEC LAT",
        0x6558 => "Transparent Ethernet Bridging",
        0x8035 => "RARP",
        0x809b => "AppleTalk",
        0x80f3 => "AppleTalk ARP",
        0x8100 => "802.1Q VLAN",
        0x8137 => "IPX",
        0x86dd => "IPv6",
        0x880b => "PPP",
        0x8808 => "Ethernet flow control",
        0x8809 => "Slow Protocols (LACP)",
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x8863 => "PPPoE Discovery",
        0x8864 => "PPPoE Session",
        0x886f => "Microsoft NLB",
        0x8870 => "Jumbo frames",
        0x887b => "HomePlug 1.0",
        0x888e => "802.1X (EAPOL)",
        0x8892 => "PROFINET",
        0x889a => "HyperSCSI",
        0x88a2 => "ATA over Ethernet",
        0x88a4 => "EtherCAT",
        0x88a8 => "802.1ad QinQ",
        0x88ab => "Ethernet Powerlink",
        0x88b5 | 0x88b6 => "Local experimental",
        0x88be => "ERSPAN",
        0x88cc => "LLDP",
        0x88ca => "TIPC",
        0x88cd => "SERCOS III",
        0x88e1 => "HomePlug AV",
        0x88e3 => "Media Redundancy Protocol",
        0x88e5 => "MACsec",
        0x88e7 => "Provider Backbone Bridges",
        0x88f7 => "PTP (IEEE 1588)",
        0x88f8 => "NC-SI",
        0x88fb => "Parallel Redundancy Protocol",
        0x8902 => "CFM (802.1ag)",
        0x8906 => "FCoE",
        0x8909 => "Cisco MetaData",
        0x8914 => "FCoE Initialization",
        0x8915 => "RoCE",
        0x891d => "TTEthernet",
        0x892f => "HSR",
        0x893a => "IEEE 1905.1",
        0x8940 => "ECP",
        0x8947 => "GeoNetworking",
        0x894f => "NSH",
        0x9000 => "Ethernet loopback",
        0x9100 | 0x9200 => "QinQ (old)",
        0xd28b => "Arista timestamp",
        0x883e => "WCCP",
        _ => return None,
    })
}

/// Short lowercase name of an EtherType for the Protocol column.
pub(crate) fn ethertype_short(t: u16) -> Option<&'static str> {
    Some(match t {
        0x0800 => "ipv4",
        0x0806 => "arp",
        0x0842 => "wol",
        0x6002 => "mop",
        0x6003 => "decnet",
        0x6004 => "lat",
        0x8035 => "rarp",
        0x809b => "appletalk",
        0x80f3 => "aarp",
        0x8137 => "ipx",
        0x86dd => "ipv6",
        0x880b => "ppp",
        0x8808 => "pause",
        0x8809 => "slow",
        0x8847 | 0x8848 => "mpls",
        0x8863 => "pppoed",
        0x8864 => "pppoes",
        0x886f => "msnlb",
        0x888e => "eapol",
        0x8892 => "profinet",
        0x88a2 => "aoe",
        0x88a4 => "ethercat",
        0x88be | 0x22eb => "erspan",
        0x88cc => "lldp",
        0x88ca => "tipc",
        0x88e1 | 0x887b => "homeplug",
        0x88e3 => "mrp",
        0x88e5 => "macsec",
        0x88f7 => "ptp",
        0x8902 => "cfm",
        0x8906 => "fcoe",
        0x8909 => "cmd",
        0x8914 => "fip",
        0x8915 => "roce",
        0x8947 => "geonet",
        0x894f => "nsh",
        0x9000 => "loop",
        0x22f3 => "trill",
        0xd28b => "arista",
        _ => return None,
    })
}

/// Short lowercase name of an IP protocol for the Protocol column.
pub(crate) fn ip_proto_short(p: u8) -> Option<&'static str> {
    Some(match p {
        0 => "hopopt",
        1 => "icmp",
        2 => "igmp",
        4 => "ipip",
        6 => "tcp",
        8 => "egp",
        9 => "igrp",
        17 => "udp",
        27 => "rdp",
        33 => "dccp",
        41 => "ipv6-in-ipv4",
        43 => "ipv6-route",
        44 => "ipv6-frag",
        46 => "rsvp",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        58 => "icmpv6",
        59 => "ipv6-nonxt",
        60 => "ipv6-opts",
        88 => "eigrp",
        89 => "ospf",
        94 => "ipip",
        97 => "etherip",
        103 => "pim",
        108 => "ipcomp",
        112 => "vrrp",
        113 => "pgm",
        115 => "l2tp",
        124 => "isis",
        132 => "sctp",
        135 => "mipv6",
        136 => "udplite",
        137 => "mpls-in-ip",
        139 => "hip",
        143 => "ethernet",
        _ => return None,
    })
}

/// Human name of an IP protocol.
pub(crate) fn ip_proto_long(p: u8) -> Option<&'static str> {
    Some(match p {
        0 => "IPv6 Hop-by-Hop Options",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPv4 (IP-in-IP)",
        6 => "TCP",
        8 => "EGP",
        9 => "IGRP",
        17 => "UDP",
        33 => "DCCP",
        41 => "IPv6",
        43 => "IPv6 Routing",
        44 => "IPv6 Fragment",
        46 => "RSVP",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        59 => "No Next Header",
        60 => "IPv6 Destination Options",
        88 => "EIGRP",
        89 => "OSPF",
        97 => "EtherIP",
        103 => "PIM",
        108 => "IPComp",
        112 => "VRRP",
        113 => "PGM",
        115 => "L2TPv3",
        124 => "IS-IS",
        132 => "SCTP",
        135 => "Mobility Header",
        136 => "UDP-Lite",
        137 => "MPLS-in-IP",
        139 => "HIP",
        143 => "Ethernet",
        _ => return etherparse::IpNumber(p).keyword_str(),
    })
}

/// Human name of an 802.2 LLC service access point.
pub(crate) fn llc_sap(sap: u8) -> Option<&'static str> {
    Some(match sap {
        0x00 => "Null SAP",
        0x06 => "IP",
        0x42 => "Spanning Tree",
        0xaa => "SNAP",
        0xe0 => "IPX",
        0xf0 => "NetBIOS",
        0xf4 => "LAN Management",
        0xfe => "ISO network layer (OSI)",
        0xff => "Global",
        _ => return None,
    })
}

/// Short name for LLC payloads (DSAP).
pub(crate) fn llc_short(sap: u8) -> &'static str {
    match sap {
        0x42 => "stp",
        0xe0 => "ipx",
        0xf0 => "netbios",
        0xfe => "osi",
        _ => "llc",
    }
}

/// Short name of an OSI network-layer protocol (NLPID after LLC SAP 0xfe).
pub(crate) fn osi_short(nlpid: u8) -> &'static str {
    match nlpid {
        0x81 => "clnp",
        0x82 => "esis",
        0x83 => "isis",
        _ => "osi",
    }
}

/// Short name of a SNAP protocol with a non-zero OUI.
pub(crate) fn snap_short(oui: u32, pid: u16) -> &'static str {
    match (oui, pid) {
        (0x00000c, 0x2000) => "cdp",
        (0x00000c, 0x2003) => "vtp",
        (0x00000c, 0x2004) => "dtp",
        (0x00000c, 0x010b) => "pvst",
        (0x00000c, 0x0111) => "udld",
        (0x080007, 0x809b) => "appletalk",
        _ => "snap",
    }
}

/// ICMP (v4) type name.
pub(crate) fn icmp_type(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "echo reply",
        3 => "destination unreachable",
        4 => "source quench",
        5 => "redirect",
        8 => "echo request",
        9 => "router advertisement",
        10 => "router solicitation",
        11 => "time exceeded",
        12 => "parameter problem",
        13 => "timestamp request",
        14 => "timestamp reply",
        15 => "information request",
        16 => "information reply",
        17 => "address mask request",
        18 => "address mask reply",
        30 => "traceroute",
        42 => "extended echo request",
        43 => "extended echo reply",
        _ => return None,
    })
}

/// ICMP (v4) code name for types whose codes mean something.
pub(crate) fn icmp_code(t: u8, c: u8) -> Option<&'static str> {
    Some(match (t, c) {
        (3, 0) => "network unreachable",
        (3, 1) => "host unreachable",
        (3, 2) => "protocol unreachable",
        (3, 3) => "port unreachable",
        (3, 4) => "fragmentation needed and DF set",
        (3, 5) => "source route failed",
        (3, 6) => "destination network unknown",
        (3, 7) => "destination host unknown",
        (3, 8) => "source host isolated",
        (3, 9) => "network administratively prohibited",
        (3, 10) => "host administratively prohibited",
        (3, 11) => "network unreachable for TOS",
        (3, 12) => "host unreachable for TOS",
        (3, 13) => "communication administratively prohibited",
        (3, 14) => "host precedence violation",
        (3, 15) => "precedence cutoff in effect",
        (5, 0) => "redirect for network",
        (5, 1) => "redirect for host",
        (5, 2) => "redirect for TOS and network",
        (5, 3) => "redirect for TOS and host",
        (11, 0) => "TTL exceeded in transit",
        (11, 1) => "fragment reassembly time exceeded",
        (12, 0) => "pointer indicates the error",
        (12, 1) => "missing a required option",
        (12, 2) => "bad length",
        _ => return None,
    })
}

/// ICMPv6 type name.
pub(crate) fn icmpv6_type(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "destination unreachable",
        2 => "packet too big",
        3 => "time exceeded",
        4 => "parameter problem",
        128 => "echo request",
        129 => "echo reply",
        130 => "multicast listener query",
        131 => "multicast listener report",
        132 => "multicast listener done",
        133 => "router solicitation",
        134 => "router advertisement",
        135 => "neighbor solicitation",
        136 => "neighbor advertisement",
        137 => "redirect",
        138 => "router renumbering",
        139 => "node information query",
        140 => "node information response",
        141 => "inverse neighbor discovery solicitation",
        142 => "inverse neighbor discovery advertisement",
        143 => "multicast listener report v2",
        144 => "home agent address discovery request",
        145 => "home agent address discovery reply",
        146 => "mobile prefix solicitation",
        147 => "mobile prefix advertisement",
        151 => "multicast router advertisement",
        152 => "multicast router solicitation",
        153 => "multicast router termination",
        155 => "RPL control",
        _ => return None,
    })
}

/// ICMPv6 code name for types whose codes mean something.
pub(crate) fn icmpv6_code(t: u8, c: u8) -> Option<&'static str> {
    Some(match (t, c) {
        (1, 0) => "no route to destination",
        (1, 1) => "administratively prohibited",
        (1, 2) => "beyond scope of source address",
        (1, 3) => "address unreachable",
        (1, 4) => "port unreachable",
        (1, 5) => "source address failed policy",
        (1, 6) => "reject route to destination",
        (1, 7) => "error in source routing header",
        (3, 0) => "hop limit exceeded in transit",
        (3, 1) => "fragment reassembly time exceeded",
        (4, 0) => "erroneous header field",
        (4, 1) => "unrecognized next header",
        (4, 2) => "unrecognized IPv6 option",
        _ => return None,
    })
}

/// ARP operation name.
pub(crate) fn arp_op(op: u16) -> Option<&'static str> {
    Some(match op {
        1 => "request",
        2 => "reply",
        3 => "RARP request",
        4 => "RARP reply",
        8 => "InARP request",
        9 => "InARP reply",
        _ => return None,
    })
}

/// ARP hardware type name.
pub(crate) fn arp_hw(h: u16) -> Option<&'static str> {
    Some(match h {
        1 => "Ethernet",
        6 => "IEEE 802",
        15 => "Frame Relay",
        16 => "ATM",
        20 => "Serial",
        32 => "InfiniBand",
        _ => return None,
    })
}

/// Linux ARPHRD_* device type name (SLL / SLL2).
pub(crate) fn arphrd(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "Ethernet",
        24 => "IEEE 1394",
        32 => "InfiniBand",
        512 => "PPP",
        768 => "IPIP tunnel",
        769 => "IPv6-in-IPv4 tunnel",
        772 => "Loopback",
        776 => "IPv6-in-IPv4 (SIT)",
        778 => "GRE tunnel",
        801 => "802.11",
        803 => "802.11 radiotap",
        823 => "GRE6 tunnel",
        824 => "Netlink",
        65534 => "None (tun)",
        65535 => "Void",
        _ => return None,
    })
}

/// Linux packet type (SLL / SLL2).
pub(crate) fn sll_packet_type(t: u16) -> Option<&'static str> {
    Some(match t {
        0 => "unicast to us",
        1 => "broadcast",
        2 => "multicast",
        3 => "unicast to another host",
        4 => "sent by us",
        _ => return None,
    })
}

/// BSD address family as stored in NULL / LOOP headers.
pub(crate) fn bsd_family(f: u32) -> Option<&'static str> {
    Some(match f {
        2 => "IPv4",
        7 => "OSI",
        10 | 24 | 28 | 30 => "IPv6",
        23 => "IPX",
        _ => return None,
    })
}

/// DSCP name (RFC 2474 / 2597 / 3246 / 5865).
pub(crate) fn dscp(d: u8) -> String {
    match d {
        0 => "Default (CS0)".into(),
        46 => "Expedited Forwarding (EF)".into(),
        44 => "Voice Admit".into(),
        d if d % 8 == 0 => format!("Class Selector {}", d / 8),
        d if matches!(d, 10 | 12 | 14 | 18 | 20 | 22 | 26 | 28 | 30 | 34 | 36 | 38) => {
            format!("Assured Forwarding {}{}", d / 8, (d % 8) / 2)
        }
        1 => "Lower Effort".into(),
        _ => "unassigned".into(),
    }
}

/// ECN codepoint name.
pub(crate) fn ecn(e: u8) -> &'static str {
    match e & 3 {
        0 => "Not-ECT",
        1 => "ECT(1)",
        2 => "ECT(0)",
        _ => "CE (congestion experienced)",
    }
}

/// What a pcap link type (`LINKTYPE_*`) is, for link types people meet in captures.
pub(crate) fn link_type(n: u32) -> Option<&'static str> {
    Some(match n {
        0 => "BSD loopback",
        1 => "Ethernet",
        6 => "Token Ring",
        8 => "SLIP",
        9 => "PPP",
        10 => "FDDI",
        50 => "PPP in HDLC-like framing",
        51 => "PPPoE",
        100 => "ATM RFC 1483",
        101 | 12 | 14 => "raw IP",
        104 => "Cisco HDLC",
        105 => "IEEE 802.11",
        107 => "Frame Relay",
        108 => "OpenBSD loopback",
        113 => "Linux cooked",
        119 => "IEEE 802.11 Prism",
        122 => "IP over Fibre Channel",
        127 => "IEEE 802.11 radiotap",
        138 => "Apple IP-over-IEEE 1394",
        139 => "SS7 MTP2 with pseudo-header",
        140 => "SS7 MTP2",
        141 => "SS7 MTP3",
        142 => "SS7 SCCP",
        143 => "DOCSIS",
        144 => "Linux IrDA",
        147..=162 => "user-defined",
        163 => "IEEE 802.11 AVS",
        165 => "BACnet MS/TP",
        166 => "PPP with pppd direction",
        177 => "Linux LAPD",
        187 => "Bluetooth HCI H4",
        189 => "Linux USB",
        192 => "IEEE 802.11 PPI",
        195 => "IEEE 802.15.4",
        196 => "SITA",
        197 => "ERF",
        199 => "IPMB",
        201 => "Bluetooth HCI H4 with pseudo-header",
        204 => "PPP with direction",
        215 => "IEEE 802.15.4 non-ASK PHY",
        220 => "Linux USB (memory-mapped)",
        227 => "SocketCAN",
        228 => "raw IPv4",
        229 => "raw IPv6",
        239 => "Linux NFLOG",
        249 => "USB/IP",
        253 => "Linux netlink",
        254 => "Bluetooth Linux monitor",
        276 => "Linux cooked v2",
        289 => "ATSC ALP",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_names() {
        assert_eq!(ethertype_short(0x88cc), Some("lldp"));
        assert_eq!(ip_proto_short(47), Some("gre"));
        assert_eq!(ip_proto_long(255), Some("Reserved"));
        assert_eq!(dscp(10), "Assured Forwarding 11");
        assert_eq!(dscp(46), "Expedited Forwarding (EF)");
        assert_eq!(dscp(24), "Class Selector 3");
        assert_eq!(icmp_code(3, 3), Some("port unreachable"));
        assert_eq!(icmpv6_type(135), Some("neighbor solicitation"));
    }
}
