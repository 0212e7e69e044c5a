//! The seam between the app and the packet decoder: the app asks a [`Decoder`] for the fast
//! summary of every packet and the full decode of the selected one. The program uses
//! [`RealDecoder`] (`crate::decode`); tests can substitute hand-made decodes. Depends on
//! `decode` and `model`.

use crate::decode::{self, Decoded, Layout, Summary};
use crate::model::LinkType;

/// Summarizes and decodes packets for the app.
pub trait Decoder {
    /// The fast per-packet summary (packet list, counters).
    fn summarize(&self, link: LinkType, data: &[u8], orig_len: u32) -> Summary;
    /// The full layered decode (selected packet).
    fn decode(&self, link: LinkType, data: &[u8], orig_len: u32) -> Decoded;
    /// The header layout (statistics) and the summary of a packet released as it arrives.
    fn layout(&self, link: LinkType, data: &[u8], orig_len: u32) -> (Layout, Summary) {
        (
            decode::layout(link, data, orig_len),
            self.summarize(link, data, orig_len),
        )
    }
}

/// `crate::decode`'s real decoder.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealDecoder;

impl Decoder for RealDecoder {
    fn summarize(&self, link: LinkType, data: &[u8], orig_len: u32) -> Summary {
        decode::summarize(link, data, orig_len)
    }
    fn decode(&self, link: LinkType, data: &[u8], orig_len: u32) -> Decoded {
        decode::decode(link, data, orig_len)
    }
    /// One walk gives both: the layout carries the same summary.
    fn layout(&self, link: LinkType, data: &[u8], orig_len: u32) -> (Layout, Summary) {
        let layout = decode::layout(link, data, orig_len);
        let summary = layout.summary;
        (layout, summary)
    }
}
