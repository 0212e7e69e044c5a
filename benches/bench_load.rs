//! `bench-load FILE` (a dev-only binary, not shipped: `cargo run --release --example
//! bench-load -- FILE`): a headless benchmark of the interactive viewer. It opens
//! the file exactly as `synack replay` does — [`source::spawn`], the capture thread, the capture
//! file handed to the app, [`tui::run_loop`] draining the channel into [`App::update`] — but
//! draws into ratatui's `TestBackend` and plays a scripted user who presses ↓ every 50 ms while
//! the file loads. Once loaded it renders a number of frames while scrolling through the
//! whole list. It prints load time, time to the first screen with packets, how long keys waited
//! while loading, render time per frame, peak memory and memory per packet beyond the file's
//! own size. With `--live IFACE --seconds S` it captures live through the same path for S
//! seconds instead and prints what was received and dropped (by synack, by the kernel), the
//! rate, and the key and draw times. With `--jump N` it loads the file as a paused paced replay
//! and times the `:` jump to packet N (the replay's deterministic rebuild). Depends on `app`,
//! `cli`, `commands` (its error type), `pacing`, `source`, `tui`, `ui` and ratatui.

use std::cell::RefCell;
use std::convert::Infallible;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use clap::Parser;
use synack::app::{App, Drops, Key, Msg, SourceKind, SourceState};
use synack::cli::commands::CommandError;
use synack::source::{self, CaptureHandle, Input, LiveConfig, SourceEvent};
use synack::terminal::term::EventSource;
use synack::terminal::tui::{self, Feed, TICK, TuiError};
use synack::ui;

/// `bench-load`: headless benchmark of the interactive viewer (scripts/bench.sh).
#[derive(Debug, Parser)]
#[command(name = "bench-load")]
pub struct BenchLoadArgs {
    /// Capture file (pcap or pcapng).
    #[arg(
        value_name = "FILE",
        required_unless_present = "live",
        conflicts_with = "live"
    )]
    pub file: Option<PathBuf>,
    /// Capture live on this interface instead, for `--seconds`.
    #[arg(long, value_name = "IFACE")]
    pub live: Option<String>,
    /// How long to capture live.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Bytes to keep of each live packet.
    #[arg(long, default_value_t = 262_144)]
    pub snaplen: i32,
    /// Frames to render while scrolling once the file is loaded.
    #[arg(long, default_value_t = 300)]
    pub frames: usize,
    /// Screen width and height.
    #[arg(long, default_value_t = 120)]
    pub width: u16,
    #[arg(long, default_value_t = 40)]
    pub height: u16,
    /// Load the file as a paused paced replay instead, then time the `:` jump to packet N
    /// (the deterministic rebuild).
    #[arg(long, value_name = "N", conflicts_with = "live")]
    pub jump: Option<usize>,
    /// Once loaded, type this display filter in the `/` bar and time it: from Enter to the
    /// first draw with the pass over, a scripted user pressing ↓ every 20 ms meanwhile.
    #[arg(long, value_name = "FILTER", conflicts_with_all = ["live", "jump"])]
    pub filter: Option<String>,
}

/// How often the scripted user presses ↓ while the file loads.
const KEY_EVERY: Duration = Duration::from_millis(50);
/// How often the scripted user presses ↓ while a display filter is applied.
const FILTER_KEY_EVERY: Duration = Duration::from_millis(20);
/// Give up on a load that takes longer than this.
const LOAD_LIMIT: Duration = Duration::from_secs(600);

/// What one run measured.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub packets: usize,
    pub file_bytes: u64,
    /// From before opening the file to the end of the first draw after the source finished.
    pub load: Duration,
    /// From before opening the file to the end of the first draw that lists a packet.
    pub first_screen: Option<Duration>,
    /// Draws while loading, and the longest one.
    pub loading_draws: usize,
    pub loading_draw_max: Duration,
    /// Keys pressed while loading, and the average and longest time from a key press to the
    /// end of the draw that showed its effect.
    pub loading_keys: usize,
    pub loading_key_max: Duration,
    pub loading_key_avg: Duration,
    /// Frames rendered after loading (one key, then one draw each).
    pub frames: usize,
    pub frame_avg: Duration,
    pub frame_max: Duration,
    /// Peak resident memory (`VmHWM`) before opening the file and at the end.
    pub rss_before: Option<u64>,
    pub rss_peak: Option<u64>,
    /// Bytes of the packet index (records) and of packet bytes copied into memory.
    pub index_bytes: usize,
    pub copied_bytes: usize,
    /// With `--jump N`: N, the time from the `:` prompt's Enter to the end of the next draw,
    /// the packets released then and the selected packet's number.
    pub jump: Option<JumpReport>,
    /// With `--filter`: what applying it measured.
    pub filter: Option<FilterReport>,
}

