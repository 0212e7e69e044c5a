//! `synack follow` end to end: a capture written here (handshake, a request split in two
//! segments that arrive out of order, a retransmitted response, a segment the capture lost,
//! escape sequences in the payload) printed in every format, checked line by line; the error
//! for a flow that does not exist; and, with the corpus, the raw format of a real capture
//! against tshark's bytes (`tests/truth/follow`).

mod prereq;

use std::path::Path;
use std::process::Command;

use etherparse::PacketBuilder;

const C: [u8; 4] = [10, 0, 0, 1];
const S: [u8; 4] = [10, 0, 0, 2];

/// One Ethernet/IPv4/TCP frame; flags as "S", "SA", "A", "PA".
fn tcp(from_client: bool, flags: &str, seq: u32, ack: u32, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sp, dp) = if from_client {
        (C, S, 40000, 80)
    } else {
        (S, C, 80, 40000)
    };
    let mut b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src, dst, 64)
        .tcp(sp, dp, seq, 65535);
    if flags.contains('S') {
        b = b.syn();
    }
    if flags.contains('A') {
        b = b.ack(ack);
    }
    if flags.contains('P') {
        b = b.psh();
    }
    let mut out = Vec::new();
    b.write(&mut out, payload).expect("packet builds");
    out
}

/// A classic pcap file with these frames, 1 ms apart.
fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    f.extend_from_slice(&2u16.to_le_bytes());
    f.extend_from_slice(&4u16.to_le_bytes());
    f.extend_from_slice(&[0; 8]);
    f.extend_from_slice(&65535u32.to_le_bytes());
    f.extend_from_slice(&1u32.to_le_bytes());
    for (i, d) in frames.iter().enumerate() {
        f.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        f.extend_from_slice(&(i as u32 * 1000).to_le_bytes());
        f.extend_from_slice(&(d.len() as u32).to_le_bytes());
        f.extend_from_slice(&(d.len() as u32).to_le_bytes());
        f.extend_from_slice(d);
    }
    f
}

/// The conversation: client ISN 100, server ISN 500.
fn conversation() -> Vec<Vec<u8>> {
    vec![
        tcp(true, "S", 100, 0, b""),
        tcp(false, "SA", 500, 101, b""),
        tcp(true, "A", 101, 501, b""),
        // The request's second half first, then its first half.
        tcp(true, "PA", 111, 501, b"HTTP/1.1\r\n\r\n"),
        tcp(true, "PA", 101, 501, b"GET / \x1b[2J"),
        tcp(false, "PA", 501, 123, b"HTTP/1.1 200 OK\r\n"),
        // Retransmitted with other bytes: the first copy wins.
        tcp(false, "PA", 501, 123, b"XXXXXXXXXXXXXXXXX"),
        // 5 bytes (518..523) never captured; the client acknowledges past them.
        tcp(false, "PA", 523, 123, b"body"),
        tcp(true, "A", 123, 527, b""),
    ]
}

fn write_capture(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("conv.pcap");
    std::fs::write(&path, pcap(&conversation())).expect("capture written");
    path
}

