//! Waiting for a capture descriptor to become readable with a timeout, via the C library's
//! `poll(2)` (std links it already; the `libc` crate is not a direct dependency). libpcap's own
//! read timeout does not make a read return when no packet arrives on Linux, so the live reader
//! runs libpcap in non-blocking mode and waits here. Depends on std only.

use std::ffi::{c_int, c_short, c_ulong};
use std::io;
use std::os::fd::RawFd;

#[repr(C)]
struct PollFd {
    fd: c_int,
    events: c_short,
    revents: c_short,
}

const POLLIN: c_short = 0x001;

unsafe extern "C" {
    fn poll(fds: *mut PollFd, nfds: c_ulong, timeout: c_int) -> c_int;
}

/// Waits until `fd` is readable or `timeout_ms` passes. `Ok(true)` when readable (or in an
/// error/hang-up state the next read will report).
pub(crate) fn wait_readable(fd: RawFd, timeout_ms: i32) -> io::Result<bool> {
    let mut pfd = PollFd {
        fd,
        events: POLLIN,
        revents: 0,
    };
    // SAFETY: `pfd` is a valid, initialised pollfd that lives across the call, and nfds is 1;
    // the declaration matches poll(2) on Linux and the BSDs (nfds_t is an unsigned long there).
    let r = unsafe { poll(&mut pfd, 1, timeout_ms) };
    match r {
        -1 => {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                Ok(false)
            } else {
                Err(e)
            }
        }
        0 => Ok(false),
        _ => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    #[test]
    fn times_out_then_sees_data() {
        let (mut a, b) = UnixStream::pair().unwrap();
        let t = Instant::now();
        assert!(!wait_readable(b.as_raw_fd(), 50).unwrap());
        assert!(t.elapsed() >= Duration::from_millis(40));
        a.write_all(b"x").unwrap();
        assert!(wait_readable(b.as_raw_fd(), 1000).unwrap());
    }
}
