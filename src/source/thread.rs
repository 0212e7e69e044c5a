//! The capture thread: opens a source synchronously (so opening errors reach the caller at
//! once), then moves it into a thread that sends frames in batches over a bounded channel.
//! Files and stdin block on a full channel and lose nothing; live capture never blocks libpcap:
//! a batch that does not fit is dropped and counted. A stream (stdin, pipe, FIFO) sends the
//! partial batch it holds whenever its writer pauses, so packets show as they arrive. A stop
//! flag is honoured within about 100 ms (the live read timeout, the stream poll), even while a
//! pipe's writer is silent. Each frame carries where its bytes can be read back
//! ([`Frame::at`]): its offset in a regular file ([`CaptureHandle::file`]) or in the live
//! capture's spool ([`SpooledCapture`]), so a consumer can keep an offset instead of a copy;
//! stream frames only own their bytes. Depends on `crate::model` and the sibling source modules.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::error::SourceError;
use super::file::FileReader;
use super::live::{LiveCapture, LiveConfig, LiveRead};
use super::spool::{RECORD_HEADER, SpoolWriter};
use super::stream::StreamControl;
use crate::model::{Frame, FrameAt, LinkType};

/// Batches in flight between the capture thread and the consumer.
pub const CHANNEL_BATCHES: usize = 64;
/// Frames per batch read from a file.
const FILE_BATCH: usize = 512;
/// Live batches are sent when this full or this old.
const LIVE_BATCH: usize = 512;
const LIVE_BATCH_AGE: Duration = Duration::from_millis(20);
/// How often live kernel counters are polled and the `-w` file flushed.
const LIVE_STATS_EVERY: Duration = Duration::from_millis(500);
/// How often the read rate is reported.
const RATE_EVERY: Duration = Duration::from_millis(250);

/// Where frames come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    /// A pcap/pcapng stream on standard input (`synack replay -`). Reads wait in short polls,
    /// so the stop flag ends a read on an idle pipe too.
    Stdin,
    Live(LiveConfig),
}

/// What the capture thread sends.
#[derive(Debug)]
pub enum SourceEvent {
    /// Frames in capture order.
    Frames(Vec<Frame>),
    /// File reading progress (after each batch).
    Progress {
        bytes_read: u64,
        total_bytes: Option<u64>,
    },
    /// Frames per second read lately (files: since the start; live: over the last interval),
    /// at most every 250 ms.
    Rate(u64),
    /// The last event: a clean end (or stop), or why the source failed. Frames read before a
    /// failure were all sent before this.
    Finished(Result<(), SourceError>),
}

/// Counters shared with the consumer, updated by the capture thread.
#[derive(Debug, Default)]
pub struct CaptureStats {
    /// Frames read from the source.
    pub received: AtomicU64,
    /// Captured bytes of those frames.
    pub bytes: AtomicU64,
    /// Live frames dropped because the consumer was behind (channel full).
    pub dropped_by_synack: AtomicU64,
    /// Packets the kernel dropped (libpcap `ps_drop`, polled).
    pub kernel_dropped: AtomicU64,
    /// Packets the interface or driver dropped (libpcap `ps_ifdrop`, polled).
    pub if_dropped: AtomicU64,
    /// Live frames, counted from the first sent, whose bytes the bounded spool removed from
    /// disk (`--spool-max`): the consumer evicts them.
    pub spool_evicted: AtomicU64,
}

/// What was opened, for the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInfo {
    /// File path, `-` for stdin, or the interface name.
    pub name: String,
    /// The (first) link type when known.
    pub link: Option<LinkType>,
    pub live: bool,
    pub total_bytes: Option<u64>,
}

