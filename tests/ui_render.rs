//! What the snapshots cannot see: colours and highlights (bytes carry their layer's colour,
//! the selected field is reversed, issues are marked), and that no rendered cell ever holds a
//! control character — even for a payload full of escape sequences, and even when a decoder
//! hands the ui unsanitized text.

mod ui_support;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use synack::app::packets::hex_byte_columns;
use synack::app::{App, Decoder, DetailLayout, Focus, Key, Msg, SourceKind};
use synack::decode::{Decoded, Field, Header, Issue, IssueKind, LayerKind, Summary};
use synack::model::LinkType;
use synack::ui::theme;
use ui_support::*;

fn buffer(app: &App) -> Buffer {
    render(app).backend().buffer().clone()
}

fn hex_inside(app: &App) -> (u16, u16) {
    match app.packet_layout().detail {
        DetailLayout::Split { hex, .. } => (hex.x + 1, hex.y + 1),
        DetailLayout::Tabbed { area } => (area.x + 1, area.y + 1),
    }
}

/// Cell of packet byte `i` in the hex column (assumes row `i / 16` is on screen).
fn byte_cell(app: &App, buf: &Buffer, i: usize) -> ratatui::buffer::Cell {
    let (x0, y0) = hex_inside(app);
    let (hx, _) = hex_byte_columns(4, i % 16);
    let row = i / 16 - app.packets().hex_scroll();
    buf[(x0 + hx as u16, y0 + row as u16)].clone()
}

#[test]
fn hex_bytes_take_their_layer_colour_and_the_selected_field_is_reversed() {
    let mut app = loaded(120, 40);
    // Select the TCP Flags field (bytes 46..48).
    keys(&mut app, &[Key::Tab]);
    while app.packets().selected_range() != Some(46..48) {
        keys(&mut app, &[Key::Down]);
    }
    let buf = buffer(&app);
    for (byte, layer) in [
        (0, LayerKind::Link),
        (13, LayerKind::Link),
        (14, LayerKind::Internet),
        (33, LayerKind::Internet),
        (34, LayerKind::Transport),
        (60, LayerKind::Transport),
    ] {
        let c = byte_cell(&app, &buf, byte);
        assert_eq!(
            c.fg,
            theme::Theme::default().layer_color(layer),
            "byte {byte}"
        );
        assert!(!c.modifier.contains(Modifier::REVERSED), "byte {byte}");
    }
    for byte in [46, 47] {
        let c = byte_cell(&app, &buf, byte);
        assert_eq!(
            c.fg,
            theme::Theme::default().layer_color(LayerKind::Transport)
        );
        assert!(c.modifier.contains(Modifier::REVERSED), "byte {byte}");
    }
    // The layer colours are four different colours.
    let colours: std::collections::HashSet<Color> = LayerKind::ALL
        .iter()
        .map(|l| theme::Theme::default().layer_color(*l))
        .collect();
    assert_eq!(colours.len(), 4);
}

#[test]
fn layer_titles_are_bars_in_the_layer_colour_and_issues_are_marked() {
    let mut app = loaded(120, 40);
    keys(&mut app, &[Key::End]);
    let DetailLayout::Split { layers, .. } = app.packet_layout().detail else {
        panic!()
    };
    let buf = buffer(&app);
    let rows = &app.packets().detail().unwrap().rows;
    let mut saw_issue = false;
    for (i, row) in rows.iter().enumerate() {
        let y = layers.y + 1 + i as u16;
        let last = buf[(layers.x + 2, y)].clone();
        match &row.kind {
            synack::app::RowKind::Title { empty: false, .. } => {
                assert_eq!(
                    last.bg,
                    theme::Theme::default().layer_color(row.layer),
                    "row {i}"
                );
            }
            synack::app::RowKind::Issue { first: true, .. } => {
                let mark = buf[(layers.x + 3, y)].clone();
                assert_eq!(mark.symbol(), "⚠");
                assert_eq!(mark.bg, theme::VERMILLION);
                saw_issue = true;
            }
            _ => {}
        }
    }
    assert!(saw_issue, "the cut packet shows its issue");
    // The issue's layer title counts it.
    let title_text: String = (layers.x..layers.x + layers.width)
        .map(|x| {
            let y = layers.y
                + 1
                + rows
                    .iter()
                    .position(|r| r.layer == LayerKind::Transport)
                    .unwrap() as u16;
            buf[(x, y)].symbol().to_string()
        })
        .collect();
    assert!(title_text.contains("⚠ 1"), "{title_text}");
}

#[test]
fn the_selected_packet_row_is_highlighted_only_where_it_is() {
    let mut app = loaded(80, 24);
    keys(&mut app, &[Key::Down]);
    let buf = buffer(&app);
    let y0 = app.packet_layout().list_first_row_y();
    assert!(buf[(5, y0 + 1)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(5, y0)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(5, y0 + 2)].modifier.contains(Modifier::REVERSED));
    // Without focus the selection is still visible, but not reversed.
    keys(&mut app, &[Key::Tab]);
    assert_eq!(app.packets().focus(), Focus::Layers);
    let buf = buffer(&app);
    assert!(!buf[(5, y0 + 1)].modifier.contains(Modifier::REVERSED));
    assert_eq!(buf[(5, y0 + 1)].bg, theme::SELECTED_UNFOCUSED_BG);
}

