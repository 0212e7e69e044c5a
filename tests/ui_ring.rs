//! Live captures with a packet limit (`synack live --max-packets N`) through `App::update`
//! and on a `TestBackend`: the store stays at the limit and the status bar counts what was
//! evicted; the list shows frame numbers since the capture began; the selection and the
//! list's scroll stay on the same packets as older ones go, follow mode keeps following;
//! flows see every packet, also those evicted before they were drawn; `L` and Enter between
//! the packet list and the ladder land on the right packet, and a jump to an evicted packet
//! says so instead of landing on another one. Frames are the demo captures of `assets/demo`
//! (real reader, real decoder) or the hand-made packets of `ui_support`.

mod ui_support;

use synack::app::{App, FlowFocus, Key, Msg, Screen, SourceKind};
use synack::flow::EventKind;
use synack::model::Frame;
use ui_support::{demo_frames, keys, many_frames, screen_text};

fn live(w: u16, h: u16, max: usize) -> App {
    App::new(SourceKind::Live { iface: "c0".into() }, w, h).with_max_packets(Some(max))
}

fn status_row(app: &App) -> String {
    screen_text(app)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

/// The frame numbers in the No. column of the visible list rows, top to bottom.
fn listed_numbers(app: &App) -> Vec<u64> {
    let layout = app.packet_layout();
    let text = screen_text(app);
    let lines: Vec<&str> = text.lines().collect();
    let first = usize::from(layout.list_first_row_y());
    let x = usize::from(layout.list.x) + 1;
    (first..first + layout.list_rows())
        .filter_map(|y| {
            let line = lines.get(y)?;
            let cell: String = line.chars().skip(x).collect();
            cell.split_whitespace().next()?.parse().ok()
        })
        .collect()
}

/// The frame number (1-based) of the selected packet.
fn selected_no(app: &App) -> Option<u64> {
    let i = app.packets().selected()?;
    app.store().get(i).map(|v| v.number + 1)
}

/// Selects the kept packet with frame number `no` by keys (Home, then Down).
fn select_no(app: &mut App, no: u64) {
    let index = app.store().index_of_frame(no).expect("packet kept");
    keys(app, &[Key::Home]);
    for _ in 0..index {
        keys(app, &[Key::Down]);
    }
    assert_eq!(selected_no(app), Some(no));
}

#[test]
fn the_store_stays_at_the_limit_and_the_status_bar_counts_the_evicted() {
    let mut app = live(120, 40, 10);
    let frames = many_frames(53);
    let mut fed = 0usize;
    for batch in frames.chunks(7) {
        app.update(Msg::Frames(batch.to_vec()));
        fed += batch.len();
        let evicted = fed.saturating_sub(10);
        assert_eq!(app.store().len(), fed.min(10));
        assert_eq!(app.store().evicted(), evicted as u64);
        let status = status_row(&app);
        let want = if evicted > 0 {
            format!("{} pkts ({evicted} evicted)", fed.min(10))
        } else {
            format!("{fed} pkts")
        };
        assert!(status.contains(&want), "after {fed}: {status}");
        // The bytes shown are those of the packets kept.
        assert_eq!(app.shown_bytes(), app.store().bytes_on_wire());
        // Follow mode keeps the newest packet selected.
        assert!(app.packets().follow());
        assert_eq!(selected_no(&app), Some(fed as u64));
    }
    // Every kept packet is listed with its frame number: the first is evicted + 1.
    assert_eq!(listed_numbers(&app), (44..=53).collect::<Vec<u64>>());
    let title = screen_text(&app);
    assert!(title.contains("packet 53"), "{title}");
    assert!(title.contains("Packets (10)"), "{title}");
}

#[test]
fn one_batch_larger_than_the_limit_still_reaches_the_flow_tracker() {
    let frames = demo_frames("busy.pcap");
    assert!(frames.len() > 300);
    let mut whole = App::new(SourceKind::Live { iface: "c0".into() }, 120, 40);
    whole.update(Msg::Frames(frames.clone()));
    let mut ring = live(120, 40, 50);
    ring.update(Msg::Frames(frames.clone()));
    assert_eq!(ring.store().len(), 50);
    assert_eq!(ring.store().evicted(), frames.len() as u64 - 50);
    // The same flows, with the same packets, as without a limit.
    let (a, b) = (whole.flows().tracker(), ring.flows().tracker());
    assert_eq!(a.total_flows(), b.total_flows());
    assert!(b.total_flows() > 30);
    for i in 0..ring.store().len() {
        let v = ring.store().get(i).expect("kept");
        let no = v.number + 1;
        let id = v.flow.expect("every demo packet is TCP");
        let same = whole
            .store()
            .get(no as usize - 1)
            .expect("unlimited keeps all");
        assert_eq!(same.flow, Some(id), "packet {no}");
        let flow = b.get(id).expect("flow kept");
        assert!(flow.first_packet_no <= no && no <= flow.last_packet_no());
    }
    assert_eq!(listed_numbers(&ring).last(), Some(&(frames.len() as u64)));
}

#[test]
fn the_selection_and_the_scroll_stay_on_their_packets_as_older_ones_go() {
    let frames = many_frames(80);
    let mut app = live(80, 24, 30);
    app.update(Msg::Frames(frames[..30].to_vec()));
    // Follow off, one row up: packet 29, the list scrolled to the bottom.
    keys(&mut app, &[Key::Up]);
    assert!(!app.packets().follow());
    assert_eq!(selected_no(&app), Some(29));
    let before = listed_numbers(&app);
    assert!(before.len() >= 6 && before.contains(&29), "{before:?}");
    assert!(before[0] > 6, "room to scroll up by the evicted rows");

    // Five more packets evict five: the same packets stay on screen, in the same rows.
    app.update(Msg::Frames(frames[30..35].to_vec()));
    assert_eq!(app.store().evicted(), 5);
    assert_eq!(selected_no(&app), Some(29));
    assert_eq!(
        app.packets().detail().map(|d| d.index),
        app.packets().selected()
    );
    assert_eq!(listed_numbers(&app), before);
    assert!(screen_text(&app).contains("packet 29"));

    // Home: the oldest kept packet is first, numbered evicted + 1.
    keys(&mut app, &[Key::Home, Key::Down, Key::Down]);
    assert_eq!(selected_no(&app), Some(8));
    assert_eq!(listed_numbers(&app).first(), Some(&6));

    // Packet 8 goes: the selection moves to the oldest kept packet, the list to the top.
    app.update(Msg::Frames(frames[35..40].to_vec()));
    assert_eq!(app.store().evicted(), 10);
    assert_eq!(app.packets().selected(), Some(0));
    assert_eq!(selected_no(&app), Some(11));
    assert_eq!(app.packets().detail().map(|d| d.index), Some(0));
    assert_eq!(listed_numbers(&app).first(), Some(&11));
    assert!(!app.packets().follow(), "still not following");
    assert!(screen_text(&app).contains("packet 11"));

    // `f` follows again, and keeps following as packets come and go.
    keys(&mut app, &[Key::Char('f')]);
    app.update(Msg::Frames(frames[40..80].to_vec()));
    assert_eq!((app.store().len(), app.store().evicted()), (30, 50));
    assert_eq!(selected_no(&app), Some(80));
    assert_eq!(listed_numbers(&app).last(), Some(&80));
    assert!(status_row(&app).contains("30 pkts (50 evicted)"));
}

/// busy.pcap's first 43 frames with a limit of 30: frames 1–13 are evicted, among them the
/// handshake of flow 1 (frames 11–13); its FINs (18, 19) and all of flow 2 (from 20) are kept.
fn busy_ring() -> (App, Vec<Frame>) {
    let frames = demo_frames("busy.pcap");
    let mut app = live(120, 40, 30);
    for f in &frames[..43] {
        app.update(Msg::Frames(vec![f.clone()]));
    }
    assert_eq!(app.store().evicted(), 13);
    (app, frames)
}

#[test]
fn l_and_enter_land_on_the_right_packet_after_eviction() {
    let (mut app, _) = busy_ring();
    // Frame 22 is flow 2's SYN-ACK (store index 8).
    select_no(&mut app, 22);
    assert_eq!(app.packets().selected(), Some(8));
    keys(&mut app, &[Key::Char('L')]);
    assert_eq!(app.screen(), Screen::Flows);
    assert_eq!(app.notice(), None);
    let fs = app.flows();
    assert_eq!(fs.focus(), FlowFocus::Ladder);
    let event = selected_arrow(&app).expect("the SYN-ACK's arrow is selected");
    assert_eq!((event.packet_no, event.kind), (22, EventKind::SynAck));
    assert!(screen_text(&app).contains("Enter: packet 22"));

    // ↓ to the handshake's ACK (frame 23), Enter: that packet on the packet screen.
    keys(&mut app, &[Key::Down]);
    let arrow = selected_arrow(&app);
    assert_eq!(arrow.map(|e| e.packet_no), Some(23));
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.screen(), Screen::Packets);
    assert_eq!(app.packets().selected(), Some(9));
    assert_eq!(selected_no(&app), Some(23));
    assert_eq!(app.packets().detail().map(|d| d.index), Some(9));
    assert!(screen_text(&app).contains("packet 23 · L: flow"));
}

