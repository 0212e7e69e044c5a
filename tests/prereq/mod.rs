//! What a test needs from the machine (the public corpus, root, tmux, iproute2, setpriv) and the
//! ONE rule for when it is missing: under `CI=true` the test fails and says what to install;
//! elsewhere it is skipped with a `SKIP` line written straight to the terminal (cargo's output
//! capture swallows `println!`, not a direct write to stderr). Tests that need root are also
//! `#[ignore = "needs root"]`, so a plain `cargo test` counts them as ignored in its summary;
//! `.ci/run` checks every prerequisite first and runs `cargo test -- --include-ignored`.
//! Shared by the integration tests (`mod prereq;`) and the library's own corpus test
//! (`#[path]`-included from `src/lib.rs`). Depends on std only.

// Each test binary compiles this module and uses its own part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One thing a test needs from the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prereq {
    /// `../shared/corpus` (public captures and tshark's truth, see its MANIFEST.md).
    Corpus,
    /// Running as root (network namespaces, capturing, dropping privileges).
    Root,
    /// `tmux`, for the real-terminal tests.
    Tmux,
    /// `ip` from iproute2, for network namespaces.
    Ip,
    /// `setpriv` from util-linux, to run synack as an unprivileged user.
    Setpriv,
}

impl Prereq {
    /// Why this prerequisite is missing, or `None` when it is there.
    pub fn missing(self) -> Option<String> {
        let runs = |cmd: &str, arg: &str| Command::new(cmd).arg(arg).output().is_ok();
        match self {
            Prereq::Corpus => (!corpus_dir().join("tcpdump").is_dir()).then(|| {
                format!(
                    "the corpus is not at {} (see /work/shared/corpus/MANIFEST.md)",
                    corpus_dir().display()
                )
            }),
            Prereq::Root => (!is_root()).then(|| "not running as root".to_string()),
            Prereq::Tmux => (!runs("tmux", "-V")).then(|| "tmux is not installed".to_string()),
            Prereq::Ip => {
                (!runs("ip", "-V")).then(|| "`ip` (iproute2) is not installed".to_string())
            }
            Prereq::Setpriv => (!runs("setpriv", "--version"))
                .then(|| "`setpriv` (util-linux) is not installed".to_string()),
        }
    }
}

/// Whether this run is CI's (`CI=true`), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `true` when every prerequisite is there. Otherwise: under `CI=true` the test panics with
/// the reason; elsewhere it prints `SKIP <test>: <reason>` on the real stderr and returns
/// `false`, and the caller returns.
#[track_caller]
pub fn require(prereqs: &[Prereq]) -> bool {
    let reasons: Vec<String> = prereqs.iter().filter_map(|p| p.missing()).collect();
    if reasons.is_empty() {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string();
    let why = reasons.join("; ");
    if in_ci() {
        panic!("{test} cannot run: {why}. CI=true, so a missing prerequisite is a failure.");
    }
    skipped(&test, &why);
    false
}

/// Says that `test` was skipped, past cargo's output capture.
pub fn skipped(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr().lock(), "SKIP {test}: {why}");
}

/// `../shared/corpus`, relative to the project root.
pub fn corpus_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")).to_path_buf()
}

/// The corpus folder when it is there (see [`require`] for when it is not).
#[track_caller]
pub fn corpus() -> Option<PathBuf> {
    require(&[Prereq::Corpus]).then(corpus_dir)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}
