//! One TCP connection ([`Flow`]): who is client and server, the handshake as it happened
//! (SYN/SYN-ACK counts, times, ISNs, options, RTTs), per-direction counters, the history
//! string, both endpoints' TCP states and the ladder of handshake/teardown segments. `update`
//! applies one segment; all arithmetic on packet numbers is wrapping or saturating.
//! Depends on `model` and the sibling `state`, `ladder` and `history` modules.

use std::borrow::Cow;
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Handshake {
    server_syn: bool,
    synack_seen: bool,
    pub(crate) established: bool,
    refused: bool,
    /// Most recent bare SYN (either direction, as Wireshark's `ts_mru_syn`).
    mru_syn_ts: Option<TimestampNs>,
    /// First SYN-ACK after that SYN.
    synack_after_mru: Option<TimestampNs>,
    /// A reset came since the client's last SYN: no ACK completes this attempt.
    aborted: bool,
}

/// What a flow records once it is past its opening SYN: the handshake record, per-direction
/// counters, the history and the per-side bookkeeping. Boxed and allocated at a connection's
/// second segment (issue 10: in a SYN flood or a port scan most connections hold one bare SYN,
/// and all of this follows from that SYN's ladder event: [`Flow::syn_only_detail`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Detail {
    pub(crate) syn_count: u32,
    pub(crate) synack_count: u32,
    pub(crate) synack_not_captured: bool,
    pub(crate) syn_ts_ns: Option<TimestampNs>,
    pub(crate) synack_ts_ns: Option<TimestampNs>,
    pub(crate) ack_ts_ns: Option<TimestampNs>,
    pub(crate) rtt: Rtt,
    pub(crate) client_isn: Option<u32>,
    pub(crate) server_isn: Option<u32>,
    pub(crate) client_options: Option<TcpHandshakeOptions>,
    pub(crate) server_options: Option<TcpHandshakeOptions>,
    pub(crate) to_server: DirStats,
    pub(crate) to_client: DirStats,
    pub(crate) last_ts_ns: TimestampNs,
    pub(crate) last_packet_no: u64,
    pub(crate) history: History,
    pub(crate) client_side: Side,
    pub(crate) server_side: Side,
    pub(crate) hs: Handshake,
}

impl Detail {
    fn new(ts_ns: TimestampNs, packet_no: u64, history: History) -> Detail {
        Detail {
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
            last_ts_ns: ts_ns,
            last_packet_no: packet_no,
            history,
            client_side: Side::default(),
            server_side: Side::default(),
            hs: Handshake::default(),
        }
    }

    pub(crate) fn packets(&self) -> u64 {
        self.to_server
            .packets
            .saturating_add(self.to_client.packets)
    }

    fn sides_mut(&mut self, dir: Direction) -> (&mut Side, &mut Side) {
        match dir {
            Direction::ClientToServer => (&mut self.client_side, &mut self.server_side),
            Direction::ServerToClient => (&mut self.server_side, &mut self.client_side),
        }
    }

    fn sides(&self, dir: Direction) -> (&Side, &Side) {
        match dir {
            Direction::ClientToServer => (&self.client_side, &self.server_side),
            Direction::ServerToClient => (&self.server_side, &self.client_side),
        }
    }

    /// The segment's times, numbers and counters (the first thing `update` records).
    fn count(
        &mut self,
        from_client: bool,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
    ) {
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

    /// What a bare SYN changes in the record (the endpoints' states aside); returns whether
    /// its sender had sent one before.
    fn on_syn(
        &mut self,
        opened_with_syn: bool,
        dir: Direction,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
    ) -> bool {
        self.syn_count = self.syn_count.saturating_add(1);
        let (own, _) = self.sides_mut(dir);
        let again = own.sent_syn;
        own.sent_syn = true;
        if opened_with_syn && !self.hs.established {
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
                if opened_with_syn && !self.hs.established && !self.hs.server_syn {
                    self.hs.server_syn = true;
                    self.server_isn = Some(seg.seq);
                    self.server_options = Some(seg.options);
                }
            }
        }
        again
    }
}

/// A connection's two endpoints, compact (issue 10): an IPv4 pair in 12 bytes inline, any
/// other pair (IPv6; a mixed pair only a hostile capture makes) boxed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Endpoints {
    V4 {
        client: [u8; 4],
        server: [u8; 4],
        client_port: u16,
        server_port: u16,
    },
    Other(Box<(SocketAddr, SocketAddr)>),
}

