//! Paced replay and the classroom demo in the app, on made-up presentation-clock messages (no
//! wall clock): packets released at their capture time, pause, speed, step, step back, next
//! handshake event, jumps to a packet or a time, idle-gap compression, loop; that stepping
//! back or seeking draws exactly the screen that playing forward to the same point draws; the
//! demo's first screens, the explain panel's text for SYN, SYN-ACK, ACK, RST and a
//! retransmitted SYN, and the contrast and NO_COLOR looks (snapshots, insta, `TestBackend`).

mod ui_support;

use ratatui::buffer::Buffer;
use synack::app::{App, Key, Msg, Screen, SourceKind};
use synack::model::{Frame, LinkType};
use synack::replay::PlayState;
use synack::replay::pacing::ReplayOptions;
use synack::teach::explain::Narration;
use synack::terminal::theme_config::ThemeChoice;
use synack::terminal::tui::TuiOptions;
use ui_support::{keys, render, screen_text};

const MS: i64 = 1_000_000;
const S: i64 = 1_000_000_000;

fn scenario_frames(name: &str) -> Vec<Frame> {
    synack::teach::demo::find(name)
        .expect("scenario exists")
        .frames()
        .expect("scenario decodes")
}

/// A replay of `frames` with `options`, loaded at presentation time 0.
fn replay_app(frames: Vec<Frame>, options: ReplayOptions, w: u16, h: u16) -> App {
    replay_app_at(frames, options, w, h, 0)
}

/// A replay of `frames` with `options`, loaded at presentation time `start`.
fn replay_app_at(frames: Vec<Frame>, options: ReplayOptions, w: u16, h: u16, start: i64) -> App {
    let tui = TuiOptions {
        replay: Some(options),
        ..TuiOptions::default()
    };
    let mut app = tui.app(
        SourceKind::File {
            name: "test.pcap".into(),
        },
        w,
        h,
    );
    app.update(Msg::Clock { now_ns: start });
    app.update(Msg::Frames(frames));
    app.update(Msg::Finished(Ok(())));
    app
}

/// `synack demo NAME` as the command builds it, loaded at presentation time 0.
fn demo_app(name: &str, theme: ThemeChoice, w: u16, h: u16) -> App {
    let scenario = synack::teach::demo::find(name).expect("scenario exists");
    let tui = TuiOptions {
        replay: Some(ReplayOptions::demo()),
        explain: true,
        theme,
        ..TuiOptions::default()
    };
    let mut app = tui
        .app(
            SourceKind::File {
                name: format!("demo {name}"),
            },
            w,
            h,
        )
        .with_demo(scenario);
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(scenario_frames(name)));
    app.update(Msg::Finished(Ok(())));
    app
}

fn clock(app: &mut App, now_ns: i64) {
    app.update(Msg::Clock { now_ns });
}

fn offsets(frames: &[Frame]) -> Vec<i64> {
    let t0 = frames[0].ts_ns;
    frames.iter().map(|f| f.ts_ns - t0).collect()
}

fn frame(ts_ns: i64) -> Frame {
    Frame::new(ts_ns, 60, LinkType::ETHERNET, vec![0; 60])
}

fn state(app: &App) -> PlayState {
    app.progress().expect("a replay").state
}

#[test]
fn packets_are_released_when_the_clock_reaches_their_capture_time() {
    let frames = scenario_frames("http");
    let off = offsets(&frames);
    let mut app = replay_app(frames.clone(), ReplayOptions::default(), 80, 24);
    assert_eq!(app.store().len(), frames.len(), "everything is loaded");
    assert_eq!(app.shown().len(), 1, "only the first packet is shown");
    assert_eq!(app.flows().len(), 1);
    for (i, at) in off.iter().enumerate().skip(1) {
        clock(&mut app, at - 1);
        assert_eq!(app.shown().len(), i, "just before packet {}", i + 1);
        clock(&mut app, *at);
        assert_eq!(app.shown().len(), i + 1, "at packet {}", i + 1);
        assert_eq!(app.packets().selected(), Some(i), "the selection follows");
    }
    assert_eq!(state(&app), PlayState::Done);
    assert!(screen_text(&app).contains("done packet 10/10"));
}

