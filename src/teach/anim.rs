//! Animation timing of the ladder diagram on the program's one virtual "presentation" clock
//! (nanoseconds; the caller passes `now_ns`, nothing here reads a wall clock). Each ladder event
//! of a flow becomes an arrow with a start and an end time; arrows of one flow play one after
//! another, each at a speed that follows the delay the capture measured, scaled so a person
//! can follow it. Also: where an arrow is at a given instant, a per-flow summary for the flows
//! list, which state each endpoint shows, and whether anything still moves (so the main loop
//! knows whether to keep redrawing). Pure; depends on std, `model` and `flow` only.
//!
//! # Timing
//!
//! For ladder event `i` revealed at `reveal_ns[i]` (when the app ingested it, or when the
//! replay clock released its packet):
//!
//! ```text
//! start_i  = max(reveal_i, end_{i-1})          (arrows of one flow queue up)
//! end_i    = start_i + travel_i
//! travel_i = clamp(MIN_TRAVEL_NS + DELAY_SCALE × one_way_i, MIN_TRAVEL_NS, MAX_TRAVEL_NS)
//! one_way_i = (ts_i − ts_j) / 2   when event i is the first answer to event j, the latest
//!             earlier event in the other direction (it acknowledges j's SYN/FIN/data:
//!             `ack` lands in `j.seq + 1 ..= j.seq + j.len + 1`, or it is a RST);
//!           = 0                   otherwise (the first SYN, retransmissions, a second FIN
//!             sent long after the peer's FIN was acknowledged, …)
//! ```
//!
//! With `DELAY_SCALE` = 10, a SYN-ACK answering 40 ms after its SYN (20 ms each way) travels
//! 400 + 200 = 600 ms; a LAN's 0.1 ms answers travel the minimum 400 ms; anything slower than
//! 320 ms round trip travels the maximum 2 s. `travel_i` depends only on events `0..=i`, so a
//! timing never changes once computed: a new segment never makes an arrow in flight jump, and
//! a screen at virtual time *t* is the same whether the clock played forward to *t* or seeked
//! there ([`extend_schedule`] lets the app compute only the new arrows).

use crate::flow::{Direction, Flow, LadderEvent, Outcome, TcpState};
use crate::model::{SeqNum, tcp_flags};

/// Shortest travel of an arrow (what a person needs to see it move).
pub const MIN_TRAVEL_NS: i64 = 400_000_000;
/// Longest travel of an arrow.
pub const MAX_TRAVEL_NS: i64 = 2_000_000_000;
/// How many times slower than real an arrow's measured one-way delay plays.
pub const DELAY_SCALE: i64 = 10;

/// When one arrow leaves its sender and reaches its receiver, on the presentation clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrowTiming {
    pub start_ns: i64,
    pub end_ns: i64,
}

/// Where an arrow is at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ArrowProgress {
    /// Not yet sent (not drawn).
    NotStarted,
    /// On its way; the fraction of the distance covered, `0.0 ..= 1.0`.
    InFlight(f32),
    /// Arrived: the receiver's state has changed.
    Landed,
}

impl ArrowProgress {
    /// The arrow has left its sender (in flight or landed).
    pub fn started(self) -> bool {
        !matches!(self, Self::NotStarted)
    }

    pub fn landed(self) -> bool {
        matches!(self, Self::Landed)
    }
}

/// The arrow currently in flight in one flow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InFlight {
    /// Index of its event in `flow.ladder`.
    pub index: usize,
    /// Fraction of the distance covered, `0.0 ..= 1.0`.
    pub fraction: f32,
}

/// One flow's animation at one instant, for the flows list.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FlowProgress {
    /// Arrows scheduled (events revealed so far).
    pub total: usize,
    /// Arrows that have landed. With [`schedule`]'s timings these are the first `landed`
    /// events of the ladder.
    pub landed: usize,
    pub in_flight: Option<InFlight>,
}

impl FlowProgress {
    /// Progress of a flow drawn without animation: all `total` arrows landed.
    pub fn settled(total: usize) -> FlowProgress {
        FlowProgress {
            total,
            landed: total,
            in_flight: None,
        }
    }

    /// Arrows that have left their sender (landed or in flight).
    pub fn started(&self) -> usize {
        self.landed
            .saturating_add(usize::from(self.in_flight.is_some()))
    }

