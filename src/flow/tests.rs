//! Scripted segment sequences for every outcome, port reuse, sequence wrap, retransmissions,
//! resets, simultaneous open, mid-stream captures, eviction and history strings, plus a
//! property test over random segment streams. Where Wireshark's behaviour is the reference
//! (stream numbering, initial RTT) the expected values are what tshark 4.0 printed for the
//! same sequence written to a pcap.

use std::net::SocketAddr;

use proptest::prelude::*;

use super::*;
use crate::model::{TcpHandshakeOptions, TcpSegment, TimestampNs, tcp_flags as f};

const SYN: u16 = f::SYN;
const SYNACK: u16 = f::SYN | f::ACK;
const ACK: u16 = f::ACK;
const PSHACK: u16 = f::PSH | f::ACK;
const FINACK: u16 = f::FIN | f::ACK;
const RST: u16 = f::RST;
const RSTACK: u16 = f::RST | f::ACK;

const MS: i64 = 1_000_000;
const T0: TimestampNs = 1_700_000_000_000_000_000;

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("test address")
}

/// Builds segments between one client and one server and feeds them to a tracker.
struct Script {
    tracker: FlowTracker,
    client: SocketAddr,
    server: SocketAddr,
    packet_no: u64,
    observations: Vec<Observation>,
}

impl Script {
    fn new() -> Script {
        Script::with(FlowTracker::new(100), "10.0.0.1:40000", "10.0.0.2:80")
    }

    fn with(tracker: FlowTracker, client: &str, server: &str) -> Script {
        Script {
            tracker,
            client: addr(client),
            server: addr(server),
            packet_no: 0,
            observations: Vec::new(),
        }
    }

    fn seg(from_client: bool, s: &Script, flags: u16, seq: u32, ack: u32, len: u32) -> TcpSegment {
        let (src, dst) = if from_client {
            (s.client, s.server)
        } else {
            (s.server, s.client)
        };
        TcpSegment {
            src,
            dst,
            flags,
            seq,
            ack,
            payload_len: len,
            window: 65535,
            options: TcpHandshakeOptions::default(),
        }
    }

    fn feed(&mut self, at_ms: i64, seg: TcpSegment) -> Observation {
        self.packet_no += 1;
        let frame_len = 54 + seg.payload_len;
        let obs = self
            .tracker
            .observe(self.packet_no, T0 + at_ms * MS, &seg, frame_len);
        self.tracker.check_invariants();
        self.observations.push(obs);
        obs
    }

    /// Client → server.
    fn c(&mut self, at_ms: i64, flags: u16, seq: u32, ack: u32) -> Observation {
        let seg = Script::seg(true, self, flags, seq, ack, 0);
        self.feed(at_ms, seg)
    }

    /// Server → client.
    fn s(&mut self, at_ms: i64, flags: u16, seq: u32, ack: u32) -> Observation {
        let seg = Script::seg(false, self, flags, seq, ack, 0);
        self.feed(at_ms, seg)
    }

    fn c_data(&mut self, at_ms: i64, seq: u32, ack: u32, len: u32) -> Observation {
        let seg = Script::seg(true, self, PSHACK, seq, ack, len);
        self.feed(at_ms, seg)
    }

    fn s_data(&mut self, at_ms: i64, seq: u32, ack: u32, len: u32) -> Observation {
        let seg = Script::seg(false, self, PSHACK, seq, ack, len);
        self.feed(at_ms, seg)
    }

    fn ids(&self) -> Vec<FlowId> {
        self.observations.iter().map(|o| o.flow).collect()
    }

    fn flow(&self, id: FlowId) -> &Flow {
        self.tracker.get(id).expect("flow retained")
    }

    fn kinds(&self, id: FlowId) -> Vec<EventKind> {
        self.flow(id).ladder.iter().map(|e| e.kind).collect()
    }

    /// (client state, server state) after each ladder event.
    fn states(&self, id: FlowId) -> Vec<(TcpState, TcpState)> {
        self.flow(id)
            .ladder
            .iter()
            .map(|e| (e.client_state, e.server_state))
            .collect()
    }
}

fn handshake(s: &mut Script) {
    s.c(0, SYN, 1000, 0);
    s.s(100, SYNACK, 5000, 1001);
    s.c(200, ACK, 1001, 5001);
}

