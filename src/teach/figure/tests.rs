//! The figure of a demo connection in the three formats: the SVG is well-formed XML with one
//! arrow per row, the text and mermaid forms carry the states and the outcome.

use std::path::Path;

use super::*;
use crate::decode::summarize;
use crate::flow::FlowTracker;
use crate::source::FileReader;

/// Reads a demo capture; returns its flow 0 and all of that flow's segments.
fn demo_flow(name: &str) -> (Flow, Vec<Segment>) {
    let path = format!("{}/assets/demo/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut r = FileReader::open(Path::new(&path)).expect("demo capture opens");
    let mut tracker = FlowTracker::new(1000);
    let mut segs = Vec::new();
    let mut frame = crate::model::Frame::new(0, 0, crate::model::LinkType::ETHERNET, Vec::new());
    let mut no = 0;
    while r.next_into(&mut frame).expect("reads") {
        no += 1;
        if let Some(seg) = summarize(frame.link, &frame.data, frame.len).tcp {
            let obs = tracker.observe(no, frame.ts_ns, &seg, frame.len);
            if obs.flow == 0 {
                segs.push(Segment {
                    packet_no: no,
                    ts_ns: frame.ts_ns,
                    seg,
                    retransmission: obs.analysis.verdicts.is_retransmission(),
                });
            }
        }
    }
    tracker.finish();
    (tracker.get(0).expect("flow 0").clone(), segs)
}

#[test]
fn svg_is_well_formed_with_an_arrow_per_row() {
    let (flow, segs) = demo_flow("http.pcap");
    let fig = Figure::build(&flow, &segs, FigureOptions::default());
    assert!(fig.rows.len() >= 3, "{:?}", fig.rows);
    assert_eq!(fig.rows[0].label, "SYN");
    assert_eq!(fig.rows[0].numbers, "seq=0");
    assert!(fig.rows[0].options.contains("MSS"), "{:?}", fig.rows[0]);
    let svg = svg(&fig);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let arrows = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("marker-end").is_some())
        .count();
    let drawn = fig.rows.iter().filter(|r| !r.is_note()).count();
    assert_eq!(arrows, drawn);
    assert!(
        !svg.contains("href"),
        "self-contained: no links to anything"
    );
    assert!(svg.contains("SYN_SENT"));
}

#[test]
fn relative_and_raw_numbers() {
    let (flow, segs) = demo_flow("http.pcap");
    let rel = Figure::build(&flow, &segs, FigureOptions::default());
    let raw = Figure::build(
        &flow,
        &segs,
        FigureOptions {
            raw: true,
            ..FigureOptions::default()
        },
    );
    let isn = flow.client_isn().expect("client ISN");
    assert_eq!(raw.rows[0].numbers, format!("seq={isn}"));
    // SYN-ACK acknowledges the client's ISN + 1.
    assert!(rel.rows[1].numbers.ends_with("ack=1"), "{:?}", rel.rows[1]);
}

#[test]
fn text_and_mermaid_carry_states_and_outcome() {
    let (flow, segs) = demo_flow("http.pcap");
    let fig = Figure::build(&flow, &segs, FigureOptions::default());
    let t = text(&fig);
    assert!(t.contains("SYN_SENT") && t.contains("ESTABLISHED"), "{t}");
    assert!(t.contains("▶") && t.contains("◀"), "{t}");
    assert!(t.contains(&fig.client) && t.contains(&fig.server));
    assert!(t.contains("Handshake: "), "{t}");
    let m = mermaid(&fig);
    assert!(m.starts_with("sequenceDiagram\n"));
    assert!(m.contains("C->>S:") && m.contains("S->>C:"), "{m}");
    assert!(m.lines().all(|l| !l.contains(';')), "{m}");
}

#[test]
fn viewer_export_uses_the_ladder_events() {
    let (flow, _) = demo_flow("http.pcap");
    let fig = Figure::build(&flow, &[], FigureOptions::default());
    let events = flow.ladder.len();
    let drawn = fig.rows.iter().filter(|r| !r.is_note()).count();
    assert_eq!(drawn, events);
    assert!(
        fig.rows.iter().any(Row::is_note),
        "data between is one note"
    );
}

#[test]
fn time_scaled_arrows_slant_by_half_the_rtt() {
    let (flow, segs) = demo_flow("http.pcap");
    let opts = FigureOptions {
        time_scaled: true,
        ..FigureOptions::default()
    };
    let fig = Figure::build(&flow, &segs, opts);
    assert!(fig.one_way_ns().is_some());
    let svg = svg(&fig);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name("line") && n.attribute("marker-end").is_some())
        .expect("an arrow");
    let y1: f64 = first
        .attribute("y1")
        .and_then(|v| v.parse().ok())
        .expect("y1");
    let y2: f64 = first
        .attribute("y2")
        .and_then(|v| v.parse().ok())
        .expect("y2");
    assert!(y2 > y1, "the SYN lands later than it left");
    assert!(svg.contains("RTT/2"));
}

#[test]
fn long_connections_are_cut_to_max_rows() {
    let (flow, segs) = demo_flow("http.pcap");
    // Each segment repeated 40 times, each alternate one retransmitted so nothing collapses.
    let many: Vec<Segment> = segs
        .iter()
        .cycle()
        .take(segs.len() * 40)
        .enumerate()
        .map(|(i, s)| Segment {
            packet_no: 1000 + i as u64,
            retransmission: true,
            ..*s
        })
        .collect();
    let fig = Figure::build(&flow, &many, FigureOptions::default());
    assert!(fig.rows.len() <= MAX_ROWS + 1);
    assert!(fig.omitted > 0);
    assert!(fig.caption().contains("summarised"));
}

#[test]
fn xml_escape_escapes_markup() {
    assert_eq!(xml_escape("<a&'\"\u{1b}>"), "&lt;a&amp;&apos;&quot;&gt;");
}
