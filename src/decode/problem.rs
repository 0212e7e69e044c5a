//! What can go wrong while walking a packet, as plain `Copy` data (no strings), so the fast
//! path can record that a packet broke without allocating; the full decode turns each into a
//! sentence. Depends on the decode types and `names`.

use super::IssueKind;
use super::names;

/// One problem seen while walking a packet. Protocol and field names are static strings; every
/// number is carried as data and only formatted when [`Problem::message`] is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The capture (snaplen) ended inside a header: `have` of the `need` bytes were kept.
    Cut {
        proto: &'static str,
        part: &'static str,
        have: usize,
        need: usize,
    },
    /// The packet itself (not the capture) ends before a header does.
    Short {
        proto: &'static str,
        part: &'static str,
        have: usize,
        need: usize,
    },
    /// A length field is smaller than the header that contains it.
    LenBelowHeader {
        proto: &'static str,
        field: &'static str,
        value: u64,
        min: usize,
    },
    /// A length field claims more bytes than the enclosing packet holds.
    LenExceeds {
        proto: &'static str,
        field: &'static str,
        value: u64,
        avail: usize,
    },
    /// A version field that is not the one this header must carry.
    BadVersion { proto: &'static str, version: u8 },
    /// A field with an impossible value (`why` says what is wrong).
    BadValue {
        proto: &'static str,
        field: &'static str,
        value: u64,
        why: &'static str,
    },
    /// A length inside an option list runs past its end or is too small.
    BadOption {
        proto: &'static str,
        kind: u8,
        len: u8,
    },
    /// An EtherType synack does not decode.
    UnknownEtherType(u16),
    /// An IP protocol synack does not decode.
    UnknownIpProto(u8),
    /// An 802.2 LLC service access point synack does not decode.
    UnknownLlc(u8),
    /// A GRE / Geneve / ERSPAN payload type synack does not decode.
    UnknownTunnelPayload { proto: &'static str, value: u16 },
    /// An IPv4/IPv6 fragment that is not the first: no transport header to decode.
    LaterFragment { offset: u32 },
    /// IP length 0 (TCP segmentation offload / BIG TCP): length taken from the frame.
    LengthFromFrame { proto: &'static str },
    /// A link type synack does not decode (its bytes are shown raw).
    UnknownLink(u32),
    /// An encrypted payload (802.11 protected frame): nothing more to decode.
    Encrypted { proto: &'static str },
    /// Tunnels nested deeper than the walker follows.
    TooDeep,
    /// More IPv6 extension headers than the walker follows.
    TooManyExtensions,
    /// A DNS name compression pointer loops or points forward.
    DnsPointer { at: usize },
    /// A DNS name longer than 255 bytes or with more than 127 labels.
    DnsNameTooLong,
    /// An application message continues beyond this packet (TCP segmentation).
    ContinuesLater {
        proto: &'static str,
        have: usize,
        need: usize,
    },
    /// An application message whose structure is impossible (`what` says how).
    AppMalformed {
        proto: &'static str,
        what: &'static str,
    },
    /// The record says more bytes were captured than the packet had on the wire (a broken
    /// writer or an edited file); the captured bytes are decoded.
    CaplenExceedsLen { caplen: usize, len: u32 },
    /// An application message cut by the capture.
    AppCut {
        proto: &'static str,
        have: usize,
        need: usize,
    },
}

impl Problem {
    /// How serious the problem is.
    pub(crate) fn kind(&self) -> IssueKind {
        match self {
            Self::Cut { .. } | Self::AppCut { .. } => IssueKind::Truncated,
            Self::Short { .. }
            | Self::LenBelowHeader { .. }
            | Self::LenExceeds { .. }
            | Self::BadVersion { .. }
            | Self::BadValue { .. }
            | Self::BadOption { .. }
            | Self::DnsPointer { .. }
            | Self::AppMalformed { .. }
            | Self::DnsNameTooLong => IssueKind::Malformed,
            Self::UnknownEtherType(_)
            | Self::UnknownIpProto(_)
            | Self::UnknownLlc(_)
            | Self::UnknownTunnelPayload { .. }
            | Self::UnknownLink(_)
            | Self::Encrypted { .. }
            | Self::TooDeep
            | Self::TooManyExtensions => IssueKind::Unsupported,
            Self::LaterFragment { .. }
            | Self::LengthFromFrame { .. }
            | Self::ContinuesLater { .. }
            | Self::CaplenExceedsLen { .. } => IssueKind::Note,
        }
    }

    /// The problem in plain words (no packet text, so no sanitizing needed).
    pub(crate) fn message(&self) -> String {
        match *self {
            Self::Cut {
                proto,
                part,
                have,
                need,
            } => format!("{proto} {part} cut by the capture: {have} of {need} bytes"),
            Self::Short {
                proto,
                part,
                have,
                need,
            } => format!("{proto} {part} needs {need} bytes but the packet has only {have} left"),
            Self::LenBelowHeader {
                proto,
                field,
                value,
                min,
            } => format!("{proto} {field} {value} is shorter than its {min}-byte header"),
            Self::LenExceeds {
                proto,
                field,
                value,
                avail,
            } => format!("{proto} {field} {value} exceeds the {avail} bytes left in the packet"),
            Self::BadVersion { proto, version } => {
                format!("{proto} header carries version {version}")
            }
            Self::BadValue {
                proto,
                field,
                value,
                why,
            } => format!("{proto} {field} {value}: {why}"),
            Self::BadOption { proto, kind, len } => {
                format!("{proto} option {kind} has a bad length {len}; options stop here")
            }
            Self::UnknownEtherType(t) => match names::ethertype(t) {
                Some(n) => format!("EtherType 0x{t:04x} ({n}) is not decoded by synack"),
                None => format!("Unknown EtherType 0x{t:04x}: payload shown raw"),
            },
            Self::UnknownIpProto(p) => match names::ip_proto_long(p) {
                Some(n) => format!("IP protocol {p} ({n}) is not decoded by synack"),
                None => format!("Unknown IP protocol {p}: payload shown raw"),
            },
            Self::UnknownLlc(sap) => match names::llc_sap(sap) {
                Some(n) => format!("LLC SAP 0x{sap:02x} ({n}) is not decoded by synack"),
                None => format!("Unknown LLC SAP 0x{sap:02x}: payload shown raw"),
            },
            Self::UnknownTunnelPayload { proto, value } => match names::ethertype(value) {
                Some(n) => format!("{proto} payload type 0x{value:04x} ({n}) is not decoded"),
                None => format!("{proto} payload type 0x{value:04x} is not decoded"),
            },
            Self::LaterFragment { offset } => format!(
                "Fragment at offset {offset}: the transport header travels in the first fragment"
            ),
            Self::LengthFromFrame { proto } => format!(
                "{proto} length field is 0 (segmentation offload): length taken from the frame"
            ),
            Self::UnknownLink(n) => match names::link_type(n) {
                Some(name) => format!("link type {n} ({name}) is not decoded by synack"),
                None => format!("link type {n} is not decoded by synack"),
            },
            Self::Encrypted { proto } => {
                format!("{proto} payload is encrypted: nothing more to decode")
            }
            Self::TooDeep => "Tunnels nested too deeply: decoding stops here".to_string(),
            Self::TooManyExtensions => {
                "Too many IPv6 extension headers: decoding stops here".to_string()
            }
            Self::DnsPointer { at } => {
                format!("DNS name compression pointer at message byte {at} loops or points forward")
            }
            Self::DnsNameTooLong => "DNS name longer than 255 bytes".to_string(),
            Self::ContinuesLater { proto, have, need } => {
                format!("{proto} message continues in a later segment: {have} of {need} bytes here")
            }
            Self::AppMalformed { proto, what } => format!("{proto} message malformed: {what}"),
            Self::CaplenExceedsLen { caplen, len } => format!(
                "The record claims {caplen} captured bytes but only {len} on the wire: the \
                 capture file is inconsistent; all {caplen} captured bytes are decoded"
            ),
            Self::AppCut { proto, have, need } => {
                format!("{proto} message cut by the capture: {have} of {need} bytes")
            }
        }
    }
}
