//! Screens of the handshake widgets at fixed virtual times: the ladder of a complete handshake
//! with FIN teardown (start, middle and end of its animation, at 80×24 and 120×40), a refused
//! connection, an unanswered SYN with two retransmissions, a mid-stream flow, and the flows
//! list with every outcome. Flows come from scripted segments fed to the real `FlowTracker`;
//! snapshots are plain text (insta), and the facts a person checks on them (which states show
//! when, partial arrows, no control characters, no colour in monochrome) are asserted in code.

use std::net::SocketAddr;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

use synack::flow::{Flow, FlowId, FlowTracker, Outcome};
use synack::model::{TcpHandshakeOptions, TcpSegment, tcp_flags as f};
use synack::teach::anim::{self, ArrowTiming, FlowProgress};
use synack::ui::flow_list::{FlowListView, SortKey, sort_flows};
use synack::ui::ladder::LadderView;

const MS: i64 = 1_000_000;
const US: i64 = 1_000;
/// Capture time of the first packet (the presentation clock starts at 0 there).
const T0: i64 = 1_700_000_000_000_000_000;

const SYN: u16 = f::SYN;
const SYNACK: u16 = f::SYN | f::ACK;
const ACK: u16 = f::ACK;
const PSHACK: u16 = f::PSH | f::ACK;
const FINACK: u16 = f::FIN | f::ACK;
const RSTACK: u16 = f::RST | f::ACK;

const CLIENT_ISN: u32 = 1_782_953_582;
const SERVER_ISN: u32 = 2_840_175_327;

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("test address")
}

fn linux_syn_options() -> TcpHandshakeOptions {
    TcpHandshakeOptions {
        mss: Some(1460),
        window_scale: Some(7),
        sack_permitted: true,
        timestamps: Some((3_102_477_001, 0)),
        fast_open: false,
        ..Default::default()
    }
}

fn server_synack_options() -> TcpHandshakeOptions {
    TcpHandshakeOptions {
        mss: Some(1400),
        window_scale: Some(9),
        sack_permitted: true,
        timestamps: Some((889_120_554, 3_102_477_001)),
        fast_open: false,
        ..Default::default()
    }
}

/// A capture: segments fed in time order to one tracker.
struct Capture {
    tracker: FlowTracker,
    packet_no: u64,
}

/// One scripted segment.
struct Seg {
    at_ns: i64,
    from_client: bool,
    flags: u16,
    seq: u32,
    ack: u32,
    len: u32,
    options: TcpHandshakeOptions,
}

fn seg(at_ns: i64, from_client: bool, flags: u16, seq: u32, ack: u32) -> Seg {
    Seg {
        at_ns,
        from_client,
        flags,
        seq,
        ack,
        len: 0,
        options: TcpHandshakeOptions::default(),
    }
}

impl Seg {
    fn len(mut self, len: u32) -> Seg {
        self.len = len;
        self
    }

    fn options(mut self, options: TcpHandshakeOptions) -> Seg {
        self.options = options;
        self
    }
}

impl Capture {
    fn new() -> Capture {
        Capture {
            tracker: FlowTracker::new(64),
            packet_no: 0,
        }
    }

    /// Feeds one connection's segments; returns its flow id.
    fn connection(&mut self, client: &str, server: &str, segs: Vec<Seg>) -> FlowId {
        let (client, server) = (addr(client), addr(server));
        let mut id = None;
        for s in segs {
            self.packet_no += 1;
            let (src, dst) = if s.from_client {
                (client, server)
            } else {
                (server, client)
            };
            let segment = TcpSegment {
                src,
                dst,
                flags: s.flags,
                seq: s.seq,
                ack: s.ack,
                payload_len: s.len,
                window: 64240,
                options: s.options,
            };
            let obs = self
                .tracker
                .observe(self.packet_no, T0 + s.at_ns, &segment, 66 + s.len);
            id.get_or_insert(obs.flow);
        }
        id.expect("at least one segment")
    }

