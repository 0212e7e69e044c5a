//! `synack demo NAME --handout out.md`: a scenario as a printable Markdown worksheet — what it
//! shows, the ladder of its connections as text (client and server columns, one arrow per
//! handshake event with both sides' TCP states), a table of those packets' fields (raw
//! sequence and acknowledgment numbers, window, length, options), and the quiz questions
//! (made by `quiz` from the same packets) with their answers at the end. Pure text from the
//! embedded capture; depends on `demo`, `quiz`, `decode` and `flow`.

use std::fmt::Write as _;

use crate::decode;
use crate::flow::{Direction, Flow, FlowTracker, LadderEvent, options_text};
use crate::model::{Frame, TcpSegment};
use crate::source::SourceError;

use super::demo::Scenario;
use super::quiz;

/// Connections drawn as ladders; a busy scenario lists the rest by count.
pub const MAX_LADDERS: usize = 3;
/// Width of the arrow between the two columns.
const ARROW_W: usize = 44;

/// The worksheet of `scenario`, as Markdown.
pub fn handout(scenario: &Scenario) -> Result<String, SourceError> {
    let frames = scenario.frames()?;
    Ok(worksheet(scenario, &frames))
}

/// The worksheet for `frames` of `scenario` (see [`handout`]).
pub fn worksheet(scenario: &Scenario, frames: &[Frame]) -> String {
    let segs: Vec<(u64, TcpSegment)> = frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let s = decode::summarize(f.link, &f.data, f.len).tcp?;
            Some((i as u64 + 1, s))
        })
        .collect();
    let mut tracker = FlowTracker::new(10_000);
    for (no, seg) in &segs {
        let ts = usize::try_from(no - 1)
            .ok()
            .and_then(|i| frames.get(i))
            .map_or(0, |f| f.ts_ns);
        let len = usize::try_from(no - 1)
            .ok()
            .and_then(|i| frames.get(i))
            .map_or(0, |f| f.len);
        tracker.observe(*no, ts, seg, len);
    }
    tracker.finish();
    let first_ts = frames.first().map_or(0, |f| f.ts_ns);
    let flows: Vec<&Flow> = tracker.flows().collect();
    let questions = quiz::questions(segs.iter().map(|(no, s)| (*no, s)));

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Worksheet: `{}` — {}\n",
        scenario.name, scenario.title
    );
    let _ = writeln!(
        out,
        "Replay it with `synack demo {}` (add `--quiz` to be asked before each handshake \
         packet).\n",
        scenario.name
    );
    let _ = writeln!(out, "{}\n", scenario.description);

    let _ = writeln!(out, "## The ladder\n");
    let _ = writeln!(
        out,
        "One arrow per handshake event (SYN, SYN-ACK, ACK, FIN, RST). Sequence and \
         acknowledgment numbers are relative to each side's initial sequence number; the \
         states are the client's and the server's after the segment.\n"
    );
    for flow in flows.iter().take(MAX_LADDERS) {
        ladder(&mut out, flow, first_ts);
    }
    if flows.len() > MAX_LADDERS {
        let _ = writeln!(
            out,
            "…and {} more connections (see the flows screen: `2`).\n",
            flows.len() - MAX_LADDERS
        );
    }

    let _ = writeln!(out, "## The handshake packets\n");
    let _ = writeln!(
        out,
        "| No. | Time (s) | From | To | Flags | Seq | Ack | Window | Length | Options |"
    );
    let _ = writeln!(out, "|---:|---:|---|---|---|---:|---:|---:|---:|---|");
    for flow in flows.iter().take(MAX_LADDERS) {
        for e in &flow.ladder {
            let (from, to) = match e.direction {
                Direction::ClientToServer => (flow.client, flow.server),
                Direction::ServerToClient => (flow.server, flow.client),
            };
            let ack = if e.flags & crate::model::tcp_flags::ACK != 0 {
                e.ack.to_string()
            } else {
                "—".into()
            };
            let _ = writeln!(
                out,
                "| {} | {:.3} | {from} | {to} | {} | {} | {ack} | {} | {} | {} |",
                e.packet_no,
                (e.ts_ns - first_ts) as f64 / 1e9,
                quiz::flag_words(e.flags),
                e.seq,
                e.window,
                e.payload_len,
                options_text(&e.options),
            );
        }
    }
    out.push('\n');

    let _ = writeln!(out, "## Questions\n");
    if questions.is_empty() {
        let _ = writeln!(out, "(This capture has no handshake to ask about.)\n");
    }
    for (i, q) in questions.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. *(before packet {})* {}\n\n   Your answer: ______________________________\n",
            i + 1,
            q.packet_no,
            q.text
        );
    }
    let _ = writeln!(out, "## Answers\n");
    for (i, q) in questions.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} (packet {}, TCP {}.)",
            i + 1,
            q.answer,
            q.packet_no,
            q.field()
        );
    }
    out
}

