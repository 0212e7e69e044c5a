//! The whole connection as ladder rows, pure data (no drawing, no ratatui): which arrows exist
//! and in what order. Handshake and teardown segments are the flow's own ladder events; every
//! other segment of the connection ([`Segment`], gathered by the app from the packets it keeps)
//! becomes a row of its own when the analysis has something to say about it (retransmission,
//! duplicate ACK, zero window, out-of-order, …), and runs of routine data and ACKs between them
//! collapse into one [`Run`] row ("⋮ 38 segments, 52 KB →, 19 ACKs ←") unless expanded.
//! Used by the ladder widget and meant for any other ladder rendering (an export).

use crate::flow::{Direction, Flow, PacketAnalysis, Severity, Verdicts, flags_text};
use crate::model::tcp_flags;

/// Fewer routine segments than this in a row are drawn one by one, not collapsed.
pub const MIN_RUN: usize = 6;

/// Most segments of one connection the app gathers for the ladder (the rest are counted).
pub const MAX_SEGMENTS: usize = 20_000;

/// One TCP segment of a connection, as the ladder needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// 1-based frame number.
    pub packet_no: u64,
    pub ts_ns: i64,
    /// `true`: client → server.
    pub to_server: bool,
    /// The 12 flag bits.
    pub flags: u16,
    /// Sequence number relative to the sender's base (Wireshark's relative `tcp.seq`).
    pub rel_seq: u32,
    /// Acknowledgment relative to the receiver's base, when the ACK flag is set.
    pub rel_ack: Option<u32>,
    /// TCP payload bytes.
    pub len: u32,
    /// The window field as sent (not scaled).
    pub window: u16,
    /// The sequence analysis (default: nothing to say).
    pub analysis: PacketAnalysis,
}

impl Segment {
    pub fn direction(&self) -> Direction {
        if self.to_server {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// The most serious analysis verdict worth its own row (window updates are routine).
    pub fn severity(&self) -> Option<Severity> {
        self.analysis
            .verdicts
            .severity()
            .filter(|s| *s > Severity::Chat)
    }

    /// Drawn on a row of its own: an analysis event, or a control segment (SYN, FIN, RST) the
    /// flow's own ladder did not keep.
    pub fn is_notable(&self) -> bool {
        self.severity().is_some()
            || self.flags & (tcp_flags::SYN | tcp_flags::FIN | tcp_flags::RST) != 0
    }

    /// Any kind of retransmission (drawn dashed).
    pub fn is_retransmission(&self) -> bool {
        let v = self.analysis.verdicts;
        v.contains(Verdicts::RETRANSMISSION)
            || v.contains(Verdicts::FAST_RETRANSMISSION)
            || v.contains(Verdicts::SPURIOUS_RETRANSMISSION)
    }

    /// The verdicts in words, tshark's order, without the `TCP ` prefix: `Retransmission`,
    /// `Dup ACK 12#3`, `ZeroWindow` (window updates left out: they are routine).
    pub fn verdict_words(&self) -> Vec<String> {
        let a = &self.analysis;
        a.verdicts
            .iter()
            .filter(|v| v.severity > Severity::Chat)
            .map(|v| {
                if v.bit == Verdicts::DUPLICATE_ACK {
                    format!("Dup ACK {}#{}", a.dup_ack_frame, a.dup_ack_num)
                } else {
                    v.note.trim_start_matches("TCP ").to_string()
                }
            })
            .collect()
    }

    /// The short text: flags and the byte range (`PSH-ACK bytes 1–1448`) or `seq=N`.
    pub fn short_text(&self) -> String {
        let mut out = flags_text(self.flags);
        if self.len > 0 {
            let last = self.rel_seq.wrapping_add(self.len).wrapping_sub(1);
            out.push_str(&format!(" bytes {}–{last}", self.rel_seq));
        } else if let Some(ack) = self.rel_ack {
            out.push_str(&format!(" ack={ack}"));
        }
        out
    }

    /// The arrow's main text: `PSH-ACK bytes 1–1448 len=1448 ack=1`, `ACK seq=1 ack=2897`.
    pub fn text(&self) -> String {
        let mut out = flags_text(self.flags);
        if self.len > 0 {
            let last = self.rel_seq.wrapping_add(self.len).wrapping_sub(1);
            out.push_str(&format!(" bytes {}–{last} len={}", self.rel_seq, self.len));
        } else {
            out.push_str(&format!(" seq={}", self.rel_seq));
        }
        if let Some(ack) = self.rel_ack {
            out.push_str(&format!(" ack={ack}"));
        }
        out
    }
}

/// Routine segments one way inside a collapsed run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunSide {
    /// Segments carrying data, and their payload bytes.
    pub data_segments: u32,
    pub bytes: u64,
    /// Segments without data (pure ACKs, window updates).
    pub acks: u32,
}

/// Routine segments in a row, collapsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Run {
    pub first_packet_no: u64,
    pub last_packet_no: u64,
    pub first_ts_ns: i64,
    pub last_ts_ns: i64,
    pub to_server: RunSide,
    pub to_client: RunSide,
}