/// The spool of a live capture (see [`super::spool`]): a read handle on the pcap file the
/// capture thread appends every frame to. Each sent frame carries its offset in it
/// ([`FrameAt::Spool`]); the thread flushes the file before it sends a batch, so the bytes
/// are on disk when the frame arrives.
#[derive(Clone, Debug)]
pub struct SpooledCapture {
    pub file: Arc<std::fs::File>,
    /// The `-w` file, or `None` for the anonymous temporary spool.
    pub path: Option<PathBuf>,
}

/// A running capture thread.
#[derive(Debug)]
pub struct CaptureHandle {
    pub rx: Receiver<SourceEvent>,
    pub stats: Arc<CaptureStats>,
    pub info: SourceInfo,
    /// The regular file being read, shared, when the source is one: its frames carry
    /// [`FrameAt::File`] offsets into it, so their bytes can be read back (positioned reads)
    /// after the reader is gone.
    pub file: Option<Arc<std::fs::File>>,
    /// Set for live capture: where the captured bytes are spooled.
    pub spooled: Option<SpooledCapture>,
    join: Option<JoinHandle<()>>,
}

impl CaptureHandle {
    /// Waits for the thread to end (set the stop flag or drop the receiver first for live).
    pub fn join(mut self) {
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

enum Opened {
    /// A file, or a stream (pipe, FIFO, stdin) with the control its reads go through.
    File(Box<FileReader>, Option<StreamControl>),
    Live(Box<LiveCapture>, Box<SpoolWriter>),
}

/// Opens `input` now (errors are returned here) and starts the capture thread.
pub fn spawn(input: Input, stop: Arc<AtomicBool>) -> Result<CaptureHandle, SourceError> {
    let opened = match input {
        Input::File(path) => {
            let ctl = StreamControl::new(Arc::clone(&stop));
            Opened::File(Box::new(FileReader::open_seekable(&path, &ctl)?), Some(ctl))
        }
        Input::Stdin => {
            let ctl = StreamControl::new(Arc::clone(&stop));
            Opened::File(Box::new(FileReader::stdin(&ctl)?), Some(ctl))
        }
        Input::Live(mut cfg) => {
            // The spool is the `-w` file when one is given without rotation (nothing written
            // twice); otherwise it is an unlinked temporary file bounded by --spool-max, and
            // the capture writes the rotating `-w` files itself.
            let write_to = if cfg.rotation.is_active() {
                None
            } else {
                cfg.write_to.take()
            };
            let cap = LiveCapture::open(&cfg)?;
            let snaplen = u32::try_from(cfg.snaplen).unwrap_or(262_144);
            let spool = match &write_to {
                Some(path) => {
                    SpoolWriter::create_with(path, cfg.overwrite, cap.link_type(), snaplen)
                }
                None => {
                    SpoolWriter::temporary(cap.link_type(), snaplen).map(|s| match cfg.spool_max {
                        Some(max) => s.bounded(max),
                        None => s,
                    })
                }
            }
            .map_err(|e| SourceError::Write {
                path: write_to.clone().unwrap_or_else(std::env::temp_dir),
                message: e.to_string(),
            })?;
            Opened::Live(Box::new(cap), Box::new(spool))
        }
    };
    spawn_opened(opened, stop)
}

/// Starts the capture thread over an already opened file reader (e.g. one built with
/// [`FileReader::from_reader`]).
pub fn spawn_reader(
    reader: FileReader,
    stop: Arc<AtomicBool>,
) -> Result<CaptureHandle, SourceError> {
    spawn_opened(Opened::File(Box::new(reader), None), stop)
}

fn spawn_opened(opened: Opened, stop: Arc<AtomicBool>) -> Result<CaptureHandle, SourceError> {
    let info = match &opened {
        Opened::File(r, _) => SourceInfo {
            name: r.name().into(),
            link: r.link_type(),
            live: false,
            total_bytes: r.total_bytes(),
        },
        Opened::Live(c, _) => SourceInfo {
            name: c.interface().into(),
            link: Some(c.link_type()),
            live: true,
            total_bytes: None,
        },
    };
    let file = match &opened {
        Opened::File(r, _) => r.shared_file(),
        Opened::Live(..) => None,
    };
    let spooled = match &opened {
        Opened::Live(_, spool) => Some(SpooledCapture {
            file: spool.reader(),
            path: spool.path().map(PathBuf::from),
        }),
        Opened::File(..) => None,
    };
    let located = file.is_some();
    let (tx, rx) = sync_channel(CHANNEL_BATCHES);
    // A stream sends what it holds whenever its writer pauses, so packets show as they arrive.
    let pending = match &opened {
        Opened::File(r, Some(ctl)) if r.total_bytes().is_none() => {
            let pending: PendingBatch = Arc::new(Mutex::new(Vec::new()));
            let (p, tx, stop) = (Arc::clone(&pending), tx.clone(), Arc::clone(&stop));
            ctl.set_on_idle(Box::new(move || {
                let batch = p.lock().map(|mut b| std::mem::take(&mut *b));
                if let Ok(batch) = batch
                    && !batch.is_empty()
                {
                    let _ = send_blocking(&tx, SourceEvent::Frames(batch), &stop);
                }
            }));
            Some(pending)
        }
        _ => None,
    };
    let stats = Arc::new(CaptureStats::default());
    let thread_stats = Arc::clone(&stats);
    let join = std::thread::Builder::new()
        .name("synack-capture".into())
        .spawn(move || {
            if crate::fault::armed("capture") {
                // Let the screen come up first, as a real failure mid-capture would.
                std::thread::sleep(Duration::from_millis(1500));
                crate::fault::panic_if_armed("capture");
            }
            let result = match opened {
                Opened::File(r, _) => run_file(*r, located, pending, &tx, &thread_stats, &stop),
                Opened::Live(c, spool) => run_live(*c, *spool, &tx, &thread_stats, &stop),
            };
            // The consumer may be gone, or asked to stop and is not draining: then the
            // final event is not needed.
            let _ = send_blocking(&tx, SourceEvent::Finished(result), &stop);
        })
        .map_err(|e| SourceError::Thread {
            message: e.to_string(),
        })?;
    Ok(CaptureHandle {
        rx,
        stats,
        info,
        file,
        spooled,
        join: Some(join),
    })
}

/// Why sending stopped.
enum SendStop {
    Stopped,
    Disconnected,
}

/// Sends without losing the event. While the channel is full it sleeps with a backoff from
/// 50 µs to 5 ms between tries (so a consumer that drains quickly is fed again at once, and an
/// idle one costs little), looking at the stop flag each time: a blocking `send` could not be
/// stopped while the consumer keeps the receiver but no longer drains it.
fn send_blocking(
    tx: &SyncSender<SourceEvent>,
    mut ev: SourceEvent,
    stop: &AtomicBool,
) -> Result<(), SendStop> {
    let mut backoff = Duration::from_micros(50);
    loop {
        match tx.try_send(ev) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Disconnected(_)) => return Err(SendStop::Disconnected),
            Err(TrySendError::Full(back)) => {
                if stop.load(Ordering::Relaxed) {
                    return Err(SendStop::Stopped);
                }
                ev = back;
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_millis(5));
            }
        }
    }
}

