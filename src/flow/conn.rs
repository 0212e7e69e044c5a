//! One TCP connection ([`Flow`]): who is client and server, the handshake as it happened
//! (SYN/SYN-ACK counts, times, ISNs, options, RTTs), per-direction counters, the history
//! string, both endpoints' TCP states and the ladder of handshake/teardown segments. `update`
//! applies one segment; all arithmetic on packet numbers is wrapping or saturating.
//! Depends on `model` and the sibling `state`, `ladder` and `history` modules.

use std::net::{IpAddr, SocketAddr};

use crate::model::{SeqNum, TcpHandshakeOptions, TcpSegment, TimestampNs, tcp_flags};

use super::analysis::{AnalysisCounts, ConnAnalysis, PacketAnalysis};
use super::history::History;
use super::ladder::{Direction, EventKind, LadderEvent, MAX_LADDER_EVENTS, MAX_RETRANSMIT_EVENTS};
use super::state::{Close, Outcome, TcpState};

/// Index of a flow, from 0 in order of first appearance (like Wireshark's `tcp.stream`).
pub type FlowId = u32;

/// Packets and bytes one way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirStats {
    pub packets: u64,
    /// Frame bytes on the wire.
    pub bytes: u64,
    /// TCP payload bytes (as the IP header declares them).
    pub payload_bytes: u64,
    /// A FIN was sent this way.
    pub fin: bool,
    /// A RST was sent this way.
    pub rst: bool,
}

/// Round-trip times measured on capture timestamps, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rtt {
    /// Most recent SYN → the first SYN-ACK after it (the server's side of the capture point);
    /// for a refused flow, most recent SYN → the reset that answered it.
    pub server_ns: Option<i64>,
    /// That SYN-ACK → the handshake's ACK (the client's side).
    pub client_ns: Option<i64>,
    /// Most recent SYN → the handshake's ACK: Wireshark's `tcp.analysis.initial_rtt`. Equals
    /// `server_ns + client_ns` when both are known.
    pub initial_ns: Option<i64>,
}

/// Per-endpoint bookkeeping that is not part of the public record.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Side {
    /// Wireshark's base sequence number for this direction (`TCP_S_BASE_SEQ_SET` when Some):
    /// the SYN's seq, else the first seq − 1, or the peer's first ack − 1.
    pub(crate) base: Option<u32>,
    /// Sequence number the first FIN of this side occupies.
    fin_seq: Option<u32>,
    /// The peer acknowledged that FIN.
    fin_acked: bool,
    /// This side sent a bare SYN / a SYN-ACK.
    sent_syn: bool,
    sent_synack: bool,
}

/// Handshake progress (only meaningful when the flow began with a SYN).
#[derive(Clone, Copy, Debug, Default)]
struct Handshake {
    server_syn: bool,
    synack_seen: bool,
    established: bool,
    refused: bool,
    /// Most recent bare SYN (either direction, as Wireshark's `ts_mru_syn`).
    mru_syn_ts: Option<TimestampNs>,
    /// First SYN-ACK after that SYN.
    synack_after_mru: Option<TimestampNs>,
    /// A reset came since the client's last SYN: no ACK completes this attempt.
    aborted: bool,
}

