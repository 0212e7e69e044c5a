//! Finding things in the viewer, as state after keys (`App::update`, real decoder, the demo
//! captures): the `/` display filter (colours, Tab, history, Esc, clearing, flows screen,
//! background pass, live and replay), `Ctrl-F` search with `]` / `[`, `:` go to in every
//! mode, marks, export (files compared byte for byte), the live quit confirmation; and
//! snapshots of the filter bar, valid and invalid, at 80x24.

mod ui_support;

use std::sync::Arc;

use synack::app::{App, History, Key, Msg, SourceKind, Target};
use synack::filter::Filter;
use synack::model::{Frame, LinkType};
use synack::replay::pacing::ReplayOptions;
use synack::source::{ExportFormat, FileReader, PacketWriter};
use ui_support::{demo_frames, keys, render, screen_text};

const SYN: u16 = 0x02;
const ACK: u16 = 0x10;
const RST: u16 = 0x04;

fn loaded_file(name: &str, w: u16, h: u16) -> App {
    let mut app = App::new(SourceKind::File { name: name.into() }, w, h);
    app.update(Msg::Frames(demo_frames(name)));
    app.update(Msg::Finished(Ok(())));
    app
}

fn live(w: u16, h: u16) -> App {
    App::new(
        SourceKind::Live {
            iface: "eth0".into(),
        },
        w,
        h,
    )
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Msg::Key(Key::Char(c)));
    }
}

fn filter(app: &mut App, text: &str) {
    keys(app, &[Key::Char('/')]);
    clear_bar(app);
    typed(app, text);
    keys(app, &[Key::Enter]);
}

fn clear_bar(app: &mut App) {
    while app.bar().is_some_and(|b| !b.text.is_empty()) {
        keys(app, &[Key::Backspace]);
    }
}

/// 1-based frame numbers of the listed rows.
fn listed(app: &App) -> Vec<u64> {
    let shown = app.shown();
    (0..shown.len())
        .filter_map(|r| shown.get(r))
        .map(|v| v.number + 1)
        .collect()
}

fn selected_no(app: &App) -> Option<u64> {
    let shown = app.shown();
    app.packets()
        .selected()
        .and_then(|r| shown.get(r))
        .map(|v| v.number + 1)
}

/// Frame numbers (1-based) whose TCP flags satisfy `want`, from the fast summary (not the
/// filter engine).
fn frames_where(frames: &[Frame], want: impl Fn(u16) -> bool) -> Vec<u64> {
    frames
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            synack::decode::summarize(f.link, &f.data, f.len)
                .tcp
                .is_some_and(|t| want(t.flags))
        })
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

