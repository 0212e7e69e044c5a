//! The non-interactive subcommands — `dump`, `flows`, `interfaces`, `replay --print` — as
//! streaming loops over a frame source: read a frame, decode, track its flow, print. Memory
//! stays flat whatever the input's size (flows aside, which are bounded by `--max-flows`).
//! `replay --print` paces the same lines on the replay clock (`pacing`), `--redact` masks
//! addresses (`redact`). Also `demo`: `--list`, or the viewer (`tui`) over an embedded
//! scenario. Depends on cli, source, decode, flow, output, pacing, redact, demo, app and tui.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::cli::output::{self, PacketLine};
use crate::cli::{DemoArgs, DumpArgs, FlowsArgs, Format, LiveLimits, ReplayArgs};
use crate::decode::{self, Summary};
use crate::flow::{Flow, FlowTracker, Observation};
use crate::model::Frame;
use crate::redact::Redactor;
use crate::replay::WallNs;
use crate::replay::pacing::Pacer;
use crate::source::{
    self, FileReader, FrameFilter, LiveCapture, LiveConfig, LiveRead, SourceError,
};
use crate::teach::demo::{self, DemoError};

/// Why a command stopped early. `Display` is the message the user sees.
#[derive(Debug, Error)]
pub enum CommandError {
    #[error("{0}")]
    Source(#[from] SourceError),
    #[error("cannot write the output: {0}")]
    Output(io::Error),
    #[error("{0}")]
    Interactive(#[from] crate::terminal::tui::TuiError),
    #[error("{0}")]
    Demo(#[from] DemoError),
}

impl CommandError {
    /// The reader of our output went away (`synack dump x | head`): not an error to report.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CommandError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Where frames come from: a file (or stdin) read to its end, or a live interface.
enum Input {
    File(Box<FileReader>),
    Live(Box<LiveCapture>),
}

impl Input {
    fn open(
        file: Option<&Path>,
        live: &LiveLimits,
        filter: Option<&str>,
    ) -> Result<Input, SourceError> {
        match file {
            Some(p) if p.as_os_str() == "-" => Ok(Input::File(Box::new(FileReader::from_reader(
                Box::new(io::stdin()),
                "stdin",
            )?))),
            Some(p) => Ok(Input::File(Box::new(FileReader::open(p)?))),
            None => {
                let cfg = LiveConfig {
                    interface: live.interface.clone(),
                    filter: filter.map(str::to_owned),
                    snaplen: live.snaplen,
                    promisc: !live.no_promisc,
                    ..LiveConfig::default()
                };
                let cap = LiveCapture::open(&cfg)?;
                // Like tcpdump's "listening on": tells scripts (and tests) the capture is armed.
                eprintln!(
                    "synack: capturing on {} ({}), snaplen {} bytes{}",
                    cap.interface(),
                    cap.link_type(),
                    live.snaplen,
                    filter
                        .map(|f| format!(", filter '{f}'"))
                        .unwrap_or_default()
                );
                Ok(Input::Live(Box::new(cap)))
            }
        }
    }

    /// The next frame, or `Ok(false)` at the end (end of file, or stop requested).
    fn next_into(&mut self, frame: &mut Frame, stop: &AtomicBool) -> Result<bool, SourceError> {
        match self {
            Input::File(r) => r.next_into(frame),
            Input::Live(c) => loop {
                if stop.load(Ordering::Relaxed) {
                    return Ok(false);
                }
                if let LiveRead::Frame = c.next_into(frame)? {
                    return Ok(true);
                }
            },
        }
    }
}

/// Limits of one run: `-c` count and `--duration`, and Ctrl-C / SIGTERM.
struct Limits {
    count: Option<u64>,
    deadline: Option<Instant>,
    stop: Arc<AtomicBool>,
}

impl Limits {
    fn new(live: &LiveLimits) -> Limits {
        let stop = Arc::new(AtomicBool::new(false));
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // If registration fails the default action (exit) still applies; nothing to lose.
            let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
        }
        let deadline = live
            .duration
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| Instant::now() + Duration::from_secs_f64(d.min(1e9)));
        if let Some(deadline) = deadline {
            // The live reader wakes up on its read timeout, so a flag set at the deadline is
            // seen within that timeout even when no packet arrives.
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                stop.store(true, Ordering::Relaxed);
            });
        }
        Limits {
            count: live.count,
            deadline,
            stop,
        }
    }

