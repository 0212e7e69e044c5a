//! The interactive program's state and its single entry point [`App::update`]: every input —
//! frames from the capture thread, keys, mouse, resizes, source progress, ticks — is a
//! [`Msg`], and `update` is the only thing that changes the state. No terminal I/O and no
//! clock here (the main loop in `tui` owns both), so every behaviour is testable with plain
//! values. Depends on `model`, `decode`, `flow`, `anim`, `sanitize` and ratatui's layout types.
//!
//! The state is split per screen: [`PacketScreen`] holds the packet screen's selection,
//! scroll, focus and cached decode; [`FlowScreen`] holds the flow tracker, every flow's
//! animation, the flows list's order and selection and the ladder's selected arrow. Both
//! share the [`PacketStore`] (each TCP packet records its flow id there), the source status
//! and the counters kept here. Animations run on one presentation clock, `now_ns`: the main
//! loop advances it with [`Msg::Clock`]; nothing here reads a clock.

mod conversation;
mod cursor;
pub(crate) mod decoder;
mod explain_panel;
mod figure_export;
pub(crate) mod filtering;
pub(crate) mod find;
pub(crate) mod flow_sort;
pub mod flows;
pub mod follow;
pub mod history;
pub(crate) mod jump;
pub mod keys;
pub(crate) mod layers;
pub(crate) mod layout;
pub mod lesson;
mod new_file;
pub mod packets;
pub mod playback;
mod redaction;
pub(crate) mod shown;
pub mod stats;
pub(crate) mod store;

use ratatui::layout::Rect;

use crate::model::{Frame, LinkType};
use crate::redact::Redactor;
use crate::sanitize::{neutralize, sanitize};
use crate::terminal::theme_config::ThemeChoice;

pub use decoder::{Decoder, RealDecoder};
pub use filtering::{FilterPass, Target};
pub use find::{Bar, BarKind, Finder};
pub use flow_sort::SortKey;
pub use flows::{FlowAction, FlowFocus, FlowScreen};
pub use history::History;
pub use jump::Jump;
pub use keys::{Key, Mouse, MouseKind};
pub use layers::{LayerRow, RowKind};
pub use layout::{DetailLayout, FlowsLayout, PacketLayout};
pub use packets::{Detail, Focus, PacketScreen};
pub use playback::{Player, Progress};
pub use shown::Shown;
pub use stats::{ConvSort, StatsAction, StatsScreen};
pub use store::{PacketStore, PacketView, RawPacket};

/// Which screen is shown (`1` / `2` / `3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Packets,
    /// The flows list and the selected flow's ladder diagram.
    Flows,
    /// Statistics: protocols by layer, handshakes, traffic over time, conversations.
    Stats,
}

/// Flows kept when the caller does not say (`--max-flows`' default for live captures).
pub const DEFAULT_MAX_FLOWS: usize = 100_000;

/// Where the packets come from (for the status bar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// Live capture on an interface.
    Live { iface: String },
    /// A capture file (or `-` for stdin); `name` is what the user typed, shortened for display.
    File { name: String },
}

/// How the source is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceState {
    Running,
    /// Finished without error (end of file, or a live capture stopped).
    Done,
    /// Stopped by an error; the reason is sanitized text.
    Failed(String),
}

/// The source's kind, state and reading progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceStatus {
    pub kind: SourceKind,
    pub state: SourceState,
    /// Bytes read so far and the total when known (files).
    pub progress: Option<(u64, Option<u64>)>,
    /// Packets per second the source delivers lately, as it measures it.
    pub rate: Option<u64>,
}

impl SourceStatus {
    /// Percentage of the file read, when the total is known.
    pub fn percent(&self) -> Option<u8> {
        let (read, Some(total)) = self.progress? else {
            return None;
        };
        if total == 0 {
            return Some(100);
        }
        let p = u128::from(read.min(total)) * 100 / u128::from(total);
        u8::try_from(p).ok()
    }
}

/// Drop counters reported by the source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drops {
    /// Dropped by the kernel (libpcap's `ps_drop`).
    pub kernel: u64,
    /// Dropped by synack itself because the UI could not keep up (live only).
    pub synack: u64,
    /// Packets, counted from the first, whose bytes the live spool has removed from disk to
    /// stay within `--spool-max`: they are evicted from the store (and counted) like
    /// `--max-packets` evictions.
    pub spool_evicted: u64,
}

