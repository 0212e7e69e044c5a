//! Tests of `FileReader` over generated pcap/pcapng files, error cases, and the public corpus.
//! Depends on `super::testfiles`, tempfile and proptest.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::testfiles::*;
use super::{FileReader, FrameNote, SourceError};
use crate::model::{Frame, LinkType};

fn write_temp(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

fn empty_frame() -> Frame {
    Frame::new(0, 0, LinkType(0), Vec::new())
}

/// Reads every frame; returns them with the final error (None on a clean end).
fn read_all(r: &mut FileReader) -> (Vec<Frame>, Option<SourceError>) {
    let mut out = Vec::new();
    let mut f = empty_frame();
    loop {
        match r.next_into(&mut f) {
            Ok(true) => out.push(f.clone()),
            Ok(false) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

/// Reads every frame, checking that [`FileReader::data_offset`] points at its bytes in
/// `input` (and, for a regular file, in [`FileReader::shared_file`]).
fn read_all_checking_offsets(r: &mut FileReader, input: &[u8]) -> Vec<Frame> {
    use std::os::unix::fs::FileExt;
    let shared = r.shared_file();
    let mut out = Vec::new();
    let mut f = empty_frame();
    while let Ok(true) = r.next_into(&mut f) {
        let at = r.data_offset() as usize;
        let there = input.get(at..at + f.data.len());
        assert_eq!(there, Some(&f.data[..]), "frame {} at {at}", out.len() + 1);
        if let Some(file) = &shared {
            let mut back = vec![0u8; f.data.len()];
            file.read_exact_at(&mut back, at as u64).expect("read back");
            assert_eq!(Some(&back[..]), there);
        }
        out.push(f.clone());
    }
    out
}

/// A reader that hands out at most 5 bytes per call, like a slow pipe.
struct Dribble(Vec<u8>, usize);
impl Read for Dribble {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let rest = self.0.get(self.1..).unwrap_or(&[]);
        let k = rest.len().min(5).min(out.len());
        out[..k].copy_from_slice(&rest[..k]);
        self.1 += k;
        Ok(k)
    }
}

/// Reads the bytes both from a temp file and from a dribbling stream; both must agree.
fn read_both(bytes: &[u8]) -> (Vec<Frame>, Option<SourceError>) {
    let tmp = write_temp(bytes);
    let mut r = FileReader::open(tmp.path()).unwrap();
    assert_eq!(r.total_bytes(), Some(bytes.len() as u64));
    let (frames, err) = read_all(&mut r);
    if err.is_none() {
        assert_eq!(
            r.bytes_read(),
            bytes.len() as u64,
            "a clean end consumed the whole file"
        );
    }
    assert_eq!(r.frames_read(), frames.len() as u64);
    let mut s = FileReader::from_reader(Box::new(Dribble(bytes.to_vec(), 0)), "-").unwrap();
    assert_eq!(s.total_bytes(), None);
    assert_eq!(s.name(), "-");
    let (sframes, serr) = read_all(&mut s);
    assert_eq!(frames, sframes, "file and streamed reads agree");
    // Data offsets point at each frame's bytes, in the file (shared) or streamed (not shared).
    let mut m = FileReader::open(tmp.path()).unwrap();
    assert!(m.shared_file().is_some(), "a regular file is shared");
    assert_eq!(read_all_checking_offsets(&mut m, bytes), frames);
    let mut s = FileReader::from_reader(Box::new(Dribble(bytes.to_vec(), 0)), "-").unwrap();
    assert!(s.shared_file().is_none());
    assert_eq!(read_all_checking_offsets(&mut s, bytes), frames);
    assert_eq!(
        format!("{err:?}").replace(&tmp.path().display().to_string(), "-"),
        format!("{serr:?}")
    );
    (frames, err)
}

fn three_recs() -> Vec<Rec> {
    vec![
        Rec::new(1_700_000_000, 1, &[1, 2, 3, 4, 5]),
        Rec::new(1_700_000_001, 999_999, &[6; 60]),
        Rec {
            orig: 1500,
            ..Rec::new(1_700_000_002, 500_000, &[7; 33])
        },
    ]
}

fn check_three(frames: &[Frame], nanos: bool, link: LinkType) {
    let unit = if nanos { 1 } else { 1000 };
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].ts_ns, 1_700_000_000_000_000_000 + unit);
    assert_eq!(frames[1].ts_ns, 1_700_000_001_000_000_000 + 999_999 * unit);
    assert_eq!(frames[2].ts_ns, 1_700_000_002_000_000_000 + 500_000 * unit);
    assert_eq!(frames[0].data, vec![1, 2, 3, 4, 5]);
    assert_eq!(frames[1].data, vec![6; 60]);
    assert_eq!(frames[2].data, vec![7; 33]);
    assert_eq!(frames[2].len, 1500);
    assert_eq!(frames[2].caplen(), 33);
    assert!(frames.iter().all(|f| f.link == link));
}

#[test]
fn pcap_microseconds_little_endian() {
    let bytes = pcap(false, false, 1, &three_recs());
    let (frames, err) = read_both(&bytes);
    assert!(err.is_none(), "{err:?}");
    check_three(&frames, false, LinkType::ETHERNET);
    let tmp = write_temp(&bytes);
    assert_eq!(
        FileReader::open(tmp.path()).unwrap().link_type(),
        Some(LinkType::ETHERNET)
    );
}

#[test]
fn pcap_microseconds_big_endian() {
    let bytes = pcap(true, false, 113, &three_recs());
    let (frames, err) = read_both(&bytes);
    assert!(err.is_none(), "{err:?}");
    check_three(&frames, false, LinkType::LINUX_SLL);
}

#[test]
fn pcap_nanoseconds_both_orders() {
    for be in [false, true] {
        let bytes = pcap(be, true, 101, &three_recs());
        let (frames, err) = read_both(&bytes);
        assert!(err.is_none(), "{err:?}");
        check_three(&frames, true, LinkType::RAW);
    }
}

#[test]
fn pcap_link_type_ignores_fcs_bits() {
    // Upper bits of the link-type field carry FCS information, not the link type.
    let bytes = pcap(false, false, 0x1400_0001, &three_recs());
    let tmp = write_temp(&bytes);
    assert_eq!(
        FileReader::open(tmp.path()).unwrap().link_type(),
        Some(LinkType::ETHERNET)
    );
}

fn two_interface_ng(be: bool) -> Vec<u8> {
    let mut b = shb(be);
    b.extend(idb(be, 1, 65535, &[]));
    // Interface 1: raw IP, nanosecond resolution, 100 s offset.
    let off: i64 = 100;
    let off_bytes = if be {
        off.to_be_bytes()
    } else {
        off.to_le_bytes()
    };
    b.extend(idb(
        be,
        101,
        0,
        &[
            opt(2, b"tun0", be),
            opt(9, &[9], be),
            opt(14, &off_bytes, be),
        ],
    ));
    b.extend(epb(be, 0, 1_700_000_000_123_456, &[0xaa; 14], 14));
    b.extend(epb(be, 1, 1_700_000_000_123_456_789, &[0x45, 0, 0, 20], 20));
    b.extend(epb(be, 0, 1_700_000_001_000_000, &[0xbb; 3], 3));
    b
}

#[test]
fn pcapng_two_interfaces_with_tsresol_both_orders() {
    for be in [false, true] {
        let bytes = two_interface_ng(be);
        let (frames, err) = read_both(&bytes);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].link, LinkType::ETHERNET);
        assert_eq!(frames[0].ts_ns, 1_700_000_000_123_456_000);
        assert_eq!(frames[1].link, LinkType::RAW);
        assert_eq!(frames[1].ts_ns, 1_700_000_100_123_456_789);
        assert_eq!(frames[1].data, vec![0x45, 0, 0, 20]);
        assert_eq!(frames[1].len, 20);
        assert_eq!(frames[2].link, LinkType::ETHERNET);
        assert_eq!(frames[2].ts_ns, 1_700_000_001_000_000_000);
        let tmp = write_temp(&bytes);
        assert_eq!(
            FileReader::open(tmp.path()).unwrap().link_type(),
            Some(LinkType::ETHERNET)
        );
    }
}

