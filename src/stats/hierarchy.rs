//! The protocol hierarchy: each packet's stack of headers as a path in a tree (eth → ip → udp
//! → dns), every node counting the frames and bytes whose stack passes through it, as
//! `tshark -z io,phs` does (a tunnel's inner ip is a deeper node of its own); plus, per
//! textbook layer, how many packets carry each protocol at all.

use crate::decode::{Hdr, LayerKind};

/// Nodes beyond this many are not created (a hostile capture could nest endlessly); their
/// packets still count in the deepest node that exists.
const MAX_NODES: usize = 10_000;

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// tshark's short protocol name (`eth`, `ip`, `tcp`, `dns`).
    pub name: &'static str,
    pub layer: LayerKind,
    /// 0 for the first header of a packet.
    pub depth: usize,
    pub frames: u64,
    pub bytes: u64,
    pub children: Vec<usize>,
}

/// A protocol's totals within a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtoTotal {
    pub name: &'static str,
    /// Packets carrying the protocol (once each, however often it nests).
    pub frames: u64,
    pub bytes: u64,
}

/// The tree, and per-protocol packet counts.
#[derive(Clone, Debug, Default)]
pub struct Hierarchy {
    nodes: Vec<Node>,
    roots: Vec<usize>,
    /// (name, layer, frames, bytes), a packet counted once per name.
    totals: Vec<(&'static str, LayerKind, u64, u64)>,
}

/// tshark's name for a header kind; `None` for what tshark shows as part of another protocol
/// (SNAP inside llc, an Ethernet trailer) or does not show at all.
pub fn tshark_name(hdr: Hdr) -> Option<&'static str> {
    use crate::decode::Radio;
    Some(match hdr {
        Hdr::Ethernet => "eth",
        Hdr::Vlan => "vlan",
        Hdr::Llc => "llc",
        Hdr::Snap | Hdr::Trailer | Hdr::UnknownLink(_) => return None,
        Hdr::Sll | Hdr::Sll2 => "sll",
        Hdr::Null { .. } => "null",
        Hdr::Mpls => "mpls",
        Hdr::CiscoMeta { .. } => "cmd",
        Hdr::PppoeSession => "pppoes",
        Hdr::Ppp => "ppp",
        Hdr::Arista => "arista",
        Hdr::Macsec => "macsec",
        Hdr::Nsh => "nsh",
        Hdr::PppDirection => return None,
        Hdr::Chdlc => "chdlc",
        Hdr::Fddi => "fddi",
        Hdr::Nflog => "nflog",
        Hdr::Radio(Radio::Radiotap) => "radiotap",
        Hdr::Radio(Radio::Ppi) => "ppi",
        Hdr::Radio(Radio::Avs) => "wlancap",
        Hdr::Radio(Radio::Prism) => "prism",
        Hdr::Wlan => "wlan",
        Hdr::VnTag => "vntag",
        Hdr::Pbb => "ieee8021ah",
        Hdr::FabricPath => "cfp",
        Hdr::PwControlWord => "pwethcw",
        // tshark: `netlink` for the cooked header (or inside `sll`), then one
        // `netlink-<family>` per message; synack counts the netlink level only.
        Hdr::NetlinkCooked => "netlink",
        Hdr::Netlink | Hdr::MeshControl => return None,
        Hdr::UdpLite { .. } => "udplite",
        Hdr::Ipv4 { .. } => "ip",
        Hdr::Ipv6 { .. } => "ipv6",
        Hdr::Ipv6Ext(0) => "ipv6.hopopts",
        Hdr::Ipv6Ext(43) => "ipv6.routing",
        Hdr::Ipv6Ext(44) => "ipv6.fraghdr",
        Hdr::Ipv6Ext(60) => "ipv6.dstopts",
        Hdr::Ipv6Ext(_) => return None,
        Hdr::Ah => "ah",
        Hdr::Arp => "arp",
        Hdr::Tcp { .. } => "tcp",
        Hdr::Udp => "udp",
        Hdr::Icmp => "icmp",
        Hdr::Icmpv6 => "icmpv6",
        Hdr::QuotedIp | Hdr::QuotedTransport(_) => return None,
        Hdr::Gre => "gre",
        Hdr::Wccp => "wccp",
        Hdr::Esp => "esp",
        Hdr::PimRegister => "pim",
        Hdr::Vxlan => "vxlan",
        Hdr::Geneve => "geneve",
        Hdr::Erspan => "erspan",
        Hdr::Gtp => "gtp",
        Hdr::L2tp => "l2tp",
        Hdr::Teredo => "teredo",
        Hdr::Ayiya => "ayiya",
        Hdr::Http => "http",
        Hdr::Dns { .. } => "dns",
        Hdr::Tls => "tls",
        Hdr::Data => "data",
    })
}