/// What applying a display filter to the loaded file measured.
#[derive(Clone, Debug, Default)]
pub struct FilterReport {
    pub filter: String,
    /// From Enter to the end of the first draw after the pass was over.
    pub time: Duration,
    /// Packets listed and loaded.
    pub shown: usize,
    pub loaded: usize,
    /// Keys pressed during the pass, and the average and longest wait (press to draw).
    pub keys: usize,
    pub key_avg: Duration,
    pub key_max: Duration,
    /// Draws during the pass.
    pub draws: usize,
    /// Bytes of the filter's result.
    pub result_bytes: usize,
}

/// What a timed `:` jump in a paced replay measured.
#[derive(Clone, Debug, Default)]
pub struct JumpReport {
    pub target: usize,
    pub time: Duration,
    pub released: usize,
    pub selected: Option<u64>,
}

impl Report {
    /// Peak memory beyond the file's own size, per packet.
    pub fn bytes_per_packet(&self) -> Option<f64> {
        let peak = self.rss_peak?;
        let n = self.packets.max(1) as f64;
        Some((peak as f64 - self.file_bytes as f64) / n)
    }

    /// Writes `key value` lines (times in seconds or milliseconds, as the key says).
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        writeln!(out, "packets {}", self.packets)?;
        writeln!(out, "file_bytes {}", self.file_bytes)?;
        writeln!(out, "load_s {:.3}", self.load.as_secs_f64())?;
        match self.first_screen {
            Some(d) => writeln!(out, "first_screen_s {:.3}", d.as_secs_f64())?,
            None => writeln!(out, "first_screen_s n/a")?,
        }
        writeln!(out, "loading_draws {}", self.loading_draws)?;
        writeln!(out, "loading_draw_max_ms {:.2}", ms(self.loading_draw_max))?;
        writeln!(out, "loading_keys {}", self.loading_keys)?;
        writeln!(out, "loading_key_avg_ms {:.2}", ms(self.loading_key_avg))?;
        writeln!(out, "loading_key_max_ms {:.2}", ms(self.loading_key_max))?;
        writeln!(out, "frames {}", self.frames)?;
        writeln!(out, "frame_avg_ms {:.3}", ms(self.frame_avg))?;
        writeln!(out, "frame_max_ms {:.3}", ms(self.frame_max))?;
        let mib =
            |b: Option<u64>| b.map_or("n/a".into(), |b| format!("{:.1}", b as f64 / 1048576.0));
        writeln!(out, "rss_before_mib {}", mib(self.rss_before))?;
        writeln!(out, "rss_peak_mib {}", mib(self.rss_peak))?;
        writeln!(out, "index_mib {}", mib(Some(self.index_bytes as u64)))?;
        writeln!(out, "copied_mib {}", mib(Some(self.copied_bytes as u64)))?;
        match self.bytes_per_packet() {
            Some(b) => writeln!(out, "bytes_per_packet_beyond_file {b:.1}")?,
            None => writeln!(out, "bytes_per_packet_beyond_file n/a")?,
        }
        if let Some(f) = &self.filter {
            writeln!(out, "filter {}", f.filter)?;
            writeln!(out, "filter_s {:.3}", f.time.as_secs_f64())?;
            writeln!(out, "filter_shown {}", f.shown)?;
            writeln!(out, "filter_loaded {}", f.loaded)?;
            writeln!(out, "filter_draws {}", f.draws)?;
            writeln!(out, "filter_keys {}", f.keys)?;
            writeln!(out, "filter_key_avg_ms {:.2}", ms(f.key_avg))?;
            writeln!(out, "filter_key_max_ms {:.2}", ms(f.key_max))?;
            writeln!(
                out,
                "filter_result_bytes_per_packet {:.2}",
                f.result_bytes as f64 / f.loaded.max(1) as f64
            )?;
        }
        if let Some(j) = &self.jump {
            writeln!(out, "jump_to {}", j.target)?;
            writeln!(out, "jump_s {:.3}", j.time.as_secs_f64())?;
            let per = j.time.as_secs_f64() * 1e9 / j.released.max(1) as f64;
            writeln!(out, "jump_ns_per_packet {per:.0}")?;
            writeln!(out, "jump_released {}", j.released)?;
            match j.selected {
                Some(n) => writeln!(out, "jump_selected {n}")?,
                None => writeln!(out, "jump_selected n/a")?,
            }
        }
        Ok(())
    }
}