/// Everything that can happen to the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A batch of captured frames, in capture order.
    Frames(Vec<Frame>),
    Key(Key),
    Mouse(Mouse),
    Resize {
        width: u16,
        height: u16,
    },
    /// File reading progress.
    Progress {
        bytes_read: u64,
        total_bytes: Option<u64>,
    },
    /// Packets per second the source delivers (measured by the capture thread).
    Rate(u64),
    /// The source has stopped: cleanly, or with an error message.
    Finished(Result<(), String>),
    Drops(Drops),
    /// Time passed (the main loop sends one now and then while something is live).
    Tick,
    /// The presentation clock (nanoseconds since the session began) that every animation
    /// follows. Only the main loop sends it; frames arriving after it are revealed at it.
    Clock {
        now_ns: i64,
    },
}

/// The link types seen so far (for the status bar).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LinkSeen {
    #[default]
    None,
    One(LinkType),
    Mixed,
}

/// The whole program state.
pub struct App {
    decoder: Box<dyn Decoder>,
    screen: Screen,
    packets: PacketScreen,
    flows: FlowScreen,
    /// The statistics screen's counters, fed at release like the flows.
    stats: StatsScreen,
    store: PacketStore,
    source: SourceStatus,
    drops: Drops,
    link: LinkSeen,
    /// Packets on link types synack does not decode (for the status bar).
    undecoded_links: u64,
    help: bool,
    size: (u16, u16),
    quit: bool,
    /// The presentation clock.
    now_ns: i64,
    /// Contrast / no colour (`--theme`, `NO_COLOR`).
    theme: ThemeChoice,
    /// A one-off message for the status bar, cleared by the next key.
    notice: Option<String>,
    /// Frames released so far, counted from the capture's start (packets `1..=released` are
    /// shown, or were and have been evicted since): all of them, unless a paced replay holds
    /// some back. [`App::released_index`] turns it into a store position.
    released: u64,
    /// Bytes on the wire of the released packets still kept.
    released_bytes: u64,
    /// Paced replay (`synack replay` without `--instant`, `synack demo`).
    player: Option<Player>,
    /// Whether the flow tracker was told the capture is over.
    flows_finished: bool,
    /// The explain panel is open.
    explain: bool,
    /// `--redact`: one masker for the whole run (drawing borrows it).
    /// With `--redact`: stand-ins given out as packets are released, only read while drawing.
    redactor: Option<Redactor>,
    /// `-Y`: the display filter given on the command line, compiled (the filter bar starts
    /// from it).
    initial_filter: Option<std::sync::Arc<crate::filter::Filter>>,
    /// Display filters, the bar at the bottom, marks, search and export (`find`).
    find: find::Finder,
    /// Rows the help overlay is scrolled by.
    help_scroll: usize,
    /// The explain panel's scroll, and the packet it applies to.
    explain_scroll: (usize, usize),
    /// A demo moved on to another scenario: what the old feed still sends is ignored.
    detached: bool,
    max_flows: usize,
    /// Live capture: an unanswered SYN becomes `no_response` after this long (`--syn-timeout`).
    syn_timeout_ns: i64,
    /// The latest capture timestamp seen and the presentation instant it arrived at: the
    /// capture clock goes on from there while no packet comes.
    capture_clock: Option<(i64, i64)>,
    /// The Follow view (`F`), open over the current screen.
    follow: Option<follow::FollowView>,
    /// Scenario navigation, flag words and the quiz (`lesson`).
    lesson: lesson::Lesson,
    /// Where `x` on the flows screen writes ladder figures.
    figure_dir: std::path::PathBuf,
}

