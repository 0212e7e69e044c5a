//! Predict, then reveal: questions a class answers before a handshake packet is shown, made
//! from the capture's own numbers (never written per file), so they work on any capture. A
//! [`QuizBuilder`] is fed TCP segments in capture order and asks, per connection: before the
//! first SYN-ACK, the acknowledgment number it will carry (the SYN's ISN + 1); before a closed
//! port's refusal, what comes back (RST-ACK acknowledging ISN + 1); before the handshake's
//! third segment, its flags and acknowledgment number (ACK, the server's ISN + 1); before a
//! retransmitted SYN, what the client sends after silence (the same SYN, same sequence
//! number). Each question carries the values it predicts, which [`Question::holds_for`]
//! checks against the packet it asks about. Pure; depends on `model` and `decode`.

use std::collections::HashMap;
use std::net::SocketAddr;

use crate::model::{TcpSegment, tcp_flags};

/// What a question asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Before the first SYN-ACK: its acknowledgment number.
    AckNumber,
    /// Before a refusal: what comes back from a closed port.
    ClosedPort,
    /// Before the handshake's third segment: its flags and acknowledgment number.
    NextFlags,
    /// Before a retransmitted SYN: what the client sends after silence.
    Retransmission,
}

/// One question, asked before packet `packet_no` is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The packet (1-based frame number) the question is about; the lesson pauses just
    /// before it.
    pub packet_no: u64,
    pub ask: Ask,
    /// The question, with the numbers it is about.
    pub text: String,
    /// The answer, as the reveal shows it.
    pub answer: String,
    /// The flags the answer predicts, among SYN, ACK, FIN and RST.
    pub flags: u16,
    /// The acknowledgment number it predicts (when the ACK flag is predicted).
    pub ack: Option<u32>,
    /// The sequence number it predicts (a retransmission repeats it).
    pub seq: Option<u32>,
}

/// The flags a question predicts (PSH, URG and the ECN bits are not asked about).
const ASKED_FLAGS: u16 = tcp_flags::SYN | tcp_flags::ACK | tcp_flags::FIN | tcp_flags::RST;

impl Question {
    /// The layer field the reveal highlights (the TCP field that holds the answer).
    pub fn field(&self) -> &'static str {
        match self.ask {
            Ask::AckNumber => "Acknowledgment number",
            Ask::Retransmission => "Sequence number",
            Ask::ClosedPort | Ask::NextFlags => "Flags",
        }
    }

    /// Whether `seg` (the packet asked about) is what the answer says.
    pub fn holds_for(&self, seg: &TcpSegment) -> bool {
        seg.flags & ASKED_FLAGS == self.flags
            && self.ack.is_none_or(|a| a == seg.ack)
            && self.seq.is_none_or(|s| s == seg.seq)
    }
}

/// The names of `flags` joined by `-`, as a teacher says them: `SYN`, `SYN-ACK`, `FIN-ACK`,
/// `RST`, `PSH-ACK` (the ladder's words).
pub fn flag_words(flags: u16) -> String {
    crate::flow::flags_text(flags)
}

/// What the builder remembers of one connection (both directions share it).
#[derive(Clone, Copy, Debug, Default)]
struct Conn {
    /// The first SYN seen: who sent it and its ISN.
    syn: Option<(SocketAddr, u32)>,
    /// A retransmission question was asked.
    retransmission_asked: bool,
    /// The first SYN was answered (SYN-ACK or RST): no more answer questions.
    answered: bool,
    /// The first SYN-ACK: who sent it and its ISN.
    syn_ack: Option<(SocketAddr, u32)>,
    /// The third segment was asked about (or passed).
    third_done: bool,
}

/// Makes questions from TCP segments fed in capture order.
#[derive(Clone, Debug, Default)]
pub struct QuizBuilder {
    conns: HashMap<(SocketAddr, SocketAddr), Conn>,
}

fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

impl QuizBuilder {
    pub fn new() -> QuizBuilder {
        QuizBuilder::default()
    }

