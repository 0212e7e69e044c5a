//! Wireshark's TCP sequence analysis (`tcp.analysis.*`), run in the flow tracker's single pass:
//! per segment the same verdicts tshark 4.0 gives (retransmission, fast / spurious
//! retransmission, out-of-order, previous segment not captured, ACKed unseen segment, duplicate
//! ACK with its number and the frame it repeats, zero window, zero-window probe and its ACK,
//! window full, window update, keep-alive and its ACK, reused ports), the bytes in flight and
//! the ACK's round-trip time. The rules, their order and their quirks follow
//! `epan/dissectors/packet-tcp.c` (`tcp_analyze_sequence_number` and the parts of `dissect_tcp`
//! around it) with Wireshark's default preferences; `tests/analysis_conformance.rs` checks them
//! against tshark's answers on the public corpus. Depends on `model` only.

use std::fmt;

use crate::model::{TcpSegment, TimestampNs, tcp_flags};

/// Segments remembered unacknowledged per direction (Wireshark's `TCP_MAX_UNACKED_SEGMENTS`).
pub const MAX_UNACKED: usize = 10_000;

/// The verdicts of one segment, as bit flags (the filter engine's `tcp.analysis.*` fields).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Verdicts(u32);

/// How serious a verdict is, as Wireshark's expert info grades it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Routine bookkeeping (window update).
    Chat,
    /// Worth knowing (retransmission, duplicate ACK, keep-alive, …).
    Note,
    /// Something went wrong (out-of-order, lost segment, zero window, window full).
    Warning,
}

impl Severity {
    /// A one-column symbol that says the severity without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Severity::Chat => "·",
            Severity::Note => "!",
            Severity::Warning => "▲",
        }
    }
}

/// One verdict's names: the bit, the field name after `tcp.analysis.`, the bracketed note tshark
/// puts in the Info column, and the severity.
#[derive(Clone, Copy, Debug)]
pub struct VerdictInfo {
    pub bit: Verdicts,
    pub name: &'static str,
    pub note: &'static str,
    pub severity: Severity,
}

impl Verdicts {
    pub const RETRANSMISSION: Verdicts = Verdicts(1 << 0);
    pub const FAST_RETRANSMISSION: Verdicts = Verdicts(1 << 1);
    pub const SPURIOUS_RETRANSMISSION: Verdicts = Verdicts(1 << 2);
    pub const OUT_OF_ORDER: Verdicts = Verdicts(1 << 3);
    /// "Previous segment not captured".
    pub const LOST_SEGMENT: Verdicts = Verdicts(1 << 4);
    /// "ACKed unseen segment".
    pub const ACK_LOST_SEGMENT: Verdicts = Verdicts(1 << 5);
    pub const DUPLICATE_ACK: Verdicts = Verdicts(1 << 6);
    pub const ZERO_WINDOW: Verdicts = Verdicts(1 << 7);
    pub const ZERO_WINDOW_PROBE: Verdicts = Verdicts(1 << 8);
    pub const ZERO_WINDOW_PROBE_ACK: Verdicts = Verdicts(1 << 9);
    pub const WINDOW_FULL: Verdicts = Verdicts(1 << 10);
    pub const WINDOW_UPDATE: Verdicts = Verdicts(1 << 11);
    pub const KEEP_ALIVE: Verdicts = Verdicts(1 << 12);
    pub const KEEP_ALIVE_ACK: Verdicts = Verdicts(1 << 13);
    pub const REUSED_PORTS: Verdicts = Verdicts(1 << 14);

    pub const NONE: Verdicts = Verdicts(0);

