//! The ladder diagram of one flow, as a pure ratatui widget ([`LadderView`]): the client's
//! lifeline on the left, the server's on the right, each ladder event an arrow in its direction
//! labelled with flags, relative and raw seq/ack, options and time offset, both endpoints' TCP
//! states beside the lifelines (RFC 9293 figure style) changing when an arrow lands, and below
//! it the outcome, close, RTT split and each side's negotiated options. Arrows follow the
//! animation timings of `crate::teach::anim` at the virtual instant `now_ns`: not started → not
//! drawn, in flight → drawn up to its advancing head. Labels shrink by dropping the least
//! important text first, so the view reads at 80×24 and uses the room of larger screens.
//! Every string is built from numbers and fixed words (never packet payload).
//! Depends on ratatui, `anim`, `flow`, `model` and the sibling `palette`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use crate::flow::{Close, Direction, EventKind, Flow, LadderEvent, Outcome, TcpState, ms_text};
use crate::model::{TcpHandshakeOptions, endpoint_text, tcp_flags};
use crate::teach::anim::{self, ArrowProgress, ArrowTiming};

use super::flow_list::badge_text;
use super::palette::{Palette, arrow_glyphs};

use super::paint::{self, Piece, fit, put, put_right, set_cell, width};

/// A flow's ladder diagram at one virtual instant.
#[derive(Clone, Copy, Debug)]
pub struct LadderView<'a> {
    flow: &'a Flow,
    timings: &'a [ArrowTiming],
    now_ns: i64,
    selected_event: Option<usize>,
    scroll: usize,
    palette: Palette,
}

impl<'a> LadderView<'a> {
    /// The ladder of `flow` with `timings` from [`anim::schedule`] (events without a timing
    /// are not drawn yet) at presentation time `now_ns`.
    pub fn new(flow: &'a Flow, timings: &'a [ArrowTiming], now_ns: i64) -> LadderView<'a> {
        LadderView {
            flow,
            timings,
            now_ns,
            selected_event: None,
            scroll: 0,
            palette: Palette::default(),
        }
    }

    /// Highlights ladder event `index` (and keeps it in view).
    pub fn selected_event(mut self, index: Option<usize>) -> Self {
        self.selected_event = index;
        self
    }

    /// First ladder event to show when they do not all fit. Adjusted so that the selected
    /// event, or else the newest arrow that has started, stays in view.
    pub fn scroll(mut self, first_event: usize) -> Self {
        self.scroll = first_event;
        self
    }

    /// No colours (NO_COLOR): text, symbols and bold/dim/reversed only.
    pub fn monochrome(mut self, monochrome: bool) -> Self {
        self.palette.monochrome = monochrome;
        self
    }

    /// Draws in a theme's look (colour or not, contrast or not).
    pub fn theme(mut self, theme: super::theme::Theme) -> Self {
        self.palette = Palette::of(theme);
        self
    }

    fn progress(&self, index: usize) -> ArrowProgress {
        anim::progress_at(self.timings, index, self.now_ns)
    }

    /// Whether every arrow that decides the handshake's outcome has landed: all SYNs,
    /// SYN-ACKs and the handshake's ACK, and for a refused flow the reset.
    fn handshake_landed(&self) -> bool {
        let refused = self.flow.outcome() == Outcome::Refused;
        self.flow
            .ladder
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind.is_handshake() || (refused && e.kind == EventKind::Rst))
            .all(|(i, _)| self.progress(i).landed())
    }

    /// Whether the first ladder event of `kind` has landed (true when there is none).
    fn landed_kind(&self, kinds: &[EventKind]) -> bool {
        self.flow
            .ladder
            .iter()
            .position(|e| kinds.contains(&e.kind))
            .is_none_or(|i| self.progress(i).landed())
    }
}

/// Columns of the diagram.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    area: Rect,
    /// Width of each side's gutter (states, times).
    gutter: u16,
    client_x: u16,
    server_x: u16,
}

impl Geometry {
    fn new(area: Rect) -> Geometry {
        let w = area.width;
        let mut gutter = if w >= 110 {
            16
        } else if w >= 60 {
            13
        } else {
            w / 5
        };
        if w < gutter.saturating_mul(2).saturating_add(6) {
            gutter = w.saturating_sub(6) / 2;
        }
        let client_x = area.x.saturating_add(gutter);
        let server_x = area.right().saturating_sub(gutter).saturating_sub(1);
        Geometry {
            area,
            gutter,
            client_x,
            server_x,
        }
    }