#[test]
fn pcapng_binary_resolution_and_simple_packets() {
    let be = false;
    let mut b = shb(be);
    b.extend(idb(be, 228, 4, &[opt(9, &[0x80 | 10], be)]));
    b.extend(epb(be, 0, 1024 * 3 + 512, &[1, 2, 3, 4], 9));
    b.extend(spb(be, &[9, 8, 7, 6, 5, 4], 6));
    let (frames, err) = read_both(&b);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].ts_ns, 3_500_000_000);
    assert_eq!(frames[0].link, LinkType::IPV4);
    assert_eq!(
        frames[1].data,
        vec![9, 8, 7, 6],
        "simple packet cut to the snaplen"
    );
    assert_eq!(frames[1].len, 6);
}

#[test]
fn pcapng_new_section_resets_interfaces_and_byte_order() {
    let mut b = two_interface_ng(false);
    b.extend(shb(true));
    b.extend(idb(true, 113, 0, &[]));
    b.extend(epb(true, 0, 5_000_000, &[1; 16], 16));
    let (frames, err) = read_both(&b);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames.len(), 4);
    assert_eq!(frames[3].link, LinkType::LINUX_SLL);
    assert_eq!(frames[3].ts_ns, 5_000_000_000);
}

#[test]
fn truncated_pcap_returns_every_packet_before_the_cut() {
    let bytes = pcap(false, false, 1, &three_recs());
    // Record 3 starts after the header (24) and records 1 (16+5) and 2 (16+60).
    let third = 24 + 21 + 76;
    for cut in [third + 3, third + 16, third + 20, bytes.len() - 1] {
        let (frames, err) = read_both(&bytes[..cut]);
        assert_eq!(frames.len(), 2, "cut at {cut}");
        check_three(
            &[frames[0].clone(), frames[1].clone(), three_recs_frame()],
            false,
            LinkType::ETHERNET,
        );
        match err {
            Some(SourceError::Truncated {
                packet,
                offset,
                available,
                ..
            }) => {
                assert_eq!(packet, 3);
                assert_eq!(offset, third as u64);
                assert_eq!(available, (cut - third) as u64);
            }
            other => panic!("expected Truncated, got {other:?}"),
        }
    }
}