impl Run {
    pub fn segments(&self) -> u32 {
        let s = |d: &RunSide| d.data_segments.saturating_add(d.acks);
        s(&self.to_server).saturating_add(s(&self.to_client))
    }

    fn add(&mut self, seg: &Segment) {
        if self.first_packet_no == 0 {
            self.first_packet_no = seg.packet_no;
            self.first_ts_ns = seg.ts_ns;
        }
        self.last_packet_no = seg.packet_no;
        self.last_ts_ns = seg.ts_ns;
        let side = if seg.to_server {
            &mut self.to_server
        } else {
            &mut self.to_client
        };
        if seg.len > 0 {
            side.data_segments = side.data_segments.saturating_add(1);
            side.bytes = side.bytes.saturating_add(u64::from(seg.len));
        } else {
            side.acks = side.acks.saturating_add(1);
        }
    }

    /// `⋮ 38 segments, 52 KB →, 19 ACKs ←` (client→server first); `short` drops the words.
    pub fn text(&self, short: bool) -> String {
        let mut parts = Vec::new();
        for (side, arrow) in [(&self.to_server, "→"), (&self.to_client, "←")] {
            if side.data_segments > 0 {
                let s = if side.data_segments == 1 { "" } else { "s" };
                parts.push(if short {
                    format!(
                        "{} seg {} {arrow}",
                        side.data_segments,
                        bytes_text(side.bytes)
                    )
                } else {
                    format!(
                        "{} segment{s}, {} {arrow}",
                        side.data_segments,
                        bytes_text(side.bytes)
                    )
                });
            }
            if side.acks > 0 {
                let s = if side.acks == 1 { "" } else { "s" };
                parts.push(format!("{} ACK{s} {arrow}", side.acks));
            }
        }
        format!("⋮ {}", parts.join(", "))
    }
}

/// `812 B`, `52 KB`, `3.4 MB` (decimal units, as the flows list counts bytes).
pub fn bytes_text(bytes: u64) -> String {
    if bytes < 1_000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{} KB", (bytes + 500) / 1_000)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

/// One row of the whole-connection ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    /// The flow's ladder event at this index (handshake or teardown, with states).
    Event(usize),
    /// A segment drawn as its own arrow.
    Segment(Segment),
    /// Routine segments collapsed; `expanded` rows are drawn as segments instead.
    Run(Run),
}

impl Row {
    /// The frame a row stands for (a run: its first), 1-based.
    pub fn packet_no(&self, flow: &Flow) -> Option<u64> {
        match self {
            Row::Event(i) => flow.ladder.get(*i).map(|e| e.packet_no),
            Row::Segment(s) => Some(s.packet_no),
            Row::Run(r) => Some(r.first_packet_no),
        }
    }
}

