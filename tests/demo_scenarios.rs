//! The classroom demo's embedded scenarios keep their word: each decodes without a broken
//! packet, and the flow tracker finds exactly the connections its description promises (the
//! library's `Scenario::check`, plus facts restated here from the captures' README). Also the
//! `synack demo` command line: `--list` and an unknown name.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use synack::decode::{self, IssueKind};
use synack::flow::{Close, Flow, FlowTracker, Outcome, PacketAnalysis, TcpState, Verdicts};
use synack::model::{Frame, TcpSegment, tcp_flags};
use synack::source::{self, SourceEvent};
use synack::teach::demo::{self, SCENARIOS, Scenario};
use synack::teach::quiz::{self, Ask, Question};

const S: i64 = 1_000_000_000;

fn frames(sc: &Scenario) -> Vec<Frame> {
    sc.frames()
        .unwrap_or_else(|e| panic!("{}: embedded capture unreadable: {e}", sc.name))
}

fn track(frames: &[Frame]) -> FlowTracker {
    let mut t = FlowTracker::new(10_000);
    for (i, f) in frames.iter().enumerate() {
        if let Some(seg) = decode::summarize(f.link, &f.data, f.len).tcp {
            t.observe(i as u64 + 1, f.ts_ns, &seg, f.len);
        }
    }
    t.finish();
    t
}

fn flows_of(name: &str) -> (Vec<Frame>, Vec<Flow>) {
    let sc = demo::find(name).expect("known scenario");
    let fr = frames(sc);
    let flows = track(&fr).flows().cloned().collect();
    (fr, flows)
}

#[test]
fn every_scenario_decodes_without_broken_packets() {
    for sc in &SCENARIOS {
        let fr = frames(sc);
        assert!(!fr.is_empty(), "{}: no packets", sc.name);
        for (i, f) in fr.iter().enumerate() {
            let d = decode::decode(f.link, &f.data, f.len);
            for issue in &d.issues {
                assert!(
                    !matches!(issue.kind, IssueKind::Truncated | IssueKind::Malformed),
                    "{} packet {}: {:?} {}",
                    sc.name,
                    i + 1,
                    issue.kind,
                    issue.message
                );
            }
            assert!(
                d.summary.tcp.is_some(),
                "{} packet {}: every demo packet is TCP",
                sc.name,
                i + 1
            );
        }
    }
}

#[test]
fn every_scenario_yields_the_flows_it_promises() {
    for sc in &SCENARIOS {
        let t = track(&frames(sc));
        assert_eq!(t.len(), sc.flow_count(), "{}: flow count", sc.name);
        if let Err(e) = sc.check(t.flows()) {
            panic!("{e}");
        }
        assert!(!sc.description.is_empty() && !sc.title.is_empty());
    }
}

#[test]
fn http_is_one_complete_connection_closed_with_fin() {
    let (fr, flows) = flows_of("http");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!((f.outcome(), f.close), (Outcome::Complete, Close::Fin));
    assert_eq!(f.packets(), fr.len() as u64);
    assert_eq!(f.server().port(), 80);
    // "every exchange costs one round trip of about 80 ms"
    let rtt = f.rtt().initial_ns.expect("complete handshake has an RTT");
    assert!((60_000_000..150_000_000).contains(&rtt), "irtt {rtt}");
}

#[test]
fn refused_is_a_syn_answered_by_rst() {
    let (fr, flows) = flows_of("refused");
    assert_eq!(fr.len(), 2);
    assert_eq!(flows[0].outcome(), Outcome::Refused);
    assert!(flows[0].to_client().rst);
}

#[test]
fn no_answer_backs_off_by_doubling() {
    let (fr, flows) = flows_of("no_answer");
    let f = &flows[0];
    assert_eq!(f.outcome(), Outcome::NoResponse);
    assert_eq!(f.syn_count(), 4);
    assert_eq!(f.syn_retransmissions(), 3);
    let gaps: Vec<i64> = fr.windows(2).map(|w| w[1].ts_ns - w[0].ts_ns).collect();
    for (gap, want) in gaps.iter().zip([1, 2, 4]) {
        let want = want * S;
        assert!(
            (*gap - want).abs() < want / 5,
            "gap {gap} ns, expected about {want}"
        );
    }
}

