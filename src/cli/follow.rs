//! `synack follow FILE FLOW`: reassembles one TCP connection (`crate::reassembly`) while the
//! file is read once, and prints both directions as they complete, in the layouts of tshark's
//! `-z follow,tcp,ascii|hex|raw,N` (node 1's lines indented by a tab) or as one JSON document.
//! Flow ids are the flow tracker's, equal to Wireshark's `tcp.stream`. What reassembly could
//! not show (missing bytes, bytes the capture cut, late or ignored copies) is said on stderr.

use std::io::{self, BufWriter, Write};
use std::net::SocketAddr;

use super::commands::CommandError;
use super::{DEFAULT_MAX_FLOWS, FollowArgs, FollowFormat};
use crate::decode;
use crate::flow::FlowTracker;
use crate::model::{Frame, LinkType};
use crate::reassembly::http::{HttpMessage, HttpParser, HttpStart};
use crate::reassembly::text::{ascii, gap_text, hex, hex_dump};
use crate::reassembly::{Chunk, Conversation, GapKind, Piece, Side, Stats};
use crate::source::FileReader;

const RULE: &str = "===================================================================";

/// Runs `synack follow`.
pub fn follow(args: &FollowArgs) -> Result<(), CommandError> {
    let mut reader = FileReader::open(&args.file)?;
    let mut tracker = FlowTracker::new(DEFAULT_MAX_FLOWS);
    let mut conv = Conversation::new(args.max_reassembly);
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut printer = Printer {
        format: args.format,
        flow: args.flow,
        chunks: 0,
        http: [HttpParser::new(Side::Node0), HttpParser::new(Side::Node1)],
        messages: Vec::new(),
    };
    let mut chunks = Vec::new();
    let mut frame = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut number = 0u64;
    let mut seen = false;
    let mut read_error = None;
    loop {
        match reader.next_into(&mut frame) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                read_error = Some(e);
                break;
            }
        }
        number += 1;
        let Some((seg, range)) = decode::tcp_payload(frame.link, &frame.data, frame.len) else {
            continue;
        };
        let obs = tracker.observe(number, frame.ts_ns, &seg, frame.len);
        if obs.flow != args.flow {
            continue;
        }
        let payload = frame.data.get(range).unwrap_or(&[]);
        conv.segment(number, frame.ts_ns, &seg, payload, &mut chunks);
        if !seen {
            seen = true;
            printer
                .header(&mut out, conv.nodes())
                .map_err(CommandError::Output)?;
        }
        for c in chunks.drain(..) {
            printer.chunk(&mut out, &c).map_err(CommandError::Output)?;
        }
    }
    if !seen {
        if let Some(e) = read_error {
            return Err(e.into());
        }
        let total = tracker.total_flows();
        return Err(CommandError::Usage(format!(
            "{}: no TCP connection with flow id {} (the file has {}; `synack flows FILE` \
             lists them with their ids)",
            crate::sanitize::sanitize(&args.file.display().to_string()),
            args.flow,
            match total {
                0 => "none".to_string(),
                1 => "one, id 0".to_string(),
                n => format!("{n}, ids 0 to {}", n - 1),
            }
        )));
    }
    conv.finish(&mut chunks);
    for c in chunks.drain(..) {
        printer.chunk(&mut out, &c).map_err(CommandError::Output)?;
    }
    printer
        .footer(&mut out, conv.stats())
        .and_then(|()| out.flush())
        .map_err(CommandError::Output)?;
    for line in stats_notes(conv.stats()) {
        eprintln!("synack: follow: {line}");
    }
    match read_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// Plain sentences for what reassembly could not show or ignored (empty when all is well).
pub fn stats_notes(s: &Stats) -> Vec<String> {
    let mut notes = Vec::new();
    for side in [Side::Node0, Side::Node1] {
        let i = side.index();
        let who = format!("node {i}");
        let mut say = |n: u64, what: &str| {
            if n > 0 {
                notes.push(format!("{who}: {n} {what}"));
            }
        };
        say(
            s.missing[i],
            "bytes missing (no segment in the capture carried them)",
        );
        say(
            s.forced_gaps[i],
            "of those declared missing early: the --max-reassembly limit was reached",
        );
        say(
            s.not_captured[i],
            "bytes not captured (cut by the snapshot length)",
        );
        say(
            s.late[i],
            "bytes arrived after their place was declared missing (dropped)",
        );
        say(
            s.duplicate[i],
            "retransmitted or overlapping bytes ignored (the first copy is shown)",
        );
        say(
            s.before_start[i],
            "bytes before the start of the stream ignored",
        );
    }
    notes
}

