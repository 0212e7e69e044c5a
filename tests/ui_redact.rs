//! `--redact` in the viewer: stand-ins are given out as packets are released (capture order),
//! never while drawing, so what a packet's screen shows does not depend on which packets were
//! looked at before.

mod ui_support;

use synack::app::{App, Key, Msg, SourceKind};
use ui_support::{demo_frames, keys, screen_text};

fn redacted_app() -> App {
    let mut app = App::new(
        SourceKind::File {
            name: "http.pcap".into(),
        },
        120,
        40,
    )
    .with_redact(true);
    app.update(Msg::Frames(demo_frames("http.pcap")));
    app.update(Msg::Finished(Ok(())));
    app
}

#[test]
fn stand_ins_do_not_depend_on_what_was_drawn_first() {
    // A: straight to the last packet.
    let mut a = redacted_app();
    keys(&mut a, &[Key::End]);
    let a_last = screen_text(&a);
    // B: every packet from the first, drawn one by one, then the last.
    let mut b = redacted_app();
    keys(&mut b, &[Key::Home]);
    for _ in 0..12 {
        let _ = screen_text(&b);
        keys(&mut b, &[Key::Down]);
    }
    keys(&mut b, &[Key::End]);
    assert_eq!(a_last, screen_text(&b));
    // And the real addresses (assets/demo/README.md: 10.77.1.1 and 10.77.1.2) never show.
    assert!(!a_last.contains("10.77.1."), "{a_last}");
    assert!(a_last.contains("192.0.2."), "{a_last}");
}
