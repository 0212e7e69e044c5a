//! Paced replay inside the app: which loaded packets are *released* (shown), driven by a
//! [`ReplayClock`] that only the main loop's [`super::Msg::Clock`] advances, and the video
//! player's controls — pause, speed, step, step back, next handshake event, restart, jump to a
//! packet or a time, loop. Every backwards move and every jump is a deterministic rebuild: a
//! fresh flow tracker fed packets `1..=k` again, each revealed on the presentation clock at
//! the instant a running clock would have reached its capture time, so the screen is exactly
//! the one playing forward would have shown. No clock is read here. Also the explain panel's
//! narration and `--redact` masking at display time (text, flows, and the hex pane's bytes of
//! every address field). Depends on `replay`, `pacing`, `explain`, `redact`, `decode`, `demo`
//! and the app's other modules.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::decode::{Decoded, Field};
use crate::model::TimestampNs;
use crate::redact::{Redactor, mac_text};
use crate::replay::pacing::ReplayOptions;
use crate::replay::{PlayState, ReplayClock};
use crate::teach::demo::Scenario;
use crate::teach::explain::{self, FlowContext, Narration};

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

/// Parses the `:` prompt: `12` is packet 12, `3.5s` (or `3.5 s`) 3.5 s after the first packet.
pub fn parse_jump(text: &str) -> Result<Jump, String> {
    let t = text.trim();
    if let Some(secs) = t.strip_suffix('s') {
        let v: f64 = secs
            .trim()
            .parse()
            .map_err(|_| format!("'{t}' is not a time (e.g. 3.5s)"))?;
        if !v.is_finite() || v < 0.0 {
            return Err(format!("'{t}' is not a time (e.g. 3.5s)"));
        }
        return Ok(Jump::Time((v * 1e9).min(i64::MAX as f64 / 2.0) as i64));
    }
    match t.parse::<usize>() {
        Ok(0) | Err(_) => Err(format!(
            "'{t}' is neither a packet number (12) nor a time (3.5s)"
        )),
        Ok(n) => Ok(Jump::Packet(n)),
    }
}

