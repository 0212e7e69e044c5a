//! Live capture through libpcap: `LiveConfig` (interface, BPF filter, snaplen, promiscuous
//! mode, optional `-w` pcap file, kernel buffer size) and `LiveCapture`, a synchronous reader
//! with a short read timeout so callers can honour a stop flag, a count or a duration.
//! Bursts are kept by a large kernel buffer (`-B`, [`DEFAULT_BUFFER_BYTES`]) used as a ring of
//! blocks packed with packets (libpcap's TPACKET_V3), not in immediate mode, whose one
//! snaplen-sized slot per packet left about 30 slots in libpcap's default 2 MiB. Turns libpcap's failures into messages that say what to do (permissions, unknown
//! interface, bad filter). Depends on `crate::model`, `super::{error, interfaces}` and pcap.

use std::os::fd::AsFd;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use pcap::{Active, Capture};

use super::error::SourceError;
use super::interfaces::{default_interface, interface_names, pcap_message};
use super::poll::wait_readable;
use super::rotate::{RotatingWriter, Rotation};
use crate::model::{Frame, LinkType};

/// How long one read waits for a packet before returning [`LiveRead::Timeout`].
pub const READ_TIMEOUT_MS: i32 = 100;
/// The kernel hands over a block of packets when it is full or this old: the longest a packet
/// waits before synack sees it (tcpdump waits up to 1000 ms).
pub const BLOCK_TIMEOUT_MS: i32 = 50;
/// Default kernel capture buffer (`-B`): 32 MiB holds about 200,000 small packets or 20,000
/// full-size ones; libpcap's own default is 2 MiB.
pub const DEFAULT_BUFFER_BYTES: i32 = 32 * 1024 * 1024;

/// What to capture and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveConfig {
    /// Interface name; `None` = the interface of the default route.
    pub interface: Option<String>,
    /// BPF filter expression (`tcp port 80`).
    pub filter: Option<String>,
    /// Bytes kept per packet.
    pub snaplen: i32,
    pub promisc: bool,
    /// Also write every captured frame to this pcap file (created 0600, no symbolic links).
    pub write_to: Option<PathBuf>,
    /// Overwrite an existing `write_to` file (`--force`).
    pub overwrite: bool,
    /// tcpdump's `-C`, `-W`, `-G` for `write_to`.
    pub rotation: Rotation,
    /// Bound of the temporary spool on disk (`--spool-max`); `None`: unbounded.
    pub spool_max: Option<u64>,
    /// Kernel buffer size in bytes; `None` = libpcap's default (2 MiB).
    pub buffer_size: Option<i32>,
    /// Hand each packet over as soon as it arrives instead of in blocks every
    /// [`BLOCK_TIMEOUT_MS`]: lower latency, but the kernel buffer becomes one snaplen-sized
    /// slot per packet (few slots, so bursts are dropped).
    pub immediate: bool,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            interface: None,
            filter: None,
            snaplen: 262_144,
            promisc: true,
            write_to: None,
            overwrite: false,
            rotation: Rotation::default(),
            spool_max: None,
            buffer_size: Some(DEFAULT_BUFFER_BYTES),
            immediate: false,
        }
    }
}

/// Counters libpcap keeps for a live capture (`pcap_stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KernelStats {
    /// Packets the kernel handed to the capture.
    pub received: u64,
    /// Packets dropped because the capture buffer was full.
    pub dropped: u64,
    /// Packets dropped by the interface or its driver.
    pub if_dropped: u64,
}

/// The outcome of one [`LiveCapture::next_into`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveRead {
    /// A frame was written into the caller's `Frame`.
    Frame,
    /// Nothing arrived within [`READ_TIMEOUT_MS`]; check your stop flag / deadline and call again.
    Timeout,
}

/// An open live capture.
pub struct LiveCapture {
    cap: Capture<Active>,
    interface: String,
    link: LinkType,
    nanos: bool,
    savefile: Option<(RotatingWriter, PathBuf)>,
}

impl std::fmt::Debug for LiveCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCapture")
            .field("interface", &self.interface)
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

