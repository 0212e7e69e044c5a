//! The real binary in a real terminal: one tmux server and session per test (its own socket,
//! killed when dropped), its screen read back, keys sent, and a wait for text to appear.
//! Whether tmux is there is `prereq`'s rule (`Prereq::Tmux`). Shared by the tests that need a
//! terminal (`mod tmux;`). Depends on std and the `tmux` program.

// Each test binary compiles this module and uses its own part of it.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server and session of their own, killed when dropped.
pub struct Tmux {
    pub name: String,
}

impl Tmux {
    /// Runs `command` (a shell command line) in a detached `width`×`height` session on a tmux
    /// server named `name` (make it unique: the process id and the test).
    pub fn start(name: String, width: u16, height: u16, command: &str) -> Tmux {
        let t = Tmux { name };
        let (w, h) = (width.to_string(), height.to_string());
        t.run(&[
            "new-session",
            "-d",
            "-s",
            &t.name,
            "-x",
            &w,
            "-y",
            &h,
            command,
        ])
        .expect("tmux new-session");
        t
    }

    /// Runs a tmux command against this server; its output when it succeeded.
    pub fn run(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("tmux")
            .args(["-L", &self.name])
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The visible screen as text.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.name])
            .unwrap_or_default()
    }

    /// Waits until the screen shows `what`, and returns it; panics with the last screen after
    /// `timeout`.
    pub fn wait_for(&self, what: &str, timeout: Duration) -> String {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < timeout {
            last = self.screen();
            if last.contains(what) {
                return last;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for {what:?}; screen:\n{last}");
    }

    /// Sends each of `keys` (tmux key names: `q`, `Down`, `C-c`…) in turn.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", &self.name, k]);
        }
    }

    /// Resizes the session's window.
    pub fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        self.run(&["resize-window", "-t", &self.name, "-x", &w, "-y", &h]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}
