//! The classroom demo's scenarios: twelve small captures of real traffic recorded between
//! network namespaces (`scripts/record_demo/`, described in `assets/demo/README.md`), embedded
//! in the binary so `synack demo` needs no file, no root and no network. Each [`Scenario`] has
//! a name, a one-line title, a paragraph for the teacher (what happens, what to notice) and the
//! connection outcomes it promises, which the tests check against the flow tracker. Frames are
//! read through the ordinary file reader. [`SCENARIOS`] is in lesson order: `synack demo`
//! without a name starts with the first. Depends on `source`, `model` and `flow` (for the
//! promised outcomes).

use std::collections::BTreeMap;
use std::io::Cursor;

use thiserror::Error;

use crate::flow::{Close, Flow, Outcome};
use crate::model::Frame;
use crate::source::{FileReader, SourceError};

/// One kind of connection a scenario promises, and how many of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowPromise {
    pub count: usize,
    pub outcome: Outcome,
    pub close: Close,
    /// Carried over IPv6.
    pub ipv6: bool,
    /// SYNs the client sent (1 = no retransmission; for a simultaneous open, both ends').
    pub syn_count: u32,
}

/// What a connection looks like at the end of a scenario, in the terms of [`FlowPromise`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowShape {
    pub outcome: &'static str,
    pub close: &'static str,
    pub ipv6: bool,
    pub syn_count: u32,
}

impl FlowShape {
    pub fn of(flow: &Flow) -> FlowShape {
        FlowShape {
            outcome: flow.outcome().name(),
            close: flow.close.name(),
            ipv6: flow.client().is_ipv6(),
            syn_count: flow.syn_count(),
        }
    }

    fn of_promise(p: &FlowPromise) -> FlowShape {
        FlowShape {
            outcome: p.outcome.name(),
            close: p.close.name(),
            ipv6: p.ipv6,
            syn_count: p.syn_count,
        }
    }
}

impl std::fmt::Display for FlowShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} over IPv{}, close {}, {} SYN{}",
            self.outcome,
            if self.ipv6 { 6 } else { 4 },
            self.close,
            self.syn_count,
            if self.syn_count == 1 { "" } else { "s" }
        )
    }
}

/// One embedded capture and what it teaches.
#[derive(Debug)]
pub struct Scenario {
    /// What `synack demo NAME` takes.
    pub name: &'static str,
    /// One line for `synack demo --list` and the status bar.
    pub title: &'static str,
    /// A paragraph for the teacher: what happens, what to notice.
    pub description: &'static str,
    /// What it teaches, in a few words (the scenario menu's line).
    pub teaches: &'static str,
    /// The closing card's summary once the last packet is shown ("what you saw: …").
    pub recap: &'static str,
    /// The connections the capture holds, by kind (checked by the tests).
    pub promises: &'static [FlowPromise],
    bytes: &'static [u8],
}

const fn promise(
    count: usize,
    outcome: Outcome,
    close: Close,
    ipv6: bool,
    syn_count: u32,
) -> FlowPromise {
    FlowPromise {
        count,
        outcome,
        close,
        ipv6,
        syn_count,
    }
}