    /// Every verdict, in the order tshark prints their notes (the first is leftmost).
    pub const ALL: [VerdictInfo; 15] = [
        info(
            Self::REUSED_PORTS,
            "reused_ports",
            "TCP Port numbers reused",
            Severity::Note,
        ),
        info(
            Self::RETRANSMISSION,
            "retransmission",
            "TCP Retransmission",
            Severity::Note,
        ),
        info(
            Self::FAST_RETRANSMISSION,
            "fast_retransmission",
            "TCP Fast Retransmission",
            Severity::Note,
        ),
        info(
            Self::SPURIOUS_RETRANSMISSION,
            "spurious_retransmission",
            "TCP Spurious Retransmission",
            Severity::Note,
        ),
        info(
            Self::OUT_OF_ORDER,
            "out_of_order",
            "TCP Out-Of-Order",
            Severity::Warning,
        ),
        info(
            Self::LOST_SEGMENT,
            "lost_segment",
            "TCP Previous segment not captured",
            Severity::Warning,
        ),
        info(
            Self::ACK_LOST_SEGMENT,
            "ack_lost_segment",
            "TCP ACKed unseen segment",
            Severity::Warning,
        ),
        info(
            Self::WINDOW_UPDATE,
            "window_update",
            "TCP Window Update",
            Severity::Chat,
        ),
        info(
            Self::WINDOW_FULL,
            "window_full",
            "TCP Window Full",
            Severity::Warning,
        ),
        info(
            Self::KEEP_ALIVE,
            "keep_alive",
            "TCP Keep-Alive",
            Severity::Note,
        ),
        info(
            Self::KEEP_ALIVE_ACK,
            "keep_alive_ack",
            "TCP Keep-Alive ACK",
            Severity::Note,
        ),
        info(
            Self::DUPLICATE_ACK,
            "duplicate_ack",
            "TCP Dup ACK",
            Severity::Note,
        ),
        info(
            Self::ZERO_WINDOW_PROBE,
            "zero_window_probe",
            "TCP ZeroWindowProbe",
            Severity::Note,
        ),
        info(
            Self::ZERO_WINDOW,
            "zero_window",
            "TCP ZeroWindow",
            Severity::Warning,
        ),
        info(
            Self::ZERO_WINDOW_PROBE_ACK,
            "zero_window_probe_ack",
            "TCP ZeroWindowProbeAck",
            Severity::Note,
        ),
    ];

    pub fn bits(self) -> u32 {
        self.0
    }

    /// From raw bits (unknown bits are dropped).
    pub fn from_bits(bits: u32) -> Verdicts {
        Verdicts(bits & ((1 << 15) - 1))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, other: Verdicts) -> bool {
        other.0 != 0 && self.0 & other.0 == other.0
    }

    /// Any bit of `other` is set.
    pub fn intersects(self, other: Verdicts) -> bool {
        self.0 & other.0 != 0
    }

    pub fn insert(&mut self, other: Verdicts) {
        self.0 |= other.0;
    }

    /// The verdicts set, in tshark's note order.
    pub fn iter(self) -> impl Iterator<Item = &'static VerdictInfo> {
        Self::ALL.iter().filter(move |v| self.contains(v.bit))
    }

    /// The most serious verdict's severity, if any.
    pub fn severity(self) -> Option<Severity> {
        self.iter().map(|v| v.severity).max()
    }

    /// Any kind of retransmission (tshark sets `tcp.analysis.retransmission` on all three).
    pub fn is_retransmission(self) -> bool {
        self.intersects(
            Self::RETRANSMISSION | Self::FAST_RETRANSMISSION | Self::SPURIOUS_RETRANSMISSION,
        )
    }

    /// The verdict with this field name (`retransmission`, `duplicate_ack`, …).
    pub fn by_name(name: &str) -> Option<Verdicts> {
        Self::ALL.iter().find(|v| v.name == name).map(|v| v.bit)
    }
}

const fn info(
    bit: Verdicts,
    name: &'static str,
    note: &'static str,
    severity: Severity,
) -> VerdictInfo {
    VerdictInfo {
        bit,
        name,
        note,
        severity,
    }
}

