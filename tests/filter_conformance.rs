//! Display-filter conformance: every filter of tests/filter_conformance/filters.txt, on every
//! capture of files.txt (assets/demo, the tcpdump corpus and a sample of the public one),
//! must match exactly the frames `tshark -Y` (4.0.17) matches. tshark's answers are in
//! truth.txt, made by make_truth.sh beside it (tshark is not needed to run this test).
//! Differences tshark and synack are known to have are listed in EXCEPTIONS, each with its
//! reason and the exact number of frames that differ; an excepted filter never counts as
//! agreeing. Prints `N/M filters agree`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use synack::decode;
use synack::filter::{Filter, PacketCtx};
use synack::flow::FlowTracker;
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

// Why tshark and synack differ, by cause. Each exception below names one of these; each was
// checked on the frames it excuses (tshark -V against synack dump -v).

/// A netlink batch of several NFLOG messages in one frame, each carrying a packet: synack
/// decodes the first message's packet, tshark all of them (a filter matches any of them).
const NETLINK_BATCH: &str =
    "netlink batch: synack decodes the first message's packet, tshark every message's";
/// BIG TCP over IPv6: a jumbogram with payload length 0 and no Jumbo Payload option (alone or
/// inside VXLAN/Geneve). synack takes the length from the frame and decodes the headers inside;
/// tshark 4.0 stops at the IPv6 header.
const JUMBO: &str = "IPv6 jumbogram without a Jumbo option: tshark 4.0 stops at the IPv6 header";
/// IP fragments: tshark reassembles and shows the transport on the last fragment; synack reads
/// it in the first (docs/filters.md says so).
const FRAG: &str = "IP reassembly: tshark shows the transport on the last fragment";
/// TCP reassembly: tshark shows an HTTP/TLS/DNS message in the segment where it ends (and none
/// when a segment is missing), synack in the segment where it starts (docs/filters.md).
const REASSEMBLY: &str = "TCP reassembly: tshark shows the message where it ends";
/// tshark decodes DNS on UDP ports other than 53 (8053 and ports it learns from a
/// conversation, as SOME/IP service discovery and a 65333 resolver); synack's `dns` is port 53.
const DNS_PORTS: &str = "tshark decodes DNS on ports other than 53";
/// TLS on IMAPS (993) towards an NFS port and after POP3's STLS: tshark follows the port table
/// and the STARTTLS exchange, synack only recognises a record that starts a segment.
const TLS_ELSEWHERE: &str = "tshark finds TLS by port table and STARTTLS";
/// QUIC: tshark decrypts the Initial packets and shows the TLS handshake in their CRYPTO
/// frames; synack does not decode QUIC.
const QUIC: &str = "TLS inside QUIC Initial packets (synack does not decode QUIC)";
/// HTTP over SCTP: synack does not decode SCTP.
const SCTP: &str = "SCTP is not decoded by synack";
/// Arista's EtherType 0xd28b (timestamp header): tshark 4.0's AVSP dissector stops there,
/// synack decodes the frame after it.
const AVSP: &str = "Arista 0xd28b: tshark 4.0 does not dissect past the AVSP header";
/// IPv6 next header 143 (Ethernet, SRv6 L2 service): not decoded by synack.
const SRV6_ETH: &str = "IPv6 next header 143 (Ethernet) is not decoded by synack";
/// GRE protocol 0x2001 (NHRP): tshark decodes NHRP and the packet an error indication quotes;
/// synack does not decode NHRP.
const NHRP: &str = "NHRP (GRE 0x2001) is not decoded by synack";
/// VXLAN-GPE (UDP 4790) carrying NSH: not decoded by synack.
const VXLAN_GPE: &str = "VXLAN-GPE (UDP 4790) is not decoded by synack";
/// OpenFlow (TCP 6633/6653) packet-in/out messages carry whole frames: tshark decodes them,
/// synack does not decode OpenFlow.
const OPENFLOW: &str = "frames inside OpenFlow messages (not decoded by synack)";
/// sFlow (UDP 6343) flow samples carry packet headers: tshark decodes them, synack does not
/// decode sFlow.
const SFLOW: &str = "packet headers inside sFlow samples (not decoded by synack)";
/// Link type 177 (LINUX_LAPD): wiretap strips the 16-byte pseudo-header from frame.len and
/// frame.cap_len; synack keeps it (docs/decoding.md: frame.len keeps pseudo-headers).
const LAPD: &str = "LINUX_LAPD: tshark's frame lengths leave out the 16-byte pseudo-header";
/// Link type 7 (ARCNET): not decoded by synack (issue 11's undecoded link types).
const ARCNET: &str = "ARCNET link type is not decoded by synack";
/// Link type 195 (IEEE 802.15.4, 6LoWPAN): not decoded by synack.
const WPAN: &str = "IEEE 802.15.4 / 6LoWPAN is not decoded by synack";
/// Timestamps tshark reads differently: after 2038 (epoch above 2^31 s) tshark 4.0 finds
/// `frame.time_epoch < 1000000000` true; a microsecond field of 1,000,000 or more, and records
/// past 2106, give other `frame.time_relative` values.
const TIME: &str = "timestamps after 2038 or invalid: tshark 4.0 compares them differently";
/// Fuzzer captures with an IP header whose version nibble is wrong: tshark still adds the
/// `ip`/`ipv6` protocol it was handed to (and on Ethernet stops at `data`), synack reports the
/// header as malformed under the version it carries.
const BOGUS_VERSION: &str = "IP header with a bogus version: tshark and synack name it differently";
/// Fuzzer captures whose wire length (262,144) is far above what was captured: tshark gives
/// their TCP header no `tcp.len` or no sequence analysis (an absolute `tcp.seq`, no bytes in
/// flight); synack computes them from the IP length.
const SNAP_TCP: &str = "TCP in a fuzzed frame cut far below its wire length: tshark skips analysis";
/// IPv4 header length below 20 or total length below the header: tshark stops before the
/// fixed fields (ttl, protocol, addresses); synack reads them and marks the header malformed.
const BAD_IPV4_LEN: &str = "IPv4 header/total length too small: tshark drops the fixed fields";
/// Records shorter than an Ethernet header, or claiming more captured than wire bytes: tshark
/// shows no `eth`, synack shows the part it could read.
const SHORT_FRAME: &str = "a record shorter than an Ethernet header: tshark shows no eth";
/// A header cut short or with impossible lengths (fuzzer captures: ARP with an ATM hardware
/// type, a DNS label loop, a UDP length beyond the frame, a 3-byte ICMP header, a TCP header
/// shorter than 20 bytes): tshark's dissector throws and keeps or drops fields at a different
/// place than synack, which keeps what it could read and marks the rest.
const MALFORMED: &str =
    "a malformed header: tshark's exception and synack stop at different places";

