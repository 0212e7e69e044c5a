//! The command line: clap definitions turned into validated settings (`args`), the
//! non-interactive subcommands as streaming loops (`commands`) and their per-packet output
//! formats (`output`, a public contract), shell completions and the manual page (`shell`).

mod args;
pub mod commands;
pub mod follow;
pub mod output;
pub mod shell;

pub use args::*;