/// The scenarios, in the order a lesson uses them.
pub static SCENARIOS: [Scenario; 12] = [
    Scenario {
        name: "http",
        title: "A normal HTTP request: handshake, request, response, FIN teardown",
        description: "The client 10.77.1.1 opens a connection to 10.77.1.2 port 80 with SYN, \
            SYN-ACK, ACK, sends GET / HTTP/1.1 and gets HTTP/1.1 200 OK. The server closes \
            first (it sent Connection: close): its FIN follows the response, the client answers \
            with its own FIN, and the server's last ACK ends the connection. Notice that each \
            exchange costs one round trip of about 80 ms; that every ACK number is the other \
            side's sequence number plus the bytes (or SYN or FIN) received; and the options in \
            the SYN: MSS 1460, SACK permitted, timestamps, window scale.",
        teaches: "layers; SYN → SYN-ACK → ACK; ack = seq + 1; FIN teardown",
        recap: "a three-way handshake in one round trip (ack = the other side's seq + 1), one request and its answer, and an orderly FIN teardown started by the server.",
        promises: &[promise(1, Outcome::Complete, Close::Fin, false, 1)],
        bytes: include_bytes!("../../assets/demo/http.pcap"),
    },
    Scenario {
        name: "refused",
        title: "Connection refused: a SYN to a closed port is answered by RST",
        description: "The client sends a SYN to port 9999, where nothing listens. One round \
            trip later the server's kernel answers RST-ACK and connect() fails with \
            \"connection refused\". Notice that a closed port answers at once (one round trip, \
            no timeout, no application involved), and that the RST acknowledges the SYN \
            (ack = ISN + 1), which is how the client knows it answers its own SYN.",
        teaches: "a closed port answers RST in one round trip",
        recap: "a SYN to a port where nothing listens, answered at once by RST-ACK: the refusal costs one round trip, and its ack (ISN + 1) ties it to the SYN.",
        promises: &[promise(1, Outcome::Refused, Close::Rst, false, 1)],
        bytes: include_bytes!("../../assets/demo/refused.pcap"),
    },
    Scenario {
        name: "no_answer",
        title: "A SYN nobody answers: retransmissions with doubling back-off",
        description: "A relay silently drops everything to port 8081, as a firewall that \
            discards packets would. The client sends its SYN, then the same SYN (same sequence \
            number) again after about 1 s, 2 s more and 4 s more: each wait doubles. After a \
            last 8 s wait, which leaves no packet, connect() gives up with \"timed out\". \
            Notice the doubling gaps (exponential back-off) and the contrast with the refused \
            scenario: silence costs seconds, a refusal one round trip.",
        teaches: "silence: SYN retransmissions 1 s, 2 s, 4 s apart",
        recap: "the same SYN sent again and again, each wait twice the one before (exponential back-off), and no answer at all: silence costs seconds.",
        promises: &[promise(1, Outcome::NoResponse, Close::Open, false, 4)],
        bytes: include_bytes!("../../assets/demo/no_answer.pcap"),
    },
    Scenario {
        name: "lossy",
        title: "A lost SYN-ACK: both sides retransmit and the handshake recovers",
        description: "The relay drops the server's first SYN-ACK, so the client never sees it. \
            After 1 s the client sends its SYN again; at about the same moment the server's own \
            timer fires, so two SYN-ACKs arrive a few milliseconds apart. The first completes \
            the handshake; the client answers the duplicate with a duplicate ACK; then the HTTP \
            exchange goes as in the http scenario. Notice the 1 s hole after the first SYN: \
            the handshake costs over a second instead of 80 ms, and both sides recover on their \
            own.",
        teaches: "a lost SYN-ACK costs a second; both sides recover",
        recap: "a SYN-ACK lost on the way: a second of silence, then the client's SYN and the server's SYN-ACK sent again, and a handshake that still completes.",
        promises: &[promise(1, Outcome::Complete, Close::Fin, false, 2)],
        bytes: include_bytes!("../../assets/demo/lossy.pcap"),
    },
    Scenario {
        name: "ipv6",
        title: "The same request over IPv6",
        description: "The http conversation again, between fd00:77::1 and [fd00:77::2]:80. \
            Notice what changes: the IP header is 40 bytes instead of 20, so every frame is 20 \
            bytes longer; the MSS is 1440 instead of 1460 (the MTU minus both headers); the \
            Host header carries a bracketed address. The handshake, sequence numbers and \
            teardown are exactly as over IPv4: TCP does not care which IP carries it.",
        teaches: "another Internet layer, the same TCP",
        recap: "a 40-byte IPv6 header instead of IPv4's 20 and an MSS of 1440 instead of 1460, but the same handshake, sequence numbers and teardown.",
        promises: &[promise(1, Outcome::Complete, Close::Fin, true, 1)],
        bytes: include_bytes!("../../assets/demo/ipv6.pcap"),
    },
    Scenario {
        name: "reset",
        title: "A connection reset in the middle of a transfer",
        description: "After a normal handshake the client asks for 5 parts (SEND 5 PARTS). \
            The server sends part 1 and, 0.3 s later, part 2; the client acknowledges each. \
            Then the server aborts (SO_LINGER 0), so its kernel sends RST instead of FIN, and \
            the client's recv() fails with \"connection reset by peer\". Notice that the RST is \
            one segment nobody acknowledges, that its sequence number is exactly where the \
            server's data stopped, and compare it with the orderly FIN teardown of http.",
        teaches: "RST in the middle of a transfer vs an orderly FIN",
        recap: "a transfer aborted by RST: one segment nobody acknowledges, starting exactly where the server's data stopped, with no FIN exchange.",
        promises: &[promise(1, Outcome::Complete, Close::Rst, false, 1)],
        bytes: include_bytes!("../../assets/demo/reset.pcap"),
    },
    Scenario {
        name: "simultaneous",
        title: "A simultaneous open: two SYNs cross, neither side is the server",
        description: "Two programs bind fixed ports (10.77.1.1:40001 and 10.77.1.2:40002) and \
            connect() to each other at the same instant. Their SYNs cross in flight; each side \
            receives a SYN while in SYN-SENT, moves to SYN-RECEIVED and answers SYN-ACK, then \
            both ACK: four segments crossing in pairs instead of three (RFC 9293 section 3.5). \
            Then each side says hello and 10.77.1.1 closes first. Notice two bare SYNs and two \
            SYN-ACKs, and that neither side can be called the client. Real Linux behaviour, \
            nothing crafted.",
        teaches: "two SYNs cross; neither side is the server",
        recap: "two SYNs crossing in flight, then two SYN-ACKs and two ACKs: a simultaneous open, four segments instead of three, and no client or server.",
        promises: &[promise(1, Outcome::SimultaneousOpen, Close::Fin, false, 2)],
        bytes: include_bytes!("../../assets/demo/simultaneous.pcap"),
    },
    Scenario {
        name: "busy",
        title: "A busy link: 39 interleaved connections with mixed outcomes",
        description: "Eight clients (six IPv4, two IPv6) open 39 connections to three servers \
            in a seeded random order over about 9 s: 31 complete HTTP exchanges (3 of them over \
            IPv6, 1 with a lost SYN-ACK as in lossy), 5 refused, 2 unanswered (the client gives \
            up after two retransmissions) and 1 reset in the middle. Notice how the connections \
            interleave, so one flow's packets are far apart in the list, and how much easier \
            the outcomes are to read per flow than packet by packet: this is the scenario for \
            the flows screen.",
        teaches: "39 connections: read outcomes per flow, not per packet",
        recap: "many connections interleaved with mixed outcomes (complete, refused, unanswered, reset): the flows screen reads them one line per connection.",
        promises: &[
            promise(27, Outcome::Complete, Close::Fin, false, 1),
            promise(3, Outcome::Complete, Close::Fin, true, 1),
            promise(1, Outcome::Complete, Close::Fin, false, 2),
            promise(5, Outcome::Refused, Close::Rst, false, 1),
            promise(2, Outcome::NoResponse, Close::Open, false, 3),
            promise(1, Outcome::Complete, Close::Rst, false, 1),
        ],
        bytes: include_bytes!("../../assets/demo/busy.pcap"),
    },
    Scenario {
        name: "close_simultaneous",
        title: "A simultaneous close: both FINs cross, both ends go through CLOSING",
        description: "The client asks the server to close at an agreed instant half a second \
            later (CLOSE AT ..., answered OK), and at that instant both ends call shutdown(). \
            Each FIN leaves before the other arrives: the capture shows the client's FIN, then \
            the server's FIN, which does not acknowledge it, and only then the two ACKs, one \
            each way. Each end receives a FIN while in FIN-WAIT-1, moves to CLOSING, and to \
            TIME-WAIT when its own FIN is acknowledged, so both ends wait in TIME-WAIT, not \
            just the one that closed first. Notice the four segments crossing in pairs \
            instead of the usual FIN, ACK / FIN, ACK (RFC 9293 section 3.6).",
        teaches: "two FINs cross: CLOSING on both sides",
        recap: "two FINs crossing in flight, each answered by an ACK: both ends passed through CLOSING and both ended in TIME-WAIT.",
        promises: &[promise(1, Outcome::Complete, Close::Fin, false, 1)],
        bytes: include_bytes!("../../assets/demo/close_simultaneous.pcap"),
    },
    Scenario {
        name: "slow_start",
        title: "Slow start and a fast retransmission: the window grows, one loss, duplicate ACKs",
        description: "The client uploads 30000 bytes in small segments (it asked for an MSS of \
            536 so the capture stays small). It starts with 10 segments, the initial \
            congestion window; every ACK lets it send two more, so the next round trip carries \
            20 and the one after that the rest (slow start). The relay drops the 25th \
            data segment. The segments after it still arrive, and for each one the server \
            repeats the same acknowledgment number (duplicate ACKs, with SACK blocks saying \
            what did arrive). After three duplicates the client sends the missing segment \
            again at once, without waiting for a timeout: a fast retransmission. Notice the \
            bursts doubling, the run of duplicate ACKs, and that one ACK then acknowledges \
            everything received so far.",
        teaches: "slow start; 3 duplicate ACKs → fast retransmit",
        recap: "a congestion window that doubled every round trip, one lost segment, duplicate ACKs that pointed at the hole, and a fast retransmission that filled it without a timeout.",
        promises: &[promise(1, Outcome::Complete, Close::Fin, false, 1)],
        bytes: include_bytes!("../../assets/demo/slow_start.pcap"),
    },
    Scenario {
        name: "window_full",
        title: "A slow reader: the receive window fills up, zero window and probes",
        description: "The client downloads 12000 bytes with a receive buffer of only 4 KB and \
            does not read for 3.5 s. Its window shrinks with every segment until it \
            advertises a window of 0: the server must stop. The server's persist timer then \
            sends window probes, further and further apart, and the client answers each with \
            window 0 again. When the client finally reads, it sends a window update (the same \
            ACK, a window above 0) and the transfer resumes. Notice the window field falling \
            to 0, the probes (Linux sends them with no data and the sequence number just \
            before the next, so tshark calls them keep-alives), and that a slow reader slows \
            the sender down without any loss.",
        teaches: "flow control: zero window, probes, window update",
        recap: "a receive window that fell to 0 because the reader did not read, the sender's probes during the wait, and a window update that let the data flow again.",
        promises: &[promise(1, Outcome::Complete, Close::Fin, false, 1)],
        bytes: include_bytes!("../../assets/demo/window_full.pcap"),
    },
    Scenario {
        name: "port_scan",
        title: "A SYN port scan: open, closed and filtered ports side by side",
        description: "A scanner on 10.77.1.1 sends bare SYNs from one source port to ports 22, \
            80, 443 and 8081 of 10.77.1.2, as nmap -sS does. Port 80 answers SYN-ACK: open. \
            The scanner never completes the handshake: its kernel, which owns no socket on \
            that port, answers the SYN-ACK with RST, so no connection is ever established \
            (a half-open scan). Ports 22 and 443 answer RST-ACK: closed. Port 8081 does not \
            answer at all, because the relay drops everything to it as a firewall would: \
            filtered. The scanner sends that probe once more and gives up. Notice that one \
            round trip tells open from closed, that silence is the only sign of a filter, \
            and that the open port's program never sees a connection.",
        teaches: "SYN scan: SYN-ACK open, RST closed, silence filtered",
        recap: "a SYN scan: SYN-ACK means open (and the scanner resets it), RST-ACK means closed, and no answer, even to a second probe, means filtered.",
        promises: &[
            promise(1, Outcome::Incomplete, Close::Rst, false, 1),
            promise(2, Outcome::Refused, Close::Rst, false, 1),
            promise(1, Outcome::NoResponse, Close::Open, false, 2),
        ],
        bytes: include_bytes!("../../assets/demo/port_scan.pcap"),
    },
];

