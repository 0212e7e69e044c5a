//! The flows screen's state: the bounded [`FlowTracker`] the app feeds every TCP segment, each
//! flow's ladder animation (the presentation-clock instant each ladder event was revealed and
//! its cached [`anim`] schedule, extended incrementally), the list's sorted order, the
//! selected flow (kept by id across re-sorts), the list scroll, the focused pane (list or
//! ladder), the selected ladder arrow, follow mode and the sort key. Keys and mouse actions
//! arrive here from [`crate::app::App::update`] with the current layout; anything that
//! leaves the screen (showing a packet) is returned as a [`FlowAction`]. No clock is read:
//! `now_ns` is always passed in. Depends on `anim`, `flow`, `model` and the app's keys,
//! layout and flow_sort modules.

use super::cursor::{clicked_row, keep_visible, step};
use std::collections::HashMap;

use crate::flow::{Flow, FlowId, FlowTracker, Observation};
use crate::model::{TcpSegment, TimestampNs};
use crate::teach::anim::{self, ArrowTiming, FlowProgress};

use super::flow_sort::{SortKey, sort_flows};
use super::keys::{Key, Mouse, MouseKind};
use super::layout::{FlowsLayout, contains};

/// How often the selected flow's ladder is redrawn while one of its arrows is in flight
/// (presentation-clock nanoseconds; about 30 frames a second).
pub const ANIM_FRAME_NS: i64 = 33_000_000;
/// Above this many flows, a batch of frames does not re-sort the list at once: the next
/// message (the main loop's clock, a key) does, so a big capture loads at full speed.
pub const EAGER_SORT_LIMIT: usize = 20_000;
/// Rows one wheel notch moves.
const WHEEL_STEP: isize = 3;
/// Arrows PgUp / PgDn move in the ladder.
const LADDER_PAGE: isize = 5;

/// The pane keys go to on the flows screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowFocus {
    List,
    Ladder,
}

/// What the flows screen asks the app to do after a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowAction {
    /// Show packet number `no` (1-based frame number, as [`crate::flow::LadderEvent::packet_no`])
    /// with its layers on the packet screen.
    ShowPacket(u64),
    /// Tell the user something in the status bar (numbers and fixed words only).
    Notice(String),
}

/// What one whole-connection ladder row stands for, to act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowTarget {
    /// The row's packet (1-based frame number; a run: its first).
    pub packet_no: u64,
    /// A collapsed run: its last packet (Enter expands it).
    pub run_last: Option<u64>,
}

/// One flow's animation: when each ladder event was revealed, and the schedule built from
/// those instants (`timings.len() <= reveal.len()`).
#[derive(Clone, Debug, Default)]
struct FlowAnim {
    reveal: Vec<i64>,
    timings: Vec<ArrowTiming>,
}

/// State of the flows screen.
pub struct FlowScreen {
    tracker: FlowTracker,
    anim: HashMap<FlowId, FlowAnim>,
    /// Flow ids in list order (rebuilt when `order_dirty`).
    order: Vec<FlowId>,
    order_dirty: bool,
    /// `tracker.evicted()` when the order was last rebuilt.
    evicted_seen: u64,
    sort: SortKey,
    selected: Option<FlowId>,
    /// Position of `selected` in `order`.
    cursor: usize,
    scroll: usize,
    focus: FlowFocus,
    /// Selected ladder row of the selected flow (a ladder event index while `rows` is empty).
    event: Option<usize>,
    /// The selected flow's whole-connection rows, as the app last built them
    /// ([`FlowScreen::set_rows`]); empty: the rows are the flow's ladder events.
    rows: Vec<RowTarget>,
    /// Collapsed runs the user expanded, by their first packet number.
    expanded: Vec<u64>,
    /// The ladder pane shows the time-sequence graph instead of the ladder.
    graph: bool,
    follow: bool,
    /// The most recently created flow (with `activity`: the most recently active one).
    newest: Option<FlowId>,
    /// Replay mode: follow selects the flow of the newest packet and its latest arrow.
    activity: bool,
    /// The display filter's flows (one bit per flow id): only these are listed.
    only: Option<Vec<u64>>,
    /// `tracker.len()` when the order was last rebuilt.
    sorted_len: usize,
}

impl std::fmt::Debug for FlowScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowScreen")
            .field("flows", &self.tracker.len())
            .field("evicted", &self.tracker.evicted())
            .field("sort", &self.sort)
            .field("selected", &self.selected)
            .field("focus", &self.focus)
            .field("event", &self.event)
            .field("follow", &self.follow)
            .finish_non_exhaustive()
    }
}

