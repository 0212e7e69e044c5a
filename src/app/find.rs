//! Finding things in the viewer: the bar at the bottom (`/` display filter, `Ctrl-F` search,
//! `:` go to, `w`/`W` export path) and what each does; marks (`m`, `'`, `"`); the background
//! work that a big capture needs (the filter pass, a search, an export) done a slice at a time
//! by [`App::work`], so the main loop answers keys between slices; and the confirmation before
//! quitting a live capture that is not being saved. A filter narrows what is listed, never what
//! is analysed: the flow tracker and the ladders keep seeing every packet. Depends on
//! `filter`, `source` (the capture-file writer), `decode` (text search) and the app's modules.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::decode;
use crate::filter::{self, Filter, FilterError};
use crate::flow::FlowTracker;
use crate::model::{Frame, LinkType};
use crate::source::PacketWriter;

use super::filtering::{FilterPass, Target, packet_ctx};
use super::history::History;
use super::jump::{Jump, parse_jump};
use super::shown::Shown;
use super::store::{PacketStore, ReadAhead};
use super::{App, Key, Screen, SourceKind};

/// Packets a key or a batch of frames may examine before `update` returns (small captures
/// are filtered at once; a big one continues in [`App::work`] between frames).
pub const INLINE_BUDGET: usize = 20_000;
/// Longest text a bar takes.
const MAX_BAR_TEXT: usize = 1000;

/// What the bar at the bottom is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKind {
    /// `/`: a display filter for the packet list or the flows list.
    Filter(Target),
    /// `Ctrl-F`: find a packet by filter expression or text.
    Find,
    /// `:`: go to a packet number or a time.
    GoTo,
    /// `w` / `W`: the file to write the shown (or marked) packets to.
    Export { marked: bool },
}

/// The bar's state.
#[derive(Clone, Debug)]
pub struct Bar {
    pub kind: BarKind,
    pub text: String,
    /// Filter and find bars: what the text compiles to (`None` while empty), for the colour
    /// and the message.
    pub check: Option<Result<(), FilterError>>,
    /// Field names Tab offered when more than one fits.
    pub candidates: Vec<&'static str>,
    /// Export: the file exists and Enter was pressed once (the next Enter overwrites it).
    pub confirm_overwrite: bool,
}

impl Bar {
    fn new(kind: BarKind, text: String) -> Bar {
        let mut bar = Bar {
            kind,
            text,
            check: None,
            candidates: Vec::new(),
            confirm_overwrite: false,
        };
        bar.recheck();
        bar
    }

    fn recheck(&mut self) {
        self.check = match self.kind {
            BarKind::Filter(_) | BarKind::Find if !self.text.trim().is_empty() => {
                Some(Filter::compile(&self.text).map(|_| ()))
            }
            _ => None,
        };
    }

    /// Tab: completes the field name being typed (to the longest common prefix when several
    /// fit, listing them).
    fn complete(&mut self) {
        let start = self
            .text
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
            .last()
            .map_or(self.text.len(), |(i, _)| i);
        let word = self.text.get(start..).unwrap_or_default().to_string();
        if word.is_empty() {
            self.candidates.clear();
            return;
        }
        let found: Vec<&'static str> = filter::fields::complete(&word).collect();
        let Some(first) = found.first() else {
            self.candidates.clear();
            return;
        };
        let common = found.iter().fold(first.len(), |n, f| {
            first
                .bytes()
                .zip(f.bytes())
                .take(n)
                .take_while(|(a, b)| a == b)
                .count()
        });
        self.text.truncate(start);
        self.text.push_str(first.get(..common).unwrap_or(first));
        self.candidates = if found.len() > 1 { found } else { Vec::new() };
        self.recheck();
    }
}

/// What `Ctrl-F` looks for.
#[derive(Debug)]
pub enum Matcher {
    /// The text compiled as a display filter.
    Filter(Arc<Filter>),
    /// Anything else: the text in the packet's bytes (as typed) or in its list row (any case).
    Text { text: String, lower: String },
}

