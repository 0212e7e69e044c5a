//! Compressed captures are read transparently: gzip, zstd and xz versions of a demo capture
//! (made here) give exactly the output of the plain file for `dump`, `flows` and stdin, and the
//! viewer's seekable open maps a decompressed copy; the gzip files of the public corpus
//! (`../shared/corpus/public-gz`) dump exactly like their uncompressed twins in `public/`.
//! Fails under `CI=true` when the corpus is missing; elsewhere it skips that part, saying so.

mod common;
mod prereq;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use synack::source::{Compression, FileReader};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/http.pcap");

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run synack");
    if let Some(data) = stdin {
        let mut i = child.stdin.take().expect("stdin");
        i.write_all(data).expect("write stdin");
    }
    child.wait_with_output().expect("synack output")
}

fn ok_stdout(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    lzma_rs::xz_compress(&mut std::io::Cursor::new(data), &mut out).unwrap();
    out
}

#[test]
fn demo_capture_compressed_three_ways_reads_like_the_plain_file() {
    let plain = std::fs::read(DEMO).expect("demo capture");
    let dir = tempfile::tempdir().unwrap();
    let plain_dump = ok_stdout(&run(&["dump", DEMO, "--format", "json"], None), "plain");
    let plain_flows = ok_stdout(&run(&["flows", DEMO, "--format", "json"], None), "plain");
    assert!(
        plain_dump.lines().count() > 5,
        "the demo capture has packets"
    );
    for (kind, packed, ext) in [
        (Compression::Gzip, gzip(&plain), "pcap.gz"),
        (Compression::Zstd, zstd(&plain), "pcap.zst"),
        (Compression::Xz, xz(&plain), "pcap.xz"),
    ] {
        assert_eq!(Compression::detect(&packed), Some(kind));
        let path = dir.path().join(format!("http.{ext}"));
        std::fs::write(&path, &packed).unwrap();
        let p = path.to_str().unwrap();
        let name = kind.name();
        let d = ok_stdout(&run(&["dump", p, "--format", "json"], None), name);
        assert_eq!(d, plain_dump, "{name}: dump differs from the plain file's");
        let f = ok_stdout(&run(&["flows", p, "--format", "json"], None), name);
        assert_eq!(
            f, plain_flows,
            "{name}: flows differs from the plain file's"
        );
        let s = ok_stdout(
            &run(&["dump", "-", "--format", "json"], Some(&packed)),
            name,
        );
        assert_eq!(s, plain_dump, "{name}: dump of stdin differs");

        // The viewer's open: a decompressed copy with every frame at its offset.
        let ctl = synack::source::StreamControl::unstoppable();
        let mut r = FileReader::open_seekable(&path, &ctl).expect("open seekable");
        assert_eq!(r.compression(), Some(kind));
        let copy = r
            .shared_file()
            .expect("a compressed file is readable at offsets after decompressing");
        let mut bytes = vec![0; plain.len()];
        std::os::unix::fs::FileExt::read_exact_at(&*copy, &mut bytes, 0).expect("read the copy");
        assert_eq!(copy.metadata().expect("metadata").len(), plain.len() as u64);
        assert_eq!(&bytes[..], &plain[..], "{name}: the copy is the plain file");
        let mut frame =
            synack::model::Frame::new(0, 0, synack::model::LinkType::ETHERNET, Vec::new());
        let mut n = 0;
        while r.next_into(&mut frame).expect("read") {
            let at = r.data_offset() as usize;
            assert_eq!(&bytes[at..at + frame.data.len()], &frame.data[..]);
            n += 1;
        }
        assert_eq!(n, plain_dump.lines().count());
    }
}

#[test]
fn cut_compressed_file_keeps_packets_before_the_cut_and_says_why() {
    let plain = std::fs::read(DEMO).expect("demo capture");
    let packed = gzip(&plain);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.pcap.gz");
    std::fs::write(&path, &packed[..packed.len() / 2]).unwrap();
    let out = run(&["dump", path.to_str().unwrap()], None);
    assert!(!out.status.success(), "a cut gzip file is an error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("synack: ") && err.contains("gzip"), "{err}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).is_empty(),
        "packets before the cut are printed"
    );
}

fn public_gz() -> Option<PathBuf> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/public-gz"
    ));
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    common::missing_prerequisite(&format!(
        "the gzip corpus is not at {} (see ../shared/corpus/MANIFEST.md)",
        dir.display()
    ));
    None
}

#[test]
fn public_gzip_captures_dump_like_their_uncompressed_twins() {
    let Some(dir) = public_gz() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let (mut twins, mut alone) = (0, 0);
    for gz in &files {
        let out = run(&["dump", gz.to_str().unwrap(), "--format", "json"], None);
        let name = common::file_name(gz);
        let lines = ok_stdout(&out, &name);
        assert!(lines.lines().count() > 0, "{name}: no packets");
        let twin = dir
            .join("../public")
            .join(name.strip_suffix(".gz").unwrap_or(&name));
        if twin.is_file() {
            let plain = run(&["dump", twin.to_str().unwrap(), "--format", "json"], None);
            assert_eq!(
                lines,
                ok_stdout(&plain, "twin"),
                "{name}: differs from its twin"
            );
            twins += 1;
        } else {
            alone += 1;
        }
    }
    println!(
        "{} gzip captures read: {twins} identical to their uncompressed twin, {alone} without one",
        files.len()
    );
    assert!(twins >= 5, "the corpus has five twins");
}
