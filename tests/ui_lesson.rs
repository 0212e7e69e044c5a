//! The classroom lesson in the app (`synack demo`, `replay --lesson`, `--quiz`), on made-up
//! presentation-clock messages: every scenario walked from its first to its last packet with
//! `n`, then `>` to the next and back with `<` (wrapping), the `demo 2/12 · refused` indicator
//! and the closing card checked at each step; the scenario menu; flag words in the packet
//! list only in the lesson look; and predict-then-reveal: every question of every scenario
//! stops the replay just before its packet, and its answer is checked against that packet's
//! own bytes (and the answer's field is the one selected in the layers).

mod ui_support;

use synack::app::{App, Key, Msg, SourceKind};
use synack::decode::{self, LayerKind};
use synack::model::Frame;
use synack::replay::PlayState;
use synack::replay::pacing::ReplayOptions;
use synack::teach::demo::{self, SCENARIOS};
use synack::terminal::theme_config::ThemeChoice;
use synack::terminal::tui::TuiOptions;
use ui_support::{keys, render, screen_text};

fn frames(name: &str) -> Vec<Frame> {
    demo::find(name)
        .expect("scenario exists")
        .frames()
        .expect("scenario decodes")
}

/// `synack demo NAME [--quiz]` as the command builds it, at `w`×`h`.
fn demo_app(name: &str, quiz: bool, w: u16, h: u16) -> App {
    demo_app_in(name, quiz, ThemeChoice::default(), w, h)
}

/// [`demo_app`] in the look `theme`.
fn demo_app_in(name: &str, quiz: bool, theme: ThemeChoice, w: u16, h: u16) -> App {
    let scenario = demo::find(name).expect("scenario exists");
    let tui = TuiOptions {
        replay: Some(ReplayOptions::demo()),
        explain: true,
        lesson: true,
        quiz,
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
    app.update(Msg::Frames(frames(name)));
    app.update(Msg::Finished(Ok(())));
    app
}

fn state(app: &App) -> PlayState {
    app.progress().expect("a replay").state
}

fn indicator(i: usize, name: &str) -> String {
    format!("demo {i}/{} · {name}", SCENARIOS.len())
}

/// Steps with `n` to the last packet, checking the indicator on every screen, then checks the
/// closing card.
fn walk_to_the_end(app: &mut App, i: usize, name: &str) {
    let total = frames(name).len();
    assert_eq!(app.demo_position(), Some((i, SCENARIOS.len(), name)));
    assert_eq!(app.shown().len(), 1, "{name} starts on its first packet");
    for step in 1..total {
        assert!(app.closing_card().is_none(), "{name}: card before the end");
        keys(app, &[Key::Char('n')]);
        assert_eq!(app.shown().len(), step + 1, "{name} after {step} × n");
        let text = screen_text(app);
        assert!(text.contains(&indicator(i, name)), "{name}:\n{text}");
    }
    assert_eq!(state(app), PlayState::Done, "{name}");
    let card = app
        .closing_card()
        .expect("the closing card after the last packet");
    assert_eq!(card.scenario.name, name);
    let text = screen_text(app);
    assert!(text.contains("What you saw:"), "{name}:\n{text}");
    assert!(
        text.contains(&format!("Next: {}", card.next.name)),
        "{text}"
    );
}

#[test]
fn every_scenario_walked_with_n_then_gt_and_back_with_lt() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = demo_app(SCENARIOS[0].name, false, w, h);
        for (i, sc) in SCENARIOS.iter().enumerate() {
            walk_to_the_end(&mut app, i + 1, sc.name);
            keys(&mut app, &[Key::Char('>')]);
        }
        // `>` after the last scenario wraps to the first.
        assert_eq!(app.demo_position().map(|p| p.2), Some(SCENARIOS[0].name));
        assert!(screen_text(&app).contains(&indicator(1, SCENARIOS[0].name)));
        // `<` goes back through all of them, wrapping to the last.
        for k in (0..SCENARIOS.len()).rev() {
            keys(&mut app, &[Key::Char('<')]);
            let sc = &SCENARIOS[k];
            assert_eq!(app.demo_position(), Some((k + 1, SCENARIOS.len(), sc.name)));
            assert_eq!(state(&app), PlayState::Paused, "{} starts paused", sc.name);
            assert_eq!(app.shown().len(), 1);
            assert_eq!(
                app.store().len(),
                frames(sc.name).len(),
                "{} loaded",
                sc.name
            );
            assert!(screen_text(&app).contains(&indicator(k + 1, sc.name)));
        }
    }
}

