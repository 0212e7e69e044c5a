//! One TCP connection's ladder as a textbook figure for slides and handouts: a [`Figure`]
//! (two columns, host:port and TCP states, one row per arrow with flags, seq/ack, options and
//! time, the outcome and RTT below) built from the flow and, when the caller read them, all of
//! its segments; then drawn as self-contained SVG (`svg`), plain Unicode text (`text`) or a
//! mermaid `sequenceDiagram` (`mermaid`). Pure: no I/O. Depends on `flow` and `model`.
//!
//! The viewer's ladder (`ui/ladder.rs`) draws the same events on a terminal; the row logic
//! here is a small deliberate duplicate of it, because a figure has no animation, no scroll
//! and no cell grid.

mod mermaid;
mod svg;
mod text;

pub use mermaid::mermaid;
pub use svg::svg;
pub use text::text;

use crate::flow::{Direction, Flow, LadderEvent, TcpState, flags_text, options_text};
use crate::model::{TcpHandshakeOptions, TcpSegment, TimestampNs, endpoint_text, tcp_flags};

/// Rows drawn at most; a longer connection keeps its first and last rows and says how many
/// were left out between them.
pub const MAX_ROWS: usize = 60;
/// A run of at least this many same-direction data segments is drawn as its first segment
/// and one "… N more" row.
const COLLAPSE_RUN: usize = 4;

/// How to draw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FigureOptions {
    /// Raw sequence and acknowledgment numbers instead of relative ones.
    pub raw: bool,
    /// Time runs down the page in proportion; arrows slant by half the measured RTT.
    pub time_scaled: bool,
}

/// What makes a row stand out (colour is an accent only: the label says it too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accent {
    Plain,
    Retransmission,
    Reset,
}

/// One arrow of the figure, or a note standing for several segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub packet_no: u64,
    pub ts_ns: TimestampNs,
    pub dir: Direction,
    /// Flags in words (`SYN`, `SYN-ACK`, `PSH-ACK`), or the note's text.
    pub label: String,
    /// `seq=0 ack=1 len=100`, relative or raw.
    pub numbers: String,
    /// Handshake options in words (`MSS 1460, WS 7, SACK, TS`), empty when none.
    pub options: String,
    /// Both endpoints' states after the segment, when it changed them.
    pub states: Option<(TcpState, TcpState)>,
    pub accent: Accent,
    /// More than 1: this row stands for a run of segments (drawn as a note).
    pub count: u32,
}

impl Row {
    pub fn is_note(&self) -> bool {
        self.count > 1
    }
}

/// One segment of the connection, as the caller read it from the capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub packet_no: u64,
    pub ts_ns: TimestampNs,
    pub seg: TcpSegment,
    /// The sequence analysis called it a retransmission.
    pub retransmission: bool,
}

/// The figure, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    pub flow_id: u32,
    pub client: String,
    pub server: String,
    /// States before the first row (CLOSED / LISTEN, or `?` for a connection caught
    /// mid-stream).
    pub start_states: (TcpState, TcpState),
    pub rows: Vec<Row>,
    /// `complete`, `refused`, … in words.
    pub outcome: String,
    /// Initial RTT (SYN → ACK) when measured.
    pub rtt_ns: Option<i64>,
    pub first_ns: TimestampNs,
    /// Segments not drawn (collapsed runs and the cut middle of a long connection).
    pub omitted: u64,
    pub options: FigureOptions,
}

impl Figure {
    /// Builds the figure of `flow`. `segments` are all of its segments in capture order
    /// (`synack ladder` reads them); when empty, the flow's own ladder events (handshake and
    /// teardown) are the rows and the data in between is one note.
    pub fn build(flow: &Flow, segments: &[Segment], options: FigureOptions) -> Figure {
        let mut rows = if segments.is_empty() {
            rows_from_ladder(flow, options)
        } else {
            rows_from_segments(flow, segments, options)
        };
        let mut omitted: u64 = rows
            .iter()
            .filter(|r| r.is_note())
            .map(|r| u64::from(r.count))
            .sum();
        if rows.len() > MAX_ROWS {
            let keep = MAX_ROWS / 2;
            let cut = rows.len() - 2 * keep;
            let middle: Vec<Row> = rows.drain(keep..keep + cut).collect();
            let n: u64 = middle.iter().map(|r| u64::from(r.count.max(1))).sum();
            omitted = omitted.saturating_add(n);
            let first = middle.first().cloned();
            if let Some(first) = first {
                rows.insert(
                    keep,
                    Row {
                        label: format!("… {n} segments not drawn"),
                        numbers: String::new(),
                        options: String::new(),
                        states: None,
                        accent: Accent::Plain,
                        count: u32::try_from(n).unwrap_or(u32::MAX).max(2),
                        ..first
                    },
                );
            }
        }
        let established = flow.established();
        Figure {
            flow_id: flow.id,
            client: endpoint_text(flow.client()),
            server: endpoint_text(flow.server()),
            start_states: if flow.opened_with_syn {
                (TcpState::Closed, TcpState::Listen)
            } else {
                (TcpState::Unknown, TcpState::Unknown)
            },
            rows,
            outcome: flow.outcome().label().to_string(),
            rtt_ns: if established {
                flow.rtt().initial_ns
            } else {
                None
            },
            first_ns: flow.first_ts_ns,
            omitted,
            options,
        }
    }