/// One TCP connection.
#[derive(Clone, Debug)]
pub struct Flow {
    pub id: FlowId,
    /// The endpoint that sent the first SYN; for mid-stream flows the first sender (or the
    /// receiver of a SYN-ACK seen first).
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// The flow's first segment was a bare SYN, so its handshake was watched from the start.
    pub opened_with_syn: bool,
    /// Bare SYNs seen (either direction, retransmissions included).
    pub syn_count: u32,
    /// SYN-ACKs seen (retransmissions included).
    pub synack_count: u32,
    /// The handshake completed but its SYN-ACK is not in the capture: the client acknowledged
    /// the server after its SYN without the SYN-ACK being seen (a one-sided capture).
    pub synack_not_captured: bool,
    /// First SYN, first SYN-ACK, and the handshake's ACK.
    pub syn_ts_ns: Option<TimestampNs>,
    pub synack_ts_ns: Option<TimestampNs>,
    pub ack_ts_ns: Option<TimestampNs>,
    pub rtt: Rtt,
    pub client_isn: Option<u32>,
    pub server_isn: Option<u32>,
    /// Options of the client's first SYN and of the server's first SYN-ACK (or bare SYN).
    pub client_options: Option<TcpHandshakeOptions>,
    pub server_options: Option<TcpHandshakeOptions>,
    pub to_server: DirStats,
    pub to_client: DirStats,
    pub first_ts_ns: TimestampNs,
    pub last_ts_ns: TimestampNs,
    pub first_packet_no: u64,
    pub last_packet_no: u64,
    pub history: History,
    pub client_state: TcpState,
    pub server_state: TcpState,
    pub close: Close,
    /// Handshake and teardown segments, in capture order (at most
    /// [`MAX_LADDER_EVENTS`](super::ladder::MAX_LADDER_EVENTS)).
    pub ladder: Vec<LadderEvent>,
    /// Events that did not fit in `ladder`.
    pub ladder_dropped: u32,
    /// The input ended (`FlowTracker::finish`): an unanswered SYN is final.
    pub finished: bool,
    /// Counts of the analysis verdicts of this connection's segments
    /// ([`Flow::analysis_counts`]); allocated at the first verdict (most connections have none).
    counts: Option<Box<AnalysisCounts>>,
    pub(crate) client_side: Side,
    pub(crate) server_side: Side,
    hs: Handshake,
    /// The sequence analysis state; None while the flow holds only its opening bare SYN
    /// (issue 10: each connection of a SYN flood holds one segment, and a lone SYN's state is
    /// rebuilt from its ladder event when a second segment needs it).
    analysis: Option<Box<ConnAnalysis>>,
    /// What the opening SYN was analysed with (for that rebuild).
    syn_reused_ports: bool,
}

/// Where Linux's (and most systems') ephemeral client ports begin.
const EPHEMERAL_PORTS_START: u16 = 32768;

/// `SocketAddr` without IPv6 flow info / scope id, so both directions compare equal.
pub(crate) fn plain(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V4(_) => addr,
        SocketAddr::V6(v6) => SocketAddr::new(IpAddr::V6(*v6.ip()), v6.port()),
    }
}

fn is_bare_syn(seg: &TcpSegment) -> bool {
    seg.flags & (tcp_flags::SYN | tcp_flags::ACK) == tcp_flags::SYN
}

fn is_synack(seg: &TcpSegment) -> bool {
    seg.flags & (tcp_flags::SYN | tcp_flags::ACK) == (tcp_flags::SYN | tcp_flags::ACK)
}

impl Flow {
    /// A new flow whose first segment is `seg` (not yet applied: call [`Flow::update`]).
    pub(crate) fn new(id: FlowId, packet_no: u64, ts_ns: TimestampNs, seg: &TcpSegment) -> Flow {
        let src = plain(seg.src);
        let dst = plain(seg.dst);
        let opened_with_syn = is_bare_syn(seg);
        // A SYN-ACK seen first names the roles without guessing: its receiver is the client.
        // With no SYN at all, the port heuristic: a sender on a well-known port (below 1024)
        // talking to a higher port, or on a lower port talking to an ephemeral one (32768 and
        // up), is the server.
        let (sport, dport) = (src.port(), dst.port());
        let server_port_first = sport < dport && (sport < 1024 || dport >= EPHEMERAL_PORTS_START);
        let flipped = !opened_with_syn && (is_synack(seg) || server_port_first);
        let (client, server) = if flipped { (dst, src) } else { (src, dst) };
        let (client_state, server_state) = if opened_with_syn {
            (TcpState::Closed, TcpState::Listen)
        } else {
            (TcpState::Unknown, TcpState::Unknown)
        };
        let mut history = History::default();
        if flipped {
            history.mark_flipped();
        }
        Flow {
            id,
            client,
            server,
            opened_with_syn,
            syn_count: 0,
            synack_count: 0,
            synack_not_captured: false,
            syn_ts_ns: None,
            synack_ts_ns: None,
            ack_ts_ns: None,
            rtt: Rtt::default(),
            client_isn: None,
            server_isn: None,
            client_options: None,
            server_options: None,
            to_server: DirStats::default(),
            to_client: DirStats::default(),
            first_ts_ns: ts_ns,
            last_ts_ns: ts_ns,
            first_packet_no: packet_no,
            last_packet_no: packet_no,
            history,
            client_state,
            server_state,
            close: Close::Open,
            ladder: Vec::new(),
            ladder_dropped: 0,
            finished: false,
            counts: None,
            client_side: Side::default(),
            server_side: Side::default(),
            hs: Handshake::default(),
            analysis: Some(Box::default()),
            syn_reused_ports: false,
        }
    }

