//! Live captures with a byte budget (`synack live --max-mem SIZE`) through `TuiOptions`,
//! `App::update` and a `TestBackend`: the packet store stays within the budget — measured
//! with a counting allocator, not taken from the store's own arithmetic — the oldest packets
//! are evicted and counted in the status bar (naming `--max-mem`), the list keeps frame
//! numbers since the capture began; when the packet limit is reached first the count stays
//! plain.

mod ui_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use synack::app::{App, Msg, PacketStore, SourceKind};
use synack::model::{Frame, LinkType};
use synack::terminal::tui::TuiOptions;
use ui_support::{many_frames, screen_text};

/// Counts the bytes live on this thread (allocated minus freed) while counting is on.
struct Counting;

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

fn count(delta: i64) {
    if ON.with(Cell::get) {
        LIVE.with(|l| l.set(l.get() + delta));
    }
}

// SAFETY: forwards to the system allocator unchanged; only adds up sizes on a thread that
// switched counting on (thread-locals with const initialisers never allocate). `realloc`
// keeps the default (alloc, copy, dealloc), so it is counted through those two.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as i64));
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Bytes allocated on this thread by `f` and still held when it returns.
fn held_by<T>(f: impl FnOnce() -> T) -> (T, i64) {
    LIVE.with(|l| l.set(0));
    ON.with(|o| o.set(true));
    let t = f();
    ON.with(|o| o.set(false));
    (t, LIVE.with(Cell::get))
}

fn status_row(app: &App) -> String {
    screen_text(app)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

fn live(max_mem: Option<u64>, max_packets: Option<usize>) -> App {
    TuiOptions {
        max_mem,
        max_packets,
        ..TuiOptions::default()
    }
    .app(SourceKind::Live { iface: "c0".into() }, 120, 40)
}

fn sized_frame(i: usize, size: usize) -> Frame {
    Frame::new(
        i as i64 * 1_000,
        size as u32,
        LinkType::ETHERNET,
        vec![(i % 251) as u8; size],
    )
}

#[test]
fn the_store_holds_no_more_memory_than_its_budget_and_mem_bytes_counts_all_it_holds() {
    const BUDGET: u64 = 1 << 20;
    let frames: Vec<Frame> = (0..6_000).map(|i| sized_frame(i, 200 + i % 700)).collect();
    let (mut store, held) = held_by(|| {
        let mut s = PacketStore::new();
        s.set_max_bytes(Some(BUDGET));
        s
    });
    let mut total = held;
    let mut fed = 0usize;
    for batch in frames.chunks(97) {
        let ((), held) = held_by(|| {
            for f in batch {
                store.push(f);
            }
        });
        total += held;
        fed += batch.len();
        // What the allocator says the store holds: within the budget, and all of it counted.
        assert!(total <= BUDGET as i64, "after {fed}: {total} bytes held");
        assert!(
            store.mem_bytes() as i64 >= total,
            "after {fed}: mem_bytes {} < {total} held",
            store.mem_bytes()
        );
        assert_eq!(store.len() as u64 + store.evicted(), fed as u64);
    }
    assert!(store.evicted() > 0, "the budget evicted");
    // Not degenerate: the kept packets' bytes use a good part of the budget.
    let kept: u64 = (0..store.len())
        .filter_map(|i| store.get(i))
        .map(|v| u64::from(v.caplen))
        .sum();
    assert!(kept > BUDGET / 2, "only {kept} bytes of packets kept");
    // The kept packets are the newest ones, intact.
    let newest = store.get(store.len() - 1).map(|v| v.data.to_vec());
    assert_eq!(newest.as_deref(), frames.last().map(|f| &f.data[..]));
}

#[test]
fn a_byte_budget_evicts_the_oldest_and_the_status_bar_counts_them() {
    const BUDGET: u64 = 256 << 10;
    let frames = many_frames(6_000);
    let mut app = live(Some(BUDGET), Some(1_000_000));
    assert_eq!(app.store().max_bytes(), Some(BUDGET));
    let mut fed = 0usize;
    let mut saw_eviction = false;
    for batch in frames.chunks(500) {
        app.update(Msg::Frames(batch.to_vec()));
        fed += batch.len();
        assert!(app.store().mem_bytes() <= BUDGET);
        let kept = app.store().len();
        let evicted = app.store().evicted();
        assert_eq!(kept as u64 + evicted, fed as u64);
        let status = status_row(&app);
        let want = if evicted > 0 {
            saw_eviction = true;
            format!("{kept} pkts ({evicted} evicted, --max-mem)")
        } else {
            format!("{fed} pkts")
        };
        assert!(status.contains(&want), "after {fed}: {status}");
        assert!(app.packets().follow());
        let newest = app.packets().selected().and_then(|i| app.store().get(i));
        assert_eq!(newest.map(|v| v.number + 1), Some(fed as u64));
        // The oldest kept packet is frame evicted + 1.
        assert_eq!(app.store().get(0).map(|v| v.number + 1), Some(evicted + 1));
        assert_eq!(app.store().index_of_frame(evicted + 1), Some(0));
        assert!(screen_text(&app).contains(&format!("Packets ({kept})")));
    }
    assert!(saw_eviction, "6000 packets do not fit in 256 KiB");
}

#[test]
fn the_packet_limit_reached_first_keeps_the_plain_count() {
    let frames = many_frames(30);
    let mut app = live(Some(1 << 30), Some(10));
    app.update(Msg::Frames(frames));
    assert_eq!((app.store().len(), app.store().evicted()), (10, 20));
    let status = status_row(&app);
    assert!(status.contains("10 pkts (20 evicted)"), "{status}");
    assert!(!status.contains("--max-mem"), "{status}");
}
