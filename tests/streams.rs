//! Pipes, FIFOs and signals with the real binary: a capture written slowly into a pipe or a
//! FIFO shows its packets (dump lines, flows rows, the viewer's count) before the writer
//! closes; Ctrl-C, SIGTERM and SIGHUP end `dump` promptly while it waits on a silent writer,
//! keeping what it printed; the viewer over a FIFO quits on `q` while the writer is silent,
//! exits non-zero after SIGTERM, and leaves the terminal cooked after SIGQUIT and SIGUSR1; a
//! closed stdin says so. The capture is assets/demo/http.pcap, fed record by record. The
//! viewer tests run in tmux: without it they fail under `CI=true` and skip (saying why)
//! elsewhere; FIFOs come from `mkfifo` (coreutils).

mod prereq;
mod tmux;

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use prereq::Prereq;
use tmux::Tmux;

const SYNACK: &str = env!("CARGO_BIN_EXE_synack");
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/http.pcap");

/// The demo capture as its 24-byte file header and its records (header + bytes each).
fn pieces() -> (Vec<u8>, Vec<Vec<u8>>) {
    let data = std::fs::read(DEMO).expect("assets/demo/http.pcap");
    let (head, mut rest) = data.split_at(24);
    let mut records = Vec::new();
    while rest.len() >= 16 {
        let caplen = u32::from_le_bytes(rest[8..12].try_into().unwrap()) as usize;
        let (rec, tail) = rest.split_at(16 + caplen);
        records.push(rec.to_vec());
        rest = tail;
    }
    assert_eq!(records.len(), 10, "http.pcap has ten packets");
    (head.to_vec(), records)
}

fn fifo(dir: &Path) -> PathBuf {
    let path = dir.join("capture.fifo");
    let made = Command::new("mkfifo").arg(&path).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo (coreutils) is needed"
    );
    path
}

/// Lines of a child's stdout, as they come.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().expect("stdout piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Waits for `n` lines, failing with what came otherwise.
fn expect_lines(rx: &mpsc::Receiver<String>, n: usize, why: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got = Vec::new();
    while got.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => got.push(l),
            Err(_) => panic!("{why}: {} of {n} lines within 10 s: {got:#?}", got.len()),
        }
    }
    got
}

fn wait_exit(child: &mut Child, secs: u64, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not exit within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -{sig} {pid}");
}

