//! Waiting for a capture descriptor to become readable with a timeout, via `poll(2)` (through
//! rustix, which declares it correctly on every platform). libpcap's own read timeout does not
//! make a read return when no packet arrives on Linux, so the live reader runs libpcap in
//! non-blocking mode and waits here. Depends on rustix.

use std::io;
use std::os::fd::BorrowedFd;

use rustix::event::{PollFd, PollFlags, Timespec, poll};

/// Waits until `fd` is readable or `timeout_ms` passes. `Ok(true)` when readable (or in an
/// error/hang-up state the next read will report).
pub(crate) fn wait_readable(fd: BorrowedFd<'_>, timeout_ms: i32) -> io::Result<bool> {
    let mut fds = [PollFd::from_borrowed_fd(fd, PollFlags::IN)];
    let ms = i64::from(timeout_ms.max(0));
    let timeout = Timespec {
        tv_sec: ms / 1000,
        tv_nsec: (ms % 1000) * 1_000_000,
    };
    match poll(&mut fds, Some(&timeout)) {
        Ok(0) => Ok(false),
        Ok(_) => Ok(true),
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    #[test]
    fn times_out_then_sees_data() {
        let (mut a, b) = UnixStream::pair().unwrap();
        let t = Instant::now();
        assert!(!wait_readable(b.as_fd(), 50).unwrap());
        assert!(t.elapsed() >= Duration::from_millis(40));
        a.write_all(b"x").unwrap();
        assert!(wait_readable(b.as_fd(), 1000).unwrap());
    }
}
