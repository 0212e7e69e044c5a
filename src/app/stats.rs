//! The statistics screen's state (`3`): the counters, fed each packet as it is released (so a
//! live capture and a replay update them as they go, and a replay rebuilt after a jump counts
//! again from packet 1), and the conversations table's sort order and selection. Enter on a
//! conversation asks for a display filter showing exactly its packets.

use crate::decode::Layout;
use crate::flow::PacketAnalysis;
use crate::model::TimestampNs;
use crate::stats::{Conversation, Stats};

use super::Key;

/// How the conversations table is ordered (`s` cycles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConvSort {
    #[default]
    Bytes,
    Packets,
    Duration,
    Start,
    Address,
}

impl ConvSort {
    pub fn name(self) -> &'static str {
        match self {
            Self::Bytes => "bytes",
            Self::Packets => "packets",
            Self::Duration => "duration",
            Self::Start => "start",
            Self::Address => "address",
        }
    }
    fn next(self) -> ConvSort {
        match self {
            Self::Bytes => Self::Packets,
            Self::Packets => Self::Duration,
            Self::Duration => Self::Start,
            Self::Start => Self::Address,
            Self::Address => Self::Bytes,
        }
    }
}

/// What a key on the statistics screen asks of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatsAction {
    /// Show the packets that match this display filter.
    Filter(String),
}

/// The statistics screen.
#[derive(Clone, Debug, Default)]
pub struct StatsScreen {
    stats: Stats,
    sort: ConvSort,
    selected: usize,
}

impl StatsScreen {
    pub fn new() -> StatsScreen {
        StatsScreen::default()
    }

    /// Counts one released packet.
    pub fn observe(
        &mut self,
        ts_ns: TimestampNs,
        wire_len: u32,
        data: &[u8],
        layout: &Layout,
        analysis: Option<&PacketAnalysis>,
    ) {
        self.stats.add(ts_ns, wire_len, data, layout, analysis);
    }

    /// Forgets every count (a replay rebuilt from packet 1); keeps the sort and selection.
    pub fn reset(&mut self) {
        self.stats = Stats::new();
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    pub fn sort(&self) -> ConvSort {
        self.sort
    }
    /// The selected row of the conversations table.
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The conversations in the table's order.
    pub fn conversations(&self) -> Vec<&Conversation> {
        let mut v = self.stats.conversations();
        match self.sort {
            ConvSort::Bytes => {}
            ConvSort::Packets => v.sort_by_key(|c| std::cmp::Reverse(c.frames())),
            ConvSort::Duration => v.sort_by_key(|c| std::cmp::Reverse(c.duration_ns())),
            ConvSort::Start => v.sort_by_key(|c| c.first_ns),
            ConvSort::Address => v.sort_by_key(|c| (c.a, c.b)),
        }
        v
    }

    /// Keys of the statistics screen.
    pub fn on_key(&mut self, key: Key, page: usize) -> Option<StatsAction> {
        let n = self.stats.conversations().len();
        let last = n.saturating_sub(1);
        match key {
            Key::Up | Key::Char('k') => self.selected = self.selected.saturating_sub(1),
            Key::Down | Key::Char('j') => self.selected = (self.selected + 1).min(last),
            Key::PageUp => self.selected = self.selected.saturating_sub(page.max(1)),
            Key::PageDown => self.selected = (self.selected + page.max(1)).min(last),
            Key::Home | Key::Char('g') => self.selected = 0,
            Key::End | Key::Char('G') => self.selected = last,
            Key::Char('s') => self.sort = self.sort.next(),
            Key::Enter => {
                return self
                    .conversations()
                    .get(self.selected)
                    .map(|c| StatsAction::Filter(c.filter()));
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layout;
    use crate::model::LinkType;

    fn packet(src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
        let b = etherparse::PacketBuilder::ethernet2([2; 6], [4; 6])
            .ipv4(src, dst, 64)
            .udp(1000, 53);
        let mut v = Vec::new();
        b.write(&mut v, payload).expect("write");
        v
    }

    #[test]
    fn enter_filters_to_the_selected_conversation_in_the_sorted_order() {
        let mut s = StatsScreen::new();
        let big = packet([10, 0, 0, 1], [10, 0, 0, 2], &[0; 500]);
        let small = packet([10, 0, 0, 3], [10, 0, 0, 4], b"x");
        for (i, p) in [&big, &small, &small, &small].iter().enumerate() {
            let l = layout(LinkType::ETHERNET, p, p.len() as u32);
            s.observe(i as i64, p.len() as u32, p, &l, None);
        }
        // By bytes: the big one first.
        assert_eq!(
            s.on_key(Key::Enter, 10),
            Some(StatsAction::Filter(
                "ip.addr == 10.0.0.1 && ip.addr == 10.0.0.2".into()
            ))
        );
        s.on_key(Key::Char('s'), 10);
        assert_eq!(s.sort(), ConvSort::Packets);
        assert_eq!(
            s.on_key(Key::Enter, 10),
            Some(StatsAction::Filter(
                "ip.addr == 10.0.0.3 && ip.addr == 10.0.0.4".into()
            ))
        );
        s.on_key(Key::Down, 10);
        s.on_key(Key::Down, 10);
        assert_eq!(s.selected(), 1, "the selection stops at the last row");
        s.reset();
        assert_eq!(s.stats().packets, 0);
        assert_eq!(s.on_key(Key::Enter, 10), None);
    }
}
