//! The flows list as a pure ratatui widget ([`FlowListView`]): one row per TCP connection with
//! its number, client, server, handshake outcome badge (symbol + label + colour, so it reads
//! without colour), initial RTT, packets, bytes, duration, Zeek history and the progress of its
//! ladder animation (`S→ ←SA A→`, the arrow in flight drawn as `›`/`‹`). Columns are dropped
//! least important first when the terminal is narrow. The sort keys and [`sort_flows`] live in
//! `app::flow_sort` (the app orders the list) and are re-exported here. The app passes only the
//! visible slice of flows, so drawing is bounded. Depends on ratatui, `anim`, `flow`, `model`,
//! `app::flow_sort` and the sibling `palette` / `ladder` modules.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

pub use crate::app::flow_sort::{SortKey, list_rtt_ns, sort_flows};
use crate::flow::{Direction, EventKind, Flow, Outcome, ms_text, seconds_text};
use crate::model::endpoint_text;
use crate::teach::anim::FlowProgress;

use super::paint::{put, set_cell, truncate, truncate_left, width};
use super::palette::Palette;

/// Counts as `1234`, `12.3k`, `4.5M`, `1.2G`.
pub fn compact_count(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")];
    if n < 10_000 {
        return n.to_string();
    }
    for (scale, unit) in UNITS {
        if n >= scale {
            return format!("{}.{}{unit}", n / scale, (n % scale) / (scale / 10));
        }
    }
    n.to_string()
}

/// The outcome badge's text: symbol and label (`✔ complete`), the short label on narrow
/// screens. While the capture runs, a handshake still waiting for its answer or its final ACK
/// says so (`… no answer yet`, `◐ no ACK yet`) instead of a verdict it has not earned.
pub fn badge_text(flow: &Flow, short: bool) -> String {
    let o = flow.outcome();
    let label = match (o, flow.outcome_settled(), short) {
        (Outcome::NoResponse, false, false) => "no answer yet",
        (Outcome::NoResponse, false, true) => "no ans.",
        (Outcome::Incomplete, false, false) => "no ACK yet",
        (Outcome::Incomplete, false, true) => "no ACK",
        (_, _, true) => short_label(o),
        (_, _, false) => o.label(),
    };
    format!("{} {label}", o.symbol())
}

/// Short outcome label for narrow screens (the symbol keeps them apart).
fn short_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Complete => "complete",
        Outcome::Refused => "refused",
        Outcome::NoResponse => "no resp.",
        Outcome::Incomplete => "incompl.",
        Outcome::SimultaneousOpen => "simult.",
        Outcome::Midstream => "mid-strm",
    }
}

/// How an arrow glyph in the list is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GlyphState {
    Landed,
    InFlight,
}

/// Arrows shown from the start of a flow's ladder (its handshake); after them only the
/// latest started arrow, behind a `…`.
const HEAD_GLYPHS: usize = 3;

/// The started arrows of a flow as short glyphs (`S→`, `←SA`, in flight `S›`, `‹SA`): the
/// first [`HEAD_GLYPHS`] (the handshake), then `…` and the latest one when there are more.
fn arrow_glyphs(
    flow: &Flow,
    progress: &FlowProgress,
) -> Vec<(String, Option<EventKind>, GlyphState)> {
    let started = progress.started().min(flow.ladder.len());
    let mut out = Vec::new();
    for (index, event) in flow.ladder.iter().enumerate().take(started) {
        let is_last = index + 1 == started;
        if index >= HEAD_GLYPHS && !is_last {
            if index == HEAD_GLYPHS {
                out.push(("…".to_string(), None, GlyphState::Landed));
            }
            continue;
        }
        let in_flight = progress.in_flight.is_some_and(|f| f.index == index);
        let abbrev = match event.kind {
            EventKind::Syn | EventKind::SynRetransmit => "S",
            EventKind::SynAck | EventKind::SynAckRetransmit => "SA",
            EventKind::HandshakeAck | EventKind::FinAck => "A",
            EventKind::Fin => "F",
            EventKind::Rst => "R",
        };
        let text = match (event.direction, in_flight) {
            (Direction::ClientToServer, false) => format!("{abbrev}→"),
            (Direction::ClientToServer, true) => format!("{abbrev}›"),
            (Direction::ServerToClient, false) => format!("←{abbrev}"),
            (Direction::ServerToClient, true) => format!("‹{abbrev}"),
        };
        let state = if in_flight {
            GlyphState::InFlight
        } else {
            GlyphState::Landed
        };
        out.push((text, Some(event.kind), state));
    }
    if out.is_empty() {
        let waiting = progress.total > progress.landed;
        out.push((
            if waiting { "·" } else { "-" }.to_string(),
            None,
            GlyphState::Landed,
        ));
    }
    out
}

