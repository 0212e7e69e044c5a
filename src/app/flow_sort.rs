//! The order of the flows list: the sort keys (start, RTT, bytes, health) and the pure [`sort_flows`].
//! In `app` because the app keeps the list's order and selection; `ui::flow_list` re-exports
//! it. Depends on `flow` only.

use std::cmp::Ordering;

use crate::flow::Flow;

/// The order of the flows list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// First packet time, oldest first (the newest at the bottom, as a live capture grows).
    #[default]
    Start,
    /// Initial RTT, slowest first; flows without one (no complete handshake) last.
    Rtt,
    /// Bytes on the wire, largest first.
    Bytes,
    /// The analysis health badge, worst first (trouble, minor, clean), then by trouble score.
    Health,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [Self::Start, Self::Rtt, Self::Bytes, Self::Health];

    pub fn label(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Rtt => "RTT",
            Self::Bytes => "bytes",
            Self::Health => "health",
        }
    }

    /// `▲` ascending, `▼` descending.
    pub fn arrow(self) -> &'static str {
        match self {
            Self::Start => "▲",
            Self::Rtt | Self::Bytes | Self::Health => "▼",
        }
    }

    /// The next key (the sort key cycles).
    pub fn next(self) -> SortKey {
        match self {
            Self::Start => Self::Rtt,
            Self::Rtt => Self::Bytes,
            Self::Bytes => Self::Health,
            Self::Health => Self::Start,
        }
    }
}

/// The RTT the list shows and sorts by: the initial RTT of an established handshake.
pub fn list_rtt_ns(flow: &Flow) -> Option<i64> {
    if flow.established() {
        flow.rtt().initial_ns
    } else {
        None
    }
}

/// Sorts flows by `key`; ties (and flows without an RTT) keep flow-number order.
pub fn sort_flows(flows: &mut [&Flow], key: SortKey) {
    flows.sort_by(|a, b| {
        let primary = match key {
            SortKey::Start => a.first_ts_ns.cmp(&b.first_ts_ns),
            SortKey::Rtt => match (list_rtt_ns(a), list_rtt_ns(b)) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            SortKey::Bytes => b.bytes().cmp(&a.bytes()),
            SortKey::Health => {
                let (x, y) = (a.analysis_counts(), b.analysis_counts());
                (y.health(), y.score()).cmp(&(x.health(), x.score()))
            }
        };
        primary.then(a.id.cmp(&b.id))
    });
}
