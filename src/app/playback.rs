//! Paced replay inside the app: which loaded packets are *released* (shown), driven by a
//! [`ReplayClock`] that only the main loop's [`super::Msg::Clock`] advances, and the video
//! player's controls — pause, speed, step, step back, next handshake event, restart, jump to a
//! packet or a time, loop. Every backwards move and every jump is a deterministic rebuild: a
//! fresh flow tracker fed packets `1..=k` again, each revealed on the presentation clock at
//! the instant a running clock would have reached its capture time, so the screen is exactly
//! the one playing forward would have shown. No clock is read here. The `:` prompt's parsing
//! is `jump`, the explain panel `explain_panel`, `--redact` masking `redaction`. Depends on
//! `replay`, `pacing`, `demo` and the app's other modules.

use crate::flow::PacketAnalysis;
use crate::model::{Frame, LinkType, TimestampNs};
use crate::replay::pacing::ReplayOptions;
use crate::replay::{PlayState, ReplayClock};
use crate::teach::demo::Scenario;

use super::flows::FlowScreen;
use super::shown::Shown;
use super::{App, Key, Screen, SourceState};

/// How long a looping replay rests on its last packet before starting again
/// (presentation-clock nanoseconds).
pub const LOOP_REST_NS: i64 = 2_000_000_000;
/// How often the progress bar is redrawn while playing (presentation-clock nanoseconds).
pub const PROGRESS_FRAME_NS: i64 = 100_000_000;

/// The replay state of the app: options, the clock (created at the first packet) and when
/// the end was reached (for `--loop`).
#[derive(Clone, Debug)]
pub struct Player {
    options: ReplayOptions,
    clock: Option<ReplayClock>,
    ended_at: Option<i64>,
    /// The demo being played, if any (`>` loads the next one).
    demo: Option<&'static Scenario>,
    /// Set by a step or jump, cleared when the clock runs again: while paused, packets
    /// stamped no later than the clock's position that the rebuild did not release (the
    /// packets after the one asked for that share its timestamp) stay held back.
    held: bool,
}

impl Player {
    pub fn new(options: ReplayOptions) -> Player {
        Player {
            options,
            clock: None,
            ended_at: None,
            demo: None,
            held: false,
        }
    }
    pub fn options(&self) -> &ReplayOptions {
        &self.options
    }
    /// The clock, once the first packet arrived.
    pub fn clock(&self) -> Option<&ReplayClock> {
        self.clock.as_ref()
    }
    pub fn demo(&self) -> Option<&'static Scenario> {
        self.demo
    }
    pub fn is_paused(&self) -> bool {
        self.clock
            .as_ref()
            .map_or(self.options.start_paused, ReplayClock::is_paused)
    }
    pub fn speed(&self) -> f64 {
        self.clock
            .as_ref()
            .map_or(self.options.speed, ReplayClock::speed)
    }
    pub fn is_looping(&self) -> bool {
        self.clock
            .as_ref()
            .map_or(self.options.looping, ReplayClock::is_looping)
    }
}

/// What the progress bar shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Packets released and loaded.
    pub released: usize,
    pub loaded: usize,
    /// Capture time since the first packet, and of the whole capture loaded so far.
    pub offset_ns: i64,
    pub total_ns: i64,
    pub speed: f64,
    pub state: PlayState,
    pub looping: bool,
    /// A silence longer than `--max-gap` being cut short: its real length.
    pub gap_ns: Option<i64>,
    /// The scenario a demo offers next once done.
    pub next_demo: Option<&'static str>,
}

impl App {
    /// Plays the capture at its recorded pace with `options` (`instant` options leave the app
    /// showing every packet at once, as without a replay). Call before any frame arrives.
    pub fn with_replay(mut self, options: ReplayOptions) -> App {
        if options.instant {
            self.player = None;
            return self;
        }
        self.player = Some(Player::new(options));
        // The selection follows each released packet and its flow.
        self.packets.set_follow(true);
        self.flows.set_follow(true);
        self.flows.set_follow_activity(true);
        self
    }

    /// Marks the app as playing the demo `scenario` (`>` loads the next one).
    pub fn with_demo(mut self, scenario: &'static Scenario) -> App {
        if let Some(p) = self.player.as_mut() {
            p.demo = Some(scenario);
        }
        self
    }

    /// The replay state, when packets are paced.
    pub fn player(&self) -> Option<&Player> {
        self.player.as_ref()
    }

