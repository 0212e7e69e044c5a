//! Replays the committed fuzz corpus and every regression file (`fuzz/afl/corpus/*`,
//! `fuzz/afl/regressions/*`) through the same pipeline the AFL++ targets run
//! (`fuzz/pipeline.rs`: reader → summarize + decode → dump lines → flow tracker → reports).
//! No file may panic: a hostile capture ends in the reader's `Err`, never in a crash.
//! Needs nothing but the repository.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[path = "../fuzz/pipeline.rs"]
mod pipeline;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/afl")
}

/// The files of `dir`, sorted (empty when it does not exist; the callers check counts).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs `f` on every file, catching panics; returns the files that panicked with the message.
fn replay(paths: &[PathBuf], f: impl Fn(&[u8])) -> Vec<String> {
    let mut failed = Vec::new();
    for p in paths {
        let data = std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
        let r = panic::catch_unwind(AssertUnwindSafe(|| f(&data)));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            failed.push(format!("{}: {msg}", p.display()));
        }
    }
    failed
}

#[test]
fn reader_corpus_and_regressions_never_panic() {
    let corpus = files(&root().join("corpus/reader"));
    let regressions = files(&root().join("regressions/reader"));
    // The corpus is committed: an empty directory would make this test pass vacuously.
    assert!(corpus.len() >= 50, "only {} corpus files", corpus.len());
    assert!(!regressions.is_empty(), "no regression files");
    let all: Vec<PathBuf> = corpus.iter().chain(&regressions).cloned().collect();
    let (frames, segments, errors) = (Cell::new(0u64), Cell::new(0u64), Cell::new(0usize));
    let failed = replay(&all, |data| {
        let o = pipeline::run_capture(data);
        frames.set(frames.get() + o.frames);
        segments.set(segments.get() + o.segments);
        errors.set(errors.get() + usize::from(o.error.is_some()));
    });
    let (frames, segments, errors) = (frames.get(), segments.get(), errors.get());
    println!(
        "fuzz corpus (reader): {} files ({} regressions), {frames} frames, {segments} TCP segments, {errors} ended in an error, {} panicked",
        all.len(),
        regressions.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "panics:\n{}", failed.join("\n"));
    // The corpus holds real captures too, not only rejected headers.
    assert!(frames > 100, "only {frames} frames read");
}

#[test]
fn packet_corpus_and_regressions_never_panic() {
    let corpus = files(&root().join("corpus/packet"));
    let regressions = files(&root().join("regressions/packet"));
    assert!(corpus.len() >= 50, "only {} corpus files", corpus.len());
    let all: Vec<PathBuf> = corpus.iter().chain(&regressions).cloned().collect();
    let failed = replay(&all, pipeline::run_packet);
    println!(
        "fuzz corpus (packet): {} files ({} regressions), {} panicked",
        all.len(),
        regressions.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "panics:\n{}", failed.join("\n"));
}

#[test]
fn a_12_byte_simple_packet_block_is_an_error_not_a_panic() {
    // issue 10: `blen - 16` underflowed in src/source/pcapng.rs for a 12-byte SPB.
    let data = std::fs::read(root().join("regressions/reader/pcapng-spb-12-byte-block.pcapng"))
        .expect("regression file");
    let outcome = pipeline::run_capture(&data);
    assert_eq!(outcome.frames, 0);
    let err = outcome.error.expect("an error").to_string();
    assert!(err.contains("simple packet"), "{err}");
}