#[test]
fn live_and_instant_show_everything_at_once() {
    let frames = scenario_frames("http");
    let instant = ReplayOptions {
        instant: true,
        ..ReplayOptions::default()
    };
    let app = replay_app(frames.clone(), instant, 80, 24);
    assert_eq!(app.shown().len(), frames.len());
    assert!(app.player().is_none() && app.progress().is_none());
    let text = screen_text(&app);
    assert!(!text.contains("packet 1/"), "no progress bar:\n{text}");
}

#[test]
fn pause_holds_the_clock_and_resume_does_not_jump() {
    let frames = scenario_frames("http");
    let off = offsets(&frames);
    let mut app = replay_app(frames, ReplayOptions::default(), 80, 24);
    keys(&mut app, &[Key::Char(' ')]);
    assert_eq!(state(&app), PlayState::Paused);
    clock(&mut app, 10 * S);
    assert_eq!(app.shown().len(), 1, "paused: nothing released");
    keys(&mut app, &[Key::Char(' ')]);
    clock(&mut app, 10 * S + off[1] - 1);
    assert_eq!(app.shown().len(), 1, "time spent paused is not played back");
    clock(&mut app, 10 * S + off[1]);
    assert_eq!(app.shown().len(), 2);
}

#[test]
fn speed_keys_double_and_halve_the_pace() {
    let frames = scenario_frames("http");
    let off = offsets(&frames);
    let mut app = replay_app(frames, ReplayOptions::default(), 80, 24);
    keys(&mut app, &[Key::Char('+')]);
    assert_eq!(app.progress().unwrap().speed, 2.0);
    clock(&mut app, off[1] / 2);
    assert_eq!(
        app.shown().len(),
        2,
        "at ×2 packet 2 comes after half its delay"
    );
    keys(&mut app, &[Key::Char('-'), Key::Char('-')]);
    assert_eq!(app.progress().unwrap().speed, 0.5);
    for _ in 0..20 {
        keys(&mut app, &[Key::Char('-')]);
    }
    assert_eq!(app.progress().unwrap().speed, synack::replay::MIN_SPEED);
    assert!(screen_text(&app).contains("×0.01"));
}

#[test]
fn step_back_next_event_and_jumps_land_paused() {
    let mut app = demo_app("http", ThemeChoice::default(), 80, 24);
    assert_eq!(state(&app), PlayState::Paused, "a demo starts paused");
    assert_eq!(app.shown().len(), 1, "on its first packet");
    keys(&mut app, &[Key::Char('n'), Key::Char('n')]);
    assert_eq!(app.shown().len(), 3);
    keys(&mut app, &[Key::Right]);
    assert_eq!(app.shown().len(), 4, "→ steps in the packet list");
    keys(&mut app, &[Key::Char('b'), Key::Left]);
    assert_eq!(app.shown().len(), 2);
    assert_eq!(state(&app), PlayState::Paused);
    // N: the next packet that adds a ladder arrow (the handshake ACK is packet 3, the
    // request and its ACK add none, the server's FIN is next).
    keys(&mut app, &[Key::Char('N')]);
    assert_eq!(app.shown().len(), 3);
    keys(&mut app, &[Key::Char('N')]);
    let n = app.shown().len();
    let flow = app.flows().tracker().flows().next().unwrap();
    assert_eq!(
        flow.ladder.last().unwrap().packet_no,
        n as u64,
        "N stops on a packet with an arrow"
    );
    assert!(n > 4);
    // `:` goes to a packet number or a time: backwards it selects the packet and hides
    // nothing already shown; forwards it releases the packets up to it.
    let selected_no = |app: &synack::app::App| {
        let shown = app.shown();
        app.packets()
            .selected()
            .and_then(|r| shown.get(r))
            .map(|v| v.number + 1)
    };
    keys(&mut app, &[Key::Char(':'), Key::Char('2'), Key::Enter]);
    assert_eq!(app.shown().len(), n, "a jump back hides nothing");
    assert_eq!(selected_no(&app), Some(2));
    keys(&mut app, &[Key::Char(':'), Key::Char('9'), Key::Char('9')]);
    assert_eq!(app.prompt(), Some("99"));
    assert!(screen_text(&app).contains("Go to: 99"));
    keys(&mut app, &[Key::Backspace, Key::Enter]);
    assert_eq!(app.shown().len(), 9);
    assert_eq!(selected_no(&app), Some(9));
    assert_eq!(state(&app), PlayState::Paused);
    keys(&mut app, &[Key::Char(':'), Key::Char('x'), Key::Enter]);
    assert_eq!(app.shown().len(), 9, "a bad jump changes nothing");
    assert!(app.notice().is_some_and(|n| n.contains("'x'")));
    let ack_at = offsets(&scenario_frames("http"))[2];
    keys(&mut app, &[Key::Char(':')]);
    for c in format!("{}s", ack_at as f64 / 1e9).chars() {
        keys(&mut app, &[Key::Char(c)]);
    }
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.shown().len(), 9, "a time already shown hides nothing");
    assert_eq!(selected_no(&app), Some(3), "the handshake ACK's time");
    keys(&mut app, &[Key::Char('r')]);
    assert_eq!(app.shown().len(), 1);
    assert_eq!(state(&app), PlayState::Paused);
}

