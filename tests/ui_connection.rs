//! The whole connection on the flows screen, on a public capture with real loss
//! (`ws-wiki__RDP-002.pcap`: one RDP session of 448 segments over 20 s with segments missing
//! from the capture, runs of duplicate ACKs and retransmissions, opened by a handshake and
//! closed by a FIN and a reset): the ladder after `L` on the first retransmission (its row selected, routine runs
//! collapsed, the verdicts written beside their arrows), Enter expanding a run, and the
//! time-sequence graph (`t`), as snapshots at 80×24 and 120×40. The capture is read from
//! `../shared/corpus` (a missing corpus fails under CI=true, else skips with a reason).

mod prereq;
mod ui_support;

use std::path::Path;

use synack::app::{App, Key, Msg, Screen, SourceKind};
use synack::model::Frame;
use synack::source::FileReader;
use ui_support::{keys, screen_text};

const CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/public/ws-wiki__RDP-002.pcap"
);

fn frames() -> Vec<Frame> {
    let reader = FileReader::open(Path::new(CAPTURE)).expect("capture opens");
    reader.frames().map(|f| f.expect("capture reads")).collect()
}

fn loaded(frames: &[Frame], w: u16, h: u16) -> App {
    let mut app = App::new(
        SourceKind::File {
            name: "RDP-002.pcap".into(),
        },
        w,
        h,
    );
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(frames.to_vec()));
    app.update(Msg::Finished(Ok(())));
    // Long after: every handshake animation has landed.
    app.update(Msg::Clock {
        now_ns: 3_600_000_000_000,
    });
    app
}

/// `:79` Enter, then `L`: packet 79 (the first retransmission) on its flow's ladder.
fn show_packet_79(app: &mut App) {
    keys(
        app,
        &[
            Key::Char(':'),
            Key::Char('7'),
            Key::Char('9'),
            Key::Enter,
            Key::Char('L'),
        ],
    );
}

fn has_braille(text: &str) -> bool {
    text.chars().any(|c| ('\u{2801}'..='\u{28FF}').contains(&c))
}

#[test]
fn whole_connection_ladder_and_graph_on_a_lossy_transfer() {
    if !prereq::require(&[prereq::Prereq::Corpus]) {
        return;
    }
    let frames = frames();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let size = format!("{w}x{h}");
        let mut app = loaded(&frames, w, h);
        show_packet_79(&mut app);
        assert_eq!(app.screen(), Screen::Flows, "{size}");
        assert_eq!(app.flows().selected(), Some(0), "{size}");
        assert_eq!(
            app.flows().selected_row().map(|r| r.packet_no),
            Some(79),
            "{size}: the retransmission's own row is selected"
        );
        let ladder = screen_text(&app);
        assert!(ladder.contains("Retransmission"), "{size}\n{ladder}");
        assert!(ladder.contains("Dup ACK"), "{size}\n{ladder}");
        assert!(ladder.contains("Enter: packet 79"), "{size}\n{ladder}");
        insta::assert_snapshot!(format!("connection_ladder_{size}"), ladder);

        // Further down, a run of routine segments is one row, which Enter expands.
        let mut steps = 0;
        while app
            .flows()
            .selected_row()
            .is_some_and(|r| r.run_last.is_none())
            && steps < 300
        {
            keys(&mut app, &[Key::Down]);
            steps += 1;
        }
        let run = app.flows().selected_row().expect("a row");
        let last = run
            .run_last
            .expect("a collapsed run below the retransmission");
        let collapsed = screen_text(&app);
        assert!(collapsed.contains('⋮'), "{size}\n{collapsed}");
        assert!(collapsed.contains("Enter: expand"), "{size}\n{collapsed}");
        insta::assert_snapshot!(format!("connection_run_{size}"), collapsed);
        keys(&mut app, &[Key::Enter]);
        assert!(app.flows().expanded().contains(&run.packet_no), "{size}");
        let first = app.flows().selected_row().expect("row");
        assert_eq!(
            (first.packet_no, first.run_last),
            (run.packet_no, None),
            "{size}: the run's first segment is a row now"
        );
        keys(&mut app, &[Key::Down]);
        let second = app.flows().selected_row().expect("row");
        assert!(
            second.packet_no > run.packet_no && second.packet_no <= last,
            "{size}: {second:?} is the run's next segment"
        );

        keys(&mut app, &[Key::Char('t')]);
        assert!(app.flows().graph(), "{size}");
        let graph = screen_text(&app);
        assert!(
            graph.contains("Time-sequence graph of flow 0"),
            "{size}\n{graph}"
        );
        assert!(
            graph.contains("server → client bytes over time"),
            "{size}\n{graph}"
        );
        assert!(has_braille(&graph), "{size}: braille strokes\n{graph}");
        assert!(
            graph.contains('×'),
            "{size}: retransmissions marked\n{graph}"
        );
        insta::assert_snapshot!(format!("connection_graph_{size}"), graph);
        keys(&mut app, &[Key::Char('t')]);
        assert!(!app.flows().graph(), "{size}: t goes back to the ladder");
    }
}
