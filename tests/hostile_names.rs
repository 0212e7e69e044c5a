//! Hostile file and interface names through the real binary: a file named
//! `"\x1b]0;pwned\x07.pcap"` (which set the terminal's title when printed raw) and names with
//! bidi overrides, quotes and shell metacharacters reach every message sanitized, and the
//! commands a message suggests (`file …`, `ls -l …`) shell-quote them so that pasting the
//! command names exactly that file.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output};

const EVIL: &[u8] = b"\x1b]0;pwned\x07.pcap";

fn synack<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack")
}

/// Nothing a terminal acts on: no C0/C1 control (but newline), no bidi override.
fn assert_terminal_safe(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes).into_owned();
    for c in text.chars() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "raw {c:?} reached the terminal: {text:?}"
        );
    }
    text
}

fn failed(o: &Output) -> String {
    assert!(!o.status.success(), "expected a failure");
    assert_terminal_safe(&o.stdout);
    let err = assert_terminal_safe(&o.stderr);
    assert!(
        err.starts_with("synack: ") || err.starts_with("error:"),
        "{err}"
    );
    err
}

#[test]
fn a_file_name_with_escapes_cannot_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evil = dir.path().join(OsStr::from_bytes(EVIL));
    // Missing.
    for cmd in ["dump", "flows"] {
        let err = failed(&synack(&[OsStr::new(cmd), evil.as_os_str()]));
        assert!(
            err.contains("\\x1b]0;pwned\\x07.pcap: no such file"),
            "{err}"
        );
    }
    // Not a capture: the suggested commands are quoted for a shell.
    std::fs::write(&evil, b"hello, this is text\n").expect("write");
    let err = failed(&synack(&[OsStr::new("dump"), evil.as_os_str()]));
    let quoted = format!("$'{}/\\x1b]0;pwned\\x07.pcap'", dir.path().display());
    assert!(err.contains(&format!("`file {quoted}`")), "{err}");
    assert!(err.contains(&format!("`capinfos {quoted}`")), "{err}");
    // Empty.
    std::fs::write(&evil, b"").expect("write");
    let err = failed(&synack(&[OsStr::new("flows"), evil.as_os_str()]));
    assert!(err.contains("the file is empty"), "{err}");
    // A directory with such a name.
    std::fs::remove_file(&evil).expect("rm");
    std::fs::create_dir(&evil).expect("mkdir");
    let err = failed(&synack(&[OsStr::new("dump"), evil.as_os_str()]));
    assert!(err.contains("directory"), "{err}");
}

#[test]
fn quotes_and_shell_metacharacters_are_quoted_in_suggested_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = dir.path().join("it's $(reboot) \u{202e}gpj.pcap");
    std::fs::write(&name, b"<html>not a capture</html>").expect("write");
    let err = failed(&synack(&[OsStr::new("dump"), name.as_os_str()]));
    // The bidi override is escaped in the text and in the quoted command.
    assert!(
        err.contains("it's $(reboot) \\u{202e}gpj.pcap: not a pcap"),
        "{err}"
    );
    assert!(
        err.contains("`file $'") && err.contains("/it\\'s $(reboot) \\xe2\\x80\\xaegpj.pcap'`"),
        "{err}"
    );
    // Without control characters a plain single-quoted word is used.
    let plain = dir.path().join("it's $(reboot).pcap");
    std::fs::write(&plain, b"<html>").expect("write");
    let err = failed(&synack(&[OsStr::new("dump"), plain.as_os_str()]));
    let want = format!("`file '{}/it'\\''s $(reboot).pcap'`", dir.path().display());
    assert!(err.contains(&want), "{want}\n{err}");
}

#[test]
fn a_quoted_suggestion_names_the_file_in_a_real_shell() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evil = dir
        .path()
        .join(OsStr::from_bytes(b"a'b\x1b]0;x\x07 $(c).pcap"));
    std::fs::write(&evil, b"plain text").expect("write");
    let err = failed(&synack(&[OsStr::new("dump"), evil.as_os_str()]));
    let start = err.find("`file ").expect("a suggested command") + 6;
    let end = start + err[start..].find('`').expect("closing backquote");
    let word = &err[start..end];
    // bash reads the quoted word back as the very name.
    let Ok(out) = Command::new("bash")
        .args(["-c", &format!("printf '%s' {word}")])
        .output()
    else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("bash is needed to check shell quoting");
        }
        println!("SKIP: bash not runnable");
        return;
    };
    assert_eq!(Path::new(OsStr::from_bytes(&out.stdout)), evil.as_path());
}

#[test]
fn usage_errors_and_interface_names_are_sanitized() {
    // clap repeats a rejected value (its renderer drops escape sequences; controls left
    // over are escaped).
    for value in ["\x1b]0;pwned\x07", "\x07\x08\u{202e}x\x1b[2J"] {
        let o = synack(&["replay", "--speed", value, "x.pcap"]);
        let err = failed(&o);
        assert!(err.contains("--speed"), "{err}");
    }
    // An interface that does not exist (or no permission to capture: both name it).
    let o = synack(&["dump", "-i", "\x1b]0;pwned\x07\u{202e}"]);
    let err = failed(&o);
    assert!(err.contains("\\x1b]0;pwned\\x07\\u{202e}"), "{err}");
}
