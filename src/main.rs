//! synack's entry point: parse the command line, run the command, turn any error into one clear
//! message and a non-zero exit status. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use synack::cli::{Cli, Command};
use synack::commands::{self, CommandError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Dump(args) => commands::dump(args),
        Command::Flows(args) => commands::flows(args),
        Command::Interfaces => commands::interfaces(),
        Command::Live(_) | Command::Replay(_) => {
            eprintln!("synack: the interactive viewer is not built yet");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}

fn report(e: &CommandError) -> ExitCode {
    eprintln!("synack: {e}");
    ExitCode::FAILURE
}