    /// Wireshark's base sequence number of one direction (relative `tcp.seq` / `tcp.ack`):
    /// the SYN's sequence number, else the first one seen minus 1, or the peer's first
    /// acknowledgment minus 1.
    pub fn base_seq(&self, client: bool) -> Option<u32> {
        if client {
            self.client_side.base
        } else {
            self.server_side.base
        }
    }

    /// The direction `seg` travels in this flow.
    pub fn direction_of(&self, seg: &TcpSegment) -> Direction {
        if plain(seg.src) == self.client {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// Whether `seg` begins a new connection on this 4-tuple, exactly as Wireshark decides a
    /// new `tcp.stream`: a bare SYN whose sequence number differs from the base sequence
    /// number already known for its direction.
    pub(crate) fn starts_new_stream(&self, seg: &TcpSegment) -> bool {
        if !is_bare_syn(seg) {
            return false;
        }
        let side = match self.direction_of(seg) {
            Direction::ClientToServer => &self.client_side,
            Direction::ServerToClient => &self.server_side,
        };
        matches!(side.base, Some(base) if base != seg.seq)
    }

    /// The handshake outcome as far as the capture shows.
    pub fn outcome(&self) -> Outcome {
        if !self.opened_with_syn {
            Outcome::Midstream
        } else if self.hs.server_syn {
            Outcome::SimultaneousOpen
        } else if self.hs.established {
            Outcome::Complete
        } else if self.hs.refused {
            Outcome::Refused
        } else if self.hs.synack_seen {
            Outcome::Incomplete
        } else {
            Outcome::NoResponse
        }
    }

    /// The outcome cannot change any more: the handshake finished or failed, the connection
    /// closed, or the input ended. (An unanswered SYN in a live capture is still pending.)
    pub fn outcome_settled(&self) -> bool {
        self.finished
            || self.close != Close::Open
            || matches!(
                self.outcome(),
                Outcome::Complete | Outcome::Refused | Outcome::Midstream
            )
            || (self.outcome() == Outcome::SimultaneousOpen && self.hs.established)
    }

    /// When an unanswered SYN becomes final (`no_response`) in a live capture: `timeout_ns`
    /// after the last segment, or twice the client's last SYN back-off when that is longer
    /// (its next retransmission is then overdue too). `None` unless still waiting.
    pub fn no_response_deadline(&self, timeout_ns: i64) -> Option<TimestampNs> {
        if self.outcome() != Outcome::NoResponse || self.outcome_settled() {
            return None;
        }
        let mut syns = self
            .ladder
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Syn | EventKind::SynRetransmit))
            .map(|e| e.ts_ns)
            .rev();
        let backoff = match (syns.next(), syns.next()) {
            (Some(last), Some(before)) => last.saturating_sub(before),
            _ => 0,
        };
        Some(
            self.last_ts_ns
                .saturating_add(timeout_ns.max(backoff.saturating_mul(2))),
        )
    }

    /// Declares an unanswered SYN final (live capture, past [`Flow::no_response_deadline`]).
    pub(crate) fn settle_no_response(&mut self) {
        self.finished = true;
    }

    /// Counts of the analysis verdicts of this connection's segments.
    pub fn analysis_counts(&self) -> AnalysisCounts {
        self.counts.as_deref().copied().unwrap_or_default()
    }

    /// The handshake reached ESTABLISHED (complete, or a simultaneous open that finished).
    pub fn established(&self) -> bool {
        self.hs.established
    }

    pub fn packets(&self) -> u64 {
        self.to_server
            .packets
            .saturating_add(self.to_client.packets)
    }

    pub fn bytes(&self) -> u64 {
        self.to_server.bytes.saturating_add(self.to_client.bytes)
    }