impl Matcher {
    /// A filter if `text` compiles as one, else a plain string (a quoted string is searched
    /// as text without its quotes).
    pub fn new(text: &str) -> Matcher {
        if let Ok(f) = Filter::compile(text) {
            return Matcher::Filter(Arc::new(f));
        }
        let t = text.trim();
        let t = t
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(t);
        Matcher::Text {
            text: t.to_string(),
            lower: t.to_lowercase(),
        }
    }

    /// Whether kept packet `pos` matches.
    fn matches(
        &self,
        store: &PacketStore,
        tracker: &FlowTracker,
        pos: usize,
        scratch: &mut ReadAhead,
    ) -> bool {
        let first_ts = store.first_ts().unwrap_or_default();
        let Some(p) = store.raw(pos, scratch) else {
            return false;
        };
        match self {
            Matcher::Filter(f) => f.matches(&packet_ctx(
                &p,
                first_ts,
                tracker,
                store.analysis_of(p.number),
            )),
            Matcher::Text { text, lower } => {
                if text.is_empty() {
                    return false;
                }
                let needle = text.as_bytes();
                if p.data.windows(needle.len()).any(|w| w == needle) {
                    return true;
                }
                let s = decode::summarize(p.link, p.data, p.len);
                let addr = |a: Option<std::net::IpAddr>| a.map(|a| a.to_string());
                let row = format!(
                    "{} {} {} {}",
                    addr(s.src).unwrap_or_default(),
                    addr(s.dst).unwrap_or_default(),
                    decode::protocol_column(&s),
                    decode::info_line(&s, None)
                );
                row.to_lowercase().contains(lower.as_str())
            }
        }
    }
}

/// A search running over the listed rows, from one row onwards (wrapping around).
#[derive(Debug)]
struct SearchJob {
    forward: bool,
    next_row: usize,
    left: usize,
}

/// An export being written.
struct ExportJob {
    writer: PacketWriter,
    path: PathBuf,
    /// Shown packets: the next 0-based frame number to consider, and the end (exclusive).
    next: u64,
    end: u64,
    /// Marked packets instead, and how many of them are written.
    marked: Option<Vec<u64>>,
    at: usize,
    frame: Frame,
}

/// The finding state of the app (see the module docs).
#[derive(Default)]
pub struct Finder {
    /// The packet list's display filter.
    packets: Option<FilterPass>,
    /// The flows list's display filter.
    flows: Option<FilterPass>,
    bar: Option<Bar>,
    history: History,
    /// Marked packets, by 0-based frame number.
    marks: BTreeSet<u64>,
    /// The last search.
    matcher: Option<Arc<Matcher>>,
    search: Option<SearchJob>,
    export: Option<ExportJob>,
    /// Reselect this 0-based frame number once the filter pass has examined it.
    reselect: Option<u64>,
    /// Quitting asks first (a live capture not saved with `-w`).
    confirm_quit: bool,
    /// `q` was pressed once: the next `q`, `Esc` or `y` quits.
    quit_armed: bool,
    scratch: ReadAhead,
}

impl std::fmt::Debug for Finder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Finder")
            .field("packets", &self.packets)
            .field("flows", &self.flows)
            .field("bar", &self.bar)
            .field("marks", &self.marks.len())
            .finish_non_exhaustive()
    }
}

impl Finder {
    /// The packet list's filter pass, when a filter is applied.
    pub fn packet_filter(&self) -> Option<&FilterPass> {
        self.packets.as_ref()
    }

    /// The flows list's filter pass, when a filter is applied.
    pub fn flow_filter(&self) -> Option<&FilterPass> {
        self.flows.as_ref()
    }
}

impl App {
    /// The filter history, read from and saved to `history` (see [`History::load`]).
    pub fn with_history(mut self, history: History) -> App {
        self.find.history = history;
        self
    }

    /// Quitting asks for confirmation first (a live capture that `-w` does not save).
    pub fn with_quit_confirmation(mut self, on: bool) -> App {
        self.find.confirm_quit = on;
        self
    }

