//! The main loop on a `TestBackend` with scripted input and a channel feed: it drains frames,
//! reports drops, reacts to keys, notices a vanished capture thread, obeys the signal flag,
//! and tells the source to stop on the way out. On a made-up clock: it keeps drawing while
//! a ladder arrow is in flight, stops when all landed, and handles keys mid-animation.

mod ui_support;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::layout::{Position, Size};
use synack::app::flows::ANIM_FRAME_NS;
use synack::app::{App, Drops, Key, Msg, Screen, SourceKind, SourceState};
use synack::terminal::term::EventSource;
use synack::terminal::tui::{Feed, FeedEvent, run_loop, run_loop_with_clock};
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
    assert!(screen.contains("loaded handshake.pcap"), "{screen}");
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

/// A `TestBackend` that logs when (on the made-up clock) each frame was flushed.
struct Frames {
    inner: TestBackend,
    clock: Rc<Cell<Duration>>,
    drawn: Rc<RefCell<Vec<Duration>>>,
}

impl Backend for Frames {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.drawn.borrow_mut().push(self.clock.get());
        self.inner.flush()
    }
}

/// Input that never comes: each wait moves the made-up clock on by its timeout. Presses
/// `keys` at their instants and Ctrl-C at `until`.
struct Waiting {
    clock: Rc<Cell<Duration>>,
    keys: VecDeque<(Duration, Key)>,
    until: Duration,
    waits: Vec<Duration>,
}

impl EventSource for Waiting {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Msg>> {
        let now = self.clock.get();
        if let Some(&(at, key)) = self.keys.front()
            && now >= at
        {
            self.keys.pop_front();
            return Ok(Some(Msg::Key(key)));
        }
        if now >= self.until {
            return Ok(Some(Msg::Key(Key::CtrlC)));
        }
        assert!(self.waits.len() < 100_000, "the loop spins");
        self.waits.push(timeout);
        self.clock.set(now + timeout);
        Ok(None)
    }
}

/// Runs the loop over `http.pcap` on the made-up clock for `secs` seconds; returns the app,
/// the instants frames were drawn and the waits the loop asked for.
fn animate(
    flows_screen: bool,
    keys: Vec<(Duration, Key)>,
    secs: u64,
) -> (App, Vec<Duration>, Vec<Duration>) {
    let (tx, rx) = sync_channel(4);
    tx.send(FeedEvent::Frames(demo_frames("http.pcap")))
        .unwrap();
    tx.send(FeedEvent::Finished(Ok(()))).unwrap();
    let mut feed = Feed {
        rx: &rx,
        drops: Box::new(Drops::default),
        stop: Arc::new(AtomicBool::new(false)),
    };
    let clock = Rc::new(Cell::new(Duration::ZERO));
    let drawn = Rc::new(RefCell::new(Vec::new()));
    let backend = Frames {
        inner: TestBackend::new(80, 24),
        clock: Rc::clone(&clock),
        drawn: Rc::clone(&drawn),
    };
    let mut term = Terminal::new(backend).unwrap();
    let mut app = App::new(
        SourceKind::File {
            name: "http.pcap".into(),
        },
        80,
        24,
    );
    if flows_screen {
        app.update(Msg::Key(Key::Char('2')));
    }
    let mut events = Waiting {
        clock: Rc::clone(&clock),
        keys: keys.into(),
        until: Duration::from_secs(secs),
        waits: Vec::new(),
    };
    let quit = AtomicBool::new(false);
    let read = Rc::clone(&clock);
    run_loop_with_clock(
        &mut term,
        &mut events,
        &mut feed,
        &quit,
        &mut app,
        &mut || read.get(),
    )
    .unwrap();
    let drawn = drawn.borrow().clone();
    (app, drawn, events.waits)
}

#[test]
fn frames_are_drawn_while_an_arrow_flies_and_stop_when_all_landed() {
    let (app, drawn, waits) = animate(true, vec![], 10);
    assert_eq!(app.screen(), Screen::Flows);
    let timings = app.flows().timings(0).to_vec();
    assert_eq!(timings.len(), 6, "handshake and teardown of http.pcap");
    let first = Duration::from_nanos(timings[0].start_ns as u64);
    let last = Duration::from_nanos(timings[5].end_ns as u64);
    assert_eq!(
        first,
        Duration::ZERO,
        "revealed when loaded, on the loop's clock"
    );
    let frame = Duration::from_nanos(ANIM_FRAME_NS as u64);
    // While arrows fly: a frame at least every animation frame, never waiting longer.
    let flying: Vec<Duration> = drawn.iter().copied().filter(|t| *t <= last).collect();
    assert!(
        flying.windows(2).all(|w| w[1] - w[0] <= frame),
        "{flying:?}"
    );
    let expected = (last.as_nanos() / frame.as_nanos()) as usize;
    assert!(
        flying.len() >= expected,
        "{} frames for {last:?}",
        flying.len()
    );
    // The frame that shows everything landed, then nothing more: the loop idles.
    let after: Vec<Duration> = drawn.iter().copied().filter(|t| *t > last).collect();
    assert!(after.len() <= 1, "drawn after the last landing: {after:?}");
    assert!(after.iter().all(|t| *t < last + frame));
    let late = waits.iter().rev().take(5);
    assert!(
        late.into_iter().all(|w| *w >= Duration::from_millis(200)),
        "{waits:?}"
    );
}

#[test]
fn keys_are_handled_during_the_animation_and_the_packet_screen_does_not_animate() {
    let second = Duration::from_secs(1);
    let (app, drawn, _) = animate(
        true,
        vec![(second, Key::Char('s')), (second, Key::Char('1'))],
        10,
    );
    assert_eq!(app.flows().sort(), synack::app::SortKey::Rtt);
    assert_eq!(app.screen(), Screen::Packets);
    // The keys came in mid-animation (at 1 s, not after it) and drawing stopped with them.
    assert!(
        drawn
            .iter()
            .any(|t| *t >= second && *t < second + Duration::from_millis(50))
    );
    assert!(
        drawn.iter().filter(|t| **t > second).count() <= 2,
        "{drawn:?}"
    );

    let (_, drawn, _) = animate(false, vec![], 10);
    assert!(
        drawn.len() <= 3,
        "the packet screen draws on change only: {drawn:?}"
    );
}