fn follow(args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("follow")
        .args(args)
        .output()
        .expect("synack runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn ascii_like_tshark_with_gaps_and_no_escapes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_capture(dir.path());
    let (out, err, code) = follow(&[path.to_str().expect("utf-8 path"), "0"]);
    assert_eq!(code, Some(0), "stderr: {err}");
    let rule = "=".repeat(67);
    let expected = [
        "",
        &rule,
        "Follow: tcp,ascii",
        "Filter: tcp.stream eq 0",
        "Node 0: 10.0.0.1:40000",
        "Node 1: 10.0.0.2:80",
        "10",
        "GET / .[2J", // the escape character is a dot
        "12",
        "HTTP/1.1",
        "",
        "",
        "\t17",
        "HTTP/1.1 200 OK",
        "",
        "\t[5 bytes missing in capture file]",
        "\t4",
        "body",
        &rule,
    ]
    .join("\n")
        + "\n";
    assert_eq!(out, expected);
    assert!(!out.contains('\x1b'));
    assert!(err.contains("node 1: 5 bytes missing"), "{err}");
    assert!(
        err.contains("node 1: 17 retransmitted or overlapping bytes ignored"),
        "{err}"
    );
}

#[test]
fn raw_hex_and_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_capture(dir.path());
    let p = path.to_str().expect("utf-8 path");

    let (raw, _, code) = follow(&[p, "0", "--format", "raw"]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = raw.lines().skip(6).collect();
    assert_eq!(lines[0], "474554202f201b5b324a", "GET / ESC[2J in hex");
    assert_eq!(lines[1], "485454502f312e310d0a0d0a");
    assert!(lines[2].starts_with('\t'), "node 1 indented: {}", lines[2]);

    let (hex, _, _) = follow(&[p, "0", "--format", "hex"]);
    assert!(
        hex.contains("00000000  47 45 54 20 2f 20 1b 5b  32 4a"),
        "{hex}"
    );
    assert!(hex.contains("\t00000000  48 54 54 50"), "{hex}");

    let (json, _, code) = follow(&[p, "0", "--format", "json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
    assert_eq!(v["nodes"][0], "10.0.0.1:40000");
    let chunks = v["chunks"].as_array().expect("chunks");
    assert_eq!(chunks.len(), 5);
    // The second half of the request came first (frame 4) but sits after the first.
    assert_eq!(chunks[0]["frame"], 5);
    assert_eq!(chunks[1]["frame"], 4);
    assert_eq!(chunks[1]["offset"], 10);
    assert_eq!(chunks[3]["gap"], "missing");
    assert_eq!(chunks[3]["len"], 5);
    assert_eq!(v["stats"]["delivered"][1], 21);
    assert_eq!(v["stats"]["duplicate"][1], 17);
    // The request line is broken by the escape sequence and the response head by the gap:
    // no HTTP message is claimed.
    assert_eq!(v["http"], serde_json::json!([]));
}

#[test]
fn json_lists_http_messages_split_over_segments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let frames = vec![
        tcp(true, "S", 100, 0, b""),
        tcp(false, "SA", 500, 101, b""),
        tcp(true, "PA", 101, 501, b"GET /a HT"),
        tcp(true, "PA", 110, 501, b"TP/1.1\r\nHost: h\r\n\r\n"),
        tcp(
            false,
            "PA",
            501,
            130,
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ),
    ];
    let path = dir.path().join("http.pcap");
    std::fs::write(&path, pcap(&frames)).expect("capture written");
    let (json, err, code) = follow(&[path.to_str().expect("utf-8"), "0", "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let http = v["http"].as_array().expect("http list");
    assert_eq!(http.len(), 2);
    assert_eq!(http[0]["method"], "GET");
    assert_eq!(http[0]["uri"], "/a");
    assert_eq!(http[0]["host"], "h");
    assert_eq!(
        (http[0]["first_frame"].as_u64(), http[0]["frame"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(http[1]["code"], 200);
    assert_eq!(http[1]["content_length"], 2);
}

#[test]
fn a_flow_that_does_not_exist_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_capture(dir.path());
    let (out, err, code) = follow(&[path.to_str().expect("utf-8 path"), "7"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("no TCP connection with flow id 7 (the file has one, id 0"),
        "{err}"
    );
}

#[test]
fn raw_output_of_a_corpus_capture_is_tsharks() {
    let Some(corpus) = prereq::corpus() else {
        return;
    };
    // tshark's own raw output for this stream (2 chunks), from tests/truth/follow.
    let path = corpus.join("tcpdump/dns_tcp.pcap");
    let (out, err, code) = follow(&[path.to_str().expect("utf-8 path"), "0", "--format", "raw"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Node 0: 192.168.1.11:33779\nNode 1: 209.87.249.18:53\n"));
    let lines: Vec<&str> = out
        .lines()
        .skip(6)
        .filter(|l| !l.starts_with('='))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("00384319012000010000000000010377777707"));
    assert!(lines[1].starts_with("\t00e0431985000001000200020005037777770774"));
    assert_eq!(lines[0].len(), 2 * 58);
    assert_eq!(lines[1].len(), 1 + 2 * 226);
}