    fn reached(&self, printed: u64) -> bool {
        self.count.is_some_and(|c| printed >= c)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
            || self.stop.load(Ordering::Relaxed)
    }
}

/// Runs the read → decode → track loop, calling `emit` for each packet that passes the filter.
/// Everything read before an error is emitted before the error is returned.
fn for_each_packet(
    file: Option<&Path>,
    live: &LiveLimits,
    filter: Option<&str>,
    mut tracker: Option<FlowTracker>,
    mut emit: impl FnMut(
        u64,
        &Frame,
        &Summary,
        Option<&Observation>,
        Option<&mut FlowTracker>,
    ) -> io::Result<()>,
) -> (Option<FlowTracker>, Result<(), CommandError>) {
    let result = read_all(file, live, filter, tracker.as_mut(), &mut emit);
    if let Some(t) = tracker.as_mut() {
        t.finish();
    }
    (tracker, result)
}

/// A tracker keeping at most `max_flows` connections, or none at all for `--max-flows 0`.
fn tracker_for(max_flows: usize) -> Option<FlowTracker> {
    (max_flows > 0).then(|| FlowTracker::new(max_flows))
}

fn read_all(
    file: Option<&Path>,
    live: &LiveLimits,
    filter: Option<&str>,
    mut tracker: Option<&mut FlowTracker>,
    emit: &mut impl FnMut(
        u64,
        &Frame,
        &Summary,
        Option<&Observation>,
        Option<&mut FlowTracker>,
    ) -> io::Result<()>,
) -> Result<(), CommandError> {
    let mut input = Input::open(file, live, filter)?;
    let limits = Limits::new(live);
    // `-f` on a file is applied here; live input is filtered in the kernel already.
    let offline = match (&input, filter) {
        (Input::File(r), Some(expr)) => {
            let link = r.link_type().unwrap_or(crate::model::LinkType::ETHERNET);
            Some(FrameFilter::compile(link, expr, live.snaplen)?)
        }
        _ => None,
    };
    let mut frame = Frame {
        ts_ns: 0,
        len: 0,
        link: crate::model::LinkType::ETHERNET,
        data: Vec::new(),
    };
    let (mut number, mut emitted) = (0u64, 0u64);
    while !limits.reached(emitted) && input.next_into(&mut frame, &limits.stop)? {
        number += 1;
        // Every frame of a file is tracked, shown or not: like frame numbers, flow ids stay
        // the file's whatever the filter (as tshark's `tcp.stream` do), and a shown flow's
        // state sees all its segments. (Live input is filtered in the kernel already.)
        let summary = decode::summarize(frame.link, &frame.data, frame.len);
        let obs = match (summary.tcp, tracker.as_deref_mut()) {
            (Some(seg), Some(t)) => Some(t.observe(number, frame.ts_ns, &seg, frame.len)),
            _ => None,
        };
        if offline.as_ref().is_some_and(|f| !f.matches(&frame)) {
            continue;
        }
        emit(
            number,
            &frame,
            &summary,
            obs.as_ref(),
            tracker.as_deref_mut(),
        )
        .map_err(CommandError::Output)?;
        emitted += 1;
    }
    Ok(())
}

/// `synack dump`: one line or JSON object per packet, streamed.
pub fn dump(args: &DumpArgs) -> Result<(), CommandError> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let live_mode = args.stream.file.is_none();
    let mut line = Vec::with_capacity(256);
    let mut redactor = args.stream.redact.then(Redactor::new);
    let (_, result) = for_each_packet(
        args.stream.file.as_deref(),
        &args.stream.live,
        args.stream.filter.as_deref(),
        tracker_for(args.max_flows),
        |no, frame, summary, obs, _| {
            line.clear();
            write_packet(&mut line, args.stream.format, no, frame, summary, obs)?;
            write_line(&mut out, &line, redactor.as_mut())?;
            // Live output appears as packets arrive; file output is flushed by the buffer.
            if live_mode { out.flush() } else { Ok(()) }
        },
    );
    // Whatever was read before an error is still written out before the message.
    let flushed = out.flush().map_err(CommandError::Output);
    result.and(flushed)
}