#[test]
fn lossy_handshake_is_retransmitted_and_slow() {
    let (_, flows) = flows_of("lossy");
    let f = &flows[0];
    assert_eq!((f.outcome(), f.close), (Outcome::Complete, Close::Fin));
    assert!(f.syn_retransmissions() + f.synack_retransmissions() >= 1);
    let syn = f.syn_ts_ns().expect("syn seen");
    let ack = f.ack_ts_ns().expect("ack seen");
    assert!(ack - syn > S, "the lost SYN-ACK costs over a second");
}

#[test]
fn ipv6_is_the_same_story_with_a_smaller_mss() {
    let (_, v6) = flows_of("ipv6");
    let (_, v4) = flows_of("http");
    let (a, b) = (&v6[0], &v4[0]);
    assert!(a.client().is_ipv6() && b.client().is_ipv4());
    assert_eq!((a.outcome(), a.close), (b.outcome(), b.close));
    let mss = |f: &Flow| f.client_options().and_then(|o| o.mss);
    assert_eq!(mss(a), Some(1440));
    assert_eq!(mss(b), Some(1460));
}

#[test]
fn reset_and_simultaneous() {
    let (_, r) = flows_of("reset");
    assert_eq!(
        (r[0].outcome(), r[0].close),
        (Outcome::Complete, Close::Rst)
    );
    assert!(r[0].to_client().rst && !r[0].to_client().fin);
    let (_, s) = flows_of("simultaneous");
    assert_eq!(s[0].outcome(), Outcome::SimultaneousOpen);
    assert_eq!(s[0].syn_count(), 2);
}

#[test]
fn busy_has_the_promised_mix() {
    let (_, flows) = flows_of("busy");
    let count = |o: Outcome| flows.iter().filter(|f| f.outcome() == o).count();
    assert_eq!(flows.len(), 39);
    assert_eq!(count(Outcome::Complete), 32);
    assert_eq!(count(Outcome::Refused), 5);
    assert_eq!(count(Outcome::NoResponse), 2);
    assert_eq!(flows.iter().filter(|f| f.client().is_ipv6()).count(), 3);
    assert_eq!(
        flows.iter().filter(|f| f.close == Close::Rst).count(),
        6,
        "5 refusals and 1 reset"
    );
}

/// One packet of a scenario as the tracker saw it.
struct Seen {
    no: u64,
    ts: i64,
    seg: TcpSegment,
    analysis: PacketAnalysis,
}

/// Every TCP packet of `name` with synack's sequence analysis, the flows, and the quiz.
fn analysed(name: &str) -> (Vec<Seen>, Vec<Flow>, Vec<Question>) {
    let sc = demo::find(name).expect("known scenario");
    let mut t = FlowTracker::new(10_000);
    let mut seen = Vec::new();
    for (i, f) in frames(sc).iter().enumerate() {
        let seg = decode::summarize(f.link, &f.data, f.len)
            .tcp
            .expect("every demo packet is TCP");
        let no = i as u64 + 1;
        let analysis = t.observe(no, f.ts_ns, &seg, f.len).analysis;
        seen.push(Seen {
            no,
            ts: f.ts_ns,
            seg,
            analysis,
        });
    }
    t.finish();
    let qs = quiz::questions(seen.iter().map(|p| (p.no, &p.seg)));
    (seen, t.flows().cloned().collect(), qs)
}

fn with(seen: &[Seen], v: Verdicts) -> Vec<&Seen> {
    seen.iter()
        .filter(|p| p.analysis.verdicts.contains(v))
        .collect()
}

/// The question of kind `ask` (exactly one), checked against its packet.
fn the_question<'a>(seen: &[Seen], qs: &'a [Question], ask: Ask) -> &'a Question {
    let found: Vec<&Question> = qs.iter().filter(|q| q.ask == ask).collect();
    assert_eq!(found.len(), 1, "{ask:?}: {qs:#?}");
    let q = found[0];
    let p = &seen[usize::try_from(q.packet_no - 1).expect("small")];
    assert!(q.holds_for(&p.seg), "{q:#?} vs {:?}", p.seg);
    q
}