/// Peak resident set size of this process in bytes (`VmHWM`; Linux only).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// Draw timings the backend records.
#[derive(Default)]
struct DrawLog {
    started: Option<Instant>,
    /// (start, end) of every draw.
    draws: Vec<(Instant, Instant)>,
    /// End of the first draw whose packet list had a packet.
    first_with_packets: Option<Instant>,
    /// While timing a filter: the end of the first draw whose status bar says `shown` and no
    /// longer `filtering`.
    watch_filter: bool,
    filter_done: Option<Instant>,
}

/// `TestBackend` that timestamps each draw: `Terminal::draw` asks for the size first (to
/// autoresize) and flushes last.
struct TimedBackend {
    inner: TestBackend,
    log: Rc<RefCell<DrawLog>>,
}

impl TimedBackend {
    /// Whether the status bar (last row) says `shown N of M` and not `filtering`.
    fn filter_over(&self) -> bool {
        let buf = self.inner.buffer();
        let y = buf.area.height.saturating_sub(1);
        let row: String = (0..buf.area.width)
            .filter_map(|x| buf.cell((x, y)).map(|c| c.symbol().to_string()))
            .collect();
        row.contains("shown ") && !row.contains("filtering")
    }

    /// Whether the screen's "Packets (N)" title shows a non-zero N.
    fn lists_a_packet(&self) -> bool {
        let buf = self.inner.buffer();
        (0..buf.area.height).any(|y| {
            let row: String = (0..buf.area.width)
                .filter_map(|x| buf.cell((x, y)).map(|c| c.symbol().to_string()))
                .collect();
            row.split("Packets (").nth(1).is_some_and(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .any(|c| c != '0')
            })
        })
    }
}

impl Backend for TimedBackend {
    type Error = Infallible;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Infallible>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Infallible> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Infallible> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Infallible> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Infallible> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Infallible> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Infallible> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Infallible> {
        self.log.borrow_mut().started = Some(Instant::now());
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Infallible> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        self.inner.flush()?;
        let end = Instant::now();
        let first_missing = self.log.borrow().first_with_packets.is_none();
        let lists = first_missing && self.lists_a_packet();
        let watching = {
            let log = self.log.borrow();
            log.watch_filter && log.filter_done.is_none()
        };
        let filter_over = watching && self.filter_over();
        let mut log = self.log.borrow_mut();
        if filter_over {
            log.filter_done = Some(end);
        }
        if let Some(start) = log.started.take() {
            log.draws.push((start, end));
        }
        if lists {
            log.first_with_packets = Some(end);
        }
        Ok(())
    }
}

/// The scripted user while loading: presses ↓ every [`KEY_EVERY`] (whether or not the loop is
/// waiting for input at that moment: a key pressed while the loop drains frames waits in the
/// terminal, and that wait counts), waits like an idle terminal otherwise, and ends the loop
/// once the app is idle (the loop then waits longer than a tick: the source has finished and
/// nothing is queued).
struct LoadingUser {
    started: Instant,
    /// When the next key is pressed.
    next_key: Instant,
    /// (pressed, read by the loop) of every key.
    keys: Vec<(Instant, Instant)>,
    done: Arc<AtomicBool>,
    loaded_at: Option<Instant>,
    /// Live: end at this time instead of when the app is idle.
    until: Option<Instant>,
    /// How often a key is pressed.
    every: Duration,
}