#[test]
fn the_closing_card_closes_and_comes_back_at_the_end() {
    let mut app = demo_app("refused", false, 80, 24);
    keys(&mut app, &[Key::Char('n')]);
    assert!(app.closing_card().is_some());
    keys(&mut app, &[Key::Esc]);
    assert!(app.closing_card().is_none(), "Esc closes the card");
    assert!(!app.should_quit(), "Esc closed the card, it did not quit");
    keys(&mut app, &[Key::Char('b'), Key::Char('n')]);
    assert!(app.closing_card().is_some(), "the end reached again");
    // Enter on the card opens the next scenario.
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.demo_position().map(|p| p.2), Some("no_answer"));
}

#[test]
fn the_menu_lists_every_scenario_and_opens_one() {
    let mut app = demo_app("http", false, 80, 24);
    keys(&mut app, &[Key::Char('M')]);
    assert_eq!(app.scenario_menu(), Some(0));
    let text = screen_text(&app);
    for sc in &SCENARIOS {
        assert!(text.contains(sc.name), "{} missing:\n{text}", sc.name);
    }
    // The lines say what each teaches (at 80 columns the longest are cut with an ellipsis).
    assert!(text.contains(SCENARIOS[1].teaches), "{text}");
    keys(&mut app, &[Key::Down, Key::Down, Key::Enter]);
    assert_eq!(app.scenario_menu(), None);
    assert_eq!(
        app.demo_position(),
        Some((3, SCENARIOS.len(), SCENARIOS[2].name))
    );
    // A digit opens that scenario at once.
    keys(&mut app, &[Key::Char('M'), Key::Char('8')]);
    assert_eq!(app.demo_position().map(|p| p.0), Some(8));
    // Esc closes the menu without quitting or moving.
    keys(&mut app, &[Key::Char('M'), Key::Esc]);
    assert_eq!(app.scenario_menu(), None);
    assert!(!app.should_quit());
    assert_eq!(app.demo_position().map(|p| p.0), Some(8));
}

#[test]
fn flags_are_words_in_the_lesson_and_letters_elsewhere() {
    let mut app = demo_app("http", false, 120, 40);
    keys(&mut app, &[Key::Char('n'), Key::Char('n')]);
    let text = screen_text(&app);
    assert!(text.contains("SYN-ACK, seq"), "{text}");
    assert!(!text.contains("[S.]"), "{text}");
    // An ordinary replay keeps tcpdump's letters.
    let tui = TuiOptions {
        replay: Some(ReplayOptions::demo()),
        ..TuiOptions::default()
    };
    let mut plain = tui.app(
        SourceKind::File {
            name: "http.pcap".into(),
        },
        120,
        40,
    );
    plain.update(Msg::Clock { now_ns: 0 });
    plain.update(Msg::Frames(frames("http")));
    plain.update(Msg::Finished(Ok(())));
    keys(&mut plain, &[Key::Char('n'), Key::Char('n')]);
    let text = screen_text(&plain);
    assert!(text.contains("Flags [S.]"), "{text}");
    assert!(!text.contains("SYN-ACK, seq"), "{text}");
}

/// The TCP segment of packet `no` (1-based) of `name`, decoded from its bytes.
fn segment(name: &str, no: u64) -> synack::model::TcpSegment {
    let fs = frames(name);
    let f = &fs[usize::try_from(no - 1).expect("small")];
    decode::summarize(f.link, &f.data, f.len)
        .tcp
        .expect("a TCP packet")
}

#[test]
fn every_question_stops_before_its_packet_and_its_answer_is_the_packets() {
    let mut total = 0;
    for sc in &SCENARIOS {
        let mut app = demo_app(sc.name, true, 80, 24);
        let n = frames(sc.name).len();
        let mut asked = 0;
        let mut guard = 0;
        while app.shown().len() < n {
            guard += 1;
            assert!(guard < 4 * n, "{}: stuck", sc.name);
            keys(&mut app, &[Key::Char('n')]);
            if let Some(q) = app.quiz_question().cloned() {
                asked += 1;
                // Paused just before the packet asked about; the packet is not shown yet.
                assert_eq!(app.shown().len() as u64, q.packet_no - 1, "{q:?}");
                assert_eq!(state(&app), PlayState::Paused);
                let text = screen_text(&app);
                assert!(text.contains("Predict"), "{text}");
                // The answer is what the packet carries.
                let seg = segment(sc.name, q.packet_no);
                assert!(q.holds_for(&seg), "{}: {q:?} vs {seg:?}", sc.name);
                if let Some(ack) = q.ack {
                    assert!(q.answer.contains(&ack.to_string()), "{q:?}");
                }
                // The reveal shows it with the answer's field selected.
                keys(&mut app, &[Key::Char('n')]);
                assert_eq!(app.shown().len() as u64, q.packet_no);
                let row = app.packets().selected_row().expect("a layer row");
                assert_eq!(row.key(), (LayerKind::Transport, q.field()), "{q:?}");
                assert!(screen_text(&app).contains("Answer"));
            }
        }
        assert!(asked >= 1, "{}: no question", sc.name);
        total += asked;
    }
    assert!(total >= SCENARIOS.len());
}

