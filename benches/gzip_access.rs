//! `gzip-access FILE.gz [SPAN]` (a dev-only binary: `cargo run --release --example gzip-access
//! -- big.pcap.gz`): measures the two ways the viewer could read a gzip capture on demand, for
//! docs/performance.md. (a) decompress once into an unlinked temporary file and read it back with `pread` (what
//! `FileReader::open_seekable` does); (b) a seekable checkpoint index: one full inflate pass to
//! place checkpoints (timed, nothing kept), then every random read inflates on average half a
//! span from its checkpoint (timed once).

use std::io::{Read, Write};
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: gzip-access FILE.gz [SPAN]");
    let span: usize = std::env::args()
        .nth(2)
        .map_or(1 << 20, |s| s.parse().expect("SPAN in bytes"));
    let open = || {
        let f = std::fs::File::open(&path).expect("open the .gz file");
        flate2::read::MultiGzDecoder::new(std::io::BufReader::new(f))
    };
    let t = Instant::now();
    let tmp = std::env::temp_dir().join(format!("gzip-access-{}", std::process::id()));
    let mut out = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&tmp)
        .expect("temporary file");
    std::fs::remove_file(&tmp).expect("unlink");
    let n = std::io::copy(&mut open(), &mut out).expect("decompress");
    out.flush().expect("flush");
    // Touch one byte per page with positioned reads, as the viewer reads frames back.
    let mut byte = [0u8; 1];
    let touched: u64 = (0..n)
        .step_by(4096)
        .map(|at| {
            std::os::unix::fs::FileExt::read_exact_at(&out, &mut byte, at).expect("read");
            u64::from(byte[0])
        })
        .sum();
    println!(
        "(a) decompress {n} bytes to an unlinked temp file and read it back: {:.2?} ({touched})",
        t.elapsed()
    );
    let t = Instant::now();
    let mut buf = vec![0u8; 1 << 16];
    let mut d = open();
    let mut m = 0u64;
    while let Ok(k) = d.read(&mut buf) {
        if k == 0 {
            break;
        }
        m += k as u64;
    }
    println!(
        "(b) one inflate pass (the least an index costs): {:.2?} ({m} bytes)",
        t.elapsed()
    );
    let t = Instant::now();
    let mut d = open();
    let mut left = span / 2;
    while left > 0 {
        match d.read(&mut buf[..left.min(1 << 16)]) {
            Ok(0) | Err(_) => break,
            Ok(k) => left -= k,
        }
    }
    println!(
        "(b) one random read: inflate ~{} KiB from a checkpoint: {:.2?}",
        span / 2048,
        t.elapsed()
    );
    let t = Instant::now();
    let len = n.max(1);
    let mut frame = [0u8; 128];
    let s: u64 = (0..100_000u64)
        .map(|i| {
            let at = i.wrapping_mul(2_654_435_761) % len;
            let k = std::os::unix::fs::FileExt::read_at(&out, &mut frame, at).unwrap_or(0);
            frame
                .get(..k)
                .map_or(0, |b| b.iter().map(|&x| u64::from(x)).sum())
        })
        .sum();
    println!(
        "(a) 100,000 random 128-byte positioned reads from the copy: {:.2?} ({s})",
        t.elapsed()
    );
}