impl EventSource for LoadingUser {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Msg>> {
        if self.loaded_at.is_some() {
            return Ok(None);
        }
        let now = Instant::now();
        let finished = match self.until {
            Some(until) => now >= until,
            None => timeout > TICK,
        };
        if finished || now.duration_since(self.started) > LOAD_LIMIT {
            self.loaded_at = Some(now);
            self.done.store(true, Ordering::SeqCst);
            return Ok(None);
        }
        if now < self.next_key {
            if self.next_key - now > timeout {
                if !timeout.is_zero() {
                    std::thread::sleep(timeout);
                }
                return Ok(None);
            }
            std::thread::sleep(self.next_key - now);
        }
        let pressed = self.next_key;
        self.next_key = pressed + self.every;
        self.keys.push((pressed, Instant::now()));
        Ok(Some(Msg::Key(Key::Down)))
    }
}

/// The keys of the scrolling phase, in a cycle that walks the whole list: pages down, single
/// steps, a jump to the end, pages up, a jump to the start.
fn scroll_key(i: usize) -> Key {
    match i % 64 {
        0..=19 => Key::PageDown,
        20..=29 => Key::Down,
        30 => Key::End,
        31..=50 => Key::PageUp,
        51..=60 => Key::Up,
        _ => Key::Home,
    }
}

/// Loads `path` through the viewer's path into a `width`×`height` `TestBackend`, then renders
/// `frames` frames while scrolling.
pub fn run(path: &Path, frames: usize, width: u16, height: u16) -> Result<Report, TuiError> {
    run_with(path, frames, width, height, None, None)
}

/// [`run`]; with `jump` Some(N) the file is loaded as `synack replay --paused` would load it
/// and, once loaded, the `:` jump to packet N is timed (keys through [`App::update`], then one
/// draw) before the scrolling frames.
pub fn run_with(
    path: &Path,
    frames: usize,
    width: u16,
    height: u16,
    jump: Option<usize>,
    filter: Option<&str>,
) -> Result<Report, TuiError> {
    let rss_before = peak_rss();
    let t0 = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let handle = source::spawn(Input::File(path.to_path_buf()), Arc::clone(&stop))?;
    let file_bytes = handle.info.total_bytes.unwrap_or(0);
    let mut app = App::new(
        SourceKind::File {
            name: tui::display_name(&handle.info.name, false),
        },
        width,
        height,
    );
    if let Some(f) = handle.file.clone() {
        app = app.with_file(f);
    }
    if let Some(link) = handle.info.link {
        app = app.with_link(link);
    }
    if jump.is_some() {
        // Paused, so that the loop goes idle once the file is loaded.
        app = app.with_replay(synack::replay::pacing::ReplayOptions {
            start_paused: true,
            ..synack::replay::pacing::ReplayOptions::default()
        });
    }
    let (mut terminal, log, mut feed) = harness(&handle, &stop, width, height);
    let done = Arc::new(AtomicBool::new(false));
    let mut user = LoadingUser {
        started: t0,
        next_key: t0 + KEY_EVERY,
        keys: Vec::new(),
        done: Arc::clone(&done),
        loaded_at: None,
        until: None,
        every: KEY_EVERY,
    };
    tui::run_loop(&mut terminal, &mut user, &mut feed, &done, &mut app)?;
    handle.join();
    if let SourceState::Failed(reason) = &app.source().state {
        return Err(TuiError::Source(reason.clone()));
    }

    let loaded_at = user.loaded_at.unwrap_or_else(Instant::now);
    let mut report = Report {
        packets: app.store().len(),
        file_bytes,
        load: loaded_at.duration_since(t0),
        rss_before,
        ..Report::default()
    };
    {
        let log = log.borrow();
        report.first_screen = log.first_with_packets.map(|t| t.duration_since(t0));
        report.loading_draws = log.draws.len();
        report.loading_draw_max = log
            .draws
            .iter()
            .map(|(s, e)| e.duration_since(*s))
            .max()
            .unwrap_or_default();
        let waits = key_waits(&user.keys, &log.draws);
        report.loading_keys = waits.len();
        report.loading_key_max = waits.iter().copied().max().unwrap_or_default();
        report.loading_key_avg = average(&waits);
    }

    if let Some(text) = filter {
        // The file is read: the loop gets a source that has nothing more to say.
        let (tx, rx) = std::sync::mpsc::channel::<Msg>();
        drop(tx);
        let mut idle = Feed {
            rx: &rx,
            drops: Box::new(Drops::default),
            stop: Arc::new(AtomicBool::new(false)),
        };
        report.filter = Some(time_filter(&mut app, &mut terminal, &mut idle, &log, text)?);
    }

    if let Some(target) = jump {
        app.update(Msg::Key(Key::Char(':')));
        for c in target.to_string().chars() {
            app.update(Msg::Key(Key::Char(c)));
        }
        let t = Instant::now();
        app.update(Msg::Key(Key::Enter));
        // The loop's next clock message (which, paused, must release nothing more).
        let now = app.now_ns().saturating_add(TICK.as_nanos() as i64);
        app.update(Msg::Clock { now_ns: now });
        let Ok(_) = terminal.draw(|f| ui::draw(f, &app));
        let time = t.elapsed();
        let shown = app.shown();
        report.jump = Some(JumpReport {
            target,
            time,
            released: shown.len(),
            selected: app
                .packets()
                .selected()
                .and_then(|i| shown.get(i))
                .map(|v| v.number.saturating_add(1)),
        });
    }

    // Scrolling: one key, one draw, timed together.
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        let t = Instant::now();
        app.update(Msg::Key(scroll_key(i)));
        let Ok(_) = terminal.draw(|f| ui::draw(f, &app));
        times.push(t.elapsed());
    }
    report.frames = frames;
    report.frame_avg = average(&times);
    report.frame_max = times.iter().copied().max().unwrap_or_default();
    report.rss_peak = peak_rss();
    report.index_bytes = app.store().index_bytes();
    report.copied_bytes = app.store().arena_bytes();
    Ok(report)
}