#[test]
fn complete_handshake_records_times_rtts_and_states() {
    let mut s = Script::new();
    let syn_opts = TcpHandshakeOptions {
        mss: Some(1460),
        window_scale: Some(7),
        sack_permitted: true,
        timestamps: Some((1, 0)),
        fast_open: false,
        ..Default::default()
    };
    let mut syn = Script::seg(true, &s, SYN, 1000, 0, 0);
    syn.options = syn_opts;
    let first = s.feed(0, syn);
    assert!(first.new_flow);
    assert_eq!(first.event, Some(EventKind::Syn));
    assert_eq!(first.direction, Direction::ClientToServer);
    let mut synack = Script::seg(false, &s, SYNACK, 5000, 1001, 0);
    synack.options.mss = Some(1400);
    let second = s.feed(100, synack);
    assert!(!second.new_flow);
    assert_eq!(second.direction, Direction::ServerToClient);
    s.c(250, ACK, 1001, 5001);

    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Complete);
    assert!(flow.outcome_settled());
    assert_eq!(flow.client(), s.client);
    assert_eq!(flow.server(), s.server);
    assert_eq!((flow.syn_count(), flow.synack_count()), (1, 1));
    assert_eq!(flow.syn_ts_ns(), Some(T0));
    assert_eq!(flow.synack_ts_ns(), Some(T0 + 100 * MS));
    assert_eq!(flow.ack_ts_ns(), Some(T0 + 250 * MS));
    assert_eq!(flow.rtt().server_ns, Some(100 * MS));
    assert_eq!(flow.rtt().client_ns, Some(150 * MS));
    assert_eq!(flow.rtt().initial_ns, Some(250 * MS));
    assert_eq!(
        (flow.client_isn(), flow.server_isn()),
        (Some(1000), Some(5000))
    );
    assert_eq!(flow.client_options(), Some(syn_opts));
    assert_eq!(flow.server_options().and_then(|o| o.mss), Some(1400));
    assert_eq!(flow.close, Close::Open);
    assert_eq!(flow.history_str(), "ShA");

    assert_eq!(
        s.kinds(0),
        [EventKind::Syn, EventKind::SynAck, EventKind::HandshakeAck]
    );
    assert_eq!(
        s.states(0),
        [
            (TcpState::SynSent, TcpState::Listen),
            (TcpState::Established, TcpState::SynRcvd),
            (TcpState::Established, TcpState::Established),
        ]
    );
    let rel: Vec<(u32, Option<u32>)> = flow.ladder.iter().map(|e| (e.rel_seq, e.rel_ack)).collect();
    assert_eq!(rel, [(0, None), (0, Some(1)), (1, Some(1))]);
    assert_eq!(flow.ladder[0].options, syn_opts);
    assert_eq!(flow.ladder[0].relative_text(), "SYN seq=0");
    assert_eq!(flow.ladder[0].raw_text(), "raw 1000");
    assert_eq!(flow.ladder[1].relative_text(), "SYN-ACK seq=0 ack=1");
    assert_eq!(flow.ladder[1].raw_text(), "raw 5000/1001");
    assert_eq!(options_text(&syn_opts), "MSS 1460, WS 7, SACK, TS");
    assert_eq!(options_text(&TcpHandshakeOptions::default()), "");
    assert_eq!(flow.ladder[1].packet_no, 2);
}

#[test]
fn orderly_close_walks_both_endpoints_through_the_fin_states() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c_data(300, 1001, 5001, 10);
    s.s(310, ACK, 5001, 1011);
    let fin1 = s.c(400, FINACK, 1011, 5001);
    assert_eq!(fin1.event, Some(EventKind::Fin));
    let ack1 = s.s(410, ACK, 5001, 1012);
    assert_eq!(ack1.event, Some(EventKind::FinAck));
    s.s(420, FINACK, 5001, 1012);
    let last = s.c(430, ACK, 1012, 5002);
    assert_eq!(last.event, Some(EventKind::FinAck));
    // Data segments and the plain ACK of data are not ladder events.
    assert_eq!(s.observations[3].event, None);
    assert_eq!(s.observations[4].event, None);

    let flow = s.flow(0);
    assert_eq!(flow.close, Close::Fin);
    assert_eq!(flow.history_str(), "ShADaFf");
    assert_eq!(
        s.states(0)[3..],
        [
            (TcpState::FinWait1, TcpState::CloseWait),
            (TcpState::FinWait2, TcpState::CloseWait),
            (TcpState::TimeWait, TcpState::LastAck),
            (TcpState::TimeWait, TcpState::Closed),
        ]
    );
    assert_eq!((flow.to_server().packets, flow.to_client().packets), (5, 4));
    assert_eq!(flow.to_server().payload_bytes, 10);
    assert_eq!(flow.bytes(), 9 * 54 + 10);
    assert_eq!(flow.duration_ns(), 430 * MS);
}

#[test]
fn simultaneous_close_goes_through_closing() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c(300, FINACK, 1001, 5001);
    // The server's FIN crossed the client's: it does not acknowledge it.
    s.s(301, FINACK, 5001, 1001);
    s.s(310, ACK, 5002, 1002);
    s.c(311, ACK, 1002, 5002);
    // RFC 9293 §3.6 (figure 13): each side sends its FIN from ESTABLISHED (FIN_WAIT_1),
    // receives the other's FIN (CLOSING), then the ACK of its own (TIME_WAIT). Neither side
    // is ever in CLOSE_WAIT or LAST_ACK: the server's FIN, not acknowledging the client's,
    // shows it had not received it when it sent its own.
    assert_eq!(
        s.states(0)[3..],
        [
            (TcpState::FinWait1, TcpState::Established),
            (TcpState::Closing, TcpState::Closing),
            (TcpState::TimeWait, TcpState::Closing),
            (TcpState::TimeWait, TcpState::TimeWait),
        ]
    );
    assert_eq!(s.flow(0).close, Close::Fin);
}

#[test]
fn retransmitted_synack_leaves_the_server_in_syn_rcvd() {
    // Captured beside the client: SYN, SYN-ACK, the handshake's ACK leaves, but the server
    // sends its SYN-ACK again (the ACK had not reached it), the client repeats its ACK.
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(100, SYNACK, 5000, 1001);
    s.c(101, ACK, 1001, 5001);
    let again = s.s(300, SYNACK, 5000, 1001);
    assert_eq!(again.event, Some(EventKind::SynAckRetransmit));
    // RFC 9293: a server that (re)sends SYN-ACK is in SYN_RCVD; only the ACK's arrival makes
    // it ESTABLISHED.
    assert_eq!(s.states(0)[3], (TcpState::Established, TcpState::SynRcvd));
    s.c(301, ACK, 1001, 5001);
    s.s(400, FINACK, 5001, 1001);
    assert_eq!(s.states(0)[4].1, TcpState::FinWait1);
}