    /// Last minus first timestamp (0 when the clock went backwards).
    pub fn duration_ns(&self) -> i64 {
        self.last_ts_ns.saturating_sub(self.first_ts_ns).max(0)
    }

    /// SYNs sent again after the first.
    pub fn syn_retransmissions(&self) -> u32 {
        let client_syns = self.syn_count.saturating_sub(u32::from(self.hs.server_syn));
        client_syns.saturating_sub(1)
    }

    /// SYN-ACKs a side sent again after its first. In a simultaneous open each side sends
    /// one SYN-ACK of its own: two SYN-ACKs from different sides are no retransmission.
    pub fn synack_retransmissions(&self) -> u32 {
        let senders =
            u32::from(self.client_side.sent_synack) + u32::from(self.server_side.sent_synack);
        self.synack_count.saturating_sub(senders)
    }

    fn sides_mut(&mut self, dir: Direction) -> (&mut Side, &mut Side) {
        match dir {
            Direction::ClientToServer => (&mut self.client_side, &mut self.server_side),
            Direction::ServerToClient => (&mut self.server_side, &mut self.client_side),
        }
    }

    fn states_mut(&mut self, dir: Direction) -> (&mut TcpState, &mut TcpState) {
        match dir {
            Direction::ClientToServer => (&mut self.client_state, &mut self.server_state),
            Direction::ServerToClient => (&mut self.server_state, &mut self.client_state),
        }
    }

    /// Applies one segment of this flow. Returns its direction, the ladder event it caused (if
    /// any) and the event's index in `ladder` (if it was kept).
    pub(crate) fn update(
        &mut self,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
        reused_ports: bool,
    ) -> (Direction, Option<EventKind>, Option<usize>, PacketAnalysis) {
        let early_rst = self.answers_early_rst(ts_ns, seg);
        if early_rst {
            self.reorient_as_refused();
        }
        let dir = self.direction_of(seg);
        let from_client = dir == Direction::ClientToServer;
        self.last_packet_no = self.last_packet_no.max(packet_no);
        self.last_ts_ns = self.last_ts_ns.max(ts_ns);
        let stats = if from_client {
            &mut self.to_server
        } else {
            &mut self.to_client
        };
        stats.packets = stats.packets.saturating_add(1);
        stats.bytes = stats.bytes.saturating_add(u64::from(frame_len));
        stats.payload_bytes = stats
            .payload_bytes
            .saturating_add(u64::from(seg.payload_len));
        if seg.has(tcp_flags::FIN) {
            stats.fin = true;
        }
        if seg.has(tcp_flags::RST) {
            stats.rst = true;
        }

        let (own, _) = self.sides_mut(dir);
        let known_base = own.base;
        let synack_rebased = is_synack(seg) && known_base.is_some_and(|b| b != seg.seq);
        let syn_again = is_bare_syn(seg) && known_base == Some(seg.seq);
        self.update_bases(dir, seg);
        self.history.record(from_client, seg);
        let (own, _) = self.sides_mut(dir);
        let base = own.base.unwrap_or(seg.seq);
        let reused = reused_ports || synack_rebased;
        let first_syn = self.packets() == 1 && is_bare_syn(seg) && from_client && !early_rst;
        let analysis = if first_syn {
            // Analysed on a state that is dropped again: the flow keeps only the SYN (in its
            // ladder) until a second segment needs the state rebuilt.
            let mut state = ConnAnalysis::default();
            let out = state.observe(0, packet_no, ts_ns, seg, base, reused, syn_again);
            self.analysis = None;
            self.syn_reused_ports = reused;
            out
        } else {
            self.analysis_state().observe(
                usize::from(!from_client),
                packet_no,
                ts_ns,
                seg,
                base,
                reused,
                syn_again,
            )
        };
        if !analysis.verdicts.is_empty() {
            self.counts
                .get_or_insert_with(Box::default)
                .add(analysis.verdicts);
        }

        let kind = if early_rst {
            // The SYN the reset (captured first) answered: the connection was refused.
            self.on_syn(dir, ts_ns, seg);
            self.hs.refused = true;
            self.client_state = TcpState::Reset;
            self.server_state = TcpState::Closed;
            Some(EventKind::Syn)
        } else if is_bare_syn(seg) {
            Some(self.on_syn(dir, ts_ns, seg))
        } else if is_synack(seg) {
            Some(self.on_synack(dir, ts_ns, seg))
        } else if seg.has(tcp_flags::RST) {
            self.on_rst(dir, ts_ns, seg);
            Some(EventKind::Rst)
        } else {
            self.on_other(dir, ts_ns, seg)
        };

        if self.close == Close::Open {
            if seg.has(tcp_flags::RST) {
                self.close = Close::Rst;
            } else if self.to_server.fin && self.to_client.fin {
                self.close = Close::Fin;
            }
        }

        let index = kind.and_then(|kind| self.push_event(packet_no, ts_ns, dir, kind, seg));
        (dir, kind, index, analysis)
    }

