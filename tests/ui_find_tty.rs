//! The filter bar in a real terminal: the `synack` binary runs `replay --instant` on a demo
//! capture inside tmux; typing `/`, a filter and Enter must show `shown N of M` (N counted
//! here from the fast summary, not by the filter engine) and the filter is saved to the
//! history under `$XDG_STATE_HOME`. Needs tmux: fails under `CI=true` when it is missing,
//! skips (saying so) elsewhere.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(socket: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Kills the tmux server (and the program in it) at the end, also when a check fails.
struct Server(String);

impl Drop for Server {
    fn drop(&mut self) {
        tmux(&self.0, &["kill-server"]);
    }
}

fn wait_for(socket: &str, what: &str, timeout: Duration) -> String {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < timeout {
        last = tmux(socket, &["capture-pane", "-p", "-t", "find"]).unwrap_or_default();
        if last.contains(what) {
            return last;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what:?}; screen:\n{last}");
}

#[test]
fn typing_a_filter_in_a_real_terminal_shows_the_count() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is required under CI=true for the real-terminal filter test \
             (apt-get install -y tmux)"
        );
        println!("SKIP: tmux is not installed, cannot test the filter bar in a real terminal");
        return;
    }
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/busy.pcap");
    let frames: Vec<_> = synack::source::FileReader::open(&capture)
        .unwrap()
        .frames()
        .collect::<Result<_, _>>()
        .unwrap();
    let syns = frames
        .iter()
        .filter(|f| {
            synack::decode::summarize(f.link, &f.data, f.len)
                .tcp
                .is_some_and(|t| t.flags & 0x12 == 0x02)
        })
        .count();
    let state = tempfile::tempdir().unwrap();
    let socket = format!("synack-find-{}", std::process::id());
    let server = Server(socket.clone());
    let command = format!(
        "XDG_STATE_HOME={} exec {} replay --instant {}",
        state.path().display(),
        env!("CARGO_BIN_EXE_synack"),
        capture.display()
    );
    tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-s",
            "find",
            "-x",
            "120",
            "-y",
            "30",
            &command,
        ],
    )
    .expect("tmux new-session");
    wait_for(
        &socket,
        &format!("{} pkts", frames.len()),
        Duration::from_secs(20),
    );
    tmux(&socket, &["send-keys", "-t", "find", "/"]);
    wait_for(&socket, "Filter:", Duration::from_secs(10));
    tmux(
        &socket,
        &[
            "send-keys",
            "-t",
            "find",
            "-l",
            "tcp.flags.syn == 1 && tcp.flags.ack == 0",
        ],
    );
    wait_for(&socket, "Enter applies", Duration::from_secs(10));
    tmux(&socket, &["send-keys", "-t", "find", "Enter"]);
    let screen = wait_for(
        &socket,
        &format!("shown {syns} of {}", frames.len()),
        Duration::from_secs(20),
    );
    assert!(screen.contains("tcp.flags.syn == 1"), "{screen}");
    // Esc with no bar open would quit: the bar is closed, so q quits.
    tmux(&socket, &["send-keys", "-t", "find", "q"]);
    let history = state.path().join("synack/history");
    let start = Instant::now();
    while !history.exists() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(&history).unwrap(),
        "tcp.flags.syn == 1 && tcp.flags.ack == 0\n"
    );
    drop(server);
}