#[test]
fn an_ack_after_the_clients_reset_does_not_complete_the_handshake() {
    // Zeek's captures: SYN, SYN-ACK, the client resets, then sends an ACK 15.7 s later, which
    // the server answers with a reset. No handshake completed.
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(10, SYNACK, 5000, 1001);
    s.c(11, RST, 1001, 0);
    s.c(15_711, ACK, 1001, 5001);
    s.s(15_712, RST, 5001, 0);
    let flow = s.flow(0);
    assert!(!flow.established());
    assert_eq!(flow.outcome(), Outcome::Incomplete);
    assert_eq!(flow.rtt().initial_ns, None, "no 15.7 s handshake RTT");
    assert_eq!(flow.close, Close::Rst);
}

#[test]
fn refused_then_retried_then_closed_with_fins_reports_close_fin() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(1, RSTACK, 0, 1001);
    s.c(1000, SYN, 1000, 0);
    s.s(1001, SYNACK, 5000, 1001);
    s.c(1002, ACK, 1001, 5001);
    s.c(1100, FINACK, 1001, 5001);
    s.s(1101, FINACK, 5001, 1002);
    s.c(1102, ACK, 1002, 5002);
    assert_eq!(s.ids(), [0; 8]);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Complete);
    assert_eq!(
        flow.close,
        Close::Fin,
        "the retry connected and closed with FINs"
    );
}

#[test]
fn a_bare_rst_long_after_a_syn_is_not_a_refusal() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(10_000, RST, 0, 0);
    let flow = s.flow(0);
    assert_ne!(
        flow.outcome(),
        Outcome::Refused,
        "a RST without ACK answers no SYN"
    );
    assert_eq!(flow.rtt().server_ns, None, "no 10 s server RTT");
    assert_eq!(flow.close, Close::Rst);
}

#[test]
fn a_reset_captured_just_before_the_syn_it_answers_is_a_refusal() {
    // Capture-point reordering: the RST-ACK is stamped 0.7 ms before the SYN it answers.
    let mut s = Script::new();
    let rst = Script::seg(false, &s, RSTACK, 0, 1001, 0);
    s.feed(0, rst);
    let syn = Script::seg(true, &s, SYN, 1000, 0, 0);
    let obs = s.tracker.observe(2, T0 + 700_000, &syn, 54);
    assert_eq!(obs.flow, 0);
    let flow = s.tracker.get(0).expect("one flow");
    assert_eq!(flow.client(), s.client, "the SYN's sender is the client");
    assert_eq!(flow.server(), s.server);
    assert_eq!(flow.outcome(), Outcome::Refused);
    assert_eq!(flow.history_str(), "rS");
    assert_eq!((flow.to_server().packets, flow.to_client().packets), (1, 1));
}

#[test]
fn without_a_syn_the_well_known_port_is_the_server() {
    // The server (port 80) is seen first: it is still the server.
    let mut s = Script::new();
    s.s(0, PSHACK, 5001, 1001);
    s.c(1, ACK, 1001, 5011);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Midstream);
    assert_eq!(flow.server(), s.server);
    assert_eq!(flow.client(), s.client);
}

#[test]
fn a_pure_ack_going_backwards_is_a_retransmission_in_the_history() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c_data(300, 1001, 5001, 100);
    s.c(310, ACK, 1001, 5001);
    assert_eq!(s.flow(0).history_str(), "ShADT");
}

#[test]
fn refused_syn_answered_by_reset() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    let rst = s.s(100, RSTACK, 0, 1001);
    assert_eq!(rst.event, Some(EventKind::Rst));
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Refused);
    assert_eq!(flow.close, Close::Rst);
    assert_eq!(flow.history_str(), "Sr");
    assert_eq!(
        s.states(0)[1],
        (TcpState::Reset, TcpState::Closed),
        "the client is reset, the server port was closed"
    );
    assert_eq!(flow.to_json()["irtt_ns"], serde_json::Value::Null);
    assert!(flow.outcome_settled());
}

#[test]
fn refused_then_retried_with_the_same_isn_stays_one_flow() {
    // tshark 4.0: SYN, RST-ACK, SYN (same seq), RST-ACK → one stream.
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(100, RSTACK, 0, 1001);
    s.c(1000, SYN, 1000, 0);
    s.s(1150, RSTACK, 0, 1001);
    assert_eq!(s.ids(), [0, 0, 0, 0]);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Refused);
    assert_eq!(flow.syn_count(), 2);
    assert_eq!(flow.syn_retransmissions(), 1);
}

#[test]
fn live_unanswered_syns_settle_after_the_timeout_or_twice_the_last_backoff() {
    const SEC: i64 = 1_000_000_000;
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.c(1000, SYN, 1000, 0);
    s.c(21_000, SYN, 1000, 0);
    // Last back-off 20 s: the next retransmission is due by 40 s after the last SYN, which
    // is longer than a 30 s timeout.
    let last = T0 + 21 * SEC;
    assert_eq!(
        s.flow(0).no_response_deadline(30 * SEC),
        Some(last + 40 * SEC)
    );
    assert_eq!(s.tracker.settle_unanswered(last + 39 * SEC, 30 * SEC), 0);
    assert!(!s.flow(0).outcome_settled());
    assert_eq!(s.tracker.settle_unanswered(last + 40 * SEC, 30 * SEC), 1);
    assert!(s.flow(0).outcome_settled());
    assert_eq!(s.flow(0).outcome(), Outcome::NoResponse);
    assert_eq!(
        s.flow(0).no_response_deadline(30 * SEC),
        None,
        "settled once"
    );
    // An answered handshake never has a deadline.
    let mut t = Script::new();
    handshake(&mut t);
    assert_eq!(t.flow(0).no_response_deadline(30 * SEC), None);
}