fn new_frame() -> Frame {
    Frame::new(0, 0, LinkType::ETHERNET, Vec::new())
}

/// Frames per second from a count over an interval.
fn per_second(frames: u64, over: Duration) -> u64 {
    let ns = over.as_nanos().max(1);
    u64::try_from(u128::from(frames) * 1_000_000_000 / ns).unwrap_or(u64::MAX)
}

/// Frames read from a stream but not sent yet, shared with the stream's idle action.
type PendingBatch = Arc<Mutex<Vec<Frame>>>;

fn run_file(
    mut reader: FileReader,
    located: bool,
    pending: Option<PendingBatch>,
    tx: &SyncSender<SourceEvent>,
    stats: &CaptureStats,
    stop: &AtomicBool,
) -> Result<(), SourceError> {
    let mut frame = new_frame();
    let started = Instant::now();
    let mut last_rate = started;
    // A stream's batch lives behind the lock its idle action takes; a file's is local.
    let held = |batch: &Vec<Frame>| match &pending {
        Some(p) => p.lock().map_or(0, |b| b.len()),
        None => batch.len(),
    };
    loop {
        let mut batch = Vec::with_capacity(FILE_BATCH);
        let mut end: Option<Result<(), SourceError>> = None;
        while held(&batch) < FILE_BATCH {
            if stop.load(Ordering::Relaxed) {
                end = Some(Ok(()));
                break;
            }
            match reader.next_into(&mut frame) {
                Ok(true) => {
                    stats.received.fetch_add(1, Ordering::Relaxed);
                    stats
                        .bytes
                        .fetch_add(frame.data.len() as u64, Ordering::Relaxed);
                    if located {
                        frame.at = FrameAt::File(reader.data_offset());
                    }
                    let next = std::mem::replace(&mut frame, new_frame());
                    match pending.as_ref().and_then(|p| p.lock().ok()) {
                        Some(mut shared) => shared.push(next),
                        None => batch.push(next),
                    }
                }
                Ok(false) => {
                    end = Some(Ok(()));
                    break;
                }
                // A read given up on a stop request is a clean end.
                Err(_) if stop.load(Ordering::Relaxed) => {
                    end = Some(Ok(()));
                    break;
                }
                Err(e) => {
                    end = Some(Err(e));
                    break;
                }
            }
        }
        if let Some(p) = &pending
            && let Ok(mut shared) = p.lock()
        {
            batch.append(&mut shared);
        }
        if !batch.is_empty() {
            match send_blocking(tx, SourceEvent::Frames(batch), stop) {
                Ok(()) => {}
                Err(_) => return Ok(()),
            }
        }
        let progress = SourceEvent::Progress {
            bytes_read: reader.bytes_read(),
            total_bytes: reader.total_bytes(),
        };
        if send_blocking(tx, progress, stop).is_err() {
            return Ok(());
        }
        if last_rate.elapsed() >= RATE_EVERY {
            last_rate = Instant::now();
            let rate = per_second(reader.frames_read(), started.elapsed());
            if send_blocking(tx, SourceEvent::Rate(rate), stop).is_err() {
                return Ok(());
            }
        }
        if let Some(result) = end {
            return result;
        }
    }
}