    fn flow(&self, id: FlowId) -> &Flow {
        self.tracker.get(id).expect("flow retained")
    }
}

/// SYN, SYN-ACK after 40.112 ms, ACK 0.105 ms later, a request and its answer, then the
/// client closes and the server answers with FIN-ACK (~40 ms each way).
fn complete_segments(start: i64) -> Vec<Seg> {
    let c = CLIENT_ISN;
    let s = SERVER_ISN;
    vec![
        seg(start, true, SYN, c, 0).options(linux_syn_options()),
        seg(start + 40_112 * US, false, SYNACK, s, c + 1).options(server_synack_options()),
        seg(start + 40_217 * US, true, ACK, c + 1, s + 1),
        seg(start + 40_300 * US, true, PSHACK, c + 1, s + 1).len(120),
        seg(start + 80_500 * US, false, PSHACK, s + 1, c + 121).len(800),
        seg(start + 80_600 * US, true, ACK, c + 121, s + 801),
        seg(start + 120 * MS, true, FINACK, c + 121, s + 801),
        seg(start + 160_100 * US, false, FINACK, s + 801, c + 122),
        seg(start + 160_200 * US, true, ACK, c + 122, s + 802),
    ]
}

fn refused_segments(start: i64) -> Vec<Seg> {
    vec![
        seg(start, true, SYN, 4_000_000_000, 0).options(linux_syn_options()),
        seg(start + 83 * US, false, RSTACK, 0, 4_000_000_001),
    ]
}

/// A SYN nobody answers, sent again after 1 s and 2 s more (Linux's back-off).
fn unanswered_segments(start: i64) -> Vec<Seg> {
    vec![
        seg(start, true, SYN, 77_777, 0).options(linux_syn_options()),
        seg(start + 1_000 * MS, true, SYN, 77_777, 0).options(linux_syn_options()),
        seg(start + 3_000 * MS, true, SYN, 77_777, 0).options(linux_syn_options()),
    ]
}

/// Data in both directions, then the server closes: the handshake happened before.
fn midstream_segments(start: i64) -> Vec<Seg> {
    vec![
        seg(start, true, PSHACK, 5_000, 9_000).len(48),
        seg(start + 30 * MS, false, PSHACK, 9_000, 5_048).len(96),
        seg(start + 2_000 * MS, false, FINACK, 9_096, 5_048),
        seg(start + 2_030 * MS, true, ACK, 5_048, 9_097),
    ]
}

fn incomplete_segments(start: i64) -> Vec<Seg> {
    vec![
        seg(start, true, SYN, 10, 0).options(linux_syn_options()),
        seg(start + 12 * MS, false, SYNACK, 20, 11).options(server_synack_options()),
    ]
}

fn simultaneous_segments(start: i64) -> Vec<Seg> {
    vec![
        seg(start, true, SYN, 100, 0).options(linux_syn_options()),
        seg(start + MS, false, SYN, 300, 0).options(linux_syn_options()),
        seg(start + 20 * MS, true, SYNACK, 100, 301),
        seg(start + 21 * MS, false, SYNACK, 300, 101),
        seg(start + 40 * MS, true, ACK, 101, 301),
    ]
}

/// Reveal times on the presentation clock: each packet when a speed-1 replay releases it.
fn reveal(flow: &Flow) -> Vec<i64> {
    flow.ladder.iter().map(|e| e.ts_ns - T0).collect()
}

fn render<W>(widget: W, width: u16, height: u16) -> Buffer
where
    W: ratatui::widgets::Widget,
{
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| frame.render_widget(widget, frame.area()))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing blanks trimmed.
fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn assert_no_control_characters(buf: &Buffer) {
    for cell in &buf.content {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character in cell {:?}",
            cell.symbol()
        );
    }
}

fn assert_no_colour(buf: &Buffer) {
    use ratatui::style::Color;
    for cell in &buf.content {
        assert_eq!(cell.fg, Color::Reset, "colour in {:?}", cell.symbol());
        assert_eq!(cell.bg, Color::Reset, "colour in {:?}", cell.symbol());
    }
}