#[test]
fn unanswered_syns_are_no_response_and_settle_at_end_of_input() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.c(1000, SYN, 1000, 0);
    s.c(3000, SYN, 1000, 0);
    assert_eq!(s.ids(), [0, 0, 0]);
    {
        let flow = s.flow(0);
        assert_eq!(flow.outcome(), Outcome::NoResponse);
        assert!(
            !flow.outcome_settled(),
            "a live capture may still see the answer"
        );
        assert_eq!(flow.syn_count(), 3);
        assert_eq!(flow.syn_retransmissions(), 2);
        assert_eq!(flow.syn_ts_ns(), Some(T0), "the first SYN's time");
        assert_eq!(flow.synack_ts_ns(), None);
        assert_eq!(flow.history_str(), "S", "same sequence number: one S");
    }
    assert_eq!(
        s.kinds(0),
        [
            EventKind::Syn,
            EventKind::SynRetransmit,
            EventKind::SynRetransmit
        ]
    );
    s.tracker.finish();
    let flow = s.flow(0);
    assert!(flow.outcome_settled());
    let json = flow.to_json();
    assert_eq!(json["handshake"], "no_response");
    assert_eq!(json["syn_count"], 3);
    assert_eq!(json["synack_ts_ns"], serde_json::Value::Null);
    assert_eq!(json["ack_ts_ns"], serde_json::Value::Null);
}

#[test]
fn synack_without_final_ack_is_incomplete() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(100, SYNACK, 5000, 1001);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Incomplete);
    assert_eq!(flow.synack_ts_ns(), Some(T0 + 100 * MS));
    assert_eq!(flow.ack_ts_ns(), None);
    assert_eq!(flow.rtt().initial_ns, None);
    assert_eq!(flow.to_json()["irtt_ns"], serde_json::Value::Null);
}

#[test]
fn one_sided_capture_infers_the_synack_from_the_clients_ack() {
    // As in the corpus's ldp-common-session.pcap: only the client's direction was captured.
    // tshark's initial_rtt is SYN → the client's first ACK.
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    let ack = s.c_data(27, 1001, 5001, 41);
    assert_eq!(ack.event, Some(EventKind::HandshakeAck));
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Complete);
    assert!(flow.synack_not_captured());
    assert_eq!(flow.synack_ts_ns(), None);
    assert_eq!(flow.rtt().initial_ns, Some(27 * MS));
    assert_eq!((flow.rtt().server_ns, flow.rtt().client_ns), (None, None));
    assert_eq!(flow.to_json()["synack_not_captured"], true);
    // An ACK acknowledging nothing (ack 0) proves nothing.
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.c(10, ACK, 1001, 0);
    assert_eq!(s.flow(0).outcome(), Outcome::NoResponse);
}

#[test]
fn refused_flow_reports_the_syn_to_reset_time_as_server_rtt() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.c(1000, SYN, 1000, 0);
    s.s(1040, RSTACK, 0, 1001);
    let flow = s.flow(0);
    assert_eq!(flow.rtt().server_ns, Some(40 * MS));
    assert_eq!(flow.rtt().initial_ns, None);
    assert_eq!(flow.to_json()["server_rtt_ns"], 40 * MS);
}

#[test]
fn reset_after_synack_is_incomplete_not_refused() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(100, SYNACK, 5000, 1001);
    s.c(150, RST, 1001, 0);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Incomplete);
    assert_eq!(flow.close, Close::Rst);
    assert_eq!(flow.history_str(), "ShR");
}

#[test]
fn retransmitted_syn_measures_from_the_most_recent_syn() {
    // tshark 4.0 initial_rtt for this sequence: 0.3 s (from the SYN at 3 s).
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.c(1000, SYN, 1000, 0);
    s.c(3000, SYN, 1000, 0);
    s.s(3100, SYNACK, 5000, 1001);
    s.c(3300, ACK, 1001, 5001);
    assert_eq!(s.ids(), [0; 5]);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Complete);
    assert_eq!(flow.syn_count(), 3);
    assert_eq!(flow.syn_ts_ns(), Some(T0));
    assert_eq!(flow.rtt().initial_ns, Some(300 * MS));
    assert_eq!(flow.rtt().server_ns, Some(100 * MS));
    assert_eq!(flow.rtt().client_ns, Some(200 * MS));
    assert_eq!(flow.to_json()["irtt_ns"], 300 * MS);
}

#[test]
fn retransmitted_synack_is_counted_and_the_rtt_spans_it() {
    // tshark 4.0 initial_rtt: 1.2 s (SYN at 0 → ACK at 1.2 s).
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(100, SYNACK, 5000, 1001);
    let again = s.s(1100, SYNACK, 5000, 1001);
    assert_eq!(again.event, Some(EventKind::SynAckRetransmit));
    s.c(1200, ACK, 1001, 5001);
    let flow = s.flow(0);
    assert_eq!(flow.synack_count(), 2);
    assert_eq!(flow.synack_retransmissions(), 1);
    assert_eq!(
        flow.synack_ts_ns(),
        Some(T0 + 100 * MS),
        "the first SYN-ACK"
    );
    assert_eq!(flow.rtt().initial_ns, Some(1200 * MS));
    assert_eq!(flow.rtt().server_ns, Some(100 * MS));
    assert_eq!(flow.rtt().client_ns, Some(1100 * MS));
    assert_eq!(flow.history_str(), "ShA", "same SYN-ACK seq: one h");
}

#[test]
fn synack_with_a_new_isn_rebases_and_adds_a_history_letter() {
    // tshark 4.0: one stream; initial_rtt 0.3 s.
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(100, SYNACK, 5000, 1001);
    s.s(200, SYNACK, 5555, 1001);
    s.c(300, ACK, 1001, 5556);
    assert_eq!(s.ids(), [0; 4]);
    let flow = s.flow(0);
    assert_eq!(flow.server_isn(), Some(5555));
    assert_eq!(flow.rtt().initial_ns, Some(300 * MS));
    assert_eq!(flow.history_str(), "ShhA");
    assert_eq!(flow.ladder[3].rel_ack, Some(1));
}

