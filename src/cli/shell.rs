//! Shell integration: `synack completions SHELL` (clap_complete) and `synack man` (clap_mangen,
//! one page holding every subcommand), both generated from the same clap definition the
//! program parses with, so they cannot drift from the real options. Depends on cli::args.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use thiserror::Error;

use super::Cli;

/// `synack completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// `synack man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `synack.1` into DIR (created if missing) instead of printing the page.
    #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Why a completion script or the manual page could not be written.
#[derive(Debug, Error)]
pub enum ShellError {
    #[error("cannot write the output: {0}")]
    Output(#[source] io::Error),
    #[error("cannot write the manual page into {}: {source} (check the folder exists and is writable)", crate::sanitize::sanitize(&.dir.display().to_string()))]
    ManDir {
        dir: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ShellError {
    /// The reader of our output went away (`synack man | head`): not an error to report.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, ShellError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Writes the completion script for `shell`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "synack", out);
    out.flush()
}

/// The whole manual page as roff: the top-level page (name, synopsis, options, the list of
/// subcommands), then one section per subcommand whose own synopsis, description and options
/// are subsections — `man synack` then documents every flag in one place.
pub fn man_page() -> io::Result<Vec<u8>> {
    let mut cmd = Cli::command();
    cmd.build();
    let top = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    top.render_title(&mut out)?;
    top.render_name_section(&mut out)?;
    top.render_synopsis_section(&mut out)?;
    top.render_description_section(&mut out)?;
    top.render_options_section(&mut out)?;
    // clap_mangen's list points at one page per subcommand (synack-live(1)); here they are
    // all sections of this page, so the list names them as they are typed.
    writeln!(out, ".SH SUBCOMMANDS")?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(
            out,
            ".TP\n\\fBsynack {}\\fR\n{}",
            sub.get_name(),
            roff_text(&about)
        )?;
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let page = clap_mangen::Man::new(sub.clone());
        let mut part = Vec::new();
        page.render_synopsis_section(&mut part)?;
        page.render_description_section(&mut part)?;
        page.render_options_section(&mut part)?;
        writeln!(out, ".SH \"SYNACK {}\"", sub.get_name().to_uppercase())?;
        // The subcommand's own sections become subsections of its section.
        for line in String::from_utf8_lossy(&part).lines() {
            match line.strip_prefix(".SH ") {
                Some(rest) => writeln!(out, ".SS {rest}")?,
                None => writeln!(out, "{line}")?,
            }
        }
    }
    top.render_version_section(&mut out)?;
    Ok(out)
}

/// `synack man`: the page to `out`, or into `DIR/synack.1`. Returns the file written, if any.
pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<Option<PathBuf>, ShellError> {
    let page = man_page().map_err(ShellError::Output)?;
    match &args.out_dir {
        None => {
            out.write_all(&page)
                .and_then(|()| out.flush())
                .map_err(ShellError::Output)?;
            Ok(None)
        }
        Some(dir) => {
            let path = write_into(dir, &page).map_err(|source| ShellError::ManDir {
                dir: dir.clone(),
                source,
            })?;
            Ok(Some(path))
        }
    }
}

/// Help text as a roff text line: backslashes and hyphens escaped, and a leading `.` or `'`
/// guarded so roff does not read the line as a request.
fn roff_text(s: &str) -> String {
    let body = s.replace('\\', "\\\\").replace('-', "\\-");
    if body.starts_with(['.', '\'']) {
        format!("\\&{body}")
    } else {
        body
    }
}

fn write_into(dir: &Path, page: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let path = dir.join("synack.1");
    fs::write(&path, page)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let mut out = Vec::new();
            completions(shell, &mut out).expect("written");
            let text = String::from_utf8(out).expect("utf-8");
            for word in ["replay", "flows", "demo", "completions", "max-gap"] {
                assert!(text.contains(word), "{shell}: no {word}");
            }
        }
    }

    #[test]
    fn help_text_cannot_become_a_roff_request() {
        assert_eq!(roff_text(".SH x"), "\\&.SH x");
        assert_eq!(roff_text("'br"), "\\&'br");
        assert_eq!(roff_text(r"a\b-c"), r"a\\b\-c");
    }

    #[test]
    fn man_page_has_a_section_per_subcommand_with_its_options() {
        let page = String::from_utf8(man_page().expect("rendered")).expect("utf-8");
        assert!(
            page.starts_with(".ie") || page.starts_with(".TH"),
            "{}",
            &page[..80]
        );
        assert!(page.contains(".TH synack 1"), "title line");
        for sub in [
            "LIVE",
            "REPLAY",
            "DUMP",
            "FLOWS",
            "INTERFACES",
            "DEMO",
            "MAN",
        ] {
            assert!(page.contains(&format!(".SH \"SYNACK {sub}\"")), "no {sub}");
        }
        assert!(!page.contains("SYNACK HELP"));
        assert!(
            page.contains("\\fBsynack replay\\fR"),
            "subcommands listed as typed"
        );
        assert!(
            !page.contains("synack\\-live(1)"),
            "no pointers to pages that do not exist"
        );
        // Options of subcommands are in the page, as roff (`\-` is a hyphen there).
        for flag in [r"\-\-max\-gap", r"\-\-spool\-max", r"\-\-idle\-timeout"] {
            assert!(page.contains(flag), "no {flag}");
        }
    }
}
