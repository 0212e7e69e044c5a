//! Snapshots of the packet screen with the real decoder (`crate::decode`) on packets built
//! with etherparse: the handshake fixture (SYN with every usual option, SYN-ACK, ACK, an HTTP
//! request carrying escape sequences, a SYN cut by the snaplen), a DNS query, an ICMPv6 echo
//! and a VLAN-tagged SYN.

mod ui_support;

use etherparse::PacketBuilder;
use synack::app::{App, Key, Msg, RowKind, SourceKind};
use synack::decode::LayerKind;
use synack::model::{Frame, LinkType};
use ui_support::{T0, handshake_frames, keys, render, screen_text};

fn frame(offset_ms: i64, data: Vec<u8>) -> Frame {
    Frame::new(
        T0 + offset_ms * 1_000_000,
        data.len() as u32,
        LinkType::ETHERNET,
        data,
    )
}

fn dns_query() -> Vec<u8> {
    let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in ["example", "com"] {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    let mut out = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([192, 168, 1, 10], [9, 9, 9, 9], 64)
        .udp(40000, 53)
        .write(&mut out, &q)
        .unwrap();
    out
}

fn icmpv6_echo() -> Vec<u8> {
    let mut src = [0u8; 16];
    src[..2].copy_from_slice(&[0x20, 0x01]);
    src[2..4].copy_from_slice(&[0x0d, 0xb8]);
    src[15] = 1;
    let mut dst = src;
    dst[15] = 2;
    let mut out = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv6(src, dst, 64)
        .icmpv6_echo_request(7, 1)
        .write(&mut out, b"ping")
        .unwrap();
    out
}

fn vlan_syn() -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .single_vlan(etherparse::VlanId::try_new(42).unwrap())
        .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
        .tcp(33000, 443, 77, 1024)
        .syn()
        .write(&mut out, &[])
        .unwrap();
    out
}

fn app(w: u16, h: u16) -> App {
    let mut app = App::new(
        SourceKind::File {
            name: "mixed.pcapng".into(),
        },
        w,
        h,
    );
    let mut frames = handshake_frames();
    frames.push(frame(2_100, dns_query()));
    frames.push(frame(2_200, icmpv6_echo()));
    frames.push(frame(2_300, vlan_syn()));
    app.update(Msg::Frames(frames));
    app.update(Msg::Finished(Ok(())));
    app
}

fn select_field(app: &mut App, layer: LayerKind, wanted: &str) {
    keys(app, &[Key::Home]);
    loop {
        let row = app.packets().selected_row().unwrap();
        if row.layer == layer
            && matches!(&row.kind, RowKind::Field { name, .. } if name.contains(wanted))
        {
            return;
        }
        let before = app.packets().field();
        keys(app, &[Key::Down]);
        assert_ne!(
            before,
            app.packets().field(),
            "no {wanted} field in {layer:?}"
        );
    }
}

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(name, render(app).backend().to_string());
}

#[test]
fn real_list_and_syn_layers_120x40() {
    let mut app = app(120, 40);
    keys(&mut app, &[Key::Tab]);
    select_field(&mut app, LayerKind::Transport, "Flags");
    snap("real_list_and_syn_layers_120x40", &app);
}

#[test]
fn real_syn_ack_window_scale_200x60() {
    let mut app = app(200, 60);
    keys(&mut app, &[Key::Down, Key::Tab]);
    select_field(&mut app, LayerKind::Transport, "Window scale");
    let screen = screen_text(&app);
    assert!(screen.contains("×128"), "{screen}");
    snap("real_syn_ack_window_scale_200x60", &app);
}

#[test]
fn real_http_hex_80x24() {
    let mut app = app(80, 24);
    keys(
        &mut app,
        &[Key::Down, Key::Down, Key::Down, Key::Tab, Key::Tab],
    );
    snap("real_http_hex_80x24", &app);
}

#[test]
fn real_http_application_layer_120x40() {
    let mut app = app(120, 40);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down, Key::Tab]);
    keys(
        &mut app,
        &[Key::Enter, Key::Down, Key::Enter, Key::Down, Key::Enter],
    );
    keys(&mut app, &[Key::Down]);
    snap("real_http_application_layer_120x40", &app);
}

#[test]
fn real_truncated_packet_120x40() {
    let mut app = app(120, 40);
    keys(
        &mut app,
        &[
            Key::Down,
            Key::Down,
            Key::Down,
            Key::Down,
            Key::Tab,
            Key::End,
        ],
    );
    let d = app.packets().detail().unwrap();
    assert!(d.decoded.issues.iter().any(|i| i.kind.breaks()));
    snap("real_truncated_packet_120x40", &app);
}

#[test]
fn real_dns_icmpv6_vlan_80x24() {
    let mut app = app(80, 24);
    keys(&mut app, &[Key::End, Key::Up, Key::Up]);
    let screen = screen_text(&app);
    assert!(screen.contains("DNS"), "{screen}");
    assert!(screen.contains("example.com"), "DNS info line: {screen}");
    snap("real_dns_icmpv6_vlan_80x24", &app);
}