/// The ladder event of the selected whole-connection row (rows are ladder events, segments
/// and runs; handshake and teardown rows are events).
fn selected_arrow(app: &App) -> Option<synack::flow::LadderEvent> {
    let no = app.flows().selected_row()?.packet_no;
    let flow = app.flows().selected_flow()?;
    flow.ladder.iter().find(|e| e.packet_no == no).copied()
}

#[test]
fn a_jump_to_an_evicted_packet_says_so() {
    let (mut app, _) = busy_ring();
    // Frame 18, flow 1's FIN from the server: kept, and its arrow is there.
    select_no(&mut app, 18);
    keys(&mut app, &[Key::Char('L')]);
    assert_eq!(app.screen(), Screen::Flows);
    let arrow = selected_arrow(&app);
    assert_eq!(arrow.map(|e| e.packet_no), Some(18));
    // The flow's first arrow is its SYN, frame 11: evicted.
    keys(&mut app, &[Key::Home]);
    let first = selected_arrow(&app);
    assert_eq!(
        first.map(|e| (e.packet_no, e.kind)),
        Some((11, EventKind::Syn))
    );
    let before = app.packets().selected();
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.screen(), Screen::Flows, "no jump");
    assert_eq!(
        app.notice(),
        Some("packet 11 was evicted (--max-packets)"),
        "{:?}",
        app.notice()
    );
    assert!(status_row(&app).contains("packet 11 was evicted (--max-packets)"));
    assert_eq!(app.packets().selected(), before, "selection untouched");
    // A kept arrow of the same flow still jumps.
    keys(&mut app, &[Key::End, Key::Enter]);
    assert_eq!(app.screen(), Screen::Packets);
    let no = selected_no(&app).expect("selected");
    assert!(no > 13, "a kept packet: {no}");
    let flow_id = app
        .store()
        .get(app.packets().selected().unwrap())
        .and_then(|v| v.flow);
    assert_eq!(flow_id, Some(1));
}