#[test]
fn steps_and_jumps_stop_on_the_packet_asked_for_among_equal_timestamps() {
    // Packets 2, 3 and 4 share one capture instant.
    let frames: Vec<Frame> = [0, 10 * MS, 10 * MS, 10 * MS, 20 * MS]
        .into_iter()
        .map(|t| frame(S + t))
        .collect();
    let paused = ReplayOptions {
        start_paused: true,
        ..ReplayOptions::default()
    };
    let mut app = replay_app(frames, paused, 80, 24);
    let mut now = 0;
    let mut tick = |app: &mut App| {
        now += 50 * MS;
        clock(app, now);
    };
    assert_eq!(app.shown().len(), 1);
    keys(&mut app, &[Key::Char(':'), Key::Char('2'), Key::Enter]);
    tick(&mut app);
    assert_eq!(app.shown().len(), 2, "the jump lands on packet 2, not 4");
    assert_eq!(app.packets().selected(), Some(1));
    keys(&mut app, &[Key::Char('n')]);
    tick(&mut app);
    assert_eq!(app.shown().len(), 3, "n steps one packet");
    assert_eq!(app.packets().selected(), Some(2));
    keys(&mut app, &[Key::Char('n')]);
    tick(&mut app);
    keys(&mut app, &[Key::Char('b'), Key::Char('b')]);
    tick(&mut app);
    assert_eq!(app.shown().len(), 2, "b steps back through equal stamps");
    assert_eq!(state(&app), PlayState::Paused);
    // Playing again releases what is due at once, then the rest on time.
    keys(&mut app, &[Key::Char(' ')]);
    let resumed = app.now_ns();
    clock(&mut app, resumed + MS);
    assert_eq!(app.shown().len(), 4);
    clock(&mut app, resumed + 9 * MS);
    assert_eq!(app.shown().len(), 4);
    clock(&mut app, resumed + 10 * MS);
    assert_eq!(app.shown().len(), 5);
}

#[test]
fn space_pauses_in_the_layers_pane_and_enter_still_folds() {
    let mut app = demo_app("http", ThemeChoice::default(), 120, 40);
    keys(&mut app, &[Key::Tab]);
    let rows = app.packets().detail().unwrap().rows.len();
    keys(&mut app, &[Key::Char(' ')]);
    assert_eq!(state(&app), PlayState::Playing);
    assert_eq!(app.packets().detail().unwrap().rows.len(), rows);
    keys(&mut app, &[Key::Enter]);
    assert!(
        app.packets().detail().unwrap().rows.len() < rows,
        "Enter folds"
    );
}

#[test]
fn long_silences_are_cut_to_max_gap_and_shown() {
    let frames = vec![frame(0), frame(3600 * S), frame(3600 * S + 100 * MS)];
    let opts = ReplayOptions {
        max_gap_ns: 3 * S,
        ..ReplayOptions::default()
    };
    let mut app = replay_app(frames, opts, 80, 24);
    clock(&mut app, S);
    assert_eq!(app.shown().len(), 1);
    assert_eq!(app.progress().unwrap().gap_ns, Some(3600 * S));
    let text = screen_text(&app);
    // (⏩ is a wide character: the test backend pads it with a cell.)
    assert!(text.contains('⏩') && text.contains("gap 3600 s"), "{text}");
    clock(&mut app, 3 * S + MS);
    assert_eq!(
        app.shown().len(),
        2,
        "after max_gap the clock jumps to the next packet"
    );
    clock(&mut app, 3 * S + 101 * MS);
    assert_eq!(app.shown().len(), 3);
}