fn glyphs_width(glyphs: &[(String, Option<EventKind>, GlyphState)]) -> usize {
    glyphs.iter().map(|(t, _, _)| width(t)).sum::<usize>() + glyphs.len().saturating_sub(1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Id,
    Client,
    Server,
    Handshake,
    Health,
    Rtt,
    Packets,
    Bytes,
    Duration,
    History,
    Arrows,
}

const COLUMNS: [Col; 11] = [
    Col::Id,
    Col::Client,
    Col::Server,
    Col::Handshake,
    Col::Health,
    Col::Rtt,
    Col::Packets,
    Col::Bytes,
    Col::Duration,
    Col::History,
    Col::Arrows,
];

/// Dropped first to last when the row does not fit.
const DROP_ORDER: [Col; 3] = [Col::History, Col::Duration, Col::Bytes];
const DROP_LATER: [Col; 4] = [Col::Packets, Col::Health, Col::Arrows, Col::Rtt];

impl Col {
    fn title(self) -> &'static str {
        match self {
            Self::Id => "#",
            Self::Client => "client",
            Self::Server => "server",
            Self::Handshake => "handshake",
            Self::Health => "health",
            Self::Rtt => "RTT ms",
            Self::Packets => "pkts",
            Self::Bytes => "bytes",
            Self::Duration => "duration",
            Self::History => "history",
            Self::Arrows => "arrows",
        }
    }

    fn right_aligned(self) -> bool {
        matches!(
            self,
            Self::Id | Self::Rtt | Self::Packets | Self::Bytes | Self::Duration
        )
    }

    fn sorted_by(self, key: SortKey) -> bool {
        matches!(
            (self, key),
            // Flow numbers follow first appearance: start order is number order.
            (Self::Id, SortKey::Start)
                | (Self::Rtt, SortKey::Rtt)
                | (Self::Bytes, SortKey::Bytes)
                | (Self::Health, SortKey::Health)
        )
    }
}

/// The visible rows of the flows list.
#[derive(Clone, Copy, Debug)]
pub struct FlowListView<'a> {
    flows: &'a [&'a Flow],
    progress: &'a [FlowProgress],
    first_index: usize,
    selected: Option<usize>,
    total: Option<usize>,
    sort: SortKey,
    palette: Palette,
}

