//! What is in a capture, counted as packets go by: the protocol hierarchy (by the four
//! textbook layers, tunnels counted at each level as `tshark -z io,phs` does), IP
//! conversations (`tshark -z conv,ip`), TCP/UDP endpoints, handshake outcomes with the
//! initial-RTT distribution, retransmissions from the sequence analysis, and traffic over
//! time. Pure and incremental: [`Stats::add`] takes one packet's fast-walk [`Layout`], so
//! `synack stats` and the viewer's statistics screen (live or replayed) count the same way.
//! Memory is bounded by the distinct protocols, conversations and endpoints, and a fixed
//! number of time buckets. Depends on `decode`, `flow` and `model`.

mod hierarchy;
pub mod report;

use std::collections::HashMap;

/// Keys come from packets: a per-process seeded hasher (foldhash), several times faster than
/// SipHash on these small keys, still not predictable from outside.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::decode::{Hdr, LayerKind, Layout};
use crate::flow::{Flow, Outcome, PacketAnalysis};
use crate::model::TimestampNs;

pub use hierarchy::{Hierarchy, Node, ProtoTotal};

/// How many time buckets the traffic-over-time series keeps; when a capture outgrows them,
/// the bucket width doubles and neighbours merge, so memory stays flat.
pub const TIME_BUCKETS: usize = 240;
/// The narrowest time bucket (1 ms).
const MIN_BUCKET_NS: i64 = 1_000_000;

/// Initial-RTT histogram bucket edges, in nanoseconds: a 1-2-5 log scale from 10 µs to 10 s.
/// Bucket `i` holds RTTs below `RTT_EDGES_NS[i]` (and at or above the previous edge); the
/// last bucket holds everything from 10 s.
pub const RTT_EDGES_NS: [i64; 19] = [
    10_000,
    20_000,
    50_000,
    100_000,
    200_000,
    500_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
    20_000_000,
    50_000_000,
    100_000_000,
    200_000_000,
    500_000_000,
    1_000_000_000,
    2_000_000_000,
    5_000_000_000,
    10_000_000_000,
];

/// Which IP version a conversation is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpVersion {
    V4,
    V6,
}

/// One IP conversation: packets between two addresses, either way (one row of
/// `tshark -z conv,ip`). `a` is the source of the first packet seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    pub a: IpAddr,
    pub b: IpAddr,
    pub frames_ab: u64,
    pub bytes_ab: u64,
    pub frames_ba: u64,
    pub bytes_ba: u64,
    pub first_ns: TimestampNs,
    pub last_ns: TimestampNs,
}

impl Conversation {
    pub fn frames(&self) -> u64 {
        self.frames_ab.saturating_add(self.frames_ba)
    }
    pub fn bytes(&self) -> u64 {
        self.bytes_ab.saturating_add(self.bytes_ba)
    }
    pub fn duration_ns(&self) -> i64 {
        self.last_ns.saturating_sub(self.first_ns).max(0)
    }
    /// The display filter that shows exactly this conversation's packets.
    pub fn filter(&self) -> String {
        let field = match self.a {
            IpAddr::V4(_) => "ip.addr",
            IpAddr::V6(_) => "ipv6.addr",
        };
        format!("{field} == {} && {field} == {}", self.a, self.b)
    }
}

/// Transport protocol of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    Tcp,
    Udp,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
        }
    }
}

/// One TCP or UDP endpoint (address and port), as `tshark -z endpoints,tcp` counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub transport: Transport,
    pub addr: SocketAddr,
    pub tx_frames: u64,
    pub tx_bytes: u64,
    pub rx_frames: u64,
    pub rx_bytes: u64,
}

impl Endpoint {
    pub fn frames(&self) -> u64 {
        self.tx_frames.saturating_add(self.rx_frames)
    }
    pub fn bytes(&self) -> u64 {
        self.tx_bytes.saturating_add(self.rx_bytes)
    }
}