fn status_line(app: &App) -> String {
    screen_text(app)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn slash_filters_the_packet_list_and_the_status_bar_counts() {
    let frames = demo_frames("busy.pcap");
    let syns = frames_where(&frames, |f| f & SYN != 0 && f & ACK == 0);
    assert!(syns.len() > 3 && syns.len() < frames.len());
    let mut app = loaded_file("busy.pcap", 120, 30);
    filter(&mut app, "tcp.flags.syn == 1 && tcp.flags.ack == 0");
    assert!(app.bar().is_none(), "Enter applied and closed the bar");
    assert_eq!(listed(&app), syns);
    let status = status_line(&app);
    assert!(
        status.contains(&format!("shown {} of {}", syns.len(), frames.len())),
        "{status}"
    );
    assert!(status.contains("tcp.flags.syn == 1"), "{status}");
    // The analysis still saw every packet: flows are those of the whole capture.
    let all = loaded_file("busy.pcap", 120, 30);
    assert_eq!(app.flows().len(), all.flows().len());
    // `/` again starts from the filter in use; Esc leaves it and quits nothing.
    keys(&mut app, &[Key::Char('/')]);
    assert_eq!(
        app.bar().map(|b| b.text.as_str()),
        Some("tcp.flags.syn == 1 && tcp.flags.ack == 0")
    );
    keys(&mut app, &[Key::Esc]);
    assert!(app.bar().is_none() && !app.should_quit());
    assert_eq!(listed(&app).len(), syns.len());
    // An empty filter clears it.
    filter(&mut app, "");
    assert_eq!(app.shown().len(), frames.len());
    assert!(status_line(&app).contains(&format!("{} pkts", frames.len())));
}

#[test]
fn the_selection_stays_on_its_packet_when_a_filter_keeps_it() {
    let frames = demo_frames("busy.pcap");
    let syns = frames_where(&frames, |f| f & SYN != 0 && f & ACK == 0);
    let mut app = loaded_file("busy.pcap", 120, 30);
    let target = syns[2];
    keys(&mut app, &[Key::Char(':')]);
    typed(&mut app, &target.to_string());
    keys(&mut app, &[Key::Enter]);
    assert_eq!(selected_no(&app), Some(target));
    filter(&mut app, "tcp.flags.syn == 1 && tcp.flags.ack == 0");
    assert_eq!(selected_no(&app), Some(target));
    keys(&mut app, &[Key::Down]);
    assert_eq!(
        selected_no(&app),
        Some(syns[3]),
        "↓ moves through the shown rows"
    );
    filter(&mut app, "");
    assert_eq!(selected_no(&app), Some(syns[3]));
}

#[test]
fn a_bad_filter_turns_the_bar_red_and_enter_keeps_it_open() {
    let mut app = loaded_file("busy.pcap", 80, 24);
    keys(&mut app, &[Key::Char('/')]);
    typed(&mut app, "tcp.prot == 80");
    let bar = app.bar().expect("bar open");
    let err = bar.check.clone().expect("checked").expect_err("invalid");
    assert_eq!(err.column, 1);
    assert!(err.to_string().contains("did you mean tcp.port"), "{err}");
    keys(&mut app, &[Key::Enter]);
    assert!(app.bar().is_some(), "an invalid filter is not applied");
    assert!(app.finder().packet_filter().is_none());
    assert!(screen_text(&app).contains("did you mean tcp.port"));
    keys(&mut app, &[Key::Esc]);
    assert!(app.bar().is_none() && !app.should_quit());
}

#[test]
fn tab_completes_field_names() {
    let mut app = loaded_file("http.pcap", 80, 24);
    keys(&mut app, &[Key::Char('/')]);
    typed(&mut app, "tcp.fl");
    keys(&mut app, &[Key::Tab]);
    let bar = app.bar().unwrap();
    assert_eq!(bar.text, "tcp.flags");
    assert!(
        bar.candidates.contains(&"tcp.flags.syn"),
        "{:?}",
        bar.candidates
    );
    typed(&mut app, ".sy");
    keys(&mut app, &[Key::Tab]);
    assert_eq!(app.bar().unwrap().text, "tcp.flags.syn");
    assert!(app.bar().unwrap().candidates.is_empty());
    typed(&mut app, " == 1 && ip.ds");
    keys(&mut app, &[Key::Tab]);
    assert_eq!(app.bar().unwrap().text, "tcp.flags.syn == 1 && ip.dst");
}

#[test]
fn history_walks_with_up_and_down_and_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synack/history");
    let mut app = loaded_file("http.pcap", 80, 24).with_history(History::load(&path));
    filter(&mut app, "tcp");
    filter(&mut app, "tcp.port == 80");
    keys(&mut app, &[Key::Char('/')]);
    clear_bar(&mut app);
    keys(&mut app, &[Key::Up]);
    assert_eq!(app.bar().unwrap().text, "tcp.port == 80");
    keys(&mut app, &[Key::Up]);
    assert_eq!(app.bar().unwrap().text, "tcp");
    keys(&mut app, &[Key::Down]);
    assert_eq!(app.bar().unwrap().text, "tcp.port == 80");
    keys(&mut app, &[Key::Down]);
    assert_eq!(app.bar().unwrap().text, "");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_eq!(saved, "tcp\ntcp.port == 80\n");
}

#[test]
fn on_the_flows_screen_slash_filters_flows() {
    let mut app = loaded_file("busy.pcap", 120, 30);
    let total = app.flows().len();
    assert!(total > 2);
    keys(&mut app, &[Key::Char('2')]);
    filter(&mut app, "tcp.stream == 1");
    assert_eq!(app.flows().order(), &[1]);
    assert!(
        status_line(&app).contains(&format!("shown 1 of {total} flows")),
        "{}",
        status_line(&app)
    );
    assert_eq!(app.flows().len(), total, "every flow is still tracked");
    // The packet list is not narrowed by the flows filter.
    keys(&mut app, &[Key::Char('1')]);
    assert_eq!(app.shown().len(), 339);
    keys(&mut app, &[Key::Char('2')]);
    filter(&mut app, "");
    assert_eq!(app.flows().order().len(), total);
}

