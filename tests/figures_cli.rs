//! `synack ladder` and `synack stats` as a user runs them, on the demo captures: the SVG figure
//! is parsed as XML and rendered to PNG with resvg (not blank: ink on the white page), the
//! text and mermaid forms carry the handshake, a missing flow is a usage error; `stats`
//! prints text and a JSON document whose counts add up. Also `x` on the viewer's flows screen.

mod ui_support;

use std::path::Path;
use std::process::Command;

use synack::app::{App, Key, Msg, Screen, SourceKind};
use ui_support::{demo_frames, keys};

const BIN: &str = env!("CARGO_BIN_EXE_synack");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn demo(name: &str) -> String {
    format!("{ROOT}/assets/demo/{name}")
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent-synack-test")
        .output()
        .expect("synack runs")
}

/// Renders an SVG with resvg; returns the PNG bytes and how many pixels are not white.
fn render_png(svg: &str) -> (Vec<u8>, usize, (u32, u32)) {
    let opt = resvg::usvg::Options::default();
    let tree = resvg::usvg::Tree::from_str(svg, &opt).expect("usvg parses the figure");
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("a non-empty page");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    let ink = pixmap
        .pixels()
        .iter()
        .filter(|p| p.alpha() > 0 && (p.red() < 200 || p.green() < 200 || p.blue() < 200))
        .count();
    let png = pixmap.encode_png().expect("PNG encoding");
    (png, ink, (size.width(), size.height()))
}

#[test]
fn svg_figure_parses_and_renders_with_ink() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("flow0.svg");
    let o = run(&[
        "ladder",
        &demo("http.pcap"),
        "--flow",
        "0",
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).expect("the figure was written");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        texts.iter().any(|t| t.starts_with("SYN seq=0")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("ESTABLISHED")), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with("Handshake: ")),
        "{texts:?}"
    );
    let (png, ink, (w, h)) = render_png(&svg);
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    // To look at it: SYNACK_FIGURE_PNG=/tmp/figure.png cargo test --test figures_cli
    if let Some(path) = std::env::var_os("SYNACK_FIGURE_PNG") {
        std::fs::write(path, &png).expect("PNG written");
    }
    // The arrows, columns and boxes alone are thousands of dark pixels.
    assert!(
        ink > 2_000,
        "only {ink} dark pixels on a {w}×{h} page: blank figure"
    );
    assert!(
        ink < (w * h / 2) as usize,
        "mostly dark: not black on white"
    );
}