#[test]
fn dump_prints_packets_from_a_slow_pipe_before_the_writer_closes() {
    let (head, records) = pieces();
    let mut child = Command::new(SYNACK)
        .args(["dump", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack dump -");
    let rx = lines_of(&mut child);
    let mut stdin = child.stdin.take().expect("stdin piped");
    stdin.write_all(&head).unwrap();
    for r in &records[..3] {
        stdin.write_all(r).unwrap();
    }
    stdin.flush().unwrap();
    let first = expect_lines(&rx, 3, "packets written so far are printed");
    assert!(first[0].starts_with("1 "), "{first:?}");
    for r in &records[3..] {
        stdin.write_all(r).unwrap();
    }
    drop(stdin);
    let rest = expect_lines(&rx, 7, "the rest after the writer closes");
    assert!(rest[6].starts_with("10 "), "{rest:?}");
    assert!(wait_exit(&mut child, 10, "dump -").success());
}

#[test]
fn flows_from_a_pipe_prints_a_connection_once_it_closes() {
    let (head, records) = pieces();
    let mut child = Command::new(SYNACK)
        .args(["flows", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack flows -");
    let rx = lines_of(&mut child);
    let mut stdin = child.stdin.take().expect("stdin piped");
    stdin.write_all(&head).unwrap();
    // The whole connection, FINs both ways included; the writer stays open.
    for r in &records {
        stdin.write_all(r).unwrap();
    }
    stdin.flush().unwrap();
    let line = expect_lines(&rx, 1, "a closed connection is printed at once");
    let flow: serde_json::Value = serde_json::from_str(&line[0]).expect("JSON");
    assert_eq!(flow["server"], "10.77.1.2:80", "{flow}");
    assert!(child.try_wait().unwrap().is_none(), "still reading");
    drop(stdin);
    assert!(wait_exit(&mut child, 10, "flows -").success());
    assert!(
        rx.try_iter().next().is_none(),
        "the connection is printed once"
    );
}

/// `dump FIFO` with a writer that sends three packets and then stalls: each signal ends it
/// promptly, exit status 0, the three lines kept.
#[test]
fn dump_on_a_stalled_fifo_ends_on_int_term_and_hup() {
    let (head, records) = pieces();
    for sig in ["INT", "TERM", "HUP"] {
        let dir = tempfile::tempdir().unwrap();
        let path = fifo(dir.path());
        let mut child = Command::new(SYNACK)
            .args(["dump"])
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("synack dump FIFO");
        let rx = lines_of(&mut child);
        // Opening for writing waits for the reader: synack opens without waiting for us.
        let mut w = OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open FIFO");
        w.write_all(&head).unwrap();
        for r in &records[..3] {
            w.write_all(r).unwrap();
        }
        w.flush().unwrap();
        expect_lines(&rx, 3, "packets written so far are printed");
        std::thread::sleep(Duration::from_millis(200));
        signal(child.id(), sig);
        let status = wait_exit(&mut child, 5, &format!("dump FIFO after SIG{sig}"));
        assert!(status.success(), "SIG{sig}: {status}");
        assert!(rx.try_iter().next().is_none());
        drop(w);
    }
}

#[test]
fn dump_waiting_for_a_fifo_writer_ends_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let path = fifo(dir.path());
    let mut child = Command::new(SYNACK)
        .args(["dump"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack dump FIFO");
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "waits for a writer");
    signal(child.id(), "TERM");
    let status = wait_exit(&mut child, 5, "dump FIFO (no writer) after SIGTERM");
    assert!(status.success(), "{status}");
}

#[test]
fn a_closed_stdin_says_so() {
    let out = Command::new(SYNACK)
        .args(["dump", "-"])
        .stdin(Stdio::null())
        .output()
        .expect("synack dump -");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("standard input was closed with no data"),
        "{err}"
    );
    assert!(!err.contains("file is empty"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The viewer, in tmux

/// Whether tmux runs; when not, fails under CI and skips elsewhere (`prereq`'s rule).
fn have_tmux() -> bool {
    prereq::require(&[Prereq::Tmux])
}

/// Runs `program` in a shell in a 110×30 tmux session; afterwards the shell writes
/// `EXIT=<status>` and the tty settings into `report`, then prints `STREAM-DONE`.
fn start(name: &str, program: &str, report: &Path) -> Tmux {
    let wrapper = format!(
        "{program}; echo EXIT=$? > {r}; stty -a >> {r}; echo STREAM-DONE; sleep 30",
        r = report.display()
    );
    let name = format!("synack-st-{}-{name}", std::process::id());
    Tmux::start(name, 110, 30, &wrapper)
}

/// The report the wrapper shell left: the exit status and whether the tty is cooked.
fn report(path: &Path) -> (i32, bool) {
    let text = std::fs::read_to_string(path).expect("report written");
    let status = text
        .lines()
        .find_map(|l| l.strip_prefix("EXIT="))
        .and_then(|s| s.trim().parse().ok())
        .expect("EXIT= line");
    let words: Vec<&str> = text.split_whitespace().collect();
    (status, words.contains(&"icanon") && words.contains(&"echo"))
}

/// Starts the viewer on a FIFO inside tmux, feeds it `n` packets and keeps the writer open.
/// Returns the session, the open writer, the pid file and the report path.
fn viewer_on_fifo(name: &str, n: usize, dir: &Path) -> (Tmux, std::fs::File, PathBuf, PathBuf) {
    viewer_on(name, n, dir, false)
}

/// Like [`viewer_on_fifo`]; with `stdin` the FIFO is the viewer's standard input
/// (`synack replay - < FIFO`, as `ssh host tcpdump -U -w - | synack replay -` is).
fn viewer_on(
    name: &str,
    n: usize,
    dir: &Path,
    stdin: bool,
) -> (Tmux, std::fs::File, PathBuf, PathBuf) {
    let (head, records) = pieces();
    let path = fifo(dir);
    let pidfile = dir.join("pid");
    let report = dir.join("report");
    let input = if stdin { "- <" } else { "" };
    let program = format!(
        "sh -c 'echo $$ > {pid}; exec {SYNACK} replay --instant {input} {fifo}'",
        pid = pidfile.display(),
        fifo = path.display()
    );
    let t = start(name, &program, &report);
    let mut w = OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open FIFO");
    w.write_all(&head).unwrap();
    for r in &records[..n] {
        w.write_all(r).unwrap();
    }
    w.flush().unwrap();
    (t, w, pidfile, report)
}

#[test]
fn viewer_shows_fifo_packets_before_the_writer_closes_and_quits_on_q() {
    if !have_tmux() {
        return;
    }
    for stdin in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let name = if stdin { "q-stdin" } else { "q" };
        let (t, writer, _pid, report_path) = viewer_on(name, 4, dir.path(), stdin);
        // Four packets written, the writer silent but open: all four are on screen.
        t.wait_for("4 pkts", Duration::from_secs(15));
        t.keys(&["q"]);
        // `q` ends the viewer although the writer never closed.
        t.wait_for("STREAM-DONE", Duration::from_secs(5));
        let (status, cooked) = report(&report_path);
        assert_eq!(status, 0, "stdin: {stdin}");
        assert!(cooked, "terminal left raw");
        drop(writer);
    }
}

#[test]
fn viewer_exits_non_zero_after_sigterm_and_restores_after_sigquit_and_sigusr1() {
    if !have_tmux() {
        return;
    }
    for (sig, code) in [("TERM", 143), ("QUIT", 131), ("USR1", 138), ("HUP", 129)] {
        let dir = tempfile::tempdir().unwrap();
        let (t, writer, pidfile, report_path) = viewer_on_fifo(sig, 2, dir.path());
        t.wait_for("2 pkts", Duration::from_secs(15));
        let pid: u32 = std::fs::read_to_string(&pidfile)
            .expect("pid file")
            .trim()
            .parse()
            .expect("pid");
        signal(pid, sig);
        t.wait_for("STREAM-DONE", Duration::from_secs(5));
        let (status, cooked) = report(&report_path);
        assert_eq!(status, code, "exit status after SIG{sig}");
        assert!(cooked, "terminal left raw after SIG{sig}");
        let screen = t.screen();
        assert!(
            !screen.contains("pkts"),
            "alternate screen left after SIG{sig}:\n{screen}"
        );
        assert!(screen.contains(&format!("stopped by SIG{sig}")), "{screen}");
        drop(writer);
    }
}
