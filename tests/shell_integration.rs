//! `synack completions` and `synack man` as a user runs them: bash loads the script and
//! registers the completion; `man -l` renders the page (where man is installed — under
//! CI=true a missing `man` fails rather than skips, and the roff is checked structurally
//! everywhere).

use std::path::Path;
use std::process::Command;

fn synack(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("synack runs")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = synack(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert!(
            text.contains("synack") && text.contains("replay"),
            "{shell}"
        );
    }
    assert!(!synack(&["completions", "tcsh"]).status.success());
}

#[test]
fn bash_loads_the_completion_and_completes_subcommands() {
    if !have("bash") {
        assert!(!in_ci(), "CI=true but bash is missing");
        println!("SKIP: bash not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_synack");
    let script = format!(
        r#"source <("{bin}" completions bash) && complete -p synack &&
           COMP_WORDS=(synack rep) COMP_CWORD=1 COMP_LINE="synack rep" COMP_POINT=10 &&
           _synack synack rep synack && printf 'got:%s\n' "${{COMPREPLY[@]}}""#
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .expect("bash runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(text.contains("-F _synack synack"), "{text}");
    assert!(text.contains("got:replay"), "completing `rep`: {text}");
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let out = synack(&["man"]);
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).expect("utf-8");
    assert!(page.contains(".TH synack 1"));
    for section in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS"] {
        assert!(page.contains(&format!(".SH {section}")), "no {section}");
    }
    for sub in [
        "LIVE",
        "REPLAY",
        "DUMP",
        "FLOWS",
        "INTERFACES",
        "DEMO",
        "COMPLETIONS",
        "MAN",
        "STATS",
        "LADDER",
    ] {
        assert!(page.contains(&format!(".SH \"SYNACK {sub}\"")), "no {sub}");
    }
    // Indentation blocks are balanced, and no line of help text starts with `.` or `'`
    // unescaped (roff would take it for a request and drop it).
    let opens = page.lines().filter(|l| l.starts_with(".RS")).count();
    let closes = page.lines().filter(|l| l.starts_with(".RE")).count();
    assert_eq!(opens, closes, "unbalanced .RS/.RE");
    const REQUESTS: &[&str] = &[
        ".TH", ".SH", ".SS", ".TP", ".PP", ".IP", ".RS", ".RE", ".ie", ".el", ".br", ".B", ".I",
        ".nh", ".ad", ".sp", ".fi", ".nf", ".LP", ".P", ".\\\"",
    ];
    for line in page
        .lines()
        .filter(|l| l.starts_with('.') || l.starts_with('\''))
    {
        let req = line.split_whitespace().next().unwrap_or(line);
        assert!(
            REQUESTS.contains(&req),
            "unexpected roff request line: {line}"
        );
    }
}

#[test]
fn man_renders_with_man_l_and_writes_into_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("man1");
    let out = synack(&["man", "-o", sub.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{out:?}");
    let file = sub.join("synack.1");
    assert!(file.is_file());
    if !have("man") {
        // The roff itself is checked by man_page_is_roff_with_every_subcommand.
        assert!(
            !in_ci(),
            "CI=true but `man` is missing (.ci/run installs man-db)"
        );
        println!("SKIP: man not installed; only the roff was checked");
        return;
    }
    let rendered = Command::new("man")
        .arg("-l")
        .arg(Path::new(&file))
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .expect("man runs");
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(rendered.status.success(), "{rendered:?}");
    let plain = strip_overstrike(&text);
    for want in ["SYNACK REPLAY", "--max-gap", "--spool-max", "SYNOPSIS"] {
        assert!(
            plain.contains(want),
            "{want} not in the rendered page:\n{plain}"
        );
    }
}

/// `man` to a pipe may still overstrike bold (`X\bX`): keep the last of each pair. In a UTF-8
/// locale groff may print hyphens as U+2010 or U+2212: read them as `-`.
fn strip_overstrike(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c == '\u{8}' {
            out.pop();
        } else if c == '\u{2010}' || c == '\u{2212}' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}
