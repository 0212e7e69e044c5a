//! Whole-screen snapshots (insta) of the packet screen on a `TestBackend`, at 80×24, 120×40
//! and 200×60, with fixed timestamps and a hand-made decoder (see `ui_support`).

mod ui_support;

use synack::app::{Drops, Key, Msg, RowKind};
use ui_support::*;

fn snap(name: &str, app: &synack::app::App) {
    let t = render(app);
    insta::assert_snapshot!(name, t.backend().to_string());
}

fn select_field(app: &mut synack::app::App, wanted: &str) {
    let rows = app.packets().detail().unwrap().rows.clone();
    let target = rows
        .iter()
        .position(|r| matches!(&r.kind, RowKind::Field { name, .. } if name == wanted))
        .unwrap();
    keys(app, &[Key::Home]);
    for _ in 0..target {
        keys(app, &[Key::Down]);
    }
}

#[test]
fn handshake_list_80x24() {
    let app = loaded(80, 24);
    snap("handshake_list_80x24", &app);
}

#[test]
fn syn_ack_layers_120x40() {
    let mut app = loaded(120, 40);
    keys(&mut app, &[Key::Down, Key::Tab]);
    select_field(&mut app, "Flags");
    snap("syn_ack_layers_120x40", &app);
}

#[test]
fn http_hex_80x24() {
    let mut app = loaded(80, 24);
    keys(
        &mut app,
        &[Key::Down, Key::Down, Key::Down, Key::Tab, Key::Tab],
    );
    snap("http_hex_80x24", &app);
}

#[test]
fn http_layers_and_hex_120x40() {
    let mut app = loaded(120, 40);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down, Key::Tab]);
    // Fold Link and Internet so the application layer is in view.
    keys(&mut app, &[Key::Enter]);
    keys(&mut app, &[Key::Down, Key::Enter]);
    keys(&mut app, &[Key::End]);
    snap("http_layers_and_hex_120x40", &app);
}

#[test]
fn help_overlay_80x24() {
    let mut app = loaded(80, 24);
    keys(&mut app, &[Key::Char('?')]);
    snap("help_overlay_80x24", &app);
}

#[test]
fn failed_source_80x24() {
    let mut app = file_app(80, 24);
    let mut frames = handshake_frames();
    frames.truncate(3);
    app.update(Msg::Frames(frames));
    app.update(Msg::Finished(Err(
        "handshake.pcap: the file ends in the middle of packet 4 (at byte 298); the 3 packets before it were read"
            .into(),
    )));
    snap("failed_source_80x24", &app);
}

#[test]
fn decode_issue_120x40() {
    let mut app = loaded(120, 40);
    keys(&mut app, &[Key::End, Key::Tab, Key::End]);
    snap("decode_issue_120x40", &app);
}

#[test]
fn live_with_drops_80x24() {
    let mut app = live_app(80, 24);
    app.update(Msg::Frames(many_frames(40)));
    app.update(Msg::Drops(Drops {
        kernel: 12,
        synack: 3,
        ..Drops::default()
    }));
    snap("live_with_drops_80x24", &app);
}

#[test]
fn waiting_for_packets_80x24() {
    let app = live_app(80, 24);
    snap("waiting_for_packets_80x24", &app);
}

#[test]
fn large_terminal_200x60() {
    let mut app = file_app(200, 60);
    app.update(Msg::Frames(handshake_frames()));
    app.update(Msg::Frames(many_frames(30)));
    app.update(Msg::Progress {
        bytes_read: 3_300,
        total_bytes: Some(10_000),
    });
    keys(&mut app, &[Key::Down, Key::Tab]);
    select_field(&mut app, "Window scale");
    snap("large_terminal_200x60", &app);
}