#[test]
fn simultaneous_open() {
    // tshark 4.0 initial_rtt: 0.15 s (from the most recent SYN, the server's).
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(50, SYN, 5000, 0);
    s.c(100, SYNACK, 1000, 5001);
    s.s(120, SYNACK, 5000, 1001);
    s.c(200, ACK, 1001, 5001);
    assert_eq!(s.ids(), [0; 5]);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::SimultaneousOpen);
    assert!(flow.established());
    assert_eq!(flow.server_isn(), Some(5000));
    assert_eq!(flow.rtt().initial_ns, Some(150 * MS));
    assert_eq!(flow.syn_count(), 2);
    assert_eq!(flow.syn_retransmissions(), 0);
    assert_eq!(flow.synack_count(), 2);
    assert_eq!(
        s.states(0),
        [
            (TcpState::SynSent, TcpState::Listen),
            (TcpState::SynRcvd, TcpState::SynSent),
            (TcpState::SynRcvd, TcpState::SynRcvd),
            (TcpState::Established, TcpState::SynRcvd),
            (TcpState::Established, TcpState::Established),
        ]
    );
    // Each side sent one SYN-ACK: neither is a retransmission.
    assert_eq!(flow.synack_retransmissions(), 0);
    let kinds: Vec<EventKind> = flow.ladder.iter().map(|e| e.kind).collect();
    assert!(!kinds.contains(&EventKind::SynAckRetransmit), "{kinds:?}");
    // Zeek records a SYN-ACK after a SYN with the same sequence number no more.
    assert_eq!(flow.history_str(), "SsA");
    assert_eq!(flow.to_json()["handshake"], "simultaneous_open");
}

#[test]
fn simultaneous_open_still_counts_a_side_repeating_its_synack() {
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.s(50, SYN, 5000, 0);
    s.c(100, SYNACK, 1000, 5001);
    s.s(120, SYNACK, 5000, 1001);
    s.s(400, SYNACK, 5000, 1001);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::SimultaneousOpen);
    assert_eq!(flow.synack_count(), 3);
    assert_eq!(flow.synack_retransmissions(), 1);
    let kinds: Vec<EventKind> = flow.ladder.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::SynAckRetransmit)
            .count(),
        1,
        "{kinds:?}"
    );
}

#[test]
fn capture_starting_mid_flow_is_midstream_and_guesses_nothing() {
    let mut s = Script::new();
    s.c_data(0, 5000, 9000, 10);
    s.s(100, ACK, 9000, 5010);
    s.s_data(200, 9000, 5010, 20);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Midstream);
    assert!(flow.outcome_settled());
    assert_eq!(flow.client(), s.client, "the first sender");
    assert_eq!((flow.client_isn(), flow.server_isn()), (None, None));
    assert_eq!(
        (flow.client_state, flow.server_state),
        (TcpState::Unknown, TcpState::Unknown)
    );
    assert!(flow.ladder.is_empty());
    assert_eq!(flow.history_str(), "Dad");
    let json = flow.to_json();
    assert_eq!(json["handshake"], "midstream");
    assert_eq!(json["syn_ts_ns"], serde_json::Value::Null);
    assert_eq!(json["irtt_ns"], serde_json::Value::Null);
}

#[test]
fn synack_seen_first_names_its_receiver_the_client() {
    let mut s = Script::new();
    // The server speaks first: a SYN-ACK to the client.
    s.s(0, SYNACK, 5000, 1001);
    s.c(100, ACK, 1001, 5001);
    let flow = s.flow(0);
    assert_eq!(flow.client(), s.client);
    assert_eq!(flow.server(), s.server);
    assert_eq!(flow.outcome(), Outcome::Midstream);
    assert_eq!(flow.history_str(), "^hA");
}

