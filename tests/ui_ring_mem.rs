//! Live captures with a byte budget (`synack live --max-mem SIZE`) through `TuiOptions`,
//! `App::update` and a `TestBackend`: the packet store stays within the budget, the oldest
//! packets are evicted and counted in the status bar (naming `--max-mem`), the list keeps
//! frame numbers since the capture began; when the packet limit is reached first the count
//! stays plain.

mod ui_support;

use synack::app::{App, Msg, SourceKind};
use synack::terminal::tui::TuiOptions;
use ui_support::{many_frames, screen_text};

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

#[test]
fn a_byte_budget_evicts_the_oldest_and_the_status_bar_counts_them() {
    let frames = many_frames(60);
    // What one of these packets costs: measured on a store without a limit.
    let mut probe = live(None, None);
    probe.update(Msg::Frames(frames[..1].to_vec()));
    let per_packet = probe.store().mem_bytes();
    assert!(
        per_packet > frames[0].data.len() as u64,
        "index counted too"
    );
    assert!(frames.iter().all(|f| f.data.len() == frames[0].data.len()));

    let budget = per_packet * 12 + per_packet / 2;
    let mut app = live(Some(budget), Some(1_000_000));
    assert_eq!(app.store().max_bytes(), Some(budget));
    let mut fed = 0usize;
    for batch in frames.chunks(7) {
        app.update(Msg::Frames(batch.to_vec()));
        fed += batch.len();
        assert!(app.store().mem_bytes() <= budget);
        assert_eq!(app.store().len(), fed.min(12));
        let evicted = fed.saturating_sub(12);
        assert_eq!(app.store().evicted(), evicted as u64);
        let status = status_row(&app);
        let want = if evicted > 0 {
            format!("{} pkts ({evicted} evicted, --max-mem)", fed.min(12))
        } else {
            format!("{fed} pkts")
        };
        assert!(status.contains(&want), "after {fed}: {status}");
        assert!(app.packets().follow());
        let newest = app.packets().selected().and_then(|i| app.store().get(i));
        assert_eq!(newest.map(|v| v.number + 1), Some(fed as u64));
    }
    // The oldest kept packet is frame evicted + 1.
    assert_eq!(app.store().get(0).map(|v| v.number + 1), Some(49));
    assert_eq!(app.store().index_of_frame(49), Some(0));
    assert!(screen_text(&app).contains("Packets (12)"));
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