/// Types `text` in the `/` bar of the loaded `app` and runs the main loop until the pass is
/// over and the loop idles, a scripted user pressing ↓ every [`FILTER_KEY_EVERY`].
fn time_filter<T: Into<Msg>>(
    app: &mut App,
    terminal: &mut Terminal<TimedBackend>,
    feed: &mut Feed<'_, T>,
    log: &Rc<RefCell<DrawLog>>,
    text: &str,
) -> Result<FilterReport, TuiError> {
    app.update(Msg::Key(Key::Char('/')));
    for c in text.chars() {
        app.update(Msg::Key(Key::Char(c)));
    }
    {
        let mut l = log.borrow_mut();
        l.draws.clear();
        l.watch_filter = true;
        l.filter_done = None;
    }
    let t0 = Instant::now();
    app.update(Msg::Key(Key::Enter));
    let done = Arc::new(AtomicBool::new(false));
    let mut user = LoadingUser {
        started: t0,
        next_key: t0 + FILTER_KEY_EVERY,
        keys: Vec::new(),
        done: Arc::clone(&done),
        loaded_at: None,
        until: None,
        every: FILTER_KEY_EVERY,
    };
    tui::run_loop(terminal, &mut user, feed, &done, app)?;
    let log = log.borrow();
    let finished = log.filter_done.unwrap_or_else(Instant::now);
    let during: Vec<(Instant, Instant)> = user
        .keys
        .iter()
        .copied()
        .filter(|(pressed, _)| *pressed < finished)
        .collect();
    let waits = key_waits(&during, &log.draws);
    Ok(FilterReport {
        filter: text.to_string(),
        time: finished.duration_since(t0),
        shown: app.shown().len(),
        loaded: app.store().len(),
        keys: waits.len(),
        key_avg: average(&waits),
        key_max: waits.iter().copied().max().unwrap_or_default(),
        draws: log.draws.iter().filter(|(s, _)| *s < finished).count(),
        result_bytes: app
            .finder()
            .packet_filter()
            .map_or(0, synack::app::FilterPass::result_bytes),
    })
}