fn ladder_screen(flow: &Flow, timings: &[ArrowTiming], now_ns: i64, w: u16, h: u16) -> Buffer {
    let buf = render(LadderView::new(flow, timings, now_ns), w, h);
    assert_no_control_characters(&buf);
    buf
}

/// Column of the first `needle` in `line`, counted in cells.
fn column_of(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|byte| line[..byte].chars().count())
}

/// The instants a handshake animation is snapshotted at.
struct Moments {
    start: i64,
    syn_middle: i64,
    synack_middle: i64,
    handshake_end: i64,
    all_landed: i64,
}

fn moments(timings: &[ArrowTiming]) -> Moments {
    Moments {
        start: timings[0].start_ns,
        syn_middle: (timings[0].start_ns + timings[0].end_ns) / 2,
        synack_middle: (timings[1].start_ns + timings[1].end_ns) / 2,
        handshake_end: timings[2].end_ns,
        all_landed: timings.last().expect("timings").end_ns,
    }
}

fn complete_flow() -> (Capture, FlowId) {
    let mut capture = Capture::new();
    let id = capture.connection("192.0.2.10:51234", "198.51.100.20:80", complete_segments(0));
    (capture, id)
}

#[test]
fn complete_handshake_animation_80x24_and_120x40() {
    let (capture, id) = complete_flow();
    let flow = capture.flow(id);
    assert_eq!(flow.outcome(), Outcome::Complete);
    let timings = anim::schedule(flow, &reveal(flow));
    assert_eq!(timings.len(), flow.ladder.len());
    let m = moments(&timings);

    for (w, h) in [(80, 24), (120, 40)] {
        let start = ladder_screen(flow, &timings, m.start, w, h);
        let middle = ladder_screen(flow, &timings, m.syn_middle, w, h);
        let synack = ladder_screen(flow, &timings, m.synack_middle, w, h);
        let end = ladder_screen(flow, &timings, m.handshake_end, w, h);
        let all = ladder_screen(flow, &timings, m.all_landed, w, h);
        let (start_t, middle_t, synack_t, end_t, all_t) = (
            text(&start),
            text(&middle),
            text(&synack),
            text(&end),
            text(&all),
        );

        // Start: only the SYN has left; the server has not changed and nothing answers yet.
        assert!(start_t.contains("SYN seq=0"), "{start_t}");
        assert!(start_t.contains("SYN_SENT"));
        assert!(!start_t.contains("SYN-ACK"));
        assert!(!start_t.contains("SYN_RCVD"));
        assert!(start_t.contains("handshake in progress"), "{start_t}");
        assert!(!start_t.contains("complete"));

        // Middle of the SYN: its head is between the lifelines, SYN_RCVD not yet shown.
        assert!(!middle_t.contains("SYN_RCVD"), "{middle_t}");
        assert!(!middle_t.contains("ESTABLISHED"));
        let arrow_row = middle_t
            .lines()
            .find(|l| l.contains('├') && l.contains('▶'))
            .expect("the SYN's arrow row");
        let head = column_of(arrow_row, "▶").expect("head");
        let lifeline = column_of(arrow_row, "├").expect("client lifeline");
        let server_line = arrow_row.chars().count()
            - arrow_row
                .chars()
                .rev()
                .position(|c| c == '│')
                .expect("server lifeline")
            - 1;
        assert!(head > lifeline + 5 && head + 5 < server_line, "{arrow_row}");

        // SYN-ACK in flight: the server is SYN_RCVD, the client not yet ESTABLISHED.
        assert!(synack_t.contains("SYN_RCVD"), "{synack_t}");
        assert!(!synack_t.contains("ESTABLISHED"));
        // The RTTs appear as their segments land.
        assert!(!synack_t.contains("40.217"));

        // End of the handshake: both sides ESTABLISHED on the ACK's row, RTT split shown.
        assert!(
            end_t.lines().any(|l| l.matches("ESTABLISHED").count() == 2),
            "{end_t}"
        );
        assert!(end_t.contains("40.112 ms"));
        assert!(end_t.contains("0.105 ms"));
        assert!(end_t.contains("40.217 ms"));
        assert!(end_t.contains("handshake ✔ complete"), "{end_t}");
        assert!(
            !end_t.contains("closed (FIN)"),
            "the FINs have not landed:\n{end_t}"
        );
        // The client's FIN, queued behind the ACK, is just leaving: the server has not seen it.
        assert!(end_t.contains("FIN_WAIT_1"), "{end_t}");
        assert!(!end_t.contains("CLOSE_WAIT"), "{end_t}");

        // Everything landed: the teardown below the handshake, TIME_WAIT / CLOSED at the end.
        assert!(all_t.contains("FIN-ACK"));
        assert!(all_t.contains("TIME_WAIT"));
        assert!(all_t.contains("CLOSED"));
        assert!(
            all_t.contains("handshake ✔ complete · closed (FIN)"),
            "{all_t}"
        );

        let size = format!("{w}x{h}");
        insta::assert_snapshot!(format!("complete_{size}_start"), start_t);
        insta::assert_snapshot!(format!("complete_{size}_syn_middle"), middle_t);
        insta::assert_snapshot!(format!("complete_{size}_synack_middle"), synack_t);
        insta::assert_snapshot!(format!("complete_{size}_handshake_end"), end_t);
        insta::assert_snapshot!(format!("complete_{size}_all_landed"), all_t);
    }
}

