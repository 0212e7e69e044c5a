//! Capture sources: the only module that touches libpcap, files, or spawns the capture thread.
//! Reads pcap/pcapng files and stdin (`file`), captures live (`live`), lists interfaces and
//! finds the default one (`interfaces`), compiles BPF filters for offline frames (`filter`) and
//! runs the capture thread that feeds frames over a bounded channel (`thread`), spooling live
//! frames to a pcap file (`spool`).
//! Depends on `crate::model` only (plus pcap, pcap-parser, memmap2).

mod backing;
mod error;
mod file;
mod filter;
mod interfaces;
mod live;
mod pcapng;
mod poll;
mod record;
mod spool;
mod thread;

pub use error::SourceError;
pub use file::FileReader;
pub use filter::FrameFilter;
pub use interfaces::{
    InterfaceInfo, default_interface, default_route_v4, default_route_v6, list_interfaces,
};
pub use live::{KernelStats, LiveCapture, LiveConfig, LiveRead, READ_TIMEOUT_MS};
pub use record::MAX_CAPLEN;
pub use spool::SpoolWriter;
pub use thread::{
    CHANNEL_BATCHES, CaptureHandle, CaptureStats, Input, MappedFile, OffsetJournal, SourceEvent,
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