#[test]
fn slow_start_grows_its_flights_then_fast_retransmits_one_loss() {
    let (seen, flows, qs) = analysed("slow_start");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!((f.outcome(), f.close), (Outcome::Complete, Close::Fin));
    assert_eq!(f.client_options().and_then(|o| o.mss), Some(536));
    let client = f.client();
    // Bursts of the client's new data, split where the line stays quiet for 20 ms: slow
    // start sends the initial window (10 segments), then each round trip more.
    let data: Vec<&Seen> = seen
        .iter()
        .filter(|p| p.seg.src == client && p.seg.payload_len > 0)
        .collect();
    let mut bursts = vec![0usize];
    for w in data.windows(2) {
        if w[1].ts - w[0].ts > 20_000_000 {
            bursts.push(0);
        }
        if let Some(b) = bursts.last_mut() {
            *b += 1;
        }
    }
    bursts[0] += 1;
    assert_eq!(bursts[0], 10, "the initial window: {bursts:?}");
    assert!(bursts[1] > bursts[0], "the window grows: {bursts:?}");
    // One fast retransmission, after duplicate ACKs that name its sequence number.
    let fast = with(&seen, Verdicts::FAST_RETRANSMISSION);
    assert_eq!(fast.len(), 1, "one fast retransmission");
    let r = fast[0];
    assert_eq!(r.seg.src, client);
    let dups: Vec<&Seen> = with(&seen, Verdicts::DUPLICATE_ACK)
        .into_iter()
        .filter(|p| p.no < r.no)
        .collect();
    assert!(dups.len() >= 3, "{} duplicate ACKs first", dups.len());
    assert!(dups.iter().all(|p| p.seg.ack == r.seg.seq));
    // No timeout: the retransmission leaves within a round trip of the first duplicate.
    assert!(r.ts - dups[0].ts < 80_000_000);
    let resent = seen
        .iter()
        .filter(|p| p.analysis.verdicts.is_retransmission())
        .count();
    assert_eq!(resent, 1, "nothing else resent");
    // The quiz asks about it before it is shown.
    let q = the_question(&seen, &qs, Ask::FastRetransmit);
    assert_eq!(q.packet_no, r.no);
    assert_eq!(q.seq, Some(r.seg.seq));
}

#[test]
fn window_full_shows_a_zero_window_probes_and_an_update() {
    let (seen, flows, qs) = analysed("window_full");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!((f.outcome(), f.close), (Outcome::Complete, Close::Fin));
    let (client, server) = (f.client(), f.server());
    let zero = with(&seen, Verdicts::ZERO_WINDOW);
    assert!(!zero.is_empty());
    assert!(
        zero.iter()
            .all(|p| p.seg.src == client && p.seg.window == 0)
    );
    // Linux probes a zero window with no data at one before the next sequence number, which
    // tshark (and synack with it) calls a keep-alive; each is answered with window 0.
    let probes = with(&seen, Verdicts::KEEP_ALIVE);
    assert!(probes.len() >= 2, "{} probes", probes.len());
    assert!(
        probes
            .iter()
            .all(|p| p.seg.src == server && p.seg.payload_len == 0)
    );
    assert!(probes[0].no > zero[0].no);
    // The persist timer backs off: each gap at least as long as the one before.
    let gaps: Vec<i64> = std::iter::once(zero[0])
        .chain(probes.iter().copied())
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1].ts - w[0].ts)
        .collect();
    assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "{gaps:?}");
    let updates = with(&seen, Verdicts::WINDOW_UPDATE);
    let update = updates
        .iter()
        .find(|p| p.seg.src == client && p.no > probes[probes.len() - 1].no)
        .expect("a window update after the probes");
    assert!(update.seg.window > 0);
    // The quiz asks for the probe and for the update.
    assert_eq!(
        the_question(&seen, &qs, Ask::WindowProbe).packet_no,
        probes[0].no
    );
    assert_eq!(
        the_question(&seen, &qs, Ask::WindowUpdate).packet_no,
        update.no
    );
}

