//! synack: captures or replays packets, decodes each by TCP/IP layer and animates every TCP
//! handshake. The binary (`main.rs`) is a thin shell over this library.

pub mod anim;
pub mod app;
pub mod bench_load;
pub mod cli;
pub mod commands;
pub mod decode;
pub mod demo;
pub mod explain;
pub mod filter;
pub mod flow;
pub mod model;
pub mod output;
pub mod pacing;
pub mod redact;
pub mod replay;
pub mod sanitize;
pub mod source;
pub mod term;
pub mod theme_config;
pub mod tui;
pub mod ui;