impl<'a> FlowListView<'a> {
    /// The rows to draw (only the visible slice of the sorted list).
    pub fn new(flows: &'a [&'a Flow]) -> FlowListView<'a> {
        FlowListView {
            flows,
            progress: &[],
            first_index: 0,
            selected: None,
            total: None,
            sort: SortKey::default(),
            palette: Palette::default(),
        }
    }

    /// Animation progress per row (`progress[i]` for `flows[i]`, from
    /// [`crate::teach::anim::flow_progress`]); rows without one are drawn settled.
    pub fn progress(mut self, progress: &'a [FlowProgress]) -> Self {
        self.progress = progress;
        self
    }

    /// Position of `flows[0]` in the whole sorted list.
    pub fn first_index(mut self, first_index: usize) -> Self {
        self.first_index = first_index;
        self
    }

    /// The selected position in the whole sorted list (highlighted when visible).
    pub fn selected(mut self, selected: Option<usize>) -> Self {
        self.selected = selected;
        self
    }

    /// How many flows the whole list has (shown in the header).
    pub fn total(mut self, total: usize) -> Self {
        self.total = Some(total);
        self
    }

    pub fn sort(mut self, sort: SortKey) -> Self {
        self.sort = sort;
        self
    }

    /// No colours (NO_COLOR): symbols, labels and bold/dim/reversed only.
    pub fn monochrome(mut self, monochrome: bool) -> Self {
        self.palette.monochrome = monochrome;
        self
    }

    /// Draws in a theme's look (colour or not, contrast or not).
    pub fn theme(mut self, theme: super::theme::Theme) -> Self {
        self.palette = Palette::of(theme);
        self
    }

    fn row_progress(&self, row: usize, flow: &Flow) -> FlowProgress {
        self.progress
            .get(row)
            .copied()
            .unwrap_or_else(|| FlowProgress::settled(flow.ladder.len()))
    }

    fn cell(&self, col: Col, flow: &Flow, short_badge: bool) -> String {
        match col {
            Col::Id => flow.id.to_string(),
            Col::Client => endpoint_text(flow.client()),
            Col::Server => endpoint_text(flow.server()),
            Col::Handshake => badge_text(flow, short_badge),
            Col::Health => {
                let h = flow.analysis_counts().health();
                if short_badge {
                    h.symbol().to_string()
                } else {
                    format!("{} {}", h.symbol(), h.name())
                }
            }
            Col::Rtt => list_rtt_ns(flow).map_or_else(|| "-".to_string(), ms_text),
            Col::Packets => compact_count(flow.packets()),
            Col::Bytes => compact_count(flow.bytes()),
            Col::Duration => seconds_text(flow.duration_ns()),
            Col::History => flow.history_str().to_string(),
            // Drawn glyph by glyph; only the width matters here.
            Col::Arrows => String::new(),
        }
    }

    fn natural_width(&self, col: Col, short_badge: bool) -> usize {
        let mut w = width(col.title());
        if col.sorted_by(self.sort) {
            w += 2;
        }
        for (row, flow) in self.flows.iter().enumerate() {
            let cell = if col == Col::Arrows {
                // As wide as the settled row, so columns do not jump while arrows start.
                let settled = FlowProgress::settled(flow.ladder.len());
                let progress = self.row_progress(row, flow);
                glyphs_width(&arrow_glyphs(flow, &progress))
                    .max(glyphs_width(&arrow_glyphs(flow, &settled)))
            } else {
                width(&self.cell(col, flow, short_badge))
            };
            w = w.max(cell);
        }
        w
    }

    /// Which columns to draw and how wide, plus whether badges use short labels.
    fn layout(&self, avail: usize) -> (Vec<(Col, usize)>, bool) {
        let mut short_badge = false;
        let mut cols: Vec<(Col, usize)> = COLUMNS
            .iter()
            .map(|&c| (c, self.natural_width(c, false)))
            .collect();
        let total = |cols: &[(Col, usize)]| -> usize {
            cols.iter().map(|(_, w)| w).sum::<usize>() + cols.len().saturating_sub(1)
        };
        if total(&cols) > avail {
            // The health badge's symbol says it without its word.
            let w = self.natural_width(Col::Health, true);
            for (c, width) in &mut cols {
                if *c == Col::Health {
                    *width = w;
                }
            }
        }
        for col in DROP_ORDER {
            if total(&cols) <= avail {
                return (cols, short_badge);
            }
            cols.retain(|(c, _)| *c != col);
        }
        if total(&cols) > avail {
            short_badge = true;
            for short_col in [Col::Handshake, Col::Health] {
                let w = self.natural_width(short_col, true);
                for (c, width) in &mut cols {
                    if *c == short_col {
                        *width = w;
                    }
                }
            }
        }
        for col in DROP_LATER {
            if total(&cols) <= avail {
                return (cols, short_badge);
            }
            cols.retain(|(c, _)| *c != col);
        }
        // Only number, addresses and badge left: addresses share what remains.
        let over = total(&cols).saturating_sub(avail);
        if over > 0 {
            let cut_each = over.div_ceil(2);
            for (c, w) in &mut cols {
                if matches!(c, Col::Client | Col::Server) {
                    *w = w.saturating_sub(cut_each).max(3);
                }
            }
        }
        (cols, short_badge)
    }

    #[allow(clippy::too_many_arguments)]
    fn put_cell(
        &self,
        buf: &mut Buffer,
        area: Rect,
        x: u16,
        y: u16,
        col: Col,
        w: usize,
        text: &str,
        style: Style,
    ) {
        // Addresses keep their end (last octets and port) when cut.
        let text = if matches!(col, Col::Client | Col::Server) {
            truncate_left(text, w)
        } else {
            truncate(text, w)
        };
        let pad = w.saturating_sub(width(&text));
        let x = if col.right_aligned() {
            x.saturating_add(u16::try_from(pad).unwrap_or(u16::MAX))
        } else {
            x
        };
        put(buf, area, x, y, &text, w, style);
    }
}

impl Widget for FlowListView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        (&self).render(area, buf);
    }
}

