//! Building blocks for the full decode's [`Header`]s and [`Field`]s: a header builder that
//! skips fields whose bytes were not captured, clamps every range to the data, and a few
//! shared value formats (MAC addresses, hex, flag lists). Depends on the decode types and
//! `bytes`; packet text goes through `crate::sanitize`.

use std::fmt::Write as _;
use std::ops::Range;

use super::{Field, Header, LayerKind};

/// A field with no children.
pub(crate) fn fld(
    name: &str,
    range: Range<usize>,
    value: impl Into<String>,
    meaning: impl Into<String>,
) -> Field {
    Field {
        name: name.to_string(),
        value: value.into(),
        meaning: meaning.into(),
        range,
        children: Vec::new(),
        typed: None,
    }
}

/// Builds one header over `data`.
pub(crate) struct Hb<'a> {
    data: &'a [u8],
    header: Header,
}

impl<'a> Hb<'a> {
    pub(crate) fn new(
        layer: LayerKind,
        protocol: impl Into<String>,
        data: &'a [u8],
        range: Range<usize>,
    ) -> Self {
        let end = range.end.min(data.len());
        let start = range.start.min(end);
        Hb {
            data,
            header: Header {
                layer,
                protocol: protocol.into(),
                range: start..end,
                fields: Vec::new(),
            },
        }
    }

    /// The packet's captured bytes.
    pub(crate) fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Whether `len` bytes at `off` were captured.
    pub(crate) fn has(&self, off: usize, len: usize) -> bool {
        off.checked_add(len).is_some_and(|e| e <= self.data.len())
    }

    /// Adds a field like [`Hb::add`] that also carries its value as data.
    pub(crate) fn add_typed(
        &mut self,
        name: &str,
        off: usize,
        len: usize,
        value: impl Into<String>,
        meaning: impl Into<String>,
        typed: super::FieldValue,
    ) -> bool {
        let added = self.add(name, off, len, value, meaning);
        if let (true, Some(f)) = (added, self.header.fields.last_mut()) {
            f.typed = Some(typed);
        }
        added
    }

    /// Adds a field over `off..off+len` when those bytes were captured; returns whether it did.
    pub(crate) fn add(
        &mut self,
        name: &str,
        off: usize,
        len: usize,
        value: impl Into<String>,
        meaning: impl Into<String>,
    ) -> bool {
        if !self.has(off, len) {
            return false;
        }
        self.header
            .fields
            .push(fld(name, off..off + len, value, meaning));
        true
    }

    /// Adds a ready field (its ranges are clamped when the decode finishes).
    pub(crate) fn push(&mut self, field: Field) {
        self.header.fields.push(field);
    }

    /// Renames the protocol (e.g. once a subtype is known).
    pub(crate) fn set_protocol(&mut self, protocol: impl Into<String>) {
        self.header.protocol = protocol.into();
    }

    pub(crate) fn finish(self) -> Header {
        self.header
    }
}

/// `aa:bb:cc:dd:ee:ff`.
pub(crate) fn mac(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 3);
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// What a MAC address is (broadcast, multicast, locally administered), or empty.
pub(crate) fn mac_meaning(b: &[u8]) -> &'static str {
    match b.first() {
        _ if b.iter().all(|x| *x == 0xff) => "broadcast",
        Some(x) if x & 1 == 1 => "multicast",
        Some(x) if x & 2 == 2 => "locally administered",
        _ => "",
    }
}

/// Up to `max` bytes as hex (`0a1b2c…`).
pub(crate) fn hex(b: &[u8], max: usize) -> String {
    let mut s = String::with_capacity(b.len().min(max) * 2 + 3);
    for x in b.iter().take(max) {
        let _ = write!(s, "{x:02x}");
    }
    if b.len() > max {
        s.push('…');
    }
    s
}

/// Names of the set bits: `bits` pairs each mask with its name.
pub(crate) fn flag_names(value: u32, bits: &[(u32, &str)]) -> String {
    let mut out = String::new();
    for (mask, name) in bits {
        if value & mask != 0 {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(name);
        }
    }
    if out.is_empty() {
        out.push_str("none");
    }
    out
}

/// `1 byte` / `N bytes`.
pub(crate) fn bytes_text(n: usize) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// Clamps every range in the headers to `len` (a safety net; debug builds assert instead, so
/// tests catch the describer that produced it).
pub(crate) fn clamp_ranges(headers: &mut [Header], len: usize) {
    fn clamp(r: &mut Range<usize>, len: usize) {
        debug_assert!(
            r.start <= r.end && r.end <= len,
            "range {r:?} outside {len}"
        );
        r.end = r.end.min(len);
        r.start = r.start.min(r.end);
    }
    fn walk(fields: &mut [Field], len: usize) {
        for f in fields {
            clamp(&mut f.range, len);
            walk(&mut f.children, len);
        }
    }
    for h in headers {
        clamp(&mut h.range, len);
        walk(&mut h.fields, len);
    }
}
