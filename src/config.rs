//! The config file (`$XDG_CONFIG_HOME/synack/config.toml`, else `~/.config/synack/config.toml`,
//! or `--config FILE`): defaults for theme, replay speed and max gap, explain, redact, the
//! live interface and `dump`'s time format. Flags on the command line win over the file, the file over built-in
//! defaults; [`Settings`] records where each value came from for `synack config --print`.
//! A wrong key or value is an error naming the file and line. Depends on cli::args and toml.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use crate::cli::{ThemeName, TimeFormat};

/// The config file could not be used. `Display` names the file and, when known, the line.
#[derive(Debug, Error)]
#[error("{}{}: {message}", crate::sanitize::sanitize(&.path.display().to_string()), .line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line of the offending key or value.
    pub line: Option<usize>,
    pub message: String,
}

/// A number written as `2` or `2.5`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    fn get(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// The file as written: every key optional, any other key an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    theme: Option<Spanned<String>>,
    speed: Option<Spanned<Number>>,
    max_gap: Option<Spanned<Number>>,
    explain: Option<Spanned<bool>>,
    redact: Option<Spanned<bool>>,
    interface: Option<Spanned<String>>,
    time_format: Option<Spanned<String>>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Default,
    File { path: PathBuf, line: usize },
    Flag,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File { path, line } => write!(
                f,
                "file {}:{line}",
                crate::sanitize::sanitize(&path.display().to_string())
            ),
            Origin::Flag => f.write_str("flag"),
        }
    }
}

/// One setting's value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// A validated config file: each value with its line.
#[derive(Debug, Default, Clone)]
pub struct FileConfig {
    path: PathBuf,
    theme: Option<(ThemeName, usize)>,
    speed: Option<(f64, usize)>,
    max_gap: Option<(f64, usize)>,
    explain: Option<(bool, usize)>,
    redact: Option<(bool, usize)>,
    interface: Option<(String, usize)>,
    time_format: Option<(TimeFormat, usize)>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

impl FileConfig {
    /// Parses and validates the text of the file at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
        let err = |line: Option<usize>, message: String| ConfigError {
            path: path.to_path_buf(),
            line,
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            err(line, e.message().trim().to_string())
        })?;
        let at = |span: std::ops::Range<usize>| line_of(text, span.start);
        let mut cfg = FileConfig {
            path: path.to_path_buf(),
            ..FileConfig::default()
        };
        if let Some(t) = raw.theme {
            let line = at(t.span());
            let name = t.into_inner();
            let theme = <ThemeName as clap::ValueEnum>::from_str(&name, true).map_err(|_| {
                err(
                    Some(line),
                    format!(
                        "theme `{}` is not one of: default, contrast, cvd",
                        crate::sanitize::sanitize(&name)
                    ),
                )
            })?;
            cfg.theme = Some((theme, line));
        }
        if let Some(s) = raw.speed {
            let line = at(s.span());
            let v = s.into_inner().get();
            crate::replay::parse_speed(&v.to_string())
                .map_err(|m| err(Some(line), format!("speed: {m}")))?;
            cfg.speed = Some((v, line));
        }
        if let Some(g) = raw.max_gap {
            let line = at(g.span());
            let v = g.into_inner().get();
            crate::replay::pacing::parse_max_gap(&v.to_string())
                .map_err(|m| err(Some(line), format!("max_gap: {m}")))?;
            cfg.max_gap = Some((v, line));
        }
        if let Some(b) = raw.explain {
            cfg.explain = Some((*b.get_ref(), at(b.span())));
        }
        if let Some(b) = raw.redact {
            cfg.redact = Some((*b.get_ref(), at(b.span())));
        }
        if let Some(i) = raw.interface {
            let line = at(i.span());
            let name = i.into_inner();
            if name.is_empty() || name.chars().any(char::is_control) {
                return Err(err(Some(line), "interface: not an interface name".into()));
            }
            cfg.interface = Some((name, line));
        }
        if let Some(t) = raw.time_format {
            let line = at(t.span());
            let name = t.into_inner();
            let format = <TimeFormat as clap::ValueEnum>::from_str(&name, true).map_err(|_| {
                err(
                    Some(line),
                    format!(
                        "time_format `{}` is not one of: {}",
                        crate::sanitize::sanitize(&name),
                        time_format_names().join(", ")
                    ),
                )
            })?;
            cfg.time_format = Some((format, line));
        }
        Ok(cfg)
    }
}