/// Handshakes: how each TCP connection began, and how long its handshake took.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handshakes {
    /// Connections per outcome, in [`Outcome::ALL`]'s order.
    pub outcomes: [u64; 6],
    /// Initial RTTs (SYN → final ACK) of the completed handshakes, in nanoseconds, sorted.
    pub rtts_ns: Vec<i64>,
    /// SYNs sent again (beyond the first), over all connections.
    pub syn_retransmissions: u64,
    /// Connections whose SYN was sent more than once.
    pub flows_with_syn_retransmission: u64,
    /// SYN-ACKs sent again.
    pub synack_retransmissions: u64,
}

impl Handshakes {
    /// The figures of `flows`: outcomes, initial RTTs of completed handshakes, SYN
    /// retransmissions.
    pub fn from_flows<'a>(flows: impl IntoIterator<Item = &'a Flow>) -> Handshakes {
        let mut h = Handshakes::default();
        for f in flows {
            let outcome = f.outcome();
            if let Some(i) = Outcome::ALL.iter().position(|o| *o == outcome)
                && let Some(slot) = h.outcomes.get_mut(i)
            {
                *slot += 1;
            }
            if outcome == Outcome::Complete
                && let Some(rtt) = f.rtt().initial_ns
            {
                h.rtts_ns.push(rtt);
            }
            let syn = u64::from(f.syn_retransmissions());
            h.syn_retransmissions += syn;
            h.flows_with_syn_retransmission += u64::from(syn > 0);
            h.synack_retransmissions += u64::from(f.synack_retransmissions());
        }
        h.rtts_ns.sort_unstable();
        h
    }

    pub fn total(&self) -> u64 {
        self.outcomes.iter().sum()
    }
    pub fn count(&self, outcome: Outcome) -> u64 {
        Outcome::ALL
            .iter()
            .position(|o| *o == outcome)
            .and_then(|i| self.outcomes.get(i))
            .copied()
            .unwrap_or(0)
    }
    /// The `q`-quantile (0.5 median, 0.95 p95) of the initial RTTs, nearest rank.
    pub fn rtt_quantile(&self, q: f64) -> Option<i64> {
        quantile(&self.rtts_ns, q)
    }
    /// Counts per [`RTT_EDGES_NS`] bucket (one more than there are edges).
    pub fn rtt_histogram(&self) -> [u64; RTT_EDGES_NS.len() + 1] {
        let mut h = [0u64; RTT_EDGES_NS.len() + 1];
        for &r in &self.rtts_ns {
            let i = RTT_EDGES_NS.partition_point(|&e| e <= r);
            if let Some(slot) = h.get_mut(i) {
                *slot += 1;
            }
        }
        h
    }
}

/// Nearest-rank quantile of sorted values.
fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.saturating_sub(1).min(sorted.len() - 1))
        .copied()
}

/// TCP segments and what the sequence analysis said about them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segments {
    /// TCP segments analysed.
    pub total: u64,
    /// Marked retransmission (fast and spurious ones included, as tshark marks them).
    pub retransmissions: u64,
    pub fast_retransmissions: u64,
    pub spurious_retransmissions: u64,
    pub dup_acks: u64,
    pub out_of_order: u64,
    pub lost_segments: u64,
    pub zero_windows: u64,
}

impl Segments {
    /// Retransmitted segments per analysed segment (0.0 when there is none).
    pub fn retransmission_rate(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.retransmissions as f64 / self.total as f64
        }
    }
}

/// Packets and bytes per time bucket, from the first packet on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Capture time the first bucket starts at.
    pub start_ns: TimestampNs,
    /// Width of one bucket (a power-of-two multiple of 1 ms).
    pub bucket_ns: i64,
    /// (packets, bytes) per bucket; at most [`TIME_BUCKETS`].
    pub buckets: Vec<(u64, u64)>,
}