#[test]
fn loop_starts_again_after_a_rest() {
    let frames = scenario_frames("refused");
    let off = offsets(&frames);
    let opts = ReplayOptions {
        looping: true,
        ..ReplayOptions::default()
    };
    let mut app = replay_app(frames, opts, 80, 24);
    let end = off[1];
    clock(&mut app, end);
    assert_eq!(state(&app), PlayState::Done);
    assert!(screen_text(&app).contains("⟳ loop"));
    clock(&mut app, end + synack::app::playback::LOOP_REST_NS);
    assert_eq!(app.shown().len(), 1, "back to the first packet");
    assert_eq!(state(&app), PlayState::Playing);
    // `l` (in the list) turns looping off.
    keys(&mut app, &[Key::Char('l')]);
    assert!(!app.progress().unwrap().looping);
}

fn buffer(app: &App) -> Buffer {
    render(app).backend().buffer().clone()
}

/// Plays `name` (loaded at presentation time `start`) forward with clock messages every
/// `step` until the capture time of packet `k` (speed 1: presentation time = start + capture
/// offset), and pauses there.
fn played_to_packet(
    name: &str,
    k: usize,
    step: i64,
    screen: char,
    size: (u16, u16),
    start: i64,
) -> App {
    let frames = scenario_frames(name);
    let target = offsets(&frames)[k - 1];
    let mut app = replay_app_at(frames, ReplayOptions::default(), size.0, size.1, start);
    keys(&mut app, &[Key::Char(screen)]);
    let mut t = 0;
    while t < target {
        clock(&mut app, start + t);
        t += step;
    }
    clock(&mut app, start + target);
    keys(&mut app, &[Key::Char(' ')]);
    app
}

#[test]
fn seeking_and_stepping_back_draw_what_playing_forward_drew() {
    for (name, k) in [("http", 3), ("http", 8), ("lossy", 4), ("busy", 40)] {
        let off = offsets(&scenario_frames(name));
        for (screen, w, h) in [('1', 80, 24), ('2', 80, 24), ('2', 160, 40)] {
            let forward = played_to_packet(name, k, 7 * MS, screen, (w, h), 0);
            assert_eq!(forward.shown().len(), k, "{name}");
            // Jump there from the start (paused), at the same presentation instant.
            let mut seek = replay_app(
                scenario_frames(name),
                ReplayOptions {
                    start_paused: true,
                    ..ReplayOptions::default()
                },
                w,
                h,
            );
            keys(&mut seek, &[Key::Char(screen)]);
            clock(&mut seek, forward.now_ns());
            keys(&mut seek, &[Key::Char(':')]);
            for c in k.to_string().chars() {
                keys(&mut seek, &[Key::Char(c)]);
            }
            keys(&mut seek, &[Key::Enter]);
            assert_eq!(
                buffer(&seek),
                buffer(&forward),
                "{name} seek to {k} on screen {screen} at {w}x{h}:\n{}\n---\n{}",
                screen_text(&seek),
                screen_text(&forward)
            );
            // Two steps back from packet k + 2, a little after reaching it: the same screen
            // as a replay that started just late enough to reach packet k at that instant,
            // arrows in flight included; and still the same 300 ms later.
            let mut back = played_to_packet(name, k + 2, 11 * MS, screen, (w, h), 0);
            let now = back.now_ns() + 5 * MS;
            clock(&mut back, now);
            keys(&mut back, &[Key::Char('b'), Key::Char('b')]);
            assert_eq!(back.shown().len(), k);
            let start = now - off[k - 1];
            let mut fwd = played_to_packet(name, k, 13 * MS, screen, (w, h), start);
            for later in [0, 300 * MS] {
                clock(&mut back, now + later);
                clock(&mut fwd, now + later);
                assert_eq!(
                    buffer(&back),
                    buffer(&fwd),
                    "{name} back to {k} on screen {screen} at {w}x{h}, +{later}:\n{}\n---\n{}",
                    screen_text(&back),
                    screen_text(&fwd)
                );
            }
        }
    }
}