impl std::ops::BitOr for Verdicts {
    type Output = Verdicts;
    fn bitor(self, rhs: Verdicts) -> Verdicts {
        Verdicts(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Verdicts {
    fn bitor_assign(&mut self, rhs: Verdicts) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for Verdicts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(|v| v.name).collect();
        write!(f, "Verdicts({})", names.join("|"))
    }
}

/// What the analysis says about one segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PacketAnalysis {
    pub verdicts: Verdicts,
    /// For a duplicate ACK: how many duplicates of that ACK so far (`#3` in `Dup ACK 12#3`).
    pub dup_ack_num: u32,
    /// For a duplicate ACK: the frame it duplicates (`12` in `Dup ACK 12#3`).
    pub dup_ack_frame: u64,
    /// Bytes sent this way and not yet acknowledged once this segment was sent
    /// (`tcp.analysis.bytes_in_flight`; only on segments carrying data).
    pub bytes_in_flight: Option<u32>,
    /// The frame whose data this segment acknowledges in full (`tcp.analysis.acks_frame`).
    pub acked_frame: Option<u64>,
    /// Time since that frame (`tcp.analysis.ack_rtt`; absent when zero, as in tshark).
    pub ack_rtt_ns: Option<i64>,
    /// For a retransmission: the earliest unacknowledged segment it probably resends, and the
    /// time since it (`tcp.analysis.rto_frame`, `tcp.analysis.rto`).
    pub rto_frame: Option<u64>,
    pub rto_ns: Option<i64>,
    /// The segment's sequence number relative to its sender's base (Wireshark's relative
    /// `tcp.seq`), for explanations in bytes of the stream.
    pub rel_seq: u32,
    /// tshark's `ts_first_rtt` once this segment is seen: the most recent bare SYN to the
    /// first ACK without SYN (a refusing RST-ACK counts), or `None` before that.
    pub first_rtt_ns: Option<i64>,
}

impl PacketAnalysis {
    /// Nothing to say (no verdict, no numbers).
    pub fn is_empty(&self) -> bool {
        self.verdicts.is_empty() && self.bytes_in_flight.is_none() && self.ack_rtt_ns.is_none()
    }

    /// Wireshark's bracketed Info notes, in its order: `[TCP Retransmission] `,
    /// `[TCP Dup ACK 12#3] `, … (each followed by a space; empty when there is none).
    pub fn notes(&self) -> String {
        let mut out = String::new();
        for v in self.verdicts.iter() {
            if v.bit == Verdicts::DUPLICATE_ACK {
                out.push_str(&format!(
                    "[TCP Dup ACK {}#{}] ",
                    self.dup_ack_frame, self.dup_ack_num
                ));
            } else {
                out.push('[');
                out.push_str(v.note);
                out.push_str("] ");
            }
        }
        out
    }
}

/// Per-connection counts of the verdicts a person asks about first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnalysisCounts {
    /// Segments tshark marks `retransmission` (including fast and spurious ones).
    pub retransmissions: u32,
    pub fast_retransmissions: u32,
    pub spurious_retransmissions: u32,
    pub dup_acks: u32,
    pub zero_windows: u32,
    pub out_of_order: u32,
    /// "Previous segment not captured".
    pub lost_segments: u32,
    pub ack_lost_segments: u32,
    pub window_full: u32,
    pub keep_alives: u32,
}

impl AnalysisCounts {
    pub(crate) fn add(&mut self, v: Verdicts) {
        let bump = |c: &mut u32, on: bool| {
            if on {
                *c = c.saturating_add(1);
            }
        };
        bump(&mut self.retransmissions, v.is_retransmission());
        bump(
            &mut self.fast_retransmissions,
            v.contains(Verdicts::FAST_RETRANSMISSION),
        );
        bump(
            &mut self.spurious_retransmissions,
            v.contains(Verdicts::SPURIOUS_RETRANSMISSION),
        );
        bump(&mut self.dup_acks, v.contains(Verdicts::DUPLICATE_ACK));
        bump(&mut self.zero_windows, v.contains(Verdicts::ZERO_WINDOW));
        bump(&mut self.out_of_order, v.contains(Verdicts::OUT_OF_ORDER));
        bump(&mut self.lost_segments, v.contains(Verdicts::LOST_SEGMENT));
        bump(
            &mut self.ack_lost_segments,
            v.contains(Verdicts::ACK_LOST_SEGMENT),
        );
        bump(&mut self.window_full, v.contains(Verdicts::WINDOW_FULL));
        bump(&mut self.keep_alives, v.contains(Verdicts::KEEP_ALIVE));
    }