#[test]
fn flow_fields_pick_whole_connections() {
    let mut app = loaded_file("refused.pcap", 120, 30);
    keys(&mut app, &[Key::Char('2')]);
    filter(&mut app, "flow.handshake == \"refused\"");
    let refused = app.flows().order().to_vec();
    assert!(!refused.is_empty());
    let all: Vec<u32> = app
        .flows()
        .tracker()
        .flows()
        .filter(|f| f.outcome() == synack::flow::Outcome::Refused)
        .map(|f| f.id)
        .collect();
    let mut refused = refused;
    refused.sort_unstable();
    assert_eq!(refused, all);
}

#[test]
fn a_big_capture_is_filtered_in_slices_while_keys_are_answered() {
    let frames = ui_support::many_frames(60_000);
    let mut app = App::new(
        SourceKind::File {
            name: "many".into(),
        },
        80,
        24,
    );
    app.update(Msg::Frames(frames));
    app.update(Msg::Finished(Ok(())));
    // The client's packets (every other one).
    filter(&mut app, "tcp.srcport != 80");
    assert!(app.has_work(), "60 000 packets are more than one slice");
    let (what, pct) = app.work_progress().expect("progress shown");
    assert_eq!(what, "filtering");
    assert!(pct < 100);
    assert!(
        status_line(&app).contains("filtering"),
        "{}",
        status_line(&app)
    );
    let partial = app.shown().len();
    assert!(partial > 0 && partial < 30_000, "{partial}");
    // A key is answered before the pass is over.
    keys(&mut app, &[Key::Down]);
    assert_eq!(app.packets().selected(), Some(1));
    let mut slices = 0;
    while app.work(5_000) {
        slices += 1;
    }
    assert!(slices >= 7, "{slices}");
    assert!(!app.has_work());
    assert_eq!(app.shown().len(), 30_000);
    assert!(app.finder().packet_filter().unwrap().result_bytes() <= 60_000 * 4);
}

#[test]
fn live_packets_are_filtered_as_they_arrive_and_flows_see_every_packet() {
    let f = Arc::new(Filter::compile("tcp.flags.syn == 1").unwrap());
    let mut app = live(80, 24).with_initial_filter(Some(f));
    let frames = demo_frames("http.pcap");
    let syns = frames_where(&frames, |f| f & SYN != 0);
    for chunk in frames.chunks(3) {
        app.update(Msg::Frames(chunk.to_vec()));
    }
    assert_eq!(listed(&app), syns);
    let mut unfiltered = live(80, 24);
    unfiltered.update(Msg::Frames(frames.clone()));
    let a = app.flows().tracker().flows().next().unwrap();
    let b = unfiltered.flows().tracker().flows().next().unwrap();
    assert_eq!(
        a.ladder.len(),
        b.ladder.len(),
        "the ladder saw every packet"
    );
    assert!(a.ladder.len() > syns.len());
}

#[test]
fn a_paced_replay_filters_what_it_releases() {
    let frames = demo_frames("http.pcap");
    let syns = frames_where(&frames, |f| f & SYN != 0);
    let mut app = App::new(
        SourceKind::File {
            name: "http".into(),
        },
        80,
        24,
    )
    .with_replay(ReplayOptions {
        start_paused: true,
        ..ReplayOptions::default()
    });
    app.update(Msg::Frames(frames.clone()));
    app.update(Msg::Finished(Ok(())));
    filter(&mut app, "tcp.flags.syn == 1");
    assert_eq!(listed(&app), vec![1], "only the first packet is released");
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(listed(&app), syns[..2].to_vec());
    keys(&mut app, &[Key::Char('b')]);
    assert_eq!(
        listed(&app),
        vec![1],
        "stepping back forgets what is not released"
    );
    keys(&mut app, &[Key::Char(':'), Key::Char('9'), Key::Enter]);
    assert_eq!(app.shown().released(), 9);
    assert_eq!(listed(&app), syns);
}