    /// First and last column between the lifelines.
    fn span(&self) -> (u16, u16) {
        (
            self.client_x.saturating_add(1),
            self.server_x.saturating_sub(1),
        )
    }

    fn span_width(&self) -> usize {
        usize::from(
            self.server_x
                .saturating_sub(self.client_x)
                .saturating_sub(1),
        )
    }

    /// Room for text in a gutter (one column for the selection marker, one of air).
    fn gutter_text(&self) -> usize {
        usize::from(self.gutter.saturating_sub(2))
    }
}

/// `+40.112 ms`, shorter forms when it does not fit `max`.
fn offset_text(ns: i64, max: usize) -> String {
    let ms = ms_text(ns);
    let long = format!("+{ms} ms");
    if width(&long) <= max {
        return long;
    }
    let bare = format!("+{ms}");
    if width(&bare) <= max {
        return bare;
    }
    format!("+{}s", ms_text(ns / 1_000))
}

/// A state's name in `max` columns.
fn state_text(state: TcpState, max: usize) -> String {
    let name = state.name();
    if width(name) <= max {
        name.to_string()
    } else if state == TcpState::Reset && max >= 10 {
        "CLOSED/RST".to_string()
    } else {
        paint::truncate(name, max)
    }
}

/// Options as `mss 1460, wscale 7, sackOK, TS` (long) or `mss1460 ws7 sack TS` (short).
fn options_text(options: &TcpHandshakeOptions, short: bool) -> String {
    let mut parts = Vec::new();
    if let Some(mss) = options.mss {
        parts.push(if short {
            format!("mss{mss}")
        } else {
            format!("mss {mss}")
        });
    }
    if let Some(ws) = options.window_scale {
        parts.push(if short {
            format!("ws{ws}")
        } else {
            format!("wscale {ws}")
        });
    }
    if options.sack_permitted {
        parts.push(if short { "sack" } else { "sackOK" }.to_string());
    }
    if options.timestamps.is_some() {
        parts.push("TS".to_string());
    }
    if options.fast_open {
        parts.push("TFO".to_string());
    }
    if parts.is_empty() {
        return if short { "no opts" } else { "no options" }.to_string();
    }
    parts.join(if short { " " } else { ", " })
}

fn carries_handshake_options(event: &LadderEvent) -> bool {
    event.flags & tcp_flags::SYN != 0
}

/// The main label: flags, retransmission mark, relative and raw seq/ack, length.
fn main_pieces(event: &LadderEvent) -> Vec<Piece> {
    let mut pieces = vec![Piece::new(event.flags_text(), 0)];
    if event.kind.is_retransmission() {
        pieces.push(
            Piece::new("(retransmission)", 1)
                .short("(retx)")
                .shorten_at(5),
        );
    }
    pieces.push(Piece::new(format!("seq={}", event.rel_seq), 2));
    pieces.push(Piece::new(format!("(raw {})", event.seq), 6));
    if event.flags & tcp_flags::ACK != 0 {
        let rel = event
            .rel_ack
            .map_or_else(|| event.ack.to_string(), |a| a.to_string());
        pieces.push(Piece::new(format!("ack={rel}"), 3));
        pieces.push(Piece::new(format!("(raw {})", event.ack), 7));
    }
    if event.payload_len > 0 {
        pieces.push(Piece::new(format!("len={}", event.payload_len), 4));
    }
    pieces
}

/// The detail label: the options of a SYN / SYN-ACK, else window and length.
fn detail_pieces(event: &LadderEvent) -> Vec<Piece> {
    let mut pieces = Vec::new();
    if carries_handshake_options(event) {
        pieces.push(
            Piece::new(options_text(&event.options, false), 1)
                .short(options_text(&event.options, true)),
        );
    }
    pieces.push(Piece::new(format!("win={}", event.window), 3));
    pieces
}

/// One footer line: text pieces with their styles.
struct FooterLine {
    /// The first piece names the line (`RTT`, `client options`) and is followed by a space
    /// rather than a separator dot.
    label: bool,
    pieces: Vec<(Piece, Style)>,
}