/// One connection's ladder as a fenced text block.
fn ladder(out: &mut String, flow: &Flow, first_ts: i64) {
    let _ = writeln!(
        out,
        "### {} → {} ({})\n",
        flow.client,
        flow.server,
        flow.outcome().name()
    );
    let _ = writeln!(out, "```text");
    let client = format!("client {}", flow.client);
    let server = format!("server {}", flow.server);
    let _ = writeln!(
        out,
        "{:>4} {:>9}  {:<w$}{}",
        "No.",
        "time",
        client,
        server,
        w = ARROW_W + 2
    );
    for e in &flow.ladder {
        let _ = writeln!(out, "{}", arrow_line(e, first_ts));
    }
    let _ = writeln!(out, "```\n");
}

fn arrow_line(e: &LadderEvent, first_ts: i64) -> String {
    let mut label = format!(" {} seq {}", e.kind.label(), e.rel_seq);
    if let Some(a) = e.rel_ack {
        let _ = write!(label, " ack {a}");
    }
    if e.payload_len > 0 {
        let _ = write!(label, " len {}", e.payload_len);
    }
    label.push(' ');
    let label_w = label.chars().count();
    let fill = ARROW_W.saturating_sub(label_w + 3);
    let arrow = match e.direction {
        Direction::ClientToServer => format!("|──{label}{}▶|", "─".repeat(fill)),
        Direction::ServerToClient => format!("|◀{}{label}──|", "─".repeat(fill)),
    };
    format!(
        "{:>4} {:>7.3} s {arrow}  {} / {}",
        e.packet_no,
        (e.ts_ns - first_ts) as f64 / 1e9,
        e.client_state.name(),
        e.server_state.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teach::demo;

    #[test]
    fn the_http_worksheet_has_ladder_table_and_answers_from_the_packets() {
        let sc = demo::find("http").expect("known");
        let text = handout(sc).expect("embedded capture reads");
        for part in [
            "# Worksheet: `http`",
            "## The ladder",
            "## The handshake packets",
            "## Questions",
            "## Answers",
            "SYN-ACK",
            "ESTABLISHED",
            "MSS 1460",
        ] {
            assert!(text.contains(part), "{part} missing:\n{text}");
        }
        // The answers come after every question.
        let answers = text.find("## Answers").expect("answers");
        assert!(text.find("1. *(before packet").expect("a question") < answers);
        // The SYN-ACK's ack in the table is the SYN's seq + 1, and the first answer says so.
        let frames = sc.frames().expect("frames");
        let syn = decode::summarize(frames[0].link, &frames[0].data, frames[0].len)
            .tcp
            .expect("tcp");
        let want = syn.seq.wrapping_add(1).to_string();
        let answer_part = &text[answers..];
        assert!(
            answer_part.contains(&format!("ack = {want}")),
            "{answer_part}"
        );
    }

    #[test]
    fn a_busy_worksheet_draws_three_ladders_and_counts_the_rest() {
        let sc = demo::find("busy").expect("known");
        let text = handout(sc).expect("embedded capture reads");
        assert_eq!(text.matches("```text").count(), MAX_LADDERS);
        assert!(text.contains("…and 36 more connections"), "{text}");
    }
}
