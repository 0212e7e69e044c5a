//! The interactive main loop: the only place that reads the wall clock. Each turn it advances
//! the app's presentation clock (every animation follows it), drains the capture channel
//! without blocking (for at most a frame's budget, so keys stay responsive while a big file
//! loads), samples the drop counters, draws when something changed, every ~100 ms while the
//! source runs, and while an animation on screen moves (about 30 frames a second while an
//! arrow is in flight, then only when one starts or lands), then waits for input until the
//! next of those. Animation never blocks input. Generic over the ratatui backend, the input
//! source and the clock, so tests drive it with a `TestBackend`, scripted events and made-up
//! time. Depends on `app`, `ui`, `term` and ratatui.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;

use crate::app::{App, DEFAULT_MAX_FLOWS, Drops, Msg, SourceKind, SourceState};
use crate::model::Frame;
use crate::replay::pacing::ReplayOptions;
use crate::source::{self, Input, SourceError, SourceEvent};
use crate::terminal::term::{self, CrosstermEvents, EventSource, TermError};
use crate::terminal::theme_config::ThemeChoice;
use crate::ui;

/// Longest time spent draining the capture channel before drawing and reading keys (a key
/// pressed while a big file loads is on screen within about this plus one draw).
pub const FRAME_BUDGET: Duration = Duration::from_millis(12);
/// Frames alone redraw at most this often (keys and mouse redraw at once).
const FRAME_MIN: Duration = Duration::from_millis(16);
/// How long to wait for input while frames flow (some arrived in the last tick and the source
/// runs): more are on the way, and sleeping a whole tick would stall a file's reader on a full channel, or
/// make a live capture drop (the channel holds ~40 ms of packets at 200k packets/s).
const FEED_POLL: Duration = Duration::from_millis(2);
/// Redraw period while the source is running.
pub const TICK: Duration = Duration::from_millis(100);
/// How long to wait for input when nothing runs (bounds how late a signal is noticed).
const IDLE_WAIT: Duration = Duration::from_millis(250);
/// Longest time spent per turn on background work (a display filter over a loaded file, a
/// search, an export) before reading keys again: a key waits at most about this plus a draw.
pub const WORK_BUDGET: Duration = Duration::from_millis(8);
/// Packets of background work between two looks at the clock.
const WORK_SLICE: usize = 2048;
/// Input events handled per turn before drawing again.
const MAX_EVENTS_PER_TURN: usize = 64;

/// Errors of the interactive session.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// The source could not be opened (missing file, no permission, bad filter…).
    #[error(transparent)]
    Open(#[from] SourceError),
    #[error(transparent)]
    Term(#[from] TermError),
    #[error("terminal error: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not draw the screen: {0}")]
    Draw(String),
    /// The source stopped with an error (shown on screen, returned after the terminal is
    /// restored so the program can print it and exit non-zero).
    #[error("{0}")]
    Source(String),
    /// A signal ended the session (the terminal is restored; exit status 128 + the number).
    #[error("stopped by {}", signal_name(*.0))]
    Signal(i32),
    /// A thread panicked (a bug): the loop left, the terminal is restored.
    #[error(
        "internal error, synack stopped: {0}. The terminal was restored; please report this \
         with the command you ran"
    )]
    Panicked(String),
}

/// A signal's conventional name.
pub fn signal_name(sig: i32) -> String {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    match sig {
        SIGHUP => "SIGHUP".into(),
        SIGINT => "SIGINT".into(),
        SIGQUIT => "SIGQUIT".into(),
        SIGTERM => "SIGTERM".into(),
        SIGUSR1 => "SIGUSR1".into(),
        SIGUSR2 => "SIGUSR2".into(),
        n => format!("signal {n}"),
    }
}

