//! The capture thread: opens a source synchronously (so opening errors reach the caller at
//! once), then moves it into a thread that sends frames in batches over a bounded channel.
//! Files and stdin block on a full channel and lose nothing; live capture never blocks libpcap:
//! a batch that does not fit is dropped and counted. A stop flag is honoured within about
//! 100 ms (the live read timeout). Depends on `crate::model` and the sibling source modules.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::error::SourceError;
use super::file::FileReader;
use super::live::{LiveCapture, LiveConfig, LiveRead};
use crate::model::{Frame, LinkType};

/// Batches in flight between the capture thread and the consumer.
pub const CHANNEL_BATCHES: usize = 64;
/// Frames per batch read from a file.
const FILE_BATCH: usize = 512;
/// Live batches are sent when this full or this old.
const LIVE_BATCH: usize = 128;
const LIVE_BATCH_AGE: Duration = Duration::from_millis(20);
/// How often live kernel counters are polled and the `-w` file flushed.
const LIVE_STATS_EVERY: Duration = Duration::from_millis(500);

/// Where frames come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    /// A pcap/pcapng stream on standard input (`synack replay -`). A read blocked on an idle
    /// pipe cannot be interrupted; the stop flag is seen when data or end-of-file arrives.
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

/// A running capture thread.
#[derive(Debug)]
pub struct CaptureHandle {
    pub rx: Receiver<SourceEvent>,
    pub stats: Arc<CaptureStats>,
    pub info: SourceInfo,
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
    File(Box<FileReader>),
    Live(LiveCapture),
}

/// Opens `input` now (errors are returned here) and starts the capture thread.
pub fn spawn(input: Input, stop: Arc<AtomicBool>) -> Result<CaptureHandle, SourceError> {
    let opened = match input {
        Input::File(path) => Opened::File(Box::new(FileReader::open(&path)?)),
        Input::Stdin => {
            let stdin: Box<dyn Read + Send> = Box::new(std::io::stdin());
            Opened::File(Box::new(FileReader::from_reader(stdin, "-")?))
        }
        Input::Live(cfg) => Opened::Live(LiveCapture::open(&cfg)?),
    };
    spawn_opened(opened, stop)
}

/// Starts the capture thread over an already opened file reader (e.g. one built with
/// [`FileReader::from_reader`]).
pub fn spawn_reader(
    reader: FileReader,
    stop: Arc<AtomicBool>,
) -> Result<CaptureHandle, SourceError> {
    spawn_opened(Opened::File(Box::new(reader)), stop)
}

fn spawn_opened(opened: Opened, stop: Arc<AtomicBool>) -> Result<CaptureHandle, SourceError> {
    let info = match &opened {
        Opened::File(r) => SourceInfo {
            name: r.name().into(),
            link: r.link_type(),
            live: false,
            total_bytes: r.total_bytes(),
        },
        Opened::Live(c) => SourceInfo {
            name: c.interface().into(),
            link: Some(c.link_type()),
            live: true,
            total_bytes: None,
        },
    };
    let (tx, rx) = sync_channel(CHANNEL_BATCHES);
    let stats = Arc::new(CaptureStats::default());
    let thread_stats = Arc::clone(&stats);
    let join = std::thread::Builder::new()
        .name("synack-capture".into())
        .spawn(move || {
            let result = match opened {
                Opened::File(r) => run_file(*r, &tx, &thread_stats, &stop),
                Opened::Live(c) => run_live(c, &tx, &thread_stats, &stop),
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
        join: Some(join),
    })
}

/// Why sending stopped.
enum SendStop {
    Stopped,
    Disconnected,
}

/// Sends without losing the event, waking every 50 ms to look at the stop flag.
fn send_blocking(
    tx: &SyncSender<SourceEvent>,
    mut ev: SourceEvent,
    stop: &AtomicBool,
) -> Result<(), SendStop> {
    loop {
        match tx.try_send(ev) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Disconnected(_)) => return Err(SendStop::Disconnected),
            Err(TrySendError::Full(back)) => {
                if stop.load(Ordering::Relaxed) {
                    return Err(SendStop::Stopped);
                }
                ev = back;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

fn new_frame() -> Frame {
    Frame {
        ts_ns: 0,
        len: 0,
        link: LinkType::ETHERNET,
        data: Vec::new(),
    }
}

fn run_file(
    mut reader: FileReader,
    tx: &SyncSender<SourceEvent>,
    stats: &CaptureStats,
    stop: &AtomicBool,
) -> Result<(), SourceError> {
    let mut frame = new_frame();
    loop {
        let mut batch = Vec::with_capacity(FILE_BATCH);
        let mut end: Option<Result<(), SourceError>> = None;
        while batch.len() < FILE_BATCH {
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
                    batch.push(std::mem::replace(&mut frame, new_frame()));
                }
                Ok(false) => {
                    end = Some(Ok(()));
                    break;
                }
                Err(e) => {
                    end = Some(Err(e));
                    break;
                }
            }
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
        if let Some(result) = end {
            return result;
        }
    }
}

fn run_live(
    mut cap: LiveCapture,
    tx: &SyncSender<SourceEvent>,
    stats: &CaptureStats,
    stop: &AtomicBool,
) -> Result<(), SourceError> {
    let mut frame = new_frame();
    let mut batch: Vec<Frame> = Vec::with_capacity(LIVE_BATCH);
    let mut batch_started = Instant::now();
    let mut last_stats = Instant::now();
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
            batch.push(std::mem::replace(&mut frame, new_frame()));
        }
        let due = batch.len() >= LIVE_BATCH
            || (!batch.is_empty()
                && (got == LiveRead::Timeout || batch_started.elapsed() >= LIVE_BATCH_AGE));
        if due {
            let n = batch.len() as u64;
            let full = std::mem::replace(&mut batch, Vec::with_capacity(LIVE_BATCH));
            match tx.try_send(SourceEvent::Frames(full)) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    stats.dropped_by_synack.fetch_add(n, Ordering::Relaxed);
                }
                Err(TrySendError::Disconnected(_)) => break Ok(()),
            }
        }
        if last_stats.elapsed() >= LIVE_STATS_EVERY {
            last_stats = Instant::now();
            poll_kernel(&mut cap, stats);
            if let Err(e) = cap.flush() {
                break Err(e);
            }
        }
    };
    if !batch.is_empty() {
        let n = batch.len() as u64;
        if tx.try_send(SourceEvent::Frames(batch)).is_err() {
            stats.dropped_by_synack.fetch_add(n, Ordering::Relaxed);
        }
    }
    poll_kernel(&mut cap, stats);
    let flushed = cap.flush();
    result.and(flushed)
}

fn poll_kernel(cap: &mut LiveCapture, stats: &CaptureStats) {
    if let Ok(k) = cap.kernel_stats() {
        stats.kernel_dropped.store(k.dropped, Ordering::Relaxed);
        stats.if_dropped.store(k.if_dropped, Ordering::Relaxed);
    }
}