/// Why a demo cannot start.
#[derive(Debug, Error)]
pub enum DemoError {
    #[error("there is no demo scenario named '{name}'; choose one of: {}", names().join(", "))]
    Unknown { name: String },
    #[error("{0}")]
    Read(#[from] SourceError),
}

/// The scenarios' names, in lesson order.
pub fn names() -> Vec<&'static str> {
    SCENARIOS.iter().map(|s| s.name).collect()
}

/// The scenario `synack demo` starts with when no name is given.
pub fn first() -> &'static Scenario {
    &SCENARIOS[0]
}

/// The scenario called `name` (exact, lower case).
pub fn find(name: &str) -> Result<&'static Scenario, DemoError> {
    SCENARIOS
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| DemoError::Unknown {
            name: crate::sanitize::sanitize(name),
        })
}

/// The scenario after `name` in lesson order (None after the last, or for an unknown name).
pub fn after(name: &str) -> Option<&'static Scenario> {
    let i = SCENARIOS.iter().position(|s| s.name == name)?;
    SCENARIOS.get(i + 1)
}

/// Where `name` is in lesson order (0-based), if it is a scenario.
pub fn position(name: &str) -> Option<usize> {
    SCENARIOS.iter().position(|s| s.name == name)
}

/// The scenario after `name`, the first after the last (`>` wraps).
pub fn next_wrapping(name: &str) -> &'static Scenario {
    let i = position(name).map_or(0, |i| (i + 1) % SCENARIOS.len());
    &SCENARIOS[i]
}