    /// Whether an arrow is moving or still waiting to start.
    pub fn is_animating(&self) -> bool {
        self.landed < self.total
    }

    /// Short text such as `arrow 2/3 in flight`, `3/3 landed`, `waiting 0/1`.
    pub fn text(&self) -> String {
        match self.in_flight {
            Some(f) => format!(
                "arrow {}/{} in flight",
                f.index.saturating_add(1),
                self.total
            ),
            None if self.landed >= self.total => format!("{}/{} landed", self.landed, self.total),
            None => format!("waiting {}/{}", self.landed, self.total),
        }
    }
}

/// Number of sequence numbers a segment occupies (SYN and FIN count one each).
fn seq_len(event: &LadderEvent) -> u32 {
    let mut len = event.payload_len;
    if event.flags & tcp_flags::SYN != 0 {
        len = len.wrapping_add(1);
    }
    if event.flags & tcp_flags::FIN != 0 {
        len = len.wrapping_add(1);
    }
    len
}

/// Whether `reply` answers `earlier`: a reset, or an ACK of at least one of its sequence
/// numbers and at most all of them.
fn answers(reply: &LadderEvent, earlier: &LadderEvent) -> bool {
    if reply.direction == earlier.direction {
        return false;
    }
    if reply.flags & tcp_flags::RST != 0 {
        return true;
    }
    if reply.flags & tcp_flags::ACK == 0 {
        return false;
    }
    let occupied = seq_len(earlier);
    if occupied == 0 {
        return false;
    }
    let ack = SeqNum(reply.ack);
    let first = SeqNum(earlier.seq).add(1);
    let last = SeqNum(earlier.seq).add(occupied);
    !first.after(ack) && !ack.after(last)
}

/// The one-way delay the capture measured for ladder event `index` (see the module docs):
/// half the time since the event it answers, or 0 when it answers nothing.
pub fn one_way_delay_ns(ladder: &[LadderEvent], index: usize) -> i64 {
    let Some(event) = ladder.get(index) else {
        return 0;
    };
    let before = ladder.get(..index).unwrap_or(&[]);
    // The latest earlier event in the other direction, and what was sent since in ours.
    let Some(pos) = before
        .iter()
        .rposition(|e| e.direction == event.direction.reverse())
    else {
        return 0;
    };
    let Some(earlier) = before.get(pos) else {
        return 0;
    };
    let between = before.get(pos.saturating_add(1)..).unwrap_or(&[]);
    if between.iter().any(|e| answers(e, earlier)) || !answers(event, earlier) {
        return 0;
    }
    event.ts_ns.saturating_sub(earlier.ts_ns).max(0) / 2
}

/// How long arrow `index` travels on the presentation clock (see the module docs).
pub fn travel_ns(ladder: &[LadderEvent], index: usize) -> i64 {
    let scaled = one_way_delay_ns(ladder, index).saturating_mul(DELAY_SCALE);
    MIN_TRAVEL_NS
        .saturating_add(scaled)
        .clamp(MIN_TRAVEL_NS, MAX_TRAVEL_NS)
}

/// Timings of the flow's ladder events that have a reveal time (`reveal_ns[i]` for
/// `flow.ladder[i]`; the result has `min(ladder.len(), reveal_ns.len())` entries). Pass
/// `i64::MIN` as the reveal time of events that should appear already landed.
pub fn schedule(flow: &Flow, reveal_ns: &[i64]) -> Vec<ArrowTiming> {
    let mut timings = Vec::new();
    extend_schedule(flow, reveal_ns, &mut timings);
    timings
}

/// Appends the timings of events revealed since `timings` was computed (those at indices
/// `timings.len()..`). Earlier timings are never changed: the schedule of a prefix of the
/// ladder does not depend on later events.
pub fn extend_schedule(flow: &Flow, reveal_ns: &[i64], timings: &mut Vec<ArrowTiming>) {
    let count = flow.ladder.len().min(reveal_ns.len());
    let mut previous_end = timings.last().map(|t| t.end_ns);
    for index in timings.len()..count {
        let Some(&reveal) = reveal_ns.get(index) else {
            break;
        };
        let start_ns = match previous_end {
            Some(end) => reveal.max(end),
            None => reveal,
        };
        let end_ns = start_ns.saturating_add(travel_ns(&flow.ladder, index));
        timings.push(ArrowTiming { start_ns, end_ns });
        previous_end = Some(end_ns);
    }
}

