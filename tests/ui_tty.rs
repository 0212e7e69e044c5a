//! The real terminal path (`tui::run_feed`: raw mode, alternate screen, mouse capture, signal
//! handling, panic hook) inside a tmux pseudo-terminal: after quitting with `q`, after
//! SIGTERM and after a panic inside the loop, the terminal must be back in cooked mode with
//! echo; with stdin a pipe, keys still arrive (from /dev/tty). Skips (saying why) when tmux is
//! missing. The `tty_program` test is the program run inside tmux; it is ignored in normal
//! runs.

mod prereq;
mod ui_support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use synack::app::{Drops, Msg, SourceKind};
use synack::terminal::tui::{Feed, FeedEvent, run_feed};

/// A feed event whose conversion panics (the conversion runs on the ui thread, inside the
/// loop, with the terminal in raw mode).
enum Event {
    Ok(FeedEvent),
    Panic,
}

impl From<Event> for Msg {
    fn from(e: Event) -> Msg {
        match e {
            Event::Ok(f) => f.into(),
            Event::Panic => panic!("deliberate panic inside the ui loop"),
        }
    }
}

#[test]
#[ignore = "run inside a terminal by `terminal_is_restored_*`"]
fn tty_program() {
    // Does nothing unless a test started it (`cargo test -- --include-ignored` runs it too).
    let Ok(mode) = std::env::var("SYNACK_TTY_MODE") else {
        return;
    };
    if let Some(path) = mode.strip_prefix("file:") {
        // The real thing: capture thread over a file, real decoder.
        let result = synack::terminal::tui::run(
            synack::source::Input::File(path.into()),
            &synack::terminal::tui::TuiOptions::default(),
        );
        match &result {
            Ok(()) => println!("run returned Ok"),
            Err(e) => println!("run returned error: {e}"),
        }
        return;
    }
    let (tx, rx) = sync_channel(8);
    let feeder = std::thread::spawn(move || {
        let _ = tx.send(Event::Ok(FeedEvent::Frames(ui_support::handshake_frames())));
        if mode == "panic" {
            std::thread::sleep(Duration::from_millis(300));
            let _ = tx.send(Event::Panic);
        }
        // Keep the channel open (a live capture that goes quiet).
        std::thread::sleep(Duration::from_secs(30));
    });
    let feed = Feed {
        rx: &rx,
        drops: Box::new(Drops::default),
        stop: Arc::new(AtomicBool::new(false)),
    };
    let result = run_feed(
        SourceKind::Live {
            iface: "tty-test".into(),
        },
        feed,
    );
    println!("run_feed returned: {result:?}");
    drop(feeder);
}

/// A tmux session running one test program; killed (with the program, should it have
/// survived) when dropped, also when a check fails half-way.
struct Session {
    name: String,
    pidfile: Option<PathBuf>,
    /// The session's own tmux server socket, removed at the end.
    socket: Option<PathBuf>,
}

impl Session {
    fn start(name: &str, command: &str, pidfile: Option<PathBuf>) -> Session {
        tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            command,
        ])
        .expect("tmux new-session");
        let socket = tmux(&["display-message", "-p", "-t", name, "#{socket_path}"])
            .map(|s| PathBuf::from(s.trim()));
        Session {
            name: name.to_string(),
            pidfile,
            socket,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.name]);
        let pid = self
            .pidfile
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        if let Some(pid) = pid {
            let pid = pid.trim();
            let start = Instant::now();
            while !ended(pid) && start.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(50));
            }
            if !ended(pid) {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
        }
        if let Some(socket) = &self.socket {
            let _ = std::fs::remove_file(socket);
        }
    }
}

