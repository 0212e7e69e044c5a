//! The Follow view (`F`) on a `TestBackend`: whole-screen snapshots at 80×24 (ascii) and
//! 120×40 (hex), the direction markers without colour, escape sequences in the payload
//! shown as dots, a gap line, Enter going to the packet of a line, `F` from the flows screen,
//! and the packet that is not TCP. Fixtures: `ui_support`'s handshake and HTTP request, plus
//! the server's answer built here (a segment lost, acknowledged past).

mod ui_support;

use etherparse::PacketBuilder;
use ratatui::style::Color;
use synack::app::{App, Key, Msg, Screen};
use synack::model::{Frame, LinkType};
use ui_support::*;

/// A server → client segment of the fixture's connection (server ISN 5000).
fn from_server(offset_ns: i64, seq: u32, ack: u32, payload: &[u8]) -> Frame {
    server_or_client(false, offset_ns, seq, ack, payload)
}

fn server_or_client(client: bool, offset_ns: i64, seq: u32, ack: u32, payload: &[u8]) -> Frame {
    let (src, dst, sp, dp) = if client {
        (CLIENT, SERVER, CPORT, SPORT)
    } else {
        (SERVER, CLIENT, SPORT, CPORT)
    };
    let mut data = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1])
        .ipv4(src, dst, 64)
        .tcp(sp, dp, seq, 64240)
        .ack(ack)
        .psh()
        .write(&mut data, payload)
        .expect("packet builds");
    let len = data.len() as u32;
    Frame::new(T0 + offset_ns, len, LinkType::ETHERNET, data)
}

const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";

/// The handshake fixture (SYN, SYN-ACK, ACK, GET with escapes, a cut SYN of another flow),
/// then the answer, 10 bytes the capture lost, and "hello" acknowledged past the loss.
fn conversation_app(w: u16, h: u16) -> App {
    let mut app = file_app(w, h);
    let mut frames = handshake_frames();
    let req_end = 1001 + EVIL.len() as u32;
    let a = 5001 + ANSWER.len() as u32;
    frames.push(from_server(60_000_000, 5001, req_end, ANSWER));
    frames.push(from_server(61_000_000, a + 10, req_end, b"hello"));
    frames.push(server_or_client(true, 62_000_000, req_end, a + 15, b""));
    app.update(Msg::Frames(frames));
    app.update(Msg::Finished(Ok(())));
    app
}

fn snap(name: &str, app: &App) {
    let t = render(app);
    insta::assert_snapshot!(name, t.backend().to_string());
}

#[test]
fn follow_ascii_80x24() {
    let mut app = conversation_app(80, 24);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down, Key::Char('F')]);
    let v = app.follow_view().expect("the Follow view is open");
    assert_eq!(v.flow(), 0);
    let text = screen_text(&app);
    assert!(
        text.contains("▶ GET /.]0;pwned..[2J.31m HTTP/1.1"),
        "{text}"
    );
    assert!(text.contains("◀ HTTP/1.1 200 OK"), "{text}");
    assert!(
        text.contains("◀ [10 bytes missing in capture file]"),
        "{text}"
    );
    assert!(text.contains("◀ hello"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
    snap("follow_ascii_80x24", &app);
}

#[test]
fn follow_hex_120x40() {
    let mut app = conversation_app(120, 40);
    keys(
        &mut app,
        &[
            Key::Down,
            Key::Down,
            Key::Down,
            Key::Char('F'),
            Key::Char('m'),
        ],
    );
    let text = screen_text(&app);
    assert!(
        text.contains(
            "▶ 00000000  47 45 54 20 2f 1b 5d 30  3b 70 77 6e 65 64 07 1b  GET /.]0 ;pwned.."
        ),
        "{text}"
    );
    snap("follow_hex_120x40", &app);
}

#[test]
fn directions_have_markers_and_colours_and_none_without_colour() {
    let mut app = conversation_app(80, 24);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down, Key::Char('F')]);
    let t = render(&app);
    let buf = t.backend().buffer();
    // The first conversation line (row 2: border, header) is node 0's, in colour.
    assert_eq!(buf[(1, 2)].symbol(), "▶");
    assert_ne!(buf[(3, 2)].fg, Color::Reset);
    let mono = {
        let mut m = conversation_app(80, 24).with_monochrome(true);
        keys(&mut m, &[Key::Down, Key::Down, Key::Down, Key::Char('F')]);
        m
    };
    let t = render(&mono);
    let buf = t.backend().buffer();
    assert_eq!(buf[(1, 2)].symbol(), "▶");
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            assert_eq!(buf[(x, y)].fg, Color::Reset, "no colour at {x},{y}");
        }
    }
    let text = screen_text(&mono);
    assert!(text.contains("◀ HTTP/1.1 200 OK"), "{text}");
}

#[test]
fn enter_goes_to_the_packet_of_the_line_and_esc_closes() {
    let mut app = conversation_app(80, 24);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down, Key::Char('F')]);
    // The last line is "hello", carried by packet 7.
    keys(&mut app, &[Key::End]);
    let chunk = app
        .follow_view()
        .and_then(|v| v.selected_chunk())
        .expect("a selected chunk");
    assert_eq!(chunk.frame, 7);
    keys(&mut app, &[Key::Enter]);
    assert!(app.follow_view().is_none());
    assert_eq!(app.screen(), Screen::Packets);
    assert_eq!(app.packets().selected(), Some(6), "packet 7 is row 6");

    keys(&mut app, &[Key::Char('F')]);
    assert!(app.follow_view().is_some());
    keys(&mut app, &[Key::Esc]);
    assert!(app.follow_view().is_none());
    assert!(!app.should_quit(), "Esc closed the view, not the program");
}

#[test]
fn f_on_the_flows_screen_follows_the_selected_flow() {
    let mut app = conversation_app(80, 24);
    keys(&mut app, &[Key::Char('2')]);
    let selected = app.flows().selected().expect("a flow is selected");
    keys(&mut app, &[Key::Char('F')]);
    let v = app.follow_view().expect("open");
    assert_eq!(v.flow(), selected);
    if selected == 0 {
        assert_eq!(v.transcript().stats.delivered, [EVIL.len() as u64, 43]);
    }
}

#[test]
fn direction_toggle_and_modes_redraw() {
    let mut app = conversation_app(80, 24);
    keys(
        &mut app,
        &[
            Key::Down,
            Key::Down,
            Key::Down,
            Key::Char('F'),
            Key::Char('d'),
        ],
    );
    let text = screen_text(&app);
    assert!(text.contains("node 0 only"), "{text}");
    assert!(!text.contains("◀ HTTP"), "{text}");
    keys(&mut app, &[Key::Char('d'), Key::Char('m'), Key::Char('m')]);
    let text = screen_text(&app);
    assert!(text.contains("raw · node 1 only"), "{text}");
    assert!(text.contains("◀ 485454502f312e3120323030"), "{text}");
}
