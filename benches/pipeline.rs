//! Per-packet cost of each pipeline stage on a committed capture (`assets/demo/busy.pcap`, 339
//! packets of mixed TCP flows): reading, fast summary, full layered decode, flow tracking.
//! Run with `cargo bench --bench pipeline`; see docs/performance.md for whole-file figures.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use synack::decode;
use synack::flow::FlowTracker;
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

fn capture() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo/busy.pcap"
    ))
}

fn frames() -> Vec<Frame> {
    let mut reader = FileReader::open(capture()).expect("committed capture opens");
    let mut out = Vec::new();
    loop {
        let mut f = Frame {
            ts_ns: 0,
            len: 0,
            link: LinkType::ETHERNET,
            data: Vec::new(),
        };
        match reader.next_into(&mut f) {
            Ok(true) => out.push(f),
            _ => return out,
        }
    }
}

fn stages(c: &mut Criterion) {
    let frames = frames();
    let mut g = c.benchmark_group("per_packet");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function("read_file", |b| {
        b.iter(|| {
            let mut reader = FileReader::open(capture()).expect("opens");
            let mut f = Frame {
                ts_ns: 0,
                len: 0,
                link: LinkType::ETHERNET,
                data: Vec::new(),
            };
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
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
