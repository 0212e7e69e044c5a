//! Flattens one packet's full decode into the rows of the layer pane: per layer (Link,
//! Internet, Transport, Application) a title row, then — unless collapsed — a sub-heading per
//! header when a layer holds several (Ethernet + 802.1Q), the fields with their children
//! indented, and the decode issues found on that layer. Each row carries the byte range it
//! describes so the hex pane can highlight it. Depends on `decode` only.

use std::ops::Range;

use crate::decode::{Decoded, Field, IssueKind, LayerKind};

/// What one row of the layer pane shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// The layer's title bar: its protocol names (`Ethernet II · 802.1Q`), whether it is
    /// collapsed, whether it has nothing at all, how many issues that break the packet
    /// (truncated, malformed) it has.
    Title {
        protocols: String,
        collapsed: bool,
        empty: bool,
        issues: usize,
        fields: usize,
    },
    /// A header's own heading, when its layer holds more than one header.
    Header { protocol: String },
    /// A field: `name  value  meaning`, indented by `depth`.
    Field {
        name: String,
        value: String,
        meaning: String,
        depth: u8,
    },
    /// One line of a decode issue on this layer (long messages wrap over several rows;
    /// `first` marks the line that carries the ⚠ or ℹ mark).
    Issue {
        message: String,
        offset: usize,
        first: bool,
        kind: IssueKind,
    },
}

/// One row of the layer pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerRow {
    pub layer: LayerKind,
    pub kind: RowKind,
    /// Bytes this row describes (None for rows without bytes, like an empty layer).
    pub range: Option<Range<usize>>,
}

impl LayerRow {
    /// A key that identifies "the same row" in another packet, to keep the selection on e.g.
    /// the TCP flags while stepping through packets.
    pub fn key(&self) -> (LayerKind, &str) {
        let label = match &self.kind {
            RowKind::Title { .. } => "",
            RowKind::Header { protocol } => protocol.as_str(),
            RowKind::Field { name, .. } => name.as_str(),
            RowKind::Issue { message, .. } => message.as_str(),
        };
        (self.layer, label)
    }

    pub fn is_title(&self) -> bool {
        matches!(self.kind, RowKind::Title { .. })
    }
}

fn count_fields(fields: &[Field]) -> usize {
    fields
        .iter()
        .map(|f| 1usize.saturating_add(count_fields(&f.children)))
        .fold(0usize, usize::saturating_add)
}

fn push_fields(out: &mut Vec<LayerRow>, layer: LayerKind, fields: &[Field], depth: u8) {
    for f in fields {
        out.push(LayerRow {
            layer,
            kind: RowKind::Field {
                name: f.name.clone(),
                value: f.value.clone(),
                meaning: f.meaning.clone(),
                depth,
            },
            range: Some(f.range.clone()),
        });
        push_fields(out, layer, &f.children, depth.saturating_add(1));
    }
}

fn union(a: Option<Range<usize>>, b: &Range<usize>) -> Range<usize> {
    match a {
        None => b.clone(),
        Some(a) => a.start.min(b.start)..a.end.max(b.end),
    }
}

/// Splits `text` into lines at most `width` terminal cells wide (at least 8), at spaces
/// where possible ([`crate::sanitize::wrap`]).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    crate::sanitize::wrap(text, width.max(8), 0)
}

