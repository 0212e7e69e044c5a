//! Predict, then reveal: questions a class answers before a packet is shown, made from the
//! capture's own numbers (never written per file), so they work on any capture. A
//! [`QuizBuilder`] is fed TCP segments in capture order and asks, per connection: before the
//! first SYN-ACK, the acknowledgment number it will carry (the SYN's ISN + 1); before a closed
//! port's refusal, what comes back (RST-ACK acknowledging ISN + 1); before the handshake's
//! third segment, its flags and acknowledgment number (ACK, the server's ISN + 1); before a
//! retransmitted SYN, what the client sends after silence (the same SYN, same sequence
//! number). Past the handshake: after duplicate ACKs, what the sender resends (fast
//! retransmit, the sequence number the ACKs repeat); after a zero window, what the sender
//! sends (a probe of at most one byte) and what the reader sends once it reads (the same ACK
//! with the window open again); when both FINs cross, what each end answers (ACK of the
//! other's FIN). A source that sends bare SYNs from one port to several ports of a host is a
//! port scan: each answer is asked as "open or closed?" and the scanner's RST after a SYN-ACK
//! as what a half-open scan sends. Each question carries the values it predicts, which
//! [`Question::holds_for`] checks against the packet it asks about. Pure; depends on `model`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;

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
    /// After duplicate ACKs: the segment the sender resends at once.
    FastRetransmit,
    /// After a zero window: the sender's window probe.
    WindowProbe,
    /// After a zero window: the reader's window update once it reads.
    WindowUpdate,
    /// Both FINs crossed: the ACK of the other end's FIN.
    CrossedFins,
    /// A port scan's answer: open (SYN-ACK) or closed (RST-ACK).
    PortState,
    /// After a SYN-ACK: the client's RST instead of the handshake's ACK (a half-open scan).
    HalfOpenReset,
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
    /// The payload lengths it allows (a window probe carries at most one byte).
    pub len: Option<RangeInclusive<u32>>,
    /// The smallest window field it predicts (a window update opens the window).
    pub min_window: Option<u16>,
}

/// The flags a question predicts (PSH, URG and the ECN bits are not asked about).
const ASKED_FLAGS: u16 = tcp_flags::SYN | tcp_flags::ACK | tcp_flags::FIN | tcp_flags::RST;

impl Question {
    fn new(packet_no: u64, ask: Ask, text: String, answer: String, flags: u16) -> Question {
        Question {
            packet_no,
            ask,
            text,
            answer,
            flags,
            ack: None,
            seq: None,
            len: None,
            min_window: None,
        }
    }

    /// The layer field the reveal highlights (the TCP field that holds the answer).
    pub fn field(&self) -> &'static str {
        match self.ask {
            Ask::AckNumber | Ask::CrossedFins => "Acknowledgment number",
            Ask::Retransmission | Ask::FastRetransmit | Ask::WindowProbe => "Sequence number",
            Ask::WindowUpdate => "Window",
            Ask::ClosedPort | Ask::NextFlags | Ask::PortState | Ask::HalfOpenReset => "Flags",
        }
    }

    /// Whether `seg` (the packet asked about) is what the answer says.
    pub fn holds_for(&self, seg: &TcpSegment) -> bool {
        seg.flags & ASKED_FLAGS == self.flags
            && self.ack.is_none_or(|a| a == seg.ack)
            && self.seq.is_none_or(|s| s == seg.seq)
            && self
                .len
                .as_ref()
                .is_none_or(|r| r.contains(&seg.payload_len))
            && self.min_window.is_none_or(|w| seg.window >= w)
    }
}

/// The names of `flags` joined by `-`, as a teacher says them: `SYN`, `SYN-ACK`, `FIN-ACK`,
/// `RST`, `PSH-ACK` (the ladder's words).
pub fn flag_words(flags: u16) -> String {
    crate::flow::flags_text(flags)
}

/// `a` is after `b` in sequence space (modulo 2^32).
fn after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// What the builder remembers of one end of a connection, from the segments it sent.
#[derive(Clone, Copy, Debug, Default)]
struct Side {
    /// The sequence number after the highest byte (or SYN / FIN) it sent.
    next: Option<u32>,
    /// The last window field it advertised.
    window: Option<u16>,
    /// The last acknowledgment number it sent, and how many bare duplicates of it followed.
    ack: Option<u32>,
    dup_acks: u32,
    /// The sequence number of its FIN, and whether that FIN acknowledged the other end's.
    fin: Option<u32>,
    fin_acked_peer: bool,
}