#[test]
fn new_syn_after_reset_with_new_isn_starts_a_new_flow() {
    // tshark 4.0 tcp.stream: 0 0 0 0 1 1 1.
    let mut s = Script::new();
    handshake(&mut s);
    s.c(300, RST, 1001, 0);
    let reuse = s.c(1000, SYN, 2000, 0);
    assert!(reuse.new_flow);
    s.s(1100, SYNACK, 6000, 2001);
    s.c(1200, ACK, 2001, 6001);
    assert_eq!(s.ids(), [0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(s.flow(0).close, Close::Rst);
    assert_eq!(s.flow(1).outcome(), Outcome::Complete);
    assert_eq!(s.flow(1).close, Close::Open);
    assert_eq!(s.flow(1).client_isn(), Some(2000));
    assert_eq!(s.tracker.lookup(s.client, s.server), Some(1));
    assert_eq!(s.tracker.len(), 2, "the old flow is still retained");
}

#[test]
fn new_syn_after_fin_with_the_same_isn_stays_in_the_flow_like_wireshark() {
    // tshark 4.0 tcp.stream: all 0 (a SYN is a new stream only when its ISN differs).
    let mut s = Script::new();
    handshake(&mut s);
    s.c(300, FINACK, 1001, 5001);
    s.s(400, FINACK, 5001, 1002);
    s.c(500, ACK, 1002, 5002);
    s.c(1000, SYN, 1000, 0);
    s.s(1100, SYNACK, 6000, 1001);
    s.c(1200, ACK, 1001, 6001);
    assert_eq!(s.ids(), [0; 9]);
    assert_eq!(s.flow(0).close, Close::Fin);
}

#[test]
fn new_syn_after_fin_with_a_new_isn_starts_a_new_flow() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c(300, FINACK, 1001, 5001);
    s.s(400, FINACK, 5001, 1002);
    s.c(500, ACK, 1002, 5002);
    s.c(1000, SYN, 7000, 0);
    assert_eq!(s.ids(), [0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(s.flow(1).outcome(), Outcome::NoResponse);
}

#[test]
fn syn_with_new_isn_while_unanswered_starts_a_new_flow() {
    // tshark 4.0 tcp.stream: 0 1 1.
    let mut s = Script::new();
    s.c(0, SYN, 1000, 0);
    s.c(1000, SYN, 2000, 0);
    s.c(2000, SYN, 2000, 0);
    assert_eq!(s.ids(), [0, 1, 1]);
    assert_eq!(s.flow(1).syn_count(), 2);
}

#[test]
fn syn_from_the_server_side_with_a_new_isn_starts_a_new_flow() {
    // tshark 4.0 tcp.stream: 0 0 0 1 (the server's base came from its SYN-ACK).
    let mut s = Script::new();
    handshake(&mut s);
    let o = s.s(300, SYN, 7000, 0);
    assert_eq!(s.ids(), [0, 0, 0, 1]);
    assert!(o.new_flow);
    let flow = s.flow(1);
    assert_eq!(
        flow.client(),
        s.server,
        "the new flow's client sent its SYN"
    );
}

#[test]
fn midstream_then_syn_follows_wireshark_base_sequence_rule() {
    // tshark 4.0: data A→B (seq 5000, ack 9000), then B SYN seq 8999 (= ack − 1) stays,
    // B SYN seq 12345 starts stream 1.
    let mut s = Script::new();
    s.c_data(0, 5000, 9000, 0);
    s.s(100, SYN, 8999, 0);
    s.s(200, SYN, 12345, 0);
    assert_eq!(s.ids(), [0, 0, 1]);
    // A SYN from the first sender with a new ISN also starts a new flow (tshark: 0 0 1 1 1).
    let mut s = Script::new();
    s.c_data(0, 5000, 9000, 10);
    s.s(100, ACK, 9000, 5010);
    s.c(1000, SYN, 7777, 0);
    s.s(1100, SYNACK, 8000, 7778);
    s.c(1200, ACK, 7778, 8001);
    assert_eq!(s.ids(), [0, 0, 1, 1, 1]);
    assert_eq!(s.flow(1).outcome(), Outcome::Complete);
    assert_eq!(s.flow(1).rtt().initial_ns, Some(200 * MS));
}

#[test]
fn sequence_numbers_wrap_around_two_to_the_32() {
    let mut s = Script::new();
    s.c(0, SYN, u32::MAX, 0);
    s.s(100, SYNACK, u32::MAX - 1, 0);
    s.c(200, ACK, 0, u32::MAX);
    // The server's FIN sits at u32::MAX and is acknowledged by ack 0 (across the wrap).
    s.c(300, FINACK, 0, u32::MAX);
    s.s(310, FINACK, u32::MAX, 1);
    let last = s.c(320, ACK, 1, 0);
    assert_eq!(last.event, Some(EventKind::FinAck));
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Complete);
    assert_eq!(
        (flow.client_isn(), flow.server_isn()),
        (Some(u32::MAX), Some(u32::MAX - 1))
    );
    let rel: Vec<(u32, Option<u32>)> = flow.ladder.iter().map(|e| (e.rel_seq, e.rel_ack)).collect();
    assert_eq!(
        rel,
        [
            (0, None),
            (0, Some(1)),
            (1, Some(1)),
            (1, Some(1)),
            (1, Some(2)),
            (2, Some(2)),
        ]
    );
    assert_eq!(flow.server_state, TcpState::Closed);
    assert_eq!(flow.client_state, TcpState::TimeWait);
}

#[test]
fn reset_from_the_client_after_establishment() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c(300, RSTACK, 1001, 5001);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Complete);
    assert_eq!(flow.close, Close::Rst);
    assert!(flow.to_server().rst && !flow.to_client().rst);
    assert_eq!(
        (flow.client_state, flow.server_state),
        (TcpState::Closed, TcpState::Reset)
    );
    assert_eq!(flow.history_str(), "ShAR");
}

#[test]
fn reset_from_the_server_after_establishment() {
    let mut s = Script::new();
    handshake(&mut s);
    s.s(300, RST, 5001, 0);
    let flow = s.flow(0);
    assert_eq!(flow.outcome(), Outcome::Complete);
    assert_eq!(flow.close, Close::Rst);
    assert!(flow.to_client().rst && !flow.to_server().rst);
    assert_eq!(
        (flow.client_state, flow.server_state),
        (TcpState::Reset, TcpState::Closed)
    );
    assert_eq!(flow.history_str(), "ShAr");
}

#[test]
fn reset_after_fins_keeps_the_fin_close() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c(300, FINACK, 1001, 5001);
    s.s(400, FINACK, 5001, 1002);
    s.c(500, RST, 1002, 0);
    assert_eq!(s.flow(0).close, Close::Fin);
}