/// The names `--time-format` takes (`clock`, `absolute`, …).
fn time_format_names() -> Vec<String> {
    <TimeFormat as clap::ValueEnum>::value_variants()
        .iter()
        .filter_map(clap::ValueEnum::to_possible_value)
        .map(|p| p.get_name().to_string())
        .collect()
}

fn time_format_name(t: TimeFormat) -> String {
    clap::ValueEnum::to_possible_value(&t)
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

/// The file to read: `--config FILE`, else the XDG location. `None` when there is no
/// `--config` and no file in the default place (not an error).
pub fn load(explicit: Option<&Path>) -> Result<Option<FileConfig>, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match default_path() {
            Some(p) if p.exists() => p,
            _ => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        path: path.clone(),
        line: None,
        message: format!("cannot read the config file: {e}"),
    })?;
    FileConfig::parse(&path, &text).map(Some)
}

/// `$XDG_CONFIG_HOME/synack/config.toml`, else `$HOME/.config/synack/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("synack").join("config.toml"))
}

/// Values given on the command line (None: not given).
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub theme: Option<ThemeName>,
    pub speed: Option<f64>,
    pub max_gap: Option<f64>,
    pub explain: Option<bool>,
    pub redact: Option<bool>,
    pub interface: Option<String>,
    pub time_format: Option<TimeFormat>,
}

/// The effective settings: flag, else file, else default.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub theme: Setting<ThemeName>,
    pub speed: Setting<f64>,
    pub max_gap: Setting<f64>,
    pub explain: Setting<bool>,
    pub redact: Setting<bool>,
    pub interface: Setting<Option<String>>,
    /// `dump`'s `--time-format`.
    pub time_format: Setting<TimeFormat>,
}

/// Built-in defaults, the same as the flags' (`--speed 1`, `--max-gap 3`).
pub const DEFAULT_SPEED: f64 = 1.0;
pub const DEFAULT_MAX_GAP: f64 = 3.0;

fn pick<T>(flag: Option<T>, file: Option<(T, usize)>, path: &Path, default: T) -> Setting<T> {
    match (flag, file) {
        (Some(value), _) => Setting {
            value,
            origin: Origin::Flag,
        },
        (None, Some((value, line))) => Setting {
            value,
            origin: Origin::File {
                path: path.to_path_buf(),
                line,
            },
        },
        (None, None) => Setting {
            value: default,
            origin: Origin::Default,
        },
    }
}

/// Combines the command line, the file and the defaults.
pub fn resolve(file: Option<&FileConfig>, flags: Flags) -> Settings {
    let empty = FileConfig::default();
    let f = file.unwrap_or(&empty);
    let p = &f.path;
    Settings {
        theme: pick(flags.theme, f.theme, p, ThemeName::Default),
        speed: pick(flags.speed, f.speed, p, DEFAULT_SPEED),
        max_gap: pick(flags.max_gap, f.max_gap, p, DEFAULT_MAX_GAP),
        explain: pick(flags.explain, f.explain, p, false),
        redact: pick(flags.redact, f.redact, p, false),
        interface: pick(
            flags.interface.map(Some),
            f.interface.clone().map(|(i, l)| (Some(i), l)),
            p,
            None,
        ),
        time_format: pick(flags.time_format, f.time_format, p, TimeFormat::Clock),
    }
}

impl Settings {
    /// `synack config --print`: one `key = value  # origin` line per setting (valid TOML).
    pub fn render(&self) -> String {
        let theme = match self.theme.value {
            ThemeName::Default => "default",
            ThemeName::Contrast => "contrast",
            ThemeName::Cvd => "cvd",
        };
        let iface = match &self.interface.value {
            Some(i) => format!("{:?}", crate::sanitize::sanitize(i)),
            None => "\"\"".to_string(),
        };
        let mut out = String::new();
        let mut line = |k: &str, v: String, o: &Origin| {
            out.push_str(&format!("{k:<10}= {v:<12} # {o}\n"));
        };
        line("theme", format!("{theme:?}"), &self.theme.origin);
        line(
            "speed",
            format!("{:?}", self.speed.value),
            &self.speed.origin,
        );
        line(
            "max_gap",
            format!("{:?}", self.max_gap.value),
            &self.max_gap.origin,
        );
        line(
            "explain",
            self.explain.value.to_string(),
            &self.explain.origin,
        );
        line("redact", self.redact.value.to_string(), &self.redact.origin);
        line("interface", iface, &self.interface.origin);
        line(
            "time_format",
            format!("{:?}", time_format_name(self.time_format.value)),
            &self.time_format.origin,
        );
        out
    }
}