#[test]
fn large_screens_show_raw_numbers_options_and_times() {
    let (capture, id) = complete_flow();
    let flow = capture.flow(id);
    let timings = anim::schedule(flow, &reveal(flow));
    let t = text(&ladder_screen(flow, &timings, i64::MAX, 120, 40));
    assert!(t.contains("SYN seq=0 (raw 1782953582)"), "{t}");
    assert!(t.contains("SYN-ACK seq=0 (raw 2840175327) ack=1 (raw 1782953583)"));
    assert!(t.contains("mss 1460, wscale 7, sackOK, TS"));
    assert!(t.contains("mss 1400, wscale 9, sackOK, TS"));
    assert!(t.contains("+40.112 ms"));
    assert!(t.contains("client 192.0.2.10:51234"));
    assert!(t.contains("server 198.51.100.20:80"));
    assert!(t.contains("pkt 2"));
    // 80 columns keep the relative numbers and the options (shortened if need be).
    let small = text(&ladder_screen(flow, &timings, i64::MAX, 80, 24));
    assert!(
        small.contains("SYN-ACK seq=0 (raw 2840175327) ack=1"),
        "{small}"
    );
    assert!(small.contains("mss"));
    assert!(small.contains("+40.112 ms"));
}

#[test]
fn selected_event_is_highlighted() {
    let (capture, id) = complete_flow();
    let flow = capture.flow(id);
    let timings = anim::schedule(flow, &reveal(flow));
    let view = LadderView::new(flow, &timings, i64::MAX).selected_event(Some(1));
    let buf = render(view, 80, 24);
    let t = text(&buf);
    let marked: Vec<(usize, &str)> = t
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with('▸'))
        .collect();
    assert!(!marked.is_empty(), "{t}");
    assert!(marked.iter().any(|(_, l)| l.contains("SYN-ACK")), "{t}");
    for (y, _) in marked {
        let cell = &buf[(0, y as u16)];
        assert!(cell.modifier.contains(Modifier::REVERSED));
    }
}

