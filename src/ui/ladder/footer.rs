//! The narration under the ladder: the handshake's verdict (outcome, close, retransmissions,
//! what was not captured), the RTT split and each side's negotiated options, each line shown
//! only once the arrows that decide it have landed, shrinking piece by piece to the width.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::flow::{Close, EventKind, Outcome, ms_text};
use crate::model::TcpHandshakeOptions;
use crate::ui::flow_list::badge_text;
use crate::ui::paint::{Piece, fit, put};

use super::LadderView;
use super::geometry::to_u16;
use super::labels::options_text;

/// One footer line: text pieces with their styles.
pub(super) struct FooterLine {
    /// The first piece names the line (`RTT`, `client options`) and is followed by a space
    /// rather than a separator dot.
    pub(super) label: bool,
    pub(super) pieces: Vec<(Piece, Style)>,
}

impl LadderView<'_> {
    /// Whether the flow is a simultaneous open (two peers, no client or server).
    pub(super) fn simultaneous(&self) -> bool {
        self.flow.outcome() == Outcome::SimultaneousOpen
    }

    pub(super) fn badge_line(&self) -> FooterLine {
        let p = self.palette;
        let f = self.flow;
        let outcome = f.outcome();
        let mut pieces = vec![(Piece::new("handshake", 6), p.dim())];
        // The verdict appears once the arrows that decide it have landed.
        if !self.handshake_landed() {
            pieces.push((Piece::new("in progress", 0), p.dim()));
            return FooterLine {
                label: true,
                pieces,
            };
        }
        pieces.push((Piece::new(badge_text(f, false), 0), p.outcome(outcome)));
        let all_landed = (0..f.ladder.len()).all(|i| self.progress(i).landed());
        if all_landed && (f.close != Close::Open || f.established()) {
            pieces.push((Piece::new(f.close.label(), 2), p.text()));
        }
        let syn_retx = f.syn_retransmissions();
        if syn_retx > 0 {
            let s = if syn_retx == 1 { "" } else { "s" };
            pieces.push((
                Piece::new(format!("{syn_retx} SYN retransmission{s}"), 3)
                    .short(format!("{syn_retx} SYN retx")),
                p.text(),
            ));
        }
        let synack_retx = f.synack_retransmissions();
        if synack_retx > 0 {
            let s = if synack_retx == 1 { "" } else { "s" };
            pieces.push((
                Piece::new(format!("{synack_retx} SYN-ACK retransmission{s}"), 3)
                    .short(format!("{synack_retx} SYN-ACK retx")),
                p.text(),
            ));
        }
        if f.synack_not_captured() {
            pieces.push((
                Piece::new("SYN-ACK not in the capture (implied by the ACK)", 4)
                    .short("SYN-ACK not captured"),
                p.text(),
            ));
        }
        if f.ladder_dropped > 0 {
            pieces.push((
                Piece::new(format!("{} more segments not drawn", f.ladder_dropped), 1)
                    .short(format!("+{} not drawn", f.ladder_dropped)),
                p.dim(),
            ));
        }
        FooterLine {
            label: true,
            pieces,
        }
    }

    pub(super) fn rtt_line(&self) -> FooterLine {
        let p = self.palette;
        let f = self.flow;
        let mut pieces = vec![(Piece::new("RTT", 0), p.header())];
        if !f.opened_with_syn {
            pieces.push((
                Piece::new("unknown: no handshake captured", 0).short("unknown"),
                p.dim(),
            ));
            return FooterLine {
                label: true,
                pieces,
            };
        }
        if f.outcome() == Outcome::NoResponse {
            let text = if f.outcome_settled() {
                Piece::new("none: the SYN was never answered", 0).short("none (no answer)")
            } else {
                Piece::new("none yet: waiting for an answer", 0).short("none yet")
            };
            pieces.push((text, p.dim()));
            return FooterLine {
                label: true,
                pieces,
            };
        }
        let refused = f.outcome() == Outcome::Refused;
        let value = |ns: Option<i64>, shown: bool| match ns {
            Some(ns) if shown => format!("{} ms", ms_text(ns)),
            Some(_) => "…".to_string(),
            None => "-".to_string(),
        };
        if self.simultaneous() {
            // Both sides sent a SYN and a SYN-ACK: there is no server or client side to split
            // the round trip into, only the initial RTT (Wireshark's, from the latest SYN).
            let ack_landed = self.landed_kind(&[EventKind::HandshakeAck]);
            let initial = value(f.rtt().initial_ns, ack_landed);
            pieces.push((
                Piece::new(format!("initial {initial}"), 0).short(format!("init {initial}")),
                p.text(),
            ));
            pieces.push((
                Piece::new("server/client split does not apply (simultaneous open)", 2)
                    .short("no split"),
                p.dim(),
            ));
            return FooterLine {
                label: true,
                pieces,
            };
        }
        let answer_kinds: &[EventKind] = if refused {
            &[EventKind::Rst]
        } else {
            &[EventKind::SynAck]
        };
        let server = value(f.rtt().server_ns, self.landed_kind(answer_kinds));
        let ack_landed = self.landed_kind(&[EventKind::HandshakeAck]);
        let client = value(f.rtt().client_ns, ack_landed);
        let initial = value(f.rtt().initial_ns, ack_landed);
        let (server_long, server_short) = if refused {
            ("server side (SYN→RST)", "srv (RST)")
        } else {
            ("server side", "srv")
        };
        pieces.push((
            Piece::new(format!("{server_long} {server}"), 0)
                .short(format!("{server_short} {server}")),
            p.text(),
        ));
        if !refused {
            pieces.push((
                Piece::new(format!("client side {client}"), 1).short(format!("cli {client}")),
                p.text(),
            ));
            pieces.push((
                Piece::new(format!("initial {initial}"), 0).short(format!("init {initial}")),
                p.text(),
            ));
        }
        FooterLine {
            label: true,
            pieces,
        }
    }

    pub(super) fn options_lines(&self, merged: bool) -> Vec<FooterLine> {
        let p = self.palette;
        let f = self.flow;
        if !f.opened_with_syn {
            return Vec::new();
        }
        let long = |o: Option<&TcpHandshakeOptions>| {
            o.map_or_else(|| "none seen".to_string(), |o| options_text(o, false))
        };
        let short = |o: Option<&TcpHandshakeOptions>| {
            o.map_or_else(|| "-".to_string(), |o| options_text(o, true))
        };
        let (client, server) = (f.client_options(), f.server_options());
        let (client, server) = (client.as_ref(), server.as_ref());
        let (client_name, server_name) = if self.simultaneous() {
            ("peer A", "peer B")
        } else {
            ("client", "server")
        };
        if merged {
            let side = |name: &str, o| {
                (
                    Piece::new(format!("{name} {}", long(o)), 0)
                        .short(format!("{name} {}", short(o))),
                    p.text(),
                )
            };
            return vec![FooterLine {
                label: true,
                pieces: vec![
                    (Piece::new("options", 0), p.header()),
                    side(client_name, client),
                    side(server_name, server),
                ],
            }];
        }
        let line = |name: &str, o| FooterLine {
            label: true,
            pieces: vec![
                (Piece::new(format!("{name} options"), 0), p.header()),
                (Piece::new(long(o), 0).short(short(o)), p.text()),
            ],
        };
        vec![line(client_name, client), line(server_name, server)]
    }

    pub(super) fn draw_footer_line(&self, buf: &mut Buffer, area: Rect, y: u16, line: &FooterLine) {
        let pieces: Vec<Piece> = line.pieces.iter().map(|(p, _)| p.clone()).collect();
        let chosen = fit(&pieces, usize::from(area.width), " · ");
        let mut x = area.x;
        let mut previous: Option<usize> = None;
        for (i, (text, (_, style))) in chosen.iter().zip(&line.pieces).enumerate() {
            let Some(text) = text else { continue };
            let sep = match previous {
                None => "",
                Some(0) if line.label => " ",
                Some(_) => " · ",
            };
            let room = usize::from(area.right().saturating_sub(x));
            x = x.saturating_add(to_u16(put(buf, area, x, y, sep, room, self.palette.dim())));
            let room = usize::from(area.right().saturating_sub(x));
            x = x.saturating_add(to_u16(put(buf, area, x, y, text, room, *style)));
            previous = Some(i);
        }
    }
}