/// Runs tmux on the server of the session named by `-s`/`-t`: one server per session, so
/// tests running in parallel never race to start a shared one.
fn tmux(args: &[&str]) -> Option<String> {
    let session = args
        .windows(2)
        .find(|w| w[0] == "-s" || w[0] == "-t")
        .map(|w| w[1]);
    let mut cmd = Command::new("tmux");
    if let Some(name) = session {
        cmd.args(["-L", name]);
    }
    let out = cmd.args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn wait_for(session: &str, what: &str, timeout: Duration) -> String {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < timeout {
        last = tmux(&["capture-pane", "-p", "-t", session]).unwrap_or_default();
        if last.contains(what) {
            return last;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what:?}; screen:\n{last}");
}

/// Runs the program in a fresh tmux session, does `act`, then checks the tty settings the
/// shell sees afterwards.
fn check_restored(mode: &str, act: impl FnOnce(&str, &PathBuf)) {
    check_restored_expecting(mode, "Packets (5)", act, |_| {});
}

/// Like [`check_restored`], waiting for `first_screen` and then checking the screen left
/// after the program exits with `after_check`.
fn check_restored_expecting(
    mode: &str,
    first_screen: &str,
    act: impl FnOnce(&str, &PathBuf),
    after_check: impl FnOnce(&str),
) {
    if !prereq::require(&[prereq::Prereq::Tmux]) {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stty.txt");
    let pidfile = dir.path().join("pid");
    let session = format!(
        "synack-ui-{}-{}",
        std::process::id(),
        mode.replace(['/', '.', ':'], "-")
    );
    let program = format!(
        "RUST_BACKTRACE=0 SYNACK_TTY_MODE={mode} exec {exe} --ignored --exact tty_program \
         --nocapture --test-threads=1",
        exe = exe.display(),
    );
    // "pipe": stdin is a pipe (like `tcpdump -w - | synack replay -`); keys come from /dev/tty.
    let script = if mode == "pipe" {
        format!("yes | {program}")
    } else {
        format!("echo $$ > {pid}; {program}", pid = pidfile.display())
    };
    // The shell runs the program, then records the terminal settings it is left with.
    let wrapper = format!(
        "sh -c '{script}' ; stty -a > {out}; echo STTY-DONE; sleep 30",
        out = out.display()
    );
    let guard = Session::start(&session, &wrapper, Some(pidfile.clone()));
    let screen = wait_for(&session, first_screen, Duration::from_secs(20));
    assert!(screen.contains(first_screen), "{screen}");
    act(&session, &pidfile);
    let after = wait_for(&session, "STTY-DONE", Duration::from_secs(20));
    drop(guard);
    let stty = std::fs::read_to_string(&out).unwrap();
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(words.contains(&"icanon"), "raw mode left on: {stty}");
    assert!(words.contains(&"echo"), "echo left off: {stty}");
    assert!(
        !after.contains("Packets ("),
        "still on the alternate screen:\n{after}"
    );
    if mode == "panic" {
        assert!(after.contains("deliberate panic"), "{after}");
    }
    after_check(&after);
}

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/http.pcap");

#[test]
fn a_real_capture_file_through_the_capture_thread() {
    let ok = |after: &str| assert!(after.contains("run returned Ok"), "{after}");
    check_restored_expecting(
        &format!("file:{DEMO}"),
        "loaded http.pcap",
        |session, _| {
            let screen = wait_for(session, "10 pkts", Duration::from_secs(10));
            assert!(screen.contains("HTTP"), "{screen}");
            assert!(screen.contains("ethernet"), "{screen}");
            println!("{screen}");
            for k in ["j", "j", "j", "Tab"] {
                tmux(&["send-keys", "-t", session, k]);
            }
            let screen = wait_for(session, "packet 4", Duration::from_secs(10));
            println!("{screen}");
            tmux(&["send-keys", "-t", session, "q"]);
        },
        ok,
    );
}

#[test]
fn a_file_cut_mid_record_shows_the_reason_and_fails_after_restoring() {
    let bytes = std::fs::read(DEMO).expect("assets/demo/http.pcap is in the repository");
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
    let failed = |after: &str| assert!(after.contains("run returned error"), "{after}");
    check_restored_expecting(
        &format!("file:{}", cut.display()),
        "failed cut.pcap",
        |session, _| {
            let screen = wait_for(session, "9 pkts", Duration::from_secs(10));
            println!("{screen}");
            tmux(&["send-keys", "-t", session, "q"]);
        },
        failed,
    );
}

#[test]
fn terminal_is_restored_after_q() {
    check_restored("quit", |session, _| {
        tmux(&["send-keys", "-t", session, "q"]);
    });
}

#[test]
fn keys_come_from_the_tty_when_stdin_is_a_pipe() {
    check_restored("pipe", |session, _| {
        tmux(&["send-keys", "-t", session, "q"]);
    });
}

#[test]
fn terminal_is_restored_after_sigterm() {
    check_restored("term", |_, pidfile| {
        let pid = std::fs::read_to_string(pidfile).unwrap();
        let status = Command::new("kill")
            .args(["-TERM", pid.trim()])
            .status()
            .unwrap();
        assert!(status.success());
    });
}

#[test]
fn terminal_is_restored_after_a_panic() {
    check_restored("panic", |_, _| {});
}

/// Whether process `pid` has ended (gone, or a zombie waiting to be reaped).
fn ended(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/status")) {
        Err(_) => true,
        Ok(s) => s
            .lines()
            .any(|l| l.starts_with("State:") && l.contains('Z')),
    }
}

#[test]
fn the_session_ends_when_the_terminal_hangs_up() {
    if !prereq::require(&[prereq::Prereq::Tmux]) {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let session = format!("synack-ui-{}-hangup", std::process::id());
    let script = format!(
        "echo $$ > {pid}; RUST_BACKTRACE=0 SYNACK_TTY_MODE=hangup exec {exe} --ignored --exact \
         tty_program --nocapture --test-threads=1",
        pid = pidfile.display(),
        exe = exe.display(),
    );
    let guard = Session::start(&session, &format!("sh -c '{script}'"), None);
    wait_for(&session, "Packets (5)", Duration::from_secs(20));
    let pid = std::fs::read_to_string(&pidfile).unwrap_or_default();
    let pid = pid.trim().to_string();
    assert!(!pid.is_empty());
    // Closing the terminal: the program must notice and end by itself.
    tmux(&["kill-session", "-t", &session]);
    let start = Instant::now();
    while !ended(&pid) && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let gone = ended(&pid);
    if !gone {
        // Do not leave it spinning.
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
    }
    drop(guard);
    assert!(gone, "synack kept running after its terminal hung up");
}
