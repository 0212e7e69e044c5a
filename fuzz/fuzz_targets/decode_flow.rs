//! Fuzzes the decoder and the flow tracker together: the first two bytes pick a link type, the
//! rest is one packet; every decoded TCP segment is fed to a small tracker. Run with
//! `cargo +nightly fuzz run decode_flow` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synack::decode::{decode, summarize};
use synack::flow::FlowTracker;
use synack::model::LinkType;

const LINKS: [u32; 11] = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, packet)) = data.split_first() else { return };
    let link = LinkType(LINKS[usize::from(pick) % LINKS.len()]);
    let len = u32::try_from(packet.len()).unwrap_or(u32::MAX);
    let summary = summarize(link, packet, len);
    let full = decode(link, packet, len);
    assert_eq!(summary, full.summary, "fast and full decode agree");
    for h in &full.headers {
        assert!(h.range.end <= packet.len());
        for f in &h.fields {
            assert!(f.range.end <= packet.len());
        }
    }
    if let Some(seg) = summary.tcp {
        let mut tracker = FlowTracker::new(4);
        // The same segment twice, then its reply: exercises retransmission and direction logic.
        tracker.observe(1, 0, &seg, len);
        tracker.observe(2, 1, &seg, len);
        let mut reply = seg;
        std::mem::swap(&mut reply.src, &mut reply.dst);
        tracker.observe(3, 2, &reply, len);
        assert!(tracker.len() <= 4);
    }
});
