//! Drawing the ladder's parts into a buffer: the endpoint header, the lifelines, the states
//! beside them, each arrow (shaft, head, embedded or stacked labels, selection marker) and the
//! row above the first arrow. Positions come from `geometry`, words from `labels`.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::flow::{Direction, EventKind, Outcome, TcpState};
use crate::model::endpoint_text;
use crate::teach::anim::{self, ArrowProgress};
use crate::ui::paint::{self, Piece, put, put_right, set_cell, width};
use crate::ui::palette::{ArrowGlyphs, arrow_glyphs};

use super::LadderView;
use super::geometry::{Geometry, to_u16};
use super::labels::{
    carries_handshake_options, detail_pieces, main_pieces, offset_text, options_text, state_text,
};

/// Cells an arrow that stops short leaves before the other lifeline.
const SHORT_GAP: u16 = 4;

/// How one arrow is drawn.
#[derive(Clone, Copy, Debug)]
pub(super) struct Arrow {
    pub(super) direction: Direction,
    pub(super) glyphs: ArrowGlyphs,
    pub(super) progress: ArrowProgress,
    pub(super) style: Style,
    /// Never reaches the receiver (an unanswered SYN).
    pub(super) stop_short: bool,
}

impl LadderView<'_> {
    pub(super) fn draw_header(&self, buf: &mut Buffer, geo: &Geometry, y: u16) {
        let area = geo.area;
        let w = usize::from(area.width);
        let client = endpoint_text(self.flow.client());
        let server = endpoint_text(self.flow.server());
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

    pub(super) fn draw_lifelines(&self, buf: &mut Buffer, geo: &Geometry, top: u16, bottom: u16) {
        let style = self.palette.lifeline();
        for y in top..bottom {
            set_cell(buf, geo.area, geo.client_x, y, "│", style);
            set_cell(buf, geo.area, geo.server_x, y, "│", style);
        }
    }

    /// States beside the lifelines on row `y`.
    pub(super) fn draw_states(
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
    /// `first` rows are scrolled away, `events_before` of them ladder events.
    pub(super) fn draw_top_row(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        y: u16,
        first: usize,
        events_before: usize,
    ) {
        let (mut client, mut server) = anim::initial_states(self.flow);
        for (index, event) in self.flow.ladder.iter().enumerate().take(events_before) {
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
    pub(super) fn draw_event(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        top: u16,
        rows: u16,
        index: usize,
        selected: bool,
    ) {
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
            let detail = paint::fit_text(&detail_pieces(self.flow, event), span, "  ");
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
        // An unanswered SYN stops short of the host that never answered.
        let stop_short = self.flow.outcome() == Outcome::NoResponse
            && matches!(event.kind, EventKind::Syn | EventKind::SynRetransmit);
        let arrow = Arrow {
            direction: event.direction,
            glyphs: arrow_glyphs(event.kind),
            progress,
            style,
            stop_short,
        };
        self.draw_arrow(buf, geo, arrow_y, &arrow, embedded.as_deref());
        let (client, server) = anim::event_states(self.flow, event, progress);
        self.draw_states(buf, geo, arrow_y, client, server);
    }

    /// A label between the lifelines: left-aligned under the client for client→server
    /// segments, right-aligned under the server for the other way.
    pub(super) fn draw_label(
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
    /// receiver once landed (a few cells before it when the arrow stops short).
    /// `embedded` text is written over the drawn part of the shaft.
    pub(super) fn draw_arrow(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        y: u16,
        arrow: &Arrow,
        embedded: Option<&str>,
    ) {
        let (progress, style, glyphs) = (arrow.progress, arrow.style, arrow.glyphs);
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
        let reach = if arrow.stop_short {
            cells.saturating_sub(SHORT_GAP)
        } else {
            cells
        };
        let advance = to_u16((f32::from(reach) * fraction).round() as usize).min(reach);
        let to_server = arrow.direction == Direction::ClientToServer;
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