impl Side {
    /// Remembers what `seg` (sent by this end) says; `peer` is the other end's state.
    fn observe(&mut self, seg: &TcpSegment, peer: &Side) {
        let f = seg.flags;
        if f & tcp_flags::RST != 0 {
            return;
        }
        let syn = u32::from(f & tcp_flags::SYN != 0);
        let fin = u32::from(f & tcp_flags::FIN != 0);
        let end = seg
            .seq
            .wrapping_add(seg.payload_len)
            .wrapping_add(syn)
            .wrapping_add(fin);
        if self.next.is_none_or(|n| after(end, n)) {
            self.next = Some(end);
        }
        if fin == 1 && self.fin.is_none() {
            self.fin = Some(seg.seq.wrapping_add(seg.payload_len));
            self.fin_acked_peer = f & tcp_flags::ACK != 0
                && peer
                    .fin
                    .is_some_and(|pf| !after(pf.wrapping_add(1), seg.ack));
        }
        if f & tcp_flags::ACK != 0 {
            let bare = seg.payload_len == 0 && syn == 0 && fin == 0;
            if self.ack == Some(seg.ack) {
                if bare {
                    self.dup_acks += 1;
                }
            } else {
                self.ack = Some(seg.ack);
                self.dup_acks = 0;
            }
        }
        self.window = Some(seg.window);
    }
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
    /// The ends, in the order of the connection's key.
    sides: [Side; 2],
    fast_asked: bool,
    probe_asked: bool,
    update_asked: bool,
    fins_asked: bool,
}

/// Makes questions from TCP segments fed in capture order.
#[derive(Clone, Debug, Default)]
pub struct QuizBuilder {
    conns: HashMap<(SocketAddr, SocketAddr), Conn>,
    /// Bare SYNs per (source endpoint, target host): the ports probed, in order.
    probes: HashMap<(SocketAddr, IpAddr), Vec<u16>>,
}

fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

/// "22, 80, 443 and 8081".
fn port_list(ports: &[u16]) -> String {
    match ports {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(u16::to_string).collect();
            format!("{} and {last}", rest.join(", "))
        }
    }
}

impl QuizBuilder {
    pub fn new() -> QuizBuilder {
        QuizBuilder::default()
    }

    /// The ports `src` probed on `target` with bare SYNs, when it probed more than one from
    /// the same source port: a port scan.
    fn scan_of(&self, src: SocketAddr, target: IpAddr) -> Option<&[u16]> {
        self.probes
            .get(&(src, target))
            .filter(|p| p.len() >= 2)
            .map(Vec::as_slice)
    }

    /// Feeds packet `packet_no`; returns the question to ask before it is shown, if any.
    pub fn feed(&mut self, packet_no: u64, seg: &TcpSegment) -> Option<Question> {
        let f = seg.flags;
        if f & tcp_flags::SYN != 0 && f & (tcp_flags::ACK | tcp_flags::RST) == 0 {
            let ports = self.probes.entry((seg.src, seg.dst.ip())).or_default();
            if !ports.contains(&seg.dst.port()) {
                ports.push(seg.dst.port());
            }
        }
        let k = key(seg.src, seg.dst);
        let s = usize::from(seg.src != k.0);
        let r = 1 - s;
        let mut conn = self.conns.get(&k).copied().unwrap_or_default();
        let q = self
            .handshake_question(&mut conn, packet_no, seg)
            .or_else(|| transfer_question(&mut conn, s, r, packet_no, seg));
        let peer = conn.sides[r];
        conn.sides[s].observe(seg, &peer);
        self.conns.insert(k, conn);
        q
    }