/// Where the `:` prompt jumps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jump {
    /// Packet number (1-based).
    Packet(usize),
    /// Capture nanoseconds after the first packet.
    Time(i64),
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

    /// Opens the explain panel (`e` toggles it).
    pub fn with_explain(mut self, on: bool) -> App {
        self.explain = on;
        self.packets.set_show_hex(on);
        self
    }

    /// Lines the explain panel is scrolled by for the packet shown now.
    pub fn explain_scroll(&self) -> usize {
        let current = self.packets.detail().map(|d| d.index);
        if current == Some(self.explain_scroll.0) {
            self.explain_scroll.1
        } else {
            0
        }
    }

    /// ↑ ↓ PgUp PgDn g G scroll the explain panel when it has the focus (where the hex pane
    /// would be). The renderer stops at the last line.
    pub(super) fn on_explain_key(&mut self, key: Key) -> bool {
        if !self.explain
            || self.screen != Screen::Packets
            || self.packets.focus() != super::Focus::Hex
        {
            return false;
        }
        let Some(index) = self.packets.detail().map(|d| d.index) else {
            return false;
        };
        let now = self.explain_scroll();
        let next = match key {
            Key::Up | Key::Char('k') => now.saturating_sub(1),
            Key::Down | Key::Char('j') => now.saturating_add(1).min(200),
            Key::PageUp => now.saturating_sub(5),
            Key::PageDown => now.saturating_add(5).min(200),
            Key::Home | Key::Char('g') => 0,
            Key::End | Key::Char('G') => 200,
            _ => return false,
        };
        self.explain_scroll = (index, next);
        true
    }

    /// `e`: opens or closes the explain panel (in the narrow layout its tab is shown).
    pub(super) fn toggle_explain(&mut self) {
        self.explain = !self.explain;
        self.packets.set_show_hex(self.explain);
    }

    /// The replay state, when packets are paced.
    pub fn player(&self) -> Option<&Player> {
        self.player.as_ref()
    }

    /// Whether the explain panel is open.
    pub fn explain_open(&self) -> bool {
        self.explain
    }

    /// The `:` prompt's text while it is open.
    pub fn prompt(&self) -> Option<&str> {
        self.bar()
            .filter(|b| b.kind == super::BarKind::GoTo)
            .map(|b| b.text.as_str())
    }

    /// The packets the packet list shows: those released (all of them unless a replay
    /// holds some back) that the display filter, if any, matched.
    pub fn shown(&self) -> Shown<'_> {
        Shown::filtered(
            &self.store,
            self.released_index(),
            self.find.packet_filter(),
        )
    }

    /// Bytes on the wire of the shown packets.
    pub fn shown_bytes(&self) -> u64 {
        self.released_bytes
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
        let (ts, len, seg) = (view.ts_ns, view.len, view.summary.tcp);
        // Flows know packets by frame number, which eviction does not change.
        let packet_no = view.number.saturating_add(1);
        let layout = crate::decode::layout(view.link, &view.data, view.len);
        let analysis = seg.map(|seg| {
            let obs = self.flows.observe_full(packet_no, ts, &seg, len, reveal_ns);
            (obs.flow, obs.analysis)
        });
        self.stats.observe(
            ts,
            len,
            &view.data,
            &layout,
            analysis.as_ref().map(|a| &a.1),
        );
        drop(view);
        if let Some((flow, analysis)) = analysis {
            self.store.set_flow(index, flow);
            self.store.set_analysis(index, &analysis);
        }
        self.register_addresses(index);
        self.released = packet_no;
        self.released_bytes = self.released_bytes.saturating_add(u64::from(len));
        true
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

    /// The explain panel's sentences for what is selected: the packet screen's packet, or the
    /// flows screen's selected arrow (else the flow's most recent one). Addresses masked
    /// with `--redact`.
    pub fn explanation(&self) -> Vec<Narration> {
        let (view, decoded) = match self.screen {
            Screen::Packets => match self.packets.detail() {
                Some(d) => (
                    self.shown().get(d.index),
                    std::borrow::Cow::Borrowed(&d.decoded),
                ),
                None => return Vec::new(),
            },
            Screen::Flows => {
                let Some(flow) = self.flows.selected_flow() else {
                    return Vec::new();
                };
                let event = self
                    .flows
                    .selected_event()
                    .and_then(|e| flow.ladder.get(e))
                    .or_else(|| flow.ladder.last());
                let Some(no) = event.map(|e| e.packet_no) else {
                    return Vec::new();
                };
                // Released, whether or not the display filter lists it.
                let Some(view) = self
                    .store
                    .index_of_frame(no)
                    .filter(|&i| i < self.released_index())
                    .and_then(|i| self.store.get(i))
                else {
                    return Vec::new();
                };
                let d = self.decoder.decode(view.link, &view.data, view.len);
                (Some(view), std::borrow::Cow::Owned(d))
            }
            Screen::Stats => return Vec::new(),
        };
        let no = view.as_ref().map_or(0, |v| v.number.saturating_add(1));
        let ctx = view
            .as_ref()
            .and_then(|v| v.flow)
            .and_then(|id| self.flows.tracker().get(id))
            .map(|flow| FlowContext {
                flow,
                event: flow.ladder.iter().find(|e| e.packet_no == no),
            });
        let mut out = explain::explain(&decoded, ctx);
        for n in &mut out {
            n.text = self.redact(&n.text);
        }
        out
    }

    /// With `--redact`: gives every address packet `index` can show (its endpoints first,
    /// then every field, issue and summary of its full decode) a stand-in now, when it is
    /// released. Stand-ins are so numbered in capture order, and drawing only looks them up:
    /// what the screen shows never depends on what was drawn first.
    fn register_addresses(&mut self, index: usize) {
        let Some(r) = self.redactor.as_mut() else {
            return;
        };
        let Some(view) = self.store.get(index) else {
            return;
        };
        for a in [view.summary.src, view.summary.dst].into_iter().flatten() {
            r.ip(&a);
        }
        let decoded = self.decoder.decode(view.link, &view.data, view.len);
        fn fields(r: &mut Redactor, list: &[Field]) {
            for f in list {
                r.text(&f.value);
                r.text(&f.meaning);
                fields(r, &f.children);
            }
        }
        for h in &decoded.headers {
            r.text(&h.protocol);
            fields(r, &h.fields);
        }
        for i in &decoded.issues {
            r.text(&i.message);
        }
        if let Some(a) = &decoded.app_summary {
            r.text(a);
        }
    }

    /// `text` with its addresses masked when `--redact` is on (looked up, never numbered
    /// here: see [`App::register_addresses`]).
    pub fn redact(&self, text: &str) -> String {
        match self.redactor.as_ref() {
            Some(r) => r.text_known(text),
            None => text.to_string(),
        }
    }

    /// `flow` with its endpoints masked when `--redact` is on (for drawing).
    pub fn redact_flow<'f>(
        &self,
        flow: &'f crate::flow::Flow,
    ) -> std::borrow::Cow<'f, crate::flow::Flow> {
        let Some(r) = self.redactor.as_ref() else {
            return std::borrow::Cow::Borrowed(flow);
        };
        let mut f = flow.clone();
        f.client = r.socket_known(&flow.client);
        f.server = r.socket_known(&flow.server);
        std::borrow::Cow::Owned(f)
    }

    /// Whether addresses are masked (`--redact`).
    pub fn redacting(&self) -> bool {
        self.redactor.is_some()
    }

    /// The bytes the hex pane (and its ASCII column) shows for a packet whose captured bytes
    /// are `data` and whose full decode is `decoded`: `data` itself, or with `--redact` a copy
    /// in which every address field's bytes (IPv4, IPv6, MAC: Ethernet, SLL, IP, ARP, …) are
    /// those of the stand-in the rest of the screen shows.
    pub fn hex_bytes<'d>(&self, decoded: &Decoded, data: &'d [u8]) -> Cow<'d, [u8]> {
        let Some(r) = self.redactor.as_ref() else {
            return Cow::Borrowed(data);
        };
        let mut out = data.to_vec();
        for h in &decoded.headers {
            mask_address_fields(&h.fields, &mut out, r);
        }
        // Addresses written as text in a payload (`Host: 10.77.1.2`) show in the ASCII column
        // and as hex digits: masked too.
        r.mask_text_in_bytes_known(&mut out);
        Cow::Owned(out)
    }
}

