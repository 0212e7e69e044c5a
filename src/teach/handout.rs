//! `synack demo NAME --handout out.md` (or `out.html`): a scenario as a printable worksheet —
//! what it shows, the ladder of its connections as text (client and server columns, one arrow
//! per handshake event with both sides' TCP states), a table of those packets' fields (raw
//! sequence and acknowledgment numbers, window, length, options), and the quiz questions
//! (made by `quiz` from the same packets) with their answers at the end. One [`Sheet`] is
//! written as Markdown or as a self-contained XHTML page (inline style, no scripts, no
//! external resources, every text escaped); the format follows the file's extension. Pure
//! text from the embedded capture; depends on `demo`, `quiz`, `decode` and `flow`.

use std::fmt::Write as _;
use std::path::Path;

use crate::decode;
use crate::flow::{Direction, Flow, FlowTracker, LadderEvent, options_text};
use crate::model::{Frame, TcpSegment};
use crate::source::SourceError;

use super::demo::Scenario;
use super::quiz::{self, Question};

/// Connections drawn as ladders (a port scan's four all fit); a busy scenario lists the rest
/// by count.
pub const MAX_LADDERS: usize = 4;
/// Width of the arrow between the two columns.
const ARROW_W: usize = 44;
/// The field table's columns.
const COLUMNS: [&str; 10] = [
    "No.", "Time (s)", "From", "To", "Flags", "Seq", "Ack", "Window", "Length", "Options",
];

/// How a worksheet is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    /// A self-contained XHTML page (parses as XML).
    Html,
}

impl Format {
    /// The format a file name asks for: `.html` or `.htm` (any case) is HTML, anything else
    /// Markdown.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm") => {
                Format::Html
            }
            _ => Format::Markdown,
        }
    }
}

/// The worksheet of `scenario`, as Markdown.
pub fn handout(scenario: &Scenario) -> Result<String, SourceError> {
    handout_as(scenario, Format::Markdown)
}

/// The worksheet of `scenario` in `format`.
pub fn handout_as(scenario: &Scenario, format: Format) -> Result<String, SourceError> {
    let frames = scenario.frames()?;
    let sheet = Sheet::new(scenario, &frames);
    Ok(match format {
        Format::Markdown => sheet.markdown(),
        Format::Html => sheet.html(),
    })
}

/// The worksheet for `frames` of `scenario`, as Markdown (see [`handout`]).
pub fn worksheet(scenario: &Scenario, frames: &[Frame]) -> String {
    Sheet::new(scenario, frames).markdown()
}

/// One connection's ladder: its heading and its lines of text (column heads, then one arrow
/// per event).
struct Ladder {
    heading: String,
    lines: Vec<String>,
}

/// What a worksheet says, before it is written in a format.
pub struct Sheet<'a> {
    scenario: &'a Scenario,
    ladders: Vec<Ladder>,
    /// Connections not drawn.
    more: usize,
    /// The handshake packets' fields, one row per ladder event, cells as [`COLUMNS`].
    rows: Vec<[String; 10]>,
    questions: Vec<Question>,
}

impl<'a> Sheet<'a> {
    /// Tracks `frames` and makes the quiz: everything the worksheet shows.
    pub fn new(scenario: &'a Scenario, frames: &[Frame]) -> Sheet<'a> {
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
            let frame = usize::try_from(no - 1).ok().and_then(|i| frames.get(i));
            let ts = frame.map_or(0, |f| f.ts_ns);
            let len = frame.map_or(0, |f| f.len);
            tracker.observe(*no, ts, seg, len);
        }
        tracker.finish();
        let first_ts = frames.first().map_or(0, |f| f.ts_ns);
        let flows: Vec<&Flow> = tracker.flows().collect();
        let questions = quiz::questions(segs.iter().map(|(no, s)| (*no, s)));
        let drawn = &flows[..flows.len().min(MAX_LADDERS)];
        let ladders = drawn.iter().map(|f| ladder(f, first_ts)).collect();
        let mut rows = Vec::new();
        for flow in drawn {
            for e in &flow.ladder {
                let (from, to) = match e.direction {
                    Direction::ClientToServer => (flow.client(), flow.server()),
                    Direction::ServerToClient => (flow.server(), flow.client()),
                };
                let ack = if e.flags & crate::model::tcp_flags::ACK != 0 {
                    e.ack.to_string()
                } else {
                    "—".into()
                };
                rows.push([
                    e.packet_no.to_string(),
                    format!("{:.3}", (e.ts_ns - first_ts) as f64 / 1e9),
                    from.to_string(),
                    to.to_string(),
                    quiz::flag_words(e.flags),
                    e.seq.to_string(),
                    ack,
                    e.window.to_string(),
                    e.payload_len.to_string(),
                    options_text(&e.options),
                ]);
            }
        }
        Sheet {
            scenario,
            ladders,
            more: flows.len().saturating_sub(MAX_LADDERS),
            rows,
            questions,
        }
    }