    /// The running analysis state, rebuilt first if the flow so far held only its opening
    /// SYN: that SYN is analysed again from its ladder event, exactly as it was the first time
    /// (same frame, time, numbers, options and base), so every later verdict is unchanged.
    fn analysis_state(&mut self) -> &mut ConnAnalysis {
        if self.analysis.is_none() {
            let mut state = Box::<ConnAnalysis>::default();
            if let Some(syn) = self.ladder.first() {
                let seg = TcpSegment {
                    src: self.client,
                    dst: self.server,
                    flags: syn.flags,
                    seq: syn.seq,
                    ack: syn.ack,
                    payload_len: syn.payload_len,
                    window: syn.window,
                    options: syn.options,
                };
                let reused = self.syn_reused_ports;
                state.observe(0, syn.packet_no, syn.ts_ns, &seg, syn.seq, reused, false);
            }
            self.analysis = Some(state);
        }
        self.analysis.get_or_insert_with(Box::default)
    }

    /// Whether `seg` is the SYN that this flow's first segment, a RST-ACK captured just before
    /// it (capture-point reordering), answered: a bare SYN from the RST's receiver, within a
    /// second, whose sequence number the RST acknowledged.
    fn answers_early_rst(&self, ts_ns: TimestampNs, seg: &TcpSegment) -> bool {
        if self.opened_with_syn || !is_bare_syn(seg) || self.packets() != 1 {
            return false;
        }
        // The SYN's sender must be the reset's receiver.
        let sender_side = match self.direction_of(seg) {
            Direction::ClientToServer if self.to_client.rst => &self.client_side,
            Direction::ServerToClient if self.to_server.rst => &self.server_side,
            _ => return false,
        };
        sender_side.base == Some(seg.seq) && ts_ns.saturating_sub(self.first_ts_ns) <= 1_000_000_000
    }

    /// Turns a flow that began with a reset into the refused connection it is: the SYN's
    /// sender becomes the client, the reset came from the server.
    fn reorient_as_refused(&mut self) {
        if self.to_server.rst {
            // The roles were guessed the wrong way round.
            std::mem::swap(&mut self.client, &mut self.server);
            std::mem::swap(&mut self.to_server, &mut self.to_client);
            std::mem::swap(&mut self.client_side, &mut self.server_side);
            self.analysis_state().swap_directions();
            for event in &mut self.ladder {
                event.direction = event.direction.reverse();
            }
        }
        self.opened_with_syn = true;
        let rst = TcpSegment {
            src: self.server,
            dst: self.client,
            flags: tcp_flags::RST | tcp_flags::ACK,
            seq: 0,
            ack: 0,
            payload_len: 0,
            window: 0,
            options: TcpHandshakeOptions::default(),
        };
        self.history = History::default();
        self.history.record(false, &rst);
        for event in &mut self.ladder {
            event.client_state = TcpState::Closed;
            event.server_state = TcpState::Closed;
        }
        self.client_state = TcpState::Closed;
        self.server_state = TcpState::Closed;
    }

