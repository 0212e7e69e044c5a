//! Plain data shared by every stage: link types, captured frames, TCP segments as the flow
//! tracker sees them, and wrapping TCP sequence arithmetic. Depends on std only.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// Capture time in integer nanoseconds since the Unix epoch.
pub type TimestampNs = i64;

/// A link-layer header type, as the `LINKTYPE_*` registry numbers it (what pcap and pcapng
/// files store). A few BSD `DLT_*` aliases that appear in old files are accepted too.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    /// `DLT_RAW` as OpenBSD numbers it (12) and as BSD/OS numbers it (14); files carry these.
    pub const RAW_BSD12: LinkType = LinkType(12);
    pub const RAW_BSD14: LinkType = LinkType(14);
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// Short name as tcpdump/libpcap print it (`EN10MB`-style names are less readable, so
    /// these follow `tcpdump -L` descriptions in lowercase).
    pub fn name(self) -> String {
        match self {
            Self::NULL => "null".into(),
            Self::ETHERNET => "ethernet".into(),
            Self::RAW | Self::RAW_BSD12 | Self::RAW_BSD14 => "raw".into(),
            Self::LOOP => "loop".into(),
            Self::LINUX_SLL => "linux-sll".into(),
            Self::IPV4 => "ipv4".into(),
            Self::IPV6 => "ipv6".into(),
            Self::LINUX_SLL2 => "linux-sll2".into(),
            LinkType(n) => format!("linktype-{n}"),
        }
    }

    /// Whether synack decodes beyond raw bytes for this link type.
    pub fn is_known(self) -> bool {
        matches!(
            self,
            Self::NULL
                | Self::ETHERNET
                | Self::RAW
                | Self::RAW_BSD12
                | Self::RAW_BSD14
                | Self::LOOP
                | Self::LINUX_SLL
                | Self::IPV4
                | Self::IPV6
                | Self::LINUX_SLL2
        ) || matches!(
            // PPP, FDDI, PPP-HDLC, Cisco HDLC, 802.11 (plain, Prism, radiotap, AVS, PPI),
            // PPP with direction, NFLOG: see `decode::links`; Linux netlink: `decode::netlink`.
            self.0,
            9 | 10 | 50 | 104 | 105 | 119 | 127 | 163 | 192 | 204 | 239 | 253
        )
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// One captured frame with its own bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub ts_ns: TimestampNs,
    /// Bytes on the wire (the record's original length).
    pub len: u32,
    pub link: LinkType,
    /// The captured bytes (`data.len()` is the captured length, possibly cut by snaplen).
    pub data: Vec<u8>,
    /// Where the same bytes can be read back after the frame is consumed: the capture thread
    /// sets it, so a consumer that keeps frames (the viewer's store) keeps an offset instead
    /// of a copy. [`FrameAt::Owned`] for frames built or streamed in memory.
    pub at: FrameAt,
    /// What the capture file said about this record that its bytes do not show (a malformed
    /// timestamp, a leniently read block), reported as an issue of the packet.
    pub note: Option<FrameNote>,
}

impl Frame {
    /// A frame held only in memory (no location, no note).
    pub fn new(ts_ns: TimestampNs, len: u32, link: LinkType, data: Vec<u8>) -> Frame {
        Frame {
            ts_ns,
            len,
            link,
            data,
            at: FrameAt::Owned,
            note: None,
        }
    }

    pub fn caplen(&self) -> u32 {
        u32::try_from(self.data.len()).unwrap_or(u32::MAX)
    }
}

/// Where a frame's captured bytes sit outside the frame, carried with it through the capture
/// channel (one frame path: no side journal to reconcile).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FrameAt {
    /// Only in [`Frame::data`] (stdin, pipes, frames made in memory): a consumer that keeps
    /// the frame copies its bytes.
    #[default]
    Owned,
    /// At this offset in the regular capture file being read (the capture handle's `file`).
    File(u64),
    /// At this offset in the live capture's spool file (the capture handle's `spooled`).
    Spool(u64),
}

/// Something the capture file reader noticed about a record, which the frame's bytes do not
/// show: reported as an issue of that packet, never silently corrected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameNote {
    /// A pcap record's fraction field is not below one second (`value` µs, or ns when `nanos`);
    /// the time is the seconds plus the fraction as written.
    FractionTooBig { value: u32, nanos: bool },
    /// A pcapng timestamp outside what nanoseconds since 1970 in 64 bits can hold (before
    /// 1677 or after 2262); the nearest time that fits is shown.
    TimeOutOfRange,
    /// A pcapng block before this packet (or holding it) had a length not padded to 4 bytes,
    /// as early NTAR writers wrote; it was read as Wireshark reads it.
    UnpaddedBlock,
}

