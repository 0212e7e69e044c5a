//! The figure as a mermaid `sequenceDiagram` for markdown slides: one message per arrow
//! (dashed for a retransmission, a cross for a reset), the states as notes.

use std::fmt::Write as _;

use crate::flow::Direction;

use super::{Accent, Figure};

/// Text mermaid shows verbatim: its own syntax characters replaced.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ';' | '#' | '\n' | '\r' => ' ',
            '<' => '‹',
            '>' => '›',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// The figure as a mermaid sequence diagram.
pub fn mermaid(fig: &Figure) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "sequenceDiagram");
    let _ = writeln!(o, "    participant C as {} (client)", clean(&fig.client));
    let _ = writeln!(o, "    participant S as {} (server)", clean(&fig.server));
    let _ = writeln!(
        o,
        "    Note over C: {}\n    Note over S: {}",
        fig.start_states.0.name(),
        fig.start_states.1.name()
    );
    for row in &fig.rows {
        if row.is_note() {
            let _ = writeln!(o, "    Note over C,S: {}", clean(&row.label));
            continue;
        }
        let (from, to) = match row.dir {
            Direction::ClientToServer => ("C", "S"),
            Direction::ServerToClient => ("S", "C"),
        };
        let arrow = match row.accent {
            Accent::Plain => "->>",
            Accent::Retransmission => "-->>",
            Accent::Reset => "-x",
        };
        let mut label = format!("{} {}", row.label, row.numbers);
        if !row.options.is_empty() {
            label.push_str(&format!(" ({})", row.options));
        }
        let _ = writeln!(
            o,
            "    {from}{arrow}{to}: {} ms {}",
            fig.time_text(row),
            clean(label.trim_end())
        );
        if let Some((c, s)) = row.states {
            let _ = writeln!(
                o,
                "    Note over C: {}\n    Note over S: {}",
                c.name(),
                s.name()
            );
        }
    }
    let _ = writeln!(o, "    Note over C,S: {}", clean(&fig.caption()));
    if fig.options.time_scaled {
        let _ = writeln!(o, "    Note over C,S: {}", clean(&fig.time_note()));
    }
    o
}
