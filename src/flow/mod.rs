//! TCP connection tracking on capture timestamps: which connection each segment belongs to
//! (numbered like Wireshark's `tcp.stream`), how its handshake went (outcome, SYN/SYN-ACK
//! retransmissions, ISNs, options, RTTs), how it closed, per-direction counters, a Zeek-style
//! history, both endpoints' TCP states and the ladder of handshake/teardown segments the UI
//! animates. Pure and bounded (at most `max_flows` flows, least recently active evicted).
//! Depends on `crate::model` only (never on `decode`: `app` joins the two), plus serde_json
//! for the report.
//!
//! Files: `tracker` (the table, flow identity, eviction), `conn` (one flow and how a segment
//! changes it), `analysis` (Wireshark's `tcp.analysis.*` verdicts per segment), `state` (TCP states, outcomes, close kinds), `ladder` (diagram events),
//! `history` (Zeek history letters), `report` (JSON and text output).

pub mod analysis;
mod conn;
mod history;
mod ladder;
mod report;
mod state;
mod tracker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod truth_tests;

pub use analysis::{AnalysisCounts, Health, PacketAnalysis, Severity, Verdicts};
pub use conn::{DirStats, Flow, FlowId, Rtt};
pub use history::{History, MAX_HISTORY};
pub use ladder::{
    Direction, EventKind, LadderEvent, MAX_LADDER_EVENTS, MAX_RETRANSMIT_EVENTS, flags_text,
    options_text,
};
pub use report::{ms_text, seconds_text, text_table};
pub use state::{Close, Outcome, TcpState};
pub use tracker::{FlowTracker, Observation};