impl FrameNote {
    /// The issue text.
    pub fn message(self) -> String {
        match self {
            FrameNote::FractionTooBig { value, nanos } => {
                let (unit, limit) = if nanos {
                    ("nanosecond", "1,000,000,000")
                } else {
                    ("microsecond", "1,000,000")
                };
                format!(
                    "capture file: the record's {unit} field is {value}, not below {limit}; \
                     the time shown adds it to the seconds as written (tshark shows another time)"
                )
            }
            FrameNote::TimeOutOfRange => "capture file: the packet's timestamp is outside the \
                 years 1677–2262 that synack can represent; the nearest time it can is shown"
                .into(),
            FrameNote::UnpaddedBlock => "capture file: a pcapng block length is not padded to \
                 4 bytes (written by an early NTAR writer); the block was read as Wireshark \
                 reads it"
                .into(),
        }
    }

    /// A few words for one-line output (`dump`'s text lines), in brackets there.
    pub fn short(self) -> &'static str {
        match self {
            FrameNote::FractionTooBig { nanos: false, .. } => "capture: µs field ≥ 1 s",
            FrameNote::FractionTooBig { nanos: true, .. } => "capture: ns field ≥ 1 s",
            FrameNote::TimeOutOfRange => "capture: time out of range",
            FrameNote::UnpaddedBlock => "capture: unpadded pcapng block",
        }
    }
}

/// TCP header flag bits, as they sit in the 12-bit flags field (`tcp.flags`).
pub mod tcp_flags {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    /// Accurate ECN (formerly NS).
    pub const AE: u16 = 0x100;
}

/// The TCP options the handshake negotiates, as one segment carried them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpHandshakeOptions {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    /// (TSval, TSecr)
    pub timestamps: Option<(u32, u32)>,
    /// TCP Fast Open option present (cookie request or cookie).
    pub fast_open: bool,
    /// SACK blocks of the segment's SACK option that Wireshark's bytes-in-flight subtracts:
    /// the first three (it stores no more), and the bytes they cover (wrapping sum of
    /// right − left edges).
    pub sack_blocks: u8,
    pub sack_bytes: u32,
}

/// A TCP segment as the flow tracker needs it: endpoints, header numbers, options, sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpSegment {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// The 12 flag bits (see [`tcp_flags`]).
    pub flags: u16,
    pub seq: u32,
    pub ack: u32,
    /// Payload length as the IP header declares it (tshark's `tcp.len`), even when the
    /// capture cut the bytes.
    pub payload_len: u32,
    pub window: u16,
    pub options: TcpHandshakeOptions,
}

impl TcpSegment {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

/// A TCP sequence number: 32-bit arithmetic modulo 2^32 (RFC 793 / RFC 1982 comparison).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// Signed distance `self - other`, correct across the wrap.
    pub fn diff(self, other: SeqNum) -> i32 {
        self.0.wrapping_sub(other.0) as i32
    }
    /// `self` comes after `other` in sequence space.
    pub fn after(self, other: SeqNum) -> bool {
        self.diff(other) > 0
    }
    /// `self + n` modulo 2^32. (A method, not `ops::Add`: sequence numbers only ever move
    /// forward by a byte count, and the name keeps call sites explicit.)
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, n: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(n))
    }
    /// Offset relative to an initial sequence number (Wireshark's "relative" numbers).
    pub fn relative_to(self, isn: SeqNum) -> u32 {
        self.0.wrapping_sub(isn.0)
    }
}

/// Formats a socket address as `ip:port`, IPv6 as `[addr]:port` (RFC 5952 text).
pub fn endpoint_text(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_diff_handles_wrap() {
        let a = SeqNum(0xffff_fff0);
        let b = a.add(0x20);
        assert_eq!(b.0, 0x10);
        assert!(b.after(a));
        assert!(!a.after(b));
        assert_eq!(b.diff(a), 0x20);
        assert_eq!(b.relative_to(a), 0x20);
    }

    #[test]
    fn link_names() {
        assert_eq!(LinkType::ETHERNET.name(), "ethernet");
        assert_eq!(LinkType(999).name(), "linktype-999");
        assert!(!LinkType(999).is_known());
    }

    #[test]
    fn endpoint_text_brackets_ipv6() {
        let v6: SocketAddr = "[2001:db8::1]:443".parse().unwrap();
        assert_eq!(endpoint_text(v6), "[2001:db8::1]:443");
        let v4: SocketAddr = "10.0.0.1:80".parse().unwrap();
        assert_eq!(endpoint_text(v4), "10.0.0.1:80");
    }
}
