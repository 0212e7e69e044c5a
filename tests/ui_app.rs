//! `App::update` without a terminal: keys, bounds, scrolling, follow mode, folding, focus,
//! mouse mapping, help, source status, and that decoding happens only on selection change.

mod ui_support;

use std::sync::atomic::Ordering;

use synack::app::{
    App, DetailLayout, Focus, Key, LinkSeen, Mouse, MouseKind, Msg, RowKind, SourceKind,
    SourceState,
};
use synack::decode::LayerKind;
use synack::model::LinkType;
use ui_support::*;

fn click(col: u16, row: u16) -> Msg {
    Msg::Mouse(Mouse {
        kind: MouseKind::Click,
        column: col,
        row,
    })
}

fn wheel(down: bool, col: u16, row: u16) -> Msg {
    Msg::Mouse(Mouse {
        kind: if down {
            MouseKind::ScrollDown
        } else {
            MouseKind::ScrollUp
        },
        column: col,
        row,
    })
}

fn with_many(n: usize) -> App {
    let mut app = file_app(80, 24);
    app.update(Msg::Frames(many_frames(n)));
    app
}

#[test]
fn first_packet_is_selected_when_packets_arrive() {
    let mut app = file_app(80, 24);
    assert_eq!(app.packets().selected(), None);
    app.update(Msg::Frames(handshake_frames()));
    assert_eq!(app.store().len(), 5);
    assert_eq!(app.packets().selected(), Some(0));
    assert_eq!(app.packets().detail().map(|d| d.index), Some(0));
    assert_eq!(app.link(), LinkSeen::One(LinkType::ETHERNET));
}

#[test]
fn arrows_and_jk_move_within_bounds() {
    let mut app = with_many(10);
    keys(&mut app, &[Key::Up, Key::Char('k')]);
    assert_eq!(app.packets().selected(), Some(0));
    keys(&mut app, &[Key::Down, Key::Char('j'), Key::Down]);
    assert_eq!(app.packets().selected(), Some(3));
    keys(&mut app, &[Key::Char('k')]);
    assert_eq!(app.packets().selected(), Some(2));
    keys(&mut app, &[Key::End]);
    assert_eq!(app.packets().selected(), Some(9));
    keys(&mut app, &[Key::Down, Key::Char('j')]);
    assert_eq!(app.packets().selected(), Some(9));
    keys(&mut app, &[Key::Char('g')]);
    assert_eq!(app.packets().selected(), Some(0));
    keys(&mut app, &[Key::Char('G')]);
    assert_eq!(app.packets().selected(), Some(9));
    keys(&mut app, &[Key::Home]);
    assert_eq!(app.packets().selected(), Some(0));
}

#[test]
fn pages_move_by_the_visible_rows_and_scroll_follows() {
    let mut app = with_many(50);
    let rows = app.packet_layout().list_rows();
    assert_eq!(rows, 7, "80x24 shows 7 packet rows");
    keys(&mut app, &[Key::PageDown]);
    assert_eq!(app.packets().selected(), Some(rows));
    // The selection is the last visible row.
    assert_eq!(app.packets().scroll(), 1);
    keys(&mut app, &[Key::End]);
    assert_eq!(app.packets().scroll(), 50 - rows);
    keys(&mut app, &[Key::PageUp]);
    assert_eq!(app.packets().selected(), Some(49 - rows));
    assert_eq!(app.packets().scroll(), 49 - rows);
    keys(&mut app, &[Key::Home]);
    assert_eq!(app.packets().scroll(), 0);
    for _ in 0..20 {
        keys(&mut app, &[Key::PageDown]);
    }
    assert_eq!(app.packets().selected(), Some(49));
}

#[test]
fn selection_stays_visible_after_resize() {
    let mut app = with_many(50);
    keys(&mut app, &[Key::End]);
    app.update(Msg::Resize {
        width: 80,
        height: 12,
    });
    let rows = app.packet_layout().list_rows();
    let (sel, scroll) = (app.packets().selected().unwrap(), app.packets().scroll());
    assert!(
        sel >= scroll && sel < scroll + rows,
        "{sel} {scroll} {rows}"
    );
    app.update(Msg::Resize {
        width: 200,
        height: 60,
    });
    let rows = app.packet_layout().list_rows();
    assert_eq!(
        app.packets().scroll(),
        50 - rows,
        "no empty rows below the last packet"
    );
}

