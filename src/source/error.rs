//! `SourceError`: every way opening or reading a capture source can fail, each message saying
//! what failed, where, and what the user can do about it. Names from outside (paths,
//! interfaces, filters) are sanitized, and the commands a message suggests shell-quote them.
//! Depends on std, thiserror and `crate::sanitize`.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::sanitize::{sanitize, sanitize_bytes, shell_quote};

/// A failure of a capture source (file, stdin, live interface, filter, capture thread).
///
/// Clone-able so the UI can keep it in its state; the underlying I/O error is shared.
#[derive(Debug, Clone, Error)]
pub enum SourceError {
    #[error(
        "{p}: no such file. Check the path (relative paths start from the current directory).", p = shown(.path))]
    NotFound { path: PathBuf },

    #[error(
        "{p}: permission denied while opening it for reading. Check the file's permissions \
         (`ls -l {q}`) or copy it somewhere you can read.", p = shown(.path), q = quoted(.path))]
    PermissionDenied { path: PathBuf },

    #[error("{p}: could not {op}: {source}", p = shown(.path))]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: Arc<io::Error>,
    },

    #[error(
        "{p}: the file is empty (0 bytes), so it is not a capture. Was the capture stopped \
         before it wrote anything?", p = shown(.path))]
    Empty { path: PathBuf },

    #[error("{}", no_data_message(.path))]
    NoData { path: PathBuf },

    #[error(
        "{p}: not a pcap or pcapng capture file: it starts with {first_bytes}{hint}. \
         `file {q}` or `capinfos {q}` tell what it is.", p = shown(.path), q = quoted(.path))]
    NotCapture {
        path: PathBuf,
        /// The first bytes in hex and as text, e.g. `3c 68 74 6d ("<htm")`.
        first_bytes: String,
        /// Extra hint such as "; it looks gzip-compressed, run `gunzip` first" (may be empty).
        hint: String,
    },

    #[error(
        "{p}: the {format} file header is cut short ({available} of {needed} bytes). The file \
         was probably truncated while it was being written or copied.", p = shown(.path))]
    TruncatedHeader {
        path: PathBuf,
        format: &'static str,
        needed: u64,
        available: u64,
    },

    #[error(
        "{p}: this pcapng file describes no interface, so it cannot hold any packet. It was \
         probably cut right after its section header.", p = shown(.path))]
    NoInterface { path: PathBuf },

    #[error(
        "{p}: the file is cut short in packet {packet}: its record starts at byte {offset} and \
         needs {needed} bytes but only {available} remain. The {complete} packets before it were \
         read. The capture was probably interrupted or is still being written; \
         `pcapfix` can repair it."
    , complete = .packet.saturating_sub(1), p = shown(.path))]
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
        "{p}: the file was truncated while being read: it had {was} bytes when opened and \
         only {now} at byte {offset} (another program rewrote it, e.g. `tcpdump -w` on the same \
         file). The {packets} packets before were read; open the file again to see what it \
         holds now.", p = shown(.path))]
    Shrunk {
        path: PathBuf,
        /// Packets completely read before the file ended.
        packets: u64,
        /// Where reading stood.
        offset: u64,
        /// The file's size when opened, and when it was found shorter.
        was: u64,
        now: u64,
    },

    #[error(
        "{p}: packet {packet} (record at byte {offset}) claims {caplen} captured bytes, more \
         than the {limit} any capture tool writes; the file is corrupt from here on.", p = shown(.path))]
    AbsurdLength {
        path: PathBuf,
        packet: u64,
        offset: u64,
        caplen: u64,
        limit: u64,
    },

    #[error(
        "{p}: packet {packet} (block at byte {offset}) refers to interface {interface}, but \
         the file defines only {defined} interface(s) in this section; the file is corrupt.", p = shown(.path))]
    UndefinedInterface {
        path: PathBuf,
        packet: u64,
        offset: u64,
        interface: u32,
        defined: usize,
    },

    #[error(
        "{p}: corrupt record near packet {packet} (byte {offset}): {what}. The packets before \
         it were read.", p = shown(.path))]
    Malformed {
        path: PathBuf,
        packet: u64,
        offset: u64,
        what: String,
    },

    #[error("{p}: unsupported capture file: {w}", p = shown(.path), w = sanitize(.what))]
    Unsupported { path: PathBuf, what: String },

    #[error(
        "capturing on {i} needs root or the capabilities cap_net_raw,cap_net_admin \
         ({detail}). Either run it with sudo, or grant the capabilities once: \
         `sudo setcap cap_net_raw,cap_net_admin=eip {e}`. `synack demo` and \
         `synack replay FILE` need no privileges."
    , i = sanitize(.interface), e = crate::sanitize::neutralize(.exe, false), detail = sanitize(.detail))]
    CapturePermission {
        interface: String,
        /// The program as a shell word (already quoted: see `live::current_exe_text`).
        exe: String,
        detail: String,
    },

    #[error("no interface named \"{n}\". Capturable interfaces: {}.", list_or_none(.available), n = sanitize(.name))]
    NoSuchInterface {
        name: String,
        available: Vec<String>,
    },

    #[error("bad capture filter \"{f}\": {m}. See `man pcap-filter` for the syntax.", f = sanitize(.filter), m = sanitize(.message))]
    BadFilter { filter: String, message: String },

    #[error("live capture on {i}: could not {op}: {m}", i = sanitize(.interface), m = sanitize(.message))]
    Live {
        interface: String,
        op: &'static str,
        message: String,
    },

    #[error("could not write the capture to {p}: {m}", p = shown(.path), m = sanitize(.message))]
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
        names
            .iter()
            .map(|n| sanitize(n))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A path as a message shows it: terminal-safe (a file named `"\x1b]0;pwned\x07.pcap"` must
/// not set the terminal's title), backslashes and controls escaped.
pub fn shown(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    sanitize_bytes(path.as_os_str().as_bytes())
}

/// A path as a command a message suggests takes it: shell-quoted, so pasting the command
/// names exactly this file (`$'…'` when the name holds control characters).
pub fn quoted(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    match std::str::from_utf8(path.as_os_str().as_bytes()) {
        Ok(text) => shell_quote(text),
        // Not UTF-8: every byte that is not printable ASCII as `\xNN` in `$'…'`.
        Err(_) => {
            let mut out = String::from("$'");
            for &b in path.as_os_str().as_bytes() {
                match b {
                    b'\\' => out.push_str("\\\\"),
                    b'\'' => out.push_str("\\'"),
                    0x20..=0x7e => out.push(char::from(b)),
                    _ => out.push_str(&format!("\\x{b:02x}")),
                }
            }
            out.push('\'');
            out
        }
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
