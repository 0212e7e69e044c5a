//! Capture sources: the only module that touches libpcap, files, or spawns the capture thread.
//! Reads pcap/pcapng files and stdin, captures live, lists interfaces, compiles BPF filters and
//! runs the capture thread that feeds frames to the rest of synack over a bounded channel.
//! Depends on `crate::model` only (plus pcap, pcap-parser, memmap2).

mod backing;
mod error;
mod file;
mod pcapng;

pub use error::SourceError;
pub use file::{FileReader, MAX_CAPLEN};

#[cfg(test)]
mod file_tests;
#[cfg(test)]
mod testfiles;