#[test]
fn live_capture_follows_newest_until_the_user_moves() {
    let mut app = live_app(80, 24);
    assert!(app.packets().follow());
    app.update(Msg::Frames(many_frames(5)));
    assert_eq!(app.packets().selected(), Some(4));
    app.update(Msg::Frames(many_frames(20)));
    assert_eq!(app.packets().selected(), Some(24));
    let rows = app.packet_layout().list_rows();
    assert_eq!(app.packets().scroll(), 25 - rows);
    keys(&mut app, &[Key::Up]);
    assert!(!app.packets().follow());
    assert_eq!(app.packets().selected(), Some(23));
    app.update(Msg::Frames(many_frames(3)));
    assert_eq!(app.packets().selected(), Some(23), "not following any more");
    keys(&mut app, &[Key::Char('f')]);
    assert!(app.packets().follow());
    assert_eq!(app.packets().selected(), Some(27));
    keys(&mut app, &[Key::Char('f')]);
    assert!(!app.packets().follow());
}

#[test]
fn file_source_does_not_follow() {
    let mut app = with_many(5);
    assert!(!app.packets().follow());
    app.update(Msg::Frames(many_frames(5)));
    assert_eq!(app.packets().selected(), Some(0));
}

#[test]
fn tab_cycles_focus_and_picks_the_narrow_tab() {
    let mut app = loaded(80, 24);
    assert!(matches!(
        app.packet_layout().detail,
        DetailLayout::Tabbed { .. }
    ));
    assert_eq!(app.packets().focus(), Focus::List);
    keys(&mut app, &[Key::Tab]);
    assert_eq!(app.packets().focus(), Focus::Layers);
    assert!(!app.packets().show_hex());
    keys(&mut app, &[Key::Tab]);
    assert_eq!(app.packets().focus(), Focus::Hex);
    assert!(app.packets().show_hex());
    keys(&mut app, &[Key::Tab]);
    assert_eq!(app.packets().focus(), Focus::List);
    assert!(app.packets().show_hex(), "list focus keeps the last tab");
    keys(&mut app, &[Key::BackTab]);
    assert_eq!(app.packets().focus(), Focus::Hex);
    keys(&mut app, &[Key::BackTab, Key::BackTab]);
    assert_eq!(app.packets().focus(), Focus::List);
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.packets().focus(), Focus::Layers);
}

fn titles(app: &App) -> Vec<(LayerKind, bool)> {
    app.packets()
        .detail()
        .unwrap()
        .rows
        .iter()
        .filter_map(|r| match r.kind {
            RowKind::Title { collapsed, .. } => Some((r.layer, collapsed)),
            _ => None,
        })
        .collect()
}

#[test]
fn enter_and_space_fold_the_selected_layer_and_it_stays_folded() {
    let mut app = loaded(120, 40);
    keys(&mut app, &[Key::Tab]);
    let full = app.packets().detail().unwrap().rows.len();
    assert_eq!(app.packets().field(), 0);
    keys(&mut app, &[Key::Enter]);
    assert!(app.packets().is_collapsed(LayerKind::Link));
    let folded = app.packets().detail().unwrap().rows.len();
    assert_eq!(folded, full - 3, "Ethernet's 3 field rows are hidden");
    assert_eq!(titles(&app)[0], (LayerKind::Link, true));
    // Move into the Transport layer and fold it with Space.
    let transport_title = app
        .packets()
        .detail()
        .unwrap()
        .rows
        .iter()
        .position(|r| r.layer == LayerKind::Transport)
        .unwrap();
    for _ in 0..transport_title + 2 {
        keys(&mut app, &[Key::Down]);
    }
    assert_eq!(
        app.packets().selected_row().unwrap().layer,
        LayerKind::Transport
    );
    keys(&mut app, &[Key::Char(' ')]);
    assert!(app.packets().is_collapsed(LayerKind::Transport));
    assert!(app.packets().selected_row().unwrap().is_title());
    // Folding persists across packets.
    keys(&mut app, &[Key::BackTab, Key::Down]);
    assert_eq!(app.packets().selected(), Some(1));
    assert_eq!(titles(&app)[0], (LayerKind::Link, true));
    assert_eq!(titles(&app)[2], (LayerKind::Transport, true));
    // ← / → fold and unfold explicitly.
    keys(&mut app, &[Key::Tab, Key::Home, Key::Right]);
    assert!(!app.packets().is_collapsed(LayerKind::Link));
    keys(&mut app, &[Key::Right]);
    assert!(!app.packets().is_collapsed(LayerKind::Link));
    keys(&mut app, &[Key::Left]);
    assert!(app.packets().is_collapsed(LayerKind::Link));
}