#[test]
fn ctrl_f_finds_by_filter_or_text_and_brackets_step_through_matches() {
    let frames = demo_frames("busy.pcap");
    let resets = frames_where(&frames, |f| f & RST != 0);
    assert!(resets.len() >= 3, "{resets:?}");
    let mut app = loaded_file("busy.pcap", 120, 30);
    keys(&mut app, &[Key::CtrlF]);
    typed(&mut app, "tcp.flags.reset == 1");
    keys(&mut app, &[Key::Enter]);
    assert_eq!(selected_no(&app), Some(resets[0]));
    assert_eq!(app.shown().len(), frames.len(), "search filters nothing");
    keys(&mut app, &[Key::Char(']')]);
    assert_eq!(selected_no(&app), Some(resets[1]));
    keys(&mut app, &[Key::Char('[')]);
    assert_eq!(selected_no(&app), Some(resets[0]));
    keys(&mut app, &[Key::Char('[')]);
    assert_eq!(
        selected_no(&app),
        resets.last().copied(),
        "wraps around backwards"
    );
    // Plain text: found in a packet's bytes.
    let mut http = loaded_file("http.pcap", 120, 30);
    let frames = demo_frames("http.pcap");
    let get = frames
        .iter()
        .position(|f| f.data.windows(4).any(|w| w == b"GET "))
        .unwrap() as u64
        + 1;
    keys(&mut http, &[Key::CtrlF]);
    typed(&mut http, "GET ");
    keys(&mut http, &[Key::Enter]);
    assert_eq!(selected_no(&http), Some(get));
    // Nothing found: said so, selection unchanged.
    keys(&mut http, &[Key::CtrlF]);
    typed(&mut http, "\"no such words\"");
    keys(&mut http, &[Key::Enter]);
    assert_eq!(selected_no(&http), Some(get));
    assert!(http.notice().is_some_and(|n| n.contains("no shown packet")));
}

#[test]
fn colon_goes_to_a_packet_or_a_time_in_instant_and_live_modes() {
    let frames = demo_frames("busy.pcap");
    let mut app = loaded_file("busy.pcap", 120, 30);
    keys(&mut app, &[Key::Char('2'), Key::Char(':')]);
    typed(&mut app, "200");
    keys(&mut app, &[Key::Enter]);
    assert_eq!(selected_no(&app), Some(200));
    assert_eq!(app.screen(), synack::app::Screen::Packets);
    let t = frames[99].ts_ns - frames[0].ts_ns;
    keys(&mut app, &[Key::Char(':')]);
    typed(&mut app, &format!("{}s", t as f64 / 1e9));
    keys(&mut app, &[Key::Enter]);
    let at = selected_no(&app).unwrap();
    assert!(frames[at as usize - 1].ts_ns - frames[0].ts_ns <= t);
    assert!(at >= 100, "{at}");
    // Hidden by the filter: the next shown packet, and a notice.
    filter(&mut app, "tcp.flags.syn == 1 && tcp.flags.ack == 0");
    let syns = listed(&app);
    keys(&mut app, &[Key::Char(':')]);
    typed(&mut app, &(syns[1] + 1).to_string());
    keys(&mut app, &[Key::Enter]);
    assert_eq!(selected_no(&app), Some(syns[2]));
    assert!(
        app.notice()
            .is_some_and(|n| n.contains("hidden by the filter"))
    );

    let mut l = live(80, 24);
    l.update(Msg::Frames(frames[..50].to_vec()));
    keys(&mut l, &[Key::Char(':'), Key::Char('7'), Key::Enter]);
    assert_eq!(selected_no(&l), Some(7));
    assert!(!l.following(), "going to a packet stops following");
}

#[test]
fn marks_show_and_jump_between_marked_packets() {
    let mut app = loaded_file("busy.pcap", 120, 30);
    for no in ["5", "12"] {
        keys(&mut app, &[Key::Char(':')]);
        typed(&mut app, no);
        keys(&mut app, &[Key::Enter, Key::Char('m')]);
    }
    assert_eq!(app.marks().iter().copied().collect::<Vec<_>>(), [4, 11]);
    keys(&mut app, &[Key::Char('g')]);
    assert!(screen_text(&app).contains("*5 "), "{}", screen_text(&app));
    keys(&mut app, &[Key::Char('\'')]);
    assert_eq!(selected_no(&app), Some(5));
    keys(&mut app, &[Key::Char('\'')]);
    assert_eq!(selected_no(&app), Some(12));
    keys(&mut app, &[Key::Char('\'')]);
    assert_eq!(selected_no(&app), Some(5), "wraps around");
    keys(&mut app, &[Key::Char('"')]);
    assert_eq!(selected_no(&app), Some(12));
    keys(&mut app, &[Key::Char('m')]);
    assert_eq!(app.marks().len(), 1, "m again unmarks");
}

fn expected_file(frames: &[Frame], numbers: &[u64], format: ExportFormat) -> Vec<u8> {
    let mut w = PacketWriter::new(Vec::new(), format);
    for n in numbers {
        w.write(&frames[*n as usize - 1]).unwrap();
    }
    w.finish().unwrap()
}