/// One packet as `dump` prints it (with the newline), in `format`.
fn write_packet(
    out: &mut impl Write,
    format: Format,
    no: u64,
    frame: &Frame,
    summary: &Summary,
    obs: Option<&Observation>,
) -> io::Result<()> {
    let flow = obs.map(|o| o.flow);
    let analysis = obs.map(|o| &o.analysis);
    match format {
        Format::Text => {
            // The application summary (DNS question, HTTP request line…) needs the full
            // decode; only packets the fast path recognised as such pay for it.
            let app = summary
                .app
                .and_then(|_| decode::decode(frame.link, &frame.data, frame.len).app_summary);
            output::write_text(out, no, frame, summary, app.as_deref(), flow, analysis)
        }
        Format::Json => {
            let decoded = decode::decode(frame.link, &frame.data, frame.len);
            output::write_json(
                out,
                &PacketLine {
                    no,
                    frame,
                    decoded: &decoded,
                    flow,
                    analysis,
                },
            )
        }
    }
}

/// Writes one finished line, with its addresses masked when redacting. (The line is already
/// sanitized text; the redactor only swaps addresses, so JSON stays valid JSON.)
fn write_line(
    out: &mut impl Write,
    line: &[u8],
    redactor: Option<&mut Redactor>,
) -> io::Result<()> {
    match redactor {
        Some(r) => out.write_all(r.text(&String::from_utf8_lossy(line)).as_bytes()),
        None => out.write_all(line),
    }
}

/// `synack replay FILE --print`: `dump`'s lines, each written (and flushed) when the replay
/// clock reaches its packet, on the real wall clock. Ctrl-C stops it cleanly.
pub fn replay_print(args: &ReplayArgs) -> Result<(), CommandError> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // If registration fails the default action (exit) still applies.
        let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
    }
    let start = Instant::now();
    let mut out = io::stdout().lock();
    replay_print_to(args, &mut out, |due| sleep_until(start, due, &stop))
}