impl Widget for &FlowListView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.width == 0 || area.height == 0 {
            return;
        }
        let p = self.palette;
        // Column 0 holds the selection marker, column 1 is air.
        let x0 = area.x.saturating_add(2);
        let avail = usize::from(area.width.saturating_sub(2));
        let (cols, short_badge) = self.layout(avail);

        // Header: column titles (the sorted one marked), then the order and position.
        let mut x = x0;
        for &(col, w) in &cols {
            let title = if col.sorted_by(self.sort) {
                format!("{} {}", col.title(), self.sort.arrow())
            } else {
                col.title().to_string()
            };
            self.put_cell(buf, area, x, area.y, col, w, &title, p.header());
            x = x.saturating_add(u16::try_from(w + 1).unwrap_or(u16::MAX));
        }
        let mut info = format!("by {} {}", self.sort.label(), self.sort.arrow());
        if let Some(total) = self.total {
            let last = self.first_index.saturating_add(self.flows.len());
            if self.flows.is_empty() {
                info.push_str(&format!(" · 0/{total}"));
            } else {
                let first = self.first_index.saturating_add(1);
                info.push_str(&format!(" · {first}–{last}/{total}"));
            }
        }
        let info_w = u16::try_from(width(&info)).unwrap_or(u16::MAX);
        let info_x = area.right().saturating_sub(info_w);
        if info_x > x {
            put(
                buf,
                area,
                info_x,
                area.y,
                &info,
                usize::from(info_w),
                p.dim(),
            );
        }

        if self.flows.is_empty() {
            let y = area.y.saturating_add(1);
            put(buf, area, x0, y, "no TCP flows yet", avail, p.dim());
            return;
        }
        let rows = usize::from(area.height.saturating_sub(1));
        for (row, flow) in self.flows.iter().enumerate().take(rows) {
            let y = area
                .y
                .saturating_add(1)
                .saturating_add(u16::try_from(row).unwrap_or(0));
            let selected = self.selected == Some(self.first_index.saturating_add(row));
            let base = if selected { p.selected() } else { p.text() };
            if selected {
                let line = Rect::new(area.x, y, area.width, 1);
                buf.set_style(line.intersection(buf.area), base);
                set_cell(buf, area, area.x, y, "▸", base);
            }
            let mut x = x0;
            for &(col, w) in &cols {
                match col {
                    Col::Arrows => {
                        let progress = self.row_progress(row, flow);
                        let mut gx = x;
                        let end = x.saturating_add(u16::try_from(w).unwrap_or(u16::MAX));
                        for (text, kind, state) in arrow_glyphs(flow, &progress) {
                            let style = match (kind, state) {
                                (Some(k), GlyphState::InFlight) => p.arrow_in_flight(k),
                                (Some(k), GlyphState::Landed) => p.arrow(k),
                                (None, _) => p.dim(),
                            };
                            let room = usize::from(end.saturating_sub(gx));
                            let written = put(buf, area, gx, y, &text, room, style.patch(base));
                            gx = gx.saturating_add(u16::try_from(written + 1).unwrap_or(0));
                        }
                    }
                    _ => {
                        let full = self.cell(col, flow, short_badge);
                        // A narrowed health column shows the badge's symbol only.
                        let text = if col == Col::Health && width(&full) > w {
                            self.cell(col, flow, true)
                        } else {
                            full
                        };
                        let style = if col == Col::Handshake {
                            p.outcome(flow.outcome())
                        } else if col == Col::Health {
                            flow.analysis_counts()
                                .health()
                                .severity()
                                .map_or_else(|| p.text(), |s| p.severity(s))
                        } else {
                            p.text()
                        };
                        self.put_cell(buf, area, x, y, col, w, &text, style.patch(base));
                    }
                }
                x = x.saturating_add(u16::try_from(w + 1).unwrap_or(u16::MAX));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_counts() {
        assert_eq!(compact_count(0), "0");
        assert_eq!(compact_count(9_999), "9999");
        assert_eq!(compact_count(12_345), "12.3k");
        assert_eq!(compact_count(4_567_890), "4.5M");
        assert_eq!(compact_count(45_678_901), "45.6M");
        assert_eq!(compact_count(u64::MAX), "18446744073.7G");
    }

    #[test]
    fn sort_keys_cycle_and_mark_their_column() {
        assert_eq!(SortKey::Start.next(), SortKey::Rtt);
        assert_eq!(SortKey::Rtt.next().next(), SortKey::Health);
        assert_eq!(SortKey::Health.next(), SortKey::Start);
        assert!(Col::Rtt.sorted_by(SortKey::Rtt));
        assert!(Col::Health.sorted_by(SortKey::Health));
        assert!(!Col::Rtt.sorted_by(SortKey::Bytes));
        assert!(Col::Id.sorted_by(SortKey::Start));
    }
}