impl Timeline {
    fn new(start_ns: TimestampNs) -> Timeline {
        Timeline {
            start_ns,
            bucket_ns: MIN_BUCKET_NS,
            buckets: Vec::new(),
        }
    }

    fn add(&mut self, ts_ns: TimestampNs, bytes: u64) {
        // A packet stamped before the first (files are not always in order) joins bucket 0.
        let offset = ts_ns.saturating_sub(self.start_ns).max(0);
        let mut i = offset / self.bucket_ns;
        while i >= TIME_BUCKETS as i64 {
            self.widen();
            i = offset / self.bucket_ns;
        }
        let i = i as usize;
        if self.buckets.len() <= i {
            self.buckets.resize(i + 1, (0, 0));
        }
        if let Some(b) = self.buckets.get_mut(i) {
            b.0 += 1;
            b.1 = b.1.saturating_add(bytes);
        }
    }

    /// Doubles the bucket width, merging neighbours.
    fn widen(&mut self) {
        self.bucket_ns = self.bucket_ns.saturating_mul(2);
        let merged = self
            .buckets
            .chunks(2)
            .map(|c| {
                c.iter().fold((0u64, 0u64), |(p, b), &(p2, b2)| {
                    (p + p2, b.saturating_add(b2))
                })
            })
            .collect();
        self.buckets = merged;
    }

    /// The bucket a capture time falls in, if it is inside the series.
    pub fn bucket_of(&self, ts_ns: TimestampNs) -> Option<usize> {
        let off = ts_ns.checked_sub(self.start_ns)?;
        if off < 0 {
            return None;
        }
        let i = usize::try_from(off / self.bucket_ns).ok()?;
        (i < self.buckets.len()).then_some(i)
    }

    /// Packets per second and bytes per second of bucket `i`.
    pub fn rate(&self, i: usize) -> Option<(f64, f64)> {
        let &(p, b) = self.buckets.get(i)?;
        let secs = self.bucket_ns as f64 / 1e9;
        Some((p as f64 / secs, b as f64 / secs))
    }
}

/// Everything counted so far.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub packets: u64,
    pub bytes: u64,
    pub first_ns: Option<TimestampNs>,
    pub last_ns: Option<TimestampNs>,
    /// The first packet's time (what relative times count from, as in Wireshark; a file
    /// out of order can hold earlier packets after it).
    pub start_ns: Option<TimestampNs>,
    pub hierarchy: Hierarchy,
    conversations: FastMap<(IpAddr, IpAddr), Conversation>,
    endpoints: FastMap<(Transport, SocketAddr), Endpoint>,
    pub segments: Segments,
    pub handshakes: Handshakes,
    timeline: Option<Timeline>,
}

/// The IP addresses of an IPv4 or IPv6 header at `r` in `data`.
fn ip_pair(hdr: Hdr, data: &[u8], start: usize) -> Option<(IpAddr, IpAddr)> {
    match hdr {
        Hdr::Ipv4 { .. } => {
            let s: [u8; 4] = *data.get(start.checked_add(12)?..)?.first_chunk::<4>()?;
            let d: [u8; 4] = *data.get(start.checked_add(16)?..)?.first_chunk::<4>()?;
            Some((Ipv4Addr::from(s).into(), Ipv4Addr::from(d).into()))
        }
        Hdr::Ipv6 { .. } => {
            let s: [u8; 16] = *data.get(start.checked_add(8)?..)?.first_chunk::<16>()?;
            let d: [u8; 16] = *data.get(start.checked_add(24)?..)?.first_chunk::<16>()?;
            Some((Ipv6Addr::from(s).into(), Ipv6Addr::from(d).into()))
        }
        _ => None,
    }
}