    /// Feeds packet `packet_no`; returns the question to ask before it is shown, if any.
    pub fn feed(&mut self, packet_no: u64, seg: &TcpSegment) -> Option<Question> {
        let (src, dst) = (seg.src, seg.dst);
        let conn = self.conns.entry(key(src, dst)).or_default();
        let f = seg.flags;
        let syn = f & tcp_flags::SYN != 0;
        let ack = f & tcp_flags::ACK != 0;
        let rst = f & tcp_flags::RST != 0;
        let fin = f & tcp_flags::FIN != 0;
        if syn && !ack {
            match conn.syn {
                None => conn.syn = Some((src, seg.seq)),
                Some((from, isn)) if from == src && isn == seg.seq && !conn.answered => {
                    if conn.retransmission_asked {
                        return None;
                    }
                    conn.retransmission_asked = true;
                    return Some(Question {
                        packet_no,
                        ask: Ask::Retransmission,
                        text: format!(
                            "{src} sent a SYN (ISN {isn}) to {dst} and no answer came back. \
                             What will {src} send next, and with which sequence number?"
                        ),
                        answer: format!(
                            "The same SYN again, sequence number {isn}: a retransmission \
                             (the ISN does not change)."
                        ),
                        flags: tcp_flags::SYN,
                        ack: None,
                        seq: Some(isn),
                    });
                }
                Some(_) => {}
            }
            return None;
        }
        if syn && ack {
            // The first answer to a SYN sent the other way.
            let (from, isn) = conn.syn?;
            if conn.answered || from != dst {
                return None;
            }
            conn.answered = true;
            conn.syn_ack = Some((src, seg.seq));
            let want = isn.wrapping_add(1);
            return Some(Question {
                packet_no,
                ask: Ask::AckNumber,
                text: format!(
                    "{dst} sent SYN with ISN {isn}. {src} answers with SYN-ACK: what \
                     acknowledgment number will it carry?"
                ),
                answer: format!(
                    "ack = {want}: the client's ISN + 1 (the SYN counts as one byte of \
                     sequence space)."
                ),
                flags: tcp_flags::SYN | tcp_flags::ACK,
                ack: Some(want),
                seq: None,
            });
        }
        if rst {
            let (from, isn) = conn.syn?;
            if conn.answered || from != dst || conn.syn_ack.is_some() {
                return None;
            }
            conn.answered = true;
            conn.third_done = true;
            let want = isn.wrapping_add(1);
            // The refusal comes from the port the SYN was sent to.
            let port = src.port();
            return Some(Question {
                packet_no,
                ask: Ask::ClosedPort,
                text: format!(
                    "{dst} sent SYN (ISN {isn}) to port {port} of {}. Nothing listens on \
                     that port: what comes back, and how soon?",
                    src.ip()
                ),
                answer: format!(
                    "RST-ACK with ack = {want} (ISN + 1), one round trip later: the \
                     server's kernel refuses at once, no application is involved."
                ),
                flags: tcp_flags::RST | tcp_flags::ACK,
                ack: Some(want),
                seq: None,
            });
        }
        // The handshake's third segment: a plain ACK from the SYN's sender.
        if ack && !fin && !conn.third_done {
            let (Some((client, _)), Some((server, server_isn))) = (conn.syn, conn.syn_ack) else {
                return None;
            };
            if src != client || dst != server {
                return None;
            }
            conn.third_done = true;
            let want = server_isn.wrapping_add(1);
            return Some(Question {
                packet_no,
                ask: Ask::NextFlags,
                text: format!(
                    "{server} answered SYN-ACK with its own ISN {server_isn}. Which flags \
                     will {client}'s next segment carry, and which acknowledgment number?"
                ),
                answer: format!(
                    "ACK, with ack = {want} (the server's ISN + 1): the handshake is \
                     complete."
                ),
                flags: tcp_flags::ACK,
                ack: Some(want),
                seq: None,
            });
        }
        None
    }
}

/// Every question for a capture's TCP segments, given in capture order as (packet number,
/// segment).
pub fn questions<'a>(segments: impl IntoIterator<Item = (u64, &'a TcpSegment)>) -> Vec<Question> {
    let mut b = QuizBuilder::new();
    segments
        .into_iter()
        .filter_map(|(no, seg)| b.feed(no, seg))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TcpHandshakeOptions;

    fn seg(src: &str, dst: &str, flags: u16, seq: u32, ack: u32) -> TcpSegment {
        TcpSegment {
            src: src.parse().expect("addr"),
            dst: dst.parse().expect("addr"),
            flags,
            seq,
            ack,
            payload_len: 0,
            window: 1000,
            options: TcpHandshakeOptions::default(),
        }
    }

    const C: &str = "10.0.0.1:40000";
    const S: &str = "10.0.0.2:80";

    #[test]
    fn a_handshake_asks_for_the_ack_then_the_third_segment() {
        use tcp_flags::{ACK, SYN};
        let segs = [
            seg(C, S, SYN, u32::MAX, 0),
            seg(S, C, SYN | ACK, 500, 0),
            seg(C, S, ACK, 0, 501),
        ];
        let qs = questions(segs.iter().enumerate().map(|(i, s)| (i as u64 + 1, s)));
        assert_eq!(qs.len(), 2, "{qs:#?}");
        assert_eq!(qs[0].packet_no, 2);
        assert_eq!(qs[0].ask, Ask::AckNumber);
        // ISN + 1 wraps around 2^32.
        assert_eq!(qs[0].ack, Some(0));
        assert!(qs[0].text.contains("4294967295"), "{}", qs[0].text);
        assert!(qs[0].holds_for(&segs[1]));
        assert_eq!(qs[1].packet_no, 3);
        assert_eq!(qs[1].ask, Ask::NextFlags);
        assert!(qs[1].holds_for(&segs[2]));
        assert!(!qs[1].holds_for(&segs[1]));
    }

    #[test]
    fn a_refusal_and_a_retransmission_are_asked_about() {
        use tcp_flags::{ACK, RST, SYN};
        let segs = [
            seg(C, S, SYN, 7, 0),
            seg(C, S, SYN, 7, 0),
            seg(C, S, SYN, 7, 0),
            seg(S, C, RST | ACK, 0, 8),
        ];
        let qs = questions(segs.iter().enumerate().map(|(i, s)| (i as u64 + 1, s)));
        let asks: Vec<_> = qs.iter().map(|q| (q.packet_no, q.ask)).collect();
        assert_eq!(
            asks,
            [(2, Ask::Retransmission), (4, Ask::ClosedPort)],
            "one retransmission question per connection"
        );
        assert!(qs[1].text.contains("port 80"), "{}", qs[1].text);
        assert!(qs[1].holds_for(&segs[3]));
    }

    #[test]
    fn flags_read_as_words() {
        use tcp_flags::*;
        assert_eq!(flag_words(SYN), "SYN");
        assert_eq!(flag_words(SYN | ACK), "SYN-ACK");
        assert_eq!(flag_words(ACK), "ACK");
        assert_eq!(flag_words(FIN | ACK), "FIN-ACK");
        assert_eq!(flag_words(RST), "RST");
        assert_eq!(flag_words(RST | ACK), "RST-ACK");
        assert_eq!(flag_words(PSH | ACK), "PSH-ACK");
        assert_eq!(flag_words(0), "none");
    }
}
