//! The viewer draws with the size of the frame being drawn: every screen of every demo
//! scenario is drawn at many terminal sizes, tiny ones included, both after the app learnt the
//! new size and before (the resize event still queued behind the draw, as in a real terminal
//! shrinking mid-frame). Nothing may panic, and nothing may be drawn outside the frame.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::app::{App, Key, Msg, SourceKind};
use synack::replay::pacing::ReplayOptions;

const SIZES: &[(u16, u16)] = &[
    (1, 1),
    (2, 1),
    (1, 2),
    (10, 3),
    (3, 10),
    (20, 5),
    (40, 8),
    (80, 24),
    (79, 6),
    (120, 40),
    (149, 30),
    (150, 30),
    (200, 60),
    (300, 90),
    (0, 0),
    (5, 0),
    (0, 5),
];

/// Draws `app` (which believes it is `app.size()`) into a frame of `w`×`h`.
fn draw_at(app: &App, w: u16, h: u16) {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    t.draw(|f| synack::ui::draw(f, app)).expect("draw");
    assert_eq!(t.backend().buffer().area.width, w);
}

/// The screens worth visiting: packet list, layers, hex tab, explain, flows, ladder, help.
fn screens() -> Vec<Vec<Key>> {
    vec![
        vec![],
        vec![Key::Enter],
        vec![Key::Enter, Key::Tab],
        vec![Key::Char('e')],
        vec![Key::Char('e'), Key::Tab, Key::Tab],
        vec![Key::Char('2')],
        vec![Key::Char('2'), Key::Enter],
        vec![Key::Char('2'), Key::Char('e')],
        vec![Key::Char('2'), Key::Char('G'), Key::Enter, Key::Down],
        vec![Key::Char('?')],
        vec![Key::Char('2'), Key::Char('?')],
    ]
}

/// How the app around the screen is set up: a loaded file; a paced replay a few steps in
/// (progress bar); a source that failed with a long reason (status bar of several rows).
#[derive(Clone, Copy, Debug)]
enum Mode {
    Loaded,
    Replay,
    Failed,
}

fn app_for(name: &str, frames: &[synack::model::Frame], mode: Mode) -> App {
    let mut app = App::new(SourceKind::File { name: name.into() }, 120, 40);
    if let Mode::Replay = mode {
        app = app.with_replay(ReplayOptions {
            start_paused: true,
            ..ReplayOptions::default()
        });
    }
    app.update(Msg::Frames(frames.to_vec()));
    match mode {
        Mode::Failed => app.update(Msg::Finished(Err(
            "the file was truncated while being read: ".repeat(8),
        ))),
        _ => app.update(Msg::Finished(Ok(()))),
    }
    if let Mode::Replay = mode {
        for _ in 0..4 {
            app.update(Msg::Key(Key::Char('n')));
        }
    }
    app
}

#[test]
fn every_screen_survives_a_resize_storm() {
    for name in synack::teach::demo::names() {
        let frames = synack::teach::demo::frames(name).expect("demo frames");
        // Every scenario loaded; the first and the busiest also replaying and failed.
        let modes: &[Mode] = if name == synack::teach::demo::names()[0] || name == "busy" {
            &[Mode::Loaded, Mode::Replay, Mode::Failed]
        } else {
            &[Mode::Loaded]
        };
        for (&mode, keys) in modes
            .iter()
            .flat_map(|m| screens().into_iter().map(move |k| (m, k)))
        {
            let mut app = app_for(name, &frames, mode);
            for k in &keys {
                app.update(Msg::Key(*k));
            }
            // The terminal shrank (or grew) but the resize is not processed yet.
            for &(w, h) in SIZES {
                draw_at(&app, w, h);
            }
            // A storm of processed resizes, each drawn at its own size and, before the next
            // event arrives, at the next size.
            for pair in SIZES.windows(2) {
                let (w, h) = pair[0];
                app.update(Msg::Resize {
                    width: w,
                    height: h,
                });
                draw_at(&app, w, h);
                draw_at(&app, pair[1].0, pair[1].1);
            }
        }
    }
}
