//! The vocabulary of a connection's life: each endpoint's TCP state (RFC 9293 names, as the
//! ladder diagram shows them), the handshake outcome and how the connection closed, each with a
//! stable machine name, a human label and a symbol. Pure data; depends on nothing.

use std::fmt;

/// An endpoint's TCP state as the capture lets us infer it, after a segment was sent/received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TcpState {
    /// Not known: the capture began after the handshake (mid-stream), so nothing is guessed.
    Unknown,
    Closed,
    Listen,
    SynSent,
    SynRcvd,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
    /// CLOSED because the peer sent a reset (the connection was aborted or refused).
    Reset,
}

impl TcpState {
    /// The RFC name, as the ladder diagram prints it (`SYN_SENT`, `ESTABLISHED`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "?",
            Self::Closed => "CLOSED",
            Self::Listen => "LISTEN",
            Self::SynSent => "SYN_SENT",
            Self::SynRcvd => "SYN_RCVD",
            Self::Established => "ESTABLISHED",
            Self::FinWait1 => "FIN_WAIT_1",
            Self::FinWait2 => "FIN_WAIT_2",
            Self::CloseWait => "CLOSE_WAIT",
            Self::Closing => "CLOSING",
            Self::LastAck => "LAST_ACK",
            Self::TimeWait => "TIME_WAIT",
            Self::Reset => "CLOSED (reset)",
        }
    }

    /// Whether the endpoint no longer has a connection (closed, reset, or waiting out TIME_WAIT).
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Closed | Self::Reset | Self::TimeWait)
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the three-way handshake went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// SYN, SYN-ACK, ACK seen (the SYN-ACK may be implied by the client's ACK when the
    /// capture holds one direction only: see `Flow::synack_not_captured`).
    Complete,
    /// The SYN was answered by a reset (nothing listening, or a firewall said no).
    Refused,
    /// The SYN (and its retransmissions) was never answered in the capture.
    NoResponse,
    /// The SYN-ACK came back but the client's final ACK was not (yet) seen.
    Incomplete,
    /// Both ends sent a bare SYN (RFC 9293 §3.5 simultaneous open).
    SimultaneousOpen,
    /// The capture began after the handshake; no handshake is guessed.
    Midstream,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Self::Complete,
        Self::Refused,
        Self::NoResponse,
        Self::Incomplete,
        Self::SimultaneousOpen,
        Self::Midstream,
    ];

    /// Stable machine name (`flows --format json`'s `handshake`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Refused => "refused",
            Self::NoResponse => "no_response",
            Self::Incomplete => "incomplete",
            Self::SimultaneousOpen => "simultaneous_open",
            Self::Midstream => "midstream",
        }
    }

    /// Words a person reads (works without colour).
    pub fn label(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Refused => "refused",
            Self::NoResponse => "no response",
            Self::Incomplete => "incomplete",
            Self::SimultaneousOpen => "simultaneous open",
            Self::Midstream => "mid-stream",
        }
    }

    /// One distinct symbol per outcome (single terminal column each).
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Complete => "✔",
            Self::Refused => "✖",
            Self::NoResponse => "…",
            Self::Incomplete => "◐",
            Self::SimultaneousOpen => "⇄",
            Self::Midstream => "~",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the connection ended, as far as the capture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Close {
    /// Both ends sent a FIN (orderly release), before any reset.
    Fin,
    /// A reset ended it.
    Rst,
    /// Still open at the end of the capture (or only half closed).
    Open,
}

impl Close {
    pub fn name(self) -> &'static str {
        match self {
            Self::Fin => "fin",
            Self::Rst => "rst",
            Self::Open => "open",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Fin => "closed (FIN)",
            Self::Rst => "reset",
            Self::Open => "open",
        }
    }
}

impl fmt::Display for Close {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
