//! A capture file that shrinks while synack reads it (re-running `tcpdump -w same.pcap`
//! truncates it) used to kill synack with SIGBUS (exit 135, nothing said) because the file was
//! memory-mapped. Now `dump` prints every packet before the cut, then says "the file was
//! truncated while being read" and exits non-zero. The viewer's side is in `tty_crash.rs`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A pcap of `n` Ethernet frames of 100 bytes.
fn capture(n: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        if v == 0x0004_0002 {
            out.extend_from_slice(&2u16.to_le_bytes());
            out.extend_from_slice(&4u16.to_le_bytes());
        } else {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    for i in 0..n {
        for v in [1_700_000_000 + i, 0, 100, 100] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let mut frame = vec![0u8; 100];
        frame[..6].copy_from_slice(&[2, 0, 0, 0, 0, 2]);
        frame[6..12].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
        frame[12..14].copy_from_slice(&[0x88, 0xb5]); // local experimental EtherType
        out.extend_from_slice(&frame);
    }
    out
}

#[test]
fn dump_says_the_file_was_truncated_and_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("same.pcap");
    let n = 200_000u32;
    let bytes = capture(n);
    std::fs::write(&path, &bytes).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("dump")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run synack");
    // Nobody reads its output yet, so it soon blocks on a full pipe, a few thousand packets
    // in; meanwhile the file is cut to half.
    std::thread::sleep(Duration::from_millis(500));
    let keep = 24 + 116 * (n as usize / 2);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open for writing")
        .set_len(keep as u64)
        .expect("truncate");
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read output");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    assert!(!status.success(), "must fail: {status:?}\n{err}");
    assert_eq!(
        status.code(),
        Some(1),
        "an ordinary failure, not a signal: {status:?}"
    );
    assert!(
        err.contains("the file was truncated while being read"),
        "{err}"
    );
    assert!(
        err.contains(&format!("The {} packets before were read", n / 2)),
        "{err}"
    );
    assert_eq!(
        out.lines().count(),
        n as usize / 2,
        "every packet before the cut"
    );
}