fn main() -> ExitCode {
    match bench(&BenchLoadArgs::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs and prints the report on stdout.
fn bench(args: &BenchLoadArgs) -> Result<(), CommandError> {
    let mut out = io::stdout().lock();
    match (&args.live, &args.file) {
        (Some(iface), _) => {
            let cfg = LiveConfig {
                interface: Some(iface.clone()),
                snaplen: args.snaplen,
                ..LiveConfig::default()
            };
            let seconds = Duration::from_secs_f64(args.seconds.clamp(0.1, 3600.0));
            let report = run_live(cfg, seconds, args.width, args.height)?;
            report.write(&mut out).map_err(CommandError::Output)
        }
        (None, Some(file)) => {
            let report = run_with(
                file,
                args.frames,
                args.width,
                args.height,
                args.jump,
                args.filter.as_deref(),
            )?;
            report.write(&mut out).map_err(CommandError::Output)
        }
        (None, None) => Ok(()),
    }
}

/// What a live run measured.
#[derive(Clone, Debug, Default)]
pub struct LiveReport {
    pub seconds: f64,
    /// Frames libpcap handed to synack, and the packets kept by the app.
    pub received: u64,
    pub kept: usize,
    /// Dropped inside synack (channel full), by the kernel (`ps_drop`), by the interface.
    pub dropped_by_synack: u64,
    pub kernel_dropped: u64,
    pub if_dropped: u64,
    pub draws: usize,
    pub draw_max: Duration,
    pub keys: usize,
    pub key_avg: Duration,
    pub key_max: Duration,
    pub rss_peak: Option<u64>,
}

impl LiveReport {
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        writeln!(out, "seconds {:.2}", self.seconds)?;
        writeln!(out, "received {}", self.received)?;
        writeln!(out, "kept {}", self.kept)?;
        writeln!(
            out,
            "received_per_s {:.0}",
            self.received as f64 / self.seconds.max(1e-9)
        )?;
        writeln!(out, "dropped_by_synack {}", self.dropped_by_synack)?;
        writeln!(out, "kernel_dropped {}", self.kernel_dropped)?;
        writeln!(out, "if_dropped {}", self.if_dropped)?;
        writeln!(out, "draws {}", self.draws)?;
        writeln!(out, "draw_max_ms {:.2}", ms(self.draw_max))?;
        writeln!(out, "keys {}", self.keys)?;
        writeln!(out, "key_avg_ms {:.2}", ms(self.key_avg))?;
        writeln!(out, "key_max_ms {:.2}", ms(self.key_max))?;
        let mib = self
            .rss_peak
            .map_or("n/a".into(), |b| format!("{:.1}", b as f64 / 1048576.0));
        writeln!(out, "rss_peak_mib {mib}")
    }
}

/// The timed test terminal the viewer draws into, its draw log, and the main loop's side of
/// `handle`'s capture (what `synack replay` and `synack live` build around a real terminal).
fn harness<'h>(
    handle: &'h CaptureHandle,
    stop: &Arc<AtomicBool>,
    width: u16,
    height: u16,
) -> (
    Terminal<TimedBackend>,
    Rc<RefCell<DrawLog>>,
    Feed<'h, SourceEvent>,
) {
    let log = Rc::new(RefCell::new(DrawLog::default()));
    let Ok(terminal) = Terminal::new(TimedBackend {
        inner: TestBackend::new(width, height),
        log: Rc::clone(&log),
    });
    let stats = Arc::clone(&handle.stats);
    let feed = Feed {
        rx: &handle.rx,
        drops: Box::new(move || Drops {
            kernel: stats.kernel_dropped.load(Ordering::Relaxed),
            synack: stats.dropped_by_synack.load(Ordering::Relaxed),
            spool_evicted: stats.spool_evicted.load(Ordering::Relaxed),
        }),
        stop: Arc::clone(stop),
    };
    (terminal, log, feed)
}

/// Captures live through the viewer's path for `seconds`, pressing ↓ every 50 ms.
pub fn run_live(
    cfg: LiveConfig,
    seconds: Duration,
    width: u16,
    height: u16,
) -> Result<LiveReport, TuiError> {
    let stop = Arc::new(AtomicBool::new(false));
    let handle = source::spawn(Input::Live(cfg), Arc::clone(&stop))?;
    let mut app = App::new(
        SourceKind::Live {
            iface: handle.info.name.clone(),
        },
        width,
        height,
    );
    if let Some(link) = handle.info.link {
        app = app.with_link(link);
    }
    let (mut terminal, log, mut feed) = harness(&handle, &stop, width, height);
    let done = Arc::new(AtomicBool::new(false));
    let t0 = Instant::now();
    let mut user = LoadingUser {
        started: t0,
        next_key: t0 + KEY_EVERY,
        keys: Vec::new(),
        done: Arc::clone(&done),
        loaded_at: None,
        until: Some(t0 + seconds),
        every: KEY_EVERY,
    };
    tui::run_loop(&mut terminal, &mut user, &mut feed, &done, &mut app)?;
    let elapsed = t0.elapsed();
    let stats = Arc::clone(&handle.stats);
    handle.join();
    let log = log.borrow();
    let waits = key_waits(&user.keys, &log.draws);
    Ok(LiveReport {
        seconds: elapsed.as_secs_f64(),
        received: stats.received.load(Ordering::Relaxed),
        kept: app.store().len(),
        dropped_by_synack: stats.dropped_by_synack.load(Ordering::Relaxed),
        kernel_dropped: stats.kernel_dropped.load(Ordering::Relaxed),
        if_dropped: stats.if_dropped.load(Ordering::Relaxed),
        draws: log.draws.len(),
        draw_max: log
            .draws
            .iter()
            .map(|(s, e)| e.duration_since(*s))
            .max()
            .unwrap_or_default(),
        keys: waits.len(),
        key_avg: average(&waits),
        key_max: waits.iter().copied().max().unwrap_or_default(),
        rss_peak: peak_rss(),
    })
}

