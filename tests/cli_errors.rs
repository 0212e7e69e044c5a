//! What a user sees when things go wrong, through the real binary: each case exits non-zero
//! with one clear message (no panic, no backtrace), and whatever could be read is still output.

use std::io::Write;

mod prereq;
use prereq::Prereq;
use std::process::{Command, Output};

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A capture of assets/demo (in the repository, so these tests run everywhere).
fn demo(name: &str) -> String {
    format!("{}/assets/demo/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Where each complete record of a classic little-endian pcap ends, walking its 16-byte record
/// headers (the file's own structure, independent of synack's reader).
fn record_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 24;
    while let Some(h) = bytes.get(at..at + 16) {
        let caplen = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) as usize;
        let end = at + 16 + caplen;
        if end > bytes.len() {
            break;
        }
        ends.push(end);
        at = end;
    }
    ends
}

/// A clean failure: non-zero, one `synack:` line, nothing that looks like a Rust panic.
fn assert_clean_failure(o: &Output) -> String {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "expected failure, got success; stderr: {err}"
    );
    assert!(
        err.starts_with("synack: "),
        "message should start with `synack: `: {err:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    err
}

#[test]
fn missing_file() {
    let o = synack(&["dump", "/no/such/file.pcap"]);
    let err = assert_clean_failure(&o);
    assert!(
        err.contains("/no/such/file.pcap") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn not_a_capture() {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(b"<html><body>hello</body></html>\n")
        .expect("write");
    let path = f.path().to_str().expect("utf8 path").to_owned();
    let o = synack(&["flows", &path]);
    let err = assert_clean_failure(&o);
    assert!(err.contains("not a pcap or pcapng"), "{err}");
}

#[test]
fn cut_file_prints_every_packet_before_the_cut_then_says_where() {
    let bytes = std::fs::read(demo("busy.pcap")).expect("read assets/demo/busy.pcap");
    let ends = record_ends(&bytes);
    assert!(ends.len() > 20, "busy.pcap has enough packets to cut");
    // Cut 10 bytes into the record after the 20th complete one.
    let cut_at = ends[19] + 10;
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(&bytes[..cut_at]).expect("write");
    let path = f.path().to_str().expect("utf8 path").to_owned();
    let o = synack(&["dump", &path, "--format", "json"]);
    let err = assert_clean_failure(&o);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 20, "the 20 complete packets are all printed");
    assert_eq!(
        lines.last().map(|l| l["no"].clone()),
        Some(serde_json::json!(20))
    );
    // Packet 21's record starts where packet 20's ends.
    assert!(
        err.contains("packet 21") && err.contains(&format!("byte {}", ends[19])),
        "{err}"
    );
}

#[test]
fn bad_filter_names_the_filter() {
    let src = demo("http.pcap");
    let o = synack(&["dump", &src, "-f", "tcp and and"]);
    let err = assert_clean_failure(&o);
    assert!(err.contains("\"tcp and and\""), "{err}");
}

#[test]
fn filter_on_a_file_keeps_frame_numbers() {
    let src = demo("http.pcap");
    let all = synack(&["dump", &src, "--format", "json"]);
    let some = synack(&[
        "dump",
        &src,
        "--format",
        "json",
        "-f",
        "tcp[tcpflags] & tcp-syn != 0",
    ]);
    assert!(
        all.status.success() && some.status.success(),
        "{}",
        stderr(&some)
    );
    let nos = |o: &Output| -> Vec<u64> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()?["no"].as_u64())
            .collect()
    };
    let (all, some) = (nos(&all), nos(&some));
    assert!(
        !some.is_empty() && some.len() < all.len(),
        "filter keeps some: {some:?}"
    );
    assert!(
        some.iter().all(|n| all.contains(n)),
        "numbers are the file's frame numbers"
    );
}

#[test]
fn missing_interface_lists_real_ones() {
    let o = synack(&["dump", "-i", "nosuch0", "-c", "1"]);
    let err = assert_clean_failure(&o);
    assert!(
        err.contains("nosuch0") && err.contains("lo"),
        "lists interfaces: {err}"
    );
}

#[test]
fn unknown_link_type_is_shown_raw_not_fatal() {
    // A pcap with link type 147 (USER0) and one 4-byte record.
    let mut file = Vec::new();
    file.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    file.extend_from_slice(&2u16.to_le_bytes());
    file.extend_from_slice(&4u16.to_le_bytes());
    file.extend_from_slice(&[0; 8]);
    file.extend_from_slice(&65535u32.to_le_bytes());
    file.extend_from_slice(&147u32.to_le_bytes());
    file.extend_from_slice(&1u32.to_le_bytes());
    file.extend_from_slice(&0u32.to_le_bytes());
    file.extend_from_slice(&4u32.to_le_bytes());
    file.extend_from_slice(&4u32.to_le_bytes());
    file.extend_from_slice(b"\x1b[2J");
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(&file).expect("write");
    let o = synack(&["dump", f.path().to_str().expect("utf8"), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one json line");
    assert_eq!(v["link"], "linktype-147");
    assert_eq!(v["caplen"], 4);
    assert!(
        !out.contains('\x1b'),
        "packet bytes never reach the output raw"
    );
}

#[test]
#[ignore = "needs root (and setpriv) to run synack as an unprivileged user"]
fn no_capture_permission_says_how_to_grant_it() {
    if !prereq::require(&[Prereq::Root, Prereq::Setpriv]) {
        return;
    }
    let o = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(env!("CARGO_BIN_EXE_synack"))
        .args(["dump", "-i", "lo", "-c", "1"])
        .output()
        .expect("run setpriv");
    let err = assert_clean_failure(&o);
    assert!(err.contains("cap_net_raw,cap_net_admin"), "{err}");
    assert!(err.contains("setcap"), "{err}");
    assert!(err.contains("synack demo"), "{err}");
}

#[test]
fn broken_pipe_is_not_an_error() {
    let src = demo("busy.pcap");
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["dump", &src])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn stdin_is_a_capture_source() {
    let bytes = std::fs::read(demo("http.pcap")).expect("read assets/demo/http.pcap");
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["flows", "-", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("feed");
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success());
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).trim()).expect("one flow");
    assert_eq!(v["handshake"], "complete");
    // assets/demo/README.md: the client 10.77.1.1 connects to 10.77.1.2:80.
    let client = v["client"].as_str().unwrap_or_default();
    assert!(client.starts_with("10.77.1.1:"), "{v}");
    assert_eq!(v["server"], "10.77.1.2:80");
}