/// Default `--syn-timeout`: 30 s.
pub const DEFAULT_SYN_TIMEOUT_NS: i64 = 30_000_000_000;

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("screen", &self.screen)
            .field("packets", &self.store.len())
            .field("flows", &self.flows)
            .field("now_ns", &self.now_ns)
            .field("source", &self.source)
            .field("help", &self.help)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl App {
    /// A fresh app for `kind` on a terminal of `width`×`height`, keeping at most
    /// [`DEFAULT_MAX_FLOWS`] flows. Live captures start in follow mode (both screens).
    pub fn new(kind: SourceKind, width: u16, height: u16) -> App {
        let kind = match kind {
            SourceKind::Live { iface } => SourceKind::Live {
                iface: sanitize(&iface),
            },
            SourceKind::File { name } => SourceKind::File {
                name: sanitize(&name),
            },
        };
        let follow = matches!(kind, SourceKind::Live { .. });
        App {
            decoder: Box::new(RealDecoder),
            screen: Screen::Packets,
            packets: PacketScreen::new(follow),
            flows: FlowScreen::new(DEFAULT_MAX_FLOWS, follow),
            stats: StatsScreen::new(),
            store: PacketStore::new(),
            source: SourceStatus {
                kind,
                state: SourceState::Running,
                progress: None,
                rate: None,
            },
            drops: Drops::default(),
            link: LinkSeen::None,
            undecoded_links: 0,
            help: false,
            size: (width, height),
            quit: false,
            now_ns: 0,
            theme: ThemeChoice::default(),
            notice: None,
            released: 0,
            released_bytes: 0,
            player: None,
            flows_finished: false,
            explain: false,
            redactor: None,
            initial_filter: None,
            find: find::Finder::default(),
            explain_scroll: (0, 0),
            help_scroll: 0,
            detached: false,
            max_flows: DEFAULT_MAX_FLOWS,
            syn_timeout_ns: DEFAULT_SYN_TIMEOUT_NS,
            capture_clock: None,
            follow: None,
            lesson: lesson::Lesson::default(),
            figure_dir: std::path::PathBuf::from("."),
        }
    }

    /// Keeps at most `max_flows` TCP flows (`--max-flows`; the least recently active are
    /// evicted and counted). Call before any frame arrives: it starts an empty flow table.
    /// Live capture: an unanswered SYN is declared `no_response` after `ns` without an answer
    /// (at least 1 ms).
    pub fn with_syn_timeout(mut self, ns: i64) -> App {
        self.syn_timeout_ns = ns.max(1_000_000);
        self
    }

    pub fn with_max_flows(mut self, max_flows: usize) -> App {
        let follow = self.flows.follow();
        let activity = self.player.is_some();
        self.flows = FlowScreen::new(max_flows, follow);
        self.flows.set_follow_activity(activity);
        self.max_flows = max_flows;
        self
    }

    /// Draws without colour (symbols, labels, bold and reverse only).
    pub fn with_monochrome(mut self, monochrome: bool) -> App {
        self.theme.monochrome = monochrome;
        self
    }

    /// The look: high contrast and / or no colour.
    pub fn with_theme(mut self, theme: ThemeChoice) -> App {
        self.theme = theme;
        self
    }

    /// The display filter given with `-Y` (compiled).
    pub fn with_initial_filter(
        mut self,
        filter: Option<std::sync::Arc<crate::filter::Filter>>,
    ) -> App {
        self.initial_filter = filter.clone();
        if filter.is_some() {
            self.set_filter(Target::Packets, filter);
        }
        self
    }

    /// The display filter given with `-Y`, if any.
    pub fn initial_filter(&self) -> Option<&std::sync::Arc<crate::filter::Filter>> {
        self.initial_filter.as_ref()
    }

    /// Masks MAC and IP addresses everywhere they are shown (`--redact`).
    pub fn with_redact(mut self, redact: bool) -> App {
        self.redactor = redact.then(Redactor::new);
        self
    }

    /// Replaces the decoder (tests use hand-made decodes; the program uses [`RealDecoder`]).
    pub fn with_decoder(mut self, decoder: Box<dyn Decoder>) -> App {
        self.decoder = decoder;
        self.store.keep_given_summaries();
        self
    }

    /// Keeps at most `max` packets (`--max-packets`, live captures), evicting the oldest and
    /// counting them (`None`: keep every packet). Selection, jumps and flows refer to packets
    /// by their frame number, so they stay right as older packets go.
    pub fn with_max_packets(mut self, max: Option<usize>) -> App {
        self.store.set_max_packets(max);
        self
    }

    /// Bounds the packet store's memory to `max` bytes (`--max-mem`: index records plus
    /// copied bytes), evicting the oldest packets and counting them like
    /// [`App::with_max_packets`] (`None`: no byte limit).
    pub fn with_max_mem(mut self, max: Option<u64>) -> App {
        self.store.set_max_bytes(max);
        self
    }

    /// Packets of a capture file are indexed, not copied: frames located in `file` are kept
    /// as offsets and their bytes read back with positioned reads when shown
    /// ([`PacketStore::attach_file`]). Never memory-mapped: a file truncated by another
    /// program would kill a mapped reader with SIGBUS; here the bytes just stop being found.
    pub fn with_file(mut self, file: std::sync::Arc<std::fs::File>) -> App {
        self.store.attach_file(file);
        self
    }

    /// Packets of a live capture are indexed into its spool file, not copied (see
    /// [`PacketStore::attach_spool`]).
    pub fn with_spool(mut self, file: std::sync::Arc<std::fs::File>) -> App {
        self.store.attach_spool(file);
        self
    }

    /// The link type the source announced before any frame arrived (status bar).
    pub fn with_link(mut self, link: LinkType) -> App {
        if self.link == LinkSeen::None {
            self.link = LinkSeen::One(link);
        }
        self
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }
    pub fn packets(&self) -> &PacketScreen {
        &self.packets
    }
    pub fn flows(&self) -> &FlowScreen {
        &self.flows
    }
    /// The presentation clock every animation is drawn at.
    pub fn now_ns(&self) -> i64 {
        self.now_ns
    }
    pub fn monochrome(&self) -> bool {
        self.theme.monochrome
    }
    /// The look chosen for this run.
    pub fn theme(&self) -> ThemeChoice {
        self.theme
    }
    /// The status bar's one-off message, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }
    /// Whether the shown screen follows the newest packet / flow.
    pub fn following(&self) -> bool {
        match self.screen {
            Screen::Packets => self.packets.follow(),
            Screen::Flows => self.flows.follow(),
            Screen::Stats => true,
        }
    }
    /// The statistics screen.
    pub fn stats_screen(&self) -> &StatsScreen {
        &self.stats
    }
    pub fn store(&self) -> &PacketStore {
        &self.store
    }
    pub fn source(&self) -> &SourceStatus {
        &self.source
    }
    pub fn drops(&self) -> Drops {
        self.drops
    }
    pub fn link(&self) -> LinkSeen {
        self.link
    }
    /// Packets stored so far whose link type synack does not decode (shown as raw bytes).
    pub fn undecoded_link_packets(&self) -> u64 {
        self.undecoded_links
    }
    pub fn help_visible(&self) -> bool {
        self.help
    }
    /// Rows the help overlay is scrolled by.
    pub fn help_scroll(&self) -> usize {
        self.help_scroll
    }
    pub fn size(&self) -> (u16, u16) {
        self.size
    }
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether the source is still producing (live capture running or file loading).
    pub fn is_running(&self) -> bool {
        self.source.state == SourceState::Running
    }

    /// The whole terminal as the app last learnt its size (the renderer draws with the size
    /// of the frame it is given instead: see [`App::packet_layout_in`]).
    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// Rows of the status bar: when the source failed, one to three more carry the reason;
    /// a paced replay's progress bar (or the bar of `/`, `Ctrl-F`, `:` or export) takes one
    /// more above it.
    pub fn status_rows(&self) -> u16 {
        self.status_rows_for(self.size.0)
    }

    /// [`App::status_rows`] on a terminal `width` columns wide.
    pub fn status_rows_for(&self, width: u16) -> u16 {
        let progress = u16::from(self.player.is_some() || self.bar().is_some());
        progress + self.bar_rows(width)
    }

    fn bar_rows(&self, width: u16) -> u16 {
        match &self.source.state {
            SourceState::Failed(reason) => {
                let w = usize::from(width).max(1);
                let need = reason.chars().count().saturating_add(1).div_ceil(w);
                1 + u16::try_from(need.clamp(1, 3)).unwrap_or(3)
            }
            _ => 1,
        }
    }

    /// The packet screen's layout at the current size.
    pub fn packet_layout(&self) -> PacketLayout {
        self.packet_layout_in(self.area())
    }

    /// The packet screen's layout over `area`: the renderer passes the frame it draws into,
    /// which may already be smaller than the size the app knows (a resize not yet processed).
    pub fn packet_layout_in(&self, area: Rect) -> PacketLayout {
        if let Some((lesson, _)) = self.lesson_layout(area) {
            return lesson;
        }
        PacketLayout::compute(area, self.status_rows_for(area.width))
    }

    /// The flows screen's layout at the current size. The explain panel, when open, takes
    /// rows at the bottom: they are counted with the status bar's (`status` holds both; the
    /// drawing puts the panel on its first [`App::flows_explain_rows`] rows).
    pub fn flows_layout(&self) -> FlowsLayout {
        self.flows_layout_in(self.area())
    }

    /// The flows screen's layout over `area` (see [`App::packet_layout_in`]).
    pub fn flows_layout_in(&self, area: Rect) -> FlowsLayout {
        FlowsLayout::compute(
            area,
            self.status_rows_for(area.width) + self.flows_explain_rows_in(area),
        )
    }

    /// Rows of the flows screen's explain panel (0 when closed or the terminal is too short):
    /// sized to its text plus the border, at least 4 and at most 35% of the height, so the
    /// ladder keeps the rest.
    pub fn flows_explain_rows(&self) -> u16 {
        self.flows_explain_rows_in(self.area())
    }

    /// [`App::flows_explain_rows`] over `area`.
    pub fn flows_explain_rows_in(&self, area: Rect) -> u16 {
        let (w, h) = (area.width, area.height);
        if !self.explain || h < 20 {
            return 0;
        }
        let text = crate::teach::explain::panel_rows(
            &self.explanation(),
            usize::from(w.saturating_sub(2)),
        );
        let wanted = u16::try_from(text.max(1))
            .unwrap_or(u16::MAX)
            .saturating_add(2);
        // Small screens keep at most 30% so the ladder stays readable at 80×24.
        let share = if h < 30 { 30 } else { 35 };
        let most = u16::try_from(u32::from(h) * share / 100)
            .unwrap_or(h)
            .max(4);
        wanted.clamp(4, most)
    }

    /// When the screen next changes by itself (an animation frame, an arrow starting or
    /// landing), on the presentation clock; `None` when nothing on screen moves. The main
    /// loop sleeps until then when nothing else happens.
    pub fn next_redraw_ns(&self) -> Option<i64> {
        let screen = match self.screen {
            Screen::Packets | Screen::Stats => None,
            Screen::Flows => self
                .flows
                .next_redraw_ns(self.flows_layout().list_rows(), self.now_ns),
        };
        match (screen, self.next_replay_redraw_ns()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Applies one message.
    pub fn update(&mut self, msg: Msg) {
        let list_may_change = !matches!(
            msg,
            Msg::Tick | Msg::Drops(_) | Msg::Progress { .. } | Msg::Clock { .. } | Msg::Rate(_)
        ) || self.player.is_some();
        let frames = matches!(msg, Msg::Frames(_));
        // New packets are filtered as they arrive; a key finishes a filter pass only when
        // little is left (a big pass goes on in `work`, between frames, so keys stay quick).
        let is_key = matches!(msg, Msg::Key(_));
        let work_now = matches!(msg, Msg::Frames(_))
            || (self.player.is_some() && matches!(msg, Msg::Clock { .. }));
        let before = self.released;
        self.apply(msg);
        self.quiz_after(before);
        let small = self.pending_packets() <= find::INLINE_BUDGET as u64;
        if (work_now || (is_key && small)) && self.has_work() {
            self.work(find::INLINE_BUDGET);
        }
        if list_may_change {
            let layout = self.packet_layout();
            let shown = Shown::filtered(
                &self.store,
                self.released_index(),
                self.find.packet_filter(),
            );
            self.packets
                .refresh_visible(&shown, &layout, self.decoder.as_ref());
        }
        // A big table is re-sorted by the next message rather than after every batch.
        let sort_now = !frames || self.flows.len() <= flows::EAGER_SORT_LIMIT;
        if self.screen == Screen::Flows && sort_now {
            let layout = self.flows_layout();
            self.flows.refresh(&layout);
        }
    }

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Frames(frames) => self.on_frames(&frames),
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                self.relayout();
            }
            Msg::Progress {
                bytes_read,
                total_bytes,
            } => self.source.progress = Some((bytes_read, total_bytes)),
            Msg::Rate(r) => self.source.rate = Some(r),
            Msg::Finished(_) if self.detached => {}
            Msg::Finished(result) => {
                self.source.state = match result {
                    Ok(()) => SourceState::Done,
                    // Outside names in the reason were sanitized where it was made.
                    Err(reason) => SourceState::Failed(neutralize(&reason, false)),
                };
                self.finish_flows_if_over();
                self.filters_flows_final();
                // The status bar may have grown a row.
                self.relayout();
            }
            Msg::Drops(d) => {
                self.drops = d;
                self.evict_spooled();
            }
            Msg::Tick => self.settle_unanswered(),
            Msg::Clock { now_ns } => {
                self.now_ns = now_ns;
                self.replay_tick();
            }
        }
    }

    fn relayout(&mut self) {
        let layout = self.packet_layout();
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        );
        self.packets.relayout(&shown, &layout);
        self.relayout_follow();
    }

    /// The store position of the first packet not released yet (= how many kept packets are
    /// shown).
    pub(crate) fn released_index(&self) -> usize {
        let kept = self.released.saturating_sub(self.store.evicted());
        usize::try_from(kept)
            .unwrap_or(usize::MAX)
            .min(self.store.len())
    }

    /// Stores frames (summarized once); nothing is released yet.
    fn store_frames(&mut self, frames: &[Frame]) {
        for f in frames {
            self.store_frame(f);
        }
    }

    /// Stores one frame; when the packet limit evicts a shown packet to make room, its bytes
    /// leave the shown total.
    fn store_frame(&mut self, f: &Frame) -> Option<crate::model::TcpSegment> {
        let summary = self.decoder.summarize(f.link, &f.data, f.len);
        self.store_summarized(f, summary)
    }

    /// [`Self::store_frame`] with the summary already computed.
    fn store_summarized(
        &mut self,
        f: &Frame,
        summary: crate::decode::Summary,
    ) -> Option<crate::model::TcpSegment> {
        self.link = match self.link {
            LinkSeen::None => LinkSeen::One(f.link),
            LinkSeen::One(l) if l == f.link => LinkSeen::One(l),
            _ => LinkSeen::Mixed,
        };
        if !f.link.is_known() {
            self.undecoded_links += 1;
        }
        let tcp = summary.tcp;
        let evicted = self.store.evicted();
        let bytes = self.store.bytes_on_wire();
        let oldest_shown = self.released_index() > 0;
        self.store.push_with_summary(f, summary);
        if self.store.evicted() > evicted && oldest_shown {
            let gone = bytes
                .saturating_add(u64::from(f.len))
                .saturating_sub(self.store.bytes_on_wire());
            self.released_bytes = self.released_bytes.saturating_sub(gone);
        }
        tcp
    }

    fn on_frames(&mut self, frames: &[Frame]) {
        if self.detached {
            return;
        }
        let evicted = self.store.evicted();
        if self.player.is_some() {
            self.store_frames(frames);
            self.after_eviction(evicted);
            self.replay_frames_arrived();
            return;
        }
        // Live or `--instant`: everything is shown as it arrives, each packet released before
        // the next is stored, so the flow tracker sees every packet even when the packet limit
        // evicts some of a batch at once.
        for f in frames {
            let (layout, summary) = self.decoder.layout(f.link, &f.data, f.len);
            let tcp = self.store_summarized(f, summary);
            let index = self.store.len().saturating_sub(1);
            if !self.release_stored(index, f, tcp, &layout, self.now_ns) {
                while self.release_one(self.now_ns) {}
            }
        }
        if let Some(last) = frames.last() {
            self.capture_clock = Some((last.ts_ns, self.now_ns));
        }
        self.after_eviction(evicted);
        self.after_release();
        // Frames that were still in the channel when the spool dropped their bytes.
        self.evict_spooled();
    }

    /// Live capture: the capture clock runs on from the last packet with the presentation
    /// clock, and SYNs unanswered for `--syn-timeout` become `no_response` without waiting
    /// for the end of the capture.
    fn settle_unanswered(&mut self) {
        if !matches!(self.source.kind, SourceKind::Live { .. }) {
            return;
        }
        let Some((ts, at)) = self.capture_clock else {
            return;
        };
        let now = ts.saturating_add(self.now_ns.saturating_sub(at).max(0));
        self.flows.settle_unanswered(now, self.syn_timeout_ns);
    }

    /// Evicts the packets whose bytes the live spool removed from disk (`--spool-max`).
    fn evict_spooled(&mut self) {
        let gone = self.drops.spool_evicted;
        if self.store.evicted() >= gone || self.store.is_empty() {
            return;
        }
        let evicted = self.store.evicted();
        let bytes = self.store.bytes_on_wire();
        self.store.evict_through(gone);
        // Live capture releases every packet as it arrives: the evicted ones were shown.
        let freed = bytes.saturating_sub(self.store.bytes_on_wire());
        self.released_bytes = self.released_bytes.saturating_sub(freed);
        self.after_eviction(evicted);
    }

    /// The store evicted packets since it had evicted `before`: positions held by the screens
    /// move down by that many, so they stay on the same packets (a selected packet that was
    /// evicted gives way to the oldest kept one).
    fn after_eviction(&mut self, before: u64) {
        let gone = self.store.evicted().saturating_sub(before);
        if gone == 0 {
            return;
        }
        let gone = usize::try_from(gone).unwrap_or(usize::MAX);
        let gone = self.rows_evicted(gone);
        if gone == 0 {
            return;
        }
        self.explain_scroll = match self.explain_scroll.0.checked_sub(gone) {
            Some(index) => (index, self.explain_scroll.1),
            None => (usize::MAX, 0),
        };
        let layout = self.packet_layout();
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        );
        self.packets
            .on_evicted(gone, &shown, &layout, self.decoder.as_ref());
    }

    fn on_key(&mut self, key: Key) {
        if key == Key::CtrlC {
            self.quit = true;
            return;
        }
        if self.on_quit_answer(key) {
            return;
        }
        self.notice = None;
        if self.bar().is_some() {
            self.on_bar_key(key);
            self.relayout();
            return;
        }
        if self.help {
            // The overlay shows its rows in the terminal's height less borders and footer.
            let total = keys::help_row_count(self.redactor.is_some());
            let max = (total + 3).saturating_sub(usize::from(self.size.1));
            match key {
                Key::Char('?') | Key::Char('q') | Key::Esc => {
                    self.help = false;
                    self.help_scroll = 0;
                }
                Key::Down | Key::Char('j') | Key::Char(' ') | Key::PageDown => {
                    self.help_scroll = (self.help_scroll + 5).min(max);
                }
                Key::Up | Key::Char('k') | Key::PageUp => {
                    self.help_scroll = self.help_scroll.saturating_sub(5);
                }
                _ => {}
            }
            return;
        }
        if self.follow.is_some() {
            self.on_follow_key(key);
            return;
        }
        if self.on_lesson_key(key) {
            self.relayout();
            return;
        }
        if key == Key::Char('e') {
            self.toggle_explain();
            return;
        }
        if self.on_find_key(key) {
            self.relayout();
            return;
        }
        if self.on_replay_key(key) {
            self.relayout();
            return;
        }
        if self.on_explain_key(key) {
            return;
        }
        match (key, self.screen) {
            (Key::Char('?'), _) => self.help = true,
            (Key::Char('q') | Key::Esc, _) => self.on_quit_key(),
            (Key::Char('1'), _) => self.screen = Screen::Packets,
            (Key::Char('2'), _) => self.screen = Screen::Flows,
            (Key::Char('3'), _) => self.screen = Screen::Stats,
            (Key::Char('L'), Screen::Packets) => self.show_packet_flow(),
            (Key::Char('F'), _) => self.open_follow(),
            (Key::Char('x'), Screen::Flows) => self.export_ladder(false),
            (Key::Char('X'), Screen::Flows) => self.export_ladder(true),
            (_, Screen::Packets) => {
                let layout = self.packet_layout();
                let shown = Shown::filtered(
                    &self.store,
                    self.released_index(),
                    self.find.packet_filter(),
                );
                self.packets
                    .on_key(key, &shown, &layout, self.decoder.as_ref());
            }
            (_, Screen::Flows) => {
                let layout = self.flows_layout();
                self.refresh_ladder_rows();
                match self.flows.on_key(key, &layout, self.now_ns) {
                    Some(FlowAction::ShowPacket(no)) => self.show_packet(no),
                    Some(FlowAction::Notice(text)) => self.notice = Some(text),
                    None => {}
                }
                // The key may have expanded a run or chosen another flow.
                if self.screen == Screen::Flows {
                    self.refresh_ladder_rows();
                }
            }
            (_, Screen::Stats) => {
                let page = usize::from(self.size.1 / 3);
                if let Some(StatsAction::Filter(text)) = self.stats.on_key(key, page) {
                    self.apply_filter(Target::Packets, &text);
                    self.screen = Screen::Packets;
                }
            }
        }
    }

    /// `L` on the packet screen: the selected packet's flow on the flows screen, its ladder
    /// focused and the packet's arrow selected.
    fn show_packet_flow(&mut self) {
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        );
        let Some(view) = self.packets.selected().and_then(|i| shown.get(i)) else {
            return;
        };
        let no = view.number.saturating_add(1);
        let Some(id) = view.flow else {
            self.notice = Some(format!("packet {no} is not TCP: it belongs to no flow"));
            return;
        };
        let layout = self.flows_layout();
        match self.flows.show_flow_packet(id, no, &layout) {
            None => {
                self.notice = Some(format!(
                    "flow {id} is no longer kept (more flows than --max-flows)"
                ));
            }
            Some(_) => {
                self.screen = Screen::Flows;
                // Every packet of the connection has a row (a collapsed run holding it is
                // expanded first).
                self.refresh_ladder_rows();
                let mut found = self.flows.select_packet_row(no);
                if !found {
                    self.refresh_ladder_rows();
                    found = self.flows.select_packet_row(no);
                }
                if !found {
                    self.notice = Some(format!("packet {no} has no arrow in the ladder"));
                }
            }
        }
    }

    /// Enter on a ladder arrow: packet number `no` (1-based frame number) on the packet
    /// screen with its layers shown, or a notice when it was evicted.
    fn show_packet(&mut self, no: u64) {
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        );
        let row = self.store.index_of_frame(no).and_then(|i| shown.row_of(i));
        if let Some(Err(_)) = row {
            self.notice = Some(format!("packet {no} is hidden by the display filter"));
            return;
        }
        let Some(index) = row.and_then(Result::ok) else {
            self.notice = Some(if self.store.was_evicted(no) {
                format!("packet {no} was evicted ({})", self.store.eviction_flag())
            } else {
                format!("packet {no} is not shown yet")
            });
            return;
        };
        self.screen = Screen::Packets;
        let layout = self.packet_layout();
        self.packets
            .show_layers(index, &shown, &layout, self.decoder.as_ref());
    }

    fn on_mouse(&mut self, m: Mouse) {
        if self.follow.is_some() {
            match m.kind {
                MouseKind::ScrollUp => self.on_follow_key(Key::Up),
                MouseKind::ScrollDown => self.on_follow_key(Key::Down),
                MouseKind::Click => {}
            }
            return;
        }
        if self.help {
            if m.kind == MouseKind::Click {
                self.help = false;
            }
            return;
        }
        match self.screen {
            Screen::Packets => {
                let layout = self.packet_layout();
                let shown = Shown::filtered(
                    &self.store,
                    self.released_index(),
                    self.find.packet_filter(),
                );
                self.packets
                    .on_mouse(m, &shown, &layout, self.decoder.as_ref())
            }
            Screen::Flows => {
                let layout = self.flows_layout();
                self.refresh_ladder_rows();
                self.flows.on_mouse(m, &layout);
                self.refresh_ladder_rows();
            }
            Screen::Stats => {}
        }
    }
}