#[test]
fn close_simultaneous_has_both_fins_before_either_ack() {
    let (seen, flows, qs) = analysed("close_simultaneous");
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!((f.outcome(), f.close), (Outcome::Complete, Close::Fin));
    let fin_of = |from| {
        seen.iter()
            .find(|p| p.seg.src == from && p.seg.flags & tcp_flags::FIN != 0)
            .expect("a FIN each way")
    };
    let (cf, sf) = (fin_of(f.client()), fin_of(f.server()));
    let (first, second) = if cf.no < sf.no { (cf, sf) } else { (sf, cf) };
    let first_fin_seq = first.seg.seq.wrapping_add(first.seg.payload_len);
    let second_fin_seq = second.seg.seq.wrapping_add(second.seg.payload_len);
    // The second FIN does not acknowledge the first: they crossed.
    assert_ne!(second.seg.ack, first_fin_seq.wrapping_add(1), "not crossed");
    let acks_a_fin = |p: &&Seen| {
        p.seg.flags & tcp_flags::ACK != 0
            && ((p.seg.src == second.seg.src && p.seg.ack == first_fin_seq.wrapping_add(1))
                || (p.seg.src == first.seg.src && p.seg.ack == second_fin_seq.wrapping_add(1)))
    };
    let acks: Vec<&Seen> = seen.iter().filter(acks_a_fin).collect();
    assert_eq!(acks.len(), 2, "one ACK of each FIN");
    assert!(
        acks.iter().all(|a| a.no > second.no),
        "both FINs before either ACK"
    );
    // The ladder: both ends pass through CLOSING and end in TIME-WAIT.
    let states: Vec<(TcpState, TcpState)> = f
        .ladder
        .iter()
        .map(|e| (e.client_state, e.server_state))
        .collect();
    assert!(
        states.iter().any(|s| s.0 == TcpState::Closing),
        "{states:?}"
    );
    assert!(
        states.iter().any(|s| s.1 == TcpState::Closing),
        "{states:?}"
    );
    assert_eq!(
        states.last(),
        Some(&(TcpState::TimeWait, TcpState::TimeWait)),
        "{states:?}"
    );
    let q = the_question(&seen, &qs, Ask::CrossedFins);
    assert_eq!(q.packet_no, acks[0].no);
}

#[test]
fn port_scan_shows_open_closed_and_filtered() {
    let (seen, flows, qs) = analysed("port_scan");
    assert_eq!(flows.len(), 4);
    let scanner = flows[0].client();
    assert!(
        flows.iter().all(|f| f.client() == scanner),
        "one source port"
    );
    let by_port = |port: u16| {
        flows
            .iter()
            .find(|f| f.server().port() == port)
            .unwrap_or_else(|| panic!("port {port} probed"))
    };
    // Open: SYN-ACK, then the scanner's RST instead of the handshake's ACK.
    let open = by_port(80);
    assert_eq!(open.outcome(), Outcome::Incomplete);
    assert!(open.to_server().rst && !open.to_client().rst);
    // Closed: RST-ACK from the server.
    for port in [22, 443] {
        let closed = by_port(port);
        assert_eq!(closed.outcome(), Outcome::Refused, "port {port}");
    }
    // Filtered: silence, and the probe sent twice.
    let filtered = by_port(8081);
    assert_eq!(filtered.outcome(), Outcome::NoResponse);
    assert_eq!(filtered.syn_count(), 2);
    assert!(
        seen.iter().all(|p| p.seg.src.port() != 8081),
        "nothing from 8081"
    );
    // The quiz: open or closed for each answer, the half-open reset, the second probe.
    let states: Vec<(u16, bool)> = qs
        .iter()
        .filter(|q| q.ask == Ask::PortState)
        .map(|q| {
            let p = &seen[usize::try_from(q.packet_no - 1).expect("small")];
            assert!(q.holds_for(&p.seg), "{q:#?}");
            (p.seg.src.port(), q.answer.contains("is open"))
        })
        .collect();
    let mut states = states;
    states.sort_unstable();
    assert_eq!(states, [(22, false), (80, true), (443, false)]);
    the_question(&seen, &qs, Ask::HalfOpenReset);
    let again = the_question(&seen, &qs, Ask::Retransmission);
    assert!(again.answer.contains("filtered"), "{}", again.answer);
}

/// XML parsing that accepts the page's `<!DOCTYPE html>` (roxmltree refuses a DTD unless asked).
fn xhtml<'a>() -> roxmltree::ParsingOptions<'a> {
    roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    }
}