/// (filter as in filters.txt, capture file name, frames that differ, why). The number of
/// frames is pinned: a different count is a new difference and fails.
const EXCEPTIONS: &[(&str, &str, usize, &str)] = &[
    ("icmp", "ws-wiki__netlink-nflog.pcap", 1, NETLINK_BATCH),
    ("tcp", "ws-wiki__netlink-nflog.pcap", 1, NETLINK_BATCH),
    ("http", "ws-wiki__netlink-nflog.pcap", 1, NETLINK_BATCH),
    (
        "ip.addr === 10.0.0.0/8",
        "ws-wiki__netlink-nflog.pcap",
        2,
        NETLINK_BATCH,
    ),
    (
        "ip.len > 1400",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "icmp.type == 8",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.port in {80, 443, 8080}",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.port ~= 80",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.srcport == 80",
        "ws-wiki__netlink-nflog.pcap",
        2,
        NETLINK_BATCH,
    ),
    (
        "tcp.dstport gt 1023",
        "ws-wiki__netlink-nflog.pcap",
        2,
        NETLINK_BATCH,
    ),
    (
        "tcp.stream == 0",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.len > 0",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.len == 0",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.seq == 0",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.ack == 1",
        "ws-wiki__netlink-nflog.pcap",
        2,
        NETLINK_BATCH,
    ),
    (
        "tcp.flags == 0x012",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.flags.syn == 1 && tcp.flags.ack == 0",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.flags.fin == 1",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.flags.push == 1",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.options.mss_val == 1460",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.analysis.initial_rtt > 0.01",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "http.request.method == \"GET\"",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "http.request.uri contains \"/\"",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "http.host matches \"^www\"",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "http.response.code == 200",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    ("!tcp", "ws-wiki__netlink-nflog.pcap", 1, NETLINK_BATCH),
    (
        "!(tcp.port == 80)",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.port not in {80, 443}",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp contains \"GET\"",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.analysis.flags",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.analysis.flags && !tcp.analysis.window_update",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.analysis.retransmission",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.analysis.ack_rtt > 0.05",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    (
        "tcp.analysis.initial_rtt",
        "ws-wiki__netlink-nflog.pcap",
        1,
        NETLINK_BATCH,
    ),
    ("ipv6", "LINKTYPE_IPV6_invalid.pcap", 1, BOGUS_VERSION),
    ("http", "accecn_handshake.pcap", 1, REASSEMBLY),
    (
        "http.response.code == 200",
        "accecn_handshake.pcap",
        1,
        REASSEMBLY,
    ),
    ("udp", "afs.pcap", 102, FRAG),
    ("udp contains 00:01", "afs.pcap", 102, FRAG),
    ("ip", "arista_ether.pcap", 4, AVSP),
    ("vlan", "arista_ether.pcap", 3, AVSP),
    ("vlan.id > 0", "arista_ether.pcap", 3, AVSP),
    ("ip.addr == 10.0.0.0/8", "arista_ether.pcap", 4, AVSP),
    ("ip.addr === 10.0.0.0/8", "arista_ether.pcap", 4, AVSP),
    ("ip.ttl == 64", "arista_ether.pcap", 4, AVSP),
    ("ip.id == 0", "arista_ether.pcap", 4, AVSP),
    ("not ip", "arista_ether.pcap", 4, AVSP),
    (
        "ip.src == 10.0.0.0/8 and not tcp.port in {22, 23}",
        "arista_ether.pcap",
        4,
        AVSP,
    ),
    (
        "ip.src == 10.0.0.1 or ip.dst ne 10.0.0.2",
        "arista_ether.pcap",
        4,
        AVSP,
    ),
    ("arp", "arp-oobr.pcap", 1, MALFORMED),
    (
        "ip",
        "bad-ipv4-version-pgm-heapoverflow.pcap",
        1,
        BOGUS_VERSION,
    ),
    (
        "not ip",
        "bad-ipv4-version-pgm-heapoverflow.pcap",
        1,
        BOGUS_VERSION,
    ),
    ("ipv6", "beep-oobr.pcap", 1, BOGUS_VERSION),
    (
        "tcp.len > 0",
        "bgp-bgp_capabilities_print-oobr-1.pcap",
        1,
        SNAP_TCP,
    ),
    (
        "tcp.seq == 0",
        "bgp-bgp_capabilities_print-oobr-1.pcap",
        1,
        SNAP_TCP,
    ),
    (
        "tcp.len > 0",
        "bgp-bgp_capabilities_print-oobr-2.pcap",
        1,
        SNAP_TCP,
    ),
    (
        "tcp.seq == 0",
        "bgp-bgp_capabilities_print-oobr-2.pcap",
        1,
        SNAP_TCP,
    ),
    ("tcp.len > 0", "bgp_pmsi_tunnel-oobr.pcap", 1, SNAP_TCP),
    ("frame.time_relative >= 1", "bgp_vpn_rt-oobr.pcap", 1, TIME),
    (
        "frame.time_epoch < 1000000000",
        "bgp_vpn_rt-oobr.pcap",
        1,
        TIME,
    ),
    ("ip", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("tcp", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("udp", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    (
        "eth.type != 0x0800",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "ip.src == 192.168.0.0/16",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "ip.addr != 10.0.0.0/8",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("ip.ttl == 64", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("ip.flags.df == 1", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("tcp.port ~= 80", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    (
        "tcp.dstport gt 1023",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("tcp.stream == 0", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("tcp.len > 0", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("tcp.ack == 1", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    (
        "tcp.ack_raw > 4000000000",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.flags.push == 1",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.window_size_value < 1000",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("udp.length < 30", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("!tcp", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    ("not ip", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    (
        "(udp || icmp) && ip.ttl < 128",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "udp contains 00:01",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "ip.src == 10.0.0.1 or ip.dst ne 10.0.0.2",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("tcp", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    ("udp", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    ("tcp.port ~= 80", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    (
        "tcp.dstport gt 1023",
        "bigtcp-ipv6-geneve-ipv6.pcap",
        1,
        JUMBO,
    ),
    ("tcp.stream == 0", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    ("tcp.len > 0", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    ("tcp.ack == 1", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    (
        "tcp.flags.push == 1",
        "bigtcp-ipv6-geneve-ipv6.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.window_size_value < 1000",
        "bigtcp-ipv6-geneve-ipv6.pcap",
        1,
        JUMBO,
    ),
    ("udp.length < 30", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    ("!tcp", "bigtcp-ipv6-geneve-ipv6.pcap", 1, JUMBO),
    (
        "udp contains 00:01",
        "bigtcp-ipv6-geneve-ipv6.pcap",
        1,
        JUMBO,
    ),
    ("ip", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("tcp", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("udp", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    (
        "eth.type != 0x0800",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "ip.src == 192.168.0.0/16",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "ip.addr != 10.0.0.0/8",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("ip.ttl == 64", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("ip.flags.df == 1", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("tcp.port ~= 80", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    (
        "tcp.dstport gt 1023",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("tcp.stream == 0", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("tcp.len > 0", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("tcp.ack == 1", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    (
        "tcp.flags.push == 1",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("udp.length < 30", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("!tcp", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    ("not ip", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    (
        "(udp || icmp) && ip.ttl < 128",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "udp contains 00:01",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "ip.src == 10.0.0.1 or ip.dst ne 10.0.0.2",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    ("tcp", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    ("udp", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    ("tcp.port ~= 80", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    (
        "tcp.dstport gt 1023",
        "bigtcp-ipv6-vxlan-ipv6.pcap",
        1,
        JUMBO,
    ),
    ("tcp.stream == 0", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    ("tcp.len > 0", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    ("tcp.ack == 1", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    (
        "tcp.flags.push == 1",
        "bigtcp-ipv6-vxlan-ipv6.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.window_size_value < 1000",
        "bigtcp-ipv6-vxlan-ipv6.pcap",
        1,
        JUMBO,
    ),
    ("udp.length < 30", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    ("!tcp", "bigtcp-ipv6-vxlan-ipv6.pcap", 1, JUMBO),
    (
        "udp contains 00:01",
        "bigtcp-ipv6-vxlan-ipv6.pcap",
        1,
        JUMBO,
    ),
    ("tcp", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("tcp.port ~= 80", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("tcp.dstport gt 1023", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("tcp.stream == 0", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("tcp.len > 0", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("tcp.ack == 1", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("tcp.flags.push == 1", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("tcp.window_size_value < 1000", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("!tcp", "bigtcp-ipv6.pcap", 1, JUMBO),
    ("dns", "dns-badlabel.pcap", 1, MALFORMED),
    ("dns", "dns_fwdptr.pcap", 1, MALFORMED),
    ("dns", "dns_udp_8053.pcap", 2, DNS_PORTS),
    (
        "dns.qry.name matches \"\\\\.(com|org)$\"",
        "dns_udp_8053.pcap",
        2,
        DNS_PORTS,
    ),
    ("dns.flags.response == 0", "dns_udp_8053.pcap", 1, DNS_PORTS),
    ("ip", "extract_read2_asan.pcap", 1, MALFORMED),
    ("icmp", "extract_read2_asan.pcap", 1, MALFORMED),
    ("frame.number <= 3", "extract_read2_asan.pcap", 1, MALFORMED),
    ("frame.len > 1000", "extract_read2_asan.pcap", 1, MALFORMED),
    (
        "frame.cap_len lt 60",
        "extract_read2_asan.pcap",
        1,
        MALFORMED,
    ),
    (
        "ip.addr != 10.0.0.0/8",
        "extract_read2_asan.pcap",
        1,
        MALFORMED,
    ),
    ("ip.ttl < 10", "extract_read2_asan.pcap", 1, MALFORMED),
    ("icmp.code != 0", "extract_read2_asan.pcap", 1, MALFORMED),
    ("!tcp", "extract_read2_asan.pcap", 1, MALFORMED),
    ("!(tcp.port == 80)", "extract_read2_asan.pcap", 1, MALFORMED),
    (
        "(udp || icmp) && ip.ttl < 128",
        "extract_read2_asan.pcap",
        1,
        MALFORMED,
    ),
    (
        "tcp.port not in {80, 443}",
        "extract_read2_asan.pcap",
        1,
        MALFORMED,
    ),
    (
        "ip.src == 10.0.0.1 or ip.dst ne 10.0.0.2",
        "extract_read2_asan.pcap",
        1,
        MALFORMED,
    ),
    ("ip", "gre-heapoverflow-1.pcap", 1, BOGUS_VERSION),
    ("not ip", "gre-heapoverflow-1.pcap", 1, BOGUS_VERSION),
    ("ipv6", "hoobr_rt6_print.pcap", 2, BOGUS_VERSION),
    ("icmp", "icmp-icmp_print-oobr-1.pcap", 1, MALFORMED),
    (
        "icmp.code != 0",
        "icmp-icmp_print-oobr-1.pcap",
        1,
        MALFORMED,
    ),
    (
        "(udp || icmp) && ip.ttl < 128",
        "icmp-icmp_print-oobr-1.pcap",
        1,
        MALFORMED,
    ),
    (
        "ip.addr != 10.0.0.0/8",
        "ipv4_invalid_hdr_length.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ip.ttl == 64",
        "ipv4_invalid_hdr_length.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ip.proto == 17",
        "ipv4_invalid_hdr_length.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ip.src == 10.0.0.1 or ip.dst ne 10.0.0.2",
        "ipv4_invalid_hdr_length.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ip.addr != 10.0.0.0/8",
        "ipv4_invalid_total_length_2.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ip.ttl == 64",
        "ipv4_invalid_total_length_2.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ip.proto == 17",
        "ipv4_invalid_total_length_2.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ip.src == 10.0.0.1 or ip.dst ne 10.0.0.2",
        "ipv4_invalid_total_length_2.pcap",
        1,
        BAD_IPV4_LEN,
    ),
    (
        "ipv6.addr == fe80::/10",
        "ipv6-bad-version.pcap",
        1,
        BOGUS_VERSION,
    ),
    (
        "ipv6.src == ::1 || ipv6.dst == ff02::1",
        "ipv6-bad-version.pcap",
        2,
        BOGUS_VERSION,
    ),
    (
        "ipv6.dst == ff02::/16",
        "ipv6-bad-version.pcap",
        2,
        BOGUS_VERSION,
    ),
    (
        "ipv6.hlim == 255",
        "ipv6-bad-version.pcap",
        2,
        BOGUS_VERSION,
    ),
    ("ipv6.nxt == 58", "ipv6-bad-version.pcap", 2, BOGUS_VERSION),
    ("icmpv6", "ipv6-srh-ipproto-ether.pcap", 1, SRV6_ETH),
    ("ipv6.nxt == 58", "ipv6-srh-ipproto-ether.pcap", 1, SRV6_ETH),
    ("ip", "kday1.pcap", 1, BOGUS_VERSION),
    ("not ip", "kday1.pcap", 1, BOGUS_VERSION),
    ("ip", "kday3.pcap", 1, BOGUS_VERSION),
    ("not ip", "kday3.pcap", 1, BOGUS_VERSION),
    ("eth", "l2tp-avp-overflow.pcap", 2, SHORT_FRAME),
    ("tls", "nfs-write-verf-cookie.pcapng", 2, TLS_ELSEWHERE),
    ("icmp", "nhrp-trace.pcap", 1, NHRP),
    ("ip.addr == 10.0.0.0/8", "nhrp-trace.pcap", 1, NHRP),
    ("ip.addr != 10.0.0.0/8", "nhrp-trace.pcap", 1, NHRP),
    ("icmp.type == 8", "nhrp-trace.pcap", 1, NHRP),
    (
        "ip.src == 10.0.0.0/8 and not tcp.port in {22, 23}",
        "nhrp-trace.pcap",
        1,
        NHRP,
    ),
    (
        "ip.src == 192.168.0.0/16",
        "nsh-over-vxlan-gpe.pcap",
        1,
        VXLAN_GPE,
    ),
    ("udp.length < 30", "nsh-over-vxlan-gpe.pcap", 1, VXLAN_GPE),
    ("udp", "of13_ericsson.pcapng", 3, OPENFLOW),
    (
        "ip.src == 192.168.0.0/16",
        "of13_ericsson.pcapng",
        4,
        OPENFLOW,
    ),
    ("ip.proto == 17", "of13_ericsson.pcapng", 4, OPENFLOW),
    ("udp.length < 30", "of13_ericsson.pcapng", 3, OPENFLOW),
    (
        "(udp || icmp) && ip.ttl < 128",
        "of13_ericsson.pcapng",
        3,
        OPENFLOW,
    ),
    ("frame.time_relative >= 1", "olsr-oobr-2.pcap", 2, TIME),
    ("frame.time_epoch < 1000000000", "olsr-oobr-2.pcap", 1, TIME),
    ("eth", "pim_header_asan-2.pcap", 1, SHORT_FRAME),
    ("tls", "quic_handshake.pcap", 2, QUIC),
    ("tls.handshake.type == 1", "quic_handshake.pcap", 1, QUIC),
    ("tls", "quic_handshake_truncated.pcap", 1, MALFORMED),
    ("tls", "quic_retry.pcap", 2, QUIC),
    ("tls.handshake.type == 1", "quic_retry.pcap", 1, QUIC),
    ("tls", "quic_vn.pcap", 1, QUIC),
    ("tcp.len > 0", "rpki-rtr-oobr.pcap", 1, SNAP_TCP),
    ("dns", "rtp-seg-fault-1.pcapng", 1, MALFORMED),
    (
        "dns.flags.response == 0",
        "rtp-seg-fault-1.pcapng",
        1,
        MALFORMED,
    ),
    ("ip", "sflow-print-v6.pcap", 5, SFLOW),
    ("eth.type != 0x0800", "sflow-print-v6.pcap", 5, SFLOW),
    ("ip.addr == 10.0.0.0/8", "sflow-print-v6.pcap", 5, SFLOW),
    ("ip.ttl == 64", "sflow-print-v6.pcap", 5, SFLOW),
    ("ip.id == 0", "sflow-print-v6.pcap", 5, SFLOW),
    ("not ip", "sflow-print-v6.pcap", 5, SFLOW),
    (
        "(udp || icmp) && ip.ttl < 128",
        "sflow-print-v6.pcap",
        5,
        SFLOW,
    ),
    (
        "ip.src == 10.0.0.0/8 and not tcp.port in {22, 23}",
        "sflow-print-v6.pcap",
        5,
        SFLOW,
    ),
    (
        "ip.src == 10.0.0.1 or ip.dst ne 10.0.0.2",
        "sflow-print-v6.pcap",
        5,
        SFLOW,
    ),
    ("tcp", "sflow_expanded.pcap", 1, SFLOW),
    ("vlan", "sflow_expanded.pcap", 1, SFLOW),
    ("vlan.id > 0", "sflow_expanded.pcap", 1, SFLOW),
    ("ip.flags.df == 1", "sflow_expanded.pcap", 1, SFLOW),
    ("tcp.port ~= 80", "sflow_expanded.pcap", 1, SFLOW),
    ("tcp.dstport gt 1023", "sflow_expanded.pcap", 1, SFLOW),
    ("tcp.stream == 0", "sflow_expanded.pcap", 1, SFLOW),
    ("tcp.flags.push == 1", "sflow_expanded.pcap", 1, SFLOW),
    (
        "tcp.window_size_value < 1000",
        "sflow_expanded.pcap",
        1,
        SFLOW,
    ),
    ("!tcp", "sflow_expanded.pcap", 1, SFLOW),
    ("dns", "someip1.pcap", 3, DNS_PORTS),
    ("tcp.len > 0", "tcp_header_heapoverflow.pcap", 1, SNAP_TCP),
    ("frame.time_epoch < 1000000000", "time_2106.pcap", 1, TIME),
    (
        "frame.time_epoch < 1000000000",
        "time_2106_max.pcap",
        1,
        TIME,
    ),
    (
        "frame.time_epoch < 1000000000",
        "time_2106_overflow.pcapng",
        1,
        TIME,
    ),
    ("frame.time_epoch < 1000000000", "time_2107.pcapng", 1, TIME),
    (
        "frame.time_relative >= 1",
        "timestamp_invalid_micro.pcap",
        1,
        TIME,
    ),
    (
        "tcp.analysis.initial_rtt > 0.01",
        "timestamp_invalid_micro.pcap",
        1,
        TIME,
    ),
    ("udp", "pcapplusplus__ip6_fragments.pcap", 8, FRAG),
    (
        "dns.flags.response == 0",
        "pcapplusplus__ip6_fragments.pcap",
        1,
        FRAG,
    ),
    (
        "udp contains 00:01",
        "pcapplusplus__ip6_fragments.pcap",
        4,
        FRAG,
    ),
    (
        "tcp.len == 0",
        "pcapplusplus__tcp-malformed.pcap",
        2,
        MALFORMED,
    ),
    (
        "tcp.ack == 1",
        "pcapplusplus__tcp-malformed.pcap",
        2,
        MALFORMED,
    ),
    ("dns", "ppa-chrissanders__dns_tcp.pcapng", 1, REASSEMBLY),
    (
        "icmpv6",
        "ppa-chrissanders__ipv6_fragments.pcapng",
        20,
        FRAG,
    ),
    ("http", "ppa-chrissanders__tcp_dupack.pcapng", 1, REASSEMBLY),
    ("tls", "ws-wiki__DICOM_C-ECHO-echoscu.pcap", 1, REASSEMBLY),
    ("tls", "ws-wiki__DumpFile01.pcap", 43, REASSEMBLY),
    ("http", "ws-wiki__Ex03-www_umuc_edu.cap", 18, REASSEMBLY),
    (
        "http.response.code == 200",
        "ws-wiki__Ex03-www_umuc_edu.cap",
        13,
        REASSEMBLY,
    ),
    ("http", "ws-wiki__LDAP-capture2.pcap", 30, REASSEMBLY),
    (
        "http.response.code == 200",
        "ws-wiki__LDAP-capture2.pcap",
        30,
        REASSEMBLY,
    ),
    ("udp", "ws-wiki__OptoMMP.pcap", 4, FRAG),
    (
        "(udp || icmp) && ip.ttl < 128",
        "ws-wiki__OptoMMP.pcap",
        2,
        FRAG,
    ),
    ("udp contains 00:01", "ws-wiki__OptoMMP.pcap", 4, FRAG),
    ("icmp", "ws-wiki__Ping-1600-bytes.pcap", 8, FRAG),
    ("icmp.type == 8", "ws-wiki__Ping-1600-bytes.pcap", 8, FRAG),
    (
        "http",
        "ws-wiki__RawPacketIPv6Tunnel-UK6x.cap",
        16,
        REASSEMBLY,
    ),
    (
        "http.response.code == 200",
        "ws-wiki__RawPacketIPv6Tunnel-UK6x.cap",
        16,
        REASSEMBLY,
    ),
    (
        "frame.cap_len lt 60",
        "ws-wiki__abis-accept-network.pcap",
        3,
        LAPD,
    ),
    ("arp", "ws-wiki__bacnet-arcnet.cap", 5, ARCNET),
    ("ip", "ws-wiki__bacnet-arcnet.cap", 5, ARCNET),
    ("not ip", "ws-wiki__bacnet-arcnet.cap", 5, ARCNET),
    (
        "http",
        "ws-wiki__cmp_IR_sequence_-OpenSSL-EJBCA.pcap",
        4,
        REASSEMBLY,
    ),
    (
        "http.request.method in {\"POST\", \"PUT\"}",
        "ws-wiki__cmp_IR_sequence_-OpenSSL-EJBCA.pcap",
        4,
        REASSEMBLY,
    ),
    (
        "http.request.uri contains \"/\"",
        "ws-wiki__cmp_IR_sequence_-OpenSSL-EJBCA.pcap",
        4,
        REASSEMBLY,
    ),
    ("dns", "ws-wiki__dns_port.pcap", 2, DNS_PORTS),
    (
        "dns.qry.name matches \"\\\\.(com|org)$\"",
        "ws-wiki__dns_port.pcap",
        2,
        DNS_PORTS,
    ),
    (
        "dns.flags.response == 0",
        "ws-wiki__dns_port.pcap",
        1,
        DNS_PORTS,
    ),
    ("http", "ws-wiki__http-ipv6.pcap", 3, REASSEMBLY),
    ("http", "ws-wiki__http_PPI.cap", 2, REASSEMBLY),
    ("http", "ws-wiki__http_redirects.pcapng", 48, REASSEMBLY),
    (
        "http.response.code == 200",
        "ws-wiki__http_redirects.pcapng",
        17,
        REASSEMBLY,
    ),
    ("icmp", "ws-wiki__ipv4frags.pcap", 2, FRAG),
    ("icmp.type == 8", "ws-wiki__ipv4frags.pcap", 2, FRAG),
    (
        "(udp || icmp) && ip.ttl < 128",
        "ws-wiki__ipv4frags.pcap",
        2,
        FRAG,
    ),
    ("udp", "ws-wiki__papi_apboot_5.0.pcap", 1, FRAG),
    (
        "(udp || icmp) && ip.ttl < 128",
        "ws-wiki__papi_apboot_5.0.pcap",
        1,
        FRAG,
    ),
    (
        "udp contains 00:01",
        "ws-wiki__papi_apboot_5.0.pcap",
        1,
        FRAG,
    ),
    ("tls", "ws-wiki__pop-ssl.pcapng", 4, TLS_ELSEWHERE),
    (
        "ipv6",
        "ws-wiki__rpl-dio-mc-nsa-optional-tlv-dissector-sample.pcap",
        3,
        WPAN,
    ),
    (
        "icmpv6",
        "ws-wiki__rpl-dio-mc-nsa-optional-tlv-dissector-sample.pcap",
        3,
        WPAN,
    ),
    (
        "ipv6.addr == fe80::/10",
        "ws-wiki__rpl-dio-mc-nsa-optional-tlv-dissector-sample.pcap",
        3,
        WPAN,
    ),
    (
        "ipv6.dst == ff02::/16",
        "ws-wiki__rpl-dio-mc-nsa-optional-tlv-dissector-sample.pcap",
        3,
        WPAN,
    ),
    (
        "ipv6.nxt == 58",
        "ws-wiki__rpl-dio-mc-nsa-optional-tlv-dissector-sample.pcap",
        3,
        WPAN,
    ),
    ("http", "ws-wiki__sctp-www.cap", 10, SCTP),
    (
        "http.request.method == \"GET\"",
        "ws-wiki__sctp-www.cap",
        3,
        SCTP,
    ),
    (
        "http.request.uri contains \"/\"",
        "ws-wiki__sctp-www.cap",
        3,
        SCTP,
    ),
    (
        "http.response.code == 200",
        "ws-wiki__sctp-www.cap",
        3,
        SCTP,
    ),
    ("http", "ws-wiki__testte.pcap", 22, REASSEMBLY),
    ("tls", "ws-wiki__testte.pcap", 14, REASSEMBLY),
    (
        "http.request.method in {\"POST\", \"PUT\"}",
        "ws-wiki__testte.pcap",
        8,
        REASSEMBLY,
    ),
    (
        "http.request.uri contains \"/\"",
        "ws-wiki__testte.pcap",
        8,
        REASSEMBLY,
    ),
    (
        "http.response.code == 200",
        "ws-wiki__testte.pcap",
        14,
        REASSEMBLY,
    ),
    ("http", "ws-wiki__v6-http.cap", 2, REASSEMBLY),
    (
        "http.response.code == 200",
        "ws-wiki__v6-http.cap",
        2,
        REASSEMBLY,
    ),
    (
        "frame.time_epoch < 1000000000",
        "ws-wiki__zigbee-join-authenticate.pcap",
        54,
        TIME,
    ),
    (
        "http.response.code == 200",
        "ws-wiki__http_PPI.cap",
        2,
        REASSEMBLY,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "beep-oobr.pcap",
        1,
        SNAP_TCP,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "bgp-bgp_capabilities_print-oobr-1.pcap",
        1,
        SNAP_TCP,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "bgp-bgp_capabilities_print-oobr-2.pcap",
        1,
        SNAP_TCP,
    ),
    ("ip.len > 1400", "bigtcp-ipv6-geneve-ipv4.pcap", 1, JUMBO),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "bigtcp-ipv6-geneve-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "bigtcp-ipv6-geneve-ipv6.pcap",
        1,
        JUMBO,
    ),
    ("ip.len > 1400", "bigtcp-ipv6-vxlan-ipv4.pcap", 1, JUMBO),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "bigtcp-ipv6-vxlan-ipv4.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "bigtcp-ipv6-vxlan-ipv6.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "bigtcp-ipv6.pcap",
        1,
        JUMBO,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "heapoverflow-tcp_print.pcap",
        1,
        SNAP_TCP,
    ),
    (
        "tcp.analysis.bytes_in_flight > 1000",
        "tcp-auth-heapoverflow.pcap",
        1,
        SNAP_TCP,
    ),
    (
        "tcp.analysis.ack_rtt > 0.05",
        "timestamp_invalid_micro.pcap",
        1,
        TIME,
    ),
    (
        "tcp.analysis.flags",
        "pcapplusplus__tcp-malformed.pcap",
        1,
        MALFORMED,
    ),
    (
        "tcp.analysis.flags && !tcp.analysis.window_update",
        "pcapplusplus__tcp-malformed.pcap",
        1,
        MALFORMED,
    ),
    (
        "tcp.analysis.duplicate_ack",
        "pcapplusplus__tcp-malformed.pcap",
        1,
        MALFORMED,
    ),
    (
        "tcp.analysis.duplicate_ack_frame < 10",
        "pcapplusplus__tcp-malformed.pcap",
        1,
        MALFORMED,
    ),
];

/// Per reason: the (filter, capture) pairs it excuses and the frames in them (the sums of
/// EXCEPTIONS, pinned so that a reason's reach is reviewed when it changes).
const PER_REASON: &[(&str, usize, usize)] = &[
    (JUMBO, 82, 82),
    (NETLINK_BATCH, 35, 39),
    (MALFORMED, 28, 30),
    (REASSEMBLY, 27, 325),
    (SFLOW, 19, 55),
    (FRAG, 17, 272),
    (BOGUS_VERSION, 16, 21),
    (TIME, 12, 66),
    (SNAP_TCP, 12, 12),
    (AVSP, 10, 38),
    (BAD_IPV4_LEN, 8, 8),
    (DNS_PORTS, 7, 13),
    (OPENFLOW, 5, 17),
    (WPAN, 5, 15),
    (QUIC, 5, 7),
    (NHRP, 5, 5),
    (SCTP, 4, 19),
    (ARCNET, 3, 15),
    (TLS_ELSEWHERE, 2, 6),
    (SHORT_FRAME, 2, 3),
    (SRV6_ETH, 2, 2),
    (VXLAN_GPE, 2, 2),
    (LAPD, 1, 3),
];

/// Captures of files.txt that tshark 4.0 cannot read at all (DSA, EDSA and Broadcom tag link
/// types, Juniper and VTP fuzz cases, …): truth.txt says so and they are not compared.
const UNREADABLE: usize = 16;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn here() -> PathBuf {
    root().join("tests/filter_conformance")
}

/// Frame lists "1-5,9" → set.
fn frames(text: &str) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (a.parse().expect("range start"), b.parse().expect("end"));
                out.extend(a..=b);
            }
            None => {
                out.insert(part.parse().expect("frame number"));
            }
        }
    }
    out
}

/// What tshark said about one capture: the frames per filter index, or nothing when it could
/// not read the file at all (link types it does not know, such as DSA or Broadcom tags).
type Truth = BTreeMap<String, Option<BTreeMap<usize, BTreeSet<u64>>>>;

/// truth.txt → file → filter index → frames.
fn truth() -> Truth {
    let text = fs::read_to_string(here().join("truth.txt")).expect("truth.txt is committed");
    let mut out: Truth = BTreeMap::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        if line == "# tshark could not read it" {
            let file = cur.clone().expect("a file line first");
            out.insert(file, None);
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(f) = line.strip_prefix("= ") {
            cur = Some(f.to_owned());
            out.insert(f.to_owned(), Some(BTreeMap::new()));
            continue;
        }
        let (idx, list) = line.split_once(' ').expect("INDEX FRAMES");
        assert_ne!(
            list, "ERROR",
            "tshark rejected filter {idx}: fix filters.txt"
        );
        let file = cur.clone().expect("a file line first");
        if let Some(Some(m)) = out.get_mut(&file) {
            m.insert(idx.parse().expect("index"), frames(list));
        }
    }
    out
}

/// What each filter matches in `path`: frame numbers per filter.
fn ours(path: &Path, filters: &[Filter]) -> Vec<BTreeSet<u64>> {
    let mut out = vec![BTreeSet::new(); filters.len()];
    let mut reader = FileReader::open(path).expect("capture opens");
    let mut tracker = FlowTracker::new(10_000_000);
    let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let (mut number, mut first) = (0u64, None);
    // A cut capture: compare what was read, as tshark does.
    while reader.next_into(&mut frame).unwrap_or(false) {
        number += 1;
        let first_ns = *first.get_or_insert(frame.ts_ns);
        let layout = decode::layout(frame.link, &frame.data, frame.len);
        let obs = layout
            .summary
            .tcp
            .map(|seg| tracker.observe(number, frame.ts_ns, &seg, frame.len));
        let flow = obs.as_ref().map(|o| o.flow);
        let ctx = PacketCtx {
            number,
            ts_ns: frame.ts_ns,
            first_ts_ns: first_ns,
            wire_len: frame.len,
            link: frame.link,
            data: &frame.data,
            flow: flow.and_then(|id| tracker.get(id)),
            conn: None,
            layout: Some(&layout),
            analysis: obs.as_ref().map(|o| &o.analysis),
        };
        for (i, f) in filters.iter().enumerate() {
            if f.matches(&ctx) {
                out[i].insert(number);
            }
        }
    }
    out
}

/// The corpus is there; under CI its absence fails the test.
fn corpus_present() -> bool {
    let present = root().join("../shared/corpus/tcpdump").is_dir();
    if !present {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but ../shared/corpus is missing: the filter conformance test needs it"
        );
        println!("SKIP: ../shared/corpus not found; only assets/demo is compared");
    }
    present
}

#[test]
fn filters_match_tshark() {
    let texts: Vec<String> = fs::read_to_string(here().join("filters.txt"))
        .expect("filters.txt")
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(texts.len() >= 60, "at least 60 filters");
    let filters: Vec<Filter> = texts
        .iter()
        .map(|t| Filter::compile(t).unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect();
    let truth = truth();
    let files: Vec<String> = fs::read_to_string(here().join("files.txt"))
        .expect("files.txt")
        .lines()
        .map(str::to_owned)
        .collect();
    let corpus = corpus_present();
    let mut failures = Vec::new();
    let mut unreadable = Vec::new();
    // Per filter: Some(false) once it differs anywhere, and whether an exception excused it.
    let mut differs = vec![false; filters.len()];
    let mut excused = vec![false; filters.len()];
    let mut used = vec![0usize; EXCEPTIONS.len()];
    let (mut pairs, mut pairs_ok, mut compared) = (0usize, 0usize, 0usize);
    for file in &files {
        if file.starts_with("../") && !corpus {
            continue;
        }
        let want = match truth.get(file) {
            Some(Some(want)) => want,
            Some(None) => {
                unreadable.push(file.as_str());
                continue;
            }
            None => {
                failures.push(format!("{file}: not in truth.txt (run make_truth.sh)"));
                continue;
            }
        };
        compared += 1;
        let name = Path::new(file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let got = ours(&root().join(file), &filters);
        for (i, got) in got.iter().enumerate() {
            pairs += 1;
            let empty = BTreeSet::new();
            let want = want.get(&i).unwrap_or(&empty);
            let diff: Vec<u64> = got.symmetric_difference(want).copied().collect();
            if diff.is_empty() {
                pairs_ok += 1;
                continue;
            }
            differs[i] = true;
            let exc = EXCEPTIONS
                .iter()
                .position(|(f, n, _, _)| *f == texts[i] && *n == name);
            match exc {
                Some(e) if EXCEPTIONS[e].2 == diff.len() => {
                    used[e] += 1;
                    excused[i] = true;
                }
                _ => {
                    let extra: Vec<_> = got.difference(want).take(8).collect();
                    let missing: Vec<_> = want.difference(got).take(8).collect();
                    failures.push(format!(
                        "[{}] on {file}: {} frames differ; synack only {extra:?}, tshark only \
                         {missing:?}",
                        texts[i],
                        diff.len()
                    ));
                }
            }
        }
    }
    for (e, n) in used.iter().enumerate() {
        let (f, file, count, _) = EXCEPTIONS[e];
        if *n == 0 && (corpus || !file.contains("corpus")) {
            failures.push(format!(
                "exception [{f}] on {file} ({count} frames) no longer applies: remove it"
            ));
        }
    }
    println!(
        "{} captures not compared: tshark cannot read them (link types it does not know): {}",
        unreadable.len(),
        unreadable.join(", ")
    );
    if corpus {
        assert_eq!(
            unreadable.len(),
            UNREADABLE,
            "captures tshark cannot read changed: check truth.txt"
        );
    }
    // Per reason, what the exceptions excuse (printed, and pinned in PER_REASON).
    let mut reach: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (f, file, count, why) in EXCEPTIONS {
        let e = reach.entry(why).or_default();
        e.0 += 1;
        e.1 += count;
        assert!(
            PER_REASON.iter().any(|(r, _, _)| r == why),
            "[{f}] on {file}: its reason is not in PER_REASON"
        );
    }
    for (why, pairs, frames) in PER_REASON {
        let got = reach.get(why).copied().unwrap_or_default();
        println!("{:>4} pairs {:>5} frames  {why}", got.0, got.1);
        if got != (*pairs, *frames) {
            failures.push(format!(
                "PER_REASON [{why}]: pinned {pairs} pairs / {frames} frames, EXCEPTIONS has {} / {}",
                got.0, got.1
            ));
        }
    }
    let agree = differs.iter().filter(|d| !**d).count();
    let excepted = excused.iter().filter(|e| **e).count();
    println!(
        "{agree}/{} filters agree with tshark on all {compared} captures ({excepted} differ \
         only where EXCEPTIONS explains why); {pairs_ok}/{pairs} (filter, capture) pairs agree",
        filters.len()
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