impl Endpoints {
    fn new(client: SocketAddr, server: SocketAddr) -> Endpoints {
        match (plain(client), plain(server)) {
            (SocketAddr::V4(c), SocketAddr::V4(s)) => Endpoints::V4 {
                client: c.ip().octets(),
                server: s.ip().octets(),
                client_port: c.port(),
                server_port: s.port(),
            },
            (c, s) => Endpoints::Other(Box::new((c, s))),
        }
    }

    fn client(&self) -> SocketAddr {
        match self {
            Endpoints::V4 {
                client,
                client_port,
                ..
            } => SocketAddr::from((*client, *client_port)),
            Endpoints::Other(pair) => pair.0,
        }
    }

    fn server(&self) -> SocketAddr {
        match self {
            Endpoints::V4 {
                server,
                server_port,
                ..
            } => SocketAddr::from((*server, *server_port)),
            Endpoints::Other(pair) => pair.1,
        }
    }
}

/// One TCP connection.
#[derive(Clone, Debug)]
pub struct Flow {
    pub id: FlowId,
    /// Client and server ([`Flow::client`], [`Flow::server`]).
    endpoints: Endpoints,
    /// The flow's first segment was a bare SYN, so its handshake was watched from the start.
    pub opened_with_syn: bool,
    pub first_ts_ns: TimestampNs,
    pub first_packet_no: u64,
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
    /// What the opening SYN was analysed with (for the rebuild of `analysis`).
    syn_reused_ports: bool,
    /// Frame length of the opening SYN (the counters of a flow without `detail`).
    syn_frame_len: u32,
    /// Counts of the analysis verdicts of this connection's segments
    /// ([`Flow::analysis_counts`]); allocated at the first verdict (most connections have none).
    counts: Option<Box<AnalysisCounts>>,
    /// The sequence analysis state; None while the flow holds only its opening bare SYN
    /// (issue 10: each connection of a SYN flood holds one segment, and a lone SYN's state is
    /// rebuilt from its ladder event when a second segment needs it).
    analysis: Option<Box<ConnAnalysis>>,
    /// The handshake record, counters and history; None while the flow holds only its
    /// opening bare SYN (rebuilt from its ladder event, as `analysis`).
    detail: Option<Box<Detail>>,
}