struct Printer {
    format: FollowFormat,
    flow: u32,
    chunks: usize,
    /// JSON only: HTTP/1.x message heads found in each direction.
    http: [HttpParser; 2],
    messages: Vec<HttpMessage>,
}

fn node(a: Option<SocketAddr>) -> String {
    a.map_or_else(|| "?".to_string(), |a| a.to_string())
}

impl Printer {
    fn header(&mut self, w: &mut impl Write, nodes: [Option<SocketAddr>; 2]) -> io::Result<()> {
        let (a, b) = (node(nodes[0]), node(nodes[1]));
        let kind = match self.format {
            FollowFormat::Ascii => "ascii",
            FollowFormat::Hex => "hex",
            FollowFormat::Raw => "raw",
            FollowFormat::Json => {
                return write!(
                    w,
                    "{{\"flow\":{},\"nodes\":[{},{}],\"chunks\":[",
                    self.flow,
                    serde_json::Value::from(a),
                    serde_json::Value::from(b)
                );
            }
        };
        writeln!(w, "\n{RULE}")?;
        writeln!(w, "Follow: tcp,{kind}")?;
        writeln!(w, "Filter: tcp.stream eq {}", self.flow)?;
        writeln!(w, "Node 0: {a}")?;
        writeln!(w, "Node 1: {b}")
    }

    fn chunk(&mut self, w: &mut impl Write, c: &Chunk) -> io::Result<()> {
        self.chunks += 1;
        let tab = if c.side == Side::Node1 { "\t" } else { "" };
        match (self.format, &c.piece) {
            (FollowFormat::Json, piece) => {
                if let Some(p) = self.http.get_mut(c.side.index()) {
                    p.feed(c, &mut self.messages);
                }
                let mut o = serde_json::json!({
                    "node": c.side.index(),
                    "frame": c.frame,
                    "ts_ns": c.ts_ns,
                    "offset": c.offset,
                    "len": c.len(),
                });
                match piece {
                    Piece::Data(d) => o["data"] = hex(d).into(),
                    Piece::Gap { kind, .. } => o["gap"] = gap_word(*kind).into(),
                }
                if self.chunks > 1 {
                    w.write_all(b",")?;
                }
                write!(w, "\n{o}")
            }
            (_, Piece::Gap { len, kind }) => writeln!(w, "{tab}{}", gap_text(*len, *kind)),
            (FollowFormat::Raw, Piece::Data(d)) => writeln!(w, "{tab}{}", hex(d)),
            (FollowFormat::Ascii, Piece::Data(d)) => {
                writeln!(w, "{tab}{}", d.len())?;
                writeln!(w, "{}", ascii(d))
            }
            (FollowFormat::Hex, Piece::Data(d)) => {
                for line in hex_dump(d, c.offset) {
                    writeln!(w, "{tab}{line}")?;
                }
                Ok(())
            }
        }
    }

    fn footer(&mut self, w: &mut impl Write, stats: &Stats) -> io::Result<()> {
        match self.format {
            FollowFormat::Json => {
                let st = serde_json::json!({
                    "delivered": stats.delivered,
                    "missing": stats.missing,
                    "not_captured": stats.not_captured,
                    "duplicate": stats.duplicate,
                    "late": stats.late,
                    "forced_gaps": stats.forced_gaps,
                    "before_start": stats.before_start,
                });
                let http: Vec<serde_json::Value> = self.messages.iter().map(http_json).collect();
                writeln!(
                    w,
                    "\n],\"stats\":{st},\"http\":{}}}",
                    serde_json::Value::from(http)
                )
            }
            _ => writeln!(w, "{RULE}"),
        }
    }
}

/// One HTTP message head as JSON: `node`, `frame` (the head's last byte), `first_frame`,
/// `version`, then `method` + `uri` + `host` or `code` + `reason`, and the body framing.
fn http_json(m: &HttpMessage) -> serde_json::Value {
    let mut o = serde_json::json!({
        "node": m.side.index(),
        "frame": m.head_frame,
        "first_frame": m.first_frame,
        "version": m.version,
        "content_length": m.content_length,
        "chunked": m.chunked,
    });
    match &m.start {
        HttpStart::Request { method, uri } => {
            o["method"] = method.clone().into();
            o["uri"] = uri.clone().into();
            o["host"] = m.host.clone().into();
        }
        HttpStart::Response { code, reason } => {
            o["code"] = (*code).into();
            o["reason"] = reason.clone().into();
        }
    }
    o
}

fn gap_word(kind: GapKind) -> &'static str {
    match kind {
        GapKind::Missing => "missing",
        GapKind::NotCaptured => "not_captured",
    }
}