impl Hierarchy {
    /// Counts one packet whose headers, bottom to top, are `hdrs`. The headers of what an
    /// ICMP error quotes are not counted (tshark leaves them out of the hierarchy too).
    pub(crate) fn add(
        &mut self,
        hdrs: impl Iterator<Item = (Hdr, std::ops::Range<usize>)>,
        data: &[u8],
        bytes: u64,
    ) {
        let mut parent: Option<usize> = None;
        let mut seen: [Option<&'static str>; crate::decode::MAX_LAYOUT] =
            [None; crate::decode::MAX_LAYOUT];
        let mut n_seen = 0;
        for (hdr, range) in hdrs {
            if matches!(hdr, Hdr::QuotedIp | Hdr::QuotedTransport(_)) {
                break;
            }
            let Some(mut name) = tshark_name(hdr) else {
                continue;
            };
            // An 802.1ad service tag (TPID 0x88a8, the two bytes before the tag) is its own
            // protocol in tshark's tree; the 802.1Q customer tag inside it is `vlan`.
            if matches!(hdr, Hdr::Vlan)
                && range
                    .start
                    .checked_sub(2)
                    .and_then(|s| data.get(s..range.start))
                    == Some(&[0x88, 0xa8][..])
            {
                name = "ieee8021ad";
            }
            let layer = hdr.layer();
            // tshark's tree has one `mpls` level per label of the stack.
            let levels = if matches!(hdr, Hdr::Mpls) {
                (range.len() / 4).clamp(1, 16)
            } else {
                1
            };
            let mut full = false;
            for _ in 0..levels {
                if let Some(i) = self.child(parent, name) {
                    parent = Some(i);
                } else if self.nodes.len() < MAX_NODES {
                    let depth = parent
                        .and_then(|p| self.nodes.get(p))
                        .map_or(0, |p| p.depth + 1);
                    let i = self.nodes.len();
                    self.nodes.push(Node {
                        name,
                        layer,
                        depth,
                        frames: 0,
                        bytes: 0,
                        children: Vec::new(),
                    });
                    match parent.and_then(|p| self.nodes.get_mut(p)) {
                        Some(p) => p.children.push(i),
                        None => self.roots.push(i),
                    }
                    parent = Some(i);
                } else {
                    full = true;
                    break;
                }
                if let Some(node) = parent.and_then(|p| self.nodes.get_mut(p)) {
                    node.frames += 1;
                    node.bytes = node.bytes.saturating_add(bytes);
                }
            }
            if full {
                break;
            }
            if !seen.iter().take(n_seen).any(|s| *s == Some(name)) {
                if let Some(slot) = seen.get_mut(n_seen) {
                    *slot = Some(name);
                    n_seen += 1;
                }
                match self.totals.iter_mut().find(|t| t.0 == name) {
                    Some(t) => {
                        t.2 += 1;
                        t.3 = t.3.saturating_add(bytes);
                    }
                    None => self.totals.push((name, layer, 1, bytes)),
                }
            }
        }
    }

    fn child(&self, parent: Option<usize>, name: &str) -> Option<usize> {
        let list = match parent {
            Some(p) => &self.nodes.get(p)?.children,
            None => &self.roots,
        };
        list.iter()
            .copied()
            .find(|&i| self.nodes.get(i).is_some_and(|n| n.name == name))
    }

    /// The tree in depth-first order (parents before children, children in the order first
    /// seen, as tshark prints it).
    pub fn walk(&self) -> Vec<&Node> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            if let Some(n) = self.nodes.get(i) {
                out.push(n);
                stack.extend(n.children.iter().rev().copied());
            }
        }
        out
    }

    /// Frames and bytes summed over every node named `name` (a packet with two IP headers
    /// counts twice), which is what tshark's tree adds up to for a protocol.
    pub fn occurrences(&self, name: &str) -> (u64, u64) {
        self.nodes
            .iter()
            .filter(|n| n.name == name)
            .fold((0, 0), |(f, b), n| {
                (f + n.frames, b.saturating_add(n.bytes))
            })
    }

    /// The protocols of one layer, most packets first.
    pub fn layer_totals(&self, layer: LayerKind) -> Vec<ProtoTotal> {
        let mut v: Vec<ProtoTotal> = self
            .totals
            .iter()
            .filter(|t| t.1 == layer)
            .map(|t| ProtoTotal {
                name: t.0,
                frames: t.2,
                bytes: t.3,
            })
            .collect();
        v.sort_by(|a, b| b.frames.cmp(&a.frames).then(a.name.cmp(b.name)));
        v
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}