    /// One-way delay used by the time-scaled drawing: half the initial RTT.
    pub fn one_way_ns(&self) -> Option<i64> {
        self.rtt_ns.map(|r| r / 2).filter(|r| *r > 0)
    }

    /// The line under the figure: outcome and RTT.
    pub fn caption(&self) -> String {
        let mut s = format!("Handshake: {}", self.outcome);
        if let Some(rtt) = self.rtt_ns {
            s.push_str(&format!(", initial RTT {} ms", crate::flow::ms_text(rtt)));
        }
        if self.omitted > 0 {
            s.push_str(&format!("; {} segments summarised", self.omitted));
        }
        s
    }

    /// The note the time-scaled drawing carries.
    pub fn time_note(&self) -> String {
        match self.one_way_ns() {
            Some(d) => format!(
                "Time to scale; arrivals estimated from the capture point: each arrow \
                 lands RTT/2 ({} ms) after it left.",
                crate::flow::ms_text(d)
            ),
            None => "Time to scale. No RTT was measured, so arrows are drawn level.".into(),
        }
    }

    /// Time of a row since the connection's first packet, in milliseconds with 3 decimals.
    pub fn time_text(&self, row: &Row) -> String {
        crate::flow::ms_text(row.ts_ns.saturating_sub(self.first_ns))
    }
}

fn numbers(ev_seq: u32, ev_ack: Option<u32>, len: u32) -> String {
    let mut s = format!("seq={ev_seq}");
    if let Some(a) = ev_ack {
        s.push_str(&format!(" ack={a}"));
    }
    if len > 0 {
        s.push_str(&format!(" len={len}"));
    }
    s
}

fn options_of(flags: u16, o: &TcpHandshakeOptions) -> String {
    // Only SYNs negotiate; other segments' timestamps are noise on a slide.
    if flags & tcp_flags::SYN != 0 {
        options_text(o)
    } else {
        String::new()
    }
}

fn accent_of(flags: u16, retransmission: bool) -> Accent {
    if flags & tcp_flags::RST != 0 {
        Accent::Reset
    } else if retransmission {
        Accent::Retransmission
    } else {
        Accent::Plain
    }
}

fn event_row(e: &LadderEvent, raw: bool) -> Row {
    let numbers = if raw {
        numbers(
            e.seq,
            (e.flags & tcp_flags::ACK != 0).then_some(e.ack),
            e.payload_len,
        )
    } else {
        numbers(e.rel_seq, e.rel_ack, e.payload_len)
    };
    let mut label = flags_text(e.flags);
    if e.kind.is_retransmission() {
        label.push_str(" (retransmission)");
    }
    Row {
        packet_no: e.packet_no,
        ts_ns: e.ts_ns,
        dir: e.direction,
        label,
        numbers,
        options: options_of(e.flags, &e.options),
        states: Some((e.client_state, e.server_state)),
        accent: accent_of(e.flags, e.kind.is_retransmission()),
        count: 1,
    }
}

fn rows_from_ladder(flow: &Flow, options: FigureOptions) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let handshake_events = flow
        .ladder
        .iter()
        .take_while(|e| e.kind.is_handshake())
        .count();
    for (i, e) in flow.ladder.iter().enumerate() {
        if i == handshake_events {
            rows.extend(data_note(flow, e.ts_ns, e.packet_no));
        }
        rows.push(event_row(e, options.raw));
    }
    if handshake_events == flow.ladder.len()
        && let Some(last) = flow.ladder.last()
    {
        rows.extend(data_note(flow, last.ts_ns, last.packet_no));
    }
    rows
}