/// Where the arrow with `timing` is at `now_ns`.
pub fn progress(timing: ArrowTiming, now_ns: i64) -> ArrowProgress {
    if now_ns < timing.start_ns {
        ArrowProgress::NotStarted
    } else if now_ns >= timing.end_ns {
        ArrowProgress::Landed
    } else {
        let span = timing.end_ns.saturating_sub(timing.start_ns);
        let done = now_ns.saturating_sub(timing.start_ns);
        let fraction = if span > 0 {
            (done as f64 / span as f64).clamp(0.0, 1.0)
        } else {
            1.0
        };
        ArrowProgress::InFlight(fraction as f32)
    }
}

/// Progress of arrow `index` (not started when it has no timing yet).
pub fn progress_at(timings: &[ArrowTiming], index: usize, now_ns: i64) -> ArrowProgress {
    timings
        .get(index)
        .map_or(ArrowProgress::NotStarted, |t| progress(*t, now_ns))
}

/// One flow's animation summarised at `now_ns` (for the flows list).
pub fn flow_progress(timings: &[ArrowTiming], now_ns: i64) -> FlowProgress {
    let mut summary = FlowProgress {
        total: timings.len(),
        ..FlowProgress::default()
    };
    for (index, timing) in timings.iter().enumerate() {
        match progress(*timing, now_ns) {
            ArrowProgress::Landed => summary.landed = summary.landed.saturating_add(1),
            ArrowProgress::InFlight(fraction) if summary.in_flight.is_none() => {
                summary.in_flight = Some(InFlight { index, fraction });
            }
            _ => {}
        }
    }
    summary
}

/// Whether any arrow is still moving or waiting to start at `now_ns` (keep redrawing).
pub fn animating(timings: &[ArrowTiming], now_ns: i64) -> bool {
    timings.iter().any(|t| now_ns < t.end_ns)
}

/// The next instant after `now_ns` at which an arrow starts or lands (`None` when all have
/// landed), so the main loop can sleep until then when nothing is in flight.
pub fn next_change_ns(timings: &[ArrowTiming], now_ns: i64) -> Option<i64> {
    timings
        .iter()
        .flat_map(|t| [t.start_ns, t.end_ns])
        .filter(|&at| at > now_ns)
        .min()
}

/// Both endpoints' states before the first ladder event: CLOSED and LISTEN when the capture
/// saw the handshake begin (CLOSED and CLOSED when it was refused or a simultaneous open:
/// nothing listened), unknown (`?`) for a mid-stream flow.
pub fn initial_states(flow: &Flow) -> (TcpState, TcpState) {
    if flow.opened_with_syn {
        (TcpState::Closed, shown_server_state(flow, TcpState::Listen))
    } else {
        (TcpState::Unknown, TcpState::Unknown)
    }
}

/// The server state to show for `state`. The tracker records LISTEN (and SYN_RCVD) for the
/// server until a reset tells it otherwise; once a flow is known to be refused — its SYN
/// answered by RST, so nothing listens on that port — its server shows CLOSED instead. In a
/// simultaneous open neither side listens: both start CLOSED and send a SYN (RFC 9293 §3.5).
/// A server that never answered is unknown (`?`): nothing shows it was listening.
pub fn shown_server_state(flow: &Flow, state: TcpState) -> TcpState {
    match (flow.outcome(), state) {
        (Outcome::Refused, TcpState::Listen | TcpState::SynRcvd) => TcpState::Closed,
        (Outcome::SimultaneousOpen, TcpState::Listen) => TcpState::Closed,
        // A host that never answered (the capture is over, or the wait for an answer is) may
        // not be listening at all, or not be there: unknown. While the answer may still come,
        // the textbook's LISTEN stands.
        (Outcome::NoResponse, TcpState::Listen) if flow.outcome_settled() => TcpState::Unknown,
        (_, other) => other,
    }
}

