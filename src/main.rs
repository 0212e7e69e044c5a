//! synack's entry point: parse the command line, run the command, turn any error into one clear
//! message and a non-zero exit status. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use synack::cli::commands::{self, CommandError};
use synack::cli::{Cli, Command};
use synack::source::Input;
use synack::terminal::tui::{self, TuiOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Dump(args) => commands::dump(args),
        Command::Flows(args) => commands::flows(args),
        Command::Interfaces => commands::interfaces(),
        Command::Demo(args) => commands::demo(args),
        Command::Live(args) => interactive(
            Input::Live(args.to_live_config()),
            TuiOptions {
                max_flows: args.max_flows,
                max_packets: Some(args.max_packets),
                max_mem: args.max_mem,
                theme: args.view.theme_choice(),
                redact: args.view.redact,
                ..TuiOptions::default()
            },
        ),
        Command::Replay(args) if args.print => commands::replay_print(args),
        Command::Replay(args) => {
            let input = if args.file.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::File(args.file.clone())
            };
            interactive(
                input,
                TuiOptions {
                    max_flows: args.max_flows,
                    // Files keep every packet: ~37 bytes of index each, the bytes mapped.
                    max_packets: None,
                    max_mem: None,
                    replay: Some(args.options()).filter(|o| !o.instant),
                    theme: args.view.theme_choice(),
                    redact: args.view.redact,
                    explain: false,
                },
            )
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

/// Runs the interactive viewer; its errors join the commands' (printed after the terminal is
/// restored).
fn interactive(input: Input, options: TuiOptions) -> Result<(), CommandError> {
    tui::run(input, &options).map_err(CommandError::from)
}
