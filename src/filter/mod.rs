//! Display filters: Wireshark's filter language (a subset, with tshark's field names and
//! Wireshark 4's meanings), compiled once into a small tree and matched against packets
//! without allocating. One engine for `-Y` on every command and for the viewer.
//!
//! ```
//! use synack::filter::{Filter, PacketCtx};
//! let f = Filter::compile("tcp.port == 80 && !tcp.flags.reset").unwrap();
//! # let data = [0u8; 0];
//! let pkt = PacketCtx::new(1, synack::model::LinkType::ETHERNET, &data, 0);
//! assert!(!f.matches(&pkt));
//! ```
//!
//! Files: `lex` (text → tokens), `parse` (tokens → tree), `fields` (the registry: names,
//! types, docs), `compile` (names and literals typed, regexes built), `eval` (values read
//! from the bytes at the positions `decode::layout` found, or from the TCP connection).
//! Depends on decode, flow and model.

mod compile;
mod eval;
pub mod fields;
mod lex;
mod parse;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::decode::{self, Layout};
use crate::flow::{Flow, PacketAnalysis};
use crate::model::LinkType;

pub use fields::{FIELDS, FieldDef, FieldId, FieldType};

/// A filter that does not compile: what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FilterError {
    /// The filter as typed.
    pub filter: String,
    /// 1-based column (in characters) of the offending place.
    pub column: usize,
    pub message: String,
    /// A suggestion (`did you mean tcp.port?`).
    pub hint: Option<String>,
}

impl FilterError {
    pub(crate) fn at(text: &str, byte: usize, message: String) -> FilterError {
        let byte = byte.min(text.len());
        let column = text
            .get(..byte)
            .map_or(byte, |before| before.chars().count())
            + 1;
        FilterError {
            filter: text.to_owned(),
            column,
            message,
            hint: None,
        }
    }

    /// The filter with a caret under the column (two lines, for a terminal).
    pub fn caret(&self) -> String {
        format!(
            "  {}\n  {}^",
            crate::sanitize::sanitize(&self.filter),
            " ".repeat(self.column.saturating_sub(1))
        )
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at column {}",
            crate::sanitize::sanitize(&self.message),
            self.column
        )?;
        if let Some(h) = &self.hint {
            write!(f, " — {h}")?;
        }
        Ok(())
    }
}

/// One packet as a filter sees it. Build it with [`PacketCtx::new`] and set what is known.
#[derive(Clone, Copy)]
pub struct PacketCtx<'a> {
    /// Frame number, from 1.
    pub number: u64,
    /// Capture time, nanoseconds since the epoch.
    pub ts_ns: i64,
    /// The first packet's time (for `frame.time_relative`).
    pub first_ts_ns: i64,
    /// Length on the wire.
    pub wire_len: u32,
    pub link: LinkType,
    /// Captured bytes.
    pub data: &'a [u8],
    /// The packet's TCP connection as it stood just after this packet (`tcp.stream`,
    /// relative sequence numbers, window scaling, `tcp.analysis.initial_rtt`).
    pub flow: Option<&'a Flow>,
    /// The connection as finally known, for `flow.*` (the same as `flow` when not set: in
    /// live capture and the viewer, the state so far).
    pub conn: Option<&'a Flow>,
    /// The packet's layout if the caller already walked it (saves a second walk).
    pub layout: Option<&'a Layout>,
    /// The tracker's sequence analysis of this segment (`tcp.analysis.*`).
    pub analysis: Option<&'a PacketAnalysis>,
}

impl<'a> PacketCtx<'a> {
    pub fn new(number: u64, link: LinkType, data: &'a [u8], ts_ns: i64) -> PacketCtx<'a> {
        PacketCtx {
            number,
            ts_ns,
            first_ts_ns: ts_ns,
            wire_len: u32::try_from(data.len()).unwrap_or(u32::MAX),
            link,
            data,
            flow: None,
            conn: None,
            layout: None,
            analysis: None,
        }
    }
}

/// A compiled display filter. `Send + Sync`: share one across threads (a background filter
/// pass over the packet store).
#[derive(Debug)]
pub struct Filter {
    text: String,
    root: compile::Node,
    uses: compile::Uses,
}

/// Two filters are equal when they were compiled from the same text.
impl PartialEq for Filter {
    fn eq(&self, other: &Filter) -> bool {
        self.text == other.text
    }
}

impl Filter {
    /// Compiles `text` (Wireshark display-filter syntax).
    pub fn compile(text: &str) -> Result<Filter, FilterError> {
        let toks = lex::lex(text)?;
        let tree = parse::parse(text, &toks)?;
        let mut uses = compile::Uses::default();
        let root = compile::compile(text, &tree, &mut uses)?;
        Ok(Filter {
            text: text.to_owned(),
            root,
            uses,
        })
    }

    /// The filter as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether it reads `flow.*` fields (which want the connection as finally known: `dump`
    /// and `flows` read a file twice for them).
    pub fn uses_flow_fields(&self) -> bool {
        self.uses.flow
    }

    /// Whether it reads `tcp.analysis.*` fields (callers that look the analysis up per packet
    /// can skip the look-up otherwise).
    pub fn uses_analysis(&self) -> bool {
        self.uses.analysis
    }

    /// Whether the packet matches. Walks the packet's headers (unless `p.layout` is given
    /// or the filter reads none); allocates nothing.
    pub fn matches(&self, p: &PacketCtx<'_>) -> bool {
        let walked;
        let layout = match p.layout {
            Some(l) => Some(l),
            None if self.uses.packet => {
                walked = decode::layout(p.link, p.data, p.wire_len);
                Some(&walked)
            }
            None => None,
        };
        eval::eval(&self.root, &eval::Cx { p, layout })
    }
}