    /// What the progress bar shows (None without a replay).
    pub fn progress(&self) -> Option<Progress> {
        let p = self.player.as_ref()?;
        let first = self.store.first_ts();
        let last_loaded = self
            .store
            .len()
            .checked_sub(1)
            .and_then(|i| self.store.ts_ns(i));
        let position = p.clock.as_ref().map(ReplayClock::position);
        let since = |ts: Option<TimestampNs>| match (ts, first) {
            (Some(t), Some(f)) => t.saturating_sub(f).max(0),
            _ => 0,
        };
        let more = self.released_index() < self.store.len() || self.is_running();
        let state = match p.clock.as_ref() {
            Some(c) => c.state(more),
            None if p.options.start_paused => PlayState::Paused,
            None => PlayState::Playing,
        };
        let gap_ns = self.compressed_gap();
        let next_demo = match (state, p.demo) {
            (PlayState::Done, Some(s)) => crate::teach::demo::after(s.name).map(|n| n.name),
            _ => None,
        };
        let total_ns = since(last_loaded);
        let mut offset_ns = since(position);
        if self.released_index() == self.store.len() {
            // The clock may have run past the last packet before noticing it was the last.
            offset_ns = offset_ns.min(total_ns);
        }
        Some(Progress {
            released: self.released_index(),
            loaded: self.store.len(),
            offset_ns,
            total_ns,
            speed: p.speed(),
            state,
            looping: p.is_looping(),
            gap_ns,
            next_demo,
        })
    }

    /// The silence after the last released packet when it is longer than `--max-gap`.
    fn compressed_gap(&self) -> Option<i64> {
        let p = self.player.as_ref()?;
        let released = self.released_index();
        let prev = self.store.ts_ns(released.checked_sub(1)?)?;
        let next = self.store.ts_ns(released)?;
        let gap = next.saturating_sub(prev);
        (gap > p.options.max_gap_ns).then_some(gap)
    }

    /// When a paced replay next changes the screen by itself (a packet's release, or the
    /// progress bar's next frame while playing).
    pub(super) fn next_replay_redraw_ns(&self) -> Option<i64> {
        let p = self.player.as_ref()?;
        let now = self.now_ns;
        if let Some(ended) = p.ended_at {
            return p
                .clock
                .as_ref()
                .filter(|c| c.is_looping())
                .map(|_| ended.saturating_add(LOOP_REST_NS).max(now));
        }
        let clock = p.clock.as_ref()?;
        if clock.is_paused() {
            return None;
        }
        let next = self.store.ts_ns(self.released_index())?;
        let ahead = next.saturating_sub(clock.position()).max(0) as f64 / clock.speed();
        let ahead = ahead.min(PROGRESS_FRAME_NS as f64) as i64;
        Some(now.saturating_add(ahead.max(1)))
    }

    /// The presentation instant at which a running clock passed capture time `ts`, given
    /// that it is at `position` now.
    fn reveal_ns(&self, ts: TimestampNs, position: TimestampNs, speed: f64) -> i64 {
        let behind = position.saturating_sub(ts).max(0) as f64 / speed;
        self.now_ns
            .saturating_sub(behind.min(i64::MAX as f64 / 2.0) as i64)
    }

    /// Releases the next packet, revealed at `reveal_ns`; false when none is loaded.
    pub(super) fn release_one(&mut self, reveal_ns: i64) -> bool {
        let index = self.released_index();
        let Some(view) = self.store.get(index) else {
            return false;
        };
        let packet = ReleasedPacket {
            number: view.number,
            ts: view.ts_ns,
            len: view.len,
            link: view.link,
            data: &view.data,
            tcp: view.summary.tcp,
            layout: None,
        };
        let analysis = packet.observe(&mut self.flows, &mut self.stats, reveal_ns);
        let (number, len) = (view.number, view.len);
        drop(view);
        self.after_observed(index, number, len, analysis);
        true
    }

    /// Releases the packet just stored at `index` from the frame in hand, when it is the next
    /// one due: live capture and `--instant` release every packet as it arrives, and reading
    /// its bytes back from the file (a system call per packet) was most of the load time.
    /// False when `index` is not the next packet to release.
    pub(super) fn release_stored(
        &mut self,
        index: usize,
        frame: &Frame,
        tcp: Option<crate::model::TcpSegment>,
        layout: &crate::decode::Layout,
        reveal_ns: i64,
    ) -> bool {
        if index != self.released_index() || index >= self.store.len() {
            return false;
        }
        let number = self.store.evicted().saturating_add(index as u64);
        let packet = ReleasedPacket {
            number,
            ts: frame.ts_ns,
            len: frame.len,
            link: frame.link,
            data: &frame.data,
            tcp,
            layout: Some(layout),
        };
        let analysis = packet.observe(&mut self.flows, &mut self.stats, reveal_ns);
        self.after_observed(index, number, frame.len, analysis);
        true
    }