/// Whether an IPv4 header is sound enough to make a conversation (tshark stops before its
/// conversation tap on a header length under 20 bytes or a total length shorter than the
/// header; a total length of 0 is TSO and counts). IPv6 always is.
fn ip_header_valid(hdr: Hdr, data: &[u8], start: usize) -> bool {
    if !matches!(hdr, Hdr::Ipv4 { .. }) {
        return true;
    }
    let Some(&[vihl, _, hi, lo]) = data.get(start..).and_then(|d| d.first_chunk::<4>()) else {
        return false;
    };
    let ihl = usize::from(vihl & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([hi, lo]));
    ihl >= 20 && (total == 0 || total >= ihl)
}

/// Source and destination port of a TCP or UDP header at `start`.
fn ports(data: &[u8], start: usize) -> Option<(u16, u16)> {
    let p: [u8; 4] = *data.get(start..)?.first_chunk::<4>()?;
    Some((
        u16::from_be_bytes([p[0], p[1]]),
        u16::from_be_bytes([p[2], p[3]]),
    ))
}

impl Stats {
    pub fn new() -> Stats {
        Stats::default()
    }

    /// Counts one packet: `wire_len` bytes on the wire at capture time `ts_ns`, `layout` its
    /// fast walk over `data` (the captured bytes), `analysis` what the TCP sequence analysis
    /// said about it (for a tracked TCP segment).
    pub fn add(
        &mut self,
        ts_ns: TimestampNs,
        wire_len: u32,
        data: &[u8],
        layout: &Layout,
        analysis: Option<&PacketAnalysis>,
    ) {
        let bytes = u64::from(wire_len);
        self.packets += 1;
        self.bytes = self.bytes.saturating_add(bytes);
        self.first_ns = Some(self.first_ns.map_or(ts_ns, |f| f.min(ts_ns)));
        self.start_ns.get_or_insert(ts_ns);
        self.last_ns = Some(self.last_ns.map_or(ts_ns, |l| l.max(ts_ns)));
        self.timeline
            .get_or_insert_with(|| Timeline::new(ts_ns))
            .add(ts_ns, bytes);
        self.hierarchy.add(layout.headers(), data, bytes);
        // Conversations per IP header (a tunnel's inner addresses too, as tshark's tap
        // counts each IP layer); endpoints per TCP/UDP header, with the IP header before it.
        let mut ips: Option<(IpAddr, IpAddr)> = None;
        for (hdr, range) in layout.headers() {
            match hdr {
                Hdr::QuotedIp | Hdr::QuotedTransport(_) => break,
                Hdr::Ipv4 { .. } | Hdr::Ipv6 { .. } => {
                    ips = ip_pair(hdr, data, range.start);
                    if let Some((s, d)) = ips
                        && ip_header_valid(hdr, data, range.start)
                    {
                        self.conversation(s, d, ts_ns, bytes);
                    }
                }
                Hdr::Tcp { .. } | Hdr::Udp => {
                    let t = if matches!(hdr, Hdr::Udp) {
                        Transport::Udp
                    } else {
                        Transport::Tcp
                    };
                    if let (Some((s, d)), Some((sp, dp))) = (ips, ports(data, range.start)) {
                        self.endpoint(t, SocketAddr::new(s, sp), bytes, true);
                        self.endpoint(t, SocketAddr::new(d, dp), bytes, false);
                    }
                }
                _ => {}
            }
        }
        if let Some(a) = analysis {
            self.add_analysis(a);
        }
    }

    fn add_analysis(&mut self, a: &PacketAnalysis) {
        use crate::flow::Verdicts as V;
        let s = &mut self.segments;
        s.total += 1;
        let v = a.verdicts;
        let count = |flag: V| u64::from(v.contains(flag));
        s.retransmissions += u64::from(v.is_retransmission());
        s.fast_retransmissions += count(V::FAST_RETRANSMISSION);
        s.spurious_retransmissions += count(V::SPURIOUS_RETRANSMISSION);
        s.dup_acks += count(V::DUPLICATE_ACK);
        s.out_of_order += count(V::OUT_OF_ORDER);
        s.lost_segments += count(V::LOST_SEGMENT);
        s.zero_windows += count(V::ZERO_WINDOW);
    }