#[test]
fn refused_unanswered_and_midstream_ladders() {
    let mut capture = Capture::new();
    let refused = capture.connection(
        "192.0.2.10:51300",
        "198.51.100.20:9999",
        refused_segments(0),
    );
    let unanswered = capture.connection(
        "192.0.2.10:51400",
        "203.0.113.5:443",
        unanswered_segments(10 * MS),
    );
    let midstream = capture.connection(
        "192.0.2.77:40000",
        "198.51.100.20:22",
        midstream_segments(20 * MS),
    );
    capture.tracker.finish();

    let flow = capture.flow(refused);
    assert_eq!(flow.outcome(), Outcome::Refused);
    let timings = anim::schedule(flow, &reveal(flow));
    let landed = timings.last().expect("timings").end_ns;
    let during = ladder_screen(flow, &timings, timings[1].start_ns + MS, 80, 24);
    let during_t = text(&during);
    assert!(during_t.contains("RST-ACK"), "{during_t}");
    assert!(!during_t.contains("CLOSED (reset)"));
    // Nothing listens on a refused port: the server never shows LISTEN (nor SYN_RCVD), not
    // before the SYN, not while it travels, not after the reset.
    let syn_middle = (timings[0].start_ns + timings[0].end_ns) / 2;
    for now in [
        timings[0].start_ns - MS,
        syn_middle,
        timings[1].start_ns + MS,
        landed,
    ] {
        let t = text(&ladder_screen(flow, &timings, now, 80, 24));
        assert!(!t.contains("LISTEN"), "at {now}: {t}");
        assert!(!t.contains("SYN_RCVD"), "at {now}: {t}");
        assert!(t.contains("│ CLOSED"), "at {now}: {t}");
    }
    for (w, h) in [(80, 24), (120, 40)] {
        let t = text(&ladder_screen(flow, &timings, landed, w, h));
        assert!(!t.contains("LISTEN"), "{t}");
        assert!(t.contains("RST-ACK"), "{t}");
        assert!(t.contains("CLOSED (reset)") || t.contains("CLOSED/RST"));
        assert!(t.contains("✖ refused"));
        assert!(t.contains("server side (SYN→RST) 0.083 ms"));
        insta::assert_snapshot!(format!("refused_{w}x{h}"), t);
    }

    let flow = capture.flow(unanswered);
    assert_eq!(flow.outcome(), Outcome::NoResponse);
    let timings = anim::schedule(flow, &reveal(flow));
    let landed = timings.last().expect("timings").end_ns;
    for (w, h) in [(80, 24), (120, 40)] {
        let t = text(&ladder_screen(flow, &timings, landed, w, h));
        assert_eq!(t.matches("(retransmission)").count(), 2, "{t}");
        assert!(t.contains("… no response"));
        assert!(t.contains("2 SYN retransmissions"));
        assert!(t.contains("+3000.000 ms") || t.contains("+3000.000"));
        assert!(!t.contains("SYN_RCVD"));
        // Unanswered SYNs stop short of the host that never answered.
        let arrows: Vec<&str> = t.lines().filter(|l| l.contains('▶')).collect();
        assert_eq!(arrows.len(), 3, "{t}");
        for line in arrows {
            let head = line.find('▶').expect("head");
            let rest = &line[head + '▶'.len_utf8()..];
            assert!(rest.starts_with("   "), "stops short: {line}");
        }
        insta::assert_snapshot!(format!("no_response_{w}x{h}"), t);
    }

    let flow = capture.flow(midstream);
    assert_eq!(flow.outcome(), Outcome::Midstream);
    let timings = anim::schedule(flow, &reveal(flow));
    let landed = timings.last().expect("timings").end_ns;
    for (w, h) in [(80, 24), (120, 40)] {
        let t = text(&ladder_screen(flow, &timings, landed, w, h));
        assert!(t.contains("no handshake captured"), "{t}");
        assert!(t.contains("~ mid-stream"));
        assert!(!t.contains("SYN "));
        assert!(t.contains("FIN-ACK"));
        insta::assert_snapshot!(format!("midstream_{w}x{h}"), t);
    }
}

