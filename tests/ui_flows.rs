//! The flows screen through `App::update` and on a `TestBackend`, on the demo captures in
//! `assets/demo` read by the real file reader and decoded by the real decoder: switching
//! screens, sort cycling, follow mode, the jump from a packet to its arrow and back, the
//! eviction count, replaying an animation, mouse selection, and snapshots of the whole screen
//! at the start, middle and end of a handshake animation (fixed presentation times, frames
//! fed as a live capture would deliver them) at 80×24 and 120×40.

mod ui_support;

use ratatui::style::Modifier;
use synack::app::flows::ANIM_FRAME_NS;
use synack::app::{App, FlowFocus, Focus, Key, Mouse, MouseKind, Msg, Screen, SortKey, SourceKind};
use synack::flow::{EventKind, Outcome};
use synack::model::{Frame, LinkType};
use synack::teach::anim::{self, ArrowTiming};
use synack::ui::flow_list::list_rtt_ns;
use ui_support::{demo_frames, keys, render, screen_text};

const SECOND: i64 = 1_000_000_000;

fn frames_of(name: &str) -> Vec<Frame> {
    demo_frames(name)
}

fn file_app(name: &str, w: u16, h: u16) -> App {
    App::new(SourceKind::File { name: name.into() }, w, h)
}

fn live_app(w: u16, h: u16) -> App {
    App::new(SourceKind::Live { iface: "c0".into() }, w, h)
}

/// A file loaded at presentation time 0, finished.
fn loaded(name: &str, w: u16, h: u16) -> App {
    let mut app = file_app(name, w, h);
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(frames_of(name)));
    app.update(Msg::Finished(Ok(())));
    app
}

/// Feeds `frames[*next..]` whose capture offset is at most `until_ns`, one at a time at its
/// own offset on the presentation clock (as a live capture delivers them), then sets the
/// clock to `until_ns`.
fn feed_until(app: &mut App, frames: &[Frame], next: &mut usize, until_ns: i64) {
    let t0 = frames.first().map_or(0, |f| f.ts_ns);
    while let Some(f) = frames.get(*next) {
        let at = f.ts_ns - t0;
        if at > until_ns {
            break;
        }
        app.update(Msg::Clock { now_ns: at });
        app.update(Msg::Frames(vec![f.clone()]));
        *next += 1;
    }
    app.update(Msg::Clock { now_ns: until_ns });
}