#[test]
fn eviction_drops_the_least_recently_active_flow() {
    let mut tracker = FlowTracker::new(2);
    let seg = |src: &str, dst: &str| TcpSegment {
        src: addr(src),
        dst: addr(dst),
        flags: SYN,
        seq: 1,
        ack: 0,
        payload_len: 0,
        window: 1000,
        options: TcpHandshakeOptions::default(),
    };
    let a = seg("10.0.0.1:1000", "10.0.0.9:80");
    let b = seg("10.0.0.2:1000", "10.0.0.9:80");
    let c = seg("10.0.0.3:1000", "10.0.0.9:80");
    assert_eq!(tracker.observe(1, T0, &a, 60).flow, 0);
    assert_eq!(tracker.observe(2, T0, &b, 60).flow, 1);
    // Flow 0 is active again, so flow 1 is the idle one.
    assert_eq!(tracker.observe(3, T0, &a, 60).flow, 0);
    assert_eq!(tracker.observe(4, T0, &c, 60).flow, 2);
    tracker.check_invariants();
    assert_eq!(tracker.len(), 2);
    assert_eq!(tracker.evicted(), 1);
    assert!(tracker.get(1).is_none());
    let ids: Vec<FlowId> = tracker.flows().map(|f| f.id).collect();
    assert_eq!(ids, [0, 2]);
    // The evicted 4-tuple comes back as a new flow, and evicts the idlest again (flow 0).
    let again = tracker.observe(5, T0, &b, 60);
    assert_eq!((again.flow, again.new_flow), (3, true));
    tracker.check_invariants();
    assert_eq!(tracker.flows().map(|f| f.id).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(tracker.evicted(), 2);
    assert_eq!(tracker.total_flows(), 4);
}

#[test]
fn history_marks_retransmitted_data_and_zero_windows_logarithmically() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c_data(300, 1001, 5001, 100);
    for i in 0..10 {
        // The same 100 bytes again: ten retransmissions → T at the 1st and the 10th.
        s.c_data(400 + i, 1001, 5001, 100);
    }
    let mut zero = Script::seg(false, &s, ACK, 5001, 1101, 0);
    zero.window = 0;
    s.feed(500, zero);
    assert_eq!(s.flow(0).history_str(), "ShADTTaw");
}

#[test]
fn ladder_stays_bounded_under_a_syn_storm_and_keeps_the_handshake_end() {
    let mut s = Script::new();
    for i in 0..40 {
        s.c(i * 1000, SYN, 1000, 0);
    }
    s.s(40_100, SYNACK, 5000, 1001);
    s.c(40_200, ACK, 1001, 5001);
    let flow = s.flow(0);
    assert_eq!(flow.syn_count(), 40);
    assert_eq!(flow.ladder.len(), MAX_RETRANSMIT_EVENTS + 2);
    assert_eq!(flow.ladder_dropped, 40 - MAX_RETRANSMIT_EVENTS as u32);
    assert_eq!(
        flow.ladder.last().map(|e| e.kind),
        Some(EventKind::HandshakeAck)
    );
    // From the last SYN (39 s) to the ACK (40.2 s).
    assert_eq!(flow.rtt().initial_ns, Some(1200 * MS));
    assert!(flow.ladder.len() <= MAX_LADDER_EVENTS);
}

#[test]
fn ipv6_endpoints_print_in_brackets_and_match_regardless_of_scope() {
    let mut s = Script::with(
        FlowTracker::new(10),
        "[2001:db8::1]:40000",
        "[2001:db8::2]:443",
    );
    handshake(&mut s);
    let json = s.flow(0).to_json();
    assert_eq!(json["client"], "[2001:db8::1]:40000");
    assert_eq!(json["server"], "[2001:db8::2]:443");
    let scoped: SocketAddr = "[2001:db8::2%3]:443".parse().expect("scoped address");
    assert_eq!(s.tracker.lookup(scoped, s.client), Some(0));
}

