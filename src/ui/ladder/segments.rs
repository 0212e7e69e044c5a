//! Drawing the whole connection's rows that are not handshake or teardown events: one arrow
//! per data or ACK segment (byte range, length, ack, window), analysis events marked by their
//! severity's symbol and colour and retransmissions dashed, a zero window written on the
//! column of the host that advertised it, and collapsed runs as one dotted row.

use ratatui::buffer::Buffer;

use crate::flow::Severity;
use crate::teach::anim::ArrowProgress;
use crate::ui::paint::{self, Piece, put, put_right, set_cell};
use crate::ui::palette::ArrowGlyphs;

use super::LadderView;
use super::draw::Arrow;
use super::geometry::Geometry;
use super::labels::{offset_text, window_piece_of};
use super::rows::{Run, Segment};
use crate::flow::Verdicts;

/// Glyphs of a segment's arrow: dashed for a retransmission, dotted for out-of-order or a
/// segment after a gap, double for a duplicate ACK, solid otherwise (readable without colour).
fn segment_glyphs(seg: &Segment) -> ArrowGlyphs {
    let v = seg.analysis.verdicts;
    let shaft = if seg.is_retransmission() {
        "╌"
    } else if v.contains(Verdicts::OUT_OF_ORDER) || v.contains(Verdicts::LOST_SEGMENT) {
        "┈"
    } else if v.contains(Verdicts::DUPLICATE_ACK) {
        "═"
    } else {
        "─"
    };
    ArrowGlyphs {
        shaft,
        head_right: "▶",
        head_left: "◀",
    }
}

/// The label pieces of a segment: the verdicts with their symbol first (they matter most),
/// then flags, byte range, length and ack.
fn segment_pieces(seg: &Segment) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let words = seg.verdict_words();
    if let (Some(sev), Some(first)) = (seg.severity(), words.first()) {
        let sym = sev.symbol();
        pieces.push(
            Piece::new(format!("{sym} {}", words.join(", ")), 0).short(format!("{sym} {first}")),
        );
    }
    pieces.push(Piece::new(seg.text(), 1).short(seg.short_text()));
    pieces
}

impl LadderView<'_> {
    /// Draws segment `seg` in rows `top .. top + rows` like an event (labels above, arrow on
    /// the last row), without state changes.
    pub(super) fn draw_segment(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        top: u16,
        rows: u16,
        seg: &Segment,
        selected: bool,
    ) {
        let (top, rows) = if rows > 3 {
            (top.saturating_add(rows - 3), 3)
        } else {
            (top, rows)
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
        let sev = seg.severity();
        let mut style = sev.map_or_else(|| p.text(), |s| p.severity(s));
        if selected {
            style = style.patch(p.selected());
        }
        let gutter = geo.gutter_text();
        let span = geo.span_width().saturating_sub(2);
        let gutter_x = geo.client_x.saturating_sub(1);
        let direction = seg.direction();
        if rows >= 2 {
            let offset = offset_text(seg.ts_ns.saturating_sub(self.flow.first_ts_ns), gutter);
            put_right(buf, area, gutter_x, top, &offset, gutter, p.dim());
            let label = paint::fit_text(&segment_pieces(seg), span, " ");
            self.draw_label(buf, geo, top, direction, &label, style);
        }
        if rows >= 3 {
            let row = top.saturating_add(1);
            let frame = format!("pkt {}", seg.packet_no);
            put_right(buf, area, gutter_x, row, &frame, gutter, p.dim());
            let window = window_piece_of(self.flow, direction, seg.window, seg.flags);
            let detail = paint::fit_text(&[window], span, "  ");
            self.draw_label(buf, geo, row, direction, &detail, style);
        }
        // The arrow holds an embedded label up to its length less the head and two spaces.
        let embedded =
            (rows == 1).then(|| paint::fit_text(&segment_pieces(seg), span.saturating_sub(3), " "));
        let arrow = Arrow {
            direction,
            glyphs: segment_glyphs(seg),
            progress: ArrowProgress::Landed,
            style,
            stop_short: false,
        };
        self.draw_arrow(buf, geo, arrow_y, &arrow, embedded.as_deref());
        // A zero window is the receiver's news: written beside the host that advertised it.
        if seg.analysis.verdicts.contains(Verdicts::ZERO_WINDOW) {
            let text = format!("{} win 0", Severity::Warning.symbol());
            let warn = p.severity(Severity::Warning);
            if seg.to_server {
                put_right(buf, area, gutter_x, arrow_y, &text, gutter, warn);
            } else {
                let x = geo.server_x.saturating_add(2);
                put(buf, area, x, arrow_y, &text, gutter, warn);
            }
        }
    }

    /// Draws a collapsed run on the last of its rows: a dotted row between the lifelines
    /// saying what it holds, its first time offset in the gutter.
    pub(super) fn draw_run(
        &self,
        buf: &mut Buffer,
        geo: &Geometry,
        top: u16,
        rows: u16,
        run: &Run,
        selected: bool,
    ) {
        let area = geo.area;
        let p = self.palette;
        let y = top.saturating_add(rows.saturating_sub(1));
        let mut style = p.dim();
        if selected {
            set_cell(buf, area, area.x, y, "▸", p.selected());
            style = p.text().patch(p.selected());
        }
        let gutter = geo.gutter_text();
        let offset = offset_text(
            run.first_ts_ns.saturating_sub(self.flow.first_ts_ns),
            gutter,
        );
        put_right(
            buf,
            area,
            geo.client_x.saturating_sub(1),
            y,
            &offset,
            gutter,
            p.dim(),
        );
        let span = geo.span_width().saturating_sub(2);
        let long = run.text(false);
        let text = if paint::width(&long) <= span {
            long
        } else {
            run.text(true)
        };
        let (a, _) = geo.span();
        put(buf, area, a.saturating_add(1), y, &text, span, style);
    }
}