/// Settings of the interactive session that come from the command line.
#[derive(Clone, Debug)]
pub struct TuiOptions {
    /// Most TCP flows kept (`--max-flows`); the least recently active are evicted and counted.
    pub max_flows: usize,
    /// Live capture: an unanswered SYN becomes `no_response` after this long (`--syn-timeout`).
    pub syn_timeout_ns: i64,
    /// Most packets kept (`--max-packets`, live captures); the oldest are evicted and counted.
    /// `None` keeps every packet (files: their index is small and their bytes stay in the file).
    pub max_packets: Option<usize>,
    /// Byte budget of the packet store (`--max-mem`: index records plus copied bytes); the
    /// oldest packets are evicted and counted. `None`: no byte limit.
    pub max_mem: Option<u64>,
    /// Paced replay (None: show every packet as it arrives — live, `--instant`).
    pub replay: Option<ReplayOptions>,
    /// `--theme` and `NO_COLOR`.
    pub theme: ThemeChoice,
    /// `--redact`: mask MAC and IP addresses on screen.
    pub redact: bool,
    /// Open the explain panel from the start.
    pub explain: bool,
    /// `-Y`: the display filter to start with, compiled.
    pub filter: Option<std::sync::Arc<crate::filter::Filter>>,
    /// Where the filter bar's history is kept (`None`: in memory only).
    pub history: Option<std::path::PathBuf>,
    /// Quitting asks first: a live capture that `-w` does not save.
    pub confirm_quit: bool,
    /// The lesson look (`synack demo`, `replay --lesson`): flag words in the packet list.
    pub lesson: bool,
    /// Predict, then reveal (`--quiz`).
    pub quiz: bool,
}

impl Default for TuiOptions {
    fn default() -> Self {
        TuiOptions {
            max_flows: DEFAULT_MAX_FLOWS,
            syn_timeout_ns: crate::app::DEFAULT_SYN_TIMEOUT_NS,
            max_packets: None,
            max_mem: None,
            replay: None,
            theme: ThemeChoice::default(),
            redact: false,
            explain: false,
            filter: None,
            history: None,
            confirm_quit: false,
            lesson: false,
            quiz: false,
        }
    }
}

impl TuiOptions {
    /// A fresh app for these options, for a `width`×`height` terminal.
    pub fn app(&self, kind: SourceKind, width: u16, height: u16) -> App {
        let history = match &self.history {
            Some(path) => crate::app::History::load(path),
            None => crate::app::History::default(),
        };
        let app = App::new(kind, width, height)
            .with_history(history)
            .with_quit_confirmation(self.confirm_quit)
            .with_theme(self.theme)
            .with_redact(self.redact)
            .with_explain(self.explain)
            .with_initial_filter(self.filter.clone())
            .with_lesson(self.lesson)
            .with_quiz(self.quiz);
        let app = match self.replay {
            Some(r) => app.with_replay(r),
            None => app,
        };
        app.with_max_flows(self.max_flows)
            .with_syn_timeout(self.syn_timeout_ns)
            .with_max_packets(self.max_packets)
            .with_max_mem(self.max_mem)
    }
}

/// What a capture source sends the loop (the `source` module's events convert into these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedEvent {
    Frames(Vec<Frame>),
    Progress {
        bytes_read: u64,
        total_bytes: Option<u64>,
    },
    Finished(Result<(), String>),
}

impl From<FeedEvent> for Msg {
    fn from(ev: FeedEvent) -> Msg {
        match ev {
            FeedEvent::Frames(f) => Msg::Frames(f),
            FeedEvent::Progress {
                bytes_read,
                total_bytes,
            } => Msg::Progress {
                bytes_read,
                total_bytes,
            },
            FeedEvent::Finished(r) => Msg::Finished(r),
        }
    }
}

impl From<SourceEvent> for Msg {
    fn from(ev: SourceEvent) -> Msg {
        match ev {
            SourceEvent::Frames(f) => Msg::Frames(f),
            SourceEvent::Progress {
                bytes_read,
                total_bytes,
            } => Msg::Progress {
                bytes_read,
                total_bytes,
            },
            SourceEvent::Rate(r) => Msg::Rate(r),
            SourceEvent::Finished(r) => Msg::Finished(r.map_err(|e| e.to_string())),
        }
    }
}