/// Fills what the command line left unset from the file (or keeps the defaults), so every
/// command sees one set of values. Returns the effective settings of `synack config`.
pub fn apply(
    cli: &mut crate::cli::Cli,
    matches: &clap::ArgMatches,
    file: Option<&FileConfig>,
) -> Settings {
    use crate::cli::Command;
    let sub = matches.subcommand().map(|(_, m)| m);
    let given = |id: &str| {
        sub.is_some_and(|m| m.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
    };
    match &mut cli.command {
        Command::Live(a) => {
            let s = resolve(
                file,
                Flags {
                    theme: given("theme").then_some(a.view.theme),
                    redact: given("redact").then_some(a.view.redact),
                    explain: given("explain").then_some(a.view.explain),
                    interface: a.capture.interface.clone().filter(|_| given("interface")),
                    ..Flags::default()
                },
            );
            a.view.theme = s.theme.value;
            a.view.redact = s.redact.value;
            a.view.explain = s.explain.value;
            a.capture.interface.clone_from(&s.interface.value);
            s
        }
        Command::Replay(a) => {
            let s = resolve(
                file,
                Flags {
                    theme: given("theme").then_some(a.view.theme),
                    redact: given("redact").then_some(a.view.redact),
                    explain: given("explain").then_some(a.view.explain),
                    speed: given("speed").then_some(a.speed),
                    max_gap: given("max_gap").then_some(a.max_gap),
                    ..Flags::default()
                },
            );
            a.view.theme = s.theme.value;
            a.view.redact = s.redact.value;
            a.view.explain = s.explain.value;
            a.speed = s.speed.value;
            a.max_gap = s.max_gap.value;
            s
        }
        Command::Demo(a) => {
            // A demo always opens the explain panel: that is what it is for.
            let s = resolve(
                file,
                Flags {
                    theme: given("theme").then_some(a.view.theme),
                    redact: given("redact").then_some(a.view.redact),
                    speed: given("speed").then_some(a.speed),
                    ..Flags::default()
                },
            );
            a.view.theme = s.theme.value;
            a.view.redact = s.redact.value;
            a.speed = s.speed.value;
            s
        }
        Command::Dump(d) => {
            let s = resolve(
                file,
                Flags {
                    redact: given("redact").then_some(d.stream.redact),
                    time_format: given("time_format").then_some(d.time_format),
                    ..Flags::default()
                },
            );
            d.stream.redact = s.redact.value;
            d.time_format = s.time_format.value;
            s
        }
        Command::Flows(crate::cli::FlowsArgs { stream, .. })
        | Command::Stats(crate::cli::StatsArgs { stream, .. }) => {
            let s = resolve(
                file,
                Flags {
                    redact: given("redact").then_some(stream.redact),
                    ..Flags::default()
                },
            );
            stream.redact = s.redact.value;
            s
        }
        Command::Config(a) => resolve(
            file,
            Flags {
                theme: a.theme,
                speed: a.speed,
                max_gap: a.max_gap,
                explain: a.explain.then_some(true),
                redact: a.redact.then_some(true),
                interface: a.interface.clone(),
                time_format: None,
            },
        ),
        _ => resolve(file, Flags::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig, ConfigError> {
        FileConfig::parse(Path::new("/cfg/config.toml"), text)
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let f = parse("theme = \"contrast\"\nspeed = 4\nmax_gap = 0.5\nredact = true\n")
            .expect("valid");
        let s = resolve(
            Some(&f),
            Flags {
                speed: Some(2.0),
                ..Flags::default()
            },
        );
        assert_eq!(s.speed.value, 2.0);
        assert_eq!(s.speed.origin, Origin::Flag);
        assert_eq!(s.theme.value, ThemeName::Contrast);
        assert_eq!(
            s.theme.origin,
            Origin::File {
                path: "/cfg/config.toml".into(),
                line: 1
            }
        );
        assert_eq!((s.max_gap.value, s.redact.value), (0.5, true));
        assert!(matches!(s.max_gap.origin, Origin::File { line: 3, .. }));
        assert_eq!(s.explain.origin, Origin::Default);
        assert_eq!(s.interface.value, None);
        let none = resolve(None, Flags::default());
        assert_eq!((none.speed.value, none.max_gap.value), (1.0, 3.0));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        for (text, line, needle) in [
            ("speed = 2\n\ncolour = \"red\"\n", 3, "colour"),
            ("\ntheme = \"neon\"\n", 2, "neon"),
            ("redact = \"yes\"\n", 1, "bool"),
            ("speed = 2\nspeed = 3\n", 2, "duplicate"),
            ("\n\nspeed = 0\n", 3, "speed"),
            ("max_gap = -1\n", 1, "max_gap"),
            ("interface = \"\"\n", 1, "interface"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text:?}: {e}");
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("/cfg/config.toml:{line}: ")),
                "{msg}"
            );
            assert!(msg.contains(needle), "{text:?}: {msg}");
        }
    }

    #[test]
    fn time_format_and_the_cvd_theme_from_the_file() {
        use crate::cli::Command;
        let file = "time_format = \"epoch\"\ntheme = \"cvd\"\n";
        match applied(&["synack", "dump", "x.pcap"], file).command {
            Command::Dump(d) => assert_eq!(d.time_format, TimeFormat::Epoch),
            other => panic!("{other:?}"),
        }
        // The flag (tcpdump's -tttt becomes it) wins over the file.
        match applied(
            &["synack", "dump", "--time-format=absolute", "x.pcap"],
            file,
        )
        .command
        {
            Command::Dump(d) => assert_eq!(d.time_format, TimeFormat::Absolute),
            other => panic!("{other:?}"),
        }
        match applied(&["synack", "replay", "x.pcap"], file).command {
            Command::Replay(r) => {
                assert_eq!(r.view.theme, ThemeName::Cvd);
                assert!(r.view.theme_choice().cvd);
            }
            other => panic!("{other:?}"),
        }
        let e = parse("\ntime_format = \"sundial\"\n").expect_err("bad value");
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().contains("relative"), "{e}");
        let s = resolve(Some(&parse(file).expect("valid")), Flags::default());
        let text = s.render();
        assert!(text.contains("time_format= \"epoch\""), "{text}");
        assert!(text.contains("theme     = \"cvd\""), "{text}");
    }

    fn applied(argv: &[&str], file: &str) -> crate::cli::Cli {
        use clap::{CommandFactory, FromArgMatches};
        let m = crate::cli::Cli::command()
            .try_get_matches_from(argv)
            .expect("valid command line");
        let mut cli = crate::cli::Cli::from_arg_matches(&m).expect("valid");
        let f = parse(file).expect("valid file");
        apply(&mut cli, &m, Some(&f));
        cli
    }

    #[test]
    fn the_file_fills_what_the_command_line_left_unset() {
        use crate::cli::Command;
        let file = "speed = 5\nmax_gap = 1\ntheme = \"contrast\"\nexplain = true\nredact = true\ninterface = \"eth9\"\n";
        match applied(&["synack", "replay", "x.pcap", "--speed", "2"], file).command {
            Command::Replay(r) => {
                assert_eq!((r.speed, r.max_gap), (2.0, 1.0), "flag wins, file fills");
                assert_eq!(r.view.theme, ThemeName::Contrast);
                assert!(r.view.explain && r.view.redact);
            }
            other => panic!("{other:?}"),
        }
        match applied(&["synack", "live", "-i", "lo", "--theme", "default"], file).command {
            Command::Live(l) => {
                assert_eq!(l.capture.interface.as_deref(), Some("lo"));
                assert_eq!(
                    l.view.theme,
                    ThemeName::Default,
                    "explicit default flag wins"
                );
            }
            other => panic!("{other:?}"),
        }
        match applied(&["synack", "live"], file).command {
            Command::Live(l) => assert_eq!(l.capture.interface.as_deref(), Some("eth9")),
            other => panic!("{other:?}"),
        }
        match applied(&["synack", "dump", "x.pcap"], file).command {
            Command::Dump(d) => assert!(d.stream.redact),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn print_shows_each_value_and_its_origin_as_toml() {
        let f = parse("explain = true\n").expect("valid");
        let s = resolve(
            Some(&f),
            Flags {
                interface: Some("eth0".into()),
                ..Flags::default()
            },
        );
        let text = s.render();
        assert!(
            text.contains("explain   = true         # file /cfg/config.toml:1"),
            "{text}"
        );
        assert!(text.contains("interface = \"eth0\""), "{text}");
        assert!(text.contains("# flag"), "{text}");
        assert!(
            text.contains("speed     = 1.0          # default"),
            "{text}"
        );
        // The printout (comments aside) is itself a valid config file.
        assert!(FileConfig::parse(Path::new("x"), &text.replace("\"\"", "\"lo\"")).is_ok());
    }
}