fn three_recs_frame() -> Frame {
    Frame::new(
        1_700_000_002_500_000_000,
        1500,
        LinkType::ETHERNET,
        vec![7; 33],
    )
}

#[test]
fn truncated_message_names_packet_and_offset() {
    let bytes = pcap(false, false, 1, &three_recs());
    let tmp = write_temp(&bytes[..bytes.len() - 10]);
    let mut r = FileReader::open(tmp.path()).unwrap();
    let (_, err) = read_all(&mut r);
    let err = err.unwrap();
    assert!(err.is_truncated());
    let msg = err.to_string();
    assert!(msg.contains("packet 3"), "{msg}");
    assert!(msg.contains("byte 121"), "{msg}");
    assert!(msg.contains(&tmp.path().display().to_string()), "{msg}");
    // The error is sticky.
    let mut f = empty_frame();
    assert!(r.next_into(&mut f).is_err());
}

#[test]
fn truncated_pcapng() {
    let bytes = two_interface_ng(false);
    let last_len = epb(false, 0, 0, &[0xbb; 3], 3).len();
    let start = bytes.len() - last_len;
    let (frames, err) = read_both(&bytes[..bytes.len() - 2]);
    assert_eq!(frames.len(), 2);
    match err {
        Some(SourceError::Truncated {
            packet,
            offset,
            needed,
            ..
        }) => {
            assert_eq!(packet, 3);
            assert_eq!(offset, start as u64);
            assert_eq!(needed, last_len as u64);
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
}

#[test]
fn truncated_headers() {
    let bytes = pcap(false, false, 1, &[]);
    let tmp = write_temp(&bytes[..10]);
    let err = FileReader::open(tmp.path()).unwrap_err();
    assert!(
        matches!(
            err,
            SourceError::TruncatedHeader {
                format: "pcap",
                available: 10,
                ..
            }
        ),
        "{err:?}"
    );
    let ng = shb(false);
    let tmp = write_temp(&ng[..20]);
    let err = FileReader::open(tmp.path()).unwrap_err();
    assert!(
        matches!(
            err,
            SourceError::TruncatedHeader {
                format: "pcapng",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn garbage_file_is_not_a_capture() {
    let tmp = write_temp(b"<html><body>hello</body></html>\n");
    let err = FileReader::open(tmp.path()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, SourceError::NotCapture { .. }), "{err:?}");
    assert!(msg.contains("3c 68 74 6d"), "{msg}");
    assert!(msg.contains("<html>"), "{msg}");
    assert!(msg.contains("text"), "{msg}");
    assert!(msg.contains("capinfos"), "{msg}");
    let tmp = write_temp(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    let msg = FileReader::open(tmp.path()).unwrap_err().to_string();
    assert!(msg.contains("gzip data is cut short or corrupt"), "{msg}");
}

#[test]
fn missing_file() {
    let path = Path::new("/nonexistent/dir/capture.pcap");
    let err = FileReader::open(path).unwrap_err();
    assert!(matches!(err, SourceError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/dir/capture.pcap"));
}

#[test]
fn permission_error_maps_to_its_own_variant() {
    // Root can read anything, so check the mapping itself.
    let err = SourceError::open(
        Path::new("x.pcap"),
        io::Error::from(io::ErrorKind::PermissionDenied),
    );
    assert!(matches!(err, SourceError::PermissionDenied { .. }));
    assert!(err.to_string().contains("permission denied"));
}

#[test]
fn empty_file_and_empty_stream() {
    let tmp = write_temp(b"");
    assert!(matches!(
        FileReader::open(tmp.path()),
        Err(SourceError::Empty { .. })
    ));
    // A closed stdin is not "an empty file": it says stdin was closed with no data.
    let r = FileReader::from_reader(Box::new(io::empty()), "-");
    assert!(matches!(r, Err(SourceError::NoData { .. })));
    let text = r.unwrap_err().to_string();
    assert!(
        text.contains("standard input was closed with no data") && !text.contains("empty"),
        "{text}"
    );
}

#[test]
fn directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = FileReader::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn pcapng_without_interface() {
    // A section header alone: no packets, no error (tshark: 0 packets, exit 0).
    for be in [false, true] {
        let (frames, err) = read_both(&shb(be));
        assert!(frames.is_empty() && err.is_none(), "{err:?}");
        let tmp = write_temp(&shb(be));
        assert_eq!(FileReader::open(tmp.path()).unwrap().link_type(), None);
    }
    // An interface but no packets is a valid, empty capture.
    let mut b = shb(false);
    b.extend(idb(false, 1, 0, &[]));
    let (frames, err) = read_both(&b);
    assert!(frames.is_empty() && err.is_none());
}

#[test]
fn absurd_caplen_is_refused_without_allocating() {
    let mut bytes = pcap(false, false, 1, &three_recs()[..1]);
    // A record header claiming 4 GiB.
    bytes.extend_from_slice(&[
        0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    let (frames, err) = read_both(&bytes);
    assert_eq!(frames.len(), 1);
    match err {
        Some(SourceError::AbsurdLength {
            packet,
            caplen,
            offset,
            ..
        }) => {
            assert_eq!(packet, 2);
            assert_eq!(caplen, u64::from(u32::MAX));
            assert_eq!(offset, 24 + 21);
        }
        other => panic!("expected AbsurdLength, got {other:?}"),
    }
    // pcapng: a block claiming 3 GiB.
    let mut b = shb(false);
    b.extend(idb(false, 1, 0, &[]));
    b.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0]);
    let (_, err) = read_both(&b);
    assert!(
        matches!(err, Some(SourceError::AbsurdLength { packet: 1, .. })),
        "{err:?}"
    );
}

#[test]
fn undefined_interface_names_the_packet() {
    let mut b = shb(false);
    b.extend(idb(false, 1, 0, &[]));
    b.extend(epb(false, 0, 1, &[1], 1));
    b.extend(epb(false, 5, 2, &[2], 1));
    let (frames, err) = read_both(&b);
    assert_eq!(frames.len(), 1);
    match err {
        Some(SourceError::UndefinedInterface {
            packet,
            interface,
            defined,
            ..
        }) => {
            assert_eq!((packet, interface, defined), (2, 5, 1));
        }
        other => panic!("expected UndefinedInterface, got {other:?}"),
    }
}

#[test]
fn packet_block_shorter_than_its_header_is_malformed() {
    let mut b = shb(false);
    b.extend(idb(false, 1, 0, &[]));
    b.extend(block(6, &[0xff; 4], false));
    b.extend(epb(false, 0, 1, &[1, 2, 3, 4], 4));
    let (frames, err) = read_both(&b);
    assert!(frames.is_empty());
    assert!(
        matches!(&err, Some(SourceError::Malformed { packet: 1, what, .. }) if what.contains("shorter")),
        "{err:?}"
    );
}

#[test]
fn mismatched_block_lengths_are_malformed() {
    let mut b = shb(false);
    b.extend(idb(false, 1, 0, &[]));
    let mut bad = epb(false, 0, 1, &[1, 2, 3, 4], 4);
    let n = bad.len();
    bad[n - 4] ^= 0x40;
    b.extend(bad);
    let (_, err) = read_both(&b);
    assert!(
        matches!(err, Some(SourceError::Malformed { packet: 1, .. })),
        "{err:?}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Any corruption of a valid file never panics, and the frames returned stay bounded.
    #[test]
    fn corrupted_files_never_panic(
        ng in proptest::bool::ANY,
        edits in proptest::collection::vec((0usize..400, proptest::num::u8::ANY), 0..6),
        cut in 0usize..400,
    ) {
        let mut bytes = if ng { two_interface_ng(false) } else { pcap(false, false, 1, &three_recs()) };
        for (at, v) in edits {
            let len = bytes.len();
            bytes[at % len] = v;
        }
        bytes.truncate(cut.max(1).min(bytes.len()));
        if let Ok(mut r) = FileReader::from_reader(Box::new(io::Cursor::new(bytes.clone())), "-") {
            let (frames, _) = read_all(&mut r);
            proptest::prop_assert!(frames.len() <= 3);
            proptest::prop_assert!(frames.iter().all(|f| f.data.len() <= bytes.len()));
        }
    }
}

/// The corpus, or `None` (a failure under `CI=true`, a visible skip elsewhere).
fn corpus_dir() -> Option<PathBuf> {
    crate::prereq::corpus()
}

/// Records where synack's timestamp differs from tshark's on purpose, with the reason.
const TS_EXCEPTIONS: &[(&str, u32, &str)] = &[(
    "timestamp_invalid_micro.pcap",
    3,
    "the record's fraction is 2^31 µs; tshark multiplies by 1000 in 32 bits and gets 0, \
     synack adds the 2147.48 s it says",
)];

/// Parses tshark's `frame.time_epoch` (`SECONDS.NNNNNNNNN`) into nanoseconds. Returns None
/// for the forms tshark prints when a record's fraction is out of range (more than 9 digits or
/// a negative fraction: its own 32-bit overflow of e.g. 1_000_000 µs); those records are not
/// compared, since synack adds such fractions arithmetically instead.
fn parse_epoch_ns(text: &str) -> Option<i64> {
    let (sec, frac) = text.split_once('.')?;
    if frac.len() != 9 || !frac.bytes().all(|b| b.is_ascii_digit()) || sec.starts_with('-') {
        return None;
    }
    Some(sec.parse::<i64>().ok()? * 1_000_000_000 + frac.parse::<i64>().ok()?)
}

/// In every corpus capture (pcap and pcapng, many link types and options), each frame's data
/// offset points at its bytes in the file.
#[test]
fn corpus_data_offsets_point_at_the_bytes() {
    let Some(dir) = corpus_dir() else { return };
    let mut frames = 0;
    for entry in std::fs::read_dir(dir.join("tcpdump")).unwrap() {
        let path = entry.unwrap().path();
        let Ok(mut r) = FileReader::open(&path) else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        frames += read_all_checking_offsets(&mut r, &bytes).len();
    }
    assert!(frames > 5_000, "only {frames} frames in the corpus");
}

/// Every corpus capture reads without panic; where tshark read it cleanly, the packet counts
/// agree (the truth TSV has a header row plus one row per packet).
#[test]
fn corpus_reads_and_counts_match_tshark() {
    let Some(dir) = corpus_dir() else { return };
    let mut names: Vec<_> = std::fs::read_dir(dir.join("tcpdump"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut agree, mut compared) = (0, 0);
    let mut mismatches = Vec::new();
    for name in &names {
        let path = dir.join("tcpdump").join(name);
        let truth = std::fs::read_to_string(
            dir.join("truth/tcpdump")
                .join(format!("{name}.packets.tsv")),
        )
        .ok()
        .map(|t| t.lines().count().saturating_sub(1));
        let (frames, err) = match FileReader::open(&path) {
            Ok(mut r) => read_all(&mut r),
            Err(e) => (Vec::new(), Some(e)),
        };
        let count = frames.len();
        if let Some(e) = &err {
            eprintln!("  {name}: after {count} packets: {e}");
        }
        let tshark_refused = dir
            .join("truth/tcpdump")
            .join(format!("{name}.tshark.err"))
            .exists();
        if tshark_refused {
            // tshark does not know the link type (see the .tshark.err file), so it has no rows.
            assert!(err.is_none(), "{name}: {err:?}");
            continue;
        }
        if let Some(t) = truth {
            compared += 1;
            if t == count {
                agree += 1;
                let tsv = std::fs::read_to_string(
                    dir.join("truth/tcpdump")
                        .join(format!("{name}.packets.tsv")),
                )
                .unwrap();
                for (row, f) in tsv.lines().skip(1).zip(&frames) {
                    let cols: Vec<&str> = row.split('\t').collect();
                    let want_ts = parse_epoch_ns(cols[1]);
                    let want = (
                        want_ts,
                        cols[2].parse::<u32>().ok(),
                        cols[3].parse::<usize>().ok(),
                    );
                    let got = (want_ts.map(|_| f.ts_ns), Some(f.len), Some(f.data.len()));
                    let excepted = TS_EXCEPTIONS
                        .iter()
                        .any(|(n, no, _)| n == name && cols[0] == no.to_string());
                    if want != got && !(excepted && want.1 == got.1 && want.2 == got.2) {
                        mismatches.push(format!(
                            "{name} packet {}: synack {got:?}, tshark {want:?}",
                            cols[0]
                        ));
                        break;
                    }
                }
            } else {
                mismatches.push(format!(
                    "{name}: synack {count}, tshark {t}, error {:?}",
                    err.map(|e| e.to_string())
                ));
            }
        }
    }
    eprintln!("corpus: {agree}/{compared} captures agree with tshark (count, timestamps, lengths)");
    for m in &mismatches {
        eprintln!("  {m}");
    }
    assert!(compared > 400, "only {compared} truth files found");
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
}

/// A pcap of `n` records of 100 bytes each (116 bytes per record with its header).
fn hundred_byte_recs(n: u32) -> Vec<u8> {
    let recs: Vec<Rec> = (0..n)
        .map(|i| Rec::new(1_000 + i, 0, &[(i % 251) as u8; 100]))
        .collect();
    pcap(false, false, 1, &recs)
}

#[test]
fn a_file_truncated_while_read_says_so_after_every_packet_before() {
    for cut_at in [24 + 116 * 20_000, 24 + 116 * 20_000 + 50] {
        // A record boundary (would look like a clean end) and the middle of a record.
        let bytes = hundred_byte_recs(30_000);
        let tmp = write_temp(&bytes);
        let mut r = FileReader::open(tmp.path()).unwrap();
        let mut f = empty_frame();
        for _ in 0..10 {
            assert!(r.next_into(&mut f).unwrap());
        }
        // Another program rewrites the file (`tcpdump -w` on the same name truncates it).
        std::fs::OpenOptions::new()
            .write(true)
            .open(tmp.path())
            .unwrap()
            .set_len(cut_at as u64)
            .unwrap();
        let (frames, err) = read_all(&mut r);
        assert_eq!(frames.len() + 10, 20_000, "every packet before the cut");
        let err = err.expect("an error, not a clean end");
        assert!(
            matches!(
                err,
                SourceError::Shrunk {
                    packets: 20_000,
                    ..
                }
            ),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("the file was truncated while being read"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("{} bytes when opened", bytes.len())),
            "{msg}"
        );
        assert!(msg.contains("The 20000 packets before were read"), "{msg}");
        // Asked again, the same error.
        assert!(matches!(
            r.next_into(&mut f),
            Err(SourceError::Shrunk { .. })
        ));
    }
}

#[test]
fn a_file_emptied_while_read_ends_with_the_error_not_a_crash() {
    let bytes = hundred_byte_recs(50_000);
    let tmp = write_temp(&bytes);
    let mut r = FileReader::open(tmp.path()).unwrap();
    let mut f = empty_frame();
    assert!(r.next_into(&mut f).unwrap());
    std::fs::File::create(tmp.path()).unwrap(); // truncates to 0, as `tcpdump -w` does
    let (frames, err) = read_all(&mut r);
    // What was already buffered is returned, then the reason.
    assert!(frames.len() < 50_000);
    assert!(
        matches!(err, Some(SourceError::Shrunk { now: 0, .. })),
        "{err:?}"
    );
}

/// A Simple Packet Block of 12 bytes (no room for its original length) used to underflow
/// `blen - 16` (a panic in debug builds, "claims 4294967292 captured bytes" in release).
#[test]
fn twelve_byte_simple_packet_block_is_malformed_not_a_panic() {
    for be in [false, true] {
        let mut b = shb(be);
        b.extend(idb(be, 1, 0, &[]));
        b.extend(spb(be, &[0xab; 20], 20));
        // type 3, length 12, trailing length 12.
        let len = if be {
            12u32.to_be_bytes()
        } else {
            12u32.to_le_bytes()
        };
        let ty = if be {
            3u32.to_be_bytes()
        } else {
            3u32.to_le_bytes()
        };
        b.extend(ty);
        b.extend(len);
        b.extend(len);
        let (frames, err) = read_both(&b);
        assert_eq!(frames.len(), 1, "the packet before it is read");
        let err = err.expect("the 12-byte block is an error");
        assert!(matches!(err, SourceError::Malformed { .. }), "{err:?}");
        assert!(err.to_string().contains("16-byte header"), "{err}");
    }
}

/// Rewrites the length fields of the block at `at` (whose real length is `len`, a multiple of
/// 4) to `claimed`, and drops its padding when `drop_padding`.
fn unpad(b: &mut Vec<u8>, at: usize, len: usize, claimed: u32, drop_padding: bool) {
    b[at + 4..at + 8].copy_from_slice(&claimed.to_le_bytes());
    let trailer = if drop_padding {
        let cut = len - claimed as usize;
        b.drain(at + len - 4 - cut..at + len - 4);
        at + claimed as usize - 4
    } else {
        at + len - 4
    };
    b[trailer..trailer + 4].copy_from_slice(&claimed.to_le_bytes());
}

#[test]
fn unpadded_pcapng_blocks_are_read_with_a_note() {
    let data: Vec<u8> = (0u8..61).collect(); // 61 bytes: 3 bytes of padding in its block
    for drop_padding in [false, true] {
        let mut b = shb(false);
        b.extend(idb(false, 1, 0, &[]));
        let at = b.len();
        let block = epb(false, 0, 5_000_000, &data, 61);
        let len = block.len();
        b.extend(block);
        b.extend(epb(false, 0, 6_000_000, &data, 61));
        // The early NTAR writers' length: header + data, without the padding.
        unpad(&mut b, at, len, (len - 3) as u32, drop_padding);
        let tmp = write_temp(&b);
        let mut r = FileReader::open(tmp.path()).unwrap();
        let mut f = empty_frame();
        assert!(r.next_into(&mut f).unwrap());
        assert_eq!(f.data, data, "padding={}", !drop_padding);
        assert_eq!(r.frame_note(), Some(FrameNote::UnpaddedBlock));
        assert!(r.frame_note().unwrap().message().contains("NTAR"));
        assert!(
            r.next_into(&mut f).unwrap(),
            "the packet after it is not lost"
        );
        assert_eq!(f.ts_ns, 6_000_000_000);
        assert_eq!(r.frame_note(), None, "noted once");
        assert!(!r.next_into(&mut f).unwrap());
    }
    // A length not a multiple of 4 that no trailing length confirms is still corrupt.
    let mut b = shb(false);
    b.extend(idb(false, 1, 0, &[]));
    let at = b.len();
    b.extend(epb(false, 0, 5, &data, 61));
    b[at + 4..at + 8].copy_from_slice(&77u32.to_le_bytes());
    let (_, err) = read_both(&b);
    assert!(
        matches!(err, Some(SourceError::Malformed { .. })),
        "{err:?}"
    );
}

#[test]
fn out_of_range_timestamps_are_noted_not_hidden() {
    // pcap: microseconds 1,500,000 (≥ 10^6) are kept as written and noted.
    let b = pcap(
        false,
        false,
        1,
        &[Rec::new(10, 1_500_000, &[0; 20]), Rec::new(12, 1, &[0; 20])],
    );
    let tmp = write_temp(&b);
    let mut r = FileReader::open(tmp.path()).unwrap();
    let mut f = empty_frame();
    assert!(r.next_into(&mut f).unwrap());
    assert_eq!(f.ts_ns, 11_500_000_000, "kept as written");
    assert_eq!(
        r.frame_note(),
        Some(FrameNote::FractionTooBig {
            value: 1_500_000,
            nanos: false
        })
    );
    assert!(r.frame_note().unwrap().message().contains("1500000"));
    assert!(r.next_into(&mut f).unwrap());
    assert_eq!(r.frame_note(), None);
    // nanosecond pcap: 10^9 is one too many.
    let b = pcap(true, true, 1, &[Rec::new(1, 1_000_000_000, &[0; 20])]);
    let tmp = write_temp(&b);
    let mut r = FileReader::open(tmp.path()).unwrap();
    assert!(r.next_into(&mut f).unwrap());
    assert!(matches!(
        r.frame_note(),
        Some(FrameNote::FractionTooBig { nanos: true, .. })
    ));
    // pcapng: 2^63 µs is far past 2262.
    let mut b = shb(false);
    b.extend(idb(false, 1, 0, &[]));
    b.extend(epb(false, 0, 1 << 63, &[0; 20], 20));
    b.extend(epb(false, 0, 1_000_000, &[0; 20], 20));
    let tmp = write_temp(&b);
    let mut r = FileReader::open(tmp.path()).unwrap();
    assert!(r.next_into(&mut f).unwrap());
    assert_eq!(f.ts_ns, i64::MAX);
    assert_eq!(r.frame_note(), Some(FrameNote::TimeOutOfRange));
    assert!(r.next_into(&mut f).unwrap());
    assert_eq!(r.frame_note(), None);
}

#[test]
fn other_capture_formats_are_named_with_the_editcap_command() {
    for (bytes, name) in [
        (&b"snoop\0\0\0\0\0\0\x02\0\0\0\x04"[..], "Solaris snoop"),
        (
            &b"GMBU\x00\x02\x01\x00 rest of a header"[..],
            "Network Monitor",
        ),
        (&b"btsnoop\0\0\0\0\x01\0\0\x03\xea"[..], "BTSnoop"),
    ] {
        let tmp = write_temp(bytes);
        let msg = FileReader::open(tmp.path()).unwrap_err().to_string();
        assert!(msg.contains(name), "{msg}");
        assert!(msg.contains("editcap -F pcap IN OUT"), "{msg}");
        assert!(!msg.contains('\n'), "one line: {msg}");
    }
}