/// Sleeps until `due` nanoseconds after `start`, in short naps so a stop request is seen
/// quickly. False when asked to stop.
fn sleep_until(start: Instant, due: WallNs, stop: &AtomicBool) -> bool {
    let deadline = start + Duration::from_nanos(due);
    loop {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

/// The engine of `replay --print`, with time passed in: before each packet's line is written,
/// `wait_until(due)` is called with the wall instant (nanoseconds since the first packet)
/// when the replay clock releases it, and must return once that instant has come (false:
/// stop now). With `--instant` nothing waits. With `--loop` (files only) the capture starts
/// over after a pause of `--max-gap`, wall instants still counting up.
pub fn replay_print_to(
    args: &ReplayArgs,
    out: &mut impl Write,
    mut wait_until: impl FnMut(WallNs) -> bool,
) -> Result<(), CommandError> {
    let opts = args.options();
    let stdin = args.file.as_os_str() == "-";
    let mut redactor = args.view.redact.then(Redactor::new);
    let live = LiveLimits {
        interface: None,
        count: None,
        duration: None,
        snaplen: 262_144,
        no_promisc: false,
    };
    let mut base: WallNs = 0;
    let mut line = Vec::with_capacity(256);
    loop {
        let mut pacer = Pacer::from_options(&opts);
        let mut last_due = base;
        let mut stopped = false;
        let (_, result) = for_each_packet(
            Some(&args.file),
            &live,
            None,
            tracker_for(args.max_flows),
            |no, frame, summary, obs, _| {
                if !opts.instant {
                    last_due = base.saturating_add(pacer.release_at(frame.ts_ns));
                    if !wait_until(last_due) {
                        stopped = true;
                        return Err(io::Error::other("stopped"));
                    }
                }
                line.clear();
                write_packet(&mut line, args.format, no, frame, summary, obs)?;
                write_line(out, &line, redactor.as_mut())?;
                out.flush()
            },
        );
        if stopped {
            return Ok(());
        }
        result?;
        if !opts.looping || stdin {
            return Ok(());
        }
        let pause = (opts.max_gap_ns as f64 / opts.speed).max(1e6) as u64;
        base = last_due.saturating_add(pause);
    }
}

/// `synack flows`: one line or JSON object per TCP connection, after the input ends. When
/// `--max-flows` forces evictions, each evicted connection is printed as it leaves memory, so
/// none is lost and memory stays bounded.
pub fn flows(args: &FlowsArgs) -> Result<(), CommandError> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut writer = FlowWriter {
        format: args.stream.format,
        redactor: args.stream.redact.then(Redactor::new),
        header_done: false,
    };
    // With a filter every frame of a file is still tracked (see `read_all`): list only the
    // flows with a packet through the filter, by id (ids are dense from 0).
    let mut shown: Vec<bool> = Vec::new();
    let filtered = args.stream.filter.is_some();
    let keep = |shown: &[bool], flow: &Flow| {
        !filtered
            || usize::try_from(flow.id)
                .ok()
                .and_then(|i| shown.get(i))
                .is_some_and(|s| *s)
    };
    let (tracker, result) = for_each_packet(
        args.stream.file.as_deref(),
        &args.stream.live,
        args.stream.filter.as_deref(),
        tracker_for(args.max_flows).map(FlowTracker::keep_evicted),
        |_, _, _, obs, tracker| {
            if let Some(i) = obs.and_then(|o| usize::try_from(o.flow).ok()) {
                if shown.len() <= i {
                    shown.resize(i + 1, false);
                }
                if let Some(seen) = shown.get_mut(i) {
                    *seen = true;
                }
            }
            let Some(tracker) = tracker else {
                return Ok(());
            };
            let gone = tracker.drain_evicted();
            if gone.is_empty() {
                return Ok(());
            }
            let gone: Vec<&Flow> = gone.iter().filter(|f| keep(&shown, f)).collect();
            writer.write(&mut out, &gone)
        },
    );
    let Some(mut tracker) = tracker else {
        eprintln!("synack: --max-flows 0: no connections were tracked, so none are listed");
        return result;
    };
    // A cut file still has flows worth printing: print what was tracked, then the error.
    // (Nothing was read when the input could not even be opened.)
    if !tracker.is_empty() || result.is_ok() {
        let gone = tracker.drain_evicted();
        let rest: Vec<&Flow> = gone
            .iter()
            .chain(tracker.flows())
            .filter(|f| keep(&shown, f))
            .collect();
        writer
            .write(&mut out, &rest)
            .map_err(CommandError::Output)?;
        out.flush().map_err(CommandError::Output)?;
    }
    if tracker.evicted() > 0 {
        eprintln!(
            "synack: {} connections left memory before the end (--max-flows {}); each was \
             printed when it left, and a later packet of the same connection starts a new flow",
            tracker.evicted(),
            tracker.max_flows()
        );
    }
    result
}

/// Writes flows as JSON Lines or as rows of the text table (the header once), masking
/// endpoints with one redactor for the whole run so stand-ins stay consistent.
struct FlowWriter {
    format: Format,
    redactor: Option<Redactor>,
    header_done: bool,
}

impl FlowWriter {
    fn write(&mut self, out: &mut impl Write, flows: &[&Flow]) -> io::Result<()> {
        // Redacted flows are copies with masked endpoints, so the table's columns still line up.
        let masked: Vec<Flow>;
        let flows: Vec<&Flow> = match self.redactor.as_mut() {
            Some(r) => {
                masked = flows
                    .iter()
                    .map(|f| {
                        let mut f = (*f).clone();
                        f.client = r.socket(&f.client);
                        f.server = r.socket(&f.server);
                        f
                    })
                    .collect();
                masked.iter().collect()
            }
            None => flows.to_vec(),
        };
        match self.format {
            Format::Json => {
                for flow in flows {
                    // `io::Error::from` keeps an I/O error's kind (a closed pipe stays
                    // BrokenPipe).
                    serde_json::to_writer(&mut *out, &flow.to_json()).map_err(io::Error::from)?;
                    out.write_all(b"\n")?;
                }
            }
            Format::Text if flows.is_empty() && self.header_done => {}
            Format::Text => {
                let table = crate::flow::text_table(&flows);
                let body = if self.header_done {
                    table.split_once('\n').map_or("", |(_, rows)| rows)
                } else {
                    &table
                };
                out.write_all(body.as_bytes())?;
                self.header_done = true;
            }
        }
        Ok(())
    }
}

/// `synack demo`: `--list` prints the scenarios; otherwise the viewer opens over the named
/// scenario (the first of the lesson when none is named), read from the binary itself,
/// paused on its first packet with the explain panel open; `>` moves on to the next one.
pub fn demo(args: &DemoArgs) -> Result<(), CommandError> {
    if args.list {
        let mut out = io::stdout().lock();
        return out
            .write_all(demo::list_text().as_bytes())
            .and_then(|()| out.flush())
            .map_err(CommandError::Output);
    }
    let scenario = match &args.name {
        Some(name) => demo::find(name)?,
        None => demo::first(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let handle = source::spawn_reader(scenario.reader()?, Arc::clone(&stop))?;
    let link = handle.info.link;
    let feed = crate::terminal::tui::Feed {
        rx: &handle.rx,
        drops: Box::new(crate::app::Drops::default),
        stop: Arc::clone(&stop),
    };
    let name = format!("demo {}", scenario.name);
    let options = crate::terminal::tui::TuiOptions {
        replay: Some(args.options()),
        theme: args.view.theme_choice(),
        redact: args.view.redact,
        explain: true,
        ..crate::terminal::tui::TuiOptions::default()
    };
    let result = crate::terminal::tui::run_feed_with(feed, |w, h| {
        let app = options
            .app(crate::app::SourceKind::File { name }, w, h)
            .with_demo(scenario);
        match link {
            Some(link) => app.with_link(link),
            None => app,
        }
    });
    stop.store(true, Ordering::SeqCst);
    handle.join();
    result.map_err(CommandError::from)
}

/// `synack interfaces`: the capturable interfaces, the default one marked with `*`.
pub fn interfaces() -> Result<(), CommandError> {
    let list = source::list_interfaces()?;
    let mut out = io::stdout().lock();
    out.write_all(interfaces_table(&list).as_bytes())
        .map_err(CommandError::Output)
}

/// One line per interface: default mark, name, state, addresses, description.
fn interfaces_table(list: &[source::InterfaceInfo]) -> String {
    let width = list
        .iter()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!("  {:width$}  {:12}  ADDRESSES\n", "NAME", "STATE");
    for i in list {
        let state = match (i.up, i.running, i.loopback) {
            (_, _, true) if i.up => "up,loopback",
            (true, true, _) => "up,running",
            (true, false, _) => "up",
            _ => "down",
        };
        let addrs = if i.addresses.is_empty() {
            "-".to_owned()
        } else {
            i.addresses.join(", ")
        };
        let mark = if i.is_default { '*' } else { ' ' };
        s.push_str(&format!("{mark} {:width$}  {state:12}  {addrs}", i.name));
        if let Some(d) = i.description.as_deref().filter(|d| !d.is_empty()) {
            s.push_str(&format!("  ({})", crate::sanitize::sanitize(d)));
        }
        s.push('\n');
    }
    s.push_str(
        "\n* = default (the interface of the default route; `synack live` uses it without -i)\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interfaces_table_marks_the_default() {
        let list = vec![
            source::InterfaceInfo {
                name: "eth0".into(),
                description: None,
                addresses: vec!["10.0.0.2/24".into()],
                up: true,
                running: true,
                loopback: false,
                is_default: true,
            },
            source::InterfaceInfo {
                name: "lo".into(),
                description: None,
                addresses: vec![],
                up: true,
                running: true,
                loopback: true,
                is_default: false,
            },
        ];
        let t = interfaces_table(&list);
        assert!(t.contains("* eth0  up,running    10.0.0.2/24"), "{t}");
        assert!(t.contains("  lo    up,loopback   -"), "{t}");
    }
}