    /// The handshake's questions (and a scan's, which are about handshakes).
    fn handshake_question(
        &self,
        conn: &mut Conn,
        packet_no: u64,
        seg: &TcpSegment,
    ) -> Option<Question> {
        let (src, dst) = (seg.src, seg.dst);
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
                    let (text, answer) = if self.scan_of(src, dst.ip()).is_some() {
                        (
                            format!(
                                "The scanner {src} probed port {} of {} with a SYN (ISN {isn}) \
                                 and nothing came back. What does the scanner do now?",
                                dst.port(),
                                dst.ip()
                            ),
                            format!(
                                "It sends the same probe again, sequence number {isn}. If \
                                 that gets no answer either, port {} is \"filtered\": \
                                 something on the way (a firewall) drops the packets.",
                                dst.port()
                            ),
                        )
                    } else {
                        (
                            format!(
                                "{src} sent a SYN (ISN {isn}) to {dst} and no answer came back. \
                                 What will {src} send next, and with which sequence number?"
                            ),
                            format!(
                                "The same SYN again, sequence number {isn}: a retransmission \
                                 (the ISN does not change)."
                            ),
                        )
                    };
                    let mut q =
                        Question::new(packet_no, Ask::Retransmission, text, answer, tcp_flags::SYN);
                    q.seq = Some(isn);
                    return Some(q);
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
            let mut q = if let Some(ports) = self.scan_of(dst, src.ip()) {
                Question::new(
                    packet_no,
                    Ask::PortState,
                    scan_text(dst, src, ports),
                    format!(
                        "SYN-ACK (ack = {want}, the probe's ISN + 1): port {} is open, a \
                         program listens there.",
                        src.port()
                    ),
                    tcp_flags::SYN | tcp_flags::ACK,
                )
            } else {
                Question::new(
                    packet_no,
                    Ask::AckNumber,
                    format!(
                        "{dst} sent SYN with ISN {isn}. {src} answers with SYN-ACK: what \
                         acknowledgment number will it carry?"
                    ),
                    format!(
                        "ack = {want}: the client's ISN + 1 (the SYN counts as one byte of \
                         sequence space)."
                    ),
                    tcp_flags::SYN | tcp_flags::ACK,
                )
            };
            q.ack = Some(want);
            return Some(q);
        }
        if rst {
            let (from, isn) = conn.syn?;
            if conn.answered && conn.syn_ack.is_some() && !conn.third_done && from == src {
                // The client answers a SYN-ACK with RST: it never wanted the connection.
                let (_, server_isn) = conn.syn_ack?;
                let want = isn.wrapping_add(1);
                conn.third_done = true;
                if f & ASKED_FLAGS != tcp_flags::RST || seg.seq != want {
                    return None;
                }
                let why = if self.scan_of(src, dst.ip()).is_some() {
                    "The scanner only wanted to know whether the port is open"
                } else {
                    "It does not want the connection"
                };
                let mut q = Question::new(
                    packet_no,
                    Ask::HalfOpenReset,
                    format!(
                        "{dst} answered SYN-ACK (ISN {server_isn}, ack {want}). {why}: what \
                         does {src} send instead of the handshake's ACK?"
                    ),
                    format!(
                        "RST with seq = {want} (the SYN-ACK's ack): the half-open connection \
                         is dropped before it is established, so no program on {} ever sees \
                         it.",
                        dst.ip()
                    ),
                    tcp_flags::RST,
                );
                q.seq = Some(want);
                return Some(q);
            }
            if conn.answered || from != dst || conn.syn_ack.is_some() {
                return None;
            }
            conn.answered = true;
            conn.third_done = true;
            let want = isn.wrapping_add(1);
            // The refusal comes from the port the SYN was sent to.
            let port = src.port();
            let mut q = if let Some(ports) = self.scan_of(dst, src.ip()) {
                Question::new(
                    packet_no,
                    Ask::PortState,
                    scan_text(dst, src, ports),
                    format!(
                        "RST-ACK (ack = {want}, the probe's ISN + 1): port {port} is closed, \
                         nothing listens there and the kernel refuses at once."
                    ),
                    tcp_flags::RST | tcp_flags::ACK,
                )
            } else {
                Question::new(
                    packet_no,
                    Ask::ClosedPort,
                    format!(
                        "{dst} sent SYN (ISN {isn}) to port {port} of {}. Nothing listens on \
                         that port: what comes back, and how soon?",
                        src.ip()
                    ),
                    format!(
                        "RST-ACK with ack = {want} (ISN + 1), one round trip later: the \
                         server's kernel refuses at once, no application is involved."
                    ),
                    tcp_flags::RST | tcp_flags::ACK,
                )
            };
            q.ack = Some(want);
            return Some(q);
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
            let mut q = Question::new(
                packet_no,
                Ask::NextFlags,
                format!(
                    "{server} answered SYN-ACK with its own ISN {server_isn}. Which flags \
                     will {client}'s next segment carry, and which acknowledgment number?"
                ),
                format!(
                    "ACK, with ack = {want} (the server's ISN + 1): the handshake is \
                     complete."
                ),
                tcp_flags::ACK,
            );
            q.ack = Some(want);
            return Some(q);
        }
        None
    }
}