    /// Wireshark's base sequence numbers (relative numbering and the port-reuse rule).
    fn update_bases(&mut self, dir: Direction, seg: &TcpSegment) {
        let (own, peer) = self.sides_mut(dir);
        let syn = seg.has(tcp_flags::SYN);
        if is_synack(seg) && matches!(own.base, Some(base) if base != seg.seq) {
            // A SYN-ACK with a new ISN re-bases the direction (Wireshark issue 16944).
            own.base = Some(seg.seq);
        }
        if own.base.is_none() {
            own.base = Some(if syn {
                seg.seq
            } else {
                seg.seq.wrapping_sub(1)
            });
        }
        if seg.has(tcp_flags::ACK) && peer.base.is_none() {
            peer.base = Some(seg.ack.wrapping_sub(1));
        }
    }

    fn on_syn(&mut self, dir: Direction, ts_ns: TimestampNs, seg: &TcpSegment) -> EventKind {
        self.syn_count = self.syn_count.saturating_add(1);
        let (own, _) = self.sides_mut(dir);
        let again = own.sent_syn;
        own.sent_syn = true;
        if self.opened_with_syn && !self.hs.established {
            self.hs.mru_syn_ts = Some(ts_ns);
            self.hs.synack_after_mru = None;
        }
        if dir == Direction::ClientToServer {
            self.hs.aborted = false;
        }
        match dir {
            Direction::ClientToServer => {
                if self.syn_ts_ns.is_none() {
                    self.syn_ts_ns = Some(ts_ns);
                    self.client_isn = Some(seg.seq);
                    self.client_options = Some(seg.options);
                }
            }
            Direction::ServerToClient => {
                if self.opened_with_syn && !self.hs.established && !self.hs.server_syn {
                    self.hs.server_syn = true;
                    self.server_isn = Some(seg.seq);
                    self.server_options = Some(seg.options);
                }
            }
        }
        let (sender, receiver) = self.states_mut(dir);
        if matches!(
            *sender,
            TcpState::Closed | TcpState::Listen | TcpState::Unknown | TcpState::Reset
        ) {
            *sender = TcpState::SynSent;
        }
        if *receiver == TcpState::SynSent {
            // Simultaneous open: a SYN reaching an endpoint in SYN_SENT.
            *receiver = TcpState::SynRcvd;
        }
        if again {
            EventKind::SynRetransmit
        } else {
            EventKind::Syn
        }
    }

    fn on_synack(&mut self, dir: Direction, ts_ns: TimestampNs, seg: &TcpSegment) -> EventKind {
        self.synack_count = self.synack_count.saturating_add(1);
        let (own, _) = self.sides_mut(dir);
        let again = own.sent_synack;
        own.sent_synack = true;
        if self.synack_ts_ns.is_none() {
            self.synack_ts_ns = Some(ts_ns);
        }
        let answers_client = dir == Direction::ServerToClient || self.hs.server_syn;
        if answers_client && !self.hs.established {
            self.hs.synack_seen = true;
            if self.hs.synack_after_mru.is_none() {
                self.hs.synack_after_mru = Some(ts_ns);
            }
        }
        if dir == Direction::ServerToClient && !self.hs.server_syn {
            self.server_isn = Some(seg.seq);
            if self.server_options.is_none() {
                self.server_options = Some(seg.options);
            }
        }
        let simultaneous = self.hs.server_syn && !self.hs.established;
        let (sender, receiver) = self.states_mut(dir);
        if again && *sender == TcpState::Established && !simultaneous {
            // Sending the SYN-ACK again proves the handshake's ACK had not reached this side
            // yet (captured near the client, it was seen leaving): it is still SYN_RCVD.
            *sender = TcpState::SynRcvd;
        }
        if matches!(
            *sender,
            TcpState::Closed | TcpState::Listen | TcpState::SynSent | TcpState::Unknown
        ) {
            *sender = TcpState::SynRcvd;
        }
        if simultaneous && *receiver == TcpState::SynSent {
            // Simultaneous open: the receiver's own SYN crossed the peer's, so it answers
            // with a SYN-ACK of its own (SYN_RCVD) and is ESTABLISHED once that is
            // acknowledged (RFC 9293 §3.5).
            *receiver = TcpState::SynRcvd;
        } else if matches!(
            *receiver,
            TcpState::SynSent | TcpState::SynRcvd | TcpState::Unknown
        ) {
            *receiver = TcpState::Established;
        }
        if again {
            EventKind::SynAckRetransmit
        } else {
            EventKind::SynAck
        }
    }