/// Overwrites in `data` the bytes of every address field in `fields` (and their children)
/// with its stand-in's bytes.
fn mask_address_fields(fields: &[Field], data: &mut [u8], r: &Redactor) {
    for f in fields {
        // A field that carries its address as data needs no parsing of its text.
        let typed = |r: &Redactor| f.typed.and_then(|t| r.stand_in_bytes_known(t));
        if let Some(bytes) = data.get_mut(f.range.clone())
            && let Some(masked) = typed(r).or_else(|| masked_address(&f.value, bytes, r))
            && masked.len() == bytes.len()
        {
            bytes.copy_from_slice(&masked);
        }
        mask_address_fields(&f.children, data, r);
    }
}

/// The stand-in's bytes when `bytes` hold an address — 4 or 16 bytes the field's `value`
/// shows as that IP address, or 6 bytes it shows as that MAC — else None.
fn masked_address(value: &str, bytes: &[u8], r: &Redactor) -> Option<Vec<u8>> {
    match bytes.len() {
        4 | 16 => {
            let real = match <[u8; 4]>::try_from(bytes) {
                Ok(b) => IpAddr::V4(Ipv4Addr::from(b)),
                Err(_) => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
            };
            if value.trim().parse::<IpAddr>().ok()? != real {
                return None;
            }
            Some(match r.ip_known(&real) {
                IpAddr::V4(a) => a.octets().to_vec(),
                IpAddr::V6(a) => a.octets().to_vec(),
            })
        }
        6 => {
            let real = <[u8; 6]>::try_from(bytes).ok()?;
            value
                .trim()
                .eq_ignore_ascii_case(&mac_text(real))
                .then(|| r.mac_known(real).to_vec())
        }
        _ => None,
    }
}

/// The presentation clock as the replay clock's wall time.
fn wall(now_ns: i64) -> u64 {
    u64::try_from(now_ns.max(0)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str, range: std::ops::Range<usize>) -> Field {
        Field {
            name: name.into(),
            value: value.into(),
            meaning: String::new(),
            range,
            children: Vec::new(),
            typed: None,
        }
    }

    #[test]
    fn address_fields_get_their_stand_ins_bytes_and_nothing_else_changes() {
        let mut data = vec![0x02, 0x77, 0, 0, 0, 1, 10, 77, 1, 1, 0xaa, 0xbb, 0xcc, 0xdd];
        let mut v6 = [0u8; 16];
        v6[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb9]);
        v6[15] = 7;
        data.extend_from_slice(&v6);
        let mut parent = field("Sender", "", 0..14);
        parent.children = vec![
            field("Sender hardware address", "02:77:00:00:00:01", 0..6),
            field("Sender protocol address", "10.77.1.1", 6..10),
            // Four bytes that do not show as an address are left alone.
            field("Checksum", "0xaabbccdd", 10..14),
        ];
        let fields = [parent, field("Source", "2001:db9::7", 14..30)];
        let mut r = Redactor::new();
        // Drawing only looks stand-ins up: the packet's addresses were registered on release.
        r.text("02:77:00:00:00:01 10.77.1.1 2001:db9::7");
        let mut out = data.clone();
        mask_address_fields(&fields, &mut out, &r);
        assert_eq!(out[..6], r.mac([0x02, 0x77, 0, 0, 0, 1]));
        assert_eq!(out[..6], [0x02, 0, 0, 0, 0, 1]);
        assert_eq!(out[6..10], [192, 0, 2, 1]);
        assert_eq!(out[10..14], data[10..14]);
        let v6_masked: Ipv6Addr = "2001:db8::1".parse().expect("v6");
        assert_eq!(out[14..30], v6_masked.octets());
        // A value that disagrees with the bytes is not trusted to be an address.
        assert_eq!(masked_address("10.0.0.9", &[10, 77, 1, 1], &r), None);
        assert_eq!(masked_address("x", &[1, 2, 3, 4, 5, 6], &r), None);
    }

    #[test]
    fn the_prompt_takes_packet_numbers_and_times() {
        assert_eq!(parse_jump("12"), Ok(Jump::Packet(12)));
        assert_eq!(parse_jump(" 3.5s "), Ok(Jump::Time(3_500_000_000)));
        assert_eq!(parse_jump("0.25 s"), Ok(Jump::Time(250_000_000)));
        assert!(parse_jump("0").is_err());
        assert!(parse_jump("-1s").is_err());
        assert!(parse_jump("soon").is_err());
        assert!(parse_jump("").is_err());
    }
}
