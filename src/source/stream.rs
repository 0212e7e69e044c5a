//! Reading a pipe, a FIFO or standard input so that it can always be stopped and never holds
//! packets back: before each `read(2)` the descriptor is polled; while nothing is ready the
//! reader runs an "idle" action once (the capture thread sends the partial batch it holds, so
//! packets show as they arrive instead of in batches of 512) and then waits in short polls that
//! look at the stop flag (so Ctrl-C, SIGTERM, SIGHUP or `q` end a read on a stalled writer).
//! FIFOs are opened without blocking for a writer. Depends on std, libc's constants and the
//! sibling `poll` module.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::poll::wait_readable;

/// How long one wait on an idle input lasts before the stop flag is looked at again.
const STOP_POLL_MS: i32 = 50;

/// What the capture thread runs when the input has nothing more for now.
pub type IdleAction = Box<dyn FnMut() + Send>;

/// Shared between whoever opens a stream and the reader inside it: the stop flag, and the
/// action to run when the input would block (set later, once the consumer exists).
#[derive(Clone)]
pub struct StreamControl {
    stop: Arc<AtomicBool>,
    idle: Arc<Mutex<Option<IdleAction>>>,
}

impl std::fmt::Debug for StreamControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamControl")
            .field("stop", &self.stop.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl StreamControl {
    /// A control whose reads give up once `stop` is set.
    pub fn new(stop: Arc<AtomicBool>) -> StreamControl {
        StreamControl {
            stop,
            idle: Arc::new(Mutex::new(None)),
        }
    }

    /// A control that is never stopped (reads wait as long as the writer does).
    pub fn unstoppable() -> StreamControl {
        StreamControl::new(Arc::new(AtomicBool::new(false)))
    }

    /// Runs `action` whenever the input has nothing ready (at most once per wait).
    pub fn set_on_idle(&self, action: IdleAction) {
        if let Ok(mut idle) = self.idle.lock() {
            *idle = Some(action);
        }
    }

    /// Whether a stop was requested.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn run_idle(&self) {
        if let Ok(mut idle) = self.idle.lock()
            && let Some(action) = idle.as_mut()
        {
            action();
        }
    }
}

/// The error a read returns when it gave up because a stop was requested.
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reading was stopped")
    }
}

impl std::error::Error for Stopped {}

/// A pipe, FIFO or terminal read through [`StreamControl`].
pub struct PolledStream {
    file: File,
    ctl: StreamControl,
}

impl PolledStream {
    /// Standard input, read directly from descriptor 0 (std's own `Stdin` buffers, and data
    /// sitting in that buffer would not wake a poll).
    pub fn stdin(ctl: StreamControl) -> io::Result<PolledStream> {
        let fd = io::stdin().as_fd().try_clone_to_owned()?;
        Ok(PolledStream {
            file: File::from(fd),
            ctl,
        })
    }

    /// Opens a FIFO (or any non-regular file) for reading without waiting for a writer to
    /// appear: the wait happens in `read`, where a stop request is seen.
    pub fn open(path: &Path, ctl: StreamControl) -> io::Result<PolledStream> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)?;
        Ok(PolledStream { file, ctl })
    }
}

impl Read for PolledStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut idled = false;
        loop {
            if self.ctl.stopped() {
                return Err(io::Error::other(Stopped));
            }
            let wait = if idled { STOP_POLL_MS } else { 0 };
            if wait_readable(self.file.as_fd(), wait)? {
                match self.file.read(buf) {
                    // A FIFO opened without blocking reports "try again" when a poll raced
                    // with another reader; wait again.
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => return other,
                }
            }
            if !idled {
                idled = true;
                self.ctl.run_idle();
            }
        }
    }
}

/// Whether `e` (or the error it wraps) means a read gave up on a stop request.
pub fn is_stopped(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Stopped>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use std::sync::atomic::AtomicUsize;
    use std::time::{Duration, Instant};

    fn stream_over(sock: UnixStream, ctl: StreamControl) -> PolledStream {
        PolledStream {
            file: File::from(std::os::fd::OwnedFd::from(sock)),
            ctl,
        }
    }

    #[test]
    fn idle_action_runs_once_per_wait_and_data_still_arrives() {
        let (mut w, r) = UnixStream::pair().unwrap();
        let ctl = StreamControl::unstoppable();
        let calls = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&calls);
        ctl.set_on_idle(Box::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        }));
        let mut s = stream_over(r, ctl);
        w.write_all(b"ab").unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(s.read(&mut buf).unwrap(), 2);
        assert_eq!(calls.load(Ordering::SeqCst), 0, "data was ready: no idle");
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            w.write_all(b"c").unwrap();
            w
        });
        assert_eq!(s.read(&mut buf).unwrap(), 1);
        assert_eq!(&buf[..1], b"c");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "one idle per wait");
        drop(writer.join().unwrap());
        assert_eq!(s.read(&mut buf).unwrap(), 0, "end of stream");
    }

    #[test]
    fn a_stop_ends_a_read_on_a_silent_writer() {
        let (_w, r) = UnixStream::pair().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let mut s = stream_over(r, StreamControl::new(Arc::clone(&stop)));
        let setter = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(150));
                stop.store(true, Ordering::SeqCst);
            })
        };
        let t = Instant::now();
        let e = s.read(&mut [0u8; 4]).unwrap_err();
        assert!(is_stopped(&e), "{e}");
        assert!(t.elapsed() < Duration::from_secs(5));
        setter.join().unwrap();
    }

    #[test]
    fn a_fifo_opens_before_any_writer_and_reads_what_it_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "mkfifo is needed for this test"
            );
            eprintln!("SKIPPED: mkfifo not available");
            return;
        }
        let stop = Arc::new(AtomicBool::new(false));
        // Opening does not wait for a writer.
        let mut s = PolledStream::open(&path, StreamControl::new(Arc::clone(&stop))).unwrap();
        let p = path.clone();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            let mut w = OpenOptions::new().write(true).open(p).unwrap();
            w.write_all(b"hello").unwrap();
        });
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"hello");
        writer.join().unwrap();
    }
}