#[test]
fn ladder_scrolls_to_keep_the_selection_in_view() {
    let (capture, id) = complete_flow();
    let flow = capture.flow(id);
    let timings = anim::schedule(flow, &reveal(flow));
    // 7 rows: the six events cannot all fit, even one row each.
    let last = flow.ladder.len() - 1;
    let view = LadderView::new(flow, &timings, i64::MAX).selected_event(Some(last));
    let t = text(&render(view, 80, 7));
    assert!(t.contains("earlier segment"), "{t}");
    assert!(t.lines().any(|l| l.starts_with('▸')), "{t}");
    let view = LadderView::new(flow, &timings, i64::MAX).selected_event(Some(0));
    let t = text(&render(view, 80, 7));
    assert!(t.contains("more segment"), "{t}");
    assert!(t.contains("SYN seq=0"), "{t}");
}

#[test]
fn monochrome_ladder_has_no_colour() {
    let (capture, id) = complete_flow();
    let flow = capture.flow(id);
    let timings = anim::schedule(flow, &reveal(flow));
    let colour = render(LadderView::new(flow, &timings, i64::MAX), 80, 24);
    let mono = render(
        LadderView::new(flow, &timings, i64::MAX).monochrome(true),
        80,
        24,
    );
    assert_no_colour(&mono);
    // Same words either way: colour only repeats what the text says.
    assert_eq!(text(&colour), text(&mono));
}

#[test]
fn widgets_never_panic_at_any_size() {
    let mut capture = Capture::new();
    let ids = [
        capture.connection("192.0.2.10:51234", "198.51.100.20:80", complete_segments(0)),
        capture.connection(
            "[2001:db8::1]:50000",
            "[2001:db8:ffff::2]:443",
            refused_segments(5),
        ),
        capture.connection(
            "192.0.2.10:51400",
            "203.0.113.5:443",
            unanswered_segments(9),
        ),
        capture.connection(
            "192.0.2.77:40000",
            "198.51.100.20:22",
            midstream_segments(11),
        ),
    ];
    let flows: Vec<&Flow> = ids.iter().map(|&id| capture.flow(id)).collect();
    let sizes = [
        0u16, 1, 2, 3, 4, 5, 8, 12, 16, 23, 24, 30, 40, 59, 60, 79, 80, 120, 200,
    ];
    for flow in &flows {
        let timings = anim::schedule(flow, &reveal(flow));
        for now in [i64::MIN, 0, 300 * MS, 900 * MS, i64::MAX] {
            for &w in &sizes {
                for &h in &sizes[..12] {
                    for selected in [None, Some(0), Some(99)] {
                        let view = LadderView::new(flow, &timings, now)
                            .selected_event(selected)
                            .scroll(7);
                        let buf = render(view, w, h);
                        assert_no_control_characters(&buf);
                    }
                }
            }
        }
    }
    for &w in &sizes {
        for &h in &sizes[..12] {
            let buf = render(FlowListView::new(&flows).selected(Some(2)).total(9), w, h);
            assert_no_control_characters(&buf);
        }
    }
}

/// One flow of every outcome, started 100 ms apart.
fn mixed_capture() -> (Capture, Vec<FlowId>) {
    let mut capture = Capture::new();
    let ids = vec![
        capture.connection("192.0.2.10:51234", "198.51.100.20:80", complete_segments(0)),
        capture.connection(
            "192.0.2.10:51300",
            "198.51.100.20:9999",
            refused_segments(100 * MS),
        ),
        capture.connection(
            "192.0.2.10:51400",
            "203.0.113.5:443",
            unanswered_segments(200 * MS),
        ),
        capture.connection(
            "192.0.2.11:33000",
            "198.51.100.30:8080",
            incomplete_segments(300 * MS),
        ),
        capture.connection(
            "192.0.2.12:7000",
            "192.0.2.13:7001",
            simultaneous_segments(400 * MS),
        ),
        capture.connection(
            "192.0.2.77:40000",
            "198.51.100.20:22",
            midstream_segments(500 * MS),
        ),
        capture.connection(
            "[2001:db8::10]:50123",
            "[2001:db8::443]:443",
            complete_segments(600 * MS),
        ),
    ];
    capture.tracker.finish();
    (capture, ids)
}