fn status_row(app: &App) -> String {
    screen_text(app)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

/// Column (in cells) of `needle` on screen row `y`.
fn column(app: &App, y: usize, needle: &str) -> Option<u16> {
    let text = screen_text(app);
    let line = text.lines().nth(y)?;
    let byte = line.find(needle)?;
    u16::try_from(line[..byte].chars().count()).ok()
}

fn is_reversed(app: &App, x: u16, y: u16) -> bool {
    let t = render(app);
    t.backend().buffer()[(x, y)]
        .modifier
        .contains(Modifier::REVERSED)
}

#[test]
fn number_keys_switch_screens_and_the_status_bar_shows_which() {
    let mut app = loaded("http.pcap", 80, 24);
    assert_eq!(app.screen(), Screen::Packets);
    let y = 23;
    let packets_x = column(&app, 23, "1 Packets").expect("switcher in the status bar");
    let flows_x = column(&app, 23, "2 Flows").expect("switcher in the status bar");
    assert!(is_reversed(&app, packets_x, y) && !is_reversed(&app, flows_x, y));
    assert!(status_row(&app).contains("1 flow"), "{}", status_row(&app));

    keys(&mut app, &[Key::Char('2')]);
    assert_eq!(app.screen(), Screen::Flows);
    let screen = screen_text(&app);
    assert!(screen.contains("Flows (1)"), "{screen}");
    assert!(screen.contains("Ladder of flow 0"), "{screen}");
    assert!(screen.contains("10.77.1.1:"), "{screen}");
    assert!(is_reversed(&app, flows_x, y) && !is_reversed(&app, packets_x, y));

    keys(&mut app, &[Key::Char('1')]);
    assert_eq!(app.screen(), Screen::Packets);
    assert!(screen_text(&app).contains("Packets (10)"));
}

#[test]
fn s_cycles_the_sort_and_keeps_the_selected_flow() {
    let mut app = loaded("busy.pcap", 120, 40);
    keys(&mut app, &[Key::Char('2'), Key::Down, Key::Down]);
    let fs = app.flows();
    assert_eq!(fs.sort(), SortKey::Start);
    assert_eq!((fs.selected(), fs.selected_index()), (Some(2), Some(2)));
    let ids: Vec<u32> = fs.order().to_vec();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "start order: {ids:?}");

    keys(&mut app, &[Key::Char('s')]);
    let fs = app.flows();
    assert_eq!(fs.sort(), SortKey::Rtt);
    let rtts: Vec<Option<i64>> = fs
        .order()
        .iter()
        .map(|id| list_rtt_ns(fs.tracker().get(*id).expect("kept")))
        .collect();
    let known: Vec<i64> = rtts.iter().flatten().copied().collect();
    assert!(known.windows(2).all(|w| w[0] >= w[1]), "slowest first");
    let first_none = rtts
        .iter()
        .position(Option::is_none)
        .expect("refused flows");
    assert!(
        rtts[first_none..].iter().all(Option::is_none),
        "no RTT last"
    );
    // The same flow stays selected wherever it moved.
    assert_eq!(fs.selected(), Some(2));
    assert_eq!(fs.order().get(fs.selected_index().unwrap()), Some(&2));
    assert!(screen_text(&app).contains("RTT ms ▼"));

    keys(&mut app, &[Key::Char('s')]);
    let fs = app.flows();
    assert_eq!(fs.sort(), SortKey::Bytes);
    let bytes: Vec<u64> = fs
        .order()
        .iter()
        .map(|id| fs.tracker().get(*id).expect("kept").bytes())
        .collect();
    assert!(bytes.windows(2).all(|w| w[0] >= w[1]), "{bytes:?}");
    assert!(screen_text(&app).contains("bytes ▼"));

    keys(&mut app, &[Key::Char('s')]);
    let fs = app.flows();
    assert_eq!(fs.sort(), SortKey::Health);
    let health: Vec<_> = fs
        .order()
        .iter()
        .map(|id| {
            fs.tracker()
                .get(*id)
                .expect("kept")
                .analysis_counts()
                .health()
        })
        .collect();
    assert!(
        health.windows(2).all(|w| w[0] >= w[1]),
        "worst first: {health:?}"
    );
    assert!(screen_text(&app).contains("health ▼"));

    keys(&mut app, &[Key::Char('s')]);
    assert_eq!(app.flows().sort(), SortKey::Start);
    assert_eq!(app.flows().order(), &ids[..]);
}

#[test]
fn live_flows_follow_the_newest_until_the_user_moves() {
    let frames = frames_of("busy.pcap");
    let mut app = live_app(80, 24);
    keys(&mut app, &[Key::Char('2')]);
    assert!(app.flows().follow());
    let mut next = 0;
    for t in 1..=4 {
        feed_until(&mut app, &frames, &mut next, t * SECOND / 2);
        let newest = app.flows().tracker().flows().map(|f| f.id).max();
        assert_eq!(app.flows().selected(), newest, "at {t}");
    }
    assert!(status_row(&app).contains("FOLLOW"));
    let before = app.flows().selected();
    keys(&mut app, &[Key::Up]);
    assert!(!app.flows().follow());
    assert!(!status_row(&app).contains("FOLLOW"));
    let chosen = app.flows().selected();
    assert_ne!(chosen, before);
    feed_until(&mut app, &frames, &mut next, 4 * SECOND);
    assert_eq!(app.flows().selected(), chosen, "stays put without follow");
    keys(&mut app, &[Key::Char('f')]);
    assert!(app.flows().follow());
    let newest = app.flows().tracker().flows().map(|f| f.id).max();
    assert_eq!(app.flows().selected(), newest);
    // The newest row is the last one in start order, and it is on screen.
    let rows = app.flows_layout().list_rows();
    let visible = app.flows().visible_ids(rows);
    assert_eq!(visible.last().copied(), newest);
}

