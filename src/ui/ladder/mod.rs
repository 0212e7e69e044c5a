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

//!
//! Given the connection's other segments ([`LadderView::segments`]), the ladder goes on after
//! the handshake: data and ACK arrows, analysis events drawn distinctly, routine runs collapsed.
//!
//! Files: `rows` (the pure row model: which arrows exist), `geometry` (columns), `labels` (the
//! words on arrows), `draw` (arrows, lifelines, states), `segments` (data rows and collapsed
//! runs), `footer` (the narration under the diagram).

mod draw;
mod footer;
mod geometry;
mod labels;
pub mod rows;
mod segments;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use crate::flow::{EventKind, Flow, Outcome};
use crate::teach::anim::{self, ArrowProgress, ArrowTiming};

use super::flow_list::badge_text;
use super::paint::put;
use super::palette::Palette;

use geometry::{Geometry, to_u16};

/// A flow's ladder diagram at one virtual instant.
#[derive(Clone, Copy, Debug)]
pub struct LadderView<'a> {
    pub(super) flow: &'a Flow,
    timings: &'a [ArrowTiming],
    now_ns: i64,
    pub(super) selected_event: Option<usize>,
    scroll: usize,
    pub(super) palette: Palette,
    segments: &'a [rows::Segment],
    expanded: &'a [u64],
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
            segments: &[],
            expanded: &[],
        }
    }

    /// The connection's segments (capture order) for the whole-connection ladder; without
    /// them only the handshake and teardown are drawn.
    pub fn segments(mut self, segments: &'a [rows::Segment]) -> Self {
        self.segments = segments;
        self
    }

    /// Collapsed runs shown expanded, by their first packet number.
    pub fn expanded(mut self, first_packets: &'a [u64]) -> Self {
        self.expanded = first_packets;
        self
    }

    /// The rows drawn: see [`rows::rows`].
    pub fn rows(&self) -> Vec<rows::Row> {
        rows::rows(self.flow, self.segments, &|no| self.expanded.contains(&no))
    }

    /// Whether row `row` has started (a ladder event animates; other rows are there).
    fn row_started(&self, row: &rows::Row) -> bool {
        match row {
            rows::Row::Event(i) => self.progress(*i).started(),
            _ => true,
        }
    }

    /// Highlights row `index` (a ladder event when no segments are given) and keeps it in
    /// view.
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

    pub(super) fn progress(&self, index: usize) -> ArrowProgress {
        anim::progress_at(self.timings, index, self.now_ns)
    }

    /// Whether every arrow that decides the handshake's outcome has landed: all SYNs,
    /// SYN-ACKs and the handshake's ACK, and for a refused flow the reset.
    pub(super) fn handshake_landed(&self) -> bool {
        let refused = self.flow.outcome() == Outcome::Refused;
        self.flow
            .ladder
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind.is_handshake() || (refused && e.kind == EventKind::Rst))
            .all(|(i, _)| self.progress(i).landed())
    }

    /// Whether the first ladder event of `kind` has landed (true when there is none).
    pub(super) fn landed_kind(&self, kinds: &[EventKind]) -> bool {
        self.flow
            .ladder
            .iter()
            .position(|e| kinds.contains(&e.kind))
            .is_none_or(|i| self.progress(i).landed())
    }
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
        let rows = self.rows();
        let n = rows.len();
        // Data rows wait for the ladder events before them to land (the animation tells the
        // connection in order).
        let gate = rows
            .iter()
            .position(|r| matches!(r, rows::Row::Event(i) if !self.progress(*i).landed()))
            .unwrap_or(n);
        let shown = |i: usize, r: &rows::Row| matches!(r, rows::Row::Event(_)) || i < gate;

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
            let focus = self.selected_event.filter(|&s| s < n).or_else(|| {
                (0..n).rev().find(|&i| {
                    rows.get(i)
                        .is_some_and(|r| shown(i, r) && self.row_started(r))
                })
            });
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
        let events_before = rows
            .iter()
            .take(first)
            .filter(|r| matches!(r, rows::Row::Event(_)))
            .count();
        self.draw_top_row(buf, &geo, top_y, first, events_before);

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
            let selected = self.selected_event == Some(index);
            match rows.get(index) {
                Some(rows::Row::Event(i)) => {
                    self.draw_event(buf, &geo, top, rows_per_event, *i, selected);
                }
                Some(r) if !shown(index, r) => {}
                Some(rows::Row::Segment(seg)) => {
                    self.draw_segment(buf, &geo, top, rows_per_event, seg, selected);
                }
                Some(rows::Row::Run(run)) => {
                    self.draw_run(buf, &geo, top, rows_per_event, run, selected);
                }
                None => {}
            }
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