#[test]
fn empty_layers_cannot_be_unfolded() {
    let mut app = loaded(120, 40);
    keys(&mut app, &[Key::Tab, Key::End]);
    let row = app.packets().selected_row().unwrap();
    assert_eq!(row.layer, LayerKind::Application);
    assert!(matches!(row.kind, RowKind::Title { empty: true, .. }));
    keys(&mut app, &[Key::Enter]);
    assert!(!app.packets().is_collapsed(LayerKind::Application));
}

#[test]
fn field_selection_moves_and_survives_stepping_packets() {
    let mut app = loaded(120, 40);
    keys(&mut app, &[Key::Tab]);
    let rows = app.packets().detail().unwrap().rows.clone();
    let flags = rows
        .iter()
        .position(|r| matches!(&r.kind, RowKind::Field { name, .. } if name == "Flags"))
        .unwrap();
    for _ in 0..flags {
        keys(&mut app, &[Key::Char('j')]);
    }
    assert_eq!(app.packets().selected_range(), Some(46..48));
    keys(&mut app, &[Key::End]);
    assert_eq!(app.packets().field(), rows.len() - 1);
    keys(&mut app, &[Key::Down]);
    assert_eq!(app.packets().field(), rows.len() - 1);
    keys(&mut app, &[Key::Home]);
    assert_eq!(app.packets().field(), 0);
    for _ in 0..flags {
        keys(&mut app, &[Key::Down]);
    }
    // Step to the SYN-ACK from the list: the Flags row is still the selection.
    keys(&mut app, &[Key::BackTab, Key::Down]);
    let row = app.packets().selected_row().unwrap();
    match &row.kind {
        RowKind::Field { name, meaning, .. } => {
            assert_eq!(name, "Flags");
            assert_eq!(meaning, "SYN, ACK");
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn decoding_happens_only_when_the_selection_changes() {
    let dec = FakeDecoder::default();
    let counter = dec.decodes.clone();
    let mut app =
        App::new(SourceKind::File { name: "x".into() }, 80, 24).with_decoder(Box::new(dec));
    app.update(Msg::Frames(many_frames(10)));
    assert_eq!(counter.load(Ordering::SeqCst), 1);
    app.update(Msg::Frames(many_frames(10)));
    app.update(Msg::Tick);
    app.update(Msg::Resize {
        width: 100,
        height: 30,
    });
    keys(
        &mut app,
        &[Key::Tab, Key::Down, Key::Tab, Key::Down, Key::Tab],
    );
    assert_eq!(
        counter.load(Ordering::SeqCst),
        1,
        "no packet change, no decode"
    );
    keys(&mut app, &[Key::Down]);
    assert_eq!(counter.load(Ordering::SeqCst), 2);
    keys(&mut app, &[Key::Up, Key::Up]);
    assert_eq!(
        counter.load(Ordering::SeqCst),
        3,
        "Up at the top does not re-decode"
    );
}

#[test]
fn clicking_a_row_selects_that_packet() {
    let mut app = with_many(50);
    keys(&mut app, &[Key::Tab]);
    let layout = app.packet_layout();
    let first = layout.list_first_row_y();
    app.update(click(10, first + 3));
    assert_eq!(app.packets().selected(), Some(3));
    assert_eq!(app.packets().focus(), Focus::List);
    // Scroll down with the wheel: the view moves, the selection does not.
    app.update(wheel(true, 10, first));
    app.update(wheel(true, 10, first));
    assert_eq!(app.packets().scroll(), 6);
    assert_eq!(app.packets().selected(), Some(3));
    app.update(click(10, first));
    assert_eq!(app.packets().selected(), Some(6));
    // The column header and the border select nothing.
    app.update(click(10, first - 1));
    app.update(click(10, layout.list.y));
    app.update(click(10, layout.list.y + layout.list.height - 1));
    assert_eq!(app.packets().selected(), Some(6));
    // Wheel up past the top stops at 0.
    for _ in 0..10 {
        app.update(wheel(false, 10, first));
    }
    assert_eq!(app.packets().scroll(), 0);
    for _ in 0..100 {
        app.update(wheel(true, 10, first));
    }
    assert_eq!(app.packets().scroll(), 50 - layout.list_rows());
}

#[test]
fn clicking_below_the_last_packet_does_nothing() {
    let mut app = loaded(80, 24);
    keys(&mut app, &[Key::Down]);
    let first = app.packet_layout().list_first_row_y();
    app.update(click(5, first + 6));
    assert_eq!(app.packets().selected(), Some(1));
}

#[test]
fn clicking_layers_selects_fields_and_tabs_switch_panes() {
    let mut app = loaded(120, 40);
    let DetailLayout::Split { layers, hex } = app.packet_layout().detail else {
        panic!("120 columns should split");
    };
    // Third row inside the layer pane: Ethernet's "Source".
    app.update(click(layers.x + 5, layers.y + 3));
    assert_eq!(app.packets().focus(), Focus::Layers);
    assert_eq!(app.packets().field(), 2);
    assert_eq!(app.packets().selected_range(), Some(6..12));
    // Click the title, then click it again: folds.
    app.update(click(layers.x + 5, layers.y + 1));
    assert!(!app.packets().is_collapsed(LayerKind::Link));
    app.update(click(layers.x + 5, layers.y + 1));
    assert!(app.packets().is_collapsed(LayerKind::Link));
    // A click on a hex byte selects the most specific field holding it: byte 0x2f
    // (row 2, column 15) is in the TCP sequence number.
    let digits = 4usize;
    let (hx, _) = synack::app::packets::hex_byte_columns(digits, 0x2f % 16);
    app.update(click(hex.x + 1 + hx as u16, hex.y + 1 + 2));
    assert_eq!(app.packets().focus(), Focus::Hex);
    assert_eq!(
        app.packets().selected_range(),
        Some(46..48),
        "byte 47 is in Flags"
    );
    let (_, ax) = synack::app::packets::hex_byte_columns(digits, 0x26 % 16);
    app.update(click(hex.x + 1 + ax as u16, hex.y + 1 + 2));
    assert_eq!(
        app.packets().selected_range(),
        Some(38..42),
        "ASCII column works too"
    );

    // Narrow: the tab labels on the detail border switch panes.
    let mut app = loaded(80, 24);
    let DetailLayout::Tabbed { area } = app.packet_layout().detail else {
        panic!("80 columns should tab");
    };
    app.update(click(area.x + 11, area.y));
    assert_eq!(app.packets().focus(), Focus::Hex);
    assert!(app.packets().show_hex());
    app.update(click(area.x + 2, area.y));
    assert_eq!(app.packets().focus(), Focus::Layers);
    assert!(!app.packets().show_hex());
}

#[test]
fn hex_focus_scrolls_the_bytes() {
    let mut app = loaded(80, 24);
    keys(&mut app, &[Key::Char('G')]);
    keys(&mut app, &[Key::Char('g')]);
    // Packet 4 has 103 bytes: 7 hex rows; the tabbed pane shows 11.
    keys(
        &mut app,
        &[Key::Down, Key::Down, Key::Down, Key::Tab, Key::Tab],
    );
    assert_eq!(app.packets().selected(), Some(3));
    keys(&mut app, &[Key::Down]);
    assert_eq!(
        app.packets().hex_scroll(),
        0,
        "everything fits: nothing to scroll"
    );
    app.update(Msg::Resize {
        width: 80,
        height: 14,
    });
    keys(&mut app, &[Key::End]);
    let h = 14 - app.packet_layout().list.height - 1 - 2;
    assert_eq!(app.packets().hex_scroll(), 7 - usize::from(h));
    keys(&mut app, &[Key::Up]);
    assert_eq!(app.packets().hex_scroll(), 6 - usize::from(h));
    keys(&mut app, &[Key::Home]);
    assert_eq!(app.packets().hex_scroll(), 0);
}

#[test]
fn help_opens_closes_and_quit_keys_work() {
    let mut app = loaded(80, 24);
    keys(&mut app, &[Key::Char('?')]);
    assert!(app.help_visible());
    keys(&mut app, &[Key::Down]);
    assert_eq!(
        app.packets().selected(),
        Some(0),
        "keys do not leak under the help"
    );
    keys(&mut app, &[Key::Char('q')]);
    assert!(!app.help_visible());
    assert!(!app.should_quit());
    keys(&mut app, &[Key::Char('?'), Key::Esc]);
    assert!(!app.help_visible() && !app.should_quit());
    keys(&mut app, &[Key::Char('?'), Key::Char('?')]);
    assert!(!app.help_visible());
    keys(&mut app, &[Key::Esc]);
    assert!(app.should_quit());

    let mut app = loaded(80, 24);
    keys(&mut app, &[Key::Char('?'), Key::CtrlC]);
    assert!(app.should_quit());
    let mut app = loaded(80, 24);
    keys(&mut app, &[Key::Char('q')]);
    assert!(app.should_quit());
}

#[test]
fn source_status_progress_done_and_failure() {
    let mut app = file_app(80, 24);
    assert!(app.is_running());
    app.update(Msg::Progress {
        bytes_read: 250,
        total_bytes: Some(1000),
    });
    assert_eq!(app.source().percent(), Some(25));
    app.update(Msg::Progress {
        bytes_read: 250,
        total_bytes: None,
    });
    assert_eq!(app.source().percent(), None);
    app.update(Msg::Finished(Err("cut at \x1b[31mpacket 7".into())));
    assert!(!app.is_running());
    assert_eq!(app.status_rows(), 2);
    match &app.source().state {
        SourceState::Failed(r) => {
            assert!(!r.chars().any(char::is_control), "{r:?}");
            assert!(r.contains("packet 7"));
        }
        s => panic!("{s:?}"),
    }
    let mut app = file_app(80, 24);
    app.update(Msg::Finished(Ok(())));
    assert_eq!(app.source().state, SourceState::Done);
    assert_eq!(app.status_rows(), 1);
}

#[test]
fn a_failure_growing_the_status_bar_keeps_the_selection_visible() {
    let mut app = with_many(50);
    keys(&mut app, &[Key::End]);
    app.update(Msg::Resize {
        width: 80,
        height: 10,
    });
    app.update(Msg::Finished(Err("boom".into())));
    let rows = app.packet_layout().list_rows();
    let (sel, scroll) = (app.packets().selected().unwrap(), app.packets().scroll());
    assert!(sel < scroll + rows, "{sel} {scroll} {rows}");
}

#[test]
fn mixed_link_types_are_reported() {
    let mut app = file_app(80, 24);
    let mut frames = many_frames(2);
    frames[1].link = LinkType::LINUX_SLL;
    app.update(Msg::Frames(frames));
    assert_eq!(app.link(), LinkSeen::Mixed);
}

#[test]
fn source_names_are_sanitized() {
    let app = App::new(
        SourceKind::Live {
            iface: "eth\x1b[2J0".into(),
        },
        80,
        24,
    );
    match &app.source().kind {
        SourceKind::Live { iface } => assert!(!iface.chars().any(char::is_control)),
        k => panic!("{k:?}"),
    }
}

#[test]
fn keys_on_an_empty_app_do_not_panic() {
    let mut app = file_app(80, 24);
    for k in [
        Key::Up,
        Key::Down,
        Key::PageUp,
        Key::PageDown,
        Key::Home,
        Key::End,
        Key::Enter,
        Key::Char(' '),
        Key::Left,
        Key::Right,
        Key::Tab,
        Key::Down,
        Key::Enter,
        Key::Tab,
        Key::End,
        Key::Char('f'),
    ] {
        app.update(Msg::Key(k));
    }
    for (c, r) in [(0, 0), (40, 12), (79, 23), (200, 200)] {
        app.update(click(c, r));
        app.update(wheel(true, c, r));
    }
    assert_eq!(app.packets().selected(), None);
    app.update(Msg::Resize {
        width: 0,
        height: 0,
    });
    let _ = screen_text(&app);
}