#[test]
fn l_jumps_from_a_packet_to_its_arrow_and_enter_jumps_back() {
    let mut app = loaded("http.pcap", 80, 24);
    keys(&mut app, &[Key::Down]);
    assert_eq!(app.packets().selected(), Some(1));
    assert!(screen_text(&app).contains("L: flow 0 ladder"));
    keys(&mut app, &[Key::Char('L')]);
    assert_eq!(app.screen(), Screen::Flows);
    let fs = app.flows();
    assert_eq!(fs.selected(), Some(0));
    assert_eq!(fs.focus(), FlowFocus::Ladder);
    assert_eq!(fs.selected_event(), Some(1));
    let flow = fs.selected_flow().expect("flow 0");
    assert_eq!(flow.ladder[1].kind, EventKind::SynAck);
    assert_eq!(flow.ladder[1].packet_no, 2);
    let screen = screen_text(&app);
    assert!(screen.contains("Enter: packet 2"), "{screen}");
    assert!(screen.contains('▸'), "the arrow is marked:\n{screen}");

    // ↓ to the handshake's ACK (packet 3), Enter: its layers on the packet screen.
    keys(&mut app, &[Key::Down]);
    assert_eq!(app.flows().selected_event(), Some(2));
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.screen(), Screen::Packets);
    assert_eq!(app.packets().selected(), Some(2));
    assert_eq!(app.packets().focus(), Focus::Layers);
    assert_eq!(app.packets().detail().map(|d| d.index), Some(2));
    assert!(!app.packets().follow());

    // And back again: the ACK's arrow.
    keys(&mut app, &[Key::Char('L')]);
    assert_eq!(app.flows().selected_event(), Some(2));
    // Tab returns to the list; Enter there goes to the ladder again.
    keys(&mut app, &[Key::Tab]);
    assert_eq!(app.flows().focus(), FlowFocus::List);
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.flows().focus(), FlowFocus::Ladder);
}

fn udp_frame() -> Frame {
    let mut data = Vec::new();
    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
        .udp(5353, 53)
        .write(&mut data, b"hello")
        .expect("udp frame");
    Frame::new(5, data.len() as u32, LinkType::ETHERNET, data)
}

#[test]
fn l_on_a_data_packet_or_a_non_tcp_packet_says_why() {
    let mut app = loaded("http.pcap", 80, 24);
    // Packet 4 carries the HTTP request: the whole-connection ladder has a data row for it.
    keys(
        &mut app,
        &[Key::End, Key::Home, Key::Down, Key::Down, Key::Down],
    );
    assert_eq!(app.packets().selected(), Some(3));
    keys(&mut app, &[Key::Char('L')]);
    assert_eq!(app.screen(), Screen::Flows);
    assert_eq!(app.flows().selected(), Some(0));
    assert_eq!(
        app.flows().selected_row().map(|r| r.packet_no),
        Some(4),
        "the data packet's own row is selected"
    );
    assert_eq!(app.notice(), None);

    let mut app = file_app("udp.pcap", 80, 24);
    app.update(Msg::Frames(vec![udp_frame()]));
    assert_eq!(app.store().get(0).and_then(|p| p.flow), None);
    keys(&mut app, &[Key::Char('L')]);
    assert_eq!(app.screen(), Screen::Packets);
    assert!(app.notice().is_some_and(|n| n.contains("not TCP")));
    assert!(status_row(&app).contains("packet 1 is not TCP"));
}

#[test]
fn every_tcp_packet_records_its_flow() {
    let app = loaded("busy.pcap", 80, 24);
    let store = app.store();
    for i in 0..store.len() {
        let p = store.get(i).expect("stored");
        let id = p.flow.expect("every demo packet is TCP");
        let flow = app.flows().tracker().get(id).expect("kept");
        let no = i as u64 + 1;
        assert!(flow.first_packet_no <= no && no <= flow.last_packet_no());
        for e in &flow.ladder {
            let packet = store.get(e.packet_no as usize - 1).expect("arrow's packet");
            assert_eq!(packet.flow, Some(id));
        }
    }
}

#[test]
fn evicted_flows_are_counted_in_the_status_bar() {
    let mut app = file_app("busy.pcap", 120, 40).with_max_flows(5);
    app.update(Msg::Frames(frames_of("busy.pcap")));
    app.update(Msg::Finished(Ok(())));
    assert_eq!(app.flows().len(), 5);
    // 39 connections; flows evicted while still active come back as mid-stream ones.
    let evicted = app.flows().evicted();
    assert!(evicted >= 34, "{evicted}");
    assert_eq!(evicted, app.flows().tracker().total_flows() - 5);
    let status = status_row(&app);
    assert!(
        status.contains(&format!("5 flows ({evicted} evicted, --max-flows)")),
        "{status}"
    );
    keys(&mut app, &[Key::Char('2')]);
    assert!(screen_text(&app).contains("Flows (5)"));
    assert_eq!(app.flows().order().len(), 5);
    // At 80 columns the count stays, shorter.
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let status = status_row(&app);
    assert!(status.contains(&format!("+{evicted} evicted")), "{status}");
}