fn assert_no_control(buf: &Buffer, what: &str) {
    for (i, cell) in buf.content().iter().enumerate() {
        let s = cell.symbol();
        assert!(
            !s.chars().any(|c| c.is_control()),
            "{what}: cell {i} holds {s:?}"
        );
    }
}

/// Every pane, tab, focus and size with the escape-laden HTTP packet selected.
#[test]
fn escape_sequences_in_a_payload_never_reach_a_cell() {
    for (w, h) in [(80, 24), (120, 40), (200, 60), (40, 12)] {
        let mut app = loaded(w, h);
        keys(&mut app, &[Key::Down, Key::Down, Key::Down]);
        assert_no_control(&buffer(&app), "list");
        for step in 0..3 {
            keys(&mut app, &[Key::Tab]);
            keys(&mut app, &[Key::End]);
            assert_no_control(&buffer(&app), &format!("{w}x{h} tab {step}"));
        }
        keys(&mut app, &[Key::Char('?')]);
        assert_no_control(&buffer(&app), "help");
    }
}

/// A decoder that forgets to sanitize: the screen must still hold no control characters.
struct HostileDecoder;

const NASTY: &str = "\x1b]0;owned\x07\x1b[2J\u{9b}31m\r\n\t\x00end";

impl Decoder for HostileDecoder {
    fn summarize(&self, _: LinkType, _: &[u8], _: u32) -> Summary {
        Summary {
            broken: true,
            ..Summary::default()
        }
    }
    fn decode(&self, _: LinkType, data: &[u8], _: u32) -> Decoded {
        let field = Field {
            name: NASTY.into(),
            value: NASTY.into(),
            meaning: NASTY.into(),
            range: 0..data.len(),
            children: vec![],
            typed: None,
        };
        Decoded {
            headers: LayerKind::ALL
                .iter()
                .map(|l| Header {
                    layer: *l,
                    protocol: NASTY.into(),
                    range: 0..data.len(),
                    fields: vec![field.clone()],
                })
                .collect(),
            issues: vec![Issue {
                kind: IssueKind::Truncated,
                layer: LayerKind::Transport,
                offset: 3,
                message: NASTY.into(),
            }],
            app_summary: Some(NASTY.into()),
            ..Decoded::default()
        }
    }
}

#[test]
fn unsanitized_decoder_text_never_reaches_a_cell() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = App::new(
            SourceKind::Live {
                iface: NASTY.into(),
            },
            w,
            h,
        )
        .with_decoder(Box::new(HostileDecoder));
        app.update(Msg::Frames(handshake_frames()));
        app.update(Msg::Finished(Err(NASTY.into())));
        for k in [Key::Tab, Key::End, Key::Tab, Key::Tab, Key::Char('?')] {
            assert_no_control(&buffer(&app), "hostile");
            keys(&mut app, &[k]);
        }
        assert_no_control(&buffer(&app), "hostile help");
    }
}

#[test]
fn tiny_and_odd_sizes_render_without_panicking() {
    for (w, h) in [
        (1, 1),
        (2, 2),
        (10, 5),
        (30, 8),
        (79, 23),
        (119, 40),
        (121, 41),
        (300, 100),
    ] {
        let mut app = loaded(w, h);
        for k in [
            Key::Down,
            Key::Tab,
            Key::End,
            Key::Tab,
            Key::End,
            Key::Char('?'),
        ] {
            keys(&mut app, &[k]);
            let _ = buffer(&app);
        }
    }
}

/// Packets on a link type synack does not decode are counted in the status bar, so raw bytes
/// are never left unexplained; a decoded link type shows no such note.
#[test]
fn status_bar_says_when_a_link_type_is_not_decoded() {
    let frame =
        |link: LinkType| synack::model::Frame::new(1_000_000_000, 4, link, vec![1, 2, 3, 4]);
    let mut app = App::new(
        SourceKind::File {
            name: "x.pcap".into(),
        },
        120,
        40,
    );
    app.update(Msg::Frames(vec![
        frame(LinkType(147)),
        frame(LinkType(147)),
    ]));
    app.update(Msg::Finished(Ok(())));
    let text = screen_text(&app);
    assert!(
        text.contains("2 pkts on a link type not decoded"),
        "status bar:\n{text}"
    );
    let mut app = App::new(
        SourceKind::File {
            name: "y.pcap".into(),
        },
        120,
        40,
    );
    app.update(Msg::Frames(vec![frame(LinkType(127))]));
    assert!(
        !screen_text(&app).contains("not decoded)"),
        "radiotap is decoded"
    );
}