/// Maps a `DLT_*` value libpcap reports to the `LINKTYPE_*` number files and synack use.
fn linktype_of_dlt(dlt: i32) -> LinkType {
    match dlt {
        12 | 14 => LinkType::RAW,
        n => LinkType(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// This program's path as a shell word for the `setcap` command a message suggests
/// (shell-quoted; a command substitution when the path is unknown).
fn current_exe_text() -> String {
    std::env::current_exe()
        .map(|p| super::error::quoted(&p))
        .unwrap_or_else(|_| "$(command -v synack)".into())
}

/// Classifies a libpcap open/activate failure message.
pub(crate) fn open_error(interface: &str, message: String) -> SourceError {
    let lower = message.to_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        SourceError::CapturePermission {
            interface: interface.into(),
            exe: current_exe_text(),
            detail: message,
        }
    } else if lower.contains("no such device") || lower.contains("doesn't exist") {
        SourceError::NoSuchInterface {
            name: interface.into(),
            available: interface_names(),
        }
    } else {
        SourceError::Live {
            interface: interface.into(),
            op: "start capturing",
            message,
        }
    }
}

impl LiveCapture {
    /// Opens the interface (default: the default route's), applies the filter and opens the
    /// `-w` file.
    pub fn open(cfg: &LiveConfig) -> Result<LiveCapture, SourceError> {
        let interface = match &cfg.interface {
            Some(i) => i.clone(),
            None => default_interface()?,
        };
        let names = interface_names();
        if !names.is_empty() && !names.contains(&interface) {
            return Err(SourceError::NoSuchInterface {
                name: interface,
                available: names,
            });
        }
        let inactive = Capture::from_device(interface.as_str())
            .map_err(|e| open_error(&interface, pcap_message(&e)))?;
        let mut inactive = inactive
            .promisc(cfg.promisc)
            .snaplen(cfg.snaplen)
            .timeout(if cfg.immediate {
                READ_TIMEOUT_MS
            } else {
                BLOCK_TIMEOUT_MS
            })
            .immediate_mode(cfg.immediate);
        if let Some(size) = cfg.buffer_size {
            inactive = inactive.buffer_size(size);
        }
        // Nanosecond timestamps where the platform supports them (Linux packet sockets do).
        let nanos = cfg!(target_os = "linux");
        if nanos {
            inactive = inactive.precision(pcap::Precision::Nano);
        }
        let cap = inactive
            .open()
            .map_err(|e| open_error(&interface, pcap_message(&e)))?;
        // libpcap's read timeout does not end a read when nothing arrives (Linux), so read
        // without blocking and wait on the descriptor with our own timeout.
        let mut cap = cap.setnonblock().map_err(|e| SourceError::Live {
            interface: interface.clone(),
            op: "switch to non-blocking reads",
            message: pcap_message(&e),
        })?;
        if let Some(expr) = &cfg.filter {
            cap.filter(expr, true).map_err(|e| SourceError::BadFilter {
                filter: expr.clone(),
                message: pcap_message(&e),
            })?;
        }
        let link = linktype_of_dlt(cap.get_datalink().0);
        let savefile = match &cfg.write_to {
            Some(path) => {
                let snaplen = u32::try_from(cfg.snaplen).unwrap_or(262_144);
                let sf = RotatingWriter::create(path, cfg.rotation, cfg.overwrite, link, snaplen)
                    .map_err(|e| SourceError::Write {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                Some((sf, path.clone()))
            }
            None => None,
        };
        Ok(LiveCapture {
            cap,
            interface,
            link,
            nanos,
            savefile,
        })
    }

    /// Waits up to [`READ_TIMEOUT_MS`] for the next frame and writes it into `frame` (and to
    /// the `-w` file).
    pub fn next_into(&mut self, frame: &mut Frame) -> Result<LiveRead, SourceError> {
        let deadline = Instant::now() + Duration::from_millis(READ_TIMEOUT_MS as u64);
        loop {
            if self.try_next(frame)? {
                return Ok(LiveRead::Frame);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(LiveRead::Timeout);
            }
            let ms = i32::try_from(left.as_millis())
                .unwrap_or(READ_TIMEOUT_MS)
                .max(1);
            let ready = wait_readable(self.cap.as_fd(), ms).map_err(|e| SourceError::Live {
                interface: self.interface.clone(),
                op: "wait for packets",
                message: e.to_string(),
            })?;
            if !ready && Instant::now() >= deadline {
                return Ok(LiveRead::Timeout);
            }
        }
    }

    /// One non-blocking read: `Ok(true)` when a frame was written.
    fn try_next(&mut self, frame: &mut Frame) -> Result<bool, SourceError> {
        match self.cap.next_packet() {
            Ok(packet) => {
                let h = packet.header;
                // time_t / suseconds_t are i64 here but 32-bit on some targets.
                #[allow(clippy::useless_conversion)]
                let (sec, frac) = (i64::from(h.ts.tv_sec), i64::from(h.ts.tv_usec));
                let frac_ns = if self.nanos {
                    frac
                } else {
                    frac.saturating_mul(1000)
                };
                frame.ts_ns = sec.saturating_mul(1_000_000_000).saturating_add(frac_ns);
                frame.len = h.len;
                frame.link = self.link;
                frame.data.clear();
                frame.data.extend_from_slice(packet.data);
                if let Some((sf, path)) = &mut self.savefile {
                    // A `-G`/`-W` run that wrote its last file keeps capturing unwritten.
                    sf.write(frame).map_err(|e| SourceError::Write {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                }
                Ok(true)
            }
            Err(pcap::Error::TimeoutExpired) => Ok(false),
            Err(e) => Err(SourceError::Live {
                interface: self.interface.clone(),
                op: "read a packet",
                message: pcap_message(&e),
            }),
        }
    }

    /// The interface being captured.
    pub fn interface(&self) -> &str {
        &self.interface
    }

    /// The link type of the captured frames.
    pub fn link_type(&self) -> LinkType {
        self.link
    }

    /// libpcap's counters since the capture started.
    pub fn kernel_stats(&mut self) -> Result<KernelStats, SourceError> {
        let s = self.cap.stats().map_err(|e| SourceError::Live {
            interface: self.interface.clone(),
            op: "read its statistics",
            message: pcap_message(&e),
        })?;
        Ok(KernelStats {
            received: u64::from(s.received),
            dropped: u64::from(s.dropped),
            if_dropped: u64::from(s.if_dropped),
        })
    }

    /// Flushes the `-w` file, if any, so what was captured so far is on disk.
    pub fn flush(&mut self) -> Result<(), SourceError> {
        if let Some((sf, path)) = &mut self.savefile {
            sf.flush().map_err(|e| SourceError::Write {
                path: path.clone(),
                message: e.to_string(),
            })?;
        }
        Ok(())
    }
}