/// The rows of the layer pane for `decoded`, with the layers whose flag in `collapsed`
/// (indexed like [`LayerKind::ALL`]) is set shown as their title only. Issue messages are
/// wrapped to `issue_width` characters.
pub fn layer_rows(decoded: &Decoded, collapsed: &[bool; 4], issue_width: usize) -> Vec<LayerRow> {
    let mut out = Vec::new();
    for (li, layer) in LayerKind::ALL.into_iter().enumerate() {
        let headers: Vec<_> = decoded
            .headers
            .iter()
            .filter(|h| h.layer == layer)
            .collect();
        let issues: Vec<_> = decoded.issues.iter().filter(|i| i.layer == layer).collect();
        let empty = headers.is_empty() && issues.is_empty();
        let is_collapsed = collapsed.get(li).copied().unwrap_or(false);
        let protocols = headers
            .iter()
            .map(|h| h.protocol.as_str())
            .collect::<Vec<_>>()
            .join(" · ");
        let range = headers
            .iter()
            .fold(None, |acc, h| Some(union(acc, &h.range)));
        let fields = headers.iter().map(|h| count_fields(&h.fields)).sum();
        out.push(LayerRow {
            layer,
            kind: RowKind::Title {
                protocols,
                collapsed: is_collapsed,
                empty,
                issues: issues.iter().filter(|i| i.kind.breaks()).count(),
                fields,
            },
            range,
        });
        if empty || is_collapsed {
            continue;
        }
        let several = headers.len() > 1;
        for h in &headers {
            let depth = if several {
                out.push(LayerRow {
                    layer,
                    kind: RowKind::Header {
                        protocol: h.protocol.clone(),
                    },
                    range: Some(h.range.clone()),
                });
                1
            } else {
                0
            };
            push_fields(&mut out, layer, &h.fields, depth);
        }
        for i in issues {
            let text = format!("{}: {} (at byte {})", i.kind.name(), i.message, i.offset);
            for (n, line) in wrap(&text, issue_width).into_iter().enumerate() {
                out.push(LayerRow {
                    layer,
                    kind: RowKind::Issue {
                        message: line,
                        offset: i.offset,
                        first: n == 0,
                        kind: i.kind,
                    },
                    range: Some(i.offset..i.offset.saturating_add(1)),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Header, Issue};

    fn field(name: &str, range: Range<usize>, children: Vec<Field>) -> Field {
        Field {
            name: name.into(),
            value: "v".into(),
            meaning: String::new(),
            range,
            children,
            typed: None,
        }
    }

    fn sample() -> Decoded {
        Decoded {
            headers: vec![
                Header {
                    layer: LayerKind::Link,
                    protocol: "Ethernet II".into(),
                    range: 0..14,
                    fields: vec![field("Destination", 0..6, vec![])],
                },
                Header {
                    layer: LayerKind::Link,
                    protocol: "802.1Q".into(),
                    range: 14..18,
                    fields: vec![field("VLAN", 14..16, vec![])],
                },
                Header {
                    layer: LayerKind::Transport,
                    protocol: "TCP".into(),
                    range: 18..38,
                    fields: vec![field("Options", 30..38, vec![field("MSS", 30..34, vec![])])],
                },
            ],
            issues: vec![Issue {
                layer: LayerKind::Transport,
                kind: IssueKind::Truncated,
                offset: 38,
                message: "truncated".into(),
            }],
            ..Decoded::default()
        }
    }

    #[test]
    fn rows_follow_layers_headers_fields_and_issues() {
        let rows = layer_rows(&sample(), &[false; 4], 40);
        let keys: Vec<_> = rows.iter().map(|r| r.key()).collect();
        assert_eq!(
            keys,
            vec![
                (LayerKind::Link, ""),
                (LayerKind::Link, "Ethernet II"),
                (LayerKind::Link, "Destination"),
                (LayerKind::Link, "802.1Q"),
                (LayerKind::Link, "VLAN"),
                (LayerKind::Internet, ""),
                (LayerKind::Transport, ""),
                (LayerKind::Transport, "Options"),
                (LayerKind::Transport, "MSS"),
                (LayerKind::Transport, "truncated: truncated (at byte 38)"),
                (LayerKind::Application, ""),
            ]
        );
        // Link title spans both headers and names both.
        assert_eq!(rows[0].range, Some(0..18));
        match &rows[0].kind {
            RowKind::Title { protocols, .. } => assert_eq!(protocols, "Ethernet II · 802.1Q"),
            k => panic!("{k:?}"),
        }
        // Internet is empty.
        assert!(matches!(rows[5].kind, RowKind::Title { empty: true, .. }));
        // MSS is a child: one deeper than Options.
        assert!(matches!(rows[8].kind, RowKind::Field { depth: 1, .. }));
        assert!(matches!(
            rows[6].kind,
            RowKind::Title {
                issues: 1,
                fields: 2,
                ..
            }
        ));
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 8), vec!["a bb ccc", "dddd"]);
        assert_eq!(
            wrap("0123456789abcdefghij x", 8),
            vec!["01234567", "89abcdef", "ghij x"]
        );
        assert_eq!(wrap("", 10), vec![""]);
        let long = "TCP header cut short: 20 bytes needed, 6 captured (at byte 40)";
        let lines = wrap(long, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), long);
        // Wide characters count two cells each; nothing is lost.
        let wide = "日本語のテキストがとても長い 次";
        let lines = wrap(wide, 8);
        assert!(
            lines.iter().all(|l| crate::sanitize::width(l) <= 8),
            "{lines:?}"
        );
        assert_eq!(lines.concat().replace(' ', ""), wide.replace(' ', ""));
    }

    #[test]
    fn long_issues_wrap_over_several_rows() {
        let mut d = sample();
        d.issues[0].message = "a long message about what broke here".into();
        let rows = layer_rows(&d, &[false; 4], 12);
        let issue_rows: Vec<_> = rows
            .iter()
            .filter_map(|r| match &r.kind {
                RowKind::Issue { message, first, .. } => Some((message.as_str(), *first)),
                _ => None,
            })
            .collect();
        assert!(issue_rows.len() >= 3, "{issue_rows:?}");
        assert!(issue_rows[0].1 && issue_rows.iter().skip(1).all(|r| !r.1));
    }

    #[test]
    fn collapsed_layers_show_title_only() {
        let rows = layer_rows(&sample(), &[true, false, true, false], 40);
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(LayerRow::is_title));
        assert!(matches!(
            rows[2].kind,
            RowKind::Title {
                collapsed: true,
                ..
            }
        ));
    }
}
