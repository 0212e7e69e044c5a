//! Tests of the capture thread over files and streams: order, completeness, truncation,
//! synchronous open errors, stop flag. Depends on `super::testfiles`, tempfile.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::testfiles::{Rec, pcap};
use super::{FileReader, Input, SourceError, SourceEvent, spawn, spawn_reader};
use crate::model::{Frame, FrameAt};

fn many_recs(n: u32) -> Vec<Rec> {
    (0..n)
        .map(|i| Rec::new(1_000 + i, i % 1_000_000, &i.to_be_bytes()))
        .collect()
}

type Drained = (
    Vec<Frame>,
    Vec<(u64, Option<u64>)>,
    Option<Result<(), SourceError>>,
);

/// Drains every event; returns frames, progress reports and the final result.
fn drain(h: super::CaptureHandle) -> Drained {
    let mut frames = Vec::new();
    let mut progress = Vec::new();
    let mut finished = None;
    while let Ok(ev) = h.rx.recv_timeout(Duration::from_secs(20)) {
        match ev {
            SourceEvent::Frames(mut b) => frames.append(&mut b),
            SourceEvent::Progress {
                bytes_read,
                total_bytes,
            } => progress.push((bytes_read, total_bytes)),
            SourceEvent::Rate(_) => {}
            SourceEvent::Finished(r) => {
                finished = Some(r);
                break;
            }
        }
    }
    h.join();
    (frames, progress, finished)
}

fn temp(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f
}

#[test]
fn file_frames_arrive_in_order_then_finished_ok() {
    // More frames than fit in the channel at once, so the thread must block, not drop.
    let n = 40_000u32;
    let bytes = pcap(false, false, 1, &many_recs(n));
    let tmp = temp(&bytes);
    let h = spawn(
        Input::File(tmp.path().into()),
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    assert_eq!(h.info.total_bytes, Some(bytes.len() as u64));
    assert!(!h.info.live);
    let stats = Arc::clone(&h.stats);
    // Let the channel fill up before draining.
    std::thread::sleep(Duration::from_millis(200));
    let (frames, progress, finished) = drain(h);
    assert!(matches!(finished, Some(Ok(()))), "{finished:?}");
    assert_eq!(frames.len(), n as usize);
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.data, (i as u32).to_be_bytes(), "frame {i} in order");
    }
    assert_eq!(stats.received.load(Ordering::Relaxed), u64::from(n));
    assert_eq!(stats.bytes.load(Ordering::Relaxed), 4 * u64::from(n));
    assert_eq!(stats.dropped_by_synack.load(Ordering::Relaxed), 0);
    assert_eq!(
        progress.last(),
        Some(&(bytes.len() as u64, Some(bytes.len() as u64)))
    );
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only grows"
    );
}

#[test]
fn a_regular_file_frame_carries_where_its_bytes_are() {
    let n = 5_000u32;
    let bytes = pcap(false, false, 1, &many_recs(n));
    let tmp = temp(&bytes);
    let h = spawn(
        Input::File(tmp.path().into()),
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    let file = h.file.clone().expect("a regular file is shared");
    assert_eq!(file.metadata().unwrap().len(), bytes.len() as u64);
    let (frames, _, finished) = drain(h);
    assert!(matches!(finished, Some(Ok(()))), "{finished:?}");
    assert_eq!(frames.len(), n as usize);
    for (i, f) in frames.iter().enumerate() {
        let FrameAt::File(at) = f.at else {
            panic!("frame {i} has no file offset: {:?}", f.at);
        };
        let at = at as usize;
        assert_eq!(&bytes[at..at + f.data.len()], &f.data[..], "frame {i}");
    }
}

#[test]
fn stream_frames_own_their_bytes() {
    let bytes = pcap(false, false, 1, &many_recs(3));
    let reader = FileReader::from_reader(Box::new(std::io::Cursor::new(bytes)), "-").unwrap();
    let h = spawn_reader(reader, Arc::new(AtomicBool::new(false))).unwrap();
    assert!(h.file.is_none());
    let (frames, _, _) = drain(h);
    assert_eq!(frames.len(), 3);
    assert!(frames.iter().all(|f| f.at == FrameAt::Owned));
}

#[test]
fn truncated_file_through_the_thread() {
    let bytes = pcap(false, false, 1, &many_recs(1000));
    let tmp = temp(&bytes[..bytes.len() - 2]);
    let h = spawn(
        Input::File(tmp.path().into()),
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    let (frames, _, finished) = drain(h);
    assert_eq!(frames.len(), 999);
    match finished {
        Some(Err(SourceError::Truncated { packet, offset, .. })) => {
            assert_eq!(packet, 1000);
            assert_eq!(offset, 24 + 999 * 20);
        }
        other => panic!("expected Finished(Err(Truncated)), got {other:?}"),
    }
}

#[test]
fn open_errors_are_returned_by_spawn() {
    let stop = Arc::new(AtomicBool::new(false));
    let err = spawn(Input::File("/nonexistent/x.pcap".into()), Arc::clone(&stop)).unwrap_err();
    assert!(matches!(err, SourceError::NotFound { .. }));
    let tmp = temp(b"definitely not a capture");
    let err = spawn(Input::File(tmp.path().into()), stop).unwrap_err();
    assert!(matches!(err, SourceError::NotCapture { .. }));
}

#[test]
fn stream_reader_through_the_thread() {
    let bytes = pcap(true, true, 1, &many_recs(300));
    let reader = FileReader::from_reader(Box::new(std::io::Cursor::new(bytes)), "-").unwrap();
    let h = spawn_reader(reader, Arc::new(AtomicBool::new(false))).unwrap();
    assert_eq!(h.info.name, "-");
    let (frames, _, finished) = drain(h);
    assert!(matches!(finished, Some(Ok(()))));
    assert_eq!(frames.len(), 300);
}

#[test]
fn stop_flag_ends_a_blocked_file_thread() {
    let bytes = pcap(false, false, 1, &many_recs(200_000));
    let tmp = temp(&bytes);
    let stop = Arc::new(AtomicBool::new(false));
    let h = spawn(Input::File(tmp.path().into()), Arc::clone(&stop)).unwrap();
    // Nobody drains: the thread fills the channel and blocks. Stopping must still end it.
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let t = Instant::now();
    h.join();
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "thread ended after the stop flag"
    );
}
