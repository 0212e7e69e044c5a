//! synack's entry point: parse the command line, run the command, turn any error into one clear
//! message and a non-zero exit status. Everything else lives in the library.

use std::process::ExitCode;

use synack::cli::commands::{self, CommandError};
use synack::cli::{Cli, Command, shell};
use synack::sanitize::neutralize;
use synack::source::Input;
use synack::terminal::tui::{self, TuiOptions};

fn main() -> ExitCode {
    let (mut cli, matches) = parse();
    // Flags win over the config file, the file over the built-in defaults.
    let settings = match synack::config::load(cli.config.as_deref()) {
        Ok(file) => synack::config::apply(&mut cli, &matches, file.as_ref()),
        Err(e) => {
            eprintln!("synack: config: {}", neutralize(&e.to_string(), true));
            return ExitCode::FAILURE;
        }
    };
    let result = match &cli.command {
        Command::Config(_) => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            out.write_all(settings.render().as_bytes())
                .and_then(|()| out.flush())
                .map_err(CommandError::Output)
        }
        Command::Dump(args) => commands::dump(args),
        Command::Flows(args) => commands::flows(args),
        Command::Interfaces => commands::interfaces(),
        Command::Demo(args) => commands::demo(args),
        Command::Completions(args) => shell::completions(args.shell, &mut std::io::stdout().lock())
            .map_err(CommandError::Output),
        Command::Man(args) => match shell::man(args, &mut std::io::stdout().lock()) {
            Ok(Some(path)) => {
                eprintln!(
                    "synack: wrote {}",
                    neutralize(&path.display().to_string(), true)
                );
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(e) if e.is_broken_pipe() => Ok(()),
            Err(e) => {
                eprintln!("synack: {}", neutralize(&e.to_string(), true));
                return ExitCode::FAILURE;
            }
        },
        Command::Live(args) => interactive(
            Input::Live(args.to_live_config()),
            TuiOptions {
                max_flows: args.max_flows,
                max_packets: Some(args.max_packets),
                max_mem: args.max_mem,
                theme: args.view.theme_choice(),
                redact: args.view.redact,
                explain: args.view.explain,
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
                    explain: args.view.explain,
                },
            )
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => match e.signal() {
            // As a shell reports a process a signal ended: 128 + the signal's number.
            Some(sig) => {
                eprintln!("synack: {e}");
                ExitCode::from(u8::try_from(128 + sig).unwrap_or(1))
            }
            None => report(&e),
        },
    }
}

fn report(e: &CommandError) -> ExitCode {
    // Names inside the message were sanitized where it was made; this makes sure nothing
    // else in it can act on the terminal, without escaping those escapes again.
    eprintln!("synack: {}", neutralize(&e.to_string(), true));
    ExitCode::FAILURE
}

/// Parses the command line; a usage error is printed terminal-safe (clap repeats the values
/// it rejects, which may be hostile file names) with clap's exit status.
fn parse() -> (Cli, clap::ArgMatches) {
    use clap::{CommandFactory as _, FromArgMatches as _};
    match Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)))
    {
        Ok(parsed) => parsed,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let text = e.render().to_string();
            eprint!("{}", neutralize(&text, true));
            std::process::exit(e.exit_code());
        }
    }
}

/// Runs the interactive viewer; its errors join the commands' (printed after the terminal is
/// restored).
fn interactive(input: Input, options: TuiOptions) -> Result<(), CommandError> {
    tui::run(input, &options).map_err(CommandError::from)
}