fn export(app: &mut App, key: char, path: &std::path::Path) {
    keys(app, &[Key::Char(key)]);
    clear_bar(app);
    typed(app, path.to_str().unwrap());
    keys(app, &[Key::Enter]);
}

#[test]
fn export_writes_the_shown_or_marked_packets_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let frames = demo_frames("busy.pcap");
    let mut app = loaded_file("busy.pcap", 120, 30);
    filter(&mut app, "tcp.flags.syn == 1");
    let shown = listed(&app);
    let out = dir.path().join("shown.pcap");
    export(&mut app, 'w', &out);
    assert!(app.bar().is_none());
    assert!(
        app.notice()
            .is_some_and(|n| n.contains(&format!("wrote {} packets", shown.len()))),
        "{:?}",
        app.notice()
    );
    let written = std::fs::read(&out).unwrap();
    assert_eq!(written, expected_file(&frames, &shown, ExportFormat::Pcap));
    // Refuses to overwrite without a second Enter.
    keys(
        &mut app,
        &[Key::Char(':'), Key::Char('1'), Key::Enter, Key::Char('m')],
    );
    export(&mut app, 'W', &out);
    assert!(app.bar().is_some_and(|b| b.confirm_overwrite));
    assert_eq!(std::fs::read(&out).unwrap(), written, "not overwritten yet");
    keys(&mut app, &[Key::Enter]);
    assert!(app.bar().is_none());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        expected_file(&frames, &[1], ExportFormat::Pcap)
    );
    // pcapng by name.
    let ng = dir.path().join("shown.pcapng");
    export(&mut app, 'w', &ng);
    assert_eq!(
        std::fs::read(&ng).unwrap(),
        expected_file(&frames, &shown, ExportFormat::Pcapng)
    );
}

#[test]
fn export_keeps_nanosecond_timestamps_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let frames: Vec<Frame> = demo_frames("http.pcap")
        .into_iter()
        .enumerate()
        .map(|(i, mut f)| {
            f.ts_ns += 123 + i as i64 * 7;
            f
        })
        .collect();
    let mut app = App::new(SourceKind::File { name: "ns".into() }, 80, 24);
    app.update(Msg::Frames(frames.clone()));
    app.update(Msg::Finished(Ok(())));
    let out = dir.path().join("all.pcapng");
    export(&mut app, 'w', &out);
    let back: Vec<Frame> = FileReader::open(&out)
        .unwrap()
        .frames()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back, frames);
    assert_eq!(back[0].link, LinkType::ETHERNET);
}

#[test]
fn quitting_an_unsaved_live_capture_asks_once() {
    let mut app = live(80, 24).with_quit_confirmation(true);
    app.update(Msg::Frames(demo_frames("http.pcap")));
    keys(&mut app, &[Key::Char('q')]);
    assert!(!app.should_quit() && app.quit_asked());
    assert!(
        status_line(&app).contains("not saved"),
        "{}",
        status_line(&app)
    );
    keys(&mut app, &[Key::Char('j')]);
    assert!(
        !app.should_quit() && !app.quit_asked(),
        "another key carries on"
    );
    keys(&mut app, &[Key::Esc, Key::Esc]);
    assert!(app.should_quit(), "Esc twice quits");
    let mut app = live(80, 24).with_quit_confirmation(true);
    keys(&mut app, &[Key::Char('q'), Key::Char('y')]);
    assert!(app.should_quit(), "q then y quits");
    // Esc in a bar closes only the bar, also with the confirmation.
    let mut app = live(80, 24).with_quit_confirmation(true);
    keys(
        &mut app,
        &[Key::Char('/'), Key::Esc, Key::Char(':'), Key::Esc],
    );
    assert!(!app.should_quit() && !app.quit_asked());
    // Saved with -w (no confirmation) or a file: q quits at once.
    let mut app = live(80, 24);
    keys(&mut app, &[Key::Char('q')]);
    assert!(app.should_quit());
    let mut app = loaded_file("http.pcap", 80, 24).with_quit_confirmation(true);
    keys(&mut app, &[Key::Char('q')]);
    assert!(app.should_quit());
}

#[test]
fn set_filter_is_the_api_the_command_line_uses() {
    let mut app = loaded_file("http.pcap", 80, 24);
    app.apply_filter(Target::Packets, "tcp.len > 0");
    let n = app.shown().len();
    assert!(n > 0 && n < 10);
    app.apply_filter(Target::Packets, "tcp.len >");
    assert_eq!(app.shown().len(), n, "a bad filter changes nothing");
    assert!(app.notice().is_some());
}