    /// Nothing went wrong that a person would look into.
    pub fn is_clean(&self) -> bool {
        self.retransmissions == 0
            && self.dup_acks == 0
            && self.zero_windows == 0
            && self.out_of_order == 0
            && self.lost_segments == 0
            && self.ack_lost_segments == 0
    }

    /// The connection's health badge (see [`Health`]).
    pub fn health(&self) -> Health {
        if self.retransmissions > 0
            || self.lost_segments > 0
            || self.ack_lost_segments > 0
            || self.zero_windows > 0
        {
            Health::Trouble
        } else if self.dup_acks > 0 || self.out_of_order > 0 || self.window_full > 0 {
            Health::Minor
        } else {
            Health::Clean
        }
    }

    /// A rough trouble score for sorting (higher is worse): losses and stalls weigh most.
    pub fn score(&self) -> u64 {
        u64::from(self.retransmissions) * 4
            + u64::from(self.lost_segments) * 4
            + u64::from(self.zero_windows) * 3
            + u64::from(self.out_of_order) * 2
            + u64::from(self.ack_lost_segments) * 2
            + u64::from(self.dup_acks)
    }
}

/// A connection's health as the analysis sees it, for a badge in the flows list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Health {
    /// No retransmission, loss, duplicate ACK, reordering or zero window.
    Clean,
    /// Duplicate ACKs, reordering or a full window, but nothing resent or lost.
    Minor,
    /// Retransmissions, segments missing from the capture or a zero window.
    Trouble,
}

impl Health {
    /// Stable machine name (`flows --format json`'s `analysis.health`).
    pub fn name(self) -> &'static str {
        match self {
            Health::Clean => "clean",
            Health::Minor => "minor",
            Health::Trouble => "trouble",
        }
    }

    /// One-column symbol, readable without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Health::Clean => "✓",
            Health::Minor => "!",
            Health::Trouble => "▲",
        }
    }

    /// The severity a colour theme paints it with.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Health::Clean => None,
            Health::Minor => Some(Severity::Note),
            Health::Trouble => Some(Severity::Warning),
        }
    }
}

/// One segment sent and not yet acknowledged (`tcp_unacked_t`).
#[derive(Clone, Copy, Debug)]
struct Unacked {
    frame: u32,
    seq: u32,
    nextseq: u32,
    ts: TimestampNs,
}

/// Wireshark's unknown window scale (`-1`) and "no scaling negotiated" (`-2`).
const SCALE_UNKNOWN: i8 = -1;
const SCALE_NONE: i8 = -2;

/// One direction's analysis state (`tcp_flow_t` and its `tcp_analyze_seq_flow_info_t`).
/// Sequence numbers are raw; 0 means "not seen yet" exactly where Wireshark tests it so.
#[derive(Clone, Debug)]
struct DirState {
    /// Last window advertised this way, raw (`u32::MAX` before any).
    window: u32,
    win_scale: i8,
    /// The last segment this way was a SYN: its window is never scaled.
    is_first_ack: bool,
    /// Bytes in flight are meaningful (cleared by a lost segment until the peer ACKs).
    valid_bif: bool,
    last_verdicts: Verdicts,
    nextseq: u32,
    nextseq_frame: u32,
    nextseq_ts: TimestampNs,
    maxseqtobeacked: u32,
    lastack: u32,
    lastack_ts: TimestampNs,
    lastnondupack: u32,
    dupacknum: i32,
    /// SACK blocks of this direction's last segment (for the peer's bytes in flight).
    sack_blocks: u8,
    sack_bytes: u32,
    /// Unacknowledged segments, oldest first (Wireshark keeps them newest first).
    unacked: Vec<Unacked>,
}

