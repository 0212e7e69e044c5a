//! Explain mode: narrates, in plain language, what one packet does at each layer and in its
//! connection's handshake. Every number in the text comes from the packet or its flow. Pure
//! functions; depends on decode, flow, model and ratatui's text width (for [`wrap`]).

use crate::decode::{Decoded, LayerKind, Proto};
use crate::flow::{Direction, EventKind, Flow, LadderEvent, PacketAnalysis, Verdicts};
use crate::model::{TcpHandshakeOptions, endpoint_text, tcp_flags};

/// The Transport box's "Analysis" group: one line per verdict of Wireshark's sequence
/// analysis, each explained with this packet's numbers (`len` payload bytes, `window` the raw
/// window field), then the ACK's round-trip time and the bytes in flight when known.
/// Returns (label, explanation) pairs.
pub fn analysis_lines(a: &PacketAnalysis, len: u32, window: u16) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let bytes = if len > 0 {
        format!(
            "bytes {}–{}",
            a.rel_seq,
            a.rel_seq.wrapping_add(len.saturating_sub(1))
        )
    } else {
        "the SYN/FIN".to_string()
    };
    let ago = |ns: i64| crate::flow::ms_text(ns) + " ms";
    for v in a.verdicts.iter() {
        let text = match v.bit {
            Verdicts::RETRANSMISSION => match (a.rto_frame, a.rto_ns) {
                (Some(f), Some(ns)) => format!(
                    "{bytes} were sent before at packet {f}, {} earlier; no ACK came, so the \
                     sender resent them",
                    ago(ns)
                ),
                _ => format!("{bytes} were sent before; the sender resent them"),
            },
            Verdicts::FAST_RETRANSMISSION => format!(
                "{bytes} resent at once because the receiver's duplicate ACKs kept asking for \
                 byte {} (fast retransmit, RFC 5681)",
                a.rel_seq
            ),
            Verdicts::SPURIOUS_RETRANSMISSION => format!(
                "{bytes} had already been acknowledged by the receiver: this resend was not \
                 needed"
            ),
            Verdicts::OUT_OF_ORDER => format!(
                "{bytes} come after higher-numbered bytes, sooner than a retransmission \
                 timer would fire: reordered on the way, not resent"
            ),
            Verdicts::LOST_SEGMENT => format!(
                "this starts at byte {}, beyond the highest byte seen so far: the segment \
                 before it is not in the capture",
                a.rel_seq
            ),
            Verdicts::ACK_LOST_SEGMENT => "this acknowledges bytes the capture never \
                 showed: the capture missed them (not necessarily the network)"
                .to_string(),
            Verdicts::DUPLICATE_ACK => format!(
                "duplicate #{} of the ACK in packet {}: the receiver still waits for the \
                 same byte, usually because a segment went missing",
                a.dup_ack_num, a.dup_ack_frame
            ),
            Verdicts::ZERO_WINDOW => "the receiver's buffer is full: it advertises a window \
                 of 0, so the sender must stop sending"
                .to_string(),
            Verdicts::ZERO_WINDOW_PROBE => "one byte sent into a zero window, to ask whether \
                 room has opened"
                .to_string(),
            Verdicts::ZERO_WINDOW_PROBE_ACK => "the answer to a zero-window probe: still no \
                 room"
                .to_string(),
            Verdicts::WINDOW_FULL => format!(
                "{bytes} fill the receiver's advertised window to its edge; the sender must \
                 wait for an ACK before sending more"
            ),
            Verdicts::WINDOW_UPDATE => format!(
                "no data and the same ACK, only a new window ({window} raw): the receiver \
                 announces more room"
            ),
            Verdicts::KEEP_ALIVE => "a keep-alive: it repeats the byte before the next \
                 expected one to check that the peer is still there"
                .to_string(),
            Verdicts::KEEP_ALIVE_ACK => "the answer to a keep-alive".to_string(),
            Verdicts::REUSED_PORTS => "a new connection on the same addresses and ports as \
                 an earlier one"
                .to_string(),
            _ => continue,
        };
        out.push((v.note.trim_start_matches("TCP ").to_string(), text));
    }
    if let (Some(f), Some(ns)) = (a.acked_frame, a.ack_rtt_ns) {
        out.push((
            "ACK RTT".into(),
            format!("acknowledges packet {f}, sent {} earlier", ago(ns)),
        ));
    }
    if let Some(b) = a.bytes_in_flight {
        out.push((
            "Bytes in flight".into(),
            format!("{b} bytes sent and not yet acknowledged"),
        ));
    }
    out
}

/// One sentence of narration, attached to the layer it talks about (None: the handshake).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narration {
    pub layer: Option<LayerKind>,
    pub text: String,
}

