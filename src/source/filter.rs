//! `FrameFilter`: a BPF expression compiled by libpcap (on a dead capture handle) and run over
//! frames read from files, as `synack dump FILE -f EXPR` needs. pcapng files can mix link types,
//! so a program is compiled per link type, lazily, the first time a frame of that type is seen.
//! Depends on `crate::model`, `super::error` and pcap.

use std::cell::RefCell;
use std::collections::HashMap;

use pcap::{BpfProgram, Capture, Linktype};

use super::error::SourceError;
use super::interfaces::pcap_message;
use crate::model::{Frame, LinkType};

/// A compiled capture filter for offline frames.
pub struct FrameFilter {
    expr: String,
    snaplen: i32,
    /// Per link type: the program, or `None` when libpcap cannot compile the expression for it
    /// (frames of that link type then never match).
    programs: RefCell<HashMap<LinkType, Option<BpfProgram>>>,
}

impl std::fmt::Debug for FrameFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameFilter")
            .field("expr", &self.expr)
            .field("snaplen", &self.snaplen)
            .finish_non_exhaustive()
    }
}

/// libpcap's `DLT_*` value for a `LINKTYPE_*` number (they differ only for a few types; on
/// Linux `DLT_RAW` is 12 while files store `LINKTYPE_RAW` 101).
fn dlt_for(link: LinkType) -> i32 {
    match link {
        LinkType::RAW | LinkType::RAW_BSD12 | LinkType::RAW_BSD14 => 12,
        LinkType(n) => i32::try_from(n).unwrap_or(i32::MAX),
    }
}

fn compile_for(link: LinkType, expr: &str, snaplen: i32) -> Result<BpfProgram, SourceError> {
    let bad = |message: String| SourceError::BadFilter {
        filter: expr.into(),
        message,
    };
    let dead = Capture::dead(Linktype(dlt_for(link))).map_err(|e| {
        bad(format!(
            "libpcap could not prepare {link}: {}",
            pcap_message(&e)
        ))
    })?;
    // `Capture::dead` fixes the snaplen at 65535; the program's accept length does not matter
    // here because only match / no match is used.
    let _ = snaplen;
    dead.compile(expr, true).map_err(|e| bad(pcap_message(&e)))
}

impl FrameFilter {
    /// Compiles `expr` for frames of `link` (the file's first link type). A bad expression is
    /// `SourceError::BadFilter` with libpcap's message and the filter text.
    pub fn compile(link: LinkType, expr: &str, snaplen: i32) -> Result<FrameFilter, SourceError> {
        let program = compile_for(link, expr, snaplen)?;
        let mut programs = HashMap::new();
        programs.insert(link, Some(program));
        Ok(FrameFilter {
            expr: expr.into(),
            snaplen,
            programs: RefCell::new(programs),
        })
    }

    /// The expression as given.
    pub fn expr(&self) -> &str {
        &self.expr
    }

    /// Whether the frame passes the filter. Frames of a link type the expression cannot be
    /// compiled for (e.g. `ether host …` on raw IP) do not match. Length primitives (`len`,
    /// `greater`, `less`) see the captured length.
    pub fn matches(&self, frame: &Frame) -> bool {
        let mut programs = self.programs.borrow_mut();
        let program = programs
            .entry(frame.link)
            .or_insert_with(|| compile_for(frame.link, &self.expr, self.snaplen).ok());
        program.as_ref().is_some_and(|p| p.filter(&frame.data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eth_ipv4_udp(dport: u16) -> Frame {
        let mut d = vec![0u8; 12];
        d.extend_from_slice(&[0x08, 0x00]);
        d.extend_from_slice(&ipv4_udp(dport));
        Frame::new(0, d.len() as u32, LinkType::ETHERNET, d)
    }

    fn ipv4_udp(dport: u16) -> Vec<u8> {
        let mut d = vec![
            0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        d.extend_from_slice(&1234u16.to_be_bytes());
        d.extend_from_slice(&dport.to_be_bytes());
        d.extend_from_slice(&[0, 8, 0, 0]);
        d
    }

    #[test]
    fn matches_by_port_on_ethernet() {
        let f = FrameFilter::compile(LinkType::ETHERNET, "udp dst port 53", 65535).unwrap();
        assert!(f.matches(&eth_ipv4_udp(53)));
        assert!(!f.matches(&eth_ipv4_udp(54)));
        assert_eq!(f.expr(), "udp dst port 53");
    }

    #[test]
    fn compiles_lazily_for_other_link_types() {
        let f = FrameFilter::compile(LinkType::ETHERNET, "host 10.0.0.2", 65535).unwrap();
        let raw = Frame::new(0, 28, LinkType::RAW, ipv4_udp(1));
        assert!(
            f.matches(&raw),
            "raw IP frames are filtered with a raw-IP program"
        );
        let mut other = raw.clone();
        other.data[19] = 3;
        assert!(!f.matches(&other));
        // An expression meaningless for a link type never matches there.
        let e = FrameFilter::compile(LinkType::ETHERNET, "ether host 00:00:00:00:00:00", 65535)
            .unwrap();
        assert!(e.matches(&eth_ipv4_udp(1)));
        assert!(!e.matches(&raw));
    }

    #[test]
    fn bad_filter_names_the_expression() {
        let err = FrameFilter::compile(LinkType::ETHERNET, "tcp port banana", 65535).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, SourceError::BadFilter { .. }));
        assert!(msg.contains("tcp port banana"), "{msg}");
        assert!(msg.contains("banana"), "{msg}");
    }
}
