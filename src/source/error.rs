//! `SourceError`: every way opening or reading a capture source can fail, each message saying
//! what failed, where, and what the user can do about it. Depends on std and thiserror only.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

/// A failure of a capture source (file, stdin, live interface, filter, capture thread).
///
/// Clone-able so the UI can keep it in its state; the underlying I/O error is shared.
#[derive(Debug, Clone, Error)]
pub enum SourceError {
    #[error(
        "{p}: no such file. Check the path (relative paths start from the current directory).", p = .path.display())]
    NotFound { path: PathBuf },

    #[error(
        "{p}: permission denied while opening it for reading. Check the file's permissions \
         (`ls -l {p}`) or copy it somewhere you can read.", p = .path.display())]
    PermissionDenied { path: PathBuf },

    #[error("{p}: could not {op}: {source}", p = .path.display())]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: Arc<io::Error>,
    },

    #[error(
        "{p}: the file is empty (0 bytes), so it is not a capture. Was the capture stopped \
         before it wrote anything?", p = .path.display())]
    Empty { path: PathBuf },

    #[error("{}", no_data_message(.path))]
    NoData { path: PathBuf },

    #[error(
        "{p}: not a pcap or pcapng capture file: it starts with {first_bytes}{hint}. \
         `file {p}` or `capinfos {p}` tell what it is.", p = .path.display())]
    NotCapture {
        path: PathBuf,
        /// The first bytes in hex and as text, e.g. `3c 68 74 6d ("<htm")`.
        first_bytes: String,
        /// Extra hint such as "; it looks gzip-compressed, run `gunzip` first" (may be empty).
        hint: String,
    },

    #[error(
        "{p}: the {format} file header is cut short ({available} of {needed} bytes). The file \
         was probably truncated while it was being written or copied.", p = .path.display())]
    TruncatedHeader {
        path: PathBuf,
        format: &'static str,
        needed: u64,
        available: u64,
    },

    #[error(
        "{p}: this pcapng file describes no interface, so it cannot hold any packet. It was \
         probably cut right after its section header.", p = .path.display())]
    NoInterface { path: PathBuf },

    #[error(
        "{p}: the file is cut short in packet {packet}: its record starts at byte {offset} and \
         needs {needed} bytes but only {available} remain. The {complete} packets before it were \
         read. The capture was probably interrupted or is still being written; \
         `pcapfix` can repair it."
    , complete = .packet.saturating_sub(1), p = .path.display())]
    Truncated {
        path: PathBuf,
        /// 1-based number of the packet whose record broke.
        packet: u64,
        /// Byte offset in the file where that record starts.
        offset: u64,
        needed: u64,
        available: u64,
    },

    #[error(
        "{p}: packet {packet} (record at byte {offset}) claims {caplen} captured bytes, more \
         than the {limit} any capture tool writes; the file is corrupt from here on.", p = .path.display())]
    AbsurdLength {
        path: PathBuf,
        packet: u64,
        offset: u64,
        caplen: u64,
        limit: u64,
    },

    #[error(
        "{p}: packet {packet} (block at byte {offset}) refers to interface {interface}, but \
         the file defines only {defined} interface(s) in this section; the file is corrupt.", p = .path.display())]
    UndefinedInterface {
        path: PathBuf,
        packet: u64,
        offset: u64,
        interface: u32,
        defined: usize,
    },

    #[error(
        "{p}: corrupt record near packet {packet} (byte {offset}): {what}. The packets before \
         it were read.", p = .path.display())]
    Malformed {
        path: PathBuf,
        packet: u64,
        offset: u64,
        what: String,
    },

    #[error("{p}: unsupported capture file: {what}", p = .path.display())]
    Unsupported { path: PathBuf, what: String },

    #[error(
        "capturing on {interface} needs root or the capabilities cap_net_raw,cap_net_admin \
         ({detail}). Either run it with sudo, or grant the capabilities once: \
         `sudo setcap cap_net_raw,cap_net_admin=eip {exe}`. `synack demo` and \
         `synack replay FILE` need no privileges."
    )]
    CapturePermission {
        interface: String,
        exe: String,
        detail: String,
    },

    #[error("no interface named {name:?}. Capturable interfaces: {}.", list_or_none(.available))]
    NoSuchInterface {
        name: String,
        available: Vec<String>,
    },

    #[error("bad capture filter {filter:?}: {message}. See `man pcap-filter` for the syntax.")]
    BadFilter { filter: String, message: String },

    #[error("live capture on {interface}: could not {op}: {message}")]
    Live {
        interface: String,
        op: &'static str,
        message: String,
    },

    #[error("could not write the capture to {p}: {message}", p = .path.display())]
    Write { path: PathBuf, message: String },

    #[error("could not list network interfaces: {message}")]
    Interfaces { message: String },

    #[error("could not start the capture thread: {message}")]
    Thread { message: String },
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none found (are you in a network namespace without devices?)".into()
    } else {
        names.join(", ")
    }
}

impl SourceError {
    /// Maps an error from opening a file to the precise variant.
    pub(crate) fn open(path: &Path, err: io::Error) -> SourceError {
        match err.kind() {
            io::ErrorKind::NotFound => SourceError::NotFound { path: path.into() },
            io::ErrorKind::PermissionDenied => SourceError::PermissionDenied { path: path.into() },
            _ => SourceError::io(path, "open it", err),
        }
    }

    pub(crate) fn io(path: &Path, op: &'static str, err: io::Error) -> SourceError {
        SourceError::Io {
            path: path.into(),
            op,
            source: Arc::new(err),
        }
    }

    /// True for a file cut mid-record (the frames before it were all delivered).
    pub fn is_truncated(&self) -> bool {
        matches!(
            self,
            SourceError::Truncated { .. } | SourceError::TruncatedHeader { .. }
        )
    }
}

/// The message for a stream that ended before its first byte: standard input is named as
/// such (there is no file to be empty).
fn no_data_message(path: &Path) -> String {
    if path.as_os_str() == "-" || path.as_os_str() == "stdin" {
        "standard input was closed with no data: nothing was written to the pipe. Feed it a \
         capture, e.g. `tcpdump -U -w - | synack dump -`."
            .into()
    } else {
        format!(
            "{}: the writer closed it with no data: nothing was written before it ended.",
            path.display()
        )
    }
}
