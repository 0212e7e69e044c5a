//! Live-capture tests on the loopback interface of the current namespace: real UDP datagrams
//! and a real TCP handshake sent by the test, the `-w` file read back, the capture thread's stop
//! flag, and the error cases (unknown interface, bad filter, no privileges). Tests that need
//! root print why they skip. Depends on the source module, tempfile and std::net.

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{
    FileReader, Input, LiveCapture, LiveConfig, LiveRead, SourceError, SourceEvent, spawn,
};
use crate::model::{Frame, FrameAt, LinkType};
use crate::prereq::Prereq;

fn lo_config(filter: String) -> LiveConfig {
    LiveConfig {
        interface: Some("lo".into()),
        filter: Some(filter),
        snaplen: 65535,
        promisc: false,
        write_to: None,
        overwrite: false,
        rotation: Default::default(),
        spool_max: None,
        buffer_size: Some(4 * 1024 * 1024),
        immediate: false,
    }
}

/// Opens a capture on `lo`; `None` when not root (see `crate::prereq`: a failure under
/// `CI=true`, a visible skip elsewhere; these tests are also `#[ignore = "needs root"]`).
fn open_or_skip(cfg: &LiveConfig) -> Option<LiveCapture> {
    if !crate::prereq::require(&[Prereq::Root]) {
        return None;
    }
    match LiveCapture::open(cfg) {
        Ok(c) => Some(c),
        Err(e) => panic!("could not open lo: {e}"),
    }
}

