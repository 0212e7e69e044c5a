//! Per-packet cost of each pipeline stage on a committed capture (`assets/demo/busy.pcap`, 339
//! packets of mixed TCP flows): reading, fast summary, full layered decode, flow tracking,
//! `dump`'s text line, and the viewer's packet index (copied bytes, or offsets into the capture
//! file). Then one frame of the packet screen (a key and a draw into a 120×40 `TestBackend`)
//! with 1 000 and 1 000 000 packets loaded, to show that drawing does not grow with the
//! capture. Run with `cargo bench --bench pipeline`; `cargo run --release --example bench-load --
//! FILE` measures the whole viewer on a real 2M-packet file (see docs/performance.md).

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::app::{App, Key, Msg, PacketStore, SourceKind};
use synack::decode;
use synack::flow::FlowTracker;
use synack::model::{Frame, FrameAt, LinkType};
use synack::source::FileReader;
use synack::ui;

fn capture() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo/busy.pcap"
    ))
}

fn frames() -> Vec<Frame> {
    let reader = FileReader::open(capture()).expect("committed capture opens");
    reader
        .frames()
        .collect::<Result<_, _>>()
        .expect("committed capture reads")
}

fn stages(c: &mut Criterion) {
    let frames = frames();
    let mut g = c.benchmark_group("per_packet");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function("read_file", |b| {
        b.iter(|| {
            let mut reader = FileReader::open(capture()).expect("opens");
            let mut f = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
            let mut n = 0u32;
            while let Ok(true) = reader.next_into(&mut f) {
                n += 1;
            }
            black_box(n)
        })
    });
    g.bench_function("summarize", |b| {
        b.iter(|| {
            for f in &frames {
                black_box(decode::summarize(f.link, &f.data, f.len));
            }
        })
    });
    g.bench_function("decode_full", |b| {
        b.iter(|| {
            for f in &frames {
                black_box(decode::decode(f.link, &f.data, f.len));
            }
        })
    });
    let segments: Vec<_> = frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            decode::summarize(f.link, &f.data, f.len)
                .tcp
                .map(|s| (i as u64 + 1, f.ts_ns, s, f.len))
        })
        .collect();
    g.bench_function("flow_track", |b| {
        b.iter(|| {
            let mut t = FlowTracker::new(100_000);
            for (no, ts, seg, len) in &segments {
                black_box(t.observe(*no, *ts, seg, *len));
            }
            black_box(t.len())
        })
    });
    g.bench_function("info_line", |b| {
        let summaries: Vec<_> = frames
            .iter()
            .map(|f| decode::summarize(f.link, &f.data, f.len))
            .collect();
        b.iter(|| {
            for s in &summaries {
                black_box(decode::info_line(s, None));
            }
        })
    });
    g.bench_function("text_line", |b| {
        let summaries: Vec<_> = frames
            .iter()
            .map(|f| decode::summarize(f.link, &f.data, f.len))
            .collect();
        let mut out = Vec::with_capacity(1 << 16);
        b.iter(|| {
            out.clear();
            for (i, (f, s)) in frames.iter().zip(&summaries).enumerate() {
                synack::cli::output::write_text(&mut out, i as u64 + 1, f, s, None, Some(3), None)
                    .expect("vec write");
            }
            black_box(out.len())
        })
    });
    g.bench_function("index_copied", |b| {
        b.iter_batched(
            PacketStore::new,
            |mut store| {
                for f in &frames {
                    store.push(f);
                }
                store
            },
            BatchSize::LargeInput,
        )
    });
    // Offsets into the capture file, as the viewer indexes a regular file.
    let (file, located) = located_frames();
    g.bench_function("index_in_file", |b| {
        b.iter_batched(
            || {
                let mut store = PacketStore::new();
                store.attach_file(std::sync::Arc::clone(&file));
                store
            },
            |mut store| {
                for f in &located {
                    store.push(f);
                }
                assert!(store.arena_bytes() == 0, "indexed, not copied");
                store
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// The committed capture, opened, and its frames located in it as the capture thread sends
/// them (each with its [`FrameAt::File`] offset).
fn located_frames() -> (std::sync::Arc<std::fs::File>, Vec<Frame>) {
    let mut reader = FileReader::open(capture()).expect("opens");
    let file = reader.shared_file().expect("a regular file");
    let mut f = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut frames = Vec::new();
    while let Ok(true) = reader.next_into(&mut f) {
        f.at = FrameAt::File(reader.data_offset());
        frames.push(f.clone());
    }
    (file, frames)
}

/// An app holding `n` packets (the committed capture repeated), its bytes copied.
fn loaded_app(frames: &[Frame], n: usize) -> App {
    let mut app = App::new(
        SourceKind::File {
            name: "bench".into(),
        },
        120,
        40,
    );
    let mut left = n;
    while left > 0 {
        let batch: Vec<Frame> = frames.iter().take(left).cloned().collect();
        left -= batch.len();
        app.update(Msg::Frames(batch));
    }
    app.update(Msg::Finished(Ok(())));
    app
}

fn render(c: &mut Criterion) {
    let frames = frames();
    let mut g = c.benchmark_group("render_120x40");
    for n in [1_000usize, 1_000_000] {
        let mut app = loaded_app(&frames, n);
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let keys = [Key::PageDown, Key::Down, Key::End, Key::PageUp, Key::Home];
        let mut i = 0usize;
        g.bench_function(format!("key_and_draw_{n}_packets"), |b| {
            b.iter(|| {
                i += 1;
                app.update(Msg::Key(keys[i % keys.len()]));
                term.draw(|f| ui::draw(f, &app)).expect("draw");
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stages, render);
criterion_main!(benches);