/// What the history of a flow holding only its opening bare SYN can be: `S`, or `Q` / `I`
/// when the SYN also carries a FIN or RST (empty before the SYN is applied).
const ONE_LETTER_HISTORIES: [&str; 4] = ["", "S", "Q", "I"];

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
            endpoints: Endpoints::new(client, server),
            opened_with_syn,
            first_ts_ns: ts_ns,
            first_packet_no: packet_no,
            client_state,
            server_state,
            close: Close::Open,
            ladder: Vec::new(),
            ladder_dropped: 0,
            finished: false,
            syn_reused_ports: false,
            syn_frame_len: 0,
            counts: None,
            // A flow opened by a bare SYN keeps only that SYN until its second segment.
            analysis: (!opened_with_syn).then(Box::default),
            detail: (!opened_with_syn).then(|| Box::new(Detail::new(ts_ns, packet_no, history))),
        }
    }

    /// The record: the boxed one, or for a flow that holds only its opening SYN, the one that
    /// SYN makes (see [`Flow::syn_only_detail`]).
    pub(crate) fn detail(&self) -> Cow<'_, Detail> {
        match self.detail.as_deref() {
            Some(detail) => Cow::Borrowed(detail),
            None => Cow::Owned(self.syn_only_detail()),
        }
    }

    /// The opening bare SYN as a segment again, from its ladder event.
    fn opening_syn(&self) -> Option<(u64, TimestampNs, TcpSegment)> {
        let syn = self.ladder.first()?;
        let seg = TcpSegment {
            src: self.client(),
            dst: self.server(),
            flags: syn.flags,
            seq: syn.seq,
            ack: syn.ack,
            payload_len: syn.payload_len,
            window: syn.window,
            options: syn.options,
        };
        Some((syn.packet_no, syn.ts_ns, seg))
    }

    /// The record of a flow that holds only its opening bare SYN: that SYN applied to a new
    /// record by the same steps, in the same order, as [`Flow::update`] applies any segment,
    /// so the result is what an eagerly kept record would hold.
    pub(crate) fn syn_only_detail(&self) -> Detail {
        let mut detail = Detail::new(self.first_ts_ns, self.first_packet_no, History::default());
        if let Some((packet_no, ts_ns, seg)) = self.opening_syn() {
            let dir = Direction::ClientToServer;
            detail.count(true, packet_no, ts_ns, &seg, self.syn_frame_len);
            detail.update_bases(dir, &seg);
            detail.history.record(true, &seg);
            detail.on_syn(self.opened_with_syn, dir, ts_ns, &seg);
        }
        detail
    }

    /// The endpoint that sent the first SYN; for mid-stream flows the first sender (or the
    /// receiver of a SYN-ACK seen first).
    pub fn client(&self) -> SocketAddr {
        self.endpoints.client()
    }

    pub fn server(&self) -> SocketAddr {
        self.endpoints.server()
    }

    /// Replaces both endpoints: for stand-ins drawn in their place (`--redact`), never while
    /// the flow is tracked.
    pub fn set_endpoints(&mut self, client: SocketAddr, server: SocketAddr) {
        self.endpoints = Endpoints::new(client, server);
    }

    /// Bare SYNs seen (either direction, retransmissions included).
    pub fn syn_count(&self) -> u32 {
        self.detail().syn_count
    }

    /// SYN-ACKs seen (retransmissions included).
    pub fn synack_count(&self) -> u32 {
        self.detail().synack_count
    }

    /// The handshake completed but its SYN-ACK is not in the capture: the client acknowledged
    /// the server after its SYN without the SYN-ACK being seen (a one-sided capture).
    pub fn synack_not_captured(&self) -> bool {
        self.detail().synack_not_captured
    }

    /// First SYN.
    pub fn syn_ts_ns(&self) -> Option<TimestampNs> {
        self.detail().syn_ts_ns
    }

    /// First SYN-ACK.
    pub fn synack_ts_ns(&self) -> Option<TimestampNs> {
        self.detail().synack_ts_ns
    }

    /// The handshake's ACK.
    pub fn ack_ts_ns(&self) -> Option<TimestampNs> {
        self.detail().ack_ts_ns
    }

    pub fn rtt(&self) -> Rtt {
        self.detail().rtt
    }

    pub fn client_isn(&self) -> Option<u32> {
        self.detail().client_isn
    }

    pub fn server_isn(&self) -> Option<u32> {
        self.detail().server_isn
    }

    /// Options of the client's first SYN.
    pub fn client_options(&self) -> Option<TcpHandshakeOptions> {
        self.detail().client_options
    }

    /// Options of the server's first SYN-ACK (or bare SYN).
    pub fn server_options(&self) -> Option<TcpHandshakeOptions> {
        self.detail().server_options
    }

    /// Packets and bytes client to server.
    pub fn to_server(&self) -> DirStats {
        self.detail().to_server
    }

    /// Packets and bytes server to client.
    pub fn to_client(&self) -> DirStats {
        self.detail().to_client
    }

    pub fn last_ts_ns(&self) -> TimestampNs {
        // A flow holding only its opening SYN ends where it began.
        self.detail
            .as_deref()
            .map_or(self.first_ts_ns, |d| d.last_ts_ns)
    }

    pub fn last_packet_no(&self) -> u64 {
        self.detail
            .as_deref()
            .map_or(self.first_packet_no, |d| d.last_packet_no)
    }

    /// The Zeek-style history.
    pub fn history(&self) -> History {
        self.detail().history
    }

    /// The history's letters, borrowed from the flow (the filters read them per packet without
    /// allocating). A flow holding only its opening SYN has one letter.
    pub fn history_str(&self) -> &str {
        match self.detail.as_deref() {
            Some(detail) => detail.history.as_str(),
            None => {
                let history = self.syn_only_detail().history;
                ONE_LETTER_HISTORIES
                    .iter()
                    .find(|&&letters| letters == history.as_str())
                    .copied()
                    .unwrap_or("")
            }
        }
    }

    /// Wireshark's base sequence number of one direction (relative `tcp.seq` / `tcp.ack`):
    /// the SYN's sequence number, else the first one seen minus 1, or the peer's first
    /// acknowledgment minus 1.
    pub fn base_seq(&self, client: bool) -> Option<u32> {
        match self.detail.as_deref() {
            Some(detail) if client => detail.client_side.base,
            Some(detail) => detail.server_side.base,
            // Only the opening SYN: it set the client's base.
            None if client => self.ladder.first().map(|syn| syn.seq),
            None => None,
        }
    }

    /// The direction `seg` travels in this flow.
    pub fn direction_of(&self, seg: &TcpSegment) -> Direction {
        if plain(seg.src) == self.client() {
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
        let client = self.direction_of(seg) == Direction::ClientToServer;
        matches!(self.base_seq(client), Some(base) if base != seg.seq)
    }

    /// The handshake progress, for its flags: all false while the flow holds only its opening
    /// SYN (cheaper than the whole derived record, and all that the outcome reads).
    fn hs(&self) -> Handshake {
        self.detail.as_deref().map(|d| d.hs).unwrap_or_default()
    }

    /// The handshake outcome as far as the capture shows.
    pub fn outcome(&self) -> Outcome {
        let hs = self.hs();
        if !self.opened_with_syn {
            Outcome::Midstream
        } else if hs.server_syn {
            Outcome::SimultaneousOpen
        } else if hs.established {
            Outcome::Complete
        } else if hs.refused {
            Outcome::Refused
        } else if hs.synack_seen {
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
            || (self.outcome() == Outcome::SimultaneousOpen && self.hs().established)
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
            self.last_ts_ns()
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
        self.hs().established
    }

    pub fn packets(&self) -> u64 {
        match self.detail.as_deref() {
            Some(detail) => detail.packets(),
            None => u64::from(!self.ladder.is_empty()),
        }
    }

    pub fn bytes(&self) -> u64 {
        let detail = self.detail();
        detail
            .to_server
            .bytes
            .saturating_add(detail.to_client.bytes)
    }

    /// Last minus first timestamp (0 when the clock went backwards).
    pub fn duration_ns(&self) -> i64 {
        self.last_ts_ns().saturating_sub(self.first_ts_ns).max(0)
    }

    /// SYNs sent again after the first.
    pub fn syn_retransmissions(&self) -> u32 {
        let detail = self.detail();
        let client_syns = detail
            .syn_count
            .saturating_sub(u32::from(detail.hs.server_syn));
        client_syns.saturating_sub(1)
    }

    /// SYN-ACKs a side sent again after its first. In a simultaneous open each side sends
    /// one SYN-ACK of its own: two SYN-ACKs from different sides are no retransmission.
    pub fn synack_retransmissions(&self) -> u32 {
        let detail = self.detail();
        let senders =
            u32::from(detail.client_side.sent_synack) + u32::from(detail.server_side.sent_synack);
        detail.synack_count.saturating_sub(senders)
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
        if self.detail.is_none() && self.ladder.is_empty() {
            return self.open_with_syn(packet_no, ts_ns, seg, frame_len, reused_ports);
        }
        // Past the opening SYN: the record is kept from now on. Taken out of the flow while
        // the segment is applied (the handlers get it and the flow side by side).
        let mut detail = match self.detail.take() {
            Some(detail) => detail,
            None => Box::new(self.syn_only_detail()),
        };
        let out = self.apply(&mut detail, packet_no, ts_ns, seg, frame_len, reused_ports);
        self.detail = Some(detail);
        out
    }

    /// The first segment of a flow opened by a bare SYN, applied without a record: what
    /// [`Flow::apply`] does to everything but the record (which [`Flow::syn_only_detail`]
    /// derives from the ladder event kept here).
    fn open_with_syn(
        &mut self,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
        reused_ports: bool,
    ) -> (Direction, Option<EventKind>, Option<usize>, PacketAnalysis) {
        let dir = Direction::ClientToServer;
        self.syn_frame_len = frame_len;
        // Analysed on a state that is dropped again: the flow keeps only the SYN (in its
        // ladder) until a second segment needs the state rebuilt.
        let mut state = ConnAnalysis::default();
        let analysis = state.observe(0, packet_no, ts_ns, seg, seg.seq, reused_ports, false);
        self.analysis = None;
        self.syn_reused_ports = reused_ports;
        self.count_verdicts(&analysis);
        let kind = self.syn_states(dir, false);
        if seg.has(tcp_flags::RST) {
            self.close = Close::Rst;
        }
        let index = self.push_event(packet_no, ts_ns, dir, kind, seg, (Some(seg.seq), None));
        (dir, Some(kind), index, analysis)
    }

    fn count_verdicts(&mut self, analysis: &PacketAnalysis) {
        if !analysis.verdicts.is_empty() {
            self.counts
                .get_or_insert_with(Box::default)
                .add(analysis.verdicts);
        }
    }

    /// Applies one segment to the flow and its record.
    fn apply(
        &mut self,
        d: &mut Detail,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
        reused_ports: bool,
    ) -> (Direction, Option<EventKind>, Option<usize>, PacketAnalysis) {
        let early_rst = self.answers_early_rst(d, ts_ns, seg);
        if early_rst {
            self.reorient_as_refused(d);
        }
        let dir = self.direction_of(seg);
        let from_client = dir == Direction::ClientToServer;
        d.count(from_client, packet_no, ts_ns, seg, frame_len);

        let (own, _) = d.sides(dir);
        let known_base = own.base;
        let synack_rebased = is_synack(seg) && known_base.is_some_and(|b| b != seg.seq);
        let syn_again = is_bare_syn(seg) && known_base == Some(seg.seq);
        d.update_bases(dir, seg);
        d.history.record(from_client, seg);
        let (own, _) = d.sides(dir);
        let base = own.base.unwrap_or(seg.seq);
        let reused = reused_ports || synack_rebased;
        // (A flow's opening bare SYN goes through `open_with_syn`, never here.)
        let analysis = self.analysis_state().observe(
            usize::from(!from_client),
            packet_no,
            ts_ns,
            seg,
            base,
            reused,
            syn_again,
        );
        self.count_verdicts(&analysis);

        let kind = if early_rst {
            // The SYN the reset (captured first) answered: the connection was refused.
            self.on_syn(d, dir, ts_ns, seg);
            d.hs.refused = true;
            self.client_state = TcpState::Reset;
            self.server_state = TcpState::Closed;
            Some(EventKind::Syn)
        } else if is_bare_syn(seg) {
            Some(self.on_syn(d, dir, ts_ns, seg))
        } else if is_synack(seg) {
            Some(self.on_synack(d, dir, ts_ns, seg))
        } else if seg.has(tcp_flags::RST) {
            self.on_rst(d, dir, ts_ns, seg);
            Some(EventKind::Rst)
        } else {
            self.on_other(d, dir, ts_ns, seg)
        };

        if self.close == Close::Open {
            if seg.has(tcp_flags::RST) {
                self.close = Close::Rst;
            } else if d.to_server.fin && d.to_client.fin {
                self.close = Close::Fin;
            }
        }

        let (own, peer) = d.sides(dir);
        let bases = (own.base, peer.base);
        let index = kind.and_then(|kind| self.push_event(packet_no, ts_ns, dir, kind, seg, bases));
        (dir, kind, index, analysis)
    }

    /// The running analysis state, rebuilt first if the flow so far held only its opening
    /// SYN: that SYN is analysed again from its ladder event, exactly as it was the first time
    /// (same frame, time, numbers, options and base), so every later verdict is unchanged.
    fn analysis_state(&mut self) -> &mut ConnAnalysis {
        if self.analysis.is_none() {
            let mut state = Box::<ConnAnalysis>::default();
            if let Some((packet_no, ts_ns, seg)) = self.opening_syn() {
                let reused = self.syn_reused_ports;
                state.observe(0, packet_no, ts_ns, &seg, seg.seq, reused, false);
            }
            self.analysis = Some(state);
        }
        self.analysis.get_or_insert_with(Box::default)
    }

    /// Whether `seg` is the SYN that this flow's first segment, a RST-ACK captured just before
    /// it (capture-point reordering), answered: a bare SYN from the RST's receiver, within a
    /// second, whose sequence number the RST acknowledged.
    fn answers_early_rst(&self, d: &Detail, ts_ns: TimestampNs, seg: &TcpSegment) -> bool {
        if self.opened_with_syn || !is_bare_syn(seg) || d.packets() != 1 {
            return false;
        }
        // The SYN's sender must be the reset's receiver.
        let sender_side = match self.direction_of(seg) {
            Direction::ClientToServer if d.to_client.rst => &d.client_side,
            Direction::ServerToClient if d.to_server.rst => &d.server_side,
            _ => return false,
        };
        sender_side.base == Some(seg.seq) && ts_ns.saturating_sub(self.first_ts_ns) <= 1_000_000_000
    }

    /// Turns a flow that began with a reset into the refused connection it is: the SYN's
    /// sender becomes the client, the reset came from the server.
    fn reorient_as_refused(&mut self, d: &mut Detail) {
        if d.to_server.rst {
            // The roles were guessed the wrong way round.
            self.endpoints = Endpoints::new(self.server(), self.client());
            std::mem::swap(&mut d.to_server, &mut d.to_client);
            std::mem::swap(&mut d.client_side, &mut d.server_side);
            self.analysis_state().swap_directions();
            for event in &mut self.ladder {
                event.direction = event.direction.reverse();
            }
        }
        self.opened_with_syn = true;
        let rst = TcpSegment {
            src: self.server(),
            dst: self.client(),
            flags: tcp_flags::RST | tcp_flags::ACK,
            seq: 0,
            ack: 0,
            payload_len: 0,
            window: 0,
            options: TcpHandshakeOptions::default(),
        };
        d.history = History::default();
        d.history.record(false, &rst);
        for event in &mut self.ladder {
            event.client_state = TcpState::Closed;
            event.server_state = TcpState::Closed;
        }
        self.client_state = TcpState::Closed;
        self.server_state = TcpState::Closed;
    }

    fn on_syn(
        &mut self,
        d: &mut Detail,
        dir: Direction,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
    ) -> EventKind {
        let again = d.on_syn(self.opened_with_syn, dir, ts_ns, seg);
        self.syn_states(dir, again)
    }

    /// What a bare SYN does to the endpoints' states.
    fn syn_states(&mut self, dir: Direction, again: bool) -> EventKind {
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

    fn on_synack(
        &mut self,
        d: &mut Detail,
        dir: Direction,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
    ) -> EventKind {
        d.synack_count = d.synack_count.saturating_add(1);
        let (own, _) = d.sides_mut(dir);
        let again = own.sent_synack;
        own.sent_synack = true;
        if d.synack_ts_ns.is_none() {
            d.synack_ts_ns = Some(ts_ns);
        }
        let answers_client = dir == Direction::ServerToClient || d.hs.server_syn;
        if answers_client && !d.hs.established {
            d.hs.synack_seen = true;
            if d.hs.synack_after_mru.is_none() {
                d.hs.synack_after_mru = Some(ts_ns);
            }
        }
        if dir == Direction::ServerToClient && !d.hs.server_syn {
            d.server_isn = Some(seg.seq);
            if d.server_options.is_none() {
                d.server_options = Some(seg.options);
            }
        }
        let simultaneous = d.hs.server_syn && !d.hs.established;
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

    fn on_rst(&mut self, d: &mut Detail, dir: Direction, ts_ns: TimestampNs, seg: &TcpSegment) {
        d.hs.aborted = true;
        // Only a RST-ACK answers a SYN (RFC 9293 §3.10.7.1 sends <RST,ACK> with ACK = SYN+1):
        // a bare RST long after an unanswered SYN is something else, with no RTT to measure.
        if self.opened_with_syn
            && seg.has(tcp_flags::ACK)
            && dir == Direction::ServerToClient
            && !d.hs.established
            && !d.hs.synack_seen
            && !d.hs.server_syn
        {
            if !d.hs.refused {
                // The reset answered the most recent SYN: that is the server side's RTT.
                d.rtt.server_ns = d.hs.mru_syn_ts.map(|s| ts_ns.saturating_sub(s));
            }
            d.hs.refused = true;
        }
        let (sender, receiver) = self.states_mut(dir);
        *sender = TcpState::Closed;
        *receiver = TcpState::Reset;
    }

    /// Segments without SYN or RST: the handshake's ACK, FINs, ACKs of FINs, data.
    fn on_other(
        &mut self,
        d: &mut Detail,
        dir: Direction,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
    ) -> Option<EventKind> {
        let mut kind = None;
        let ack = seg.has(tcp_flags::ACK);
        // The client acknowledging something after its SYN proves it accepted a SYN-ACK that
        // the capture missed (one-sided captures): the handshake completed all the same.
        let synack_missed = !d.hs.synack_seen
            && !d.hs.refused
            && !d.hs.server_syn
            && dir == Direction::ClientToServer
            && seg.ack != 0;
        // A reset (either way) ended the attempt: a later ACK completes nothing (the peer
        // answers it with another reset) until the client tries again with a SYN.
        let reset = d.hs.aborted;
        if ack
            && self.opened_with_syn
            && !d.hs.established
            && !reset
            && (d.hs.synack_seen || synack_missed)
        {
            let completes = d.hs.server_syn || dir == Direction::ClientToServer;
            if completes {
                d.hs.established = true;
                if self.close == Close::Rst {
                    // An earlier attempt was refused; this retry connected, so the reset
                    // no longer says how the connection ends.
                    self.close = Close::Open;
                }
                d.synack_not_captured = synack_missed;
                d.ack_ts_ns = Some(ts_ns);
                let syn = d.hs.mru_syn_ts;
                let synack = d.hs.synack_after_mru;
                d.rtt.initial_ns = syn.map(|s| ts_ns.saturating_sub(s));
                d.rtt.server_ns = syn.zip(synack).map(|(s, a)| a.saturating_sub(s));
                d.rtt.client_ns = synack.map(|a| ts_ns.saturating_sub(a));
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

        if ack && d.hs.established {
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
        let (_, peer) = d.sides_mut(dir);
        let acks_peer_fin = ack
            && !peer.fin_acked
            && matches!(peer.fin_seq, Some(fin) if !SeqNum(fin).add(1).after(SeqNum(seg.ack)));
        if acks_peer_fin {
            peer.fin_acked = true;
        }

        if seg.has(tcp_flags::FIN) {
            let (own, peer) = d.sides_mut(dir);
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
        (own_base, peer_base): (Option<u32>, Option<u32>),
    ) -> Option<usize> {
        let full = self.ladder.len() >= MAX_LADDER_EVENTS
            || (kind.is_retransmission() && self.ladder.len() >= MAX_RETRANSMIT_EVENTS);
        if full {
            self.ladder_dropped = self.ladder_dropped.saturating_add(1);
            return None;
        }
        let rel_seq = seg.seq.wrapping_sub(own_base.unwrap_or(seg.seq));
        let rel_ack = if seg.has(tcp_flags::ACK) {
            peer_base.map(|base| seg.ack.wrapping_sub(base))
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

#[cfg(test)]
mod tests {
    use super::*;

    const T0: TimestampNs = 1_700_000_000_000_000_000;

    fn seg(flags: u16, seq: u32, ack: u32, payload_len: u32, window: u16) -> TcpSegment {
        let client: SocketAddr = "192.0.2.1:40000".parse().expect("an address");
        let server: SocketAddr = "192.0.2.2:80".parse().expect("an address");
        let (src, dst) = if flags & tcp_flags::ACK != 0 && flags & tcp_flags::SYN != 0 {
            (server, client)
        } else {
            (client, server)
        };
        TcpSegment {
            src,
            dst,
            flags,
            seq,
            ack,
            payload_len,
            window,
            options: TcpHandshakeOptions {
                mss: Some(1460),
                window_scale: Some(7),
                sack_permitted: true,
                timestamps: Some((9, 0)),
                ..Default::default()
            },
        }
    }

    /// A flow that keeps its record from the first segment, as every flow did before the
    /// record was made lazy (issue 10).
    fn eager(seg: &TcpSegment) -> (Flow, Box<Detail>) {
        let mut flow = Flow::new(7, 3, T0, seg);
        let mut detail = Box::new(Detail::new(T0, 3, History::default()));
        flow.apply(&mut detail, 3, T0, seg, 74, false);
        (flow, detail)
    }

    #[test]
    fn a_lone_syn_derives_the_record_an_eager_flow_keeps() {
        use tcp_flags::{ACK, CWR, ECE, FIN, RST, SYN};
        let openers = [
            (SYN, 0, 64240),
            (SYN | ECE | CWR, 0, 64240),
            (SYN, 20, 64240),
            (SYN, 0, 0),
            (SYN | FIN, 0, 64240),
            (SYN | RST, 0, 64240),
            (SYN | FIN | RST, 5, 0),
        ];
        for (flags, len, window) in openers {
            let syn = seg(flags, 1000, 0, len, window);
            let mut lazy = Flow::new(7, 3, T0, &syn);
            let out = lazy.update(3, T0, &syn, 74, false);
            assert!(
                lazy.detail.is_none(),
                "{flags:#x}: no record kept for a lone SYN"
            );
            let (mut eager, detail) = eager(&syn);
            assert_eq!(*lazy.detail(), *detail, "{flags:#x}: the derived record");
            assert_eq!(lazy.history_str(), detail.history.as_str(), "{flags:#x}");
            assert_eq!(lazy.ladder, eager.ladder, "{flags:#x}");
            assert_eq!(out.1, eager.ladder.first().map(|e| e.kind), "{flags:#x}");
            assert_eq!(
                (lazy.client_state, lazy.server_state, lazy.close),
                (eager.client_state, eager.server_state, eager.close),
                "{flags:#x}"
            );
            assert_eq!(lazy.packets(), detail.packets(), "{flags:#x}");
            assert_eq!(lazy.last_ts_ns(), detail.last_ts_ns, "{flags:#x}");
            assert_eq!(lazy.last_packet_no(), detail.last_packet_no, "{flags:#x}");
            for client in [true, false] {
                eager.detail = Some(detail.clone());
                assert_eq!(lazy.base_seq(client), eager.base_seq(client), "{flags:#x}");
            }

            // The second segment materializes the record; both flows go on alike.
            eager.detail = Some(detail);
            for (n, next) in [
                seg(SYN | ACK, 5000, 1001, 0, 65535),
                seg(ACK, 1001, 5001, 0, 502),
            ]
            .iter()
            .enumerate()
            {
                let packet_no = 4 + n as u64;
                let ts = T0 + 1_000_000 * (n as i64 + 1);
                let a = lazy.update(packet_no, ts, next, 66, false);
                let b = eager.update(packet_no, ts, next, 66, false);
                assert_eq!(a, b, "{flags:#x}: segment {packet_no}");
                assert_eq!(*lazy.detail(), *eager.detail(), "{flags:#x}: {packet_no}");
                assert_eq!(lazy.ladder, eager.ladder, "{flags:#x}: {packet_no}");
                assert_eq!(
                    (lazy.client_state, lazy.server_state, lazy.close),
                    (eager.client_state, eager.server_state, eager.close),
                    "{flags:#x}: {packet_no}"
                );
            }
            assert!(lazy.detail.is_some(), "kept from the second segment on");
        }
    }

    #[test]
    fn endpoints_give_back_what_they_were_made_of() {
        assert!(
            std::mem::size_of::<Endpoints>() <= 16,
            "an IPv4 pair stays inline"
        );
        let pairs = [
            ("192.0.2.1:40000", "198.51.100.7:443"),
            ("0.0.0.0:0", "255.255.255.255:65535"),
            ("[2001:db8::1]:40000", "[2001:db8::2]:80"),
            ("192.0.2.1:1", "[2001:db8::2]:2"),
        ];
        for (c, s) in pairs {
            let c: SocketAddr = c.parse().expect("an address");
            let s: SocketAddr = s.parse().expect("an address");
            let e = Endpoints::new(c, s);
            assert_eq!((e.client(), e.server()), (c, s));
            assert_eq!(
                matches!(e, Endpoints::V4 { .. }),
                c.is_ipv4() && s.is_ipv4()
            );
        }
        // IPv6 scope ids and flow labels are not part of a connection's identity.
        let scoped: SocketAddr = "[fe80::1%3]:22".parse().expect("an address");
        let plain_v6: SocketAddr = "[fe80::1]:22".parse().expect("an address");
        assert_eq!(Endpoints::new(scoped, plain_v6).client(), plain_v6);
    }

    #[test]
    fn a_flow_not_opened_by_a_bare_syn_keeps_its_record_from_the_start() {
        let first = seg(tcp_flags::ACK, 1000, 5000, 10, 502);
        let mut flow = Flow::new(0, 1, T0, &first);
        assert!(flow.detail.is_some());
        flow.update(1, T0, &first, 76, false);
        assert_eq!(flow.packets(), 1);
        assert_eq!(flow.to_server().payload_bytes, 10);
        assert_eq!(flow.history_str(), "D");
    }
}