#[test]
fn a_replays_the_selected_flow_and_only_moving_screens_want_frames() {
    let mut app = loaded("http.pcap", 80, 24);
    assert_eq!(
        app.next_redraw_ns(),
        None,
        "the packet screen never animates"
    );
    keys(&mut app, &[Key::Char('2')]);
    // Loaded at 0: the SYN is in flight, so the ladder wants the next frame soon.
    assert_eq!(app.next_redraw_ns(), Some(ANIM_FRAME_NS));
    let later = 60 * SECOND;
    app.update(Msg::Clock { now_ns: later });
    assert!(!app.flows().progress(0, later).is_animating());
    assert_eq!(app.next_redraw_ns(), None, "everything landed");
    assert!(screen_text(&app).contains("closed (FIN)"));

    keys(&mut app, &[Key::Char('a')]);
    let p = app.flows().progress(0, later);
    assert!(p.is_animating() && p.in_flight.is_some_and(|f| f.index == 0));
    assert_eq!(app.flows().timings(0)[0].start_ns, later);
    assert_eq!(app.next_redraw_ns(), Some(later + ANIM_FRAME_NS));
    let screen = screen_text(&app);
    assert!(screen.contains("handshake in progress"), "{screen}");
    assert!(!screen.contains("SYN-ACK"), "{screen}");
}

#[test]
fn clicking_a_flow_row_selects_it_and_the_ladder_takes_the_focus() {
    let mut app = loaded("busy.pcap", 80, 24);
    keys(&mut app, &[Key::Char('2')]);
    let layout = app.flows_layout();
    let click = |column, row| {
        Msg::Mouse(Mouse {
            kind: MouseKind::Click,
            column,
            row,
        })
    };
    app.update(click(10, layout.list_first_row_y() + 2));
    assert_eq!(app.flows().selected_index(), Some(2));
    app.update(click(10, layout.ladder.y + 3));
    assert_eq!(app.flows().focus(), FlowFocus::Ladder);
    app.update(Msg::Mouse(Mouse {
        kind: MouseKind::ScrollDown,
        column: 10,
        row: layout.list_first_row_y(),
    }));
    assert_eq!(app.flows().selected_index(), Some(5));
}

#[test]
fn the_flows_screen_draws_without_colour_when_monochrome() {
    let mut app = file_app("busy.pcap", 120, 40).with_monochrome(true);
    app.update(Msg::Frames(frames_of("busy.pcap")));
    keys(&mut app, &[Key::Char('2')]);
    let t = render(&app);
    let buf = t.backend().buffer();
    let layout = app.flows_layout();
    for y in 0..layout.status.y {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let border = cell.symbol().chars().all(|c| "┌┐└┘─│█".contains(c));
            if !border {
                assert_eq!(cell.fg, ratatui::style::Color::Reset, "({x},{y}) {cell:?}");
            }
        }
    }
}

/// When the selected flow's arrows start and land, from a scratch run.
fn flow0_timings(frames: &[Frame]) -> Vec<ArrowTiming> {
    let mut app = file_app("busy.pcap", 80, 24);
    let mut next = 0;
    feed_until(&mut app, frames, &mut next, 20 * SECOND);
    app.flows().timings(0).to_vec()
}

#[test]
fn flows_screen_during_a_handshake_80x24_and_120x40() {
    let frames = frames_of("busy.pcap");
    let t = flow0_timings(&frames);
    assert!(t.len() >= 3);
    let moments = [
        ("start", t[0].start_ns),
        ("synack_middle", (t[1].start_ns + t[1].end_ns) / 2),
        ("handshake_end", t[2].end_ns),
    ];
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        for (name, at) in moments {
            let mut app = file_app("busy.pcap", w, h);
            keys(&mut app, &[Key::Char('2')]);
            let mut next = 0;
            feed_until(&mut app, &frames, &mut next, at);
            let screen = screen_text(&app);
            assert!(!screen.chars().any(|c| c.is_control() && c != '\n'));
            assert_eq!(
                app.flows().selected(),
                Some(0),
                "a file selects its first flow"
            );
            match name {
                "start" => {
                    assert!(screen.contains("SYN_SENT"), "{screen}");
                    assert!(!screen.contains("SYN_RCVD"), "{screen}");
                    assert!(screen.contains("handshake in progress"), "{screen}");
                    assert!(screen.contains("S›"), "the SYN leaves, in the list too");
                }
                "synack_middle" => {
                    assert!(screen.contains("SYN_RCVD"), "{screen}");
                    assert!(!screen.contains("ESTABLISHED"), "{screen}");
                    assert!(screen.contains("‹SA"), "{screen}");
                    // Flows that began later are still at their own start.
                    let p0 = app.flows().progress(0, at);
                    let later = app.flows().order().iter().skip(1).any(|id| {
                        let p = app.flows().progress(*id, at);
                        p.landed < p0.landed
                    });
                    assert!(later, "every flow animates on its own");
                }
                _ => {
                    let end = app.flows().progress(0, at);
                    assert!(end.landed >= 3);
                    assert!(screen.contains("ESTABLISHED"), "{screen}");
                    assert!(screen.contains("handshake ✔ complete"), "{screen}");
                    assert_eq!(
                        app.flows().selected_flow().map(|f| f.outcome()),
                        Some(Outcome::Complete)
                    );
                }
            }
            insta::assert_snapshot!(format!("flows_{w}x{h}_{name}"), screen);
        }
    }
}