    /// What every release does once flows and statistics saw the packet.
    fn after_observed(
        &mut self,
        index: usize,
        number: u64,
        len: u32,
        analysis: Option<(u32, PacketAnalysis)>,
    ) {
        if let Some((flow, analysis)) = analysis {
            self.store.set_flow(index, flow);
            self.store.set_analysis(index, &analysis);
        }
        self.register_addresses(index);
        // Flows know packets by frame number, which eviction does not change.
        self.released = number.saturating_add(1);
        self.released_bytes = self.released_bytes.saturating_add(u64::from(len));
    }

    /// After packets were released: the packet screen follows, and flows finish when the
    /// capture is over.
    pub(super) fn after_release(&mut self) {
        let layout = self.packet_layout();
        let shown = Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        );
        self.packets
            .on_new_packets(&shown, &layout, self.decoder.as_ref());
        self.finish_flows_if_over();
    }

    /// Outcomes such as "no response" are decided once every packet is shown.
    pub(super) fn finish_flows_if_over(&mut self) {
        if !self.flows_finished
            && self.source.state != SourceState::Running
            && self.released_index() == self.store.len()
        {
            self.flows.finish();
            self.flows_finished = true;
        }
    }

    /// Frames were stored: start the clock at the first one, release what is due.
    pub(super) fn replay_frames_arrived(&mut self) {
        let now = self.now_ns;
        let Some(p) = self.player.as_mut() else {
            return;
        };
        if p.clock.is_none() {
            let Some(first) = self.store.first_ts() else {
                return;
            };
            let mut clock = p.options.clock(first);
            clock.advance(wall(now), None, Some(first));
            p.clock = Some(clock);
        }
        self.release_due();
    }

    /// The presentation clock moved: advance the replay clock and release what is due.
    pub(super) fn replay_tick(&mut self) {
        let now = self.now_ns;
        let last = self
            .released_index()
            .checked_sub(1)
            .and_then(|i| self.store.ts_ns(i));
        let next = self.store.ts_ns(self.released_index());
        let Some(p) = self.player.as_mut() else {
            return;
        };
        let Some(clock) = p.clock.as_mut() else {
            return;
        };
        clock.advance(wall(now), last, next);
        self.release_due();
        // The end, and `--loop`'s restart after a rest.
        let over = self.released_index() == self.store.len() && !self.is_running();
        let Some(p) = self.player.as_mut() else {
            return;
        };
        if !over {
            p.ended_at = None;
            return;
        }
        let ended = *p.ended_at.get_or_insert(now);
        let looping = p.clock.as_ref().is_some_and(ReplayClock::is_looping);
        if looping && now.saturating_sub(ended) >= LOOP_REST_NS {
            self.seek_packet(1);
            if let Some(c) = self.player.as_mut().and_then(|p| p.clock.as_mut()) {
                c.set_paused(false);
            }
        }
    }

    /// Releases every packet whose capture time the clock has reached.
    fn release_due(&mut self) {
        let Some(p) = self.player.as_mut() else {
            return;
        };
        let Some(clock) = p.clock.clone() else {
            return;
        };
        if clock.is_paused() {
            if p.held {
                // Landed on the packet asked for: the ones sharing its stamp wait for play.
                return;
            }
        } else {
            p.held = false;
        }
        let (position, speed) = (clock.position(), clock.speed());
        let mut any = false;
        while let Some(ts) = self.store.ts_ns(self.released_index()) {
            if ts > position {
                break;
            }
            let reveal = self.reveal_ns(ts, position, speed);
            if !self.release_one(reveal) {
                break;
            }
            any = true;
        }
        if any {
            self.after_release();
        }
    }

    /// Rebuilds the screens as they are with the first `count` kept packets released and the
    /// clock at capture time `position`, paused: a fresh tracker is fed those packets, each
    /// revealed when a running clock would have passed it. (Packets evicted by a packet limit
    /// cannot be fed again; replays of files keep every packet.)
    fn rebuild(&mut self, count: usize, position: TimestampNs) {
        let Some(speed) = self.player.as_ref().map(Player::speed) else {
            return;
        };
        let old = std::mem::replace(&mut self.flows, FlowScreen::new(self.max_flows, true));
        self.flows.carry_settings_from(&old);
        self.flows.set_follow(true);
        self.stats.reset();
        self.flows_finished = false;
        self.released = self.store.evicted();
        self.released_bytes = 0;
        self.filters_rewound();
        if let Some(c) = self.player.as_mut().and_then(|p| p.clock.as_mut()) {
            c.seek(position);
            c.set_paused(true);
        }
        if let Some(p) = self.player.as_mut() {
            p.ended_at = None;
            p.held = true;
        }
        let count = count.min(self.store.len());
        while self.released_index() < count {
            let Some(ts) = self.store.ts_ns(self.released_index()) else {
                break;
            };
            let reveal = self.reveal_ns(ts, position.max(ts), speed);
            if !self.release_one(reveal) {
                break;
            }
        }
        self.packets.restart_position();
        self.packets.set_follow(true);
        self.after_release();
        if self.screen == Screen::Flows {
            let layout = self.flows_layout();
            self.flows.refresh(&layout);
        }
    }

    /// Jumps to packet number `no` (1-based frame number, clamped to the kept packets),
    /// paused, the clock at its time.
    pub fn seek_packet(&mut self, no: usize) {
        let loaded = self.store.len();
        if loaded == 0 {
            return;
        }
        let evicted = self.store.evicted();
        let no = u64::try_from(no).unwrap_or(u64::MAX);
        let kept = usize::try_from(no.saturating_sub(evicted)).unwrap_or(usize::MAX);
        let count = kept.clamp(1, loaded);
        let Some(ts) = self.store.ts_ns(count - 1) else {
            return;
        };
        // Packets stamped no later than it would be released with it (out-of-order stamps).
        self.rebuild(count, ts);
    }

    /// Jumps to capture time `offset_ns` after the first packet, paused.
    pub fn seek_time(&mut self, offset_ns: i64) {
        let Some(first) = self.store.first_ts() else {
            return;
        };
        let position = first.saturating_add(offset_ns.max(0));
        let mut count = 0;
        while self.store.ts_ns(count).is_some_and(|ts| ts <= position) {
            count += 1;
        }
        self.rebuild(count.max(1), position.max(first));
    }

    /// The next packet whose release adds a ladder arrow (SYN, SYN-ACK, handshake ACK, FIN,
    /// RST…), as a packet number; found by releasing ahead, then rebuilt exactly.
    fn next_event_packet(&mut self) -> Option<usize> {
        let now = self.now_ns;
        loop {
            let index = self.released_index();
            if !self.release_one(now) {
                return None;
            }
            let view = self.store.get(index)?;
            let no = view.number.saturating_add(1);
            let adds_arrow = view
                .flow
                .and_then(|id| self.flows.tracker().get(id))
                .and_then(|f| f.ladder.last())
                .is_some_and(|e| e.packet_no == no);
            if adds_arrow {
                return usize::try_from(no).ok();
            }
        }
    }

    /// A key of the replay controls; true when it was one.
    pub(super) fn on_replay_key(&mut self, key: Key) -> bool {
        if self.player.is_none() {
            return false;
        }
        let list_focus = match self.screen {
            Screen::Packets => self.packets.focus() == super::Focus::List,
            Screen::Flows => self.flows.focus() == super::FlowFocus::List,
            Screen::Stats => true,
        };
        match key {
            Key::Char(' ') => {
                if let Some(c) = self.player.as_mut().and_then(|p| p.clock.as_mut()) {
                    c.toggle_pause();
                }
            }
            Key::Char('+') | Key::Char('=') => self.scale_speed(2.0),
            Key::Char('-') | Key::Char('_') => self.scale_speed(0.5),
            Key::Char('n') => self.step(1),
            Key::Right if list_focus => self.step(1),
            Key::Char('b') => self.step(-1),
            Key::Left if list_focus => self.step(-1),
            Key::Char('N') => {
                let target = self.next_event_packet().unwrap_or(self.last_packet_no());
                self.seek_packet(target);
            }
            Key::Char('r') => self.seek_packet(1),
            Key::Home if list_focus && self.screen == Screen::Packets => self.seek_packet(1),
            Key::Char('l') if list_focus => {
                if let Some(c) = self.player.as_mut().and_then(|p| p.clock.as_mut()) {
                    c.set_looping(!c.is_looping());
                }
            }
            Key::Char('>') => self.next_demo(),
            _ => return false,
        }
        true
    }

    fn scale_speed(&mut self, factor: f64) {
        if let Some(p) = self.player.as_mut() {
            match p.clock.as_mut() {
                Some(c) => c.scale_speed(factor),
                None => {
                    p.options.speed = (p.options.speed * factor)
                        .clamp(crate::replay::MIN_SPEED, crate::replay::MAX_SPEED);
                }
            }
        }
    }

    /// The newest kept packet's 1-based frame number (0 when none).
    fn last_packet_no(&self) -> usize {
        let last = self.store.evicted().saturating_add(self.store.len() as u64);
        usize::try_from(last).unwrap_or(usize::MAX)
    }

    /// One packet forward or back, landing paused.
    fn step(&mut self, delta: isize) {
        let released = usize::try_from(self.released).unwrap_or(usize::MAX);
        let target = if delta < 0 {
            released.saturating_sub(delta.unsigned_abs())
        } else {
            released.saturating_add(delta.unsigned_abs())
        };
        self.seek_packet(target);
    }

    /// `>` in a demo: the next scenario, loaded from the binary, paused on its first packet.
    fn next_demo(&mut self) {
        let Some(current) = self.player.as_ref().and_then(|p| p.demo) else {
            return;
        };
        let Some(next) = crate::teach::demo::after(current.name) else {
            self.notice = Some("this was the last scenario".into());
            return;
        };
        match next.frames() {
            Ok(frames) => self.load_scenario(next, frames),
            Err(e) => self.notice = Some(crate::sanitize::sanitize(&e.to_string())),
        }
    }

    /// Replaces everything shown with `frames` of scenario `next` (the feed of the previous
    /// one is ignored from now on).
    pub fn load_scenario(&mut self, next: &'static Scenario, frames: Vec<crate::model::Frame>) {
        let Some(old) = self.player.as_ref() else {
            return;
        };
        let mut options = *old.options();
        options.start_paused = true;
        options.speed = old.speed();
        self.detached = true;
        self.store = super::PacketStore::new();
        self.released = 0;
        self.released_bytes = 0;
        self.link = super::LinkSeen::None;
        self.undecoded_links = 0;
        self.flows = FlowScreen::new(self.max_flows, true);
        self.stats.reset();
        self.flows_finished = false;
        self.packets = super::PacketScreen::new(true);
        self.packets.set_show_hex(self.explain);
        self.player = Some(Player {
            demo: Some(next),
            ..Player::new(options)
        });
        self.flows.set_follow_activity(true);
        self.filters_restart();
        self.source = super::SourceStatus {
            kind: super::SourceKind::File {
                name: format!("demo {}", next.name),
            },
            state: SourceState::Done,
            progress: None,
            rate: None,
        };
        self.store_frames(&frames);
        self.replay_frames_arrived();
        self.after_release();
    }
}