#[test]
fn time_scaled_figure_renders_too() {
    let o = run(&[
        "ladder",
        &demo("lossy.pcap"),
        "--flow",
        "0",
        "--time-scaled",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = String::from_utf8(o.stdout).expect("utf-8");
    roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(svg.contains("RTT/2"), "the estimate is labelled");
    let (_, ink, _) = render_png(&svg);
    assert!(ink > 2_000);
}

#[test]
fn text_and_mermaid_forms() {
    let o = run(&[
        "ladder",
        &demo("http.pcap"),
        "--flow",
        "0",
        "--format",
        "txt",
    ]);
    assert!(o.status.success());
    let t = String::from_utf8(o.stdout).expect("utf-8");
    assert!(
        t.contains("SYN_SENT") && t.contains("▶") && t.contains("◀"),
        "{t}"
    );
    let raw = run(&[
        "ladder",
        &demo("http.pcap"),
        "--flow",
        "0",
        "--format",
        "txt",
        "--raw",
    ]);
    let raw = String::from_utf8(raw.stdout).expect("utf-8");
    assert!(!raw.contains("SYN seq=0 "), "raw numbers: {raw}");
    let m = run(&[
        "ladder",
        &demo("refused.pcap"),
        "--flow",
        "0",
        "--format",
        "mermaid",
    ]);
    assert!(m.status.success());
    let m = String::from_utf8(m.stdout).expect("utf-8");
    assert!(m.starts_with("sequenceDiagram\n"), "{m}");
    assert!(m.contains("S-xC:"), "a reset is drawn as a cross: {m}");
}

#[test]
fn a_flow_that_does_not_exist_is_a_usage_error() {
    let o = run(&["ladder", &demo("http.pcap"), "--flow", "99"]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("no TCP connection 99"), "{e}");
}

#[test]
fn stats_text_and_json() {
    let o = run(&["stats", &demo("busy.pcap")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = String::from_utf8(o.stdout).expect("utf-8");
    for needle in [
        "Protocols by layer",
        "Protocol hierarchy",
        "IP conversations",
        "TCP/UDP endpoints",
        "TCP handshakes",
        "initial RTT: median",
        "Traffic over time",
    ] {
        assert!(t.contains(needle), "{needle} missing:\n{t}");
    }
    let o = run(&["stats", &demo("busy.pcap"), "--format", "json"]);
    assert!(o.status.success());
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    let packets = j["packets"].as_u64().expect("packets");
    let dumped = run(&["dump", &demo("busy.pcap")]);
    let lines = String::from_utf8_lossy(&dumped.stdout).lines().count() as u64;
    assert_eq!(packets, lines, "stats counts every packet dump prints");
    let timeline: u64 = j["timeline"]["packets"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(timeline, packets, "every packet is in one time bucket");
    let hs = &j["handshakes"];
    let outcomes: u64 = hs["outcomes"]
        .as_object()
        .expect("outcomes")
        .values()
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(outcomes, hs["connections"].as_u64().expect("connections"));
    assert!(hs["initial_rtt_median_ns"].as_i64().is_some());
    let csv = run(&["stats", &demo("busy.pcap"), "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(2));
}

#[test]
fn stats_redact_masks_conversation_addresses() {
    let plain = run(&["stats", &demo("http.pcap"), "--format", "json"]);
    let red = run(&["stats", &demo("http.pcap"), "--format", "json", "--redact"]);
    let p: serde_json::Value = serde_json::from_slice(&plain.stdout).expect("json");
    let r: serde_json::Value = serde_json::from_slice(&red.stdout).expect("json");
    let a = p["ip_conversations"][0]["a"].as_str().expect("address");
    assert!(
        !String::from_utf8_lossy(&red.stdout).contains(a),
        "{a} is still in the redacted output"
    );
    assert_eq!(
        p["ip_conversations"][0]["frames_ab"],
        r["ip_conversations"][0]["frames_ab"]
    );
}

#[test]
fn x_on_the_flows_screen_writes_the_selected_ladder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = App::new(
        SourceKind::File {
            name: "http".into(),
        },
        120,
        40,
    );
    app.set_figure_dir(dir.path().to_path_buf());
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(demo_frames("http.pcap")));
    app.update(Msg::Finished(Ok(())));
    keys(&mut app, &[Key::Char('2')]);
    assert_eq!(app.screen(), Screen::Flows);
    keys(&mut app, &[Key::Char('x'), Key::Char('x'), Key::Char('X')]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("listing")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "synack-flow-0-2.svg",
            "synack-flow-0-time.svg",
            "synack-flow-0.svg"
        ],
        "a second export never replaces the first"
    );
    let svg =
        std::fs::read_to_string(Path::new(dir.path()).join("synack-flow-0.svg")).expect("written");
    roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(
        app.notice()
            .is_some_and(|n| n.contains("synack-flow-0-time.svg"))
    );
}

#[test]
fn screen_3_shows_statistics_and_enter_filters_the_packet_list() {
    let mut app = App::new(
        SourceKind::File {
            name: "busy".into(),
        },
        120,
        40,
    );
    app.update(Msg::Clock { now_ns: 0 });
    app.update(Msg::Frames(demo_frames("busy.pcap")));
    app.update(Msg::Finished(Ok(())));
    keys(&mut app, &[Key::Char('3')]);
    assert_eq!(app.screen(), Screen::Stats);
    let text = ui_support::screen_text(&app);
    for needle in [
        "Protocols by layer",
        "Handshakes",
        "Traffic over time",
        "IP conversations",
        "3 Stats",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let total = app.store().len();
    keys(&mut app, &[Key::Enter]);
    assert_eq!(app.screen(), Screen::Packets);
    // The filter pass runs in slices: let it finish.
    for _ in 0..1000 {
        if app.work_progress().is_none() {
            break;
        }
        app.work(10_000);
    }
    let shown = app.shown().len();
    assert!(
        shown > 0 && shown < total,
        "{shown} of {total} packets shown"
    );
}