#[test]
fn playing_stops_before_a_question_too_and_p_turns_the_quiz_off() {
    let mut app = demo_app("http", true, 80, 24);
    keys(&mut app, &[Key::Char(' ')]);
    app.update(Msg::Clock {
        now_ns: 5_000_000_000,
    });
    let q = app
        .quiz_question()
        .expect("stopped at the SYN-ACK's question")
        .clone();
    assert_eq!(q.packet_no, 2);
    assert_eq!(app.shown().len(), 1);
    // Esc skips the question; `p` turns the quiz off and play goes to the end.
    keys(&mut app, &[Key::Esc, Key::Char('p')]);
    assert!(!app.quiz_on());
    keys(&mut app, &[Key::Char(' ')]);
    app.update(Msg::Clock {
        now_ns: 60_000_000_000,
    });
    assert_eq!(app.shown().len(), frames("http").len());
    assert!(app.quiz_question().is_none());
}

#[test]
fn cards_fit_every_size_without_panic() {
    for (w, h) in [(20, 6), (40, 12), (60, 20), (80, 24), (200, 60)] {
        let mut app = demo_app("refused", true, w, h);
        keys(&mut app, &[Key::Char('n')]);
        let _ = render(&app);
        keys(&mut app, &[Key::Char('n')]);
        let _ = render(&app);
        keys(&mut app, &[Key::Char('n'), Key::Char('M')]);
        let _ = render(&app);
    }
}

/// Checks that every field row of the layers pane on screen shows its whole value, or ends
/// in `…` (the value or its meaning was cut, and says so).
fn assert_no_silent_cut(app: &App, what: &str) {
    let Some(detail) = app.packets().detail() else {
        return;
    };
    let layout = app.packet_layout();
    let Some(area) = layout.layers_area(app.packets().show_hex()) else {
        return;
    };
    let text = screen_text(app);
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let inside_x = usize::from(area.x) + 1;
    let inside_w = usize::from(area.width.saturating_sub(2));
    let first_y = usize::from(area.y) + 1;
    let rows = usize::from(area.height.saturating_sub(2));
    for (i, row) in detail
        .rows
        .iter()
        .skip(app.packets().layer_scroll())
        .take(rows)
        .enumerate()
    {
        let synack::app::RowKind::Field { value, .. } = &row.kind else {
            continue;
        };
        let Some(line) = lines.get(first_y + i) else {
            continue;
        };
        let seg: String = line.iter().skip(inside_x).take(inside_w).collect();
        let seg = seg.trim_end();
        assert!(
            seg.contains(value.as_str()) || seg.ends_with('…'),
            "{what}: the value {value:?} is cut without …: {seg:?}"
        );
    }
}

