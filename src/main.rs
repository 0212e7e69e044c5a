//! synack's entry point: parse the command line, run the command, turn any error into one clear
//! message and a non-zero exit status. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use synack::cli::{Cli, Command};
use synack::commands::{self, CommandError};
use synack::source::Input;
use synack::tui;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Dump(args) => commands::dump(args),
        Command::Flows(args) => commands::flows(args),
        Command::Interfaces => commands::interfaces(),
        Command::Live(args) => interactive(Input::Live(args.to_live_config())),
        Command::Replay(args) if args.file.as_os_str() == "-" => interactive(Input::Stdin),
        Command::Replay(args) => interactive(Input::File(args.file.clone())),
        Command::BenchLoad(args) => synack::bench_load::main(args),
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

/// Runs the interactive viewer; its errors join the commands' (printed after the terminal is
/// restored).
fn interactive(input: Input) -> Result<(), CommandError> {
    tui::run(input).map_err(CommandError::from)
}