/// The state each side of `flow` shows once `event` is at `progress`: the sender's changes
/// when the arrow leaves, the receiver's when it lands (`None`: that side shows nothing new
/// yet).
pub fn event_states(
    flow: &Flow,
    event: &LadderEvent,
    progress: ArrowProgress,
) -> (Option<TcpState>, Option<TcpState>) {
    let sender_client = event.direction == Direction::ClientToServer;
    let server = shown_server_state(flow, event.server_state);
    let (client, server) = (Some(event.client_state), Some(server));
    match progress {
        ArrowProgress::NotStarted => (None, None),
        ArrowProgress::Landed => (client, server),
        ArrowProgress::InFlight(_) if sender_client => (client, None),
        ArrowProgress::InFlight(_) => (None, server),
    }
}

/// The state each endpoint shows at `now_ns` (the latest change that reached it).
pub fn endpoint_states(flow: &Flow, timings: &[ArrowTiming], now_ns: i64) -> (TcpState, TcpState) {
    let (mut client, mut server) = initial_states(flow);
    for (index, event) in flow.ladder.iter().enumerate() {
        let (c, s) = event_states(flow, event, progress_at(timings, index, now_ns));
        if let Some(c) = c {
            client = c;
        }
        if let Some(s) = s {
            server = s;
        }
    }
    (client, server)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{EventKind, FlowTracker};
    use crate::model::{TcpHandshakeOptions, TcpSegment};

    const MS: i64 = 1_000_000;
    const T0: i64 = 1_700_000_000_000_000_000;
    const SYN: u16 = tcp_flags::SYN;
    const SYNACK: u16 = tcp_flags::SYN | tcp_flags::ACK;
    const ACK: u16 = tcp_flags::ACK;
    const FINACK: u16 = tcp_flags::FIN | tcp_flags::ACK;
    const RSTACK: u16 = tcp_flags::RST | tcp_flags::ACK;

    /// Feeds (ms, from client, flags, seq, ack) to a tracker and returns the one flow.
    fn flow_of(script: &[(i64, bool, u16, u32, u32)]) -> Flow {
        let client = "10.0.0.1:40000".parse().expect("addr");
        let server = "10.0.0.2:80".parse().expect("addr");
        let mut tracker = FlowTracker::new(4);
        for (n, &(ms, from_client, flags, seq, ack)) in script.iter().enumerate() {
            let (src, dst) = if from_client {
                (client, server)
            } else {
                (server, client)
            };
            let seg = TcpSegment {
                src,
                dst,
                flags,
                seq,
                ack,
                payload_len: 0,
                window: 1000,
                options: TcpHandshakeOptions::default(),
            };
            tracker.observe(n as u64 + 1, T0 + ms * MS, &seg, 60);
        }
        tracker.finish();
        tracker.flows().next().expect("one flow").clone()
    }

    /// SYN at 0, SYN-ACK at 40 ms, ACK at 40.1 ms.
    fn handshake() -> Flow {
        flow_of(&[
            (0, true, SYN, 100, 0),
            (40, false, SYNACK, 500, 101),
            (40, true, ACK, 101, 501),
        ])
    }

    #[test]
    fn travel_follows_the_measured_delay() {
        let flow = handshake();
        // The first SYN answers nothing: the minimum.
        assert_eq!(travel_ns(&flow.ladder, 0), MIN_TRAVEL_NS);
        // The SYN-ACK answers after 40 ms: 20 ms each way, shown 10× slower.
        assert_eq!(one_way_delay_ns(&flow.ladder, 1), 20 * MS);
        assert_eq!(travel_ns(&flow.ladder, 1), MIN_TRAVEL_NS + 200 * MS);
        // The ACK answers at once.
        assert_eq!(travel_ns(&flow.ladder, 2), MIN_TRAVEL_NS);
        assert_eq!(travel_ns(&flow.ladder, 99), MIN_TRAVEL_NS);
    }

    #[test]
    fn slow_answers_are_capped() {
        let flow = flow_of(&[(0, true, SYN, 100, 0), (900, false, SYNACK, 500, 101)]);
        assert_eq!(travel_ns(&flow.ladder, 1), MAX_TRAVEL_NS);
    }

    #[test]
    fn all_revealed_at_once_queue_one_after_another() {
        let flow = handshake();
        let timings = schedule(&flow, &[0, 0, 0]);
        assert_eq!(timings.len(), 3);
        assert_eq!(timings[0].start_ns, 0);
        assert_eq!(timings[0].end_ns, 400 * MS);
        assert_eq!(timings[1].start_ns, 400 * MS);
        assert_eq!(timings[1].end_ns, 1_000 * MS);
        assert_eq!(timings[2].start_ns, 1_000 * MS);
        assert_eq!(timings[2].end_ns, 1_400 * MS);
    }

    #[test]
    fn a_late_reveal_waits_for_its_packet() {
        let flow = handshake();
        // The SYN-ACK is released long after the SYN landed; the ACK right behind it.
        let timings = schedule(&flow, &[0, 5_000 * MS, 5_000 * MS]);
        assert_eq!(timings[1].start_ns, 5_000 * MS);
        assert_eq!(timings[1].end_ns, 5_600 * MS);
        assert_eq!(timings[2].start_ns, 5_600 * MS);
    }

    #[test]
    fn progress_at_start_middle_and_end() {
        let t = ArrowTiming {
            start_ns: 1_000,
            end_ns: 2_000,
        };
        assert_eq!(progress(t, 999), ArrowProgress::NotStarted);
        assert_eq!(progress(t, 1_000), ArrowProgress::InFlight(0.0));
        assert_eq!(progress(t, 1_500), ArrowProgress::InFlight(0.5));
        assert_eq!(progress(t, 2_000), ArrowProgress::Landed);
        assert_eq!(progress(t, i64::MAX), ArrowProgress::Landed);
        assert!(!progress(t, 0).started());
        assert!(progress(t, 1_200).started());
        assert!(progress(t, 2_000).landed());
    }

    #[test]
    fn flow_progress_summarises_the_list_row() {
        let flow = handshake();
        let timings = schedule(&flow, &[0, 0, 0]);
        let before = flow_progress(&timings, -1);
        assert_eq!((before.landed, before.in_flight), (0, None));
        assert_eq!(before.text(), "waiting 0/3");
        let middle = flow_progress(&timings, 700 * MS);
        assert_eq!(middle.landed, 1);
        assert_eq!(
            middle.in_flight,
            Some(InFlight {
                index: 1,
                fraction: 0.5
            })
        );
        assert_eq!(middle.text(), "arrow 2/3 in flight");
        assert_eq!(middle.started(), 2);
        assert!(middle.is_animating());
        let end = flow_progress(&timings, 1_400 * MS);
        assert_eq!((end.landed, end.in_flight), (3, None));
        assert_eq!(end.text(), "3/3 landed");
        assert!(!end.is_animating());
        assert_eq!(FlowProgress::settled(3), end);
    }

    #[test]
    fn animating_and_next_change() {
        let flow = handshake();
        let timings = schedule(&flow, &[0, 0, 0]);
        assert!(animating(&timings, -5));
        assert!(animating(&timings, 1_399 * MS));
        assert!(!animating(&timings, 1_400 * MS));
        assert!(!animating(&[], 0));
        assert_eq!(next_change_ns(&timings, -5), Some(0));
        assert_eq!(next_change_ns(&timings, 0), Some(400 * MS));
        assert_eq!(next_change_ns(&timings, 1_400 * MS), None);
    }

    #[test]
    fn extending_never_moves_an_earlier_arrow() {
        let flow = handshake();
        let mut partial = Vec::new();
        extend_schedule(&flow, &[0], &mut partial);
        assert_eq!(partial.len(), 1);
        let first = partial[0];
        extend_schedule(&flow, &[0, 0, 0], &mut partial);
        assert_eq!(partial[0], first);
        assert_eq!(partial, schedule(&flow, &[0, 0, 0]));
        // Fewer reveal times than events: only the revealed ones are scheduled.
        assert_eq!(schedule(&flow, &[0, 0]).len(), 2);
    }

    #[test]
    fn extreme_reveal_times_do_not_overflow() {
        let flow = handshake();
        let landed = schedule(&flow, &[i64::MIN; 3]);
        assert!(landed.iter().all(|t| progress(*t, 0).landed()));
        let late = schedule(&flow, &[i64::MAX; 3]);
        assert!(late.iter().all(|t| t.end_ns == i64::MAX));
        assert_eq!(progress(late[0], 0), ArrowProgress::NotStarted);
    }

    #[test]
    fn states_change_when_the_arrow_lands() {
        let flow = handshake();
        let timings = schedule(&flow, &[0, 0, 0]);
        let at = |ms: i64| endpoint_states(&flow, &timings, ms * MS);
        assert_eq!(at(-1), (TcpState::Closed, TcpState::Listen));
        // SYN in flight: the client has sent it, the server has not received it.
        assert_eq!(at(200), (TcpState::SynSent, TcpState::Listen));
        // SYN-ACK in flight: the server is SYN_RCVD, the client still waits.
        assert_eq!(at(700), (TcpState::SynSent, TcpState::SynRcvd));
        // SYN-ACK landed, ACK in flight.
        assert_eq!(at(1_200), (TcpState::Established, TcpState::SynRcvd));
        assert_eq!(at(1_400), (TcpState::Established, TcpState::Established));
    }

    #[test]
    fn teardown_answers_and_unanswered_fin() {
        // FIN, its ACK, the server's FIN 5 s later (no answer: it acknowledges nothing new),
        // the client's ACK of it.
        let flow = flow_of(&[
            (0, true, SYN, 100, 0),
            (40, false, SYNACK, 500, 101),
            (40, true, ACK, 101, 501),
            (100, true, FINACK, 101, 501),
            (140, false, ACK, 501, 102),
            (5_140, false, FINACK, 501, 102),
            (5_180, true, ACK, 102, 502),
        ]);
        let kinds: Vec<EventKind> = flow.ladder.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EventKind::Syn,
                EventKind::SynAck,
                EventKind::HandshakeAck,
                EventKind::Fin,
                EventKind::FinAck,
                EventKind::Fin,
                EventKind::FinAck
            ]
        );
        assert_eq!(one_way_delay_ns(&flow.ladder, 4), 20 * MS);
        assert_eq!(one_way_delay_ns(&flow.ladder, 5), 0);
        assert_eq!(one_way_delay_ns(&flow.ladder, 6), 20 * MS);
    }

    #[test]
    fn a_reset_answers_the_syn_and_retransmissions_answer_nothing() {
        let refused = flow_of(&[(0, true, SYN, 100, 0), (2, false, RSTACK, 0, 101)]);
        assert_eq!(one_way_delay_ns(&refused.ladder, 1), MS);
        let unanswered = flow_of(&[
            (0, true, SYN, 100, 0),
            (1_000, true, SYN, 100, 0),
            (3_000, true, SYN, 100, 0),
        ]);
        assert_eq!(unanswered.ladder.len(), 3);
        for i in 0..3 {
            assert_eq!(travel_ns(&unanswered.ladder, i), MIN_TRAVEL_NS);
        }
        // Nothing answered: nothing shows the server was listening (or there at all), so it
        // is unknown ("?"), not LISTEN (issue 9).
        let mut pending = unanswered.clone();
        pending.finished = false;
        let (client, server) = endpoint_states(&pending, &[], 0);
        assert_eq!(
            (client, server),
            (TcpState::Closed, TcpState::Listen),
            "may still answer"
        );
        let mut ended = unanswered.clone();
        ended.finished = true;
        let (client, server) = endpoint_states(&ended, &[], 0);
        assert_eq!((client, server), (TcpState::Closed, TcpState::Unknown));
    }

    #[test]
    fn a_refused_server_never_shows_listen() {
        let refused = flow_of(&[(0, true, SYN, 100, 0), (2, false, RSTACK, 0, 101)]);
        assert_eq!(refused.outcome(), Outcome::Refused);
        // The tracker recorded LISTEN for the SYN before it saw the reset…
        assert_eq!(
            refused.ladder.first().map(|e| e.server_state),
            Some(TcpState::Listen)
        );
        // …but the drawing shows the server CLOSED throughout.
        assert_eq!(
            initial_states(&refused),
            (TcpState::Closed, TcpState::Closed)
        );
        let timings = schedule(&refused, &[0, 0]);
        let end = timings.last().map_or(0, |t| t.end_ns);
        for now in [-1, 0, timings[0].end_ns, end] {
            let (_, server) = endpoint_states(&refused, &timings, now);
            assert_ne!(server, TcpState::Listen, "at {now}");
            assert_ne!(server, TcpState::SynRcvd, "at {now}");
        }
        assert_eq!(
            endpoint_states(&refused, &timings, end),
            (TcpState::Reset, TcpState::Closed)
        );
    }
}