fn empty_frame() -> Frame {
    Frame::new(0, 0, LinkType(0), Vec::new())
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// TCP flags of an Ethernet/IPv4/TCP frame as lo captures it.
fn tcp_flags(f: &Frame) -> Option<u8> {
    let ihl = usize::from(f.data.get(14)? & 0x0f) * 4;
    f.data.get(14 + ihl + 13).copied()
}

#[test]
#[ignore = "needs root"]
fn udp_datagrams_on_loopback_are_captured_and_written() {
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = rx.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("live.pcap");
    let mut cfg = lo_config(format!("udp and dst port {port}"));
    cfg.write_to = Some(out.clone());
    let Some(mut cap) = open_or_skip(&cfg) else {
        return;
    };
    assert_eq!(cap.interface(), "lo");
    assert_eq!(cap.link_type(), LinkType::ETHERNET);

    let before = now_ns();
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..3 {
        tx.send_to(format!("synack-live-{i}").as_bytes(), ("127.0.0.1", port))
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut f = empty_frame();
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < 3 && Instant::now() < deadline {
        if cap.next_into(&mut f).unwrap() == LiveRead::Frame {
            seen.push(f.clone());
        }
    }
    assert_eq!(seen.len(), 3, "all three datagrams captured");
    for (i, f) in seen.iter().enumerate() {
        assert!(
            contains(&f.data, format!("synack-live-{i}").as_bytes()),
            "datagram {i}"
        );
        assert!(f.ts_ns >= before - 1_000_000_000 && f.ts_ns <= now_ns() + 1_000_000_000);
        assert_eq!(f.len as usize, f.data.len());
    }
    let k = cap.kernel_stats().unwrap();
    assert!(k.received >= 3, "{k:?}");
    // Nothing else matches the filter: a read now times out.
    assert_eq!(cap.next_into(&mut f).unwrap(), LiveRead::Timeout);
    drop(cap); // closes the -w file

    let mut r = FileReader::open(&out).unwrap();
    assert_eq!(r.link_type(), Some(LinkType::ETHERNET));
    let mut back = Vec::new();
    while r.next_into(&mut f).unwrap() {
        back.push(f.clone());
    }
    assert_eq!(back, seen, "the -w file holds exactly the captured frames");
}

#[test]
#[ignore = "needs root"]
fn tcp_handshake_through_the_capture_thread() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let cfg = lo_config(format!("tcp port {port}"));
    if open_or_skip(&cfg).is_none() {
        return;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let h = spawn(Input::Live(cfg), Arc::clone(&stop)).unwrap();
    assert!(h.info.live);
    assert_eq!(h.info.name, "lo");
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (_server, _) = listener.accept().unwrap();

    let mut flags = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while flags.len() < 3 && Instant::now() < deadline {
        if let Ok(SourceEvent::Frames(b)) = h.rx.recv_timeout(Duration::from_millis(200)) {
            flags.extend(b.iter().filter_map(tcp_flags));
        }
    }
    drop(client);
    assert_eq!(
        flags.get(..3),
        Some(&[0x02, 0x12, 0x10][..]),
        "SYN, SYN-ACK, ACK seen: {flags:x?}"
    );
    assert!(h.stats.received.load(Ordering::Relaxed) >= 3);

    stop.store(true, Ordering::Relaxed);
    let t = Instant::now();
    let mut finished = None;
    while let Ok(ev) = h.rx.recv_timeout(Duration::from_secs(5)) {
        if let SourceEvent::Finished(r) = ev {
            finished = Some(r);
            break;
        }
    }
    assert!(matches!(finished, Some(Ok(()))), "{finished:?}");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "stopped in {:?}",
        t.elapsed()
    );
    h.join();
}

#[test]
#[ignore = "needs root"]
fn live_batches_are_dropped_not_blocking_when_nobody_reads() {
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = rx.local_addr().unwrap().port();
    let cfg = lo_config(format!("udp and dst port {port}"));
    if open_or_skip(&cfg).is_none() {
        return;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let h = spawn(Input::Live(cfg), Arc::clone(&stop)).unwrap();
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    // Far more batches than the channel holds, spaced so each becomes its own batch.
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.stats.dropped_by_synack.load(Ordering::Relaxed) == 0 && Instant::now() < deadline {
        tx.send_to(b"x", ("127.0.0.1", port)).unwrap();
        std::thread::sleep(Duration::from_millis(1));
    }
    let dropped = h.stats.dropped_by_synack.load(Ordering::Relaxed);
    let received = h.stats.received.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    let mut delivered = 0u64;
    while let Ok(ev) = h.rx.recv_timeout(Duration::from_secs(5)) {
        match ev {
            SourceEvent::Frames(b) => delivered += b.len() as u64,
            SourceEvent::Finished(_) => break,
            SourceEvent::Progress { .. } | SourceEvent::Rate(_) => {}
        }
    }
    h.join();
    assert!(
        dropped > 0,
        "a full channel makes live capture drop, counted ({received} received)"
    );
    assert!(delivered > 0);
}

#[test]
fn unknown_interface_lists_the_real_ones() {
    let mut cfg = lo_config("tcp".into());
    cfg.interface = Some("nosuch0".into());
    let err = LiveCapture::open(&cfg).unwrap_err();
    let msg = err.to_string();
    match &err {
        SourceError::NoSuchInterface { name, available } => {
            assert_eq!(name, "nosuch0");
            if std::path::Path::new("/sys/class/net/lo").exists() {
                assert!(available.iter().any(|n| n == "lo"), "{available:?}");
                assert!(msg.contains("lo"), "{msg}");
            }
        }
        other => panic!("expected NoSuchInterface, got {other:?}"),
    }
    assert!(msg.contains("nosuch0"), "{msg}");
}

#[test]
#[ignore = "needs root"]
fn bad_filter_names_the_filter() {
    if !crate::prereq::require(&[Prereq::Root]) {
        return;
    }
    let cfg = lo_config("tcp port banana".into());
    match LiveCapture::open(&cfg) {
        Err(SourceError::BadFilter { filter, message }) => {
            assert_eq!(filter, "tcp port banana");
            assert!(!message.is_empty());
        }
        other => panic!("expected BadFilter, got {other:?}"),
    }
}

/// Runs only inside `permission_error_without_privileges` (as an unprivileged user).
#[test]
fn permission_probe_child() {
    if std::env::var_os("SYNACK_PERMISSION_PROBE").is_none() {
        return;
    }
    let err = LiveCapture::open(&lo_config("tcp".into())).unwrap_err();
    println!("PROBE-MESSAGE: {err}");
    assert!(
        matches!(err, SourceError::CapturePermission { .. }),
        "{err:?}"
    );
}

#[test]
#[ignore = "needs root and setpriv"]
fn permission_error_without_privileges() {
    if !crate::prereq::require(&[Prereq::Root, Prereq::Setpriv]) {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let run = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
        ])
        .arg(&exe)
        .args([
            "--exact",
            "source::live_tests::permission_probe_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SYNACK_PERMISSION_PROBE", "1")
        .output();
    let out = run.expect("run setpriv to drop privileges");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("PROBE-MESSAGE"),
        "the unprivileged child did not run: {stderr}"
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("cap_net_raw,cap_net_admin"), "{stdout}");
    assert!(
        stdout.contains("sudo setcap cap_net_raw,cap_net_admin=eip"),
        "{stdout}"
    );
    assert!(stdout.contains("synack demo"), "{stdout}");
    assert!(stdout.contains(&exe.display().to_string()), "{stdout}");
}

#[test]
#[ignore = "needs root"]
fn live_frames_are_spooled_to_the_w_file_and_read_back_equal() {
    use crate::app::PacketStore;
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = rx.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spool.pcap");
    let mut cfg = lo_config(format!("udp and dst port {port}"));
    if open_or_skip(&cfg).is_none() {
        return;
    }
    cfg.write_to = Some(out.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let h = spawn(Input::Live(cfg), Arc::clone(&stop)).unwrap();
    let spooled = h.spooled.clone().expect("live capture spools");
    assert_eq!(spooled.path.as_deref(), Some(out.as_path()));
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    // Nobody reads at first, so some batches are dropped: the spool keeps them, the index
    // must still match the frames that were delivered.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut i = 0u32;
    while h.stats.dropped_by_synack.load(Ordering::Relaxed) == 0 && Instant::now() < deadline {
        tx.send_to(format!("datagram {i}").as_bytes(), ("127.0.0.1", port))
            .unwrap();
        i += 1;
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(h.stats.dropped_by_synack.load(Ordering::Relaxed) > 0);
    let mut store = PacketStore::new();
    store.attach_spool(Arc::clone(&spooled.file));
    store.set_max_packets(Some(40));
    let mut delivered: Vec<Frame> = Vec::new();
    let mut drain = |ev: SourceEvent, store: &mut PacketStore| match ev {
        SourceEvent::Frames(b) => {
            for f in b {
                store.push(&f);
                delivered.push(f);
            }
            false
        }
        SourceEvent::Finished(r) => {
            assert!(r.is_ok(), "{r:?}");
            true
        }
        SourceEvent::Progress { .. } | SourceEvent::Rate(_) => false,
    };
    // Then read while more arrive.
    for k in 0..30 {
        tx.send_to(format!("late {k}").as_bytes(), ("127.0.0.1", port))
            .unwrap();
        std::thread::sleep(Duration::from_millis(2));
        while let Ok(ev) = h.rx.try_recv() {
            drain(ev, &mut store);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    while let Ok(ev) = h.rx.recv_timeout(Duration::from_secs(5)) {
        if drain(ev, &mut store) {
            break;
        }
    }
    let received = h.stats.received.load(Ordering::Relaxed);
    h.join();
    assert_eq!(store.len(), 40);
    assert_eq!(store.evicted() as usize + 40, delivered.len());
    assert_eq!(
        store.arena_bytes(),
        0,
        "every delivered frame was spooled, not copied"
    );
    // The index only: at most two record chunks (32 KiB each) and the chunk lists.
    assert!(
        store.mem_bytes() <= 2 * 32 * 1024 + 1024,
        "{}",
        store.mem_bytes()
    );
    for i in 0..store.len() {
        assert!(store.is_spooled(i));
        let v = store.get(i).unwrap();
        let f = &delivered[v.number as usize];
        assert_eq!(v.data, f.data.as_slice(), "packet {}", v.number);
        assert_eq!(v.ts_ns, f.ts_ns);
    }
    // The -w file holds every captured frame, dropped ones too, and tshark reads it.
    let mut reader = FileReader::open(&out).unwrap();
    let mut f = empty_frame();
    let mut in_file = Vec::new();
    while reader.next_into(&mut f).unwrap() {
        // Each delivered frame carries the offset of its bytes in the spool (the -w file).
        f.at = FrameAt::Spool(reader.data_offset());
        in_file.push(f.clone());
    }
    assert_eq!(in_file.len() as u64, received);
    assert!(delivered.iter().all(|d| in_file.contains(d)));
    match std::process::Command::new("tshark")
        .arg("-r")
        .arg(&out)
        .output()
    {
        Ok(o) => {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let lines = String::from_utf8_lossy(&o.stdout).lines().count() as u64;
            assert_eq!(lines, received, "tshark reads every record");
        }
        Err(e) => eprintln!("skipping the tshark check (tshark not runnable): {e}"),
    }
}
