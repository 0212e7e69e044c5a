//! The config file as a user meets it: found through $XDG_CONFIG_HOME (or `--config FILE`),
//! overridden by flags, shown with its origins by `synack config --print`, and a wrong key or
//! value reported with the file and line and a non-zero exit.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn synack(xdg: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .env("XDG_CONFIG_HOME", xdg)
        .env("HOME", xdg.join("home"))
        .output()
        .expect("synack runs")
}

#[test]
fn print_shows_defaults_file_values_and_flags() {
    let xdg = tempfile::tempdir().expect("tempdir");
    let none = synack(xdg.path(), &["config", "--print"]);
    assert!(none.status.success(), "{none:?}");
    let text = String::from_utf8_lossy(&none.stdout);
    assert_eq!(text.matches("# default").count(), 7, "{text}");

    fs::create_dir_all(xdg.path().join("synack")).expect("mkdir");
    let file = xdg.path().join("synack/config.toml");
    fs::write(&file, "# mine\ntheme = \"contrast\"\nspeed = 4\n").expect("write");
    let out = synack(xdg.path(), &["config", "--print", "--speed", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    let theme = text
        .lines()
        .find(|l| l.starts_with("theme"))
        .expect("theme line");
    assert!(
        theme.contains("\"contrast\"") && theme.contains(&format!("{}:2", file.display())),
        "{theme}"
    );
    let speed = text
        .lines()
        .find(|l| l.starts_with("speed"))
        .expect("speed line");
    assert!(
        speed.contains("2.0") && speed.ends_with("# flag"),
        "{speed}"
    );

    // --config FILE replaces the XDG file.
    let other = xdg.path().join("other.toml");
    fs::write(&other, "max_gap = 0.25\n").expect("write");
    let out = synack(
        xdg.path(),
        &[
            "config",
            "--print",
            "--config",
            other.to_str().expect("utf-8"),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("theme     = \"default\""), "{text}");
    assert!(text.contains("max_gap   = 0.25"), "{text}");
}

#[test]
fn a_wrong_key_or_value_names_the_file_and_line() {
    let xdg = tempfile::tempdir().expect("tempdir");
    let bad = xdg.path().join("bad.toml");
    for (text, line, word) in [
        ("speed = 2\n\nspeeed = 3\n", 3, "speeed"),
        ("theme = \"neon\"\n", 1, "neon"),
        ("\nredact = 1\n", 2, "redact"),
    ] {
        fs::write(&bad, text).expect("write");
        // Any command reads the config first, so even `dump` refuses a broken file.
        let out = synack(
            xdg.path(),
            &["--config", bad.to_str().expect("utf-8"), "interfaces"],
        );
        assert!(!out.status.success(), "{text:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("{}:{line}: ", bad.display())),
            "{text:?}: {err}"
        );
        assert!(
            err.contains(word) || err.contains("boolean"),
            "{text:?}: {err}"
        );
    }
    let missing = synack(
        xdg.path(),
        &["config", "--print", "--config", "/nonexistent/x.toml"],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/x.toml"));
}

#[test]
fn the_config_applies_to_commands_and_flags_override_it() {
    // `dump --redact` from the file: addresses are masked unless the file is absent.
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/http.pcap");
    let xdg = tempfile::tempdir().expect("tempdir");
    let plain = synack(xdg.path(), &["dump", capture.to_str().expect("utf-8")]);
    fs::create_dir_all(xdg.path().join("synack")).expect("mkdir");
    fs::write(xdg.path().join("synack/config.toml"), "redact = true\n").expect("write");
    let masked = synack(xdg.path(), &["dump", capture.to_str().expect("utf-8")]);
    assert!(plain.status.success() && masked.status.success());
    assert_ne!(plain.stdout, masked.stdout, "redact = true had no effect");
    let explicit = synack(
        xdg.path(),
        &["dump", "--redact", capture.to_str().expect("utf-8")],
    );
    assert_eq!(masked.stdout, explicit.stdout, "file and flag redact alike");
}