/// The packet's place in its TCP connection, when it has one.
#[derive(Clone, Copy, Debug)]
pub struct FlowContext<'a> {
    pub flow: &'a Flow,
    /// The ladder event this packet caused (SYN, SYN-ACK, …), if any.
    pub event: Option<&'a LadderEvent>,
}

/// Narrates a packet: first what it does in the handshake (the story a class follows), then
/// one sentence per layer, bottom to top.
pub fn explain(decoded: &Decoded, ctx: Option<FlowContext<'_>>) -> Vec<Narration> {
    let mut out = Vec::new();
    if let Some(ctx) = ctx {
        if let Some(ev) = ctx.event {
            for text in handshake_story(ctx.flow, ev) {
                out.push(Narration { layer: None, text });
            }
        } else if let Some(tcp) = decoded.summary.tcp.filter(|t| t.payload_len > 0) {
            let from = side_name(ctx.flow, tcp.src == ctx.flow.client());
            out.push(Narration {
                layer: None,
                text: format!(
                    "The {from} sends {} bytes of data (seq {}): the connection is established, \
                     so this is the conversation itself.",
                    tcp.payload_len, tcp.seq
                ),
            });
        }
    }
    out.extend(layer_story(decoded));
    out
}

fn side_name(flow: &Flow, is_client: bool) -> String {
    if is_client {
        format!("client {}", endpoint_text(flow.client()))
    } else {
        format!("server {}", endpoint_text(flow.server()))
    }
}

/// The handshake sentences for one ladder event.
fn handshake_story(flow: &Flow, ev: &LadderEvent) -> Vec<String> {
    let client = endpoint_text(flow.client());
    let server = endpoint_text(flow.server());
    let mut s = Vec::new();
    match ev.kind {
        EventKind::Syn if ev.direction == Direction::ClientToServer => {
            s.push(format!(
                "The client {client} picks a random initial sequence number, {}, and sends SYN \
                 to {server}: \"I want to talk; my bytes will be numbered from {}.\"",
                ev.seq,
                ev.seq.wrapping_add(1)
            ));
            s.extend(options_story("client", &ev.options));
        }
        EventKind::Syn => s.push(format!(
            "The server {server} also sends a SYN (seq {}) before answering: both sides are \
             opening at once, a simultaneous open.",
            ev.seq
        )),
        EventKind::SynRetransmit => {
            let previous = flow.ladder.iter().rev().find(|e| {
                e.packet_no < ev.packet_no
                    && matches!(e.kind, EventKind::Syn | EventKind::SynRetransmit)
            });
            let attempt = flow
                .ladder
                .iter()
                .filter(|e| {
                    e.packet_no <= ev.packet_no
                        && matches!(e.kind, EventKind::Syn | EventKind::SynRetransmit)
                })
                .count();
            // The wait before the previous attempt, to compare with this one (measured, never
            // assumed: stacks differ, and captures lose packets).
            let before = previous.and_then(|p| {
                flow.ladder
                    .iter()
                    .rev()
                    .find(|e| {
                        e.packet_no < p.packet_no
                            && matches!(e.kind, EventKind::Syn | EventKind::SynRetransmit)
                    })
                    .map(|e| p.ts_ns.saturating_sub(e.ts_ns))
            });
            match previous {
                Some(p) => {
                    let gap = ev.ts_ns.saturating_sub(p.ts_ns);
                    let trend = match before {
                        Some(b) if b > 0 && (gap as f64 / b as f64 - 2.0).abs() < 0.25 => {
                            format!(", twice the {} it waited before", seconds(b))
                        }
                        Some(b) if b > 0 => format!(" (it waited {} before)", seconds(b)),
                        _ => String::new(),
                    };
                    s.push(format!(
                        "No answer after {}{trend}: the client sends the SYN again (attempt \
                         {attempt}, same seq {}).",
                        seconds(gap),
                        ev.seq
                    ))
                }
                None => s.push(format!("The client sends the SYN again (seq {}).", ev.seq)),
            }
        }
        EventKind::SynAck | EventKind::SynAckRetransmit => {
            let retx = if ev.kind == EventKind::SynAckRetransmit {
                " again"
            } else {
                ""
            };
            s.push(format!(
                "The server {server} acknowledges it{retx}: ack = {} + 1 = {}, and picks its own \
                 initial sequence number, {}. It now waits in SYN_RCVD.",
                ev.ack.wrapping_sub(1),
                ev.ack,
                ev.seq
            ));
            s.extend(options_story("server", &ev.options));
        }
        EventKind::HandshakeAck => {
            s.push(format!(
                "The client acknowledges the server's SYN: ack = {} + 1 = {}. Both sides are now \
                 ESTABLISHED and data can flow.",
                ev.ack.wrapping_sub(1),
                ev.ack
            ));
            if let Some(rtt) = flow.rtt().initial_ns {
                s.push(format!(
                    "The whole handshake took {} (the initial round-trip time).",
                    millis(rtt)
                ));
            }
        }
        EventKind::Rst if !flow.established() && ev.direction == Direction::ServerToClient => {
            s.push(format!(
                "RST: nothing listens on port {} at {}, so its TCP answers the SYN with a reset \
                 and the connection is refused.",
                flow.server().port(),
                flow.server().ip()
            ));
        }
        EventKind::Rst => {
            let who = side_name(flow, ev.direction == Direction::ClientToServer);
            s.push(format!(
                "RST: the {who} aborts the connection at once; no goodbye, any data in flight is \
                 thrown away."
            ));
        }
        EventKind::Fin => {
            let who = side_name(flow, ev.direction == Direction::ClientToServer);
            s.push(format!(
                "FIN: the {who} has no more data to send (seq {}). The other side may still send.",
                ev.seq
            ));
        }
        EventKind::FinAck => {
            let who = side_name(flow, ev.direction == Direction::ClientToServer);
            s.push(format!(
                "The {who} acknowledges that FIN: ack = {}.",
                ev.ack
            ));
        }
    }
    s
}