/// A scan answer's question: what comes back from this port.
fn scan_text(scanner: SocketAddr, target: SocketAddr, ports: &[u16]) -> String {
    format!(
        "{scanner} sent bare SYNs to ports {} of {}, all from its port {}: a port scan. What \
         comes back from port {}, and is the port open or closed?",
        port_list(ports),
        target.ip(),
        scanner.port(),
        target.port()
    )
}

/// Questions past the handshake about segment `seg`, sent by end `s` of `conn` to end `r`,
/// judged before `seg` is remembered.
fn transfer_question(
    conn: &mut Conn,
    s: usize,
    r: usize,
    packet_no: u64,
    seg: &TcpSegment,
) -> Option<Question> {
    let (src, dst) = (seg.src, seg.dst);
    let f = seg.flags;
    if f & (tcp_flags::SYN | tcp_flags::RST) != 0 {
        return None;
    }
    let fin = f & tcp_flags::FIN != 0;
    let me = conn.sides[s];
    let peer = conn.sides[r];
    // Fast retransmit: the peer repeated the ACK of `seg.seq` at least twice more, and `seg`
    // sends that data again.
    if !conn.fast_asked
        && seg.payload_len > 0
        && peer.dup_acks >= 2
        && peer.ack == Some(seg.seq)
        && me.next.is_some_and(|n| after(n, seg.seq))
    {
        conn.fast_asked = true;
        let n = seg.seq;
        let dups = peer.dup_acks;
        let mut q = Question::new(
            packet_no,
            Ask::FastRetransmit,
            format!(
                "{dst} acknowledged {n} and then sent {dups} duplicate ACKs with the same \
                 number: later segments arrive, the one at sequence {n} does not. What does \
                 {src} send next?"
            ),
            format!(
                "The segment at sequence {n} again, at once: a fast retransmission, triggered \
                 by the duplicate ACKs instead of waiting for the retransmission timer (and \
                 the sender slows down: its congestion window shrinks)."
            ),
            f & ASKED_FLAGS,
        );
        q.seq = Some(n);
        q.len = Some(1..=u32::MAX);
        return Some(q);
    }
    // A window probe: the peer's window is 0 and `seg` is the sender's smallest possible
    // segment: no new data at one before the next sequence number, or one byte at it.
    if !conn.probe_asked
        && !fin
        && peer.window == Some(0)
        && seg.payload_len <= 1
        && me.next.is_some_and(|n| {
            (seg.payload_len == 0 && seg.seq == n.wrapping_sub(1))
                || (seg.payload_len == 1 && seg.seq == n)
        })
    {
        conn.probe_asked = true;
        let mut q = Question::new(
            packet_no,
            Ask::WindowProbe,
            format!(
                "{dst} advertised a window of 0: its receive buffer is full because its \
                 application is not reading. {src} has more to send. What does it send?"
            ),
            format!(
                "Not data: after a timer (the persist timer) a window probe, a segment of {} \
                 byte{} at sequence {}, just to make {dst} answer with its current window. \
                 While the window stays 0 the probes come further and further apart.",
                seg.payload_len,
                if seg.payload_len == 1 { "" } else { "s" },
                seg.seq
            ),
            f & ASKED_FLAGS,
        );
        q.len = Some(0..=1);
        return Some(q);
    }
    // A window update: this end advertised 0, and now the same ACK with an open window.
    if !conn.update_asked
        && !fin
        && me.window == Some(0)
        && seg.window > 0
        && seg.payload_len == 0
        && f & tcp_flags::ACK != 0
        && me.ack == Some(seg.ack)
    {
        conn.update_asked = true;
        let ack = seg.ack;
        let mut q = Question::new(
            packet_no,
            Ask::WindowUpdate,
            format!(
                "{src} has advertised a window of 0 so far. Its application finally reads \
                 the data waiting in the buffer: what does {src} send to {dst}?"
            ),
            format!(
                "An ACK with the same acknowledgment number ({ack}) but a window above 0: a \
                 window update, which lets {dst} send again."
            ),
            tcp_flags::ACK,
        );
        q.ack = Some(ack);
        q.min_window = Some(1);
        return Some(q);
    }
    // Crossed FINs: both ends sent FIN before either was acknowledged, and `seg` is the
    // first ACK of the peer's FIN.
    if !conn.fins_asked
        && !fin
        && f & tcp_flags::ACK != 0
        && let (Some(my_fin), Some(peer_fin)) = (me.fin, peer.fin)
        && !peer.fin_acked_peer
        && seg.ack == peer_fin.wrapping_add(1)
    {
        conn.fins_asked = true;
        let want = peer_fin.wrapping_add(1);
        let mut q = Question::new(
            packet_no,
            Ask::CrossedFins,
            format!(
                "{src} sent FIN (seq {my_fin}), and before anything acknowledged it, the FIN \
                 of {dst} (seq {peer_fin}) arrived: the two FINs crossed. What does {src} \
                 send now?"
            ),
            format!(
                "An ACK with ack = {want} (the other FIN + 1). Each end acknowledges the \
                 other's FIN and goes from FIN-WAIT-1 through CLOSING to TIME-WAIT: four \
                 segments crossing in pairs."
            ),
            tcp_flags::ACK,
        );
        q.ack = Some(want);
        return Some(q);
    }
    None
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

    fn numbered(segs: &[TcpSegment]) -> Vec<Question> {
        questions(segs.iter().enumerate().map(|(i, s)| (i as u64 + 1, s)))
    }

    fn data(src: &str, dst: &str, seq: u32, ack: u32, len: u32) -> TcpSegment {
        TcpSegment {
            payload_len: len,
            ..seg(src, dst, tcp_flags::ACK | tcp_flags::PSH, seq, ack)
        }
    }

    /// The handshake of C and S with ISNs 99 and 499 (data starts at 100 and 500).
    fn handshake() -> Vec<TcpSegment> {
        use tcp_flags::{ACK, SYN};
        vec![
            seg(C, S, SYN, 99, 0),
            seg(S, C, SYN | ACK, 499, 100),
            seg(C, S, ACK, 100, 500),
        ]
    }

    #[test]
    fn duplicate_acks_ask_for_the_fast_retransmission() {
        use tcp_flags::ACK;
        let mut segs = handshake();
        for i in 0..5 {
            segs.push(data(C, S, 100 + i * 100, 500, 100));
        }
        // 100..200 arrives, 200..300 is lost, three later segments bring duplicates.
        segs.push(seg(S, C, ACK, 500, 200));
        for _ in 0..3 {
            segs.push(seg(S, C, ACK, 500, 200));
        }
        segs.push(data(C, S, 200, 500, 100)); // packet 13: the fast retransmission
        segs.push(seg(S, C, ACK, 500, 600));
        let qs = numbered(&segs);
        let fast: Vec<&Question> = qs.iter().filter(|q| q.ask == Ask::FastRetransmit).collect();
        assert_eq!(fast.len(), 1, "{qs:#?}");
        let q = fast[0];
        assert_eq!(q.packet_no, 13);
        assert_eq!(q.seq, Some(200));
        assert!(q.text.contains("3 duplicate ACKs"), "{}", q.text);
        assert!(q.holds_for(&segs[12]));
        // New data at the acknowledged number is not a retransmission: no question.
        let mut fresh = handshake();
        fresh.push(seg(S, C, ACK, 500, 100));
        fresh.push(seg(S, C, ACK, 500, 100));
        fresh.push(seg(S, C, ACK, 500, 100));
        fresh.push(data(C, S, 100, 500, 100));
        assert!(
            numbered(&fresh)
                .iter()
                .all(|q| q.ask != Ask::FastRetransmit),
            "no data was sent before, so nothing is resent"
        );
    }

    #[test]
    fn a_zero_window_asks_for_the_probe_and_the_update() {
        use tcp_flags::ACK;
        let mut segs = handshake();
        segs.push(data(S, C, 500, 100, 1000));
        let mut zero = seg(C, S, ACK, 100, 1500);
        zero.window = 0;
        segs.push(zero); // 5: window 0
        segs.push(seg(S, C, ACK, 1499, 100)); // 6: Linux's probe, next - 1 and no data
        segs.push(zero); // 7: still 0
        let mut open = zero;
        open.window = 2000;
        segs.push(open); // 8: the update
        let qs = numbered(&segs);
        let asks: Vec<_> = qs.iter().map(|q| (q.packet_no, q.ask)).collect();
        assert_eq!(
            asks,
            [
                (2, Ask::AckNumber),
                (3, Ask::NextFlags),
                (6, Ask::WindowProbe),
                (8, Ask::WindowUpdate)
            ]
        );
        assert!(qs[2].holds_for(&segs[5]));
        assert!(!qs[2].holds_for(&segs[3]), "1000 bytes are not a probe");
        assert!(qs[3].holds_for(&segs[7]));
        assert!(!qs[3].holds_for(&segs[6]), "window 0 is not an update");
        // A one-byte probe at the next sequence number (other stacks) is a probe too.
        let mut other = segs[..5].to_vec();
        other.push(data(S, C, 1500, 100, 1));
        assert!(numbered(&other).iter().any(|q| q.ask == Ask::WindowProbe));
        // A plain ACK while the window is 0 is not.
        let mut plain = segs[..5].to_vec();
        plain.push(seg(S, C, ACK, 1500, 100));
        assert!(numbered(&plain).iter().all(|q| q.ask != Ask::WindowProbe));
    }

    #[test]
    fn crossed_fins_ask_for_the_ack_of_the_other_fin() {
        use tcp_flags::{ACK, FIN};
        let mut segs = handshake();
        segs.push(seg(C, S, FIN | ACK, 100, 500)); // 4
        segs.push(seg(S, C, FIN | ACK, 500, 100)); // 5: does not acknowledge C's FIN
        segs.push(seg(C, S, ACK, 101, 501)); // 6
        segs.push(seg(S, C, ACK, 501, 101)); // 7
        let qs = numbered(&segs);
        let crossed: Vec<_> = qs.iter().filter(|q| q.ask == Ask::CrossedFins).collect();
        assert_eq!(crossed.len(), 1, "{qs:#?}");
        assert_eq!(crossed[0].packet_no, 6);
        assert_eq!(crossed[0].ack, Some(501));
        assert!(crossed[0].holds_for(&segs[5]));
        // An ordinary close (the second FIN acknowledges the first) asks nothing about it.
        let mut orderly = handshake();
        orderly.push(seg(S, C, FIN | ACK, 500, 100));
        orderly.push(seg(C, S, FIN | ACK, 100, 501));
        orderly.push(seg(S, C, ACK, 501, 101));
        assert!(numbered(&orderly).iter().all(|q| q.ask != Ask::CrossedFins));
    }

    #[test]
    fn a_syn_scan_asks_open_or_closed_and_for_the_reset() {
        use tcp_flags::{ACK, RST, SYN};
        const SCANNER: &str = "10.0.0.1:45678";
        let p22 = "10.0.0.2:22";
        let p80 = "10.0.0.2:80";
        let p8081 = "10.0.0.2:8081";
        let segs = [
            seg(SCANNER, p22, SYN, 10, 0),
            seg(SCANNER, p80, SYN, 20, 0),
            seg(SCANNER, p8081, SYN, 30, 0),
            seg(p22, SCANNER, RST | ACK, 0, 11),
            seg(p80, SCANNER, SYN | ACK, 700, 21),
            seg(SCANNER, p80, RST, 21, 0),
            seg(SCANNER, p8081, SYN, 30, 0),
        ];
        let qs = numbered(&segs);
        let asks: Vec<_> = qs.iter().map(|q| (q.packet_no, q.ask)).collect();
        assert_eq!(
            asks,
            [
                (4, Ask::PortState),
                (5, Ask::PortState),
                (6, Ask::HalfOpenReset),
                (7, Ask::Retransmission)
            ]
        );
        assert!(
            qs[0].text.contains("ports 22, 80 and 8081"),
            "{}",
            qs[0].text
        );
        assert!(qs[0].answer.contains("closed"), "{}", qs[0].answer);
        assert!(qs[1].answer.contains("open"), "{}", qs[1].answer);
        assert!(qs[3].answer.contains("filtered"), "{}", qs[3].answer);
        for q in &qs {
            let seg = &segs[usize::try_from(q.packet_no - 1).expect("small")];
            assert!(q.holds_for(seg), "{q:#?}");
        }
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