    /// The bar at the bottom, while open.
    pub fn bar(&self) -> Option<&Bar> {
        self.find.bar.as_ref()
    }

    /// Filters, marks and the jobs running.
    pub fn finder(&self) -> &Finder {
        &self.find
    }

    /// The filter history.
    pub fn history(&self) -> &History {
        &self.find.history
    }

    /// Marked packets (0-based frame numbers).
    pub fn marks(&self) -> &BTreeSet<u64> {
        &self.find.marks
    }

    /// Whether packet `number` (0-based) is marked.
    pub fn is_marked(&self, number: u64) -> bool {
        self.find.marks.contains(&number)
    }

    /// The display filter of the screen shown, if one is applied.
    pub fn active_filter(&self) -> Option<&FilterPass> {
        match self.screen {
            Screen::Packets | Screen::Stats => self.find.packets.as_ref(),
            Screen::Flows => self.find.flows.as_ref(),
        }
    }

    /// Percentage of the background work done (filter pass, search, export), while some runs.
    pub fn work_progress(&self) -> Option<(&'static str, u8)> {
        let released = self.released;
        if let Some(p) = self
            .find
            .packets
            .as_ref()
            .and_then(|p| p.progress(released))
        {
            return Some(("filtering", p));
        }
        if let Some(p) = self.find.flows.as_ref().and_then(|p| p.progress(released)) {
            return Some(("filtering flows", p));
        }
        if let Some(s) = &self.find.search {
            let total = self.shown().len().max(1);
            let done = total.saturating_sub(s.left);
            return Some(("searching", (done * 100 / total).min(99) as u8));
        }
        if let Some(e) = &self.find.export {
            let (done, total) = match &e.marked {
                Some(m) => (e.at as u64, m.len() as u64),
                None => (
                    e.next.saturating_sub(self.store.evicted()),
                    e.end.saturating_sub(self.store.evicted()),
                ),
            };
            let pct = done.saturating_mul(100) / total.max(1);
            return Some(("exporting", pct.min(99) as u8));
        }
        None
    }

    /// Released packets the filter passes have not examined yet.
    pub fn pending_packets(&self) -> u64 {
        [self.find.packets.as_ref(), self.find.flows.as_ref()]
            .into_iter()
            .flatten()
            .map(|p| self.released.saturating_sub(p.examined()))
            .max()
            .unwrap_or(0)
    }

    /// Whether background work is left (see [`App::work`]).
    pub fn has_work(&self) -> bool {
        let released = self.released;
        self.find
            .packets
            .as_ref()
            .is_some_and(|p| p.pending(released))
            || self
                .find
                .flows
                .as_ref()
                .is_some_and(|p| p.pending(released))
            || self.find.search.is_some()
            || self.find.export.is_some()
    }

    /// Does at most `budget` packets of background work — the filter passes over packets
    /// released since, a search, an export — and returns whether more is left. The main
    /// loop calls it between frames for as long as its time slice allows.
    pub fn work(&mut self, budget: usize) -> bool {
        let mut left = budget;
        let released = self.released;
        if let Some(pass) = self.find.packets.as_mut()
            && pass.pending(released)
        {
            let before = pass.len();
            left -= pass
                .scan(
                    &self.store,
                    self.flows.tracker(),
                    released,
                    left,
                    &mut self.find.scratch,
                )
                .min(left);
            if pass.len() != before || !pass.pending(released) {
                self.after_rows_added();
            }
        }
        if let Some(pass) = self.find.flows.as_mut()
            && pass.pending(released)
            && left > 0
        {
            left -= pass
                .scan(
                    &self.store,
                    self.flows.tracker(),
                    released,
                    left,
                    &mut self.find.scratch,
                )
                .min(left);
            if pass.take_flows_changed() {
                self.flows.set_only(Some(pass.flow_bits().to_vec()));
            }
        }
        if left > 0 && self.find.search.is_some() {
            left = self.search_step(left);
        }
        if left > 0 && self.find.export.is_some() {
            self.export_step(left);
        }
        self.has_work()
    }