#[test]
fn filter_bar_valid_80x24() {
    let mut app = loaded_file("http.pcap", 80, 24);
    keys(&mut app, &[Key::Char('/')]);
    typed(&mut app, "tcp.port == 80");
    insta::assert_snapshot!("filter_bar_valid_80x24", render(&app).backend().to_string());
}

#[test]
fn filter_bar_invalid_80x24() {
    let mut app = loaded_file("http.pcap", 80, 24);
    keys(&mut app, &[Key::Char('/')]);
    typed(&mut app, "tcp.prot == 80");
    insta::assert_snapshot!(
        "filter_bar_invalid_80x24",
        render(&app).backend().to_string()
    );
    // The colours: green for valid text, red for invalid (the backend's text has none).
    let t = render(&app);
    let buf = t.backend().buffer();
    let row = 24 - 2;
    let cell = &buf[(" Filter: ".len() as u16, row)];
    assert_eq!(cell.symbol(), "t");
    assert_ne!(cell.bg, ratatui::style::Color::Reset);
    let mut ok = loaded_file("http.pcap", 80, 24);
    keys(&mut ok, &[Key::Char('/')]);
    typed(&mut ok, "tcp.port == 80");
    let t2 = render(&ok);
    let good = t2.backend().buffer()[(" Filter: ".len() as u16, row)].bg;
    assert_ne!(good, cell.bg, "valid and invalid differ");
}

#[test]
fn the_command_line_filter_is_the_starting_one_and_the_bar_starts_from_it() {
    let f = Arc::new(Filter::compile("tcp.flags.reset == 1").unwrap());
    let frames = demo_frames("busy.pcap");
    let resets = frames_where(&frames, |f| f & RST != 0);
    let mut app = App::new(
        SourceKind::File {
            name: "busy".into(),
        },
        120,
        30,
    )
    .with_initial_filter(Some(f));
    for chunk in frames.chunks(50) {
        app.update(Msg::Frames(chunk.to_vec()));
    }
    app.update(Msg::Finished(Ok(())));
    assert_eq!(listed(&app), resets);
    keys(&mut app, &[Key::Char('/')]);
    assert_eq!(app.bar().unwrap().text, "tcp.flags.reset == 1");
    assert!(matches!(app.bar().unwrap().check, Some(Ok(()))));
}

#[test]
fn evicted_packets_leave_the_filtered_list_in_step() {
    let f = Arc::new(Filter::compile("tcp.flags.syn == 1").unwrap());
    let frames = demo_frames("busy.pcap");
    let syns = frames_where(&frames, |f| f & SYN != 0);
    let mut app = live(80, 24)
        .with_max_packets(Some(100))
        .with_initial_filter(Some(f));
    for chunk in frames.chunks(7) {
        app.update(Msg::Frames(chunk.to_vec()));
    }
    let oldest = app.store().evicted() + 1;
    let expected: Vec<u64> = syns.into_iter().filter(|&n| n >= oldest).collect();
    assert_eq!(listed(&app), expected);
    assert_eq!(
        selected_no(&app),
        expected.last().copied(),
        "following the newest"
    );
}

#[test]
fn flow_fields_on_the_packet_list_match_every_packet_of_the_connection() {
    let frames = demo_frames("refused.pcap");
    let f = Arc::new(Filter::compile("flow.handshake == \"refused\"").unwrap());
    let mut app = App::new(
        SourceKind::File {
            name: "refused".into(),
        },
        120,
        30,
    )
    .with_initial_filter(Some(f));
    for chunk in frames.chunks(1) {
        app.update(Msg::Frames(chunk.to_vec()));
    }
    app.update(Msg::Finished(Ok(())));
    let tracker = app.flows().tracker();
    let refused: Vec<u32> = tracker
        .flows()
        .filter(|f| f.outcome() == synack::flow::Outcome::Refused)
        .map(|f| f.id)
        .collect();
    assert!(!refused.is_empty());
    let store = app.store();
    let expected: Vec<u64> = (0..store.len())
        .filter_map(|i| store.get(i))
        .filter(|v| v.flow.is_some_and(|id| refused.contains(&id)))
        .map(|v| v.number + 1)
        .collect();
    assert!(expected.len() >= 2, "the SYN and the RST at least");
    assert_eq!(listed(&app), expected);
}