/// The presentation clock as the replay clock's wall time.
fn wall(now_ns: i64) -> u64 {
    u64::try_from(now_ns.max(0)).unwrap_or(0)
}

/// One packet being released, wherever its bytes are (the store or the frame in hand).
struct ReleasedPacket<'a> {
    /// 0-based frame number since the capture began.
    number: u64,
    ts: TimestampNs,
    len: u32,
    link: LinkType,
    data: &'a [u8],
    tcp: Option<crate::model::TcpSegment>,
    /// Computed with the summary when the packet arrived; else computed here.
    layout: Option<&'a crate::decode::Layout>,
}

impl ReleasedPacket<'_> {
    /// The flow tracker and the statistics see the packet; returns its flow and analysis.
    fn observe(
        &self,
        flows: &mut FlowScreen,
        stats: &mut super::stats::StatsScreen,
        reveal_ns: i64,
    ) -> Option<(u32, PacketAnalysis)> {
        let packet_no = self.number.saturating_add(1);
        let computed;
        let layout = match self.layout {
            Some(l) => l,
            None => {
                computed = crate::decode::layout(self.link, self.data, self.len);
                &computed
            }
        };
        let analysis = self.tcp.map(|seg| {
            let obs = flows.observe_full(packet_no, self.ts, &seg, self.len, reveal_ns);
            (obs.flow, obs.analysis)
        });
        stats.observe(
            self.ts,
            self.len,
            self.data,
            layout,
            analysis.as_ref().map(|a| &a.1),
        );
        analysis
    }
}