#[test]
fn json_has_every_documented_key() {
    let mut s = Script::new();
    handshake(&mut s);
    s.c_data(300, 1001, 5001, 10);
    let json = s.flow(0).to_json();
    for key in [
        "flow",
        "client",
        "server",
        "handshake",
        "syn_count",
        "synack_count",
        "syn_ts_ns",
        "synack_ts_ns",
        "ack_ts_ns",
        "irtt_ns",
        "close",
        "packets",
        "bytes",
        "history",
        "server_rtt_ns",
        "client_rtt_ns",
        "client_isn",
        "server_isn",
        "client_options",
        "server_options",
        "to_server",
        "to_client",
        "first_ts_ns",
        "last_ts_ns",
        "duration_ns",
    ] {
        assert!(json.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(json["flow"], 0);
    assert_eq!(json["client"], "10.0.0.1:40000");
    assert_eq!(json["server"], "10.0.0.2:80");
    assert_eq!(json["handshake"], "complete");
    assert_eq!(json["syn_ts_ns"], T0);
    assert_eq!(json["irtt_ns"], 200 * MS);
    assert_eq!(json["packets"], 4);
    assert_eq!(json["bytes"], 4 * 54 + 10);
    assert_eq!(json["to_server"]["packets"], 3);
    assert_eq!(json["history"], "ShAD");
    assert_eq!(json["close"], "open");
    assert_eq!(json["duration_ns"], 300 * MS);
}

#[test]
fn text_table_aligns_columns() {
    let mut tracker = FlowTracker::new(10);
    let mut s = Script::with(tracker, "10.0.0.1:40000", "10.0.0.2:80");
    handshake(&mut s);
    tracker = s.tracker;
    let mut s = Script::with(tracker, "[2001:db8::1]:1", "[2001:db8::2]:22");
    s.c(0, SYN, 1, 0);
    let flows: Vec<&Flow> = s.tracker.flows().collect();
    let table = text_table(&flows);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("#  client"));
    assert!(lines[1].contains("✔ complete"));
    assert!(lines[1].contains("200.000"));
    assert!(lines[2].contains("… no response"));
    // The server column starts at the same character position on every line.
    let column = |line: &str, needle: &str| {
        line.char_indices()
            .position(|(i, _)| line[i..].starts_with(needle))
            .expect("needle present")
    };
    let at = column(lines[0], "server");
    assert_eq!(column(lines[1], "10.0.0.2:80"), at);
    assert_eq!(column(lines[2], "[2001:db8::2]:22"), at);
}

#[test]
fn outcome_names_labels_and_symbols_are_distinct() {
    let names: std::collections::HashSet<_> = Outcome::ALL.iter().map(|o| o.name()).collect();
    let symbols: std::collections::HashSet<_> = Outcome::ALL.iter().map(|o| o.symbol()).collect();
    let labels: std::collections::HashSet<_> = Outcome::ALL.iter().map(|o| o.label()).collect();
    assert_eq!((names.len(), symbols.len(), labels.len()), (6, 6, 6));
    assert_eq!(flags_text(SYNACK), "SYN-ACK");
    assert_eq!(flags_text(FINACK | f::PSH), "FIN-PSH-ACK");
    assert_eq!(flags_text(0), "none");
    assert_eq!(ms_text(1_234_567), "1.235");
    assert_eq!(seconds_text(1_250_000_000), "1.250s");
}

fn arb_segment() -> impl Strategy<Value = (u8, u8, u16, u32, u32, u32, u16)> {
    (
        0u8..6,
        0u8..6,
        0u16..0x200,
        prop_oneof![Just(0u32), Just(1), Just(u32::MAX), any::<u32>()],
        prop_oneof![Just(0u32), Just(1), any::<u32>()],
        prop_oneof![Just(0u32), 1u32..100, Just(u32::MAX)],
        any::<u16>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_segment_streams_never_panic_or_exceed_the_bound(
        max_flows in 1usize..6,
        segments in prop::collection::vec(arb_segment(), 0..200),
        finish_at in 0usize..200,
    ) {
        let endpoints = [
            "10.0.0.1:1", "10.0.0.2:80", "10.0.0.1:2", "[::1]:1", "[::1]:80", "10.0.0.2:1",
        ];
        let mut tracker = FlowTracker::new(max_flows);
        for (i, (a, b, flags, seq, ack, len, window)) in segments.into_iter().enumerate() {
            if i == finish_at {
                tracker.finish();
            }
            let seg = TcpSegment {
                src: addr(endpoints[usize::from(a)]),
                dst: addr(endpoints[usize::from(b)]),
                flags,
                seq,
                ack,
                payload_len: len,
                window,
                options: TcpHandshakeOptions::default(),
            };
            let ts = T0.wrapping_add(i64::from(window) * MS - 30_000 * MS);
            let obs = tracker.observe(i as u64 + 1, ts, &seg, len.saturating_add(54));
            tracker.check_invariants();
            prop_assert!(tracker.len() <= max_flows);
            let flow = tracker.get(obs.flow);
            prop_assert!(flow.is_some());
            let flow = flow.unwrap();
            prop_assert!(flow.ladder.len() <= MAX_LADDER_EVENTS);
            prop_assert!(flow.history().len() <= MAX_HISTORY);
            if let Some(index) = obs.ladder_index {
                prop_assert_eq!(flow.ladder.get(index).map(|e| e.packet_no), Some(i as u64 + 1));
            }
            let _ = flow.to_json();
            let _ = flow.outcome_settled();
        }
        let ids: Vec<FlowId> = tracker.flows().map(|f| f.id).collect();
        prop_assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let flows: Vec<&Flow> = tracker.flows().collect();
        let table = text_table(&flows);
        prop_assert_eq!(table.lines().count(), flows.len() + 1);
        prop_assert_eq!(tracker.total_flows(), tracker.evicted() + tracker.len() as u64);
    }
}

#[test]
fn analysis_marks_dup_acks_fast_retransmission_and_zero_window_like_tshark() {
    // Handshake, two data segments of which the second is lost on the way (the capture sees
    // it), an ACK of the first, three duplicates of it, the resend 5 ms later: tshark says Dup
    // ACK 6#1..#3 and Fast Retransmission; a zero window afterwards is a ZeroWindow.
    let mut s = Script::new();
    handshake(&mut s);
    s.c_data(300, 1001, 5001, 100);
    s.c_data(301, 1101, 5001, 100);
    let first = s.s(350, ACK, 5001, 1101);
    assert!(first.analysis.verdicts.is_empty(), "{:?}", first.analysis);
    assert_eq!(first.analysis.acked_frame, Some(4));
    assert_eq!(first.analysis.ack_rtt_ns, Some(50 * MS));
    let mut dups = Vec::new();
    for at in [351, 352, 353] {
        dups.push(s.s(at, ACK, 5001, 1101).analysis);
    }
    for (n, d) in dups.iter().enumerate() {
        assert!(d.verdicts.contains(Verdicts::DUPLICATE_ACK));
        assert_eq!(d.dup_ack_frame, 6, "duplicates the ACK in frame 6");
        assert_eq!(d.dup_ack_num, n as u32 + 1);
    }
    assert_eq!(dups[2].notes(), "[TCP Dup ACK 6#3] ");
    let resend = s.c_data(358, 1101, 5001, 100).analysis;
    assert!(resend.verdicts.contains(Verdicts::FAST_RETRANSMISSION));
    assert!(resend.verdicts.is_retransmission());
    let mut zero = Script::seg(false, &s, ACK, 5001, 1201, 0);
    zero.window = 0;
    let zw = s.feed(400, zero).analysis;
    assert!(zw.verdicts.contains(Verdicts::ZERO_WINDOW));
    assert_eq!(zw.verdicts.severity(), Some(Severity::Warning));
    let counts = s.flow(0).analysis_counts();
    assert_eq!(
        (counts.dup_acks, counts.retransmissions, counts.zero_windows),
        (3, 1, 1)
    );
    assert_eq!(counts.health(), Health::Trouble);
}
