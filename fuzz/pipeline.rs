//! The pipeline every fuzz input goes through, shared by the AFL++ targets (`fuzz/afl`), the
//! cargo-fuzz targets (`fuzz/fuzz_targets`) and the replay test (`tests/fuzz_corpus.rs`):
//! capture bytes → `FileReader` (pcap or pcapng) → every frame summarized and fully decoded →
//! `dump`'s text and JSON lines → TCP segments into a small `FlowTracker` → the flow reports.
//! Nothing is rendered. A panic (overflow included: the targets build with overflow checks) is
//! a finding; the asserts are invariants the rest of synack relies on.

use std::io::{Cursor, Write};

use synack::cli::output::{self, PacketLine};
use synack::decode::{self, Decoded};
use synack::flow::{self, FlowTracker};
use synack::model::{Frame, LinkType};
use synack::source::{FileReader, MAX_CAPLEN, SourceError};

/// Flows the tracker keeps: small, so that eviction is exercised too.
const MAX_FLOWS: usize = 8;

/// Every link type the decoder walks, plus one it does not know (for `packet`). New ones go
/// at the end: the committed corpus picks by index.
pub const LINKS: [LinkType; 24] = [
    LinkType::NULL,
    LinkType::ETHERNET,
    LinkType::RAW_BSD12,
    LinkType::RAW_BSD14,
    LinkType::RAW,
    LinkType::LOOP,
    LinkType::LINUX_SLL,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::LINUX_SLL2,
    LinkType(147),
    LinkType(0xFFFF),
    // The link types of `decode::links` and `decode::netlink`, added after the first runs.
    LinkType(9),   // PPP
    LinkType(50),  // PPP in HDLC framing
    LinkType(104), // Cisco HDLC
    LinkType(10),  // FDDI
    LinkType(105), // 802.11 (802.11s mesh control inside)
    LinkType(119), // Prism
    LinkType(127), // radiotap
    LinkType(163), // AVS
    LinkType(192), // PPI
    LinkType(204), // PPP with direction
    LinkType(239), // NFLOG
    LinkType(253), // netlink (nlmon; NFQUEUE / NFLOG messages carry packets)
];

/// What one capture gave (for the replay test's report).
#[derive(Debug, Default)]
pub struct Outcome {
    /// Frames the reader returned.
    pub frames: u64,
    /// TCP segments fed to the tracker.
    pub segments: u64,
    /// Why reading stopped early, if it did (a hostile file must end in an error, never a panic).
    pub error: Option<SourceError>,
}

/// Runs a whole capture file (pcap or pcapng bytes) through reader, decoder, output and tracker.
pub fn run_capture(data: &[u8]) -> Outcome {
    let mut outcome = Outcome::default();
    let mut reader = match FileReader::from_reader(Box::new(Cursor::new(data.to_vec())), "fuzz") {
        Ok(r) => r,
        Err(e) => {
            check_message(&e);
            outcome.error = Some(e);
            return outcome;
        }
    };
    let _ = reader.link_type();
    let mut tracker = FlowTracker::new(MAX_FLOWS).keep_evicted();
    let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut line = Vec::with_capacity(512);
    loop {
        match reader.next_into(&mut frame) {
            Ok(true) => {}
            Ok(false) => {
                // A clean end stays an end.
                assert!(matches!(reader.next_into(&mut frame), Ok(false)));
                break;
            }
            Err(e) => {
                check_message(&e);
                // After an error every further call returns the same error.
                match reader.next_into(&mut frame) {
                    Err(again) => assert_eq!(again.to_string(), e.to_string()),
                    Ok(more) => panic!("read {more} after the error {e}"),
                }
                outcome.error = Some(e);
                break;
            }
        }
        outcome.frames += 1;
        assert_eq!(reader.frames_read(), outcome.frames);
        assert!(frame.caplen() <= MAX_CAPLEN, "caplen {}", frame.caplen());
        assert!(reader.bytes_read() <= data.len() as u64);
        // The viewer's store keeps (data_offset, caplen) and reads the bytes back from the map:
        // the offset must point at exactly the frame's bytes.
        let off = usize::try_from(reader.data_offset()).unwrap_or(usize::MAX);
        let back = off
            .checked_add(frame.data.len())
            .and_then(|end| data.get(off..end));
        assert_eq!(back, Some(&frame.data[..]), "data_offset {off}");
        if let Some(seg) = frame_through(outcome.frames, &frame, &mut tracker, &mut line) {
            outcome.segments += u64::from(seg);
        }
    }
    finish(&mut tracker);
    outcome
}

