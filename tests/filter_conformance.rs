//! Display-filter conformance: every filter of tests/filter_conformance/filters.txt, on every
//! capture of files.txt (assets/demo, the tcpdump corpus and a sample of the public one),
//! must match exactly the frames `tshark -Y` (4.0.17) matches. tshark's answers are in
//! truth.txt, made by make_truth.sh beside it (tshark is not needed to run this test).
//! Differences tshark and synack are known to have are listed in EXCEPTIONS, each with its
//! reason and the exact number of frames that differ; an excepted filter never counts as
//! agreeing. Prints `N/M filters agree`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use synack::decode;
use synack::filter::{Filter, PacketCtx};
use synack::flow::FlowTracker;
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

/// (filter as in filters.txt, capture file name, frames that differ, why).
const EXCEPTIONS: &[(&str, &str, usize, &str)] = &[];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn here() -> PathBuf {
    root().join("tests/filter_conformance")
}

/// Frame lists "1-5,9" → set.
fn frames(text: &str) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (a.parse().expect("range start"), b.parse().expect("end"));
                out.extend(a..=b);
            }
            None => {
                out.insert(part.parse().expect("frame number"));
            }
        }
    }
    out
}

/// truth.txt → file → filter index → frames.
fn truth() -> BTreeMap<String, BTreeMap<usize, BTreeSet<u64>>> {
    let text = fs::read_to_string(here().join("truth.txt")).expect("truth.txt is committed");
    let mut out: BTreeMap<String, BTreeMap<usize, BTreeSet<u64>>> = BTreeMap::new();
    let mut cur = None;
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(f) = line.strip_prefix("= ") {
            cur = Some(f.to_owned());
            out.entry(f.to_owned()).or_default();
            continue;
        }
        let (idx, list) = line.split_once(' ').expect("INDEX FRAMES");
        assert_ne!(
            list, "ERROR",
            "tshark rejected filter {idx}: fix filters.txt"
        );
        let file = cur.clone().expect("a file line first");
        out.entry(file)
            .or_default()
            .insert(idx.parse().expect("index"), frames(list));
    }
    out
}

/// What each filter matches in `path`: frame numbers per filter.
fn ours(path: &Path, filters: &[Filter]) -> Vec<BTreeSet<u64>> {
    let mut out = vec![BTreeSet::new(); filters.len()];
    let mut reader = FileReader::open(path).expect("capture opens");
    let mut tracker = FlowTracker::new(10_000_000);
    let mut frame = Frame {
        ts_ns: 0,
        len: 0,
        link: LinkType::ETHERNET,
        data: Vec::new(),
    };
    let (mut number, mut first) = (0u64, None);
    // A cut capture: compare what was read, as tshark does.
    while reader.next_into(&mut frame).unwrap_or(false) {
        number += 1;
        let first_ns = *first.get_or_insert(frame.ts_ns);
        let layout = decode::layout(frame.link, &frame.data, frame.len);
        let flow = layout
            .summary
            .tcp
            .map(|seg| tracker.observe(number, frame.ts_ns, &seg, frame.len).flow);
        let ctx = PacketCtx {
            number,
            ts_ns: frame.ts_ns,
            first_ts_ns: first_ns,
            wire_len: frame.len,
            link: frame.link,
            data: &frame.data,
            flow: flow.and_then(|id| tracker.get(id)),
            conn: None,
            layout: Some(&layout),
        };
        for (i, f) in filters.iter().enumerate() {
            if f.matches(&ctx) {
                out[i].insert(number);
            }
        }
    }
    out
}

/// The corpus is there; under CI its absence fails the test.
fn corpus_present() -> bool {
    let present = root().join("../shared/corpus/tcpdump").is_dir();
    if !present {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but ../shared/corpus is missing: the filter conformance test needs it"
        );
        println!("SKIP: ../shared/corpus not found; only assets/demo is compared");
    }
    present
}

#[test]
fn filters_match_tshark() {
    let texts: Vec<String> = fs::read_to_string(here().join("filters.txt"))
        .expect("filters.txt")
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(texts.len() >= 60, "at least 60 filters");
    let filters: Vec<Filter> = texts
        .iter()
        .map(|t| Filter::compile(t).unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect();
    let truth = truth();
    let files: Vec<String> = fs::read_to_string(here().join("files.txt"))
        .expect("files.txt")
        .lines()
        .map(str::to_owned)
        .collect();
    let corpus = corpus_present();
    let mut failures = Vec::new();
    // Per filter: Some(false) once it differs anywhere, and whether an exception excused it.
    let mut differs = vec![false; filters.len()];
    let mut excused = vec![false; filters.len()];
    let mut used = vec![0usize; EXCEPTIONS.len()];
    let (mut pairs, mut pairs_ok, mut compared) = (0usize, 0usize, 0usize);
    for file in &files {
        if file.starts_with("../") && !corpus {
            continue;
        }
        let Some(want) = truth.get(file) else {
            failures.push(format!("{file}: not in truth.txt (run make_truth.sh)"));
            continue;
        };
        compared += 1;
        let name = Path::new(file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let got = ours(&root().join(file), &filters);
        for (i, got) in got.iter().enumerate() {
            pairs += 1;
            let empty = BTreeSet::new();
            let want = want.get(&i).unwrap_or(&empty);
            let diff: Vec<u64> = got.symmetric_difference(want).copied().collect();
            if diff.is_empty() {
                pairs_ok += 1;
                continue;
            }
            differs[i] = true;
            let exc = EXCEPTIONS
                .iter()
                .position(|(f, n, _, _)| *f == texts[i] && *n == name);
            match exc {
                Some(e) if EXCEPTIONS[e].2 == diff.len() => {
                    used[e] += 1;
                    excused[i] = true;
                }
                _ => {
                    let extra: Vec<_> = got.difference(want).take(8).collect();
                    let missing: Vec<_> = want.difference(got).take(8).collect();
                    failures.push(format!(
                        "[{}] on {file}: {} frames differ; synack only {extra:?}, tshark only \
                         {missing:?}",
                        texts[i],
                        diff.len()
                    ));
                }
            }
        }
    }
    for (e, n) in used.iter().enumerate() {
        let (f, file, count, _) = EXCEPTIONS[e];
        if *n == 0 && (corpus || !file.contains("corpus")) {
            failures.push(format!(
                "exception [{f}] on {file} ({count} frames) no longer applies: remove it"
            ));
        }
    }
    let agree = differs.iter().filter(|d| !**d).count();
    let excepted = excused.iter().filter(|e| **e).count();
    println!(
        "{agree}/{} filters agree with tshark on all {compared} captures ({excepted} differ \
         only where EXCEPTIONS explains why); {pairs_ok}/{pairs} (filter, capture) pairs agree",
        filters.len()
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