    /// The filter pass listed more packets: the list follows, or selects what it should.
    fn after_rows_added(&mut self) {
        let layout = self.packet_layout();
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packets.as_ref(),
        );
        if let Some(n) = self.find.reselect {
            let pass = self.find.packets.as_ref();
            let done = pass.is_none_or(|p| !p.pending(self.released) || p.examined() > n);
            let pos = usize::try_from(n.saturating_sub(self.store.evicted())).unwrap_or(0);
            if done && !shown.is_empty() {
                self.find.reselect = None;
                let row = match shown.row_of(pos.min(shown.released().saturating_sub(1))) {
                    Some(Ok(r) | Err(r)) => r.min(shown.len() - 1),
                    None => 0,
                };
                self.packets
                    .select(row, &shown, &layout, self.decoder.as_ref());
                self.packets
                    .refresh_visible(&shown, &layout, self.decoder.as_ref());
                return;
            }
        }
        self.packets
            .on_new_packets(&shown, &layout, self.decoder.as_ref());
        // The rows on screen may be other packets now: their application summaries.
        self.packets
            .refresh_visible(&shown, &layout, self.decoder.as_ref());
    }

    /// Keys of the finding features when no bar is open; true when the key was one.
    pub(super) fn on_find_key(&mut self, key: Key) -> bool {
        match key {
            Key::Char('/') => {
                let target = match self.screen {
                    Screen::Packets | Screen::Stats => Target::Packets,
                    Screen::Flows => Target::Flows,
                };
                let text = self
                    .active_filter()
                    .map(|p| p.filter().text().to_string())
                    .unwrap_or_default();
                self.find.history.reset_walk();
                self.find.bar = Some(Bar::new(BarKind::Filter(target), text));
            }
            Key::CtrlF => self.find.bar = Some(Bar::new(BarKind::Find, String::new())),
            Key::Char(':') => self.find.bar = Some(Bar::new(BarKind::GoTo, String::new())),
            Key::Char(']') => self.start_search(true),
            Key::Char('[') => self.start_search(false),
            Key::Char('w') | Key::Char('W') => {
                let marked = key == Key::Char('W');
                if marked && self.find.marks.is_empty() {
                    self.notice = Some("no packet is marked (m marks the selected one)".into());
                } else {
                    let name = if marked {
                        "synack-marked.pcap"
                    } else {
                        "synack-shown.pcap"
                    };
                    self.find.bar = Some(Bar::new(BarKind::Export { marked }, name.into()));
                }
            }
            Key::Char('m') if self.screen == Screen::Packets => self.toggle_mark(),
            Key::Char('\'') if self.screen == Screen::Packets => self.next_mark(true),
            Key::Char('"') if self.screen == Screen::Packets => self.next_mark(false),
            _ => return false,
        }
        true
    }

    /// `q` / `Esc` outside any bar: quits, or (a live capture not saved) asks first.
    pub(super) fn on_quit_key(&mut self) {
        let live = matches!(self.source.kind, SourceKind::Live { .. });
        if self.find.confirm_quit && live && !self.find.quit_armed {
            self.find.quit_armed = true;
            self.notice = Some(
                "quit? this capture is not saved (no -w): q, Esc or y quits · \
                 w saves the shown packets"
                    .into(),
            );
            return;
        }
        self.quit = true;
    }

    /// The key after a quit question: `q`, `Esc` or `y` quits; anything else cancels (and
    /// is handled as usual). True when the key was consumed.
    pub(super) fn on_quit_answer(&mut self, key: Key) -> bool {
        if !std::mem::take(&mut self.find.quit_armed) {
            return false;
        }
        if matches!(key, Key::Char('q') | Key::Char('y') | Key::Esc) {
            self.quit = true;
            return true;
        }
        false
    }

    /// Whether a quit question is waiting for its answer.
    pub fn quit_asked(&self) -> bool {
        self.find.quit_armed
    }

    /// A key while the bar is open.
    pub(super) fn on_bar_key(&mut self, key: Key) {
        let Some(bar) = self.find.bar.as_mut() else {
            return;
        };
        match key {
            Key::Esc => self.find.bar = None,
            Key::Backspace => {
                bar.text.pop();
                bar.confirm_overwrite = false;
                bar.candidates.clear();
                bar.recheck();
                self.find.history.reset_walk();
            }
            Key::Char(c) if !c.is_control() && bar.text.len() < MAX_BAR_TEXT => {
                bar.text.push(c);
                bar.confirm_overwrite = false;
                bar.candidates.clear();
                bar.recheck();
                self.find.history.reset_walk();
            }
            Key::Tab if matches!(bar.kind, BarKind::Filter(_) | BarKind::Find) => bar.complete(),
            Key::Up | Key::Down if matches!(bar.kind, BarKind::Filter(_) | BarKind::Find) => {
                let entry = if key == Key::Up {
                    self.find.history.older()
                } else {
                    self.find.history.newer()
                };
                if let Some(e) = entry {
                    bar.text = e.to_string();
                    bar.candidates.clear();
                    bar.recheck();
                }
            }
            Key::Enter => self.submit_bar(),
            _ => {}
        }
    }

    fn submit_bar(&mut self) {
        let Some(bar) = self.find.bar.as_mut() else {
            return;
        };
        let text = bar.text.trim().to_string();
        match bar.kind {
            BarKind::Filter(target) => {
                if let Some(Err(_)) = &bar.check {
                    // The bar stays open, red, its message saying what is wrong.
                    return;
                }
                self.find.bar = None;
                self.apply_filter(target, &text);
            }
            BarKind::Find => {
                self.find.bar = None;
                if text.is_empty() {
                    return;
                }
                self.find.history.push(&text);
                self.find.matcher = Some(Arc::new(Matcher::new(&text)));
                self.start_search(true);
            }
            BarKind::GoTo => {
                self.find.bar = None;
                self.go_to(&text);
            }
            BarKind::Export { marked } => {
                if text.is_empty() {
                    return;
                }
                let path = PathBuf::from(&text);
                if path.exists() && !bar.confirm_overwrite {
                    bar.confirm_overwrite = true;
                    return;
                }
                self.find.bar = None;
                self.start_export(path, marked);
            }
        }
    }

    /// Applies `text` as the display filter of `target` (empty: clears it).
    pub fn apply_filter(&mut self, target: Target, text: &str) {
        let text = text.trim();
        let filter = if text.is_empty() {
            None
        } else {
            match Filter::compile(text) {
                Ok(f) => {
                    self.find.history.push(text);
                    Some(Arc::new(f))
                }
                Err(e) => {
                    self.notice = Some(e.to_string());
                    return;
                }
            }
        };
        self.set_filter(target, filter);
    }

    /// Sets (or clears) the display filter of `target`; the pass starts at once.
    pub fn set_filter(&mut self, target: Target, filter: Option<Arc<Filter>>) {
        match target {
            Target::Packets => {
                // Stay on the selected packet (or the next one shown) once the pass reaches it.
                let selected = {
                    let shown = self.shown();
                    self.packets
                        .selected()
                        .and_then(|r| shown.get(r))
                        .map(|v| v.number)
                };
                self.find.packets = filter.map(|f| FilterPass::new(f, target, &self.store));
                self.find.search = None;
                self.packets.forget_rows();
                self.find.reselect = selected;
                if self.find.packets.is_none() {
                    self.after_rows_added();
                }
            }
            Target::Flows => {
                self.find.flows = filter.map(|f| FilterPass::new(f, target, &self.store));
                let only = self.find.flows.as_ref().map(|_| Vec::new());
                self.flows.set_only(only);
            }
        }
        self.work(INLINE_BUDGET);
        if self.screen == Screen::Flows {
            let layout = self.flows_layout();
            self.flows.refresh(&layout);
        }
    }

    /// A paced replay went back (a rebuild): filter passes forget what was not released.
    pub(super) fn filters_rewound(&mut self) {
        let (released, evicted) = (self.released, self.store.evicted());
        if let Some(p) = self.find.packets.as_mut() {
            p.truncate(released, evicted);
        }
        if let Some(p) = self.find.flows.as_mut() {
            p.truncate(released, evicted);
        }
        self.find.search = None;
    }

    /// A new capture replaced the store (the demo's next scenario): passes start over,
    /// marks go.
    pub(super) fn filters_restart(&mut self) {
        for (slot, target) in [
            (&mut self.find.packets, Target::Packets),
            (&mut self.find.flows, Target::Flows),
        ] {
            if let Some(p) = slot.take() {
                *slot = Some(FilterPass::new(Arc::clone(p.filter()), target, &self.store));
            }
        }
        if self.find.flows.is_some() {
            self.flows.set_only(Some(Vec::new()));
        }
        self.find.marks.clear();
        self.find.search = None;
        self.find.export = None;
    }

    /// The capture is over and the flows are final: a filter that reads `flow.*` fields runs
    /// again, so that a connection's early packets match what it turned out to be (a SYN
    /// examined before its RST arrived did not know the connection would be refused).
    pub(super) fn filters_flows_final(&mut self) {
        let reads_flows =
            |p: &Option<FilterPass>| p.as_ref().is_some_and(|p| p.filter().uses_flow_fields());
        if reads_flows(&self.find.packets) {
            let f = self.find.packets.as_ref().map(|p| Arc::clone(p.filter()));
            self.set_filter(Target::Packets, f);
        }
        if reads_flows(&self.find.flows) {
            let f = self.find.flows.as_ref().map(|p| Arc::clone(p.filter()));
            self.set_filter(Target::Flows, f);
        }
    }

    /// The store evicted packets: rows of the packet filter go with them; returns how many
    /// rows of the list went (all of `gone` without a filter).
    pub(super) fn rows_evicted(&mut self, gone: usize) -> usize {
        let evicted = self.store.evicted();
        self.find.marks = self.find.marks.split_off(&evicted);
        self.find.search = None;
        match self.find.packets.as_mut() {
            Some(p) => p.drop_evicted(evicted),
            None => gone,
        }
    }

    // ---- go to ----------------------------------------------------------------------

    /// `:` — a packet number or a time. In a paced replay a packet not released yet is
    /// released (with everything before it); packets already shown stay shown.
    fn go_to(&mut self, text: &str) {
        let jump = match parse_jump(text) {
            Ok(j) => j,
            Err(e) => {
                self.notice = Some(crate::sanitize::sanitize(&e));
                return;
            }
        };
        if self.store.is_empty() {
            self.notice = Some("no packets yet".into());
            return;
        }
        let evicted = self.store.evicted();
        let last = evicted.saturating_add(self.store.len() as u64);
        let no = match jump {
            Jump::Packet(n) => {
                let mut n = u64::try_from(n).unwrap_or(u64::MAX);
                if n > last {
                    self.notice = Some(format!("there are {last} packets: went to the last"));
                    n = last;
                } else if self.store.was_evicted(n) {
                    self.notice = Some(format!(
                        "packet {n} was evicted ({}): went to the oldest kept",
                        self.store.eviction_flag()
                    ));
                    n = evicted + 1;
                }
                n
            }
            Jump::Time(offset) => evicted + self.packets_until(offset).max(1) as u64,
        };
        if self.player.is_some() && no > self.released {
            // Released up to it (paused there, the packet selected): what playing forward
            // to it would show.
            match jump {
                Jump::Time(offset) => self.seek_time(offset),
                Jump::Packet(_) => self.seek_packet(usize::try_from(no).unwrap_or(usize::MAX)),
            }
            self.work(INLINE_BUDGET);
            if self.find.packets.is_none() {
                return;
            }
        }
        self.select_frame(no);
    }

    /// Kept packets stamped no later than `offset_ns` after the first (binary search: a
    /// capture's stamps go forward).
    fn packets_until(&self, offset_ns: i64) -> usize {
        let Some(first) = self.store.first_ts() else {
            return 0;
        };
        let position = first.saturating_add(offset_ns.max(0));
        let (mut lo, mut hi) = (0, self.store.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.store.ts_ns(mid).is_some_and(|t| t <= position) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Selects 1-based frame `no` on the packet screen (or the next shown one, saying so).
    fn select_frame(&mut self, no: u64) {
        let Some(pos) = self.store.index_of_frame(no) else {
            return;
        };
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packets.as_ref(),
        );
        let row = match shown.row_of(pos) {
            None => {
                self.notice = Some(format!("packet {no} is not shown yet"));
                return;
            }
            Some(Ok(r)) => r,
            Some(Err(r)) => {
                if shown.is_empty() {
                    self.notice = Some(format!("packet {no} is hidden by the filter"));
                    return;
                }
                self.notice = Some(format!(
                    "packet {no} is hidden by the filter: the next shown one is selected"
                ));
                r.min(shown.len() - 1)
            }
        };
        self.screen = Screen::Packets;
        let layout = self.packet_layout();
        self.packets.set_follow(false);
        self.packets
            .select(row, &shown, &layout, self.decoder.as_ref());
    }

    // ---- marks ----------------------------------------------------------------------

    fn selected_number(&self) -> Option<u64> {
        let shown = self.shown();
        self.packets
            .selected()
            .and_then(|r| shown.get(r))
            .map(|v| v.number)
    }

    fn toggle_mark(&mut self) {
        let Some(n) = self.selected_number() else {
            return;
        };
        if !self.find.marks.remove(&n) {
            self.find.marks.insert(n);
        }
    }

    /// `'` / `"`: the next (previous) marked packet that is shown, wrapping around.
    fn next_mark(&mut self, forward: bool) {
        if self.find.marks.is_empty() {
            self.notice = Some("no packet is marked (m marks the selected one)".into());
            return;
        }
        let from = self.selected_number();
        let listed = |app: &App, n: u64| {
            let shown = app.shown();
            app.store
                .index_of(n)
                .and_then(|pos| shown.row_of(pos))
                .is_some_and(|r| r.is_ok())
        };
        let marks: Vec<u64> = if forward {
            let (after, before): (Vec<u64>, Vec<u64>) = self
                .find
                .marks
                .iter()
                .partition(|&&m| from.is_none_or(|f| m > f));
            after.into_iter().chain(before).collect()
        } else {
            let (before, after): (Vec<u64>, Vec<u64>) = self
                .find
                .marks
                .iter()
                .rev()
                .partition(|&&m| from.is_none_or(|f| m < f));
            before.into_iter().chain(after).collect()
        };
        match marks.into_iter().find(|&m| listed(self, m)) {
            Some(m) => self.select_frame(m + 1),
            None => self.notice = Some("no marked packet is shown".into()),
        }
    }

    // ---- search ---------------------------------------------------------------------

    /// `]` / `[` (and Enter in the find bar): the next (previous) listed packet after the
    /// selected one that matches the last search, wrapping around.
    fn start_search(&mut self, forward: bool) {
        if self.find.matcher.is_none() {
            self.notice = Some("nothing to find yet: Ctrl-F asks what to look for".into());
            return;
        }
        let len = self.shown().len();
        if len == 0 {
            return;
        }
        let from = self
            .packets
            .selected()
            .unwrap_or(if forward { len - 1 } else { 0 });
        let next_row = if forward {
            (from + 1) % len
        } else {
            (from + len - 1) % len
        };
        self.find.search = Some(SearchJob {
            forward,
            next_row,
            left: len,
        });
        self.work(INLINE_BUDGET);
    }

    /// Examines at most `budget` rows of the running search; returns the budget left.
    fn search_step(&mut self, mut budget: usize) -> usize {
        let Some(matcher) = self.find.matcher.clone() else {
            self.find.search = None;
            return budget;
        };
        let released = self.released_index();
        let mut found = None;
        {
            let Some(job) = self.find.search.as_mut() else {
                return budget;
            };
            let shown = Shown::filtered(&self.store, released, self.find.packets.as_ref());
            let len = shown.len();
            while job.left > 0 && budget > 0 && len > 0 {
                let row = job.next_row % len;
                job.left -= 1;
                budget -= 1;
                job.next_row = if job.forward {
                    (row + 1) % len
                } else {
                    (row + len - 1) % len
                };
                let Some(pos) = shown.position(row) else {
                    continue;
                };
                if matcher.matches(
                    &self.store,
                    self.flows.tracker(),
                    pos,
                    &mut self.find.scratch,
                ) {
                    found = Some(row);
                    break;
                }
            }
            if found.is_none() && job.left > 0 && len > 0 {
                return budget;
            }
        }
        self.find.search = None;
        match found {
            Some(row) => {
                let layout = self.packet_layout();
                let shown = Shown::filtered(&self.store, released, self.find.packets.as_ref());
                self.screen = Screen::Packets;
                self.packets.set_follow(false);
                self.packets
                    .select(row, &shown, &layout, self.decoder.as_ref());
            }
            None => self.notice = Some("no shown packet matches".into()),
        }
        budget
    }

    // ---- export ---------------------------------------------------------------------

    fn start_export(&mut self, path: PathBuf, marked: bool) {
        let writer = match PacketWriter::create(&path) {
            Ok(w) => w,
            Err(e) => {
                self.notice = Some(crate::sanitize::sanitize(&format!(
                    "cannot write {}: {e}",
                    path.display()
                )));
                return;
            }
        };
        let evicted = self.store.evicted();
        let marked = marked.then(|| {
            self.find
                .marks
                .iter()
                .copied()
                .filter(|&m| m >= evicted && m < self.released)
                .collect()
        });
        self.find.export = Some(ExportJob {
            writer,
            path,
            next: evicted,
            end: self.released,
            marked,
            at: 0,
            frame: Frame::new(0, 0, LinkType::ETHERNET, Vec::new()),
        });
        self.work(INLINE_BUDGET);
    }

    /// Writes at most `budget` packets of the running export.
    fn export_step(&mut self, budget: usize) {
        let Some(mut job) = self.find.export.take() else {
            return;
        };
        let evicted = self.store.evicted();
        let mut result = Ok(());
        let mut done = false;
        for _ in 0..budget {
            let number = match &job.marked {
                Some(m) => match m.get(job.at) {
                    Some(&n) => {
                        job.at += 1;
                        n
                    }
                    None => {
                        done = true;
                        break;
                    }
                },
                None => {
                    let next = job.next.max(evicted);
                    if next >= job.end {
                        done = true;
                        break;
                    }
                    // The next listed packet at or after `next`.
                    let Some(number) = self.next_listed(next, job.end) else {
                        done = true;
                        break;
                    };
                    job.next = number + 1;
                    number
                }
            };
            let Some(pos) = self.store.index_of(number) else {
                continue;
            };
            let Some(p) = self.store.raw(pos, &mut self.find.scratch) else {
                continue;
            };
            job.frame.ts_ns = p.ts_ns;
            job.frame.len = p.len;
            job.frame.link = p.link;
            job.frame.data.clear();
            job.frame.data.extend_from_slice(p.data);
            if let Err(e) = job.writer.write(&job.frame) {
                result = Err(e);
                break;
            }
        }
        if result.is_ok() && !done {
            self.find.export = Some(job);
            return;
        }
        let path = job.path.display().to_string();
        let written = job.writer.written();
        self.notice = Some(crate::sanitize::sanitize(&match result
            .and_then(|()| job.writer.finish().map(|_| ()))
        {
            Ok(()) => format!("wrote {written} packets to {path}"),
            Err(e) => format!("export to {path} failed after {written} packets: {e}"),
        }));
    }

    /// The first listed packet numbered `from` or later and before `end`.
    fn next_listed(&self, from: u64, end: u64) -> Option<u64> {
        let n = match self.find.packets.as_ref() {
            None => from,
            Some(p) => {
                let row = match p.row_of(from) {
                    Ok(r) | Err(r) => r,
                };
                p.number(row)?
            }
        };
        (n < end).then_some(n)
    }
}