fn options_story(side: &str, o: &TcpHandshakeOptions) -> Vec<String> {
    let mut s = Vec::new();
    if let Some(mss) = o.mss {
        s.push(format!(
            "MSS {mss}: the largest segment the {side} accepts, in bytes of data."
        ));
    }
    if let Some(ws) = o.window_scale {
        let factor = 1u64.checked_shl(u32::from(ws.min(14))).unwrap_or(0);
        s.push(format!(
            "Window scale {ws}: the {side}'s window field is multiplied by {factor} (2^{ws}), so \
             windows can exceed 64 KiB."
        ));
    }
    if o.sack_permitted {
        s.push(format!(
            "SACK permitted: the {side} can report exactly which segments arrived."
        ));
    }
    if let Some((val, ecr)) = o.timestamps {
        s.push(format!(
            "Timestamps: TSval {val}, TSecr {ecr}; echoed back, they measure round trips and \
             protect against wrapped sequence numbers."
        ));
    }
    if o.fast_open {
        s.push(format!(
            "TCP Fast Open: the {side} asks for or presents a cookie to send data in the SYN."
        ));
    }
    s
}

/// One sentence per decoded layer.
fn layer_story(d: &Decoded) -> Vec<Narration> {
    let sm = &d.summary;
    let mut out = Vec::new();
    if let Some(link) = d.headers.iter().find(|h| h.layer == LayerKind::Link) {
        let vlan = match sm.vlans() {
            [] => String::new(),
            ids => format!(", tagged for VLAN {}", join(ids)),
        };
        out.push(Narration {
            layer: Some(LayerKind::Link),
            text: format!(
                "{}: {} bytes of header carry the frame across the local link{vlan}.",
                link.protocol,
                link.range.len()
            ),
        });
    }
    if let (Some(src), Some(dst)) = (sm.src, sm.dst) {
        let proto = d
            .headers
            .iter()
            .find(|h| h.layer == LayerKind::Internet)
            .map(|h| h.protocol.as_str());
        let text = if sm.proto == Proto::Arp {
            format!("ARP asks or tells which hardware address owns {dst} (asked by {src}).")
        } else {
            format!(
                "{}: routes the packet from {src} to {dst}, across networks if needed.",
                proto.unwrap_or("IP")
            )
        };
        out.push(Narration {
            layer: Some(LayerKind::Internet),
            text,
        });
    }
    if let Some(tcp) = &sm.tcp {
        let mut flags = Vec::new();
        for (bit, name) in [
            (tcp_flags::SYN, "SYN"),
            (tcp_flags::ACK, "ACK"),
            (tcp_flags::FIN, "FIN"),
            (tcp_flags::RST, "RST"),
            (tcp_flags::PSH, "PSH"),
        ] {
            if tcp.has(bit) {
                flags.push(name);
            }
        }
        out.push(Narration {
            layer: Some(LayerKind::Transport),
            text: format!(
                "TCP: port {} to port {}, flags {}, seq {}, ack {}, window {}, {} bytes of data.",
                tcp.src.port(),
                tcp.dst.port(),
                if flags.is_empty() {
                    "none".to_owned()
                } else {
                    flags.join("+")
                },
                tcp.seq,
                tcp.ack,
                tcp.window,
                tcp.payload_len
            ),
        });
    } else if let (Proto::Udp, Some(sp), Some(dp)) = (sm.proto, sm.sport, sm.dport) {
        out.push(Narration {
            layer: Some(LayerKind::Transport),
            text: format!("UDP: port {sp} to port {dp}; no handshake, no delivery guarantee."),
        });
    } else if let Some((t, c)) = sm.icmp {
        out.push(Narration {
            layer: Some(LayerKind::Transport),
            text: format!("ICMP type {t} code {c}: a control message about the network itself."),
        });
    }
    if let Some(app) = &d.app_summary {
        out.push(Narration {
            layer: Some(LayerKind::Application),
            text: format!("Application: {app}"),
        });
    }
    out
}