/// The segments between handshake and teardown as one note row (viewer export).
fn data_note(flow: &Flow, ts_ns: TimestampNs, packet_no: u64) -> Option<Row> {
    let events = u64::try_from(flow.ladder.len()).unwrap_or(u64::MAX);
    let others = flow
        .packets()
        .saturating_sub(events)
        .saturating_sub(u64::from(flow.ladder_dropped));
    (others > 1).then(|| Row {
        packet_no,
        ts_ns,
        dir: Direction::ClientToServer,
        label: format!(
            "… {others} more segments ({} B client → server, {} B server → client)",
            flow.to_server().payload_bytes,
            flow.to_client().payload_bytes
        ),
        numbers: String::new(),
        options: String::new(),
        states: None,
        accent: Accent::Plain,
        count: u32::try_from(others).unwrap_or(u32::MAX),
    })
}

fn rows_from_segments(flow: &Flow, segments: &[Segment], options: FigureOptions) -> Vec<Row> {
    let client_base = flow.base_seq(true);
    let server_base = flow.base_seq(false);
    let mut rows: Vec<Row> = Vec::with_capacity(segments.len().min(4 * MAX_ROWS));
    let mut i = 0;
    while let Some(s) = segments.get(i) {
        // A ladder event (handshake, FIN, RST) knows the states after it.
        if let Some(e) = flow.ladder.iter().find(|e| e.packet_no == s.packet_no) {
            let mut row = event_row(e, options.raw);
            if s.retransmission && row.accent == Accent::Plain {
                row.accent = Accent::Retransmission;
                row.label.push_str(" (retransmission)");
            }
            rows.push(row);
            i += 1;
            continue;
        }
        let dir = flow.direction_of(&s.seg);
        // A run of plain data segments the same way collapses.
        let run = segments
            .iter()
            .skip(i)
            .take_while(|t| {
                plain(t)
                    && flow.direction_of(&t.seg) == dir
                    && !flow.ladder.iter().any(|e| e.packet_no == t.packet_no)
            })
            .count();
        rows.push(segment_row(s, dir, client_base, server_base, options.raw));
        if run >= COLLAPSE_RUN {
            let last = segments.get(i + run - 1).unwrap_or(s);
            let bytes: u64 = segments
                .iter()
                .skip(i + 1)
                .take(run - 1)
                .map(|t| u64::from(t.seg.payload_len))
                .sum();
            rows.push(Row {
                packet_no: last.packet_no,
                ts_ns: last.ts_ns,
                dir,
                label: format!("… {} more segments, {bytes} B", run - 1),
                numbers: String::new(),
                options: String::new(),
                states: None,
                accent: Accent::Plain,
                count: u32::try_from(run - 1).unwrap_or(u32::MAX).max(2),
            });
            i += run;
        } else {
            i += 1;
        }
    }
    rows
}

/// A segment without SYN, FIN or RST and not retransmitted.
fn plain(s: &Segment) -> bool {
    s.seg.flags & (tcp_flags::SYN | tcp_flags::FIN | tcp_flags::RST) == 0 && !s.retransmission
}

fn segment_row(
    s: &Segment,
    dir: Direction,
    client_base: Option<u32>,
    server_base: Option<u32>,
    raw: bool,
) -> Row {
    let (own, peer) = match dir {
        Direction::ClientToServer => (client_base, server_base),
        Direction::ServerToClient => (server_base, client_base),
    };
    let has_ack = s.seg.flags & tcp_flags::ACK != 0;
    let numbers = if raw {
        numbers(s.seg.seq, has_ack.then_some(s.seg.ack), s.seg.payload_len)
    } else {
        let seq = own.map_or(s.seg.seq, |b| s.seg.seq.wrapping_sub(b));
        let ack = if has_ack {
            Some(peer.map_or(s.seg.ack, |b| s.seg.ack.wrapping_sub(b)))
        } else {
            None
        };
        numbers(seq, ack, s.seg.payload_len)
    };
    let mut label = flags_text(s.seg.flags);
    if s.retransmission {
        label.push_str(" (retransmission)");
    }
    Row {
        packet_no: s.packet_no,
        ts_ns: s.ts_ns,
        dir,
        label,
        numbers,
        options: options_of(s.seg.flags, &s.seg.options),
        states: None,
        accent: accent_of(s.seg.flags, s.retransmission),
        count: 1,
    }
}

/// Escapes text for XML (SVG) output.
fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests;