impl LadderView<'_> {
    /// Whether the flow is a simultaneous open (two peers, no client or server).
    fn simultaneous(&self) -> bool {
        self.flow.outcome() == Outcome::SimultaneousOpen
    }

    fn badge_line(&self) -> FooterLine {
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
        if f.synack_not_captured {
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

    fn rtt_line(&self) -> FooterLine {
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
            let initial = value(f.rtt.initial_ns, ack_landed);
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
        let server = value(f.rtt.server_ns, self.landed_kind(answer_kinds));
        let ack_landed = self.landed_kind(&[EventKind::HandshakeAck]);
        let client = value(f.rtt.client_ns, ack_landed);
        let initial = value(f.rtt.initial_ns, ack_landed);
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

    fn options_lines(&self, merged: bool) -> Vec<FooterLine> {
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
        let (client, server) = (f.client_options.as_ref(), f.server_options.as_ref());
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

    fn draw_footer_line(&self, buf: &mut Buffer, area: Rect, y: u16, line: &FooterLine) {
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

    fn draw_header(&self, buf: &mut Buffer, geo: &Geometry, y: u16) {
        let area = geo.area;
        let w = usize::from(area.width);
        let client = endpoint_text(self.flow.client);
        let server = endpoint_text(self.flow.server);
        // In a simultaneous open neither side is a client or a server: both sent a SYN.
        let names: &[(&str, &str)] = if self.simultaneous() {
            &[
                ("peer A (first SYN) ", "peer B "),
                ("peer A ", "peer B "),
                ("", ""),
            ]
        } else {
            &[("client ", "server "), ("", "")]
        };
        let candidates = names
            .iter()
            .map(|(l, r)| (format!("{l}{client}"), format!("{r}{server}")));
        let mut last = (client.clone(), server.clone());
        for candidate in candidates {
            last = candidate;
            if width(&last.0) + width(&last.1) < w {
                break;
            }
        }
        let (mut left, mut right) = last;
        let half = w.saturating_sub(1) / 2;
        if width(&left) + width(&right) + 1 > w {
            left = paint::truncate_left(&left, half);
            right = paint::truncate_left(&right, half);
        }
        let style = self.palette.endpoint();
        put(buf, area, area.x, y, &left, w, style);
        put_right(buf, area, area.right(), y, &right, w, style);
    }

    fn draw_lifelines(&self, buf: &mut Buffer, geo: &Geometry, top: u16, bottom: u16) {
        let style = self.palette.lifeline();
        for y in top..bottom {
            set_cell(buf, geo.area, geo.client_x, y, "│", style);
            set_cell(buf, geo.area, geo.server_x, y, "│", style);
        }
    }

    /// States beside the lifelines on row `y`.
    fn draw_states(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        y: u16,
        client: Option<TcpState>,
        server: Option<TcpState>,
    ) {
        let max = geo.gutter_text();
        if let Some(state) = client {
            let text = state_text(state, max);
            put_right(
                buf,
                geo.area,
                geo.client_x.saturating_sub(1),
                y,
                &text,
                max,
                self.palette.state(state),
            );
        }
        if let Some(state) = server {
            let text = state_text(state, max);
            put(
                buf,
                geo.area,
                geo.server_x.saturating_add(2),
                y,
                &text,
                max,
                self.palette.state(state),
            );
        }
    }

    /// The row above the first drawn event: initial states, or where a scrolled view starts.
    fn draw_top_row(&self, buf: &mut Buffer, geo: &Geometry, y: u16, first: usize) {
        let (mut client, mut server) = anim::initial_states(self.flow);
        for (index, event) in self.flow.ladder.iter().enumerate().take(first) {
            let (c, s) = anim::event_states(self.flow, event, self.progress(index));
            client = c.unwrap_or(client);
            server = s.unwrap_or(server);
        }
        self.draw_states(buf, geo, y, Some(client), Some(server));
        let (a, _) = geo.span();
        let span = geo.span_width();
        let message = if first > 0 {
            let s = if first == 1 { "" } else { "s" };
            Some(format!("↑ {first} earlier segment{s}"))
        } else if !self.flow.opened_with_syn {
            Some(paint::fit_text(
                &[
                    Piece::new("no handshake captured", 0),
                    Piece::new("(the capture began mid-stream)", 1).short("(mid-stream)"),
                ],
                span.saturating_sub(2),
                " ",
            ))
        } else {
            None
        };
        if let Some(message) = message {
            let x = a.saturating_add(1);
            put(
                buf,
                geo.area,
                x,
                y,
                &message,
                span.saturating_sub(2),
                self.palette.dim(),
            );
        }
    }

    /// Draws event `index` in rows `top .. top + rows` (the last row is the arrow; with 4
    /// rows the first one stays blank).
    fn draw_event(&self, buf: &mut Buffer, geo: &Geometry, top: u16, rows: u16, index: usize) {
        let (top, rows) = if rows > 3 {
            (top.saturating_add(rows - 3), 3)
        } else {
            (top, rows)
        };
        let Some(event) = self.flow.ladder.get(index) else {
            return;
        };
        let area = geo.area;
        let p = self.palette;
        let selected = self.selected_event == Some(index);
        let arrow_y = top.saturating_add(rows.saturating_sub(1));
        if selected {
            set_cell(buf, area, area.x, top, "▸", p.selected());
            if arrow_y != top {
                set_cell(buf, area, area.x, arrow_y, "▸", p.selected());
            }
        }
        let progress = self.progress(index);
        if !progress.started() {
            return;
        }
        let mut style = match progress {
            ArrowProgress::InFlight(_) => p.arrow_in_flight(event.kind),
            _ => p.arrow(event.kind),
        };
        if selected {
            style = style.patch(p.selected());
        }
        let gutter = geo.gutter_text();
        // Time since the flow's first packet (its SYN, when the handshake was captured).
        let offset = offset_text(event.ts_ns.saturating_sub(self.flow.first_ts_ns), gutter);
        let span = geo.span_width().saturating_sub(2);
        let gutter_x = geo.client_x.saturating_sub(1);

        if rows >= 2 {
            put_right(buf, area, gutter_x, top, &offset, gutter, p.dim());
            let mut pieces = main_pieces(event);
            if rows == 2 && carries_handshake_options(event) {
                pieces.push(
                    Piece::new(options_text(&event.options, false), 5)
                        .short(options_text(&event.options, true))
                        .shorten_at(8),
                );
            }
            let label = paint::fit_text(&pieces, span, " ");
            self.draw_label(buf, geo, top, event.direction, &label, style);
        }
        if rows >= 3 {
            let row = top.saturating_add(1);
            let frame = format!("pkt {}", event.packet_no);
            put_right(buf, area, gutter_x, row, &frame, gutter, p.dim());
            let detail = paint::fit_text(&detail_pieces(event), span, "  ");
            self.draw_label(buf, geo, row, event.direction, &detail, style);
        }
        let embedded = if rows == 1 {
            Some(paint::fit_text(
                &main_pieces(event),
                span.saturating_sub(2),
                " ",
            ))
        } else {
            None
        };
        self.draw_arrow(
            buf,
            geo,
            arrow_y,
            event,
            progress,
            style,
            embedded.as_deref(),
        );
        let (client, server) = anim::event_states(self.flow, event, progress);
        self.draw_states(buf, geo, arrow_y, client, server);
    }

    /// A label between the lifelines: left-aligned under the client for client→server
    /// segments, right-aligned under the server for the other way.
    fn draw_label(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        y: u16,
        direction: Direction,
        text: &str,
        style: Style,
    ) {
        let (a, b) = geo.span();
        let max = geo.span_width().saturating_sub(2);
        match direction {
            Direction::ClientToServer => {
                put(buf, geo.area, a.saturating_add(1), y, text, max, style);
            }
            Direction::ServerToClient => {
                put_right(buf, geo.area, b, y, text, max, style);
            }
        }
    }

    /// The arrow row: shaft from the sender's lifeline to the head, which stands at the
    /// receiver once landed. `embedded` text is written over the drawn part of the shaft.
    #[allow(clippy::too_many_arguments)]
    fn draw_arrow(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        y: u16,
        event: &LadderEvent,
        progress: ArrowProgress,
        style: Style,
        embedded: Option<&str>,
    ) {
        let area = geo.area;
        let (a, b) = geo.span();
        if b < a {
            return;
        }
        let cells = b - a;
        let fraction = match progress {
            ArrowProgress::NotStarted => return,
            ArrowProgress::InFlight(f) => f.clamp(0.0, 1.0),
            ArrowProgress::Landed => 1.0,
        };
        let advance = to_u16((f32::from(cells) * fraction).round() as usize).min(cells);
        let glyphs = arrow_glyphs(event.kind);
        let to_server = event.direction == Direction::ClientToServer;
        let (sender_x, head_x, head) = if to_server {
            (geo.client_x, a + advance, glyphs.head_right)
        } else {
            (geo.server_x, b - advance, glyphs.head_left)
        };
        let line = self.palette.lifeline();
        set_cell(
            buf,
            area,
            sender_x,
            y,
            if to_server { "├" } else { "┤" },
            line,
        );
        let (from, to) = if to_server {
            (a, head_x)
        } else {
            (head_x.saturating_add(1), b.saturating_add(1))
        };
        for x in from..to {
            set_cell(buf, area, x, y, glyphs.shaft, style);
        }
        set_cell(buf, area, head_x, y, head, style);
        // An embedded label shows once the drawn shaft can hold all of it.
        let room = to.saturating_sub(from).saturating_sub(1);
        let embedded = embedded.filter(|t| usize::from(room) >= width(t) + 3);
        if let Some(text) = embedded {
            let label = format!(" {text} ");
            let label_w = to_u16(width(&label));
            let start = if to_server {
                a.saturating_add(1)
            } else {
                b.saturating_sub(label_w)
            };
            for (i, c) in label.chars().enumerate() {
                let x = start.saturating_add(to_u16(i));
                let mut tmp = [0; 4];
                let symbol = c.encode_utf8(&mut tmp);
                if width(symbol) == 1 && x >= from && x < to && x != head_x {
                    set_cell(buf, area, x, y, symbol, style);
                }
            }
        }
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

impl Widget for LadderView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        (&self).render(area, buf);
    }
}

impl Widget for &LadderView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.width == 0 || area.height == 0 {
            return;
        }
        if area.width < 24 || area.height < 4 {
            // Too small for a diagram: say what the flow is and how to see more.
            let outcome = self.flow.outcome();
            let text = badge_text(self.flow, false);
            let w = usize::from(area.width);
            put(
                buf,
                area,
                area.x,
                area.y,
                &text,
                w,
                self.palette.outcome(outcome),
            );
            let y = area.y.saturating_add(1);
            put(
                buf,
                area,
                area.x,
                y,
                "enlarge for the ladder",
                w,
                self.palette.dim(),
            );
            return;
        }
        let geo = Geometry::new(area);
        let n = self.flow.ladder.len();

        // Rows: header, top states row, events, footer (options lines go first when short).
        let avail = area.height.saturating_sub(2);
        let min_event_rows = to_u16(n.max(1)).min(avail);
        let mut footer = vec![self.badge_line(), self.rtt_line()];
        let spare = avail.saturating_sub(min_event_rows);
        let full_options = self.options_lines(false);
        if usize::from(spare) >= footer.len() + full_options.len() {
            footer.extend(full_options);
        } else {
            footer.extend(self.options_lines(true));
        }
        let footer_rows = to_u16(footer.len()).min(spare.max(1)).min(avail);
        footer.truncate(usize::from(footer_rows));
        let event_rows = avail.saturating_sub(footer_rows);

        let n16 = to_u16(n);
        // 4 rows: a blank row between events, when the screen is roomy.
        let rows_per_event: u16 = if n16.saturating_mul(4) <= event_rows && area.width >= 60 {
            4
        } else if n16.saturating_mul(3) <= event_rows && area.width >= 60 {
            3
        } else if n16.saturating_mul(2) <= event_rows {
            2
        } else {
            1
        };
        let fits_all = n16.saturating_mul(rows_per_event) <= event_rows;
        // One row for the "more below" hint when clipped.
        let usable = if fits_all {
            event_rows
        } else {
            event_rows.saturating_sub(1)
        };
        let visible = usize::from((usable / rows_per_event).max(1)).min(n.max(1));

        let first = if fits_all {
            0
        } else {
            let focus = self
                .selected_event
                .filter(|&s| s < n)
                .or_else(|| (0..n).rev().find(|&i| self.progress(i).started()));
            let mut first = self.scroll.min(n.saturating_sub(visible));
            if let Some(focus) = focus {
                if focus < first {
                    first = focus;
                } else if focus >= first + visible {
                    first = focus + 1 - visible;
                }
            }
            first
        };

        let header_y = area.y;
        let top_y = area.y.saturating_add(1);
        let events_y = area.y.saturating_add(2);
        let used_rows = if fits_all {
            n16.saturating_mul(rows_per_event).max(u16::from(n == 0))
        } else {
            event_rows
        };
        let events_end = events_y.saturating_add(used_rows);
        self.draw_header(buf, &geo, header_y);
        self.draw_lifelines(buf, &geo, top_y, events_end);
        self.draw_top_row(buf, &geo, top_y, first);

        if n == 0 {
            let (a, _) = geo.span();
            let message = if self.flow.opened_with_syn {
                "no handshake segments kept"
            } else {
                "no handshake or teardown segments seen"
            };
            put(
                buf,
                area,
                a.saturating_add(1),
                events_y,
                message,
                geo.span_width().saturating_sub(2),
                self.palette.dim(),
            );
        }
        for (slot, index) in (first..n).take(visible).enumerate() {
            let top = events_y.saturating_add(to_u16(slot).saturating_mul(rows_per_event));
            self.draw_event(buf, &geo, top, rows_per_event, index);
        }
        let hidden_below = n.saturating_sub(first + visible);
        if !fits_all && hidden_below > 0 {
            let y = events_end.saturating_sub(1);
            let (a, _) = geo.span();
            let s = if hidden_below == 1 { "" } else { "s" };
            put(
                buf,
                area,
                a.saturating_add(1),
                y,
                &format!("↓ {hidden_below} more segment{s}"),
                geo.span_width().saturating_sub(2),
                self.palette.dim(),
            );
        }

        // The footer follows the diagram after one blank row when there is room.
        let room_after = area.bottom().saturating_sub(events_end);
        let gap = u16::from(room_after > footer_rows);
        let footer_y = events_end.saturating_add(gap);
        for (i, line) in footer.iter().enumerate() {
            let y = footer_y.saturating_add(to_u16(i));
            self.draw_footer_line(buf, area, y, line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::paint::*;

    #[test]
    fn fit_drops_highest_priority_first_and_shortens_before_dropping() {
        let pieces = [
            Piece::new("SYN", 0),
            Piece::new("(retransmission)", 1)
                .short("(retx)")
                .shorten_at(5),
            Piece::new("seq=0", 2),
            Piece::new("(raw 1782953582)", 6),
        ];
        assert_eq!(
            fit_text(&pieces, 80, " "),
            "SYN (retransmission) seq=0 (raw 1782953582)"
        );
        assert_eq!(fit_text(&pieces, 30, " "), "SYN (retransmission) seq=0");
        assert_eq!(fit_text(&pieces, 16, " "), "SYN (retx) seq=0");
        assert_eq!(fit_text(&pieces, 10, " "), "SYN (retx)");
        // Priority-0 pieces stay even when nothing fits (the writer truncates them).
        assert_eq!(fit_text(&pieces, 1, " "), "SYN");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("ESTABLISHED", 20), "ESTABLISHED");
        assert_eq!(truncate("ESTABLISHED", 6), "ESTAB…");
        assert_eq!(truncate("ESTABLISHED", 0), "");
        assert_eq!(truncate_left("192.0.2.10:51234", 10), "….10:51234");
        assert_eq!(truncate_left("ab", 2), "ab");
    }

    #[test]
    fn offsets_and_states_shrink_to_fit() {
        assert_eq!(offset_text(40_112_000, 11), "+40.112 ms");
        assert_eq!(offset_text(1_234_567_000, 11), "+1234.567");
        assert_eq!(offset_text(123_456_789_000, 11), "+123456.789");
        assert_eq!(offset_text(123_456_789_000, 10), "+123.457s");
        assert_eq!(state_text(TcpState::Reset, 14), "CLOSED (reset)");
        assert_eq!(state_text(TcpState::Reset, 11), "CLOSED/RST");
        assert_eq!(state_text(TcpState::Established, 11), "ESTABLISHED");
    }

    #[test]
    fn options_long_and_short() {
        let o = TcpHandshakeOptions {
            mss: Some(1460),
            window_scale: Some(7),
            sack_permitted: true,
            timestamps: Some((1, 0)),
            fast_open: false,
        };
        assert_eq!(options_text(&o, false), "mss 1460, wscale 7, sackOK, TS");
        assert_eq!(options_text(&o, true), "mss1460 ws7 sack TS");
        assert_eq!(
            options_text(&TcpHandshakeOptions::default(), false),
            "no options"
        );
    }
}