/// The name the status bar shows for a source: the file's name, `stdin` for `-`, or the
/// interface.
pub fn display_name(name: &str, live: bool) -> String {
    if live {
        return name.to_string();
    }
    if name == "-" {
        return "stdin".to_string();
    }
    std::path::Path::new(name)
        .file_name()
        .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The packet screen over `input`: opens the source first (so opening errors are printed on
/// the normal screen), then takes the terminal until the user quits or a signal arrives, then
/// stops the capture thread and waits for it (so a live `-w` file is complete). Returns
/// [`TuiError::Source`] when the source failed while the screen was up.
pub fn run(input: Input, options: &TuiOptions) -> Result<(), TuiError> {
    let stop = Arc::new(AtomicBool::new(false));
    let handle = source::spawn(input, Arc::clone(&stop))?;
    let info = handle.info.clone();
    let kind = if info.live {
        SourceKind::Live {
            iface: display_name(&info.name, true),
        }
    } else {
        SourceKind::File {
            name: display_name(&info.name, false),
        }
    };
    let stats = Arc::clone(&handle.stats);
    let feed = Feed {
        rx: &handle.rx,
        drops: Box::new(move || Drops {
            kernel: stats.kernel_dropped.load(Ordering::Relaxed),
            synack: stats.dropped_by_synack.load(Ordering::Relaxed),
            spool_evicted: stats.spool_evicted.load(Ordering::Relaxed),
        }),
        stop: Arc::clone(&stop),
    };
    let file = handle.file.clone();
    let spooled = handle.spooled.clone();
    let result = run_feed_with(feed, |w, h| {
        let mut app = options.app(kind, w, h);
        if let Some(f) = file {
            app = app.with_file(f);
        }
        if let Some(s) = spooled {
            app = app.with_spool(s.file);
        }
        match info.link {
            Some(link) => app.with_link(link),
            None => app,
        }
    });
    stop.store(true, Ordering::SeqCst);
    // Reads of pipes and FIFOs look at the stop flag while they wait: this returns promptly
    // even when the writer is silent.
    handle.join();
    result
}

/// The loop's side of a capture: its event channel, a way to read its drop counters, and
/// the flag that tells it to stop.
pub struct Feed<'a, T> {
    pub rx: &'a Receiver<T>,
    pub drops: Box<dyn FnMut() -> Drops>,
    pub stop: Arc<AtomicBool>,
}

/// Runs the loop until the user quits, `quit` is set (a signal) or a draw fails. Tells the
/// source to stop on the way out. The presentation clock is the wall time since the call.
pub fn run_loop<B, E, T>(
    terminal: &mut Terminal<B>,
    events: &mut E,
    feed: &mut Feed<'_, T>,
    quit: &AtomicBool,
    app: &mut App,
) -> Result<(), TuiError>
where
    B: Backend,
    E: EventSource,
    T: Into<Msg>,
{
    let origin = Instant::now();
    run_loop_with_clock(terminal, events, feed, quit, app, &mut || origin.elapsed())
}

/// [`run_loop`] with the time since the session began read from `clock` (tests pass a
/// made-up clock that their event source advances by each wait's timeout).
pub fn run_loop_with_clock<B, E, T>(
    terminal: &mut Terminal<B>,
    events: &mut E,
    feed: &mut Feed<'_, T>,
    quit: &AtomicBool,
    app: &mut App,
    clock: &mut dyn FnMut() -> Duration,
) -> Result<(), TuiError>
where
    B: Backend,
    E: EventSource,
    T: Into<Msg>,
{
    let result = turns(terminal, events, feed, quit, app, clock);
    feed.stop.store(true, Ordering::SeqCst);
    // A panic elsewhere (capture or input thread) explains whatever ended the loop.
    match term::panic_note() {
        Some(note) => Err(TuiError::Panicked(note)),
        None => result,
    }
}

/// A clock reading as presentation-clock nanoseconds.
fn nanos(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

fn turns<B, E, T>(
    terminal: &mut Terminal<B>,
    events: &mut E,
    feed: &mut Feed<'_, T>,
    quit: &AtomicBool,
    app: &mut App,
    clock: &mut dyn FnMut() -> Duration,
) -> Result<(), TuiError>
where
    B: Backend,
    E: EventSource,
    T: Into<Msg>,
{
    let mut dirty = true;
    let mut input = true;
    let mut last_fed: Option<Instant> = None;
    let mut connected = true;
    let mut last_draw: Option<Duration> = None;
    // When the animation on screen next needs a frame (presentation clock), as of the last
    // draw; anything else that changes the screen sets `dirty` and recomputes it.
    let mut next_frame: Option<i64> = None;
    loop {
        if quit.load(Ordering::SeqCst) || app.should_quit() || term::panic_note().is_some() {
            return Ok(());
        }
        // 0. The presentation clock: frames drained below are revealed at this instant.
        let now = clock();
        app.update(Msg::Clock { now_ns: nanos(now) });
        // 1. Capture events, bounded by the frame budget (one batch when a key waits to be
        //    shown).
        let budget = if input { Duration::ZERO } else { FRAME_BUDGET };
        let started = Instant::now();
        let mut backlog = false;
        while connected {
            match feed.rx.try_recv() {
                Ok(ev) => {
                    app.update(ev.into());
                    dirty = true;
                    last_fed = Some(started);
                    if started.elapsed() >= budget {
                        backlog = true;
                        break;
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    connected = false;
                    if app.is_running() {
                        app.update(Msg::Finished(Err(
                            "the capture stopped without saying why".into()
                        )));
                        dirty = true;
                    }
                }
            }
        }
        // 1b. Background work (a display filter over a big file, a search, an export), a
        //     slice at a time; none in a turn that must show a key's effect first.
        let mut working = false;
        if app.has_work() {
            let slice = if input { Duration::ZERO } else { WORK_BUDGET };
            let started = Instant::now();
            loop {
                working = app.work(WORK_SLICE);
                dirty = true;
                if !working || started.elapsed() >= slice {
                    break;
                }
            }
        }
        // 2. Drop counters.
        let drops = (feed.drops)();
        if drops != app.drops() {
            app.update(Msg::Drops(drops));
            dirty = true;
        }
        // 3. Tick, animation frame and draw.
        let since_draw = last_draw.map(|t| now.saturating_sub(t));
        if app.is_running() && since_draw.is_none_or(|d| d >= TICK) {
            app.update(Msg::Tick);
            dirty = true;
        }
        if next_frame.is_some_and(|at| at <= nanos(now)) {
            dirty = true;
        }
        if dirty && (input || !app.is_running() || since_draw.is_none_or(|d| d >= FRAME_MIN)) {
            // The terminal may have changed size since the last resize event was read (the
            // event is still queued): tell the app first, so scrolling and the click map
            // match the frame. The renderer lays out with the frame's own size anyway, in
            // case the terminal changes again between this and the draw.
            if let Ok(size) = terminal.size()
                && (size.width, size.height) != app.size()
            {
                app.update(Msg::Resize {
                    width: size.width,
                    height: size.height,
                });
            }
            terminal
                .draw(|f| ui::draw(f, app))
                .map_err(|e| TuiError::Draw(e.to_string()))?;
            dirty = false;
            input = false;
            last_draw = Some(now);
            next_frame = app.next_redraw_ns();
        }
        // 4. Input: wait until the next tick or animation frame (not at all when frames are
        //    still queued, briefly while frames flow or a draw is due).
        let after = clock();
        let mut timeout = if backlog || working {
            Duration::ZERO
        } else if dirty || (app.is_running() && last_fed.is_some_and(|t| t.elapsed() < TICK)) {
            FEED_POLL
        } else if app.is_running() {
            TICK.saturating_sub(last_draw.map_or(TICK, |t| after.saturating_sub(t)))
        } else {
            IDLE_WAIT
        };
        if let Some(at) = next_frame {
            let until = u64::try_from(at.saturating_sub(nanos(after))).unwrap_or(0);
            timeout = timeout.min(Duration::from_nanos(until));
        }
        let mut wait = timeout;
        for _ in 0..MAX_EVENTS_PER_TURN {
            match events.next(wait)? {
                Some(msg) => {
                    app.update(msg);
                    dirty = true;
                    input = true;
                    wait = Duration::ZERO;
                }
                None => break,
            }
        }
    }
}

/// Takes the terminal and runs the packet screen over `feed` until the user quits or a
/// signal arrives; the terminal is restored on every path (errors, panics, signals). Returns
/// [`TuiError::Source`] if the source failed, after the terminal is restored.
pub fn run_feed<T: Into<Msg>>(kind: SourceKind, feed: Feed<'_, T>) -> Result<(), TuiError> {
    run_feed_with(feed, |w, h| App::new(kind, w, h))
}

/// Like [`run_feed`], with the app built by `make_app(width, height)` once the terminal's
/// size is known.
pub fn run_feed_with<T: Into<Msg>>(
    mut feed: Feed<'_, T>,
    make_app: impl FnOnce(u16, u16) -> App,
) -> Result<(), TuiError> {
    let signals = term::Signals::register()?;
    let mut guard = term::TerminalGuard::enter()?;
    let size = guard.terminal().size()?;
    let mut app = make_app(size.width, size.height);
    let mut events = CrosstermEvents::start()?;
    let result = run_loop(
        guard.terminal(),
        &mut events,
        &mut feed,
        signals.flag(),
        &mut app,
    );
    drop(guard);
    let signal = signals.received();
    drop(signals);
    result?;
    if let Some(sig) = signal {
        return Err(TuiError::Signal(sig));
    }
    if let SourceState::Failed(reason) = &app.source().state {
        return Err(TuiError::Source(reason.clone()));
    }
    Ok(())
}