/// The text of every element named `tag` under `node`, in document order.
fn texts_of(node: roxmltree::Node<'_, '_>, tag: &str) -> Vec<String> {
    node.descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn demo_handout_html_is_one_self_contained_page_per_scenario() {
    let dir = std::env::temp_dir().join(format!("synack-handout-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for sc in &SCENARIOS {
        let path = dir.join(format!("{}.html", sc.name));
        let out = Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(["demo", sc.name, "--handout"])
            .arg(&path)
            .output()
            .expect("run synack");
        assert!(
            out.status.success(),
            "{}: {}",
            sc.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&path).expect("handout written");
        assert!(text.starts_with("<!DOCTYPE html>"), "{text}");
        let doc = roxmltree::Document::parse_with_options(&text, xhtml())
            .unwrap_or_else(|e| panic!("{}: not well-formed XHTML: {e}\n{text}", sc.name));
        let root = doc.root_element();
        assert!(root.has_tag_name("html"));
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/1999/xhtml")
        );
        // Self-contained: no scripts, no links, no images, no attribute naming a resource.
        for n in root.descendants().filter(|n| n.is_element()) {
            let tag = n.tag_name().name();
            assert!(
                !["script", "link", "img", "iframe", "object"].contains(&tag),
                "{}: <{tag}>",
                sc.name
            );
            for a in n.attributes() {
                assert!(
                    !["src", "href"].contains(&a.name()) && !a.value().contains("url("),
                    "{}: {}={}",
                    sc.name,
                    a.name(),
                    a.value()
                );
            }
        }
        assert!(
            !text.contains("url("),
            "{}: an external resource in the style",
            sc.name
        );
        // The sections in order: ladder, field table, questions, answers.
        let h2 = texts_of(root, "h2");
        assert_eq!(
            h2,
            [
                "The ladder",
                "The handshake packets",
                "Questions",
                "Answers"
            ],
            "{}",
            sc.name
        );
        let h1 = texts_of(root, "h1");
        assert_eq!(h1.len(), 1);
        assert!(
            h1[0].contains(sc.name) && h1[0].contains(sc.title),
            "{h1:?}"
        );
        // The ladder as text: one arrow per handshake event, the states named.
        let ladders = texts_of(root, "pre");
        assert!(!ladders.is_empty(), "{}: no ladder", sc.name);
        assert!(
            ladders[0].contains("SYN") && ladders[0].contains("SYN_SENT"),
            "{}",
            ladders[0]
        );
        // The field table: the header, then a SYN row whose cells match the packets.
        let th = texts_of(root, "th");
        assert_eq!(th.first().map(String::as_str), Some("No."));
        assert!(th.iter().any(|h| h == "Window") && th.iter().any(|h| h == "Options"));
        let rows: Vec<Vec<String>> = root
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .map(|tr| texts_of(tr, "td"))
            .filter(|cells| !cells.is_empty())
            .collect();
        let syn = rows
            .iter()
            .find(|r| r.get(4).map(String::as_str) == Some("SYN"))
            .unwrap_or_else(|| panic!("{}: no SYN row: {rows:?}", sc.name));
        assert_eq!(syn.len(), th.len());
        let (seen, _, qs) = analysed(sc.name);
        let no: usize = syn[0].parse().expect("a packet number");
        let p = &seen[no - 1];
        assert_eq!(
            syn[5],
            p.seg.seq.to_string(),
            "{}: the SYN's raw seq",
            sc.name
        );
        assert_eq!(syn[7], p.seg.window.to_string());
        // Questions, then the answers in the same order, as the quiz makes them.
        let lists: Vec<roxmltree::Node<'_, '_>> = root
            .descendants()
            .filter(|n| n.has_tag_name("ol"))
            .collect();
        assert_eq!(lists.len(), 2, "{}", sc.name);
        let questions = texts_of(lists[0], "li");
        let answers = texts_of(lists[1], "li");
        assert_eq!(questions.len(), qs.len(), "{}", sc.name);
        assert_eq!(answers.len(), qs.len(), "{}", sc.name);
        for ((q, asked), answered) in qs.iter().zip(&questions).zip(&answers) {
            assert!(asked.contains(&q.text), "{asked}");
            assert!(answered.contains(&q.answer), "{answered}");
            assert!(
                answered.contains(&format!("packet {}", q.packet_no)),
                "{answered}"
            );
        }
    }
    // --redact: still well-formed, no real address.
    let path = dir.join("redacted.html");
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "port_scan", "--redact", "--handout"])
        .arg(&path)
        .output()
        .expect("run synack");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&path).expect("handout written");
    roxmltree::Document::parse_with_options(&text, xhtml()).expect("well-formed after redaction");
    assert!(!text.contains("10.77."), "{text}");
    assert!(text.contains("192.0.2.1:45678"), "{text}");
    // The extension decides: .HTM is HTML too, .txt stays Markdown.
    for (name, html) in [("w.HTM", true), ("w.txt", false)] {
        let path = dir.join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(["demo", "refused", "--handout"])
            .arg(&path)
            .output()
            .expect("run synack");
        assert!(out.status.success());
        let text = std::fs::read_to_string(&path).expect("handout written");
        assert_eq!(text.starts_with("<!DOCTYPE html>"), html, "{name}");
        assert_eq!(text.starts_with("# Worksheet"), !html, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_embedded_scenario_feeds_the_capture_thread() {
    // What the viewer does with a demo: the ordinary capture thread over the embedded bytes.
    let sc = demo::find("lossy").expect("known");
    let stop = Arc::new(AtomicBool::new(false));
    let handle = source::spawn_reader(sc.reader().expect("opens"), stop).expect("spawns");
    assert_eq!(handle.info.name, "demo lossy");
    let mut got = Vec::new();
    let mut finished = false;
    for ev in handle.rx.iter() {
        match ev {
            SourceEvent::Frames(f) => got.extend(f),
            SourceEvent::Progress { .. } | SourceEvent::Rate(_) => {}
            SourceEvent::Finished(r) => {
                r.expect("clean end");
                finished = true;
            }
        }
    }
    handle.join();
    assert!(finished);
    assert_eq!(got, frames(sc));
    assert_eq!(demo::frames("lossy").expect("known"), got);
}

#[test]
fn demo_list_names_every_scenario_once() {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "--list"])
        .output()
        .expect("run synack");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), SCENARIOS.len(), "{text}");
    for (line, sc) in lines.iter().zip(&SCENARIOS) {
        assert_eq!(line.split_whitespace().next(), Some(sc.name), "{line}");
        assert!(line.contains(sc.title), "{line}");
    }
}