/// For each key (pressed, read by the loop): the time from the press to the end of the first
/// draw that started after the loop read it.
fn key_waits(keys: &[(Instant, Instant)], draws: &[(Instant, Instant)]) -> Vec<Duration> {
    keys.iter()
        .filter_map(|(pressed, read)| {
            draws
                .iter()
                .find(|(s, _)| s >= read)
                .map(|(_, e)| e.duration_since(*pressed))
        })
        .collect()
}

fn average(d: &[Duration]) -> Duration {
    let n = u32::try_from(d.len().max(1)).unwrap_or(u32::MAX);
    d.iter().sum::<Duration>() / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_a_capture_and_renders_frames() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/demo/busy.pcap"
        ));
        let r = run(path, 20, 120, 40).expect("bench runs");
        assert_eq!(r.packets, 339);
        assert_eq!(r.frames, 20);
        assert!(r.first_screen.is_some_and(|f| f <= r.load), "{r:?}");
        assert_eq!(r.copied_bytes, 0, "a capture file's bytes are not copied");
        assert!(r.index_bytes >= 339 * 32);
        let mut out = Vec::new();
        r.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("packets 339\n"), "{text}");
        assert!(text.contains("bytes_per_packet_beyond_file "), "{text}");
    }

    #[test]
    fn times_a_jump_in_a_paced_replay_and_lands_on_the_packet_asked_for() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/demo/busy.pcap"
        ));
        let r = run_with(path, 2, 120, 40, Some(200), None).expect("bench runs");
        let j = r.jump.clone().expect("a jump was timed");
        assert_eq!((j.target, j.released, j.selected), (200, 200, Some(200)));
        let mut out = Vec::new();
        r.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("jump_to 200\njump_s "), "{text}");
        assert!(text.contains("jump_selected 200\n"), "{text}");
    }

    #[test]
    fn times_a_display_filter_and_the_keys_during_it() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/demo/busy.pcap"
        ));
        let r = run_with(path, 2, 120, 40, None, Some("tcp.flags.syn == 1")).expect("bench runs");
        let f = r.filter.clone().expect("a filter was timed");
        assert_eq!(f.loaded, 339);
        assert!(f.shown > 0 && f.shown < 339, "{f:?}");
        assert!(f.result_bytes <= 339 * 4, "{f:?}");
        let mut out = Vec::new();
        r.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("filter tcp.flags.syn == 1\nfilter_s "),
            "{text}"
        );
        assert!(
            text.contains(&format!("filter_shown {}\n", f.shown)),
            "{text}"
        );
    }

    #[test]
    fn a_key_waits_from_its_press_to_the_end_of_the_next_draw_after_it_was_read() {
        let t = Instant::now();
        let at = |ms: u64| t + Duration::from_millis(ms);
        let draws = [(at(0), at(2)), (at(10), at(13)), (at(30), at(31))];
        // Pressed at 5, read at 9 (after the first draw): shown at the end of the second.
        // Pressed at 20, read at 20: shown at 31. Read after every draw: not counted.
        let keys = [(at(5), at(9)), (at(20), at(20)), (at(40), at(40))];
        let waits = key_waits(&keys, &draws);
        assert_eq!(waits, [Duration::from_millis(8), Duration::from_millis(11)]);
    }

    #[test]
    fn scroll_keys_cycle_through_the_list() {
        let keys: Vec<Key> = (0..64).map(scroll_key).collect();
        assert!(keys.contains(&Key::End) && keys.contains(&Key::Home));
        assert_eq!(scroll_key(0), scroll_key(64));
    }
}