#[test]
fn no_layer_value_is_cut_without_an_ellipsis_from_60x20_to_200x60() {
    let mut checked = 0;
    // The handshake stories, and the scenarios past the handshake (bigger windows, analysis
    // notes, a scan's many flows).
    for name in [
        "http",
        "ipv6",
        "close_simultaneous",
        "slow_start",
        "window_full",
        "port_scan",
    ] {
        let n = frames(name).len();
        for w in (60..=200).step_by(20) {
            for h in [20, 24, 30, 40, 50, 60] {
                let mut app = demo_app(name, false, w, h);
                for step in 0..n {
                    if app.closing_card().is_some() {
                        keys(&mut app, &[Key::Esc]);
                    }
                    assert_no_silent_cut(&app, &format!("{name} {w}×{h} packet {}", step + 1));
                    checked += 1;
                    keys(&mut app, &[Key::Char('n')]);
                }
                // The other layers unfolded too (Tab to the layers, unfold each title).
                keys(&mut app, &[Key::Char('e')]);
                assert_no_silent_cut(&app, &format!("{name} {w}×{h} without the panel"));
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn the_lesson_layout_shows_list_transport_ladder_and_explain_at_80x24_and_120x40() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        for sc in &SCENARIOS {
            let mut app = demo_app(sc.name, false, w, h);
            // The handshake's second packet (or the only answer; its closing card closed).
            keys(&mut app, &[Key::Char('n')]);
            if app.closing_card().is_some() {
                keys(&mut app, &[Key::Esc]);
            }
            let text = screen_text(&app);
            for part in ["Packets", "Transport", "Ladder of flow", "Explain", "Flags"] {
                assert!(
                    text.contains(part),
                    "{} {w}×{h}: {part} missing:\n{text}",
                    sc.name
                );
            }
            // Link and Internet are folded to one line each.
            assert!(text.contains("▸ Link"), "{text}");
            assert!(text.contains("▸ Internet"), "{text}");
            // The list is no taller than the capture needs.
            let list = app.packet_layout().list;
            let needed = u16::try_from(frames(sc.name).len() + 3).expect("small");
            assert!(
                list.height <= needed.max(5),
                "{} {w}×{h}: {list:?}",
                sc.name
            );
            insta::assert_snapshot!(format!("lesson_{}_{w}x{h}", sc.name), text);
        }
    }
}

#[test]
fn with_redact_the_quiz_cards_mask_addresses() {
    let scenario = demo::find("http").expect("scenario exists");
    let tui = TuiOptions {
        replay: Some(ReplayOptions::demo()),
        explain: true,
        lesson: true,
        quiz: true,
        redact: true,
        ..TuiOptions::default()
    };
    let mut app = tui
        .app(
            SourceKind::File {
                name: "demo http".into(),
            },
            120,
            40,
        )
        .with_demo(scenario);
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(frames("http")));
    app.update(Msg::Finished(Ok(())));
    keys(&mut app, &[Key::Char('n')]);
    assert!(app.quiz_question().is_some());
    let text = screen_text(&app);
    assert!(text.contains("Predict"), "{text}");
    assert!(!text.contains("10.77."), "a real address:\n{text}");
    assert!(text.contains("192.0.2.1:"), "{text}");
}

/// The screen's text, then each row's styles as letters (one per distinct style, legend at
/// the end): what a look changes.
fn styled_dump(app: &App) -> String {
    let t = render(app);
    let buf = t.backend().buffer();
    let mut legend: Vec<ratatui::style::Style> = Vec::new();
    let mut out = String::new();
    let code =
        |i: usize| char::from_digit(u32::try_from(i % 36).expect("small"), 36).expect("digit");
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
            codes.push(code(i));
        }
        out.push_str(&format!("{text}\n{codes}\n"));
    }
    for (i, s) in legend.iter().enumerate() {
        out.push_str(&format!(
            "{}: fg {:?} bg {:?} +{:?}\n",
            code(i),
            s.fg,
            s.bg,
            s.add_modifier
        ));
    }
    out
}

#[test]
fn every_scenario_in_contrast_and_without_colour() {
    let looks = [
        (
            "contrast",
            ThemeChoice {
                contrast: true,
                ..ThemeChoice::default()
            },
        ),
        (
            "no_color",
            ThemeChoice {
                monochrome: true,
                ..ThemeChoice::default()
            },
        ),
    ];
    for sc in &SCENARIOS {
        for (look, theme) in looks {
            for (w, h) in [(80u16, 24u16), (120, 40)] {
                let mut app = demo_app_in(sc.name, false, theme, w, h);
                keys(&mut app, &[Key::Char('n'), Key::Char('n')]);
                // Let the arrows land.
                app.update(Msg::Clock {
                    now_ns: 2_000_000_000,
                });
                insta::assert_snapshot!(
                    format!("lesson_{}_{look}_{w}x{h}", sc.name),
                    styled_dump(&app)
                );
            }
        }
    }
}

#[test]
fn a_selected_field_whose_value_is_cut_shows_it_whole_on_the_border() {
    // ipv6 at 80×24: the layers pane is 40 columns, too narrow for an IPv6 address and its
    // meaning.
    let mut app = demo_app("ipv6", false, 80, 24);
    // Tab to the layers, unfold Internet (→ on its title), go to the source address.
    keys(&mut app, &[Key::Tab]);
    while app
        .packets()
        .selected_row()
        .is_some_and(|r| r.layer != LayerKind::Internet)
    {
        keys(&mut app, &[Key::Down]);
    }
    keys(&mut app, &[Key::Right]);
    let mut guard = 0;
    while app
        .packets()
        .selected_row()
        .is_none_or(|r| r.key() != (LayerKind::Internet, "Source"))
    {
        keys(&mut app, &[Key::Down]);
        guard += 1;
        assert!(guard < 40, "no Source address row");
    }
    let text = screen_text(&app);
    assert!(text.contains("fd00:77::1"), "{text}");
    let cut = text
        .lines()
        .any(|l| l.contains("Source ") && l.contains('…'));
    let border = text
        .lines()
        .any(|l| l.starts_with('└') && l.contains("fd00:77::1"));
    assert!(
        cut && border,
        "the row cuts, the border shows it whole:\n{text}"
    );
}
