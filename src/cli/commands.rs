//! The non-interactive subcommands — `dump`, `flows`, `interfaces`, `replay --print` — as
//! streaming loops over a frame source: read a frame, decode, track its flow, print. Memory
//! stays flat whatever the input's size (flows aside, which are bounded by `--max-flows`).
//! `replay --print` paces the same lines on the replay clock (`pacing`), `--redact` masks
//! addresses (`redact`). Also `demo`: `--list`, or the viewer (`tui`) over an embedded
//! scenario. Depends on cli, source, decode, flow, output, pacing, redact, demo, app and tui.

use std::cell::Cell;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::cli::output::{self, PacketLine};
use crate::cli::{DemoArgs, DumpArgs, FlowsArgs, Format, LiveLimits, ReplayArgs};
use crate::decode;
use crate::filter::{Filter, FilterError, PacketCtx};
use crate::flow::{Flow, FlowId, FlowTracker, PacketAnalysis};
use crate::model::Frame;
use crate::redact::Redactor;
use crate::replay::WallNs;
use crate::replay::pacing::Pacer;
use crate::source::{
    self, FileReader, FrameFilter, LiveCapture, LiveConfig, LiveRead, SourceError, StreamControl,
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
    /// A display filter that does not compile (exit status 2).
    #[error("invalid display filter: {0}")]
    Filter(#[from] FilterError),
    /// Options that do not go together (exit status 2).
    #[error("{0}")]
    Usage(String),
    #[error(
        "cannot write the handout to {path}: {source}; check that the directory exists and is writable"
    )]
    Handout {
        path: String,
        #[source]
        source: io::Error,
    },
}

impl CommandError {
    /// The reader of our output went away (`synack dump x | head`): not an error to report.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CommandError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The signal that ended the interactive viewer, if that is what happened.
    pub fn signal(&self) -> Option<i32> {
        match self {
            CommandError::Interactive(crate::terminal::tui::TuiError::Signal(sig)) => Some(*sig),
            _ => None,
        }
    }
}

/// Where frames come from: a file (or stdin) read to its end, or a live interface.
enum Input {
    File(Box<FileReader>),
    Live(Box<LiveCapture>),
}

/// What one read gave.
enum Next {
    Frame,
    /// Nothing arrived for a while (live only): a chance to print what is due.
    Idle,
    End,
}

impl Input {
    fn open(
        file: Option<&Path>,
        live: &LiveLimits,
        filter: Option<&str>,
        ctl: &StreamControl,
    ) -> Result<Input, SourceError> {
        match file {
            Some(p) if p.as_os_str() == "-" => Ok(Input::File(Box::new(FileReader::stdin(ctl)?))),
            Some(p) => Ok(Input::File(Box::new(FileReader::open_with(p, ctl)?))),
            None => {
                let cfg = LiveConfig {
                    interface: live.interface.clone(),
                    filter: filter.map(str::to_owned),
                    snaplen: live.snaplen,
                    promisc: !live.no_promisc,
                    buffer_size: Some(live.kernel.bytes()),
                    immediate: live.kernel.immediate,
                    ..LiveConfig::default()
                };
                let cap = LiveCapture::open(&cfg)?;
                // Like tcpdump's "listening on": tells scripts (and tests) the capture is armed.
                eprintln!(
                    "synack: capturing on {} ({}), snaplen {} bytes, buffer {} KiB{}{}",
                    crate::sanitize::sanitize(cap.interface()),
                    cap.link_type(),
                    live.snaplen,
                    live.kernel.bytes() / 1024,
                    if live.kernel.immediate {
                        ", immediate mode"
                    } else {
                        ""
                    },
                    filter
                        .map(|f| format!(", filter '{}'", crate::sanitize::sanitize(f)))
                        .unwrap_or_default()
                );
                Ok(Input::Live(Box::new(cap)))
            }
        }
    }

    /// Whether packets arrive over time (live, a pipe, a FIFO, stdin) rather than from a file
    /// on disk: output is then flushed per packet.
    fn is_stream(&self) -> bool {
        match self {
            // `dump - < file.pcap`: stdin is a file on disk, not a stream.
            Input::File(r) if r.name() == "-" => !stdin_is_a_file(),
            // A compressed file on disk is read through its decompressor (no known size), but
            // it is still a file: printed in order at the end, not as it arrives.
            Input::File(r) => {
                r.total_bytes().is_none() && !std::fs::metadata(r.name()).is_ok_and(|m| m.is_file())
            }
            Input::Live(_) => true,
        }
    }

    /// The next frame; `End` at the end of the input or once a stop was requested (a read
    /// waiting on a silent pipe gives up then too).
    fn next_into(&mut self, frame: &mut Frame, stop: &AtomicBool) -> Result<Next, SourceError> {
        match self {
            Input::File(r) => match r.next_into(frame) {
                Ok(true) => Ok(Next::Frame),
                Ok(false) => Ok(Next::End),
                Err(_) if stop.load(Ordering::Relaxed) => Ok(Next::End),
                Err(e) => Err(e),
            },
            Input::Live(c) => {
                if stop.load(Ordering::Relaxed) {
                    return Ok(Next::End);
                }
                Ok(match c.next_into(frame)? {
                    LiveRead::Frame => Next::Frame,
                    LiveRead::Timeout => Next::Idle,
                })
            }
        }
    }
}