/// The scenario before `name`, the last before the first (`<` wraps).
pub fn previous_wrapping(name: &str) -> &'static Scenario {
    let n = SCENARIOS.len();
    let i = position(name).map_or(0, |i| (i + n - 1) % n);
    &SCENARIOS[i]
}

/// A file reader over the scenario called `name`, ready for `source::spawn_reader`.
pub fn reader(name: &str) -> Result<FileReader, DemoError> {
    Ok(find(name)?.reader()?)
}

/// Every frame of the scenario called `name`, in capture order.
pub fn frames(name: &str) -> Result<Vec<Frame>, DemoError> {
    Ok(find(name)?.frames()?)
}

impl Scenario {
    /// The embedded pcap file.
    pub fn bytes(&self) -> &'static [u8] {
        self.bytes
    }

    /// A file reader over the embedded capture; its name (status bar, messages) is
    /// `demo NAME`.
    pub fn reader(&self) -> Result<FileReader, SourceError> {
        FileReader::from_reader(
            Box::new(Cursor::new(self.bytes)),
            &format!("demo {}", self.name),
        )
    }

    /// Every frame, in capture order.
    pub fn frames(&self) -> Result<Vec<Frame>, SourceError> {
        self.reader()?.frames().collect()
    }

    /// Connections promised, in total.
    pub fn flow_count(&self) -> usize {
        self.promises.iter().map(|p| p.count).sum()
    }

    /// Compares the flows a tracker built from this scenario with its promises: Ok, or a
    /// sentence per difference.
    pub fn check<'a>(&self, flows: impl IntoIterator<Item = &'a Flow>) -> Result<(), String> {
        let mut want: BTreeMap<FlowShape, usize> = BTreeMap::new();
        for p in self.promises {
            *want.entry(FlowShape::of_promise(p)).or_default() += p.count;
        }
        let mut got: BTreeMap<FlowShape, usize> = BTreeMap::new();
        for f in flows {
            *got.entry(FlowShape::of(f)).or_default() += 1;
        }
        let mut problems = Vec::new();
        for (shape, n) in &want {
            let have = got.get(shape).copied().unwrap_or(0);
            if have != *n {
                problems.push(format!(
                    "{}: promised {n} × {shape}, found {have}",
                    self.name
                ));
            }
        }
        for (shape, n) in &got {
            if !want.contains_key(shape) {
                problems.push(format!("{}: {n} unpromised × {shape}", self.name));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

/// `synack demo --list`: one line per scenario, name then title, in lesson order.
pub fn list_text() -> String {
    let width = SCENARIOS.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut s = String::new();
    for sc in &SCENARIOS {
        s.push_str(&format!("{:width$}  {}\n", sc.name, sc.title));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode;
    use crate::flow::FlowTracker;

    fn tracked(sc: &Scenario) -> FlowTracker {
        let mut t = FlowTracker::new(1000);
        for (i, f) in sc
            .frames()
            .expect("embedded capture reads")
            .iter()
            .enumerate()
        {
            if let Some(seg) = decode::summarize(f.link, &f.data, f.len).tcp {
                t.observe(i as u64 + 1, f.ts_ns, &seg, f.len);
            }
        }
        t.finish();
        t
    }

    #[test]
    fn names_are_unique_lower_case_and_found() {
        let names = names();
        assert_eq!(names.len(), SCENARIOS.len());
        for (i, n) in names.iter().enumerate() {
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{n}"
            );
            assert!(!names[..i].contains(n), "{n} twice");
            assert_eq!(find(n).expect("known").name, *n);
        }
        assert_eq!(first().name, "http");
        assert_eq!(after("http").map(|s| s.name), Some("refused"));
        let last = SCENARIOS[SCENARIOS.len() - 1].name;
        assert!(after(last).is_none());
        assert_eq!(next_wrapping(last).name, "http");
        assert_eq!(previous_wrapping("http").name, last);
        assert_eq!(previous_wrapping("refused").name, "http");
        assert_eq!(position("refused"), Some(1));
        for sc in &SCENARIOS {
            assert!(
                !sc.teaches.is_empty() && !sc.recap.is_empty(),
                "{}",
                sc.name
            );
            assert_eq!(previous_wrapping(next_wrapping(sc.name).name).name, sc.name);
        }
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let e = find("HTTP\x1b[2J").expect_err("unknown"); // escape bytes in a name must come out sanitized
        let msg = e.to_string();
        assert!(!msg.contains('\x1b'), "{msg:?}"); // sanitized
        for n in names() {
            assert!(msg.contains(n), "{msg}");
        }
    }

    #[test]
    fn check_reports_a_broken_promise() {
        let http = find("http").expect("known");
        let t = tracked(http);
        assert_eq!(http.check(t.flows()), Ok(()));
        // The refused scenario's flow does not keep http's promise, and the message says how.
        let refused = tracked(find("refused").expect("known"));
        let err = http.check(refused.flows()).expect_err("mismatch");
        assert!(
            err.contains("promised 1 × complete over IPv4, close fin, 1 SYN, found 0"),
            "{err}"
        );
        assert!(err.contains("1 unpromised × refused"), "{err}");
    }

    #[test]
    fn list_has_one_line_per_scenario() {
        let text = list_text();
        assert_eq!(text.lines().count(), SCENARIOS.len());
        for sc in &SCENARIOS {
            assert!(
                text.lines()
                    .any(|l| l.starts_with(sc.name) && l.ends_with(sc.title))
            );
        }
    }
}