    /// "36 more connections", "1 more connection".
    fn more_text(&self) -> String {
        let s = if self.more == 1 { "" } else { "s" };
        format!("{} more connection{s}", self.more)
    }

    /// The worksheet as Markdown.
    pub fn markdown(&self) -> String {
        let sc = self.scenario;
        let mut out = String::new();
        let _ = writeln!(out, "# Worksheet: `{}` — {}\n", sc.name, sc.title);
        let _ = writeln!(
            out,
            "Replay it with `synack demo {}` (add `--quiz` to be asked before each packet a \
             question is about).\n",
            sc.name
        );
        let _ = writeln!(out, "{}\n", sc.description);
        let _ = writeln!(out, "## The ladder\n");
        let _ = writeln!(out, "{}\n", LADDER_NOTE);
        for l in &self.ladders {
            let _ = writeln!(out, "### {}\n", l.heading);
            let _ = writeln!(out, "```text");
            for line in &l.lines {
                let _ = writeln!(out, "{line}");
            }
            let _ = writeln!(out, "```\n");
        }
        if self.more > 0 {
            let _ = writeln!(
                out,
                "…and {} (see the flows screen: `2`).\n",
                self.more_text()
            );
        }
        let _ = writeln!(out, "## The handshake packets\n");
        let _ = writeln!(out, "| {} |", COLUMNS.join(" | "));
        let _ = writeln!(out, "|---:|---:|---|---|---|---:|---:|---:|---:|---|");
        for row in &self.rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        out.push('\n');
        let _ = writeln!(out, "## Questions\n");
        if self.questions.is_empty() {
            let _ = writeln!(out, "{NO_QUESTIONS}\n");
        }
        for (i, q) in self.questions.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. *(before packet {})* {}\n\n   Your answer: ______________________________\n",
                i + 1,
                q.packet_no,
                q.text
            );
        }
        let _ = writeln!(out, "## Answers\n");
        for (i, q) in self.questions.iter().enumerate() {
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

    /// The worksheet as one self-contained XHTML page: inline style, no scripts, no
    /// external resources, every text escaped (it parses as XML).
    pub fn html(&self) -> String {
        let sc = self.scenario;
        let mut out = String::new();
        let title = format!("Worksheet: {} — {}", sc.name, sc.title);
        out.push_str(
            "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n",
        );
        let _ = writeln!(
            out,
            "<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
            esc(&title)
        );
        let _ = writeln!(
            out,
            "<h1>Worksheet: <code>{}</code> — {}</h1>",
            esc(sc.name),
            esc(sc.title)
        );
        let _ = writeln!(
            out,
            "<p>Replay it with <code>synack demo {}</code> (add <code>--quiz</code> to be asked \
             before each packet a question is about).</p>",
            esc(sc.name)
        );
        let _ = writeln!(out, "<p>{}</p>", esc(sc.description));
        let _ = writeln!(out, "<h2>The ladder</h2>\n<p>{}</p>", esc(LADDER_NOTE));
        for l in &self.ladders {
            let _ = writeln!(out, "<h3>{}</h3>", esc(&l.heading));
            let _ = writeln!(
                out,
                "<pre class=\"ladder\">{}</pre>",
                esc(&l.lines.join("\n"))
            );
        }
        if self.more > 0 {
            let _ = writeln!(
                out,
                "<p>…and {} (see the flows screen: <code>2</code>).</p>",
                self.more_text()
            );
        }
        let _ = writeln!(out, "<h2>The handshake packets</h2>\n<table>\n<thead><tr>");
        for c in COLUMNS {
            let _ = write!(out, "<th>{}</th>", esc(c));
        }
        let _ = writeln!(out, "</tr></thead>\n<tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                // Numbers right-aligned, as in the Markdown table.
                let class = if matches!(i, 2 | 3 | 4 | 9) {
                    ""
                } else {
                    " class=\"n\""
                };
                let _ = write!(out, "<td{class}>{}</td>", esc(cell));
            }
            out.push_str("</tr>\n");
        }
        let _ = writeln!(out, "</tbody>\n</table>");
        let _ = writeln!(out, "<h2>Questions</h2>");
        if self.questions.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", esc(NO_QUESTIONS));
        } else {
            let _ = writeln!(out, "<ol class=\"questions\">");
            for q in &self.questions {
                let _ = writeln!(
                    out,
                    "<li><em>(before packet {})</em> {}<div class=\"blank\">Your answer:</div></li>",
                    q.packet_no,
                    esc(&q.text)
                );
            }
            let _ = writeln!(out, "</ol>");
        }
        let _ = writeln!(out, "<h2 class=\"answers\">Answers</h2>\n<ol>");
        for q in &self.questions {
            let _ = writeln!(
                out,
                "<li>{} <span class=\"where\">(packet {}, TCP {}.)</span></li>",
                esc(&q.answer),
                q.packet_no,
                esc(q.field())
            );
        }
        let _ = writeln!(out, "</ol>\n</body>\n</html>");
        out
    }
}

