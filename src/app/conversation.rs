//! The selected connection's segments for the whole-connection ladder and the time-sequence
//! graph: gathered on demand from the packets the store keeps (their flow ids are scanned over
//! the flow's span without reading bytes, then only its own packets are summarized), with
//! Wireshark-relative numbers and the analysis verdicts, at most
//! [`rows::MAX_SEGMENTS`](crate::ui::ladder::rows::MAX_SEGMENTS). Also hands the flows screen
//! the rows it selects among.

use crate::flow::{Direction, Flow};
use crate::model::tcp_flags;
use crate::ui::ladder::rows::{self, MAX_SEGMENTS, Row, Segment};

use super::App;
use super::flows::RowTarget;

impl App {
    /// `flow`'s segments among the packets released so far, in capture order.
    pub fn flow_segments(&self, flow: &Flow) -> Vec<Segment> {
        let store = self.store();
        let released = self.released_index();
        let start = store.index_of_frame(flow.first_packet_no).unwrap_or(0);
        let end = store
            .index_of_frame(flow.last_packet_no())
            .map_or(released, |i| i.saturating_add(1))
            .min(released);
        let base = |d: Direction| match d {
            Direction::ClientToServer => flow.base_seq(true),
            Direction::ServerToClient => flow.base_seq(false),
        };
        let mut out = Vec::new();
        for index in start..end {
            if store.flow_at(index) != Some(flow.id) {
                continue;
            }
            if out.len() >= MAX_SEGMENTS {
                break;
            }
            let Some(view) = store.get(index) else {
                continue;
            };
            let Some(tcp) = view.summary.tcp else {
                continue;
            };
            // The flow's addresses carry no IPv6 scope: compare address and port only.
            let to_server =
                tcp.src.ip() == flow.client().ip() && tcp.src.port() == flow.client().port();
            let direction = if to_server {
                Direction::ClientToServer
            } else {
                Direction::ServerToClient
            };
            let rel = |n: u32, b: Option<u32>| b.map_or(n, |b| n.wrapping_sub(b));
            out.push(Segment {
                packet_no: view.number.saturating_add(1),
                ts_ns: view.ts_ns,
                to_server,
                flags: tcp.flags,
                rel_seq: rel(tcp.seq, base(direction)),
                rel_ack: (tcp.flags & tcp_flags::ACK != 0)
                    .then(|| rel(tcp.ack, base(direction.reverse()))),
                len: tcp.payload_len,
                window: tcp.window,
                analysis: view.analysis.unwrap_or_default(),
            });
        }
        out
    }

    /// The selected flow's rows, for the flows screen to select among.
    pub(super) fn refresh_ladder_rows(&mut self) {
        let targets = match self.flows().selected_flow() {
            Some(flow) => {
                let segments = self.flow_segments(flow);
                let expanded = self.flows().expanded();
                rows::rows(flow, &segments, &|no| expanded.contains(&no))
                    .iter()
                    .map(|r| RowTarget {
                        packet_no: r.packet_no(flow).unwrap_or(0),
                        run_last: match r {
                            Row::Run(run) => Some(run.last_packet_no),
                            _ => None,
                        },
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        self.flows.set_rows(targets);
    }
}