impl FlowScreen {
    /// An empty screen keeping at most `max_flows` flows; `follow` selects each new flow.
    pub fn new(max_flows: usize, follow: bool) -> FlowScreen {
        FlowScreen {
            tracker: FlowTracker::new(max_flows),
            anim: HashMap::new(),
            order: Vec::new(),
            order_dirty: false,
            evicted_seen: 0,
            sort: SortKey::default(),
            selected: None,
            cursor: 0,
            scroll: 0,
            focus: FlowFocus::List,
            event: None,
            rows: Vec::new(),
            expanded: Vec::new(),
            graph: false,
            follow,
            newest: None,
            activity: false,
            only: None,
            sorted_len: 0,
        }
    }

    /// Lists only the flows whose bit is set in `only` (a display filter's result), or every
    /// flow (`None`).
    pub fn set_only(&mut self, only: Option<Vec<u64>>) {
        self.only = only;
        self.order_dirty = true;
    }

    /// Flows listed (as of the last refresh).
    pub fn listed_len(&self) -> usize {
        self.order.len()
    }

    /// Whether a display filter narrows the list.
    pub fn is_filtered(&self) -> bool {
        self.only.is_some()
    }

    /// Whether flow `id` is listed.
    fn listed(&self, id: FlowId) -> bool {
        match &self.only {
            None => true,
            Some(bits) => bits
                .get((id / 64) as usize)
                .is_some_and(|w| w & (1 << (id % 64)) != 0),
        }
    }

    /// Replay mode: following selects the flow of the newest packet (not the newest flow)
    /// with its latest arrow, which the explain panel narrates.
    pub fn set_follow_activity(&mut self, on: bool) {
        self.activity = on;
    }

    /// Turns follow mode on or off.
    pub fn set_follow(&mut self, follow: bool) {
        self.follow = follow;
    }

    /// Takes the sort key, focused pane, follow modes and selected flow of `old` (a replay
    /// rebuilt the flows from scratch).
    pub fn carry_settings_from(&mut self, old: &FlowScreen) {
        self.sort = old.sort;
        self.focus = old.focus;
        self.follow = old.follow;
        self.activity = old.activity;
        self.selected = old.selected;
        self.only = old.only.clone();
        self.order_dirty = true;
    }

    /// Feeds one TCP segment of packet `packet_no` (1-based frame number since the capture
    /// began; with a packet limit, older packets may have been evicted from the store). A ladder
    /// event it causes is revealed at `now_ns` on the presentation clock, so its arrow starts
    /// moving then (or when the flow's previous arrow lands). Returns the segment's flow.
    pub fn observe(
        &mut self,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
        now_ns: i64,
    ) -> FlowId {
        self.observe_full(packet_no, ts_ns, seg, frame_len, now_ns)
            .flow
    }

    /// [`FlowScreen::observe`], returning everything the tracker said about the segment
    /// (its flow, event and sequence analysis).
    pub fn observe_full(
        &mut self,
        packet_no: u64,
        ts_ns: TimestampNs,
        seg: &TcpSegment,
        frame_len: u32,
        now_ns: i64,
    ) -> Observation {
        let obs = self.tracker.observe(packet_no, ts_ns, seg, frame_len);
        if obs.new_flow || self.activity {
            self.newest = Some(obs.flow);
        }
        let reorders = match self.sort {
            SortKey::Start => obs.new_flow,
            SortKey::Rtt => obs.new_flow || obs.event.is_some(),
            SortKey::Bytes | SortKey::Health => true,
        };
        if reorders || self.tracker.evicted() != self.evicted_seen {
            self.order_dirty = true;
        }
        if let (Some(index), Some(flow)) = (obs.ladder_index, self.tracker.get(obs.flow)) {
            let a = self.anim.entry(obs.flow).or_default();
            if a.reveal.len() <= index {
                a.reveal.resize(index.saturating_add(1), now_ns);
            }
            anim::extend_schedule(flow, &a.reveal, &mut a.timings);
        }
        // Forget the animations of evicted flows now and then (amortised: memory stays
        // proportional to the flows kept).
        let bound = self.tracker.len().saturating_mul(2).saturating_add(64);
        if self.anim.len() > bound {
            let tracker = &self.tracker;
            self.anim.retain(|id, _| tracker.get(*id).is_some());
        }
        obs
    }

