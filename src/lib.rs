//! synack: captures or replays packets, decodes each by TCP/IP layer and animates every TCP
//! handshake. The binary (`main.rs`) is a thin shell over this library.
//!
//! The modules follow the pipeline (docs/architecture.md):
//!
//! - foundations: [`model`] (plain data), [`sanitize`] (terminal-safe packet text), [`redact`]
//! - the pipeline: [`source`] → [`decode`] → [`flow`]; [`filter`] (display filters over
//!   decoded fields and flows)
//! - time and teaching: [`replay`] (clock and pacing), [`teach`] (arrow timing, demo
//!   scenarios, narration)
//! - the interactive viewer: [`app`] (state and `update`), [`ui`] (pure rendering),
//!   [`terminal`] (terminal guard, main loop, theme choice)
//! - the command line: [`cli`] (arguments, streaming subcommands, output formats)
//!
//! No `unsafe` anywhere: capture files are read with positioned reads, not mapped.

#![forbid(unsafe_code)]

pub mod fault;
pub mod model;
pub mod redact;
pub mod sanitize;

pub mod decode;
pub mod filter;
pub mod flow;
pub mod source;

pub mod replay;
pub mod stats;
pub mod teach;

pub mod app;
pub mod terminal;
pub mod ui;

pub mod cli;
pub mod config;

/// The test prerequisites rule (`tests/prereq`), shared with the integration tests.
#[cfg(test)]
#[path = "../tests/prereq/mod.rs"]
pub(crate) mod prereq;

/// The corpus tests' shared comparison rules and their ONE exception list (`tests/common`).
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
pub(crate) mod corpus_common;