/// The rows of `flow`'s whole connection: its ladder events and `segments` (every segment of
/// the flow the app keeps, in capture order; those that are ladder events are skipped) merged
/// in capture order, routine runs of at least [`MIN_RUN`] segments collapsed unless
/// `expanded(first packet of the run)`. With no segments, the rows are the ladder events.
pub fn rows(flow: &Flow, segments: &[Segment], expanded: &dyn Fn(u64) -> bool) -> Vec<Row> {
    let mut out = Vec::new();
    let mut events = flow.ladder.iter().enumerate().peekable();
    let mut pending: Vec<Segment> = Vec::new();
    let flush = |pending: &mut Vec<Segment>, out: &mut Vec<Row>| {
        let first = pending.first().map(|s| s.packet_no);
        if pending.len() >= MIN_RUN && !first.is_some_and(expanded) {
            let mut run = Run::default();
            for s in pending.iter() {
                run.add(s);
            }
            out.push(Row::Run(run));
        } else {
            out.extend(pending.iter().copied().map(Row::Segment));
        }
        pending.clear();
    };
    for seg in segments {
        while let Some((i, e)) = events.peek() {
            if e.packet_no > seg.packet_no {
                break;
            }
            let same = e.packet_no == seg.packet_no;
            flush(&mut pending, &mut out);
            out.push(Row::Event(*i));
            events.next();
            if same {
                break;
            }
        }
        if flow.ladder.iter().any(|e| e.packet_no == seg.packet_no) {
            continue;
        }
        if seg.is_notable() {
            flush(&mut pending, &mut out);
            out.push(Row::Segment(*seg));
        } else {
            pending.push(*seg);
        }
    }
    flush(&mut pending, &mut out);
    out.extend(events.map(|(i, _)| Row::Event(i)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(no: u64, to_server: bool, len: u32, verdicts: Verdicts) -> Segment {
        Segment {
            packet_no: no,
            ts_ns: no as i64 * 1_000,
            to_server,
            flags: tcp_flags::ACK,
            rel_seq: 1,
            rel_ack: Some(1),
            len,
            window: 100,
            analysis: PacketAnalysis {
                verdicts,
                ..Default::default()
            },
        }
    }

    fn empty_flow() -> Flow {
        let mut tracker = crate::flow::FlowTracker::new(4);
        let s = crate::model::TcpSegment {
            src: "192.0.2.1:40000".parse().unwrap(),
            dst: "192.0.2.2:80".parse().unwrap(),
            seq: 10,
            ack: 0,
            flags: tcp_flags::ACK,
            window: 100,
            payload_len: 10,
            options: Default::default(),
        };
        let obs = tracker.observe(1, 0, &s, 60);
        tracker.get(obs.flow).unwrap().clone()
    }

    #[test]
    fn routine_runs_collapse_and_notable_segments_stand_alone() {
        let flow = empty_flow();
        let mut segs: Vec<Segment> = (1..=6)
            .map(|n| seg(n, n % 2 == 1, 1000, Verdicts::NONE))
            .collect();
        segs.push(seg(7, true, 1000, Verdicts::RETRANSMISSION));
        segs.push(seg(8, false, 0, Verdicts::NONE));
        segs.push(seg(9, false, 0, Verdicts::WINDOW_UPDATE));
        let rows = rows(&flow, &segs, &|_| false);
        assert_eq!(rows.len(), 4, "{rows:?}");
        let Row::Run(run) = rows[0] else {
            panic!("first row is a run: {rows:?}")
        };
        assert_eq!(run.segments(), 6);
        assert_eq!(run.to_server.bytes, 3000);
        assert_eq!(run.text(false), "⋮ 3 segments, 3 KB →, 3 segments, 3 KB ←");
        assert!(matches!(rows[1], Row::Segment(s) if s.packet_no == 7));
        // Two routine segments after it: too few to collapse.
        assert!(matches!(rows[2], Row::Segment(s) if s.packet_no == 8));
        // Expanding the run shows its segments.
        let open = super::rows(&flow, &segs, &|no| no == 1);
        assert_eq!(open.len(), 9);
    }

    #[test]
    fn texts_name_bytes_and_verdicts() {
        let mut s = seg(3, true, 1448, Verdicts::RETRANSMISSION);
        s.rel_seq = 1449;
        assert_eq!(s.text(), "ACK bytes 1449–2896 len=1448 ack=1");
        assert_eq!(s.verdict_words(), vec!["Retransmission".to_string()]);
        let mut d = seg(4, false, 0, Verdicts::DUPLICATE_ACK);
        d.analysis.dup_ack_frame = 12;
        d.analysis.dup_ack_num = 3;
        assert_eq!(d.verdict_words(), vec!["Dup ACK 12#3".to_string()]);
        assert_eq!(bytes_text(52_300), "52 KB");
        assert_eq!(bytes_text(999), "999 B");
    }
}
