//! Memory per tracked connection, measured with a counting global allocator: a SYN flood
//! (every SYN a new connection, as in a port scan or a 1 M-SYN capture) fed to a
//! `flow::FlowTracker`; the live heap divided by the connections kept, plus the table's
//! inline size. Prints the figure (docs/performance.md records it) and holds the budget.

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicIsize, Ordering};

use synack::flow::FlowTracker;
use synack::model::{TcpHandshakeOptions, TcpSegment, tcp_flags};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The i-th SYN of a scan: a new source address and port each time.
fn syn(i: u32) -> TcpSegment {
    let src = Ipv4Addr::from(0x0a00_0000 | (i >> 8));
    TcpSegment {
        src: SocketAddr::new(IpAddr::V4(src), 1024 + (i & 0xff) as u16),
        dst: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 80),
        flags: tcp_flags::SYN,
        seq: i.wrapping_mul(2_654_435_761),
        ack: 0,
        payload_len: 0,
        window: 64240,
        options: TcpHandshakeOptions {
            mss: Some(1460),
            window_scale: Some(7),
            sack_permitted: true,
            timestamps: Some((i, 0)),
            ..Default::default()
        },
    }
}

/// Bytes per connection the tracker holds for a SYN flood of `n` connections.
fn bytes_per_flow(n: u32) -> f64 {
    let before = LIVE.load(Ordering::Relaxed);
    let mut tracker = FlowTracker::new(n as usize);
    for i in 0..n {
        tracker.observe(
            u64::from(i) + 1,
            1_700_000_000_000_000_000 + i64::from(i),
            &syn(i),
            74,
        );
    }
    assert_eq!(tracker.len(), n as usize);
    let used = LIVE.load(Ordering::Relaxed) - before;
    drop(tracker);
    used as f64 / f64::from(n)
}

/// The segments of the i-th complete connection: handshake, a request and its answer, and an
/// orderly close (each connection is new, as in a busy server's capture).
fn conversation(i: u32) -> Vec<TcpSegment> {
    let client = syn(i);
    let (c, s) = (client.src, client.dst);
    let isn_c = client.seq;
    let isn_s = i.wrapping_mul(40_503);
    let seg = |from_client: bool, flags: u16, seq: u32, ack: u32, len: u32| TcpSegment {
        src: if from_client { c } else { s },
        dst: if from_client { s } else { c },
        flags,
        seq,
        ack,
        payload_len: len,
        window: 502,
        options: TcpHandshakeOptions::default(),
    };
    use tcp_flags::{ACK, FIN, PSH, SYN};
    let (c1, s1) = (isn_c.wrapping_add(1), isn_s.wrapping_add(1));
    vec![
        client,
        TcpSegment {
            options: client.options,
            ..seg(false, SYN | ACK, isn_s, c1, 0)
        },
        seg(true, ACK, c1, s1, 0),
        seg(true, PSH | ACK, c1, s1, 100),
        seg(false, PSH | ACK, s1, c1.wrapping_add(100), 1000),
        seg(
            true,
            FIN | ACK,
            c1.wrapping_add(100),
            s1.wrapping_add(1000),
            0,
        ),
        seg(
            false,
            FIN | ACK,
            s1.wrapping_add(1000),
            c1.wrapping_add(101),
            0,
        ),
        seg(true, ACK, c1.wrapping_add(101), s1.wrapping_add(1001), 0),
    ]
}

/// Bytes per connection the tracker holds for `n` complete connections.
fn bytes_per_conversation(n: u32) -> f64 {
    let before = LIVE.load(Ordering::Relaxed);
    let mut tracker = FlowTracker::new(n as usize);
    let mut packet_no = 0;
    for i in 0..n {
        for seg in conversation(i) {
            packet_no += 1;
            tracker.observe(
                packet_no,
                1_700_000_000_000_000_000 + packet_no as i64,
                &seg,
                74,
            );
        }
    }
    assert_eq!(tracker.len(), n as usize);
    let used = LIVE.load(Ordering::Relaxed) - before;
    drop(tracker);
    used as f64 / f64::from(n)
}

#[test]
fn a_tracked_connection_costs_at_most_the_budget() {
    let per_flow = bytes_per_flow(200_000);
    println!(
        "flow state: {per_flow:.0} bytes per tracked connection (200,000 SYNs; Flow is {} \
         bytes inline)",
        std::mem::size_of::<synack::flow::Flow>()
    );
    assert!(
        per_flow <= BUDGET,
        "{per_flow:.0} bytes per connection, budget {BUDGET}"
    );
}

#[test]
fn a_complete_connection_costs_at_most_its_budget() {
    let per_flow = bytes_per_conversation(50_000);
    println!(
        "flow state: {per_flow:.0} bytes per complete connection (50,000 connections of 8 \
         segments: handshake, request, answer, close)"
    );
    assert!(
        per_flow <= COMPLETE_BUDGET,
        "{per_flow:.0} bytes per complete connection, budget {COMPLETE_BUDGET}"
    );
}

/// Bytes per tracked connection of a SYN flood allowed today: a regression guard just above
/// the measured cost (230 bytes: the `Flow` of 104 bytes, its opening SYN's ladder event of 80
/// and the table's share). Before: 699–703 while every flow kept its handshake record, counters
/// and history inline from the first segment with two full socket addresses, and 1,369 before
/// flows were boxed, the 4-tuple index reduced to slot numbers and the analysis state and
/// verdict counts allocated only when needed. Issue 10's target is 300 bytes.
const BUDGET: f64 = 240.0;

/// Bytes per complete connection allowed today (measured 2,228; 3,521 before the record was
/// boxed and the endpoints made compact): such a connection also holds its record, its
/// analysis state and a ladder of the handshake and teardown.
const COMPLETE_BUDGET: f64 = 2300.0;