#[test]
fn flow_list_with_mixed_outcomes() {
    let (capture, ids) = mixed_capture();
    let flows: Vec<&Flow> = ids.iter().map(|&id| capture.flow(id)).collect();
    let outcomes: Vec<Outcome> = flows.iter().map(|f| f.outcome()).collect();
    for outcome in Outcome::ALL {
        assert!(outcomes.contains(&outcome), "{outcome:?} missing");
    }
    // At 0.5 s on the presentation clock, the first flows animate, later ones wait.
    let now = 500 * MS;
    let progress: Vec<FlowProgress> = flows
        .iter()
        .map(|f| anim::flow_progress(&anim::schedule(f, &reveal(f)), now))
        .collect();
    for (w, h) in [(80, 24), (120, 40)] {
        let view = FlowListView::new(&flows)
            .progress(&progress)
            .selected(Some(1))
            .total(flows.len())
            .sort(SortKey::Start);
        let buf = render(view, w, h);
        assert_no_control_characters(&buf);
        let t = text(&buf);
        for outcome in Outcome::ALL {
            assert!(t.contains(outcome.symbol()), "{outcome:?}:\n{t}");
        }
        assert!(t.lines().next().is_some_and(|h| h.contains("# ▲")), "{t}");

        assert!(t.contains("client") && t.contains("server") && t.contains("handshake"));
        // The complete flow's SYN-ACK is in flight at 0.5 s: drawn `‹SA`.
        let first = t.lines().nth(1).expect("first row");
        assert!(first.contains("S→ ‹SA"), "{first}");
        // Selected row: marker and reversed cells.
        let selected_line = t.lines().nth(2).expect("second row");
        assert!(selected_line.starts_with('▸'), "{t}");
        assert!(buf[(3, 2)].modifier.contains(Modifier::REVERSED));
        if w >= 120 {
            for outcome in Outcome::ALL {
                assert!(t.contains(outcome.label()), "{outcome:?}:\n{t}");
            }
            assert!(t.contains("40.217"));
            assert!(t.contains("health"), "{t}");
        }
        insta::assert_snapshot!(format!("flow_list_{w}x{h}"), t);
    }
    // With room for every column: the history and the health badges in words.
    let all = text(&render(
        FlowListView::new(&flows)
            .progress(&progress)
            .sort(SortKey::Start),
        150,
        10,
    ));
    assert!(all.contains("history") && all.contains("ShAD"), "{all}");
    assert!(
        all.contains("✓ clean") && all.contains("▲ trouble"),
        "{all}"
    );

    // Room to spare: the order and the position in the whole list are spelled out.
    let wide = text(&render(
        FlowListView::new(&flows[2..4]).first_index(2).total(7),
        160,
        5,
    ));
    assert!(wide.contains("by start ▲ · 3–4/7"), "{wide}");

    // Monochrome: no colour, and every outcome still has its own symbol.
    let mono = render(
        FlowListView::new(&flows)
            .progress(&progress)
            .monochrome(true),
        120,
        40,
    );
    assert_no_colour(&mono);
}

#[test]
fn flow_list_sorted_by_rtt_and_bytes() {
    let (capture, ids) = mixed_capture();
    let mut flows: Vec<&Flow> = ids.iter().map(|&id| capture.flow(id)).collect();

    sort_flows(&mut flows, SortKey::Rtt);
    let rtts: Vec<Option<i64>> = flows
        .iter()
        .map(|f| synack::ui::flow_list::list_rtt_ns(f))
        .collect();
    let known: Vec<i64> = rtts.iter().flatten().copied().collect();
    assert!(known.len() >= 2, "{rtts:?}");
    assert!(
        known.windows(2).all(|w| w[0] >= w[1]),
        "slowest first: {rtts:?}"
    );
    let first_none = rtts
        .iter()
        .position(Option::is_none)
        .expect("flows without RTT");
    assert!(
        rtts[first_none..].iter().all(Option::is_none),
        "unknown last: {rtts:?}"
    );
    let none_ids: Vec<FlowId> = flows[first_none..].iter().map(|f| f.id).collect();
    assert!(
        none_ids.windows(2).all(|w| w[0] < w[1]),
        "ties by flow number"
    );

    let t = text(&render(
        FlowListView::new(&flows).sort(SortKey::Rtt),
        160,
        12,
    ));
    assert!(t.contains("RTT ms ▼"), "{t}");
    assert!(t.contains("by RTT ▼"), "{t}");

    sort_flows(&mut flows, SortKey::Bytes);
    let bytes: Vec<u64> = flows.iter().map(|f| f.bytes()).collect();
    assert!(bytes.windows(2).all(|w| w[0] >= w[1]), "{bytes:?}");

    sort_flows(&mut flows, SortKey::Start);
    let starts: Vec<i64> = flows.iter().map(|f| f.first_ts_ns).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    let ids_in_order: Vec<FlowId> = flows.iter().map(|f| f.id).collect();
    assert_eq!(ids_in_order, ids);
}

