//! Hostile text inside packets on the real screens: wide (CJK, emoji), combining,
//! zero-width, tag and separator characters and literal backslash escapes in an HTTP request
//! are drawn without shifting any row's border, and every invisible character is shown as an
//! escape. Uses the real decoder.

use etherparse::PacketBuilder;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::app::{App, Key, Msg, SourceKind};
use synack::model::{Frame, LinkType};

const HOSTILE: &str = "GET /日本語/e\u{301}\u{301}\u{301}/☺\u{fe0f}/x\u{e0068}\u{e0069}/\
                       a\u{2028}b\u{ad}c/\\x1b HTTP/1.1\r\nHost: ｗｉｄｅ.example\u{200d}\r\n\r\n";

fn frame() -> Frame {
    let mut data = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([192, 0, 2, 1], [192, 0, 2, 2], 64)
        .tcp(40000, 80, 1, 64240)
        .psh()
        .ack(1)
        .write(&mut data, HOSTILE.as_bytes())
        .expect("packet");
    Frame::new(
        1_700_000_000_000_000_000,
        data.len() as u32,
        LinkType::ETHERNET,
        data,
    )
}

/// The rendered rows as what a terminal shows: wide symbols take their cell and the next.
fn rows(t: &Terminal<TestBackend>) -> Vec<(String, usize)> {
    let buf = t.backend().buffer();
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        let mut text = String::new();
        let mut cells = 0;
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            let w = synack::sanitize::width(sym).max(1);
            text.push_str(sym);
            cells += w;
            x += u16::try_from(w).unwrap_or(1);
        }
        out.push((text, cells));
    }
    out
}

#[test]
fn wide_and_invisible_characters_do_not_shift_borders() {
    let (mut seen_wide, mut seen_escapes) = (false, false);
    let mut last = String::new();
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 50), (57, 20)] {
        for keys in [
            vec![],
            vec![Key::Enter],
            vec![Key::Enter, Key::Tab],
            vec![Key::Char('e')],
        ] {
            let mut app = App::new(
                SourceKind::File {
                    name: "t.pcap".into(),
                },
                w,
                h,
            );
            app.update(Msg::Frames(vec![frame()]));
            app.update(Msg::Finished(Ok(())));
            for k in keys.iter().copied() {
                app.update(Msg::Key(k));
            }
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
            t.draw(|f| synack::ui::draw(f, &app)).expect("draw");
            let all = rows(&t);
            let text: String = all.iter().map(|(r, _)| r.as_str()).collect();
            seen_wide |= text.contains("日本語");
            last = text.clone();
            seen_escapes |= text.contains("\\\\x1b") && text.contains("\\u{2028}");
            for (row, cells) in &all {
                assert_eq!(*cells, usize::from(w), "row shifted: {row:?}");
                for bad in [
                    '\u{200d}',
                    '\u{2028}',
                    '\u{ad}',
                    '\u{fe0f}',
                    '\u{e0068}',
                    '\u{1b}',
                ] {
                    assert!(!row.contains(bad), "{bad:?} drawn raw in {row:?}");
                }
            }
            // Rows inside a pane end with its right border at the last column.
            for (row, _) in all.iter().filter(|(r, _)| r.starts_with('│')) {
                assert!(row.ends_with('│') || row.ends_with('█'), "{row:?}");
            }
        }
    }
    assert!(seen_wide, "the wide text was drawn somewhere");
    // The literal backslash text stays distinguishable from an escaped ESC; the zero-width
    // joiner is shown as an escape.
    assert!(seen_escapes, "escapes shown: {last}");
}
