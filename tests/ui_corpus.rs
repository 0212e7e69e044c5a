//! The packet screen on real captures: every file of the public corpus
//! (`../shared/corpus/tcpdump`, many deliberately malformed) is read with `source::FileReader`,
//! fed to the app with the real decoder, and its first packets (plus the last) are selected
//! and drawn in every pane at 80×24 and 120×40 — no panic, every cell free of control
//! characters. Skips with a reason when the corpus is missing.

use std::path::Path;

mod prereq;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::app::{App, Key, Msg, SourceKind};
use synack::model::Frame;
use synack::source::FileReader;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/tcpdump");
/// Packets per file that are selected and drawn (the list is drawn for all of them anyway).
const STEPS: usize = 8;

fn load(path: &Path) -> (Vec<Frame>, Option<String>) {
    let mut frames = Vec::new();
    let reader = match FileReader::open(path) {
        Ok(r) => r,
        Err(e) => return (frames, Some(e.to_string())),
    };
    for frame in reader.frames() {
        match frame {
            Ok(f) => frames.push(f),
            Err(e) => return (frames, Some(e.to_string())),
        }
    }
    (frames, None)
}

fn check_clean(t: &Terminal<TestBackend>, what: &str) {
    for cell in t.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "{what}: control character {:?} on screen",
            cell.symbol()
        );
    }
}

#[test]
fn every_corpus_capture_renders_in_every_pane() {
    let dir = Path::new(CORPUS);
    if !prereq::require(&[prereq::Prereq::Corpus]) {
        return;
    }
    let entries = std::fs::read_dir(dir).expect("corpus folder readable");
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut files = 0;
    let mut packets = 0;
    for path in &paths {
        let (frames, err) = load(path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let mut app = App::new(SourceKind::File { name: name.clone() }, w, h);
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            let n = frames.len();
            app.update(Msg::Frames(frames.clone()));
            app.update(Msg::Finished(err.clone().map_or(Ok(()), Err)));
            let mut draw = |app: &App, what: &str| {
                t.draw(|f| synack::ui::draw(f, app)).unwrap();
                check_clean(&t, &format!("{name} {w}x{h} {what}"));
            };
            for i in 0..n.min(STEPS) {
                draw(&app, &format!("packet {i}"));
                // Layers (to the end), hex (to the end), back to the list, next packet.
                for k in [Key::Tab, Key::End, Key::Tab, Key::End, Key::Tab, Key::Down] {
                    app.update(Msg::Key(k));
                    if k == Key::End {
                        draw(&app, &format!("packet {i} after {k:?}"));
                    }
                }
            }
            app.update(Msg::Key(Key::End));
            draw(&app, "last packet");
            assert_eq!(app.store().len(), n);
        }
        files += 1;
        packets += frames.len();
    }
    println!("drew {files} captures, {packets} packets");
    assert!(
        files > 500,
        "expected the whole corpus, found {files} files"
    );
}