fn snap_screen(name: &str, app: &App) {
    insta::assert_snapshot!(name, render(app).backend().to_string());
}

/// The screen's text, then each row's styles as letters (one per distinct style, legend
/// at the end): what a colour theme changes.
fn styled_dump(app: &App) -> String {
    let buf = buffer(app);
    let mut legend: Vec<ratatui::style::Style> = Vec::new();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut text = String::new();
        let mut codes = String::new();
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            text.push_str(cell.symbol());
            let style = cell.style();
            let i = legend.iter().position(|s| *s == style).unwrap_or_else(|| {
                legend.push(style);
                legend.len() - 1
            });
            codes.push(char::from_digit(u32::try_from(i % 36).unwrap(), 36).unwrap());
        }
        out.push_str(&format!("{text}\n{codes}\n"));
    }
    for (i, s) in legend.iter().enumerate() {
        out.push_str(&format!(
            "{}: fg {:?} bg {:?} +{:?}\n",
            char::from_digit(u32::try_from(i % 36).unwrap(), 36).unwrap(),
            s.fg,
            s.bg,
            s.add_modifier
        ));
    }
    out
}

#[test]
fn demo_first_screens() {
    for (w, h) in [(80, 24), (120, 40)] {
        let app = demo_app("http", ThemeChoice::default(), w, h);
        assert!(app.explain_open());
        assert_eq!(state(&app), PlayState::Paused);
        snap_screen(&format!("demo_http_first_{w}x{h}"), &app);
        let mut flows = demo_app("http", ThemeChoice::default(), w, h);
        keys(&mut flows, &[Key::Char('2')]);
        clock(&mut flows, 200 * MS);
        snap_screen(&format!("demo_http_first_flows_{w}x{h}"), &flows);
    }
}

