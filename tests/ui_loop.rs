//! The main loop on a `TestBackend` with scripted input and a channel feed: it drains frames,
//! reports drops, reacts to keys, notices a vanished capture thread, obeys the signal flag,
//! and tells the source to stop on the way out.

mod ui_support;

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::app::{Drops, Key, Msg, SourceState};
use synack::term::EventSource;
use synack::tui::{Feed, FeedEvent, run_loop};
use ui_support::*;

/// Input from a script; each entry is what one wait returns. Ends with Ctrl-C.
struct Script(VecDeque<Option<Msg>>);

impl EventSource for Script {
    fn next(&mut self, _timeout: Duration) -> io::Result<Option<Msg>> {
        Ok(self.0.pop_front().unwrap_or(Some(Msg::Key(Key::CtrlC))))
    }
}

fn text(t: &Terminal<TestBackend>) -> String {
    t.backend().to_string()
}

#[test]
fn loop_loads_frames_handles_keys_and_stops_the_source() {
    let (tx, rx) = sync_channel(4);
    let kernel = Arc::new(AtomicU64::new(0));
    let k2 = Arc::clone(&kernel);
    let stop = Arc::new(AtomicBool::new(false));
    let mut feed = Feed {
        rx: &rx,
        drops: Box::new(move || Drops {
            kernel: k2.load(Ordering::SeqCst),
            synack: 0,
        }),
        stop: Arc::clone(&stop),
    };
    let producer = std::thread::spawn(move || {
        tx.send(FeedEvent::Frames(handshake_frames())).unwrap();
        tx.send(FeedEvent::Progress {
            bytes_read: 10,
            total_bytes: Some(10),
        })
        .unwrap();
        tx.send(FeedEvent::Finished(Ok(()))).unwrap();
    });
    producer.join().unwrap();
    kernel.store(7, Ordering::SeqCst);
    let mut app = file_app(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut script = Script(
        vec![
            None,
            Some(Msg::Key(Key::Down)),
            Some(Msg::Key(Key::Down)),
            None,
            Some(Msg::Key(Key::Char('q'))),
        ]
        .into(),
    );
    let quit = AtomicBool::new(false);
    run_loop(&mut term, &mut script, &mut feed, &quit, &mut app).unwrap();
    assert!(app.should_quit());
    assert!(stop.load(Ordering::SeqCst), "the source was told to stop");
    assert_eq!(app.store().len(), 5);
    assert_eq!(app.source().state, SourceState::Done);
    assert_eq!(app.packets().selected(), Some(2));
    assert_eq!(app.drops().kernel, 7);
    let screen = text(&term);
    assert!(screen.contains("done handshake.pcap"), "{screen}");
    assert!(screen.contains("5 pkts"), "{screen}");
}

#[test]
fn a_capture_thread_that_vanishes_is_reported_as_failed() {
    let (tx, rx) = channel::<FeedEvent>();
    tx.send(FeedEvent::Frames(handshake_frames())).unwrap();
    drop(tx);
    let mut feed = Feed {
        rx: &rx,
        drops: Box::new(Drops::default),
        stop: Arc::new(AtomicBool::new(false)),
    };
    let mut app = live_app(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut script = Script(vec![None, None].into());
    let quit = AtomicBool::new(false);
    run_loop(&mut term, &mut script, &mut feed, &quit, &mut app).unwrap();
    assert_eq!(app.store().len(), 5);
    assert!(matches!(app.source().state, SourceState::Failed(_)));
    assert!(text(&term).contains("the capture stopped without saying why"));
}

#[test]
fn the_signal_flag_ends_the_loop() {
    let (_tx, rx) = channel::<FeedEvent>();
    let stop = Arc::new(AtomicBool::new(false));
    let mut feed = Feed {
        rx: &rx,
        drops: Box::new(Drops::default),
        stop: Arc::clone(&stop),
    };
    let mut app = live_app(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    // The script never quits by itself: only the flag can end this.
    struct Never;
    impl EventSource for Never {
        fn next(&mut self, _: Duration) -> io::Result<Option<Msg>> {
            Ok(None)
        }
    }
    let quit = AtomicBool::new(true);
    run_loop(&mut term, &mut Never, &mut feed, &quit, &mut app).unwrap();
    assert!(stop.load(Ordering::SeqCst));
    assert!(!app.should_quit(), "ended by the flag, not a key");
}

#[test]
fn input_errors_end_the_loop_with_an_error_and_still_stop_the_source() {
    let (_tx, rx) = channel::<FeedEvent>();
    let stop = Arc::new(AtomicBool::new(false));
    let mut feed = Feed {
        rx: &rx,
        drops: Box::new(Drops::default),
        stop: Arc::clone(&stop),
    };
    struct Broken;
    impl EventSource for Broken {
        fn next(&mut self, _: Duration) -> io::Result<Option<Msg>> {
            Err(io::Error::other("tty gone"))
        }
    }
    let mut app = live_app(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let quit = AtomicBool::new(false);
    let err = run_loop(&mut term, &mut Broken, &mut feed, &quit, &mut app).unwrap_err();
    assert!(err.to_string().contains("tty gone"), "{err}");
    assert!(stop.load(Ordering::SeqCst));
}