    fn on_rst(&mut self, dir: Direction, ts_ns: TimestampNs, seg: &TcpSegment) {
        self.hs.aborted = true;
        // Only a RST-ACK answers a SYN (RFC 9293 §3.10.7.1 sends <RST,ACK> with ACK = SYN+1):
        // a bare RST long after an unanswered SYN is something else, with no RTT to measure.
        if self.opened_with_syn
            && seg.has(tcp_flags::ACK)
            && dir == Direction::ServerToClient
            && !self.hs.established
            && !self.hs.synack_seen
            && !self.hs.server_syn
        {
            if !self.hs.refused {
                // The reset answered the most recent SYN: that is the server side's RTT.
                self.rtt.server_ns = self.hs.mru_syn_ts.map(|s| ts_ns.saturating_sub(s));
            }
            self.hs.refused = true;
        }
        let (sender, receiver) = self.states_mut(dir);
        *sender = TcpState::Closed;
        *receiver = TcpState::Reset;
    }

    /// Segments without SYN or RST: the handshake's ACK, FINs, ACKs of FINs, data.
    fn on_other(
        &mut self,
        dir: Direction,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
    ) -> Option<EventKind> {
        let mut kind = None;
        let ack = seg.has(tcp_flags::ACK);
        // The client acknowledging something after its SYN proves it accepted a SYN-ACK that
        // the capture missed (one-sided captures): the handshake completed all the same.
        let synack_missed = !self.hs.synack_seen
            && !self.hs.refused
            && !self.hs.server_syn
            && dir == Direction::ClientToServer
            && seg.ack != 0;
        // A reset (either way) ended the attempt: a later ACK completes nothing (the peer
        // answers it with another reset) until the client tries again with a SYN.
        let reset = self.hs.aborted;
        if ack
            && self.opened_with_syn
            && !self.hs.established
            && !reset
            && (self.hs.synack_seen || synack_missed)
        {
            let completes = self.hs.server_syn || dir == Direction::ClientToServer;
            if completes {
                self.hs.established = true;
                if self.close == Close::Rst {
                    // An earlier attempt was refused; this retry connected, so the reset
                    // no longer says how the connection ends.
                    self.close = Close::Open;
                }
                self.synack_not_captured = synack_missed;
                self.ack_ts_ns = Some(ts_ns);
                let syn = self.hs.mru_syn_ts;
                let synack = self.hs.synack_after_mru;
                self.rtt.initial_ns = syn.map(|s| ts_ns.saturating_sub(s));
                self.rtt.server_ns = syn.zip(synack).map(|(s, a)| a.saturating_sub(s));
                self.rtt.client_ns = synack.map(|a| ts_ns.saturating_sub(a));
                let (sender, receiver) = self.states_mut(dir);
                for state in [sender, receiver] {
                    if matches!(
                        *state,
                        TcpState::SynSent | TcpState::SynRcvd | TcpState::Listen
                    ) {
                        *state = TcpState::Established;
                    }
                }
                kind = Some(EventKind::HandshakeAck);
            }
        }

        if ack && self.hs.established {
            // A side left in SYN_RCVD (it had sent its SYN-ACK again) is ESTABLISHED once an
            // ACK reaches it or it acknowledges something itself.
            let (sender, receiver) = self.states_mut(dir);
            for state in [sender, receiver] {
                if *state == TcpState::SynRcvd {
                    *state = TcpState::Established;
                }
            }
        }

        // Does this segment acknowledge the peer's FIN (for the first time)?
        let (_, peer) = self.sides_mut(dir);
        let acks_peer_fin = ack
            && !peer.fin_acked
            && matches!(peer.fin_seq, Some(fin) if !SeqNum(fin).add(1).after(SeqNum(seg.ack)));
        if acks_peer_fin {
            peer.fin_acked = true;
        }

        if seg.has(tcp_flags::FIN) {
            let (own, peer) = self.sides_mut(dir);
            if own.fin_seq.is_none() {
                own.fin_seq = Some(seg.seq.wrapping_add(seg.payload_len));
            }
            // This FIN does not acknowledge the peer's FIN, which came first: the two FINs
            // crossed. The sender had not received the peer's FIN when it sent its own, so it
            // went ESTABLISHED → FIN_WAIT_1 → (peer's FIN arrives) CLOSING, not CLOSE_WAIT →
            // LAST_ACK (RFC 9293 §3.6, simultaneous close).
            let covers_peer_fin = ack
                && matches!(peer.fin_seq, Some(fin) if !SeqNum(fin).add(1).after(SeqNum(seg.ack)));
            let crossed = peer.fin_seq.is_some() && !covers_peer_fin;
            let (sender, receiver) = self.states_mut(dir);
            if crossed && *sender == TcpState::CloseWait {
                *sender = TcpState::Closing;
                if *receiver == TcpState::FinWait1 {
                    *receiver = TcpState::Closing;
                }
                self.undo_close_wait(dir);
                return Some(EventKind::Fin);
            }
            *sender = match *sender {
                TcpState::CloseWait => TcpState::LastAck,
                TcpState::Established
                | TcpState::SynRcvd
                | TcpState::SynSent
                | TcpState::Unknown
                | TcpState::Listen
                | TcpState::Closed => TcpState::FinWait1,
                other => other,
            };
            *receiver = match *receiver {
                TcpState::FinWait1 if acks_peer_fin => TcpState::TimeWait,
                TcpState::FinWait1 => TcpState::Closing,
                TcpState::FinWait2 => TcpState::TimeWait,
                TcpState::Established
                | TcpState::SynRcvd
                | TcpState::SynSent
                | TcpState::Unknown
                | TcpState::Listen => TcpState::CloseWait,
                other => other,
            };
            return Some(EventKind::Fin);
        }

        if acks_peer_fin {
            let (_, receiver) = self.states_mut(dir);
            *receiver = match *receiver {
                TcpState::FinWait1 => TcpState::FinWait2,
                TcpState::Closing => TcpState::TimeWait,
                TcpState::LastAck => TcpState::Closed,
                other => other,
            };
            if kind.is_none() {
                kind = Some(EventKind::FinAck);
            }
        }
        kind
    }