const LADDER_NOTE: &str = "One arrow per handshake event (SYN, SYN-ACK, ACK, FIN, RST). \
    Sequence and acknowledgment numbers are relative to each side's initial sequence number; \
    the states are the client's and the server's after the segment.";

const NO_QUESTIONS: &str = "(This capture has no packet to ask about.)";

/// The page's whole style: print-friendly, no external fonts or images.
const STYLE: &str = "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}\
    pre{font-size:85%;overflow-x:auto;background:#f4f4f4;padding:.5em}\
    table{border-collapse:collapse;font-size:85%}\
    th,td{border:1px solid #999;padding:.2em .4em;text-align:left}\
    td.n{text-align:right;font-variant-numeric:tabular-nums}\
    .blank{margin:.5em 0 1.5em;border-bottom:1px solid #999;height:2em}\
    .where{color:#555}\
    @media print{h2.answers{page-break-before:always}}";

/// `text` with the five XML special characters escaped.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0 text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// One connection's ladder as lines of text.
fn ladder(flow: &Flow, first_ts: i64) -> Ladder {
    let heading = format!(
        "{} → {} ({})",
        flow.client(),
        flow.server(),
        flow.outcome().name()
    );
    let client = format!("client {}", flow.client());
    let server = format!("server {}", flow.server());
    let mut lines = vec![format!(
        "{:>4} {:>9}  {:<w$}{}",
        "No.",
        "time",
        client,
        server,
        w = ARROW_W + 2
    )];
    lines.extend(flow.ladder.iter().map(|e| arrow_line(e, first_ts)));
    Ladder { heading, lines }
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

    /// XML parsing that accepts the page's `<!DOCTYPE html>` (roxmltree refuses a DTD unless asked).
    fn xhtml<'a>() -> roxmltree::ParsingOptions<'a> {
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        }
    }

    #[test]
    fn html_escapes_every_text_and_parses_as_xml() {
        assert_eq!(
            esc("a<b>&\"c'\u{1b}[2J"),
            "a&lt;b&gt;&amp;&quot;c&#39;\u{fffd}[2J"
        );
        let sc = demo::find("http").expect("known");
        let html = handout_as(sc, Format::Html).expect("embedded capture reads");
        let doc = roxmltree::Document::parse_with_options(&html, xhtml()).expect("well-formed");
        // The arrows' `▶` and the ladder's spacing survive in the <pre>.
        let pre: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("pre"))
            .flat_map(|n| {
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
            })
            .collect();
        assert!(pre.contains("▶|") && pre.contains("|◀"), "{pre}");
        assert!(pre.contains("ESTABLISHED"), "{pre}");
        // Markdown and HTML say the same: every answer of one is in the other.
        let md = handout(sc).expect("reads");
        let frames = sc.frames().expect("frames");
        let segs: Vec<(u64, TcpSegment)> = frames
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let s = decode::summarize(f.link, &f.data, f.len).tcp?;
                Some((i as u64 + 1, s))
            })
            .collect();
        let qs = quiz::questions(segs.iter().map(|(n, s)| (*n, s)));
        assert!(!qs.is_empty());
        for q in qs {
            assert!(md.contains(&q.answer));
            assert!(html.contains(&esc(&q.answer)));
        }
    }

    #[test]
    fn the_format_follows_the_extension() {
        for (name, want) in [
            ("w.html", Format::Html),
            ("w.HTML", Format::Html),
            ("dir.html/w.htm", Format::Html),
            ("w.md", Format::Markdown),
            ("w.html.md", Format::Markdown),
            ("w", Format::Markdown),
        ] {
            assert_eq!(Format::from_path(Path::new(name)), want, "{name}");
        }
    }

    #[test]
    fn a_busy_worksheet_draws_three_ladders_and_counts_the_rest() {
        let sc = demo::find("busy").expect("known");
        let text = handout(sc).expect("embedded capture reads");
        assert_eq!(text.matches("```text").count(), MAX_LADDERS);
        let more = format!("…and {} more connections", 39 - MAX_LADDERS);
        assert!(text.contains(&more), "{text}");
    }
}