    /// End of input: unanswered handshakes become final (`no response`, `incomplete`).
    pub fn finish(&mut self) {
        self.tracker.finish();
        self.order_dirty = true;
    }

    pub fn tracker(&self) -> &FlowTracker {
        &self.tracker
    }
    /// Flows kept.
    pub fn len(&self) -> usize {
        self.tracker.len()
    }
    pub fn is_empty(&self) -> bool {
        self.tracker.is_empty()
    }
    /// Flows dropped to stay within `--max-flows`.
    pub fn evicted(&self) -> u64 {
        self.tracker.evicted()
    }
    pub fn sort(&self) -> SortKey {
        self.sort
    }
    pub fn focus(&self) -> FlowFocus {
        self.focus
    }
    pub fn follow(&self) -> bool {
        self.follow
    }
    /// Id of the selected flow.
    pub fn selected(&self) -> Option<FlowId> {
        self.selected
    }
    /// Position of the selected flow in the sorted list.
    pub fn selected_index(&self) -> Option<usize> {
        self.selected.map(|_| self.cursor)
    }
    pub fn selected_flow(&self) -> Option<&Flow> {
        self.tracker.get(self.selected?)
    }
    /// The selected arrow (ladder event index) of the selected flow.
    pub fn selected_event(&self) -> Option<usize> {
        self.event
    }
    /// The selected whole-connection row, once the app built the rows.
    pub fn selected_row(&self) -> Option<RowTarget> {
        self.rows.get(self.event?).copied()
    }
    /// Collapsed runs the user expanded, by their first packet number.
    pub fn expanded(&self) -> &[u64] {
        &self.expanded
    }
    /// Whether the ladder pane shows the time-sequence graph.
    pub fn graph(&self) -> bool {
        self.graph
    }
    /// The selected flow's whole-connection rows (built by the app, which keeps the packets).
    pub fn set_rows(&mut self, rows: Vec<RowTarget>) {
        if let Some(e) = self.event.filter(|_| !rows.is_empty()) {
            self.event = Some(e.min(rows.len() - 1));
        }
        self.rows = rows;
    }
    /// Selects the row of packet `no` when there is one; a collapsed run holding it is
    /// expanded (the app rebuilds the rows and calls this again). Returns whether a row
    /// stands for the packet itself.
    pub fn select_packet_row(&mut self, no: u64) -> bool {
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| r.packet_no == no && r.run_last.is_none())
        {
            self.event = Some(i);
            return true;
        }
        if let Some(r) = self.rows.iter().find(|r| {
            r.run_last
                .is_some_and(|last| r.packet_no <= no && no <= last)
        }) {
            self.expanded.push(r.packet_no);
        }
        false
    }
    /// Position of the first list row shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }
    /// Every kept flow's id in list order (as of the last refresh).
    pub fn order(&self) -> &[FlowId] {
        &self.order
    }
    /// Ids of the flows on the `rows` visible list rows.
    pub fn visible_ids(&self, rows: usize) -> &[FlowId] {
        let start = self.scroll.min(self.order.len());
        let end = start.saturating_add(rows).min(self.order.len());
        self.order.get(start..end).unwrap_or(&[])
    }
    /// The animation schedule of flow `id` (empty when it has no ladder event).
    pub fn timings(&self, id: FlowId) -> &[ArrowTiming] {
        self.anim.get(&id).map_or(&[], |a| a.timings.as_slice())
    }
    /// Flow `id`'s animation at `now_ns`, for its list row.
    pub fn progress(&self, id: FlowId, now_ns: i64) -> FlowProgress {
        anim::flow_progress(self.timings(id), now_ns)
    }

    /// When the visible part of the screen next changes by itself after `now_ns`: soon while
    /// the selected flow's ladder has an arrow in flight (it moves every frame), else when
    /// an arrow of a visible row or of the ladder next starts or lands. `None`: nothing on
    /// screen moves any more.
    pub fn next_redraw_ns(&self, rows: usize, now_ns: i64) -> Option<i64> {
        let mut next: Option<i64> = None;
        let mut consider = |at: Option<i64>| {
            if let Some(at) = at {
                next = Some(next.map_or(at, |n: i64| n.min(at)));
            }
        };
        if let Some(id) = self.selected {
            let timings = self.timings(id);
            let in_flight = timings
                .iter()
                .any(|t| t.start_ns <= now_ns && now_ns < t.end_ns);
            if in_flight {
                consider(Some(now_ns.saturating_add(ANIM_FRAME_NS)));
            }
            consider(anim::next_change_ns(timings, now_ns));
        }
        for id in self.visible_ids(rows) {
            consider(anim::next_change_ns(self.timings(*id), now_ns));
        }
        next
    }

    /// Re-sorts the list if flows changed, re-finds the selection (the newest flow in follow
    /// mode, else the same flow, else the same position) and keeps it in view.
    pub fn refresh(&mut self, layout: &FlowsLayout) {
        if self.order_dirty || self.sorted_len != self.tracker.len() {
            let mut order = std::mem::take(&mut self.order);
            order.clear();
            let mut flows: Vec<&Flow> =
                self.tracker.flows().filter(|f| self.listed(f.id)).collect();
            sort_flows(&mut flows, self.sort);
            order.extend(flows.iter().map(|f| f.id));
            self.order = order;
            self.sorted_len = self.tracker.len();
            self.order_dirty = false;
            self.evicted_seen = self.tracker.evicted();
        }
        self.reselect(layout.list_rows());
    }

    fn reselect(&mut self, rows: usize) {
        let Some(last) = self.order.len().checked_sub(1) else {
            self.selected = None;
            self.event = None;
            self.cursor = 0;
            self.scroll = 0;
            return;
        };
        if self.follow
            && let Some(newest) = self.newest.filter(|id| self.tracker.get(*id).is_some())
        {
            self.set_selected(Some(newest));
            if self.activity {
                self.event = self.ladder_len().checked_sub(1);
            }
        }
        let at_cursor =
            self.selected.is_some() && self.order.get(self.cursor) == self.selected.as_ref();
        let found = if at_cursor {
            Some(self.cursor)
        } else {
            self.selected
                .and_then(|id| self.order.iter().position(|&o| o == id))
        };
        match found {
            Some(pos) => self.cursor = pos,
            None => {
                self.cursor = self.cursor.min(last);
                let id = self.order.get(self.cursor).copied();
                self.set_selected(id);
            }
        }
        self.scroll =
            keep_visible(self.scroll, self.cursor, rows).min(self.order.len().saturating_sub(rows));
    }

    /// Selects flow `id`; a different flow loses the arrow selection.
    fn set_selected(&mut self, id: Option<FlowId>) {
        if self.selected != id {
            self.event = None;
            self.rows.clear();
        }
        self.selected = id;
    }

    fn move_cursor(&mut self, delta: isize, layout: &FlowsLayout) {
        if self.order.is_empty() {
            return;
        }
        self.follow = false;
        self.cursor = step(self.cursor, delta, self.order.len());
        let id = self.order.get(self.cursor).copied();
        self.set_selected(id);
        self.reselect(layout.list_rows());
    }

    fn ladder_len(&self) -> usize {
        if !self.rows.is_empty() {
            return self.rows.len();
        }
        self.selected_flow().map_or(0, |f| f.ladder.len())
    }

    fn move_event(&mut self, delta: isize) {
        if self.activity {
            // Choosing an arrow stops following the replay (n, b, N follow again).
            self.follow = false;
        }
        let n = self.ladder_len();
        if n == 0 {
            self.event = None;
            return;
        }
        self.event = Some(match self.event {
            Some(e) => step(e, delta, n),
            None if delta < 0 => n - 1,
            None => 0,
        });
    }

    /// Selects flow `id` with its ladder focused and the arrow of packet `packet_no`
    /// selected. Returns whether the packet has an arrow, or `None` when the flow is no
    /// longer kept.
    pub fn show_flow_packet(
        &mut self,
        id: FlowId,
        packet_no: u64,
        layout: &FlowsLayout,
    ) -> Option<bool> {
        let event = self
            .tracker
            .get(id)?
            .ladder
            .iter()
            .position(|e| e.packet_no == packet_no);
        self.follow = false;
        self.order_dirty |= !self.order.contains(&id);
        self.set_selected(Some(id));
        self.refresh(layout);
        self.focus = FlowFocus::Ladder;
        self.event = event;
        Some(event.is_some())
    }

    /// Live capture: SYNs unanswered past their deadline at capture time `now_ns` become
    /// `no_response` (see [`FlowTracker::settle_unanswered`]).
    pub fn settle_unanswered(&mut self, now_ns: TimestampNs, timeout_ns: i64) {
        if self.tracker.settle_unanswered(now_ns, timeout_ns) > 0 {
            self.order_dirty = true;
        }
    }

    /// Plays the selected flow's animation again from `now_ns`, every arrow in turn.
    pub fn replay_selected(&mut self, now_ns: i64) {
        let Some(flow) = self.selected.and_then(|id| self.tracker.get(id)) else {
            return;
        };
        let a = self.anim.entry(flow.id).or_default();
        a.reveal.clear();
        a.reveal.resize(flow.ladder.len(), now_ns);
        a.timings.clear();
        anim::extend_schedule(flow, &a.reveal, &mut a.timings);
    }

    /// The packet of the selected arrow, as a 1-based frame number (the app maps it to the
    /// store, where it may have been evicted).
    fn selected_packet(&self) -> Option<u64> {
        if !self.rows.is_empty() {
            let row = self.rows.get(self.event?)?;
            return (row.packet_no > 0 && row.run_last.is_none()).then_some(row.packet_no);
        }
        let event = self.selected_flow()?.ladder.get(self.event?)?;
        (event.packet_no > 0).then_some(event.packet_no)
    }

    /// A key for the flows screen (global keys — screens, help, quit — are handled by `App`).
    pub fn on_key(&mut self, key: Key, layout: &FlowsLayout, now_ns: i64) -> Option<FlowAction> {
        self.refresh(layout);
        match key {
            Key::Tab | Key::BackTab => {
                self.focus = match self.focus {
                    FlowFocus::List => FlowFocus::Ladder,
                    FlowFocus::Ladder => FlowFocus::List,
                };
                return None;
            }
            Key::Char('s') => {
                self.sort = self.sort.next();
                self.order_dirty = true;
                self.refresh(layout);
                return None;
            }
            Key::Char('f') => {
                self.follow = !self.follow;
                self.refresh(layout);
                return None;
            }
            Key::Char('a') => {
                self.replay_selected(now_ns);
                return None;
            }
            Key::Char('t') => {
                self.graph = !self.graph;
                return None;
            }
            _ => {}
        }
        let big = isize::MAX / 2;
        match self.focus {
            FlowFocus::List => {
                let page = isize::try_from(layout.list_rows().max(1)).unwrap_or(1);
                match key {
                    Key::Up | Key::Char('k') => self.move_cursor(-1, layout),
                    Key::Down | Key::Char('j') => self.move_cursor(1, layout),
                    Key::PageUp => self.move_cursor(-page, layout),
                    Key::PageDown => self.move_cursor(page, layout),
                    Key::Home | Key::Char('g') => self.move_cursor(-big, layout),
                    Key::End | Key::Char('G') => self.move_cursor(big, layout),
                    Key::Enter | Key::Char(' ') | Key::Right | Key::Char('l')
                        if self.selected.is_some() =>
                    {
                        self.focus = FlowFocus::Ladder;
                        if self.event.is_none() {
                            self.move_event(1);
                        }
                    }
                    _ => {}
                }
            }
            FlowFocus::Ladder => match key {
                Key::Up | Key::Char('k') => self.move_event(-1),
                Key::Down | Key::Char('j') => self.move_event(1),
                Key::PageUp => self.move_event(-LADDER_PAGE),
                Key::PageDown => self.move_event(LADDER_PAGE),
                Key::Home | Key::Char('g') => self.move_event(-big),
                Key::End | Key::Char('G') => self.move_event(big),
                Key::Left | Key::Char('h') => self.focus = FlowFocus::List,
                Key::Enter | Key::Char(' ') => {
                    if self.event.is_none() {
                        self.move_event(1);
                        return None;
                    }
                    let run = self
                        .event
                        .and_then(|e| self.rows.get(e))
                        .filter(|r| r.run_last.is_some());
                    if let Some(run) = run {
                        // Enter on a collapsed run expands it in place.
                        self.expanded.push(run.packet_no);
                        return None;
                    }
                    return match self.selected_packet() {
                        Some(no) => Some(FlowAction::ShowPacket(no)),
                        None => Some(FlowAction::Notice("no packet for this arrow".into())),
                    };
                }
                _ => {}
            },
        }
        None
    }

    /// A mouse action on the flows screen.
    pub fn on_mouse(&mut self, m: Mouse, layout: &FlowsLayout) {
        self.refresh(layout);
        let (col, row) = (m.column, m.row);
        let wheel = match m.kind {
            MouseKind::ScrollUp => -WHEEL_STEP,
            MouseKind::ScrollDown => WHEEL_STEP,
            MouseKind::Click => 0,
        };
        if contains(layout.list, col, row) {
            if wheel != 0 {
                self.move_cursor(wheel, layout);
                return;
            }
            self.focus = FlowFocus::List;
            if let Some(offset) = clicked_row(layout.list, layout.list_first_row_y(), row) {
                let target = self.scroll.saturating_add(offset);
                if target < self.order.len() {
                    let delta = target as isize - self.cursor as isize;
                    self.move_cursor(delta, layout);
                }
            }
        } else if contains(layout.ladder, col, row) {
            if wheel != 0 {
                self.move_event(wheel.signum());
            } else {
                self.focus = FlowFocus::Ladder;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TcpHandshakeOptions, tcp_flags};
    use ratatui::layout::Rect;

    const MS: i64 = 1_000_000;

    fn seg(client_port: u16, from_client: bool, flags: u16, seq: u32, ack: u32) -> TcpSegment {
        let client = std::net::SocketAddr::from(([10, 0, 0, 1], client_port));
        let server = std::net::SocketAddr::from(([10, 0, 0, 2], 80));
        let (src, dst) = if from_client {
            (client, server)
        } else {
            (server, client)
        };
        TcpSegment {
            src,
            dst,
            flags,
            seq,
            ack,
            payload_len: 0,
            window: 1000,
            options: TcpHandshakeOptions::default(),
        }
    }

    fn layout() -> FlowsLayout {
        FlowsLayout::compute(Rect::new(0, 0, 80, 24), 1)
    }

    /// Feeds a complete handshake on `port` at capture time `t` ms, revealed at `now`.
    fn handshake(s: &mut FlowScreen, no: &mut u64, port: u16, t: i64, now: i64) -> FlowId {
        let script = [
            (true, tcp_flags::SYN, 100, 0),
            (false, tcp_flags::SYN | tcp_flags::ACK, 500, 101),
            (true, tcp_flags::ACK, 101, 501),
        ];
        let mut id = 0;
        for (i, (c, f, sq, ak)) in script.into_iter().enumerate() {
            *no += 1;
            id = s.observe(*no, (t + i as i64) * MS, &seg(port, c, f, sq, ak), 60, now);
        }
        id
    }

    #[test]
    fn events_are_revealed_at_the_presentation_time_and_scheduled_incrementally() {
        let mut s = FlowScreen::new(8, false);
        let mut no = 0;
        let id = handshake(&mut s, &mut no, 1000, 0, 5 * MS);
        let t = s.timings(id);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].start_ns, 5 * MS);
        assert_eq!(
            t.to_vec(),
            anim::schedule(s.tracker.get(id).unwrap(), &[5 * MS; 3])
        );
        // The FIN, revealed later, queues behind: earlier arrows do not move.
        let before = t.to_vec();
        no += 1;
        s.observe(
            no,
            10 * MS,
            &seg(1000, true, tcp_flags::FIN | tcp_flags::ACK, 101, 501),
            60,
            9_000 * MS,
        );
        assert_eq!(&s.timings(id)[..3], &before[..]);
        assert_eq!(s.timings(id)[3].start_ns, 9_000 * MS);
        assert!(
            s.next_redraw_ns(6, 9_000 * MS).is_none(),
            "nothing selected or visible yet"
        );
        s.refresh(&layout());
        assert_eq!(s.selected(), Some(id));
        assert_eq!(
            s.next_redraw_ns(6, 9_000 * MS),
            Some(9_000 * MS + ANIM_FRAME_NS)
        );
        let end = s.timings(id)[3].end_ns;
        assert_eq!(s.next_redraw_ns(6, end), None);
    }

    #[test]
    fn replay_resets_the_reveal_times_of_the_selected_flow() {
        let mut s = FlowScreen::new(8, false);
        let mut no = 0;
        let id = handshake(&mut s, &mut no, 1000, 0, 0);
        s.refresh(&layout());
        let landed = s.timings(id)[2].end_ns;
        assert!(!s.progress(id, landed).is_animating());
        s.replay_selected(landed + 1);
        assert_eq!(s.timings(id)[0].start_ns, landed + 1);
        assert!(s.progress(id, landed + 2).is_animating());
    }

    #[test]
    fn animations_of_evicted_flows_are_forgotten() {
        let mut s = FlowScreen::new(2, false);
        let mut no = 0;
        for port in 0..200 {
            handshake(&mut s, &mut no, 2000 + port, i64::from(port) * 10, 0);
        }
        assert_eq!(s.len(), 2);
        assert_eq!(s.evicted(), 198);
        assert!(s.anim.len() <= 2 * 2 + 64 + 1, "{}", s.anim.len());
        s.refresh(&layout());
        assert_eq!(s.order().len(), 2);
    }
}