impl Default for DirState {
    fn default() -> Self {
        DirState {
            window: u32::MAX,
            win_scale: SCALE_UNKNOWN,
            is_first_ack: false,
            valid_bif: true,
            last_verdicts: Verdicts::NONE,
            nextseq: 0,
            nextseq_frame: 0,
            nextseq_ts: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastack_ts: 0,
            lastnondupack: 0,
            dupacknum: 0,
            sack_blocks: 0,
            sack_bytes: 0,
            unacked: Vec::new(),
        }
    }
}

/// A connection's analysis state (both directions and the handshake's first RTT).
#[derive(Clone, Debug, Default)]
pub(crate) struct ConnAnalysis {
    /// Index 0: the flow's client → server direction.
    dirs: [DirState; 2],
    /// Most recent bare SYN (`ts_mru_syn`, 0 = none).
    mru_syn_ts: TimestampNs,
    /// The handshake's RTT (`ts_first_rtt`, 0 = not measured): out-of-order threshold.
    first_rtt_ns: i64,
}

fn gt_seq(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}
fn lt_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}
fn le_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// Wireshark's unsigned time test: `now - then`, negative times becoming huge.
fn elapsed(now: TimestampNs, then: TimestampNs) -> u64 {
    now.wrapping_sub(then) as u64
}

