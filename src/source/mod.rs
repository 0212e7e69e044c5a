//! Capture sources: the only module that touches libpcap, files, or spawns the capture thread.
//! Reads pcap/pcapng files and stdin (`file`), captures live (`live`), lists interfaces and
//! finds the default one (`interfaces`), compiles BPF filters for offline frames (`filter`) and
//! runs the capture thread that feeds frames over a bounded channel (`thread`), spooling live
//! frames to a pcap file (`spool`, bounded on disk by `--spool-max`), writing `-w` with
//! tcpdump's rotation (`rotate`) and reading pipes and FIFOs so a stop is always seen
//! (`stream`).
//! Depends on `crate::model` only (plus pcap, pcap-parser, libc, rustix).

mod backing;
mod decompress;
mod error;
mod export;
mod file;
mod filter;
mod interfaces;
mod live;
mod pcapng;
mod poll;
mod record;
mod rotate;
mod spool;
mod stream;
mod thread;

pub use decompress::Compression;
pub use error::SourceError;
pub use error::{quoted as quoted_path, shown as shown_path};
pub use export::{ExportFormat, PacketWriter};
pub use file::{FileReader, FrameNote};
pub use filter::FrameFilter;
pub use interfaces::{
    InterfaceInfo, default_interface, default_route_v4, default_route_v6, list_interfaces,
};
pub use live::{
    BLOCK_TIMEOUT_MS, DEFAULT_BUFFER_BYTES, KernelStats, LiveCapture, LiveConfig, LiveRead,
    READ_TIMEOUT_MS,
};
pub use record::MAX_CAPLEN;
pub use rotate::{RotatingWriter, Rotation};
pub use spool::{MIN_SPOOL_MAX, SpoolWriter, create_capture_file};
pub use stream::{IdleAction, StreamControl, is_stopped};
pub use thread::{
    CHANNEL_BATCHES, CaptureHandle, CaptureStats, IndexedFile, Input, OffsetJournal, SourceEvent,
    SourceInfo, SpooledCapture, spawn, spawn_reader,
};

#[cfg(test)]
mod file_tests;
#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod testfiles;
#[cfg(test)]
mod thread_tests;