#[test]
fn an_arrow_in_flight_wants_frames_and_a_landed_one_does_not() {
    let frames = frames_of("http.pcap");
    let mut app = file_app("http.pcap", 80, 24);
    keys(&mut app, &[Key::Char('2')]);
    let mut next = 0;
    feed_until(&mut app, &frames, &mut next, 0);
    let t = app.flows().timings(0).to_vec();
    assert_eq!(t.len(), 1, "only the SYN so far");
    let mid = (t[0].start_ns + t[0].end_ns) / 2;
    app.update(Msg::Clock { now_ns: mid });
    assert_eq!(app.next_redraw_ns(), Some(mid + ANIM_FRAME_NS));
    app.update(Msg::Clock {
        now_ns: t[0].end_ns,
    });
    assert_eq!(app.next_redraw_ns(), None);
    assert_eq!(
        anim::flow_progress(app.flows().timings(0), t[0].end_ns).landed,
        1
    );
}

#[test]
fn tiny_sizes_and_an_empty_flows_screen_do_not_panic() {
    let all_keys = [
        Key::Up,
        Key::Down,
        Key::PageUp,
        Key::PageDown,
        Key::Home,
        Key::End,
        Key::Tab,
        Key::Enter,
        Key::Char(' '),
        Key::Char('s'),
        Key::Char('f'),
        Key::Char('a'),
        Key::Char('L'),
        Key::Left,
        Key::Right,
        Key::BackTab,
        Key::Enter,
    ];
    let mut empty = live_app(80, 24);
    keys(&mut empty, &[Key::Char('2')]);
    keys(&mut empty, &all_keys);
    assert!(screen_text(&empty).contains("no TCP flows yet"));
    assert_eq!(empty.flows().selected(), None);
    for (w, h) in [
        (0, 0),
        (1, 1),
        (10, 3),
        (24, 6),
        (80, 6),
        (150, 4),
        (151, 60),
        (20, 20),
    ] {
        let mut app = loaded("busy.pcap", w, h);
        keys(&mut app, &[Key::Char('2')]);
        keys(&mut app, &all_keys);
        app.update(Msg::Clock { now_ns: SECOND / 3 });
        let _ = screen_text(&app);
    }
}

#[test]
fn live_unanswered_syn_becomes_no_response_after_the_syn_timeout() {
    // no_answer.pcap: a SYN and its retransmissions, never answered.
    let frames = frames_of("no_answer.pcap");
    let mut app = live_app(120, 40).with_syn_timeout(30 * SECOND);
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(frames));
    let settled = |app: &App| {
        let fs = app.flows();
        let flow = fs.tracker().get(0).expect("the flow");
        assert_eq!(flow.outcome(), Outcome::NoResponse);
        flow.outcome_settled()
    };
    keys(&mut app, &[Key::Char('2')]);
    app.update(Msg::Tick);
    assert!(!settled(&app), "still waiting right after the last SYN");
    assert!(screen_text(&app).contains("no answer yet"));
    // 29 s of silence: still waiting; 31 s: declared, as the end of a file would.
    app.update(Msg::Clock {
        now_ns: 29 * SECOND,
    });
    app.update(Msg::Tick);
    assert!(!settled(&app), "29 s < --syn-timeout");
    app.update(Msg::Clock {
        now_ns: 31 * SECOND,
    });
    app.update(Msg::Tick);
    assert!(settled(&app), "31 s without an answer: no_response");
    let screen = screen_text(&app);
    assert!(!screen.contains("no answer yet"), "{screen}");
    assert!(screen.contains("no response"), "{screen}");
}
