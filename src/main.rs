//! synack's entry point: parse the command line, run the command, turn any error into one clear
//! message and a non-zero exit status. Everything else lives in the library.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use synack::cli::commands::{self, CommandError};
use synack::cli::{Cli, Command, shell};
use synack::sanitize::neutralize;
use synack::source::Input;
use synack::terminal::tui::{self, TuiOptions};

fn main() -> ExitCode {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let (mut cli, matches) = match Cli::command()
        .try_get_matches_from(synack::cli::normalize_args(std::env::args_os()))
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)))
    {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&e),
    };
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
        Command::Stats(args) => commands::stats(args),
        Command::Ladder(args) => commands::ladder(args),
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
        Command::Live(args) => view_filter(&args.view).and_then(|filter| {
            interactive(
                Input::Live(args.to_live_config()),
                TuiOptions {
                    max_flows: args.max_flows,
                    max_packets: Some(args.max_packets),
                    max_mem: args.max_mem,
                    theme: args.view.theme_choice(),
                    redact: args.view.redact,
                    explain: args.view.explain,
                    filter,
                    history: synack::app::history::default_path(),
                    // Quitting loses a capture that -w does not save: ask first.
                    confirm_quit: args.capture.write.is_none(),
                    ..TuiOptions::default()
                },
            )
        }),
        Command::Replay(args) if args.print => commands::replay_print(args),
        Command::Replay(args) => view_filter(&args.view).and_then(|filter| {
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
                    filter,
                    history: synack::app::history::default_path(),
                    confirm_quit: false,
                },
            )
        }),
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
    if let CommandError::Filter(f) = e {
        eprintln!("{}", f.caret());
        return ExitCode::from(2);
    }
    if matches!(e, CommandError::Usage(_)) {
        return ExitCode::from(2);
    }
    ExitCode::FAILURE
}

/// The viewer's `-Y`, compiled (a bad filter stops before the terminal is taken over).
fn view_filter(
    view: &synack::cli::ViewOpts,
) -> Result<Option<std::sync::Arc<synack::filter::Filter>>, CommandError> {
    view.display_filter
        .as_deref()
        .map(|f| synack::filter::Filter::compile(f).map(std::sync::Arc::new))
        .transpose()
        .map_err(CommandError::Filter)
}

/// A command line clap rejects. For an unknown flag, clap's tip (`use -- -r`) would pass the
/// flag as a file name; say instead which synack option does the job.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !e.use_stderr() {
        // --help and --version.
        e.exit();
    }
    if !matches!(e.kind(), ErrorKind::UnknownArgument) {
        // clap repeats the values it rejects, which may be hostile file names.
        eprint!("{}", neutralize(&e.render().to_string(), true));
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    let flag = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let text = e.render().to_string();
    let mut blank = false;
    for line in text.lines() {
        if line.contains("'-- ") || line.contains("`-- ") || (blank && line.is_empty()) {
            continue;
        }
        blank = line.is_empty();
        eprintln!("{}", neutralize(line, true));
    }
    match synack::cli::flag_advice(&flag) {
        Some(advice) => eprintln!(
            "synack: {} is not a synack option: {advice}",
            neutralize(&flag, true)
        ),
        None => eprintln!("synack: run `synack help` for the options"),
    }
    ExitCode::from(2)
}

/// Runs the interactive viewer; its errors join the commands' (printed after the terminal is
/// restored).
fn interactive(input: Input, options: TuiOptions) -> Result<(), CommandError> {
    tui::run(input, &options).map_err(CommandError::from)
}
