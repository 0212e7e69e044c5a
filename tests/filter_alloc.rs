//! A display filter runs on every packet of multi-million-packet files and from a background
//! thread over the viewer's store: once compiled, matching must not touch the heap. A counting
//! global allocator (per thread) proves it for filters that read every kind of field (ports,
//! addresses, CIDR, strings, regexes, sets, DNS names, HTTP, TLS, flow fields) on the demo
//! captures.

use std::cell::Cell;
use std::path::Path;

use synack::decode;
use synack::filter::{Filter, PacketCtx};
use synack::flow::FlowTracker;
use synack::model::{Frame, LinkType};
use synack::source::FileReader;

mod alloc_count;
use alloc_count::{COUNT, ON};

#[test]
fn matching_does_not_allocate() {
    let filters: Vec<Filter> = [
        "tcp.port in {80, 443, 8000..8090} && !tcp.flags.reset",
        "ip.addr == 10.77.0.0/16 || ipv6.addr == fd00:77::/32",
        "eth.addr == ff:ff:ff:ff:ff:ff or eth.type != 0x0800",
        "http.request.method matches \"^(GET|POST)$\" || http.host contains \"local\"",
        "http.response.code >= 200 && frame contains \"HTTP\"",
        "dns.qry.name contains \"example\" || tls.handshake.extensions_server_name == \"x\"",
        "tcp.seq == 1 && tcp.ack > 1 && tcp.window_size > 1000 && tcp.options.mss_val == 1460",
        "flow.handshake == \"refused\" || flow.history matches \"[Rr]\" || flow.irtt > 0.05",
        "frame.time_relative > 0.5 && frame.len > 60 && tcp.stream ge 1",
    ]
    .iter()
    .map(|f| Filter::compile(f).expect("compiles"))
    .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let mut checked = 0;
    for name in [
        "http.pcap",
        "refused.pcap",
        "ipv6.pcap",
        "busy.pcap",
        "reset.pcap",
    ] {
        let mut r = FileReader::open(&dir.join(name)).expect("demo capture");
        let mut fr = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
        let mut tracker = FlowTracker::new(1000);
        let mut n = 0;
        while r.next_into(&mut fr).expect("reads") {
            n += 1;
            let s = decode::summarize(fr.link, &fr.data, fr.len);
            let id = s
                .tcp
                .map(|seg| tracker.observe(n, fr.ts_ns, &seg, fr.len).flow);
            let ctx = PacketCtx {
                flow: id.and_then(|id| tracker.get(id)),
                wire_len: fr.len,
                ..PacketCtx::new(n, fr.link, &fr.data, fr.ts_ns)
            };
            // Warm up: the regex engine builds its per-thread cache on first use.
            for f in &filters {
                f.matches(&ctx);
            }
            ON.with(|o| o.set(true));
            for f in &filters {
                std::hint::black_box(f.matches(&ctx));
            }
            ON.with(|o| o.set(false));
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} packets");
    assert_eq!(COUNT.with(Cell::get), 0, "matching allocated");
}