/// Whether standard input is a regular file (redirected from one) rather than a pipe.
fn stdin_is_a_file() -> bool {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.is_file())
}

/// Ctrl-C, SIGTERM and SIGHUP end `dump` and `flows` cleanly (what was read is printed, a
/// capture's counters too); a second one while the first is being handled exits at once.
/// Registered once per process (`replay --print --loop` reads the file again and again).
fn stop_on_signals() -> Arc<AtomicBool> {
    static STOP: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    let stop = STOP.get_or_init(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let stop = Arc::new(AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // If registration fails the default action (exit) still applies.
            let _ = signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&stop));
            let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
        }
        stop
    });
    Arc::clone(stop)
}

/// Limits of one run: `-c` count and `--duration`, and the stop flag signals set.
struct Limits {
    count: Option<u64>,
    deadline: Option<Instant>,
    stop: Arc<AtomicBool>,
}

impl Limits {
    fn new(live: &LiveLimits, stop: Arc<AtomicBool>) -> Limits {
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

/// A run's display filter (`-Y`) and what it reads.
struct Display {
    filter: Filter,
    /// Each connection as finally known, by id, when the filter reads `flow.*` fields and the
    /// input is a file (read once beforehand); otherwise they see the state so far.
    finals: Vec<Option<Flow>>,
}

impl Display {
    /// Compiles `-Y`; for `flow.*` fields on a file, tracks the whole file first.
    fn new(text: Option<&str>, file: Option<&Path>) -> Result<Option<Display>, CommandError> {
        let Some(text) = text else {
            return Ok(None);
        };
        let filter = Filter::compile(text)?;
        let finals = match file {
            Some(p) if filter.uses_flow_fields() && p.as_os_str() != "-" => final_flows(p)?,
            _ => Vec::new(),
        };
        Ok(Some(Display { filter, finals }))
    }
}

/// Every connection of a file as it stands at the end, indexed by id (ladders dropped).
fn final_flows(path: &Path) -> Result<Vec<Option<Flow>>, CommandError> {
    let mut reader = FileReader::open(path)?;
    let mut tracker = FlowTracker::new(10_000_000).keep_evicted();
    let mut finals: Vec<Option<Flow>> = Vec::new();
    let mut keep = |mut f: Flow| {
        f.ladder = Vec::new();
        if let Ok(i) = usize::try_from(f.id) {
            if finals.len() <= i {
                finals.resize_with(i + 1, || None);
            }
            if let Some(slot) = finals.get_mut(i) {
                *slot = Some(f);
            }
        }
    };
    let mut frame = Frame::new(0, 0, crate::model::LinkType::ETHERNET, Vec::new());
    let mut number = 0u64;
    while reader.next_into(&mut frame)? {
        number += 1;
        if let Some(seg) = decode::summarize(frame.link, &frame.data, frame.len).tcp {
            tracker.observe(number, frame.ts_ns, &seg, frame.len);
        }
        for f in tracker.drain_evicted() {
            keep(f);
        }
    }
    tracker.finish();
    for f in tracker.drain_evicted() {
        keep(f);
    }
    for f in tracker.flows() {
        keep(f.clone());
    }
    Ok(finals)
}

/// What the read loop hands its consumer.
enum Step<'a> {
    /// A packet that passed the filter.
    Packet {
        no: u64,
        frame: &'a Frame,
        layout: &'a decode::Layout,
        flow: Option<u32>,
        /// Wireshark's sequence analysis of the segment, when tracked.
        analysis: Option<PacketAnalysis>,
        /// The file's first packet time (for relative times).
        first_ns: i64,
    },
    /// A live capture saw nothing for a read timeout.
    Idle,
}

/// How a run ended, for the counters printed at exit.
#[derive(Debug, Default)]
struct RunEnd {
    /// Frames read (captured).
    captured: u64,
    /// libpcap's counters, for a live capture.
    kernel: Option<source::KernelStats>,
}

/// Runs the read → decode → track loop, calling `emit` for each packet that passes the filter
/// (and on idle turns of a live capture). Everything read before an error is emitted before
/// the error is returned. `stream` is told whether the input arrives over time (live, pipe).
#[allow(clippy::too_many_arguments)] // the loop's inputs, limits and outputs, all distinct
fn for_each_packet(
    file: Option<&Path>,
    live: &LiveLimits,
    filter: Option<&str>,
    display: Option<&Display>,
    mut tracker: FlowTracker,
    track: bool,
    stream: &Cell<bool>,
    mut emit: impl FnMut(Step<'_>, &mut FlowTracker) -> io::Result<()>,
) -> (FlowTracker, RunEnd, Result<(), CommandError>) {
    let mut end = RunEnd::default();
    let result = read_all(
        file,
        live,
        filter,
        display,
        &mut tracker,
        track,
        stream,
        &mut end,
        &mut emit,
    );
    tracker.finish();
    (tracker, end, result)
}

#[allow(clippy::too_many_arguments)] // the loop's inputs, limits and outputs, all distinct
fn read_all(
    file: Option<&Path>,
    live: &LiveLimits,
    filter: Option<&str>,
    display: Option<&Display>,
    tracker: &mut FlowTracker,
    // False for `--max-flows 0`: nothing is tracked (no flow ids, no analysis).
    track: bool,
    stream: &Cell<bool>,
    end: &mut RunEnd,
    emit: &mut impl FnMut(Step<'_>, &mut FlowTracker) -> io::Result<()>,
) -> Result<(), CommandError> {
    // Signals are caught before opening, so that waiting for a FIFO's writer can be stopped.
    let stop = stop_on_signals();
    let ctl = StreamControl::new(Arc::clone(&stop));
    let mut input = match Input::open(file, live, filter, &ctl) {
        Ok(input) => input,
        // Stopped while waiting for a FIFO's or pipe's first bytes: nothing was read.
        Err(_) if ctl.stopped() => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    stream.set(input.is_stream());
    let limits = Limits::new(live, stop);
    // `-f` on a file is applied here; live input is filtered in the kernel already.
    let offline = match (&input, filter) {
        (Input::File(r), Some(expr)) => {
            let link = r.link_type().unwrap_or(crate::model::LinkType::ETHERNET);
            Some(FrameFilter::compile(link, expr, live.snaplen)?)
        }
        _ => None,
    };
    let mut frame = Frame::new(0, 0, crate::model::LinkType::ETHERNET, Vec::new());
    let (mut number, mut emitted) = (0u64, 0u64);
    let mut undecoded = UndecodedLinks::default();
    let mut first_ns = None;
    let result = loop {
        if limits.reached(emitted) {
            break Ok(());
        }
        match input.next_into(&mut frame, &limits.stop) {
            Ok(Next::Frame) => {}
            Ok(Next::Idle) => {
                if let Err(e) = emit(Step::Idle, tracker) {
                    break Err(CommandError::Output(e));
                }
                continue;
            }
            Ok(Next::End) => break Ok(()),
            Err(e) => break Err(CommandError::from(e)),
        }
        number += 1;
        undecoded.count(frame.link);
        let first_ns = *first_ns.get_or_insert(frame.ts_ns);
        // Every frame of a file is tracked, shown or not: like frame numbers, flow ids stay
        // the file's whatever the filter (as tshark's `tcp.stream` do), and a shown flow's
        // state sees all its segments. (Live input is filtered in the kernel already.)
        let layout = decode::layout(frame.link, &frame.data, frame.len);
        // `--max-flows 0` tracks nothing: no flow ids, no analysis.
        let obs = match layout.summary.tcp {
            Some(seg) if track => Some(tracker.observe(number, frame.ts_ns, &seg, frame.len)),
            _ => None,
        };
        let flow = obs.as_ref().map(|o| o.flow);
        let analysis = obs.map(|o| o.analysis);
        if offline.as_ref().is_some_and(|f| !f.matches(&frame)) {
            continue;
        }
        if let Some(d) = display {
            let ctx = PacketCtx {
                number,
                ts_ns: frame.ts_ns,
                first_ts_ns: first_ns,
                wire_len: frame.len,
                link: frame.link,
                data: &frame.data,
                flow: flow.and_then(|id| tracker.get(id)),
                conn: flow
                    .and_then(|id| d.finals.get(usize::try_from(id).ok()?))
                    .and_then(Option::as_ref),
                layout: Some(&layout),
                analysis: analysis.as_ref(),
            };
            if !d.filter.matches(&ctx) {
                continue;
            }
        }
        let step = Step::Packet {
            no: number,
            frame: &frame,
            layout: &layout,
            flow,
            analysis,
            first_ns,
        };
        if let Err(e) = emit(step, tracker) {
            break Err(CommandError::Output(e));
        }
        emitted += 1;
    };
    end.captured = number;
    if let Input::Live(cap) = &mut input {
        end.kernel = cap.kernel_stats().ok();
    }
    // Said once at the end (also after a read or write error), so a table or listing that
    // looks empty is explained.
    undecoded.report();
    result
}

/// Prints a live capture's counters on stderr at exit, as tcpdump does ("N packets
/// captured, N received by filter, N dropped by kernel"), plus synack's own drops (none: the
/// non-interactive commands read synchronously, so a slow consumer shows as kernel drops).
/// In JSON mode the same counters are one JSON object, the last line on stderr.
fn report_capture_counters(end: &RunEnd, format: Format) {
    let Some(k) = end.kernel else {
        return;
    };
    match format {
        Format::Json => eprintln!(
            "{}",
            serde_json::json!({
                "packets_captured": end.captured,
                "received_by_filter": k.received,
                "dropped_by_kernel": k.dropped,
                "dropped_by_interface": k.if_dropped,
                "dropped_by_synack": 0,
            })
        ),
        Format::Text | Format::Csv => {
            let plural =
                |n: u64, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
            eprintln!(
                "{} captured\n{} received by filter\n{} dropped by kernel\n{} dropped by \
                 interface\n{} dropped by synack",
                plural(end.captured, "packet"),
                plural(k.received, "packet"),
                plural(k.dropped, "packet"),
                plural(k.if_dropped, "packet"),
                plural(0, "packet"),
            );
        }
    }
}

/// Packets per link type synack does not decode, for the one-line note at the end.
#[derive(Default)]
struct UndecodedLinks {
    counts: std::collections::BTreeMap<u32, u64>,
}

impl UndecodedLinks {
    fn count(&mut self, link: crate::model::LinkType) {
        if !link.is_known() {
            *self.counts.entry(link.0).or_default() += 1;
        }
    }

    /// The note, when there is something to say.
    fn message(&self) -> Option<String> {
        let total: u64 = self.counts.values().sum();
        if total == 0 {
            return None;
        }
        let kinds: Vec<String> = self
            .counts
            .iter()
            .map(|(n, c)| match decode::link_type_name(*n) {
                Some(name) => format!("{n} ({name}): {}", thousands(*c)),
                None => format!("{n}: {}", thousands(*c)),
            })
            .collect();
        Some(format!(
            "synack: {} packet{} on link types synack does not decode (bytes shown raw): {}",
            thousands(total),
            if total == 1 { "" } else { "s" },
            kinds.join(", ")
        ))
    }

    fn report(&mut self) {
        if let Some(m) = self.message() {
            eprintln!("{m}");
        }
        self.counts.clear();
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `synack dump`: one line or JSON object per packet, streamed.
pub fn dump(args: &DumpArgs) -> Result<(), CommandError> {
    let input = args.stream.input().map_err(CommandError::Usage)?;
    let format = args.stream.format;
    if format == Format::Csv {
        return Err(CommandError::Usage(
            "--format csv is for `synack flows`; dump prints text or json".into(),
        ));
    }
    let bytes_view = args.hex || args.hex_ascii || args.ascii;
    if args.stream.redact && bytes_view {
        return Err(CommandError::Usage(
            "--redact cannot mask the raw bytes that -x, -X and -A print".into(),
        ));
    }
    let display = Display::new(args.stream.display_filter.as_deref(), input.file.as_deref())?;
    if let Some(out) = &args.write {
        return dump_to_file(args, &input, display.as_ref(), out);
    }
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut line = Vec::with_capacity(256);
    let mut redactor = args.stream.redact.then(Redactor::new);
    let mut prev_ns = None;
    let stream = Cell::new(false);
    let (_, end, result) = for_each_packet(
        input.file.as_deref(),
        &args.stream.live,
        input.bpf.as_deref(),
        display.as_ref(),
        FlowTracker::new(args.max_flows),
        args.max_flows > 0,
        &stream,
        |step, _| {
            let Step::Packet {
                no,
                frame,
                layout,
                flow,
                analysis,
                first_ns,
            } = step
            else {
                return Ok(());
            };
            line.clear();
            let clock = output::Clock {
                format: args.time_format,
                first_ns,
                prev_ns: prev_ns.unwrap_or(frame.ts_ns),
            };
            prev_ns = Some(frame.ts_ns);
            write_packet(
                &mut line,
                format,
                no,
                frame,
                layout,
                flow,
                analysis.as_ref(),
                clock,
            )?;
            if format == Format::Text {
                if args.verbose > 0 {
                    write_layers(&mut line, frame)?;
                }
                if bytes_view {
                    write_bytes(&mut line, args, frame, layout)?;
                }
            }
            write_line(&mut out, &line, redactor.as_mut())?;
            // Live and piped input appear as packets arrive; file output is flushed by the
            // buffer. (`stream` is known before the first packet.)
            if stream.get() { out.flush() } else { Ok(()) }
        },
    );
    // Whatever was read before an error is still written out before the message.
    let flushed = out.flush().map_err(CommandError::Output);
    report_capture_counters(&end, format);
    result.and(flushed)
}

/// `dump -w OUT`: the packets that pass the filters, copied into a capture file.
fn dump_to_file(
    args: &DumpArgs,
    input: &crate::cli::StreamInput,
    display: Option<&Display>,
    out: &Path,
) -> Result<(), CommandError> {
    let mut writer = source::PacketWriter::create(out)
        .map_err(|e| CommandError::Usage(format!("cannot create {}: {e}", out.display())))?;
    let (_, end, result) = for_each_packet(
        input.file.as_deref(),
        &args.stream.live,
        input.bpf.as_deref(),
        display,
        FlowTracker::new(args.max_flows),
        args.max_flows > 0,
        &Cell::new(false),
        |step, _| match step {
            Step::Packet { frame, .. } => writer.write(frame),
            Step::Idle => Ok(()),
        },
    );
    let written = writer.written();
    let finished = writer.finish().map(|_| ()).map_err(CommandError::Output);
    report_capture_counters(&end, args.stream.format);
    result.and(finished)?;
    eprintln!("synack: wrote {written} packets to {}", out.display());
    Ok(())
}

/// One packet as `dump` prints it (with the newline), in `format`.
#[allow(clippy::too_many_arguments)] // one packet's parts and how to print them
fn write_packet(
    out: &mut impl Write,
    format: Format,
    no: u64,
    frame: &Frame,
    layout: &decode::Layout,
    flow: Option<u32>,
    analysis: Option<&PacketAnalysis>,
    clock: output::Clock,
) -> io::Result<()> {
    let summary = &layout.summary;
    match format {
        Format::Text | Format::Csv => {
            // The application summary (DNS question, HTTP request line…) needs the full
            // decode; only packets the fast path recognised as such pay for it.
            let app = summary
                .app
                .and_then(|_| decode::decode(frame.link, &frame.data, frame.len).app_summary);
            output::write_text_timed(
                out,
                no,
                frame,
                summary,
                app.as_deref(),
                flow,
                analysis,
                clock,
            )
        }
        Format::Json => {
            let mut decoded = decode::decode(frame.link, &frame.data, frame.len);
            if let Some(note) = frame.note {
                decoded
                    .issues
                    .insert(0, decode::Issue::capture_note(note.message()));
            }
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

/// `dump -v`: every layer's fields, one per line, indented like `tshark -V`. (Field text is
/// sanitized by the decoder.)
fn write_layers(out: &mut impl Write, frame: &Frame) -> io::Result<()> {
    fn fields(out: &mut impl Write, fs: &[decode::Field], depth: usize) -> io::Result<()> {
        for f in fs {
            write!(out, "{:w$}{}: {}", "", f.name, f.value, w = depth * 4)?;
            if !f.meaning.is_empty() {
                write!(out, " ({})", f.meaning)?;
            }
            out.write_all(b"\n")?;
            fields(out, &f.children, depth + 1)?;
        }
        Ok(())
    }
    let d = decode::decode(frame.link, &frame.data, frame.len);
    for h in &d.headers {
        writeln!(out, "    {}", h.protocol)?;
        fields(out, &h.fields, 2)?;
    }
    for i in &d.issues {
        writeln!(out, "    [{}: {}]", i.kind.name(), i.message)?;
    }
    Ok(())
}

/// `dump -x / -X / -A`: the packet from its network header (as tcpdump does), in hex, hex
/// and ASCII, or ASCII, each byte that is not printable ASCII shown as '.'.
fn write_bytes(
    out: &mut impl Write,
    args: &DumpArgs,
    frame: &Frame,
    layout: &decode::Layout,
) -> io::Result<()> {
    let start = layout
        .headers()
        .find(|(h, _)| h.layer() == decode::LayerKind::Internet)
        .map_or(0, |(_, r)| r.start);
    let bytes = frame.data.get(start..).unwrap_or(&[]);
    let printable = |b: u8| {
        if b.is_ascii_graphic() || b == b' ' {
            b
        } else {
            b'.'
        }
    };
    if args.ascii {
        let text: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b'\n' { b } else { printable(b) })
            .collect();
        out.write_all(&text)?;
        if !text.ends_with(b"\n") {
            out.write_all(b"\n")?;
        }
        return Ok(());
    }
    for (i, chunk) in bytes.chunks(16).enumerate() {
        write!(out, "\t0x{:04x}:  ", i * 16)?;
        for pair in 0..8 {
            match chunk.get(pair * 2..(pair * 2 + 2).min(chunk.len())) {
                Some([a, b]) => write!(out, "{a:02x}{b:02x} ")?,
                Some([a]) => write!(out, "{a:02x}   ")?,
                _ => write!(out, "     ")?,
            }
        }
        if args.hex_ascii {
            let text: Vec<u8> = chunk.iter().map(|&b| printable(b)).collect();
            out.write_all(b" ")?;
            out.write_all(&text)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
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
    let stop = stop_on_signals();
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
    if args.format == Format::Csv {
        return Err(CommandError::Usage(
            "--format csv is for `synack flows`; replay --print writes text or json".into(),
        ));
    }
    let display = Display::new(args.view.display_filter.as_deref(), Some(&args.file))?;
    let mut redactor = args.view.redact.then(Redactor::new);
    let live = LiveLimits {
        interface: None,
        count: None,
        duration: None,
        snaplen: 262_144,
        no_promisc: false,
        kernel: crate::cli::KernelBuffer::default(),
    };
    let mut base: WallNs = 0;
    let mut line = Vec::with_capacity(256);
    loop {
        let mut pacer = Pacer::from_options(&opts);
        let mut last_due = base;
        let mut stopped = false;
        let (_, _, result) = for_each_packet(
            Some(&args.file),
            &live,
            None,
            display.as_ref(),
            FlowTracker::new(args.max_flows),
            args.max_flows > 0,
            &Cell::new(false),
            |step, _| {
                let Step::Packet {
                    no,
                    frame,
                    layout,
                    flow,
                    analysis,
                    ..
                } = step
                else {
                    return Ok(());
                };
                if !opts.instant {
                    last_due = base.saturating_add(pacer.release_at(frame.ts_ns));
                    if !wait_until(last_due) {
                        stopped = true;
                        return Err(io::Error::other("stopped"));
                    }
                }
                line.clear();
                write_packet(
                    &mut line,
                    args.format,
                    no,
                    frame,
                    layout,
                    flow,
                    analysis.as_ref(),
                    output::Clock::default(),
                )?;
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

/// `synack flows`: one line or JSON object per TCP connection. From a file, after the input
/// ends. From live capture or a pipe, each connection as soon as it closes (both FINs or a
/// reset) or has been idle for `--idle-timeout`, and the rest at exit. When `--max-flows`
/// forces evictions, each evicted connection is printed as it leaves memory, so none is lost
/// and memory stays bounded.
pub fn flows(args: &FlowsArgs) -> Result<(), CommandError> {
    let input = args.stream.input().map_err(CommandError::Usage)?;
    let display = Display::new(args.stream.display_filter.as_deref(), input.file.as_deref())?;
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut writer = FlowWriter {
        format: args.stream.format,
        redactor: args.stream.redact.then(Redactor::new),
        header_done: false,
    };
    // With a filter every frame of a file is still tracked (see `read_all`): list only the
    // flows with a packet through the filter, by id (ids are dense from 0). `printed` marks
    // the flows a stream already printed when they closed or went idle.
    let mut shown: Vec<bool> = Vec::new();
    let mut printed: Vec<bool> = Vec::new();
    let filtered = input.bpf.is_some() || display.is_some();
    let keep = |shown: &[bool], flow: &Flow| !filtered || flag(shown, flow.id);
    let stream = Cell::new(false);
    let idle_ns = crate::replay::pacing::secs_to_ns(args.idle_timeout);
    // Capture time "now" for the idle check: the last packet's time plus the wall time since
    // it arrived (live timestamps are the wall clock; a replayed pipe's are not).
    let mut last_seen: Option<(i64, Instant)> = None;
    let mut last_scan = Instant::now();
    let (mut tracker, end, result) = for_each_packet(
        input.file.as_deref(),
        &args.stream.live,
        input.bpf.as_deref(),
        display.as_ref(),
        FlowTracker::new(args.max_flows).keep_evicted(),
        args.max_flows > 0,
        &stream,
        |step, tracker| {
            let mut due: Vec<FlowId> = Vec::new();
            if let Step::Packet { frame, flow, .. } = step {
                // Only a stream is checked for idle flows: a file need not read the clock
                // for each of its millions of packets.
                if stream.get() {
                    last_seen = Some((frame.ts_ns, Instant::now()));
                }
                if let Some(id) = flow {
                    set_flag(&mut shown, id);
                    let closed = tracker
                        .get(id)
                        .is_some_and(|f| f.close != crate::flow::Close::Open);
                    if stream.get() && closed && !flag(&printed, id) {
                        due.push(id);
                    }
                }
            }
            if stream.get() && last_scan.elapsed() >= IDLE_SCAN_EVERY {
                last_scan = Instant::now();
                if let Some((ts, at)) = last_seen {
                    let elapsed = i64::try_from(at.elapsed().as_nanos()).unwrap_or(i64::MAX);
                    let now = ts.saturating_add(elapsed);
                    due.extend(
                        tracker
                            .flows()
                            .filter(|f| {
                                !flag(&printed, f.id)
                                    && now.saturating_sub(f.last_ts_ns()) >= idle_ns
                            })
                            .map(|f| f.id),
                    );
                }
            }
            let gone = tracker.drain_evicted();
            let mut list: Vec<&Flow> = gone
                .iter()
                .filter(|f| keep(&shown, f) && !flag(&printed, f.id))
                .collect();
            list.extend(
                due.iter()
                    .filter_map(|&id| tracker.get(id))
                    .filter(|f| keep(&shown, f)),
            );
            if list.is_empty() {
                return Ok(());
            }
            for f in &list {
                set_flag(&mut printed, f.id);
            }
            writer.write(&mut out, &list)?;
            if stream.get() { out.flush() } else { Ok(()) }
        },
    );
    if args.max_flows == 0 {
        eprintln!("synack: --max-flows 0: no connections were tracked, so none are listed");
        report_capture_counters(&end, args.stream.format);
        return result;
    }
    // A cut file still has flows worth printing: print what was tracked, then the error.
    // (Nothing was read when the input could not even be opened.)
    if !tracker.is_empty() || result.is_ok() {
        let gone = tracker.drain_evicted();
        let rest: Vec<&Flow> = gone
            .iter()
            .chain(tracker.flows())
            .filter(|f| keep(&shown, f) && !flag(&printed, f.id))
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
    report_capture_counters(&end, args.stream.format);
    result
}

/// How often a stream's flows are checked for `--idle-timeout`.
const IDLE_SCAN_EVERY: Duration = Duration::from_secs(1);

/// A per-flow mark (flow ids are dense from 0).
fn flag(marks: &[bool], id: FlowId) -> bool {
    usize::try_from(id)
        .ok()
        .and_then(|i| marks.get(i))
        .is_some_and(|m| *m)
}

fn set_flag(marks: &mut Vec<bool>, id: FlowId) {
    if let Ok(i) = usize::try_from(id) {
        if marks.len() <= i {
            marks.resize(i + 1, false);
        }
        if let Some(m) = marks.get_mut(i) {
            *m = true;
        }
    }
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
                        let (client, server) = (r.socket(&f.client()), r.socket(&f.server()));
                        f.set_endpoints(client, server);
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
            Format::Csv => {
                const COLUMNS: [&str; 16] = [
                    "flow",
                    "client",
                    "server",
                    "handshake",
                    "syn_count",
                    "synack_count",
                    "irtt_ns",
                    "close",
                    "packets",
                    "bytes",
                    "history",
                    "first_ts_ns",
                    "last_ts_ns",
                    "duration_ns",
                    "first_packet",
                    "last_packet",
                ];
                if !self.header_done {
                    out.write_all(COLUMNS.join(",").as_bytes())?;
                    out.write_all(b"\n")?;
                    self.header_done = true;
                }
                for flow in flows {
                    let obj = flow.to_json();
                    let row: Vec<String> = COLUMNS
                        .iter()
                        .map(|k| match obj.get(*k) {
                            Some(serde_json::Value::String(s)) => csv_text(s),
                            Some(serde_json::Value::Null) | None => String::new(),
                            Some(v) => v.to_string(),
                        })
                        .collect();
                    out.write_all(row.join(",").as_bytes())?;
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

/// A CSV cell: quoted when it holds a comma, quote or line break (quotes doubled).
fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
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
    if let Some(path) = &args.handout {
        return write_handout(scenario, path, args.view.redact);
    }
    let filter = args
        .view
        .display_filter
        .as_deref()
        .map(Filter::compile)
        .transpose()?
        .map(Arc::new);
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
        filter,
        history: crate::app::history::default_path(),
        lesson: true,
        quiz: args.quiz,
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

/// `synack demo NAME --handout FILE`: the scenario's worksheet, in Markdown, or as an HTML
/// page when FILE ends in `.html` (addresses masked with `--redact`).
fn write_handout(
    scenario: &'static demo::Scenario,
    path: &std::path::Path,
    redact: bool,
) -> Result<(), CommandError> {
    use crate::teach::handout::{Format, handout_as};
    let mut text = handout_as(scenario, Format::from_path(path))?;
    if redact {
        // Stand-ins numbered in the order the worksheet names the addresses.
        text = Redactor::new().text(&text);
    }
    std::fs::write(path, text).map_err(|source| CommandError::Handout {
        path: crate::sanitize::sanitize(&path.display().to_string()),
        source,
    })
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
    use crate::sanitize::{pad_to_width, sanitize, width as cells};
    // Interface names come from the system and may hold anything: sanitized, padded by
    // display width.
    let names: Vec<String> = list.iter().map(|i| sanitize(&i.name)).collect();
    let width = names.iter().map(|n| cells(n)).max().unwrap_or(4).max(4);
    let mut s = format!(
        "  {}  {:12}  ADDRESSES\n",
        pad_to_width("NAME", width, false),
        "STATE"
    );
    for (i, name) in list.iter().zip(&names) {
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
        let name = pad_to_width(name, width, false);
        let addrs = sanitize(&addrs);
        s.push_str(&format!("{mark} {name}  {state:12}  {addrs}"));
        if let Some(d) = i.description.as_deref().filter(|d| !d.is_empty()) {
            s.push_str(&format!("  ({})", sanitize(d)));
        }
        s.push('\n');
    }
    s.push_str(
        "\n* = default (the interface of the default route; `synack live` uses it without -i)\n",
    );
    s
}

/// `synack stats`: reads the whole input (a live capture until `-c`, `--duration` or a
/// signal), then prints what is in it: protocols, conversations, endpoints, handshakes,
/// retransmissions, traffic over time.
pub fn stats(args: &crate::cli::StatsArgs) -> Result<(), CommandError> {
    let input = args.stream.input().map_err(CommandError::Usage)?;
    let format = args.stream.format;
    if format == Format::Csv {
        return Err(CommandError::Usage(
            "--format csv is for `synack flows`; stats prints text or json".into(),
        ));
    }
    let display = Display::new(args.stream.display_filter.as_deref(), input.file.as_deref())?;
    let mut stats = crate::stats::Stats::new();
    let stream = Cell::new(false);
    let (tracker, end, result) = for_each_packet(
        input.file.as_deref(),
        &args.stream.live,
        input.bpf.as_deref(),
        display.as_ref(),
        FlowTracker::new(args.max_flows).keep_evicted(),
        args.max_flows > 0,
        &stream,
        |step, tracker| {
            if let Step::Packet {
                frame,
                layout,
                analysis,
                ..
            } = step
            {
                stats.add(
                    frame.ts_ns,
                    frame.len,
                    &frame.data,
                    layout,
                    analysis.as_ref(),
                );
            }
            // Evicted flows are gone for the handshake figures; keep memory flat.
            tracker.drain_evicted();
            Ok(())
        },
    );
    stats.set_flows(tracker.flows());
    if args.stream.redact {
        stats.redact(&mut Redactor::new());
    }
    let text = match format {
        Format::Json => {
            let mut s = crate::stats::report::json(&stats).to_string();
            s.push('\n');
            s
        }
        Format::Text | Format::Csv => crate::stats::report::text(&stats),
    };
    let mut out = io::stdout().lock();
    let written = out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CommandError::Output);
    report_capture_counters(&end, format);
    result.and(written)
}

/// Segments kept for one figure; a longer connection is cut (the figure shows 60 rows).
const LADDER_SEGMENTS: usize = 100_000;

/// `synack ladder FILE --flow N`: one connection's ladder as a figure.
pub fn ladder(args: &crate::cli::LadderArgs) -> Result<(), CommandError> {
    use crate::cli::FigureFormat;
    use crate::teach::figure::{self, Figure, FigureOptions, Segment};
    let mut segments: Vec<Segment> = Vec::new();
    let stream = Cell::new(false);
    let want = args.flow;
    let (tracker, _end, result) = for_each_packet(
        Some(args.file.as_path()),
        &LiveLimits {
            interface: None,
            count: None,
            duration: None,
            snaplen: 262_144,
            no_promisc: false,
            kernel: crate::cli::KernelBuffer::default(),
        },
        None,
        None,
        FlowTracker::new(10_000_000),
        true,
        &stream,
        |step, _| {
            if let Step::Packet {
                no,
                frame,
                layout,
                flow: Some(id),
                analysis,
                ..
            } = step
                && id == want
                && segments.len() < LADDER_SEGMENTS
                && let Some(seg) = layout.summary.tcp
            {
                segments.push(Segment {
                    packet_no: no,
                    ts_ns: frame.ts_ns,
                    seg,
                    retransmission: analysis.is_some_and(|a| a.verdicts.is_retransmission()),
                });
            }
            Ok(())
        },
    );
    result?;
    let Some(flow) = tracker.get(want) else {
        let n = tracker.flows().count();
        return Err(CommandError::Usage(format!(
            "{} has no TCP connection {want} ({n} connections, numbered from 0 as `synack flows \
             {}` lists them)",
            source::shown_path(&args.file),
            source::quoted_path(&args.file),
        )));
    };
    let mut flow = flow.clone();
    if args.redact {
        let mut r = Redactor::new();
        let (client, server) = (r.socket(&flow.client()), r.socket(&flow.server()));
        flow.set_endpoints(client, server);
    }
    let fig = Figure::build(
        &flow,
        &segments,
        FigureOptions {
            raw: args.raw,
            time_scaled: args.time_scaled,
        },
    );
    let text = match args.format {
        FigureFormat::Svg => figure::svg(&fig),
        FigureFormat::Txt => figure::text(&fig),
        FigureFormat::Mermaid => figure::mermaid(&fig),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| {
            CommandError::Usage(format!(
                "cannot write the figure to {}: {e}",
                source::shown_path(path)
            ))
        }),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(CommandError::Output)
        }
    }
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

    #[test]
    fn hostile_interface_names_are_sanitized_and_aligned() {
        let iface = |name: &str| source::InterfaceInfo {
            name: name.into(),
            description: Some("\x1b]0;pwned\x07".replace("\\x1b", "\x1b")),
            addresses: vec![],
            up: true,
            running: true,
            loopback: false,
            is_default: false,
        };
        let list = vec![iface("\x1b]0;pwned\x07"), iface("網路"), iface("e0")];
        let t = interfaces_table(&list);
        assert!(!t.contains('\x1b') && !t.contains('\x07'), "{t:?}");
        assert!(t.contains("\\x1b]0;pwned\\x07"), "{t}");
        // The STATE column starts at the same cell on every row.
        let starts: Vec<usize> = t
            .lines()
            .filter(|l| l.contains("up,running") || l.contains("STATE"))
            .map(|l| {
                let at = l
                    .find("up,running")
                    .or_else(|| l.find("STATE"))
                    .unwrap_or(0);
                crate::sanitize::width(&l[..at])
            })
            .collect();
        assert_eq!(starts.len(), 4, "{t}");
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}\n{t}");
    }
}
