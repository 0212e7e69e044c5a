//! The ladder diagram's data: one [`LadderEvent`] per handshake or teardown segment (every SYN
//! including retransmissions, SYN-ACKs, the handshake's ACK, FINs and the ACKs that acknowledge
//! them, resets) with both endpoints' TCP states after it. The UI draws from this alone.
//! Depends on `model` and the sibling `state` module.

use crate::model::{TcpHandshakeOptions, TimestampNs, tcp_flags};

use super::state::TcpState;

/// Most events a flow's ladder keeps (memory stays bounded under SYN storms).
pub const MAX_LADDER_EVENTS: usize = 16;
/// Retransmitted SYNs / SYN-ACKs stop being drawn past this many events, leaving room for
/// the teardown.
pub const MAX_RETRANSMIT_EVENTS: usize = 10;

/// Which way a segment travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    ClientToServer,
    ServerToClient,
}

impl Direction {
    pub fn reverse(self) -> Direction {
        match self {
            Self::ClientToServer => Self::ServerToClient,
            Self::ServerToClient => Self::ClientToServer,
        }
    }

    /// `→` for client to server, `←` for server to client.
    pub fn arrow(self) -> &'static str {
        match self {
            Self::ClientToServer => "→",
            Self::ServerToClient => "←",
        }
    }
}

/// What a ladder segment means in the connection's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A SYN without ACK (from the server: simultaneous open).
    Syn,
    /// The same SYN sent again.
    SynRetransmit,
    SynAck,
    SynAckRetransmit,
    /// The ACK that completes the handshake.
    HandshakeAck,
    /// A FIN (first or retransmitted).
    Fin,
    /// An ACK that acknowledges the peer's FIN.
    FinAck,
    Rst,
}

impl EventKind {
    /// Short label for the arrow (`SYN`, `SYN (retransmission)`, `SYN-ACK`, `ACK`, …).
    pub fn label(self) -> &'static str {
        match self {
            Self::Syn => "SYN",
            Self::SynRetransmit => "SYN (retransmission)",
            Self::SynAck => "SYN-ACK",
            Self::SynAckRetransmit => "SYN-ACK (retransmission)",
            Self::HandshakeAck => "ACK",
            Self::Fin => "FIN",
            Self::FinAck => "ACK of FIN",
            Self::Rst => "RST",
        }
    }

    pub fn is_retransmission(self) -> bool {
        matches!(self, Self::SynRetransmit | Self::SynAckRetransmit)
    }

    pub fn is_handshake(self) -> bool {
        matches!(
            self,
            Self::Syn
                | Self::SynRetransmit
                | Self::SynAck
                | Self::SynAckRetransmit
                | Self::HandshakeAck
        )
    }
}

/// One arrow of the ladder diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LadderEvent {
    /// 1-based frame number, to jump back to the packet.
    pub packet_no: u64,
    pub ts_ns: TimestampNs,
    pub direction: Direction,
    pub kind: EventKind,
    /// The segment's 12 flag bits.
    pub flags: u16,
    pub seq: u32,
    pub ack: u32,
    /// Sequence number relative to the sender's initial sequence number (Wireshark's relative).
    pub rel_seq: u32,
    /// Ack relative to the receiver's ISN; `None` when the ACK flag is clear or the ISN unknown.
    pub rel_ack: Option<u32>,
    pub payload_len: u32,
    pub window: u16,
    pub options: TcpHandshakeOptions,
    /// Both endpoints' states once the segment has been sent and received.
    pub client_state: TcpState,
    pub server_state: TcpState,
}

impl LadderEvent {
    /// Flags as words joined by `-` in the usual reading order (`SYN-ACK`, `FIN-ACK`, `RST-ACK`).
    pub fn flags_text(&self) -> String {
        flags_text(self.flags)
    }

    /// The arrow's label with relative numbers: `SYN seq=0`, `SYN-ACK seq=0 ack=1`.
    pub fn relative_text(&self) -> String {
        let mut text = format!("{} seq={}", self.flags_text(), self.rel_seq);
        if let Some(ack) = self.rel_ack {
            text.push_str(&format!(" ack={ack}"));
        }
        if self.payload_len > 0 {
            text.push_str(&format!(" len={}", self.payload_len));
        }
        text
    }

    /// The raw numbers: `raw 1782953582` or `raw 1782953582/3078856593` (seq/ack).
    pub fn raw_text(&self) -> String {
        if self.flags & tcp_flags::ACK != 0 {
            format!("raw {}/{}", self.seq, self.ack)
        } else {
            format!("raw {}", self.seq)
        }
    }
}

/// Handshake options in words: `MSS 1460, WS 7, SACK, TS, TFO` (empty when none).
pub fn options_text(options: &TcpHandshakeOptions) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(mss) = options.mss {
        parts.push(format!("MSS {mss}"));
    }
    if let Some(ws) = options.window_scale {
        parts.push(format!("WS {ws}"));
    }
    if options.sack_permitted {
        parts.push("SACK".into());
    }
    if options.timestamps.is_some() {
        parts.push("TS".into());
    }
    if options.fast_open {
        parts.push("TFO".into());
    }
    parts.join(", ")
}

/// TCP flag bits as `SYN-ACK`, `FIN-PSH-ACK`, `RST`, … (`none` when no flag is set).
pub fn flags_text(flags: u16) -> String {
    const NAMES: [(u16, &str); 9] = [
        (tcp_flags::SYN, "SYN"),
        (tcp_flags::FIN, "FIN"),
        (tcp_flags::RST, "RST"),
        (tcp_flags::PSH, "PSH"),
        (tcp_flags::URG, "URG"),
        (tcp_flags::ECE, "ECE"),
        (tcp_flags::CWR, "CWR"),
        (tcp_flags::AE, "AE"),
        (tcp_flags::ACK, "ACK"),
    ];
    let mut out = String::new();
    for (bit, name) in NAMES {
        if flags & bit != 0 {
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(name);
        }
    }
    if out.is_empty() {
        out.push_str("none");
    }
    out
}
