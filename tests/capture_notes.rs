//! What a capture file gets wrong about a record (a fraction field of a second or more, a
//! captured length above the length on the wire) travels with the frame through the capture
//! thread and shows wherever per-packet problems show: `dump`'s text lines, `dump`'s JSON
//! issues, the viewer's issues for the packet and its status bar. The viewer's frames arrive
//! located in the file (one frame path: the store keeps offsets, not copies).

mod ui_support;

use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use synack::app::{App, Key, Msg, SourceKind};
use synack::model::FrameAt;
use synack::source::{self, Input, SourceEvent};
use ui_support::{keys, screen_text};

const SEC: u32 = 1_700_000_000;

fn udp_packet(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
        .udp(40000, 9999)
        .write(&mut out, payload)
        .unwrap();
    out
}

/// A microsecond pcap of three records: a plain one, one whose microsecond field is 1.5 s,
/// and one claiming fewer bytes on the wire than it holds.
fn noted_capture() -> (tempfile::NamedTempFile, Vec<Vec<u8>>) {
    let packets = vec![udp_packet(b"one"), udp_packet(b"two"), udp_packet(b"three")];
    let records = [
        (SEC, 0, packets[0].len() as u32),
        (SEC + 1, 1_500_000, packets[1].len() as u32),
        (SEC + 3, 0, packets[2].len() as u32 - 10),
    ];
    let mut out = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for ((sec, usec, orig), data) in records.iter().zip(&packets) {
        for v in [*sec, *usec, data.len() as u32, *orig] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(data);
    }
    let mut f = tempfile::Builder::new().suffix(".pcap").tempfile().unwrap();
    f.write_all(&out).unwrap();
    (f, packets)
}

fn synack(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .expect("run synack");
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn dump_text_ends_each_line_with_what_the_record_got_wrong() {
    let (file, packets) = noted_capture();
    let text = synack(&["dump", file.path().to_str().unwrap()]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        !lines[0].contains('['),
        "a plain record has no note: {}",
        lines[0]
    );
    assert!(
        lines[1].ends_with(" [capture: µs field ≥ 1 s]"),
        "{}",
        lines[1]
    );
    let caplen = packets[2].len();
    assert!(
        lines[2].ends_with(&format!(" [caplen {caplen} > len {}]", caplen - 10)),
        "{}",
        lines[2]
    );
}

#[test]
fn dump_json_lists_the_note_first_among_the_issues() {
    let (file, _) = noted_capture();
    let json = synack(&["dump", file.path().to_str().unwrap(), "--format", "json"]);
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let first_issue = |i: usize| lines[i]["issues"][0]["message"].as_str().map(String::from);
    assert_eq!(first_issue(0), None);
    let note = first_issue(1).expect("an issue on packet 2");
    assert!(
        note.starts_with("capture file:") && note.contains("1500000"),
        "{note}"
    );
    assert!(first_issue(2).is_some_and(|m| m.contains("captured bytes")));
}

/// Every frame the capture thread sends for `path`, and the file it shares.
fn capture(path: &std::path::Path) -> (Vec<synack::model::Frame>, Arc<std::fs::File>) {
    let h = source::spawn(
        Input::File(path.to_path_buf()),
        Arc::new(AtomicBool::new(false)),
    )
    .expect("opens");
    let file = h.file.clone().expect("a regular file is shared");
    let mut frames = Vec::new();
    while let Ok(ev) = h.rx.recv_timeout(Duration::from_secs(20)) {
        match ev {
            SourceEvent::Frames(mut b) => frames.append(&mut b),
            SourceEvent::Finished(r) => {
                r.expect("read to the end");
                break;
            }
            _ => {}
        }
    }
    h.join();
    (frames, file)
}

#[test]
fn the_viewer_keeps_offsets_and_shows_the_notes() {
    let (file, packets) = noted_capture();
    let (frames, shared) = capture(file.path());
    assert_eq!(frames.len(), 3);
    assert!(frames.iter().all(|f| matches!(f.at, FrameAt::File(_))));
    assert_eq!(frames[0].note, None);
    assert!(frames[1].note.is_some(), "the note travels with the frame");
    let mut app = App::new(
        SourceKind::File {
            name: "noted.pcap".into(),
        },
        140,
        40,
    )
    .with_file(shared);
    app.update(Msg::Frames(frames));
    app.update(Msg::Finished(Ok(())));
    let store = app.store();
    assert_eq!(store.arena_bytes(), 0, "nothing copied");
    for (i, p) in packets.iter().enumerate() {
        assert!(store.is_in_file(i));
        assert_eq!(
            store.get(i).unwrap().data,
            p.as_slice(),
            "packet {i} read back"
        );
    }
    let screen = screen_text(&app);
    assert!(
        screen.contains("1 pkts with capture-file notes"),
        "status bar: {screen}"
    );
    keys(&mut app, &[Key::Home, Key::Down]);
    let detail = app.packets().detail().expect("packet 2 selected");
    let first = detail.decoded.issues.first().expect("an issue");
    assert!(
        first.message.starts_with("capture file:"),
        "{}",
        first.message
    );
    let screen = screen_text(&app);
    assert!(screen.contains("capture file:"), "issue shown: {screen}");
}