/// `--spool-max`: when the live spool drops the oldest packets' bytes from disk (the capture
/// thread reports how many, with the drop counters), the viewer evicts them too, counts them
/// on screen naming the flag, keeps the newest, and evicts frames still in flight when they
/// arrive.
#[test]
fn spool_evictions_follow_the_disk_bound() {
    use synack::app::Drops;
    let mut app = App::new(SourceKind::Live { iface: "c0".into() }, 120, 30);
    app.update(Msg::Frames(many_frames(100)));
    app.update(Msg::Drops(Drops {
        spool_evicted: 40,
        ..Drops::default()
    }));
    assert_eq!(app.store().evicted(), 40);
    assert_eq!(app.store().len(), 60);
    assert_eq!(app.store().eviction_flag(), "--spool-max");
    let status = status_row(&app);
    assert!(
        status.contains("60 pkts (40 evicted, --spool-max)"),
        "{status}"
    );
    // The newest packets are still listed and readable.
    let last = app.store().get(59).expect("newest kept");
    assert_eq!(last.number + 1, 100);
    assert!(!last.data.is_empty());
    // The spool already dropped frames 101..=110 before they were drawn: evicted on arrival.
    app.update(Msg::Drops(Drops {
        spool_evicted: 110,
        ..Drops::default()
    }));
    app.update(Msg::Frames(many_frames(20)));
    assert_eq!(app.store().evicted(), 110);
    assert_eq!(app.store().len(), 10);
    assert!(app.store().was_evicted(105));
}