    /// The FIN that put the sender of a crossing FIN into CLOSE_WAIT had not reached it yet:
    /// on that FIN's ladder event, show the sender as it was before (usually ESTABLISHED).
    fn undo_close_wait(&mut self, dir: Direction) {
        let peer_fin = self
            .ladder
            .iter_mut()
            .rev()
            .find(|e| e.kind == EventKind::Fin && e.direction == dir.reverse());
        if let Some(event) = peer_fin {
            let state = match dir {
                Direction::ClientToServer => &mut event.client_state,
                Direction::ServerToClient => &mut event.server_state,
            };
            if *state == TcpState::CloseWait {
                *state = TcpState::Established;
            }
        }
    }

    fn push_event(
        &mut self,
        packet_no: u64,
        ts_ns: TimestampNs,
        direction: Direction,
        kind: EventKind,
        seg: &TcpSegment,
    ) -> Option<usize> {
        let full = self.ladder.len() >= MAX_LADDER_EVENTS
            || (kind.is_retransmission() && self.ladder.len() >= MAX_RETRANSMIT_EVENTS);
        if full {
            self.ladder_dropped = self.ladder_dropped.saturating_add(1);
            return None;
        }
        let (own, peer) = match direction {
            Direction::ClientToServer => (&self.client_side, &self.server_side),
            Direction::ServerToClient => (&self.server_side, &self.client_side),
        };
        let rel_seq = seg.seq.wrapping_sub(own.base.unwrap_or(seg.seq));
        let rel_ack = if seg.has(tcp_flags::ACK) {
            peer.base.map(|base| seg.ack.wrapping_sub(base))
        } else {
            None
        };
        if self.ladder.capacity() == 0 {
            self.ladder.reserve_exact(1);
        }
        self.ladder.push(LadderEvent {
            packet_no,
            ts_ns,
            direction,
            kind,
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
            rel_seq,
            rel_ack,
            payload_len: seg.payload_len,
            window: seg.window,
            options: seg.options,
            client_state: self.client_state,
            server_state: self.server_state,
        });
        Some(self.ladder.len() - 1)
    }
}