/// Sends a live batch without blocking. `Ok(false)` when the channel was full (the batch is
/// dropped and counted), `Err` when the consumer is gone.
fn send_live(
    tx: &SyncSender<SourceEvent>,
    batch: Vec<Frame>,
    sent: &mut u64,
    stats: &CaptureStats,
) -> Result<bool, ()> {
    let n = batch.len() as u64;
    match tx.try_send(SourceEvent::Frames(batch)) {
        Ok(()) => {
            *sent = sent.saturating_add(n);
            Ok(true)
        }
        Err(TrySendError::Full(_)) => {
            stats.dropped_by_synack.fetch_add(n, Ordering::Relaxed);
            Ok(false)
        }
        Err(TrySendError::Disconnected(_)) => Err(()),
    }
}

fn spool_error(spool: &SpoolWriter, e: &std::io::Error) -> SourceError {
    SourceError::Write {
        path: spool
            .path()
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir),
        message: e.to_string(),
    }
}

fn run_live(
    mut cap: LiveCapture,
    mut spool: SpoolWriter,
    tx: &SyncSender<SourceEvent>,
    stats: &CaptureStats,
    stop: &AtomicBool,
) -> Result<(), SourceError> {
    let mut frame = new_frame();
    let mut batch: Vec<Frame> = Vec::with_capacity(LIVE_BATCH);
    let mut sent = 0u64;
    let mut batch_started = Instant::now();
    // A bounded spool sends smaller batches (see `SpoolWriter::batch_byte_limit`).
    let batch_limit = spool.batch_byte_limit();
    let mut batch_bytes = 0u64;
    let mut last_stats = Instant::now();
    let mut last_rate = (Instant::now(), 0u64);
    let result = loop {
        if stop.load(Ordering::Relaxed) {
            break Ok(());
        }
        let got = match cap.next_into(&mut frame) {
            Ok(r) => r,
            Err(e) => break Err(e),
        };
        if got == LiveRead::Frame {
            stats.received.fetch_add(1, Ordering::Relaxed);
            stats
                .bytes
                .fetch_add(frame.data.len() as u64, Ordering::Relaxed);
            if batch.is_empty() {
                batch_started = Instant::now();
            }
            match spool.write(&frame) {
                Ok(off) => frame.at = FrameAt::Spool(off),
                Err(e) => break Err(spool_error(&spool, &e)),
            }
            batch_bytes += frame.data.len() as u64 + RECORD_HEADER;
            batch.push(std::mem::replace(&mut frame, new_frame()));
        }
        let due = batch.len() >= LIVE_BATCH
            || batch_limit.is_some_and(|max| batch_bytes >= max)
            || (!batch.is_empty()
                && (got == LiveRead::Timeout || batch_started.elapsed() >= LIVE_BATCH_AGE));
        if due {
            // Readers see only flushed bytes.
            if let Err(e) = spool.flush() {
                break Err(spool_error(&spool, &e));
            }
            let full = std::mem::replace(&mut batch, Vec::with_capacity(LIVE_BATCH));
            batch_bytes = 0;
            let first = full.first().and_then(|f| match f.at {
                FrameAt::Spool(off) => Some(off),
                _ => None,
            });
            let (number, n) = (sent, full.len() as u64);
            match send_live(tx, full, &mut sent, stats) {
                Err(()) => break Ok(()),
                Ok(delivered) => {
                    if delivered && let Some(first) = first {
                        spool.note_sent(first.saturating_sub(RECORD_HEADER), number, n);
                    }
                    // --spool-max: the oldest batches leave the disk, and the consumer.
                    match spool.enforce_bound() {
                        Ok(Some(gone)) => stats.spool_evicted.store(gone, Ordering::Relaxed),
                        Ok(None) => {}
                        Err(e) => break Err(spool_error(&spool, &e)),
                    }
                }
            }
        }
        if last_rate.0.elapsed() >= RATE_EVERY {
            let received = stats.received.load(Ordering::Relaxed);
            let rate = per_second(received - last_rate.1, last_rate.0.elapsed());
            last_rate = (Instant::now(), received);
            // Only informative: skipped when the consumer is behind.
            let _ = tx.try_send(SourceEvent::Rate(rate));
        }
        if last_stats.elapsed() >= LIVE_STATS_EVERY {
            last_stats = Instant::now();
            poll_kernel(&mut cap, stats);
            if let Err(e) = spool.flush() {
                break Err(spool_error(&spool, &e));
            }
        }
    };
    let flushed = spool.flush().map_err(|e| spool_error(&spool, &e));
    if !batch.is_empty() {
        let n = batch.len() as u64;
        if flushed.is_err() || send_live(tx, batch, &mut sent, stats).is_err() {
            stats.dropped_by_synack.fetch_add(n, Ordering::Relaxed);
        }
    }
    poll_kernel(&mut cap, stats);
    result.and(flushed)
}

fn poll_kernel(cap: &mut LiveCapture, stats: &CaptureStats) {
    if let Ok(k) = cap.kernel_stats() {
        stats.kernel_dropped.store(k.dropped, Ordering::Relaxed);
        stats.if_dropped.store(k.if_dropped, Ordering::Relaxed);
    }
}