fn narration_text(n: &[Narration]) -> String {
    n.iter()
        .map(|n| {
            let layer = n.layer.map_or("Handshake", |l| l.name());
            format!("[{layer}] {}", n.text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The explain panel's narration of packet `no` of scenario `name`, stepped to with `:`.
fn explained(name: &str, no: usize) -> String {
    let mut app = demo_app(name, ThemeChoice::default(), 120, 40);
    keys(&mut app, &[Key::Char(':')]);
    for c in no.to_string().chars() {
        keys(&mut app, &[Key::Char(c)]);
    }
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.packets().selected(), Some(no - 1));
    let text = narration_text(&app.explanation());
    // The flows screen narrates the same packet: its flow's latest arrow.
    keys(&mut app, &[Key::Char('2')]);
    assert_eq!(app.screen(), Screen::Flows);
    assert_eq!(narration_text(&app.explanation()), text);
    text
}

#[test]
fn explain_text_of_the_handshake_packets() {
    let syn = explained("http", 1);
    assert!(syn.contains("sends SYN"), "{syn}");
    insta::assert_snapshot!("explain_syn", syn);
    let synack = explained("http", 2);
    assert!(synack.contains("acknowledges it: ack ="), "{synack}");
    insta::assert_snapshot!("explain_synack", synack);
    let ack = explained("http", 3);
    assert!(ack.contains("ESTABLISHED"), "{ack}");
    insta::assert_snapshot!("explain_ack", ack);
    let rst = explained("refused", 2);
    assert!(rst.contains("nothing listens on port 9999"), "{rst}");
    insta::assert_snapshot!("explain_rst_refused", rst);
    let retx = explained("no_answer", 2);
    assert!(retx.contains("sends the SYN again"), "{retx}");
    insta::assert_snapshot!("explain_syn_retransmitted", retx);
}

#[test]
fn contrast_and_no_color_looks() {
    let contrast = ThemeChoice {
        contrast: true,
        monochrome: false,
        cvd: false,
    };
    let mono = ThemeChoice {
        contrast: false,
        monochrome: true,
        cvd: false,
    };
    let mut app = demo_app("http", contrast, 120, 40);
    keys(&mut app, &[Key::Char('n')]);
    let dump = styled_dump(&app);
    assert!(dump.contains("bg Some(Black)"), "contrast draws on black");
    insta::assert_snapshot!("demo_http_contrast_120x40", dump);

    let mut app = demo_app("http", mono, 120, 40);
    keys(&mut app, &[Key::Char('n')]);
    let dump = styled_dump(&app);
    for line in dump.lines().filter(|l| l.contains(": fg ")) {
        assert!(
            !line.contains("Indexed") && !line.contains("Rgb"),
            "a colour without colour: {line}"
        );
    }
    insta::assert_snapshot!("demo_http_no_color_120x40", dump);
    let mut flows = demo_app("http", mono, 80, 24);
    keys(
        &mut flows,
        &[Key::Char('N'), Key::Char('N'), Key::Char('2')],
    );
    clock(&mut flows, 5 * S);
    let dump = styled_dump(&flows);
    for line in dump.lines().filter(|l| l.contains(": fg ")) {
        assert!(
            !line.contains("Indexed") && !line.contains("Some(Green") && !line.contains("Some(Red"),
            "a colour without colour: {line}"
        );
    }
    insta::assert_snapshot!("demo_http_flows_no_color_80x24", dump);
}

#[test]
fn redact_masks_addresses_on_every_screen() {
    let tui = TuiOptions {
        replay: Some(ReplayOptions::demo()),
        explain: true,
        redact: true,
        ..TuiOptions::default()
    };
    let mut app = tui.app(SourceKind::File { name: "x".into() }, 120, 40);
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(scenario_frames("http")));
    app.update(Msg::Finished(Ok(())));
    keys(&mut app, &[Key::Char('N'), Key::Char('N')]);
    let mut seen = String::new();
    for screen in ['1', '2'] {
        keys(&mut app, &[Key::Char(screen)]);
        let text = screen_text(&app);
        assert!(
            !text.contains("10.77."),
            "a real address on screen {screen}:\n{text}"
        );
        assert!(text.contains("192.0.2.1"), "{text}");
        seen.push_str(&text);
    }
    // Layers too (MAC addresses), in the layers tab.
    keys(&mut app, &[Key::Char('1'), Key::Char('e')]);
    let text = screen_text(&app);
    assert!(!text.contains("02:77:00"), "a real MAC:\n{text}");
    assert!(text.contains("02:00:00:00:00:01"), "{text}");
    // The same real address always gets the same stand-in.
    assert!(seen.contains("192.0.2.1:") && seen.contains("192.0.2.2:80"));
}

#[test]
fn next_scenario_at_the_end_of_a_demo() {
    let mut app = demo_app("refused", ThemeChoice::default(), 80, 24);
    keys(&mut app, &[Key::Char('n')]);
    assert_eq!(state(&app), PlayState::Done);
    let text = screen_text(&app);
    assert!(text.contains("> next scenario: no_answer"), "{text}");
    keys(&mut app, &[Key::Char('>')]);
    assert_eq!(app.shown().len(), 1);
    assert!(app.store().len() > 1, "no_answer is loaded");
    assert_eq!(state(&app), PlayState::Paused);
    assert!(screen_text(&app).contains(&format!(
        "demo 3/{} · no_answer",
        synack::teach::demo::SCENARIOS.len()
    )));
    // What the old scenario's reader still sends is ignored.
    app.update(Msg::Frames(scenario_frames("refused")));
    assert_eq!(app.store().len(), scenario_frames("no_answer").len());
}

#[test]
fn help_lists_every_replay_key_and_scrolls_at_80x24() {
    let mut app = demo_app("http", ThemeChoice::default(), 80, 24);
    keys(&mut app, &[Key::Char('?')]);
    assert!(app.help_visible());
    let first = screen_text(&app);
    assert!(first.contains("↓ more below"), "{first}");
    // Scrolled to the bottom (the replay keys are the last rows).
    let mut text = screen_text(&app);
    for _ in 0..20 {
        if !text.contains("↓ more below") {
            break;
        }
        keys(&mut app, &[Key::Down]);
        text = screen_text(&app);
    }
    for (k, what) in synack::app::keys::REPLAY_KEY_HELP {
        assert!(
            text.contains(k) && text.contains(what),
            "{k} missing:\n{text}"
        );
    }
    keys(&mut app, &[Key::Char(' ')]);
    assert_eq!(
        state(&app),
        PlayState::Paused,
        "Space scrolls the help, not the replay"
    );
    keys(&mut app, &[Key::Esc]);
    assert!(!app.help_visible());
    assert!(!app.should_quit());
}

/// The bytes the hex pane shows, read back from the screen's hex columns (rows in order).
fn hex_pane_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        // A hex row: `│` + a 4-digit offset + two spaces + 16 × `xx ` (+ 1 gap).
        let Some(start) = (0..chars.len()).find(|&i| {
            chars[i] == '│'
                && chars.len() > i + 7
                && chars[i + 1..i + 5].iter().all(char::is_ascii_hexdigit)
                && chars[i + 5..i + 7] == [' ', ' ']
        }) else {
            continue;
        };
        let from = start + 7;
        let hex: String = chars[from..(from + 16 * 3 + 1).min(chars.len())]
            .iter()
            .collect();
        for token in hex.split_whitespace() {
            out.push(u8::from_str_radix(token, 16).expect("a hex byte"));
        }
    }
    out
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The value of the layers pane's first row named `name` (`Source`), as shown.
fn layer_value(text: &str, layer_heading: &str, name: &str) -> String {
    let mut in_layer = false;
    for line in text.lines() {
        if line.contains('▾') {
            in_layer = line.contains(layer_heading);
            continue;
        }
        let row = line.trim_start_matches('│').trim_start();
        if in_layer && let Some(rest) = row.strip_prefix(name) {
            let value = rest.split_whitespace().next().unwrap_or("");
            return value.to_string();
        }
    }
    panic!("no {name} row under {layer_heading}:\n{text}")
}

#[test]
fn redact_masks_addresses_in_the_hex_pane_too() {
    const REAL_CLIENT_IP: [u8; 4] = [0x0a, 0x4d, 0x01, 0x01];
    const REAL_SERVER_IP: [u8; 4] = [0x0a, 0x4d, 0x01, 0x02];
    const REAL_CLIENT_MAC: [u8; 6] = [0x02, 0x77, 0x00, 0x00, 0x00, 0x01];
    const REAL_SERVER_MAC: [u8; 6] = [0x02, 0x77, 0x00, 0x00, 0x00, 0x02];
    for redact in [false, true] {
        let tui = TuiOptions {
            redact,
            ..TuiOptions::default()
        };
        let mut app = tui.app(SourceKind::File { name: "x".into() }, 120, 40);
        app.update(Msg::Frames(scenario_frames("http")));
        app.update(Msg::Finished(Ok(())));
        // Every packet of the capture, the HTTP request and response included.
        for no in 1..=10 {
            let text = screen_text(&app);
            assert!(text.contains(&format!("Layers packet {no} ")), "{text}");
            let bytes = hex_pane_bytes(&text);
            // The screen with the hex pane's group gap closed, to search byte runs as text.
            let flat = text.replace("  ", " ");
            assert!(bytes.len() >= 54, "the hex pane is visible:\n{text}");
            let shown_ip: std::net::Ipv4Addr = layer_value(&text, "Internet", "Source")
                .parse()
                .expect("an IPv4 source");
            let shown_mac: Vec<u8> = layer_value(&text, "Link", "Source")
                .split(':')
                .map(|b| u8::from_str_radix(b, 16).expect("a MAC"))
                .collect();
            // The hex pane shows the same address the layers pane does.
            assert!(holds(&bytes, &shown_ip.octets()), "packet {no}:\n{text}");
            assert!(holds(&bytes, &shown_mac), "packet {no}:\n{text}");
            let real = [
                &REAL_CLIENT_IP[..],
                &REAL_SERVER_IP,
                &REAL_CLIENT_MAC,
                &REAL_SERVER_MAC,
            ];
            if redact {
                for r in real {
                    assert!(!holds(&bytes, r), "real {r:02x?} in packet {no}:\n{text}");
                }
                assert!(!flat.contains("0a 4d 01") && !flat.contains("02 77 00"));
                assert_eq!(shown_ip.octets()[..3], [192, 0, 2]);
                assert_eq!(shown_mac[..3], [0x02, 0x00, 0x00]);
            } else {
                for r in real {
                    assert!(holds(&bytes, r), "real {r:02x?} in packet {no}:\n{text}");
                }
                // (Packet 1 has the client's addresses within one hex row.)
                assert!(
                    no != 1 || flat.contains("0a 4d 01 01") && flat.contains("02 77 00 00 00 01")
                );
            }
            keys(&mut app, &[Key::Down]);
        }
    }
}