impl ConnAnalysis {
    /// Analyzes one segment travelling in direction `fwd` (0 = client → server). `base` is the
    /// sender's base sequence number (Wireshark's `base_seq`) after this segment;
    /// `reused_ports` says the segment started a new stream on a known 4-tuple or re-based a
    /// SYN-ACK; `syn_again` that it is a bare SYN with the ISN already known.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn observe(
        &mut self,
        fwd: usize,
        packet_no: u64,
        ts: TimestampNs,
        seg: &TcpSegment,
        base: u32,
        reused_ports: bool,
        syn_again: bool,
    ) -> PacketAnalysis {
        let frame = packet_no as u32;
        let mut out = PacketAnalysis {
            rel_seq: seg.seq.wrapping_sub(base),
            ..PacketAnalysis::default()
        };
        if reused_ports {
            out.verdicts.insert(Verdicts::REUSED_PORTS);
        }
        let (f, r) = if fwd == 0 {
            let [a, b] = &mut self.dirs;
            (a, b)
        } else {
            let [a, b] = &mut self.dirs;
            (b, a)
        };
        let flags = seg.flags;
        let has = |bit: u16| flags & bit != 0;
        let syn_fin_rst = has(tcp_flags::SYN) || has(tcp_flags::FIN) || has(tcp_flags::RST);
        let (seq, ack, seglen) = (seg.seq, seg.ack, seg.payload_len);
        let window = u32::from(seg.window);
        let mut v = Verdicts::NONE;

        // A retransmitted SYN with the same ISN: restore nextseq (Wireshark issue 17616: a RST
        // with SEQ = the ACK received may have moved it).
        if syn_again && RULES.restore_nextseq_on_syn {
            f.nextseq = f.maxseqtobeacked;
        }

        if has(tcp_flags::ACK) {
            r.valid_bif = true;
        }

        'fwd: {
            // ZERO WINDOW PROBE: exactly one byte at the next expected sequence number while the
            // peer's window is zero.
            if seglen == 1 && seq == f.nextseq && r.window == 0 {
                v.insert(Verdicts::ZERO_WINDOW_PROBE);
                break 'fwd;
            }
            // ZERO WINDOW: this side advertises no room (SYN/FIN/RST never count).
            if window == 0 && !syn_fin_rst {
                v.insert(Verdicts::ZERO_WINDOW);
            }
            // LOST SEGMENT: this segment starts beyond the highest sequence number seen.
            if f.nextseq != 0 && gt_seq(seq, f.nextseq) && !has(tcp_flags::RST) {
                v.insert(Verdicts::LOST_SEGMENT);
                f.valid_bif = false;
            }
            // KEEP ALIVE: 0 or 1 byte starting one before the next expected byte.
            if seglen <= 1 && seq == f.nextseq.wrapping_sub(1) && !syn_fin_rst {
                v.insert(Verdicts::KEEP_ALIVE);
            }
            let repeats = seglen == 0 && seq == f.nextseq && ack == f.lastack && !syn_fin_rst;
            // WINDOW UPDATE: no data, same seq/ack, a new non-zero window.
            if repeats && window != 0 && window != f.window {
                v.insert(Verdicts::WINDOW_UPDATE);
            }
            // WINDOW FULL: data that fills the peer's advertised window to its edge.
            if seglen > 0 && r.win_scale != SCALE_UNKNOWN && !syn_fin_rst {
                let shift = if r.is_first_ack || r.win_scale == SCALE_NONE {
                    0
                } else {
                    u32::from(r.win_scale.clamp(0, 31) as u8)
                };
                let edge = r.lastack.wrapping_add(r.window.wrapping_shl(shift));
                if seq.wrapping_add(seglen) == edge {
                    v.insert(Verdicts::WINDOW_FULL);
                }
            }
            // KEEP ALIVE ACK: repeats the previous ACK after the peer's keep-alive.
            if repeats
                && window != 0
                && window == f.window
                && r.last_verdicts.contains(Verdicts::KEEP_ALIVE)
            {
                v.insert(Verdicts::KEEP_ALIVE_ACK);
                break 'fwd;
            }
            // ZERO WINDOW PROBE ACK: repeats the previous zero-window ACK after a probe.
            if repeats
                && window == 0
                && window == f.window
                && r.last_verdicts.contains(Verdicts::ZERO_WINDOW_PROBE)
            {
                v.insert(Verdicts::ZERO_WINDOW_PROBE_ACK);
                break 'fwd;
            }
            // DUPLICATE ACK: no data, same seq/ack/window as before.
            if repeats && window != 0 && window == f.window {
                f.dupacknum = if f.dupacknum == -1 {
                    1
                } else {
                    f.dupacknum.saturating_add(1)
                };
                v.insert(Verdicts::DUPLICATE_ACK);
                out.dup_ack_num = f.dupacknum.max(0) as u32;
                out.dup_ack_frame = u64::from(f.lastnondupack);
            }
        }

        // A new ACK number resets the duplicate count.
        if ack != f.lastack {
            f.lastnondupack = frame;
            f.dupacknum = 0;
        }

        // ACKED LOST SEGMENT: acknowledges beyond what the peer was seen to send.
        if r.maxseqtobeacked != 0 && gt_seq(ack, r.maxseqtobeacked) && has(tcp_flags::ACK) {
            if RULES.ack_lost_v2 {
                // The peer sent more than it had been acked for: move the mark up to what it
                // sent and report once; otherwise report once until the peer speaks again
                // (its duplicate-ACK counter, set to -1, remembers it was reported).
                if r.maxseqtobeacked < r.nextseq {
                    r.maxseqtobeacked = r.nextseq;
                    v.insert(Verdicts::ACK_LOST_SEGMENT);
                } else {
                    if r.dupacknum == 0 {
                        v.insert(Verdicts::ACK_LOST_SEGMENT);
                    }
                    r.dupacknum = -1;
                }
            } else {
                v.insert(Verdicts::ACK_LOST_SEGMENT);
                r.maxseqtobeacked = r.nextseq;
            }
        }

        // RETRANSMISSION / FAST RETRANSMISSION / SPURIOUS / OUT-OF-ORDER: a segment with data
        // (or SYN/FIN) that does not advance the sequence number.
        if (seglen > 0 || has(tcp_flags::SYN) || has(tcp_flags::FIN))
            && !v.contains(Verdicts::KEEP_ALIVE)
        {
            let mut not_advanced = f.nextseq != 0 && lt_seq(seq, f.nextseq);
            // One byte short of nextseq with more than one byte: new data after a probe.
            if seglen > 1 && f.nextseq.wrapping_sub(1) == seq {
                not_advanced = false;
            }
            let spurious =
                || seglen > 0 && r.lastack != 0 && le_seq(seq.wrapping_add(seglen), r.lastack);
            let fast = not_advanced
                && r.dupacknum >= 2
                && r.lastack == seq
                && elapsed(ts, r.lastack_ts) < 20_000_000;
            let ooo_thres = if self.first_rtt_ns == 0 {
                3_000_000
            } else {
                self.first_rtt_ns as u64
            };
            let virtual_byte = u32::from(has(tcp_flags::SYN) || has(tcp_flags::FIN));
            let ooo_end = if RULES.ooo_counts_syn_fin {
                seq.wrapping_add(seglen).wrapping_add(virtual_byte)
            } else {
                seq.wrapping_add(seglen)
            };
            let ooo = not_advanced && elapsed(ts, f.nextseq_ts) < ooo_thres && f.nextseq != ooo_end;
            let kind = if RULES.spurious_first {
                if spurious() {
                    Some(Verdicts::SPURIOUS_RETRANSMISSION)
                } else if fast {
                    Some(Verdicts::FAST_RETRANSMISSION)
                } else if ooo {
                    Some(Verdicts::OUT_OF_ORDER)
                } else {
                    None
                }
            } else if fast {
                Some(Verdicts::FAST_RETRANSMISSION)
            } else if ooo {
                Some(Verdicts::OUT_OF_ORDER)
            } else if spurious() {
                Some(Verdicts::SPURIOUS_RETRANSMISSION)
            } else {
                None
            };
            match kind {
                Some(k) => v.insert(k),
                None if not_advanced => {
                    v.insert(Verdicts::RETRANSMISSION);
                    // The earliest unacknowledged segment is probably the one resent.
                    let (rto_frame, rto_ts) = f
                        .unacked
                        .first()
                        .map(|u| (u.frame, u.ts))
                        .unwrap_or((f.nextseq_frame, f.nextseq_ts));
                    out.rto_frame = Some(u64::from(rto_frame));
                    out.rto_ns = Some(ts.wrapping_sub(rto_ts));
                }
                None => {}
            }
        }

        // Remember this segment until it is acknowledged.
        let mut nextseq = seq.wrapping_add(seglen);
        if (seglen > 0 || has(tcp_flags::SYN) || has(tcp_flags::FIN))
            && f.unacked.len() < MAX_UNACKED
        {
            if has(tcp_flags::SYN) || has(tcp_flags::FIN) {
                nextseq = nextseq.wrapping_add(1);
            }
            if f.unacked.capacity() == 0 {
                f.unacked.reserve_exact(1);
            }
            f.unacked.push(Unacked {
                frame,
                seq,
                nextseq,
                ts,
            });
        }
        let probe = v.contains(Verdicts::ZERO_WINDOW_PROBE);
        // The highest sequence number seen (zero-window probes do not advance it).
        if (gt_seq(nextseq, f.nextseq) || f.nextseq == 0) && !probe {
            f.nextseq = nextseq;
            f.nextseq_frame = frame;
            f.nextseq_ts = ts;
        }
        // The highest contiguous sequence number seen (for "ACKed unseen segment").
        if (seq == f.maxseqtobeacked || f.maxseqtobeacked == 0) && !probe {
            f.maxseqtobeacked = f.nextseq;
        }
        f.window = window;
        f.lastack = ack;
        f.lastack_ts = ts;

        // Drop the peer's segments this acknowledges; an exact match gives the ACK's RTT.
        let mut acked: Option<Unacked> = None;
        let mut i = r.unacked.len();
        let mut removed = false;
        while i > 0 {
            i -= 1;
            let Some(u) = r.unacked.get_mut(i) else {
                break;
            };
            if ack == u.nextseq {
                acked = Some(*u);
            } else if gt_seq(ack, u.seq) && le_seq(ack, u.nextseq) {
                u.seq = ack;
                continue;
            } else if gt_seq(u.nextseq, ack) {
                continue;
            }
            u.frame = u32::MAX;
            removed = true;
        }
        if removed {
            r.unacked.retain(|u| u.frame != u32::MAX);
            if r.unacked.is_empty() {
                r.unacked = Vec::new();
            }
        }
        if let Some(u) = acked {
            out.acked_frame = Some(u64::from(u.frame));
            let rtt = ts.wrapping_sub(u.ts);
            out.ack_rtt_ns = (rtt != 0).then_some(rtt);
        }

        // Bytes in flight: the span of this direction's unacknowledged segments, less what the
        // peer's last SACK blocks said arrived.
        if seglen != 0
            && f.valid_bif
            && let Some(head) = f.unacked.last()
        {
            let rel = |x: u32| x.wrapping_sub(base);
            let mut first = rel(head.seq);
            let mut last = rel(head.nextseq);
            for u in &f.unacked {
                last = last.max(rel(u.nextseq));
                first = first.min(rel(u.seq));
            }
            let mut in_flight = last.wrapping_sub(first);
            if r.sack_blocks > 0 && RULES.sack_in_bif {
                in_flight = in_flight.wrapping_sub(r.sack_bytes);
            }
            if in_flight > 0 && in_flight < 2_000_000_000 {
                let virtual_byte = u32::from(has(tcp_flags::SYN) || has(tcp_flags::FIN));
                out.bytes_in_flight = Some(in_flight.wrapping_sub(virtual_byte));
            }
        }

        // Bookkeeping `dissect_tcp` does after the analysis.
        f.sack_blocks = seg.options.sack_blocks;
        f.sack_bytes = seg.options.sack_bytes;
        if let Some(ws) = seg.options.window_scale {
            f.win_scale = ws.min(14) as i8;
        }
        if has(tcp_flags::SYN) {
            f.is_first_ack = true;
            if !has(tcp_flags::ACK) {
                self.mru_syn_ts = ts;
            }
            // verify_tcp_window_scaling: a SYN without the option means no scaling either way.
            let is_synack = has(tcp_flags::ACK);
            let (f, r) = self.pair(fwd);
            if f.win_scale == SCALE_UNKNOWN {
                f.win_scale = SCALE_NONE;
                r.win_scale = SCALE_NONE;
            } else if is_synack && r.win_scale == SCALE_NONE {
                f.win_scale = SCALE_NONE;
            }
        } else if has(tcp_flags::ACK) {
            if self.mru_syn_ts != 0 && self.first_rtt_ns == 0 {
                self.first_rtt_ns = ts.wrapping_sub(self.mru_syn_ts);
            }
            let (f, _) = self.pair(fwd);
            f.is_first_ack = false;
        }
        out.verdicts.insert(v);
        out.first_rtt_ns = (self.first_rtt_ns != 0).then_some(self.first_rtt_ns);
        let (f, _) = self.pair(fwd);
        f.last_verdicts = out.verdicts;
        out
    }

    fn pair(&mut self, fwd: usize) -> (&mut DirState, &mut DirState) {
        let [a, b] = &mut self.dirs;
        if fwd == 0 { (a, b) } else { (b, a) }
    }

    /// The flow's client and server were swapped: so are the directions' states.
    pub(crate) fn swap_directions(&mut self) {
        self.dirs.swap(0, 1);
    }
}

/// Which of Wireshark's rule variants apply (the code changed across releases; these are the
/// ones tshark 4.0 follows, as the conformance test confirms).
struct Rules {
    restore_nextseq_on_syn: bool,
    ack_lost_v2: bool,
    ooo_counts_syn_fin: bool,
    spurious_first: bool,
    sack_in_bif: bool,
}

const RULES: Rules = Rules {
    restore_nextseq_on_syn: true,
    ack_lost_v2: true,
    ooo_counts_syn_fin: true,
    spurious_first: true,
    sack_in_bif: true,
};