/// Runs one packet: the first byte picks a link type from [`LINKS`], the rest is the frame.
pub fn run_packet(data: &[u8]) {
    let Some((&pick, packet)) = data.split_first() else {
        return;
    };
    let link = LINKS[usize::from(pick) % LINKS.len()];
    let frame = Frame::new(
        i64::from(pick) * 1_000_003,
        u32::try_from(packet.len()).unwrap_or(u32::MAX),
        link,
        packet.to_vec(),
    );
    let mut tracker = FlowTracker::new(2).keep_evicted();
    let mut line = Vec::new();
    if frame_through(1, &frame, &mut tracker, &mut line) == Some(true) {
        // The same segment again, then as its own reply: retransmission and direction logic.
        let d = decode::summarize(frame.link, &frame.data, frame.len);
        if let Some(seg) = d.tcp {
            tracker.observe(2, frame.ts_ns + 1, &seg, frame.len);
            let mut reply = seg;
            std::mem::swap(&mut reply.src, &mut reply.dst);
            tracker.observe(3, frame.ts_ns + 2, &reply, frame.len);
        }
    }
    finish(&mut tracker);
}

/// Decodes one frame both ways, writes its dump lines and tracks it. `Some(true)` when it was a
/// TCP segment the tracker saw.
fn frame_through(
    no: u64,
    frame: &Frame,
    tracker: &mut FlowTracker,
    line: &mut Vec<u8>,
) -> Option<bool> {
    let summary = decode::summarize(frame.link, &frame.data, frame.len);
    let full: Decoded = decode::decode(frame.link, &frame.data, frame.len);
    assert_eq!(summary, full.summary, "fast and full decode agree");
    let caplen = frame.data.len();
    for h in &full.headers {
        assert!(
            h.range.start <= h.range.end && h.range.end <= caplen,
            "{h:?}"
        );
        check_fields(&h.fields, caplen);
    }
    for issue in &full.issues {
        assert!(issue.offset <= caplen, "{issue:?}");
    }
    if let Some(app) = &full.app_summary {
        assert!(!app.chars().any(char::is_control), "unsanitized {app:?}");
    }
    let obs = summary
        .tcp
        .map(|seg| tracker.observe(no, frame.ts_ns, &seg, frame.len));
    let flow = obs.as_ref().map(|o| o.flow);
    let analysis = obs.as_ref().map(|o| &o.analysis);
    assert!(tracker.len() <= tracker.max_flows());
    line.clear();
    output::write_text(
        line,
        no,
        frame,
        &summary,
        full.app_summary.as_deref(),
        flow,
        analysis,
    )
    .ok()?;
    let text = std::str::from_utf8(line).expect("text line is UTF-8");
    let body = text
        .strip_suffix('\n')
        .expect("text line ends in a newline");
    assert!(!body.chars().any(char::is_control), "unsanitized {body:?}");
    line.clear();
    output::write_json(
        line,
        &PacketLine {
            no,
            frame,
            decoded: &full,
            flow,
            analysis,
        },
    )
    .ok()?;
    let json = line
        .strip_suffix(b"\n")
        .expect("JSON line ends in a newline");
    assert!(!json.contains(&b'\n'), "one JSON object per line");
    Some(summary.tcp.is_some())
}

fn check_fields(fields: &[decode::Field], caplen: usize) {
    for f in fields {
        assert!(
            f.range.start <= f.range.end && f.range.end <= caplen,
            "{f:?}"
        );
        check_fields(&f.children, caplen);
    }
}

/// The error's message is what the user reads: it must render and be terminal-safe.
fn check_message(e: &SourceError) {
    let msg = e.to_string();
    assert!(!msg.is_empty());
    assert!(!msg.chars().any(|c| c.is_control() && c != '\n'), "{msg:?}");
}

/// End of input: the flow reports (`synack flows`, text and JSON) over every flow seen.
fn finish(tracker: &mut FlowTracker) {
    tracker.finish();
    let evicted = tracker.drain_evicted();
    let flows: Vec<&flow::Flow> = evicted.iter().chain(tracker.flows()).collect();
    let table = flow::text_table(&flows);
    let _ = std::io::sink().write_all(table.as_bytes());
    for f in &flows {
        let _ = f.to_json().to_string();
    }
}