    fn conversation(&mut self, s: IpAddr, d: IpAddr, ts: TimestampNs, bytes: u64) {
        let key = if s <= d { (s, d) } else { (d, s) };
        let c = self.conversations.entry(key).or_insert(Conversation {
            a: s,
            b: d,
            frames_ab: 0,
            bytes_ab: 0,
            frames_ba: 0,
            bytes_ba: 0,
            first_ns: ts,
            last_ns: ts,
        });
        if c.a == s {
            c.frames_ab += 1;
            c.bytes_ab = c.bytes_ab.saturating_add(bytes);
        } else {
            c.frames_ba += 1;
            c.bytes_ba = c.bytes_ba.saturating_add(bytes);
        }
        c.first_ns = c.first_ns.min(ts);
        c.last_ns = c.last_ns.max(ts);
    }

    fn endpoint(&mut self, t: Transport, addr: SocketAddr, bytes: u64, tx: bool) {
        let e = self.endpoints.entry((t, addr)).or_insert(Endpoint {
            transport: t,
            addr,
            tx_frames: 0,
            tx_bytes: 0,
            rx_frames: 0,
            rx_bytes: 0,
        });
        if tx {
            e.tx_frames += 1;
            e.tx_bytes = e.tx_bytes.saturating_add(bytes);
        } else {
            e.rx_frames += 1;
            e.rx_bytes = e.rx_bytes.saturating_add(bytes);
        }
    }

    /// Replaces the handshake figures with those of `flows` (every connection tracked, ended
    /// or not).
    pub fn set_flows<'a>(&mut self, flows: impl IntoIterator<Item = &'a Flow>) {
        self.handshakes = Handshakes::from_flows(flows);
    }

    /// Masks every address (`--redact`), consistently with the rest of the output.
    pub fn redact(&mut self, r: &mut crate::redact::Redactor) {
        let convs = std::mem::take(&mut self.conversations);
        for (_, mut c) in convs {
            c.a = r.ip(&c.a);
            c.b = r.ip(&c.b);
            let key = if c.a <= c.b { (c.a, c.b) } else { (c.b, c.a) };
            self.conversations.insert(key, c);
        }
        let eps = std::mem::take(&mut self.endpoints);
        for (_, mut e) in eps {
            e.addr = r.socket(&e.addr);
            self.endpoints.insert((e.transport, e.addr), e);
        }
    }

    /// Capture time from the first to the last packet.
    pub fn duration_ns(&self) -> i64 {
        match (self.first_ns, self.last_ns) {
            (Some(f), Some(l)) => l.saturating_sub(f).max(0),
            _ => 0,
        }
    }

    /// IP conversations, most bytes first (ties: most frames, then addresses).
    pub fn conversations(&self) -> Vec<&Conversation> {
        let mut v: Vec<_> = self.conversations.values().collect();
        v.sort_by(|x, y| {
            y.bytes()
                .cmp(&x.bytes())
                .then(y.frames().cmp(&x.frames()))
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        v
    }

    /// TCP and UDP endpoints, most bytes first.
    pub fn endpoints(&self) -> Vec<&Endpoint> {
        let mut v: Vec<_> = self.endpoints.values().collect();
        v.sort_by(|x, y| {
            y.bytes()
                .cmp(&x.bytes())
                .then((x.transport, x.addr).cmp(&(y.transport, y.addr)))
        });
        v
    }

    pub fn timeline(&self) -> Option<&Timeline> {
        self.timeline.as_ref()
    }

    /// Per layer, the protocols seen and how many packets carry each (a packet counts once per
    /// protocol however often it nests), most packets first.
    pub fn by_layer(&self) -> Vec<(LayerKind, Vec<ProtoTotal>)> {
        LayerKind::ALL
            .iter()
            .map(|&l| (l, self.hierarchy.layer_totals(l)))
            .collect()
    }
}

#[cfg(test)]
mod tests;