fn join(ids: &[u16]) -> String {
    ids.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" in ")
}

fn millis(ns: i64) -> String {
    format!("{:.3} ms", ns as f64 / 1e6)
}

fn seconds(ns: i64) -> String {
    format!("{:.3} s", ns as f64 / 1e9)
}

/// Greedy word wrap of `text` into lines of at most `w` cells; the first line has `first`
/// fewer cells ([`crate::sanitize::wrap`]).
pub fn wrap(text: &str, w: usize, first: usize) -> Vec<String> {
    crate::sanitize::wrap(text, w, first)
}

/// How many rows the explain panel needs to show all of `narration`, `w` cells wide: one
/// per wrapped line, with a sentence about the same layer as the one before opening with
/// `  · ` instead of the layer's name (the layout of `ui::explain::lines`).
pub fn panel_rows(narration: &[Narration], w: usize) -> usize {
    let mut rows = 0usize;
    let mut prev = None;
    for n in narration {
        let prefix = if prev == Some(n.layer) {
            4
        } else {
            n.layer.map_or("Handshake", |l| l.name()).len() + 2
        };
        prev = Some(n.layer);
        rows =
            rows.saturating_add(wrap(&n.text, w.saturating_sub(3), prefix.saturating_sub(2)).len());
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::FlowTracker;
    use crate::model::{TcpSegment, tcp_flags::*};

    fn seg(src: &str, dst: &str, flags: u16, seq: u32, ack: u32) -> TcpSegment {
        TcpSegment {
            src: src.parse().expect("addr"),
            dst: dst.parse().expect("addr"),
            flags,
            seq,
            ack,
            payload_len: 0,
            window: 64240,
            options: TcpHandshakeOptions {
                mss: Some(1460),
                window_scale: Some(7),
                ..Default::default()
            },
        }
    }

    fn story_of(segs: &[(i64, TcpSegment)], which: usize) -> String {
        let mut t = FlowTracker::new(16);
        let mut obs = Vec::new();
        for (i, (ts, s)) in segs.iter().enumerate() {
            obs.push(t.observe(i as u64 + 1, *ts, s, 60));
        }
        let o = &obs[which];
        let flow = t.get(o.flow).expect("flow");
        let ev = o.ladder_index.and_then(|i| flow.ladder.get(i));
        let d = Decoded::default();
        explain(&d, Some(FlowContext { flow, event: ev }))
            .into_iter()
            .map(|n| n.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    const C: &str = "10.0.0.1:40000";
    const S: &str = "10.0.0.2:80";

    #[test]
    fn syn_synack_ack_numbers_come_from_the_packets() {
        let segs = [
            (0, seg(C, S, SYN, 1782953582, 0)),
            (40_000_000, seg(S, C, SYN | ACK, 99, 1782953583)),
            (80_000_000, seg(C, S, ACK, 1782953583, 100)),
        ];
        let syn = story_of(&segs, 0);
        assert!(
            syn.contains("initial sequence number, 1782953582, and sends SYN"),
            "{syn}"
        );
        assert!(syn.contains("MSS 1460: the largest segment"), "{syn}");
        assert!(syn.contains("multiplied by 128 (2^7)"), "{syn}");
        let synack = story_of(&segs, 1);
        assert!(
            synack.contains("ack = 1782953582 + 1 = 1782953583"),
            "{synack}"
        );
        assert!(
            synack.contains("own initial sequence number, 99"),
            "{synack}"
        );
        let ack = story_of(&segs, 2);
        assert!(ack.contains("ack = 99 + 1 = 100"), "{ack}");
        assert!(ack.contains("80.000 ms"), "{ack}");
    }

    #[test]
    fn refused_and_retransmitted_syn() {
        let refused = [
            (0, seg(C, "10.0.0.2:9999", SYN, 5, 0)),
            (1_000, seg("10.0.0.2:9999", C, RST | ACK, 0, 6)),
        ];
        let text = story_of(&refused, 1);
        assert!(
            text.contains("nothing listens on port 9999 at 10.0.0.2"),
            "{text}"
        );

        let retx = [
            (0, seg(C, S, SYN, 5, 0)),
            (1_000_000_000, seg(C, S, SYN, 5, 0)),
        ];
        let text = story_of(&retx, 1);
        assert!(text.contains("No answer after 1.000 s"), "{text}");
        assert!(text.contains("attempt 2"), "{text}");
    }
}