#[test]
fn demo_with_an_unknown_name_says_which_exist() {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "tcp-magic"])
        .output()
        .expect("run synack");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("synack: "), "{err}");
    assert!(err.contains("tcp-magic"), "{err}");
    for sc in &SCENARIOS {
        assert!(err.contains(sc.name), "{err}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn demo_handout_writes_every_scenarios_worksheet() {
    let dir = std::env::temp_dir().join(format!("synack-handout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for sc in &SCENARIOS {
        let path = dir.join(format!("{}.md", sc.name));
        let out = Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(["demo", sc.name, "--handout"])
            .arg(&path)
            .output()
            .expect("run synack");
        assert!(
            out.status.success(),
            "{}: {}",
            sc.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&path).expect("handout written");
        assert!(
            text.starts_with(&format!("# Worksheet: `{}`", sc.name)),
            "{text}"
        );
        // Ladder, field table, then questions with their answers at the end.
        let at = |s: &str| {
            text.find(s)
                .unwrap_or_else(|| panic!("{s} missing:\n{text}"))
        };
        assert!(at("## The ladder") < at("## The handshake packets"));
        assert!(at("## The handshake packets") < at("## Questions"));
        assert!(at("## Questions") < at("## Answers"));
        assert!(
            text.contains("1. *(before packet"),
            "{}: no question",
            sc.name
        );
        assert!(text.contains("| SYN |"), "{}: no SYN row", sc.name);
    }
    // --redact masks the addresses in the worksheet too.
    let path = dir.join("redacted.md");
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "http", "--redact", "--handout"])
        .arg(&path)
        .output()
        .expect("run synack");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&path).expect("handout written");
    assert!(!text.contains("10.77."), "{text}");
    assert!(text.contains("192.0.2.1:"), "{text}");
    // A directory that does not exist: a message that says where and what to do.
    let bad = dir.join("missing/out.md");
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["demo", "http", "--handout"])
        .arg(&bad)
        .output()
        .expect("run synack");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write the handout"), "{err}");
    assert!(err.contains("missing/out.md"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
