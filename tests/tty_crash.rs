//! The real binary in a real terminal (tmux): a panic in the capture thread or in the input
//! thread restores the terminal, says what happened and exits non-zero (a hidden test hook,
//! `SYNACK_TEST_PANIC`, makes the thread panic); a storm of resizes (down to 1×1) on every
//! screen neither kills the viewer nor leaves the terminal broken. tmux missing fails under
//! `CI=true` and skips (saying so) elsewhere.

mod prereq;
mod tmux;

use std::path::{Path, PathBuf};
use std::time::Duration;

use prereq::Prereq;
use tmux::Tmux;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/busy.pcap");

/// Whether tmux runs; when not, fails under CI and skips elsewhere (`prereq`'s rule).
fn have_tmux() -> bool {
    prereq::require(&[Prereq::Tmux])
}

/// A tmux session (see `tmux::Tmux`) and the folder its wrapper shell reports into.
struct Session {
    tmux: Tmux,
    dir: tempfile::TempDir,
}

impl std::ops::Deref for Session {
    type Target = Tmux;
    fn deref(&self) -> &Tmux {
        &self.tmux
    }
}

impl Session {
    /// Runs `command` (a shell command line) in a 100×30 terminal; afterwards the shell
    /// records the exit status and the terminal settings, then prints `ALL-DONE`.
    fn start(tag: &str, env: &str, command: &str) -> Session {
        let dir = tempfile::tempdir().expect("tempdir");
        let name = format!("synack-crash-{}-{tag}", std::process::id());
        let status = dir.path().join("status");
        let stty = dir.path().join("stty");
        let wrapper = format!(
            "{env} {command}; echo $? > {s}; stty -a > {t}; echo ALL-DONE; sleep 60",
            s = status.display(),
            t = stty.display()
        );
        Session {
            tmux: Tmux::start(name, 100, 30, &wrapper),
            dir,
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Waits for the program to end; returns its exit status and checks the terminal was
    /// left in cooked mode with echo, on the main screen.
    fn finished(&self) -> (i32, String) {
        let after = self.wait_for("ALL-DONE", Duration::from_secs(30));
        let stty = std::fs::read_to_string(self.file("stty")).expect("stty recorded");
        let words: Vec<&str> = stty.split_whitespace().collect();
        assert!(words.contains(&"icanon"), "raw mode left on: {stty}");
        assert!(words.contains(&"echo"), "echo left off: {stty}");
        assert!(
            !after.contains("Packets ("),
            "still on the alternate screen:\n{after}"
        );
        let status = std::fs::read_to_string(self.file("status")).expect("status");
        (status.trim().parse().expect("a number"), after)
    }
}

fn synack() -> &'static str {
    env!("CARGO_BIN_EXE_synack")
}

fn panic_in(site: &str, act: impl FnOnce(&Session)) {
    if !have_tmux() || !Path::new(DEMO).exists() {
        return;
    }
    let s = Session::start(
        site,
        &format!("SYNACK_TEST_PANIC={site} RUST_BACKTRACE=0"),
        &format!("{} replay --instant {DEMO}", synack()),
    );
    s.wait_for("Packets (", Duration::from_secs(30));
    act(&s);
    let (status, after) = s.finished();
    assert_ne!(status, 0, "a panic must exit non-zero:\n{after}");
    // tmux wraps long lines: compare without whitespace.
    let flat: String = after.split_whitespace().collect();
    let want = |t: &str| t.split_whitespace().collect::<String>();
    assert!(
        flat.contains(&want("internal error, synack stopped")),
        "{after}"
    );
    assert!(
        flat.contains(&want(&format!("deliberate panic in the {site} thread"))),
        "{after}"
    );
}

#[test]
fn a_panic_in_the_capture_thread_restores_the_terminal_and_fails() {
    panic_in("capture", |_| {});
}

#[test]
fn a_panic_in_the_input_thread_restores_the_terminal_and_fails() {
    panic_in("input", |s| {
        std::thread::sleep(Duration::from_millis(300));
        s.keys(&["j"]);
    });
}

#[test]
fn a_resize_storm_in_a_real_terminal_on_every_screen() {
    if !have_tmux() || !Path::new(DEMO).exists() {
        return;
    }
    let s = Session::start(
        "resize",
        "RUST_BACKTRACE=1",
        &format!("{} replay --instant {DEMO}", synack()),
    );
    s.wait_for("Packets (", Duration::from_secs(30));
    let sizes: &[(u16, u16)] = &[
        (100, 30),
        (1, 1),
        (10, 3),
        (200, 60),
        (40, 8),
        (2, 2),
        (80, 24),
        (151, 45),
        (20, 5),
        (5, 20),
        (120, 40),
    ];
    let screens: &[&[&str]] = &[
        &[],
        &["Enter"],
        &["Tab"],
        &["e"],
        &["2"],
        &["Enter", "j"],
        &["e"],
        &["?"],
        &["Escape", "1"],
    ];
    for keys in screens {
        s.keys(keys);
        for _ in 0..3 {
            for &(w, h) in sizes {
                s.resize(w, h);
                std::thread::sleep(Duration::from_millis(15));
            }
        }
    }
    s.resize(100, 30);
    std::thread::sleep(Duration::from_millis(500));
    // Still running and drawing: quit normally.
    let screen = s.screen();
    assert!(!screen.contains("panicked"), "{screen}");
    s.keys(&["q"]);
    let (status, after) = s.finished();
    assert_eq!(status, 0, "{after}");
}

#[test]
fn a_file_emptied_under_the_viewer_does_not_kill_it() {
    if !have_tmux() || !Path::new(DEMO).exists() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("same.pcap");
    std::fs::copy(DEMO, &file).expect("copy");
    let s = Session::start(
        "shrink",
        "RUST_BACKTRACE=1",
        &format!("{} replay --instant {}", synack(), file.display()),
    );
    s.wait_for("loaded same.pcap", Duration::from_secs(30));
    // `tcpdump -w same.pcap` again: the file is truncated to nothing.
    std::fs::File::create(&file).expect("truncate");
    // Everything that shows packet bytes: a memory-mapped viewer died here with SIGBUS.
    s.keys(&[
        "G", "Enter", "Tab", "g", "j", "j", "e", "2", "Enter", "1", "k",
    ]);
    std::thread::sleep(Duration::from_millis(800));
    let screen = s.screen();
    assert!(
        screen.contains("same.pcap"),
        "the viewer is gone:\n{screen}"
    );
    s.keys(&["q"]);
    let (status, after) = s.finished();
    assert_eq!(status, 0, "{after}");
}