#[test]
fn flow_list_drops_columns_on_narrow_screens_and_keeps_the_essentials() {
    let (capture, ids) = mixed_capture();
    let flows: Vec<&Flow> = ids.iter().map(|&id| capture.flow(id)).collect();
    let wide = text(&render(FlowListView::new(&flows), 160, 10));
    for title in [
        "#",
        "client",
        "server",
        "handshake",
        "RTT ms",
        "pkts",
        "bytes",
        "duration",
        "history",
        "arrows",
    ] {
        assert!(
            wide.lines().next().is_some_and(|h| h.contains(title)),
            "{title}:\n{wide}"
        );
    }
    // Without animation progress every arrow is drawn landed: the handshake, then the last.
    let complete_row = wide.lines().nth(1).expect("first row");
    assert!(complete_row.contains("S→ ←SA A→ … A→"), "{complete_row}");
    let narrow = text(&render(FlowListView::new(&flows), 60, 10));
    let header = narrow.lines().next().expect("header");
    assert!(
        header.contains("client") && header.contains("server"),
        "{narrow}"
    );
    assert!(!header.contains("history"));
    for outcome in Outcome::ALL {
        assert!(narrow.contains(outcome.symbol()), "{outcome:?}:\n{narrow}");
    }
    let empty = text(&render(FlowListView::new(&[]).total(0), 80, 5));
    assert!(empty.contains("no TCP flows yet"), "{empty}");
}

#[test]
fn simultaneous_open_ladder_names_peers_and_no_retransmission() {
    let mut capture = Capture::new();
    let id = capture.connection(
        "192.0.2.12:7000",
        "192.0.2.13:7001",
        simultaneous_segments(0),
    );
    capture.tracker.finish();
    let flow = capture.flow(id);
    assert_eq!(flow.outcome(), Outcome::SimultaneousOpen);
    let timings = anim::schedule(flow, &reveal(flow));
    let landed = timings.last().expect("timings").end_ns;
    // Neither side listens, before the first SYN or after the last arrow.
    let before = text(&ladder_screen(
        flow,
        &timings,
        timings[0].start_ns - MS,
        80,
        24,
    ));
    assert!(!before.contains("LISTEN"), "{before}");
    for (w, h) in [(80, 24), (120, 40)] {
        let t = text(&ladder_screen(flow, &timings, landed, w, h));
        assert!(!t.to_lowercase().contains("retransmission"), "{t}");
        assert!(!t.contains("retx"), "{t}");
        assert!(!t.contains("LISTEN"), "{t}");
        assert!(t.contains("peer A"), "{t}");
        assert!(t.contains("peer B"), "{t}");
        assert!(!t.contains("server side"), "{t}");
        assert!(t.contains("SYN_SENT"), "{t}");
        assert!(t.contains("SYN_RCVD"), "{t}");
        assert!(t.contains("ESTABLISHED"), "{t}");
    }
    let wide = text(&ladder_screen(flow, &timings, landed, 120, 40));
    assert!(wide.contains("peer A (first SYN)"), "{wide}");
    assert!(
        wide.contains("initial 40.000 ms") || wide.contains("initial"),
        "{wide}"
    );
}
