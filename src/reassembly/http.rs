//! HTTP/1.x messages from one direction's reassembled bytes: request and status lines and
//! headers however the segments split them, bodies delimited by Content-Length or chunked
//! transfer coding (or the end of the stream), several messages per connection. Fed the
//! [`Chunk`]s reassembly delivers, in order; a gap inside a head drops that head and the
//! parser waits for the next line that starts a message. Bounded: a head longer than
//! [`MAX_HEAD`] is given up. Text fields are sanitized.

use super::{Chunk, Piece, Side};

/// The longest message head (start line and headers) kept while waiting for its end.
pub const MAX_HEAD: usize = 64 * 1024;

/// What the start line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpStart {
    Request { method: String, uri: String },
    Response { code: u16, reason: String },
}

/// One message head, with the frames that carried it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpMessage {
    pub side: Side,
    pub start: HttpStart,
    pub version: String,
    /// The Host header (requests).
    pub host: Option<String>,
    pub content_length: Option<u64>,
    pub chunked: bool,
    /// The frame of the head's first byte and the one that completed it (where Wireshark
    /// shows the message).
    pub first_frame: u64,
    pub head_frame: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body {
    /// Waiting for a head.
    None,
    /// `n` body bytes still to skip.
    Length(u64),
    /// Chunked: reading a chunk-size line (buffered in `line`).
    ChunkSize,
    /// Chunked: `n` chunk bytes (plus its CRLF) to skip.
    ChunkData(u64),
    /// Chunked: the trailer section, until an empty line.
    Trailer,
    /// Everything to the end of the stream (a response without a length).
    ToEnd,
}

/// The parser of one direction.
#[derive(Debug)]
pub struct HttpParser {
    side: Side,
    head: Vec<u8>,
    head_first_frame: u64,
    body: Body,
    /// A gap broke the message: skip to a line that starts one.
    lost: bool,
    line: Vec<u8>,
}

impl HttpParser {
    pub fn new(side: Side) -> HttpParser {
        HttpParser {
            side,
            head: Vec::new(),
            head_first_frame: 0,
            body: Body::None,
            lost: false,
            line: Vec::new(),
        }
    }

    /// Whether the last message's body is still unfinished (Content-Length not reached,
    /// chunks not ended, or a body that ends only when the connection closes).
    pub fn in_body(&self) -> bool {
        self.body != Body::None
    }

    /// Feeds one delivered chunk of this direction; completed heads go to `out`.
    pub fn feed(&mut self, chunk: &Chunk, out: &mut Vec<HttpMessage>) {
        match &chunk.piece {
            Piece::Gap { len, .. } => self.gap(*len),
            Piece::Data(d) => {
                let mut d: &[u8] = d;
                while !d.is_empty() {
                    let used = self.step(d, chunk.frame, out);
                    d = d.get(used.max(1).min(d.len())..).unwrap_or(&[]);
                }
            }
        }
    }

    fn gap(&mut self, len: u64) {
        match self.body {
            Body::Length(n) if len < n => self.body = Body::Length(n - len),
            Body::ChunkData(n) if len < n => self.body = Body::ChunkData(n - len),
            Body::ToEnd => {}
            _ => {
                self.body = Body::None;
                self.head.clear();
                self.line.clear();
                self.lost = true;
            }
        }
    }

    /// Consumes a prefix of `d`; returns its length (at least 1 when `d` is not empty).
    fn step(&mut self, d: &[u8], frame: u64, out: &mut Vec<HttpMessage>) -> usize {
        match self.body {
            Body::ToEnd => d.len(),
            Body::Length(n) => {
                let take = (n.min(d.len() as u64)) as usize;
                self.body = if take as u64 == n {
                    Body::None
                } else {
                    Body::Length(n - take as u64)
                };
                take
            }
            Body::ChunkData(n) => {
                let take = (n.min(d.len() as u64)) as usize;
                self.body = if take as u64 == n {
                    Body::ChunkSize
                } else {
                    Body::ChunkData(n - take as u64)
                };
                take
            }
            Body::ChunkSize | Body::Trailer => {
                let (used, line) = self.take_line(d);
                if let Some(line) = line {
                    self.chunk_line(&line);
                }
                used
            }
            Body::None => self.head_bytes(d, frame, out),
        }
    }

    /// Collects a line into `self.line`; returns the bytes used and the line when complete.
    fn take_line(&mut self, d: &[u8]) -> (usize, Option<Vec<u8>>) {
        match d.iter().position(|&b| b == b'\n') {
            Some(i) => {
                if self.line.len() < MAX_HEAD {
                    self.line.extend_from_slice(&d[..i]);
                }
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                (i + 1, Some(line))
            }
            None => {
                if self.line.len() < MAX_HEAD {
                    self.line.extend_from_slice(d);
                }
                (d.len(), None)
            }
        }
    }

    fn chunk_line(&mut self, line: &[u8]) {
        match self.body {
            Body::ChunkSize => {
                // Lines between chunks (the CRLF after a chunk's data) are empty: skip them.
                let text = String::from_utf8_lossy(line);
                let size = text.split(';').next().unwrap_or("").trim();
                if size.is_empty() {
                    return;
                }
                match u64::from_str_radix(size, 16) {
                    Ok(0) => self.body = Body::Trailer,
                    Ok(n) => self.body = Body::ChunkData(n),
                    Err(_) => {
                        self.body = Body::None;
                        self.lost = true;
                    }
                }
            }
            Body::Trailer if line.is_empty() => self.body = Body::None,
            _ => {}
        }
    }

    fn head_bytes(&mut self, d: &[u8], frame: u64, out: &mut Vec<HttpMessage>) -> usize {
        if self.lost {
            // Skip to a line start that begins a message.
            let (used, line) = self.take_line(d);
            if let Some(line) = line
                && starts_message(&line)
            {
                self.lost = false;
                self.head_first_frame = frame;
                self.head = line;
                self.head.extend_from_slice(b"\r\n");
            }
            return used;
        }
        if self.head.is_empty() {
            // Empty lines between messages are allowed (RFC 9112 §2.2).
            let skip = d.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            if skip > 0 {
                return skip;
            }
            self.head_first_frame = frame;
        }
        let before = self.head.len();
        let room = MAX_HEAD.saturating_sub(before);
        let take = d.len().min(room.max(1));
        self.head.extend_from_slice(&d[..take]);
        // Look for the end of the head, starting a little before the new bytes.
        let from = before.saturating_sub(3);
        if let Some(end) = find(&self.head[from..], b"\r\n\r\n").map(|i| from + i + 4) {
            let head = std::mem::take(&mut self.head);
            let used = end - before;
            self.finish_head(head.get(..end).unwrap_or(&head), frame, out);
            return used;
        }
        if self.head.len() >= MAX_HEAD || (self.head.len() >= 16 && !starts_message(&self.head)) {
            self.head.clear();
            self.lost = true;
        }
        take
    }

    fn finish_head(&mut self, head: &[u8], frame: u64, out: &mut Vec<HttpMessage>) {
        let mut lines = head
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        let Some(first) = lines.next() else {
            return;
        };
        let Some((start, version)) = parse_start(first) else {
            self.lost = true;
            return;
        };
        let mut msg = HttpMessage {
            side: self.side,
            start,
            version,
            host: None,
            content_length: None,
            chunked: false,
            first_frame: self.head_first_frame,
            head_frame: frame,
        };
        for line in lines {
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let name = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_ascii_lowercase();
            let value = String::from_utf8_lossy(&line[colon + 1..])
                .trim()
                .to_string();
            match name.as_str() {
                "host" => msg.host = Some(crate::sanitize::sanitize(&value)),
                "content-length" => msg.content_length = value.parse().ok(),
                "transfer-encoding" => {
                    msg.chunked = value.to_ascii_lowercase().contains("chunked");
                }
                _ => {}
            }
        }
        let no_body = match &msg.start {
            HttpStart::Response { code, .. } => *code < 200 || *code == 204 || *code == 304,
            HttpStart::Request { .. } => false,
        };
        self.body = if no_body {
            Body::None
        } else if msg.chunked {
            Body::ChunkSize
        } else if let Some(n) = msg.content_length.filter(|&n| n > 0) {
            Body::Length(n)
        } else if matches!(msg.start, HttpStart::Response { .. }) && msg.content_length.is_none() {
            Body::ToEnd
        } else {
            Body::None
        };
        out.push(msg);
    }
}

const METHODS: &[&str] = &[
    "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH",
];

fn starts_message(line: &[u8]) -> bool {
    line.starts_with(b"HTTP/1.")
        || METHODS
            .iter()
            .any(|m| line.starts_with(m.as_bytes()) && line.get(m.len()) == Some(&b' '))
}

/// `GET /x HTTP/1.1` or `HTTP/1.1 200 OK`.
fn parse_start(line: &[u8]) -> Option<(HttpStart, String)> {
    let text = String::from_utf8_lossy(line);
    let mut parts = text.splitn(3, ' ');
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    let clean = crate::sanitize::sanitize;
    if a.starts_with("HTTP/1.") {
        let code: u16 = b.parse().ok().filter(|c| (100..1000).contains(c))?;
        return Some((
            HttpStart::Response {
                code,
                reason: clean(c),
            },
            clean(a),
        ));
    }
    if METHODS.contains(&a) && c.starts_with("HTTP/1.") {
        return Some((
            HttpStart::Request {
                method: a.to_string(),
                uri: clean(b),
            },
            clean(c),
        ));
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reassembly::GapKind;

    fn data(frame: u64, d: &[u8]) -> Chunk {
        Chunk {
            side: Side::Node0,
            frame,
            ts_ns: 0,
            offset: 0,
            piece: Piece::Data(d.to_vec()),
        }
    }

    fn run(chunks: &[Chunk]) -> Vec<HttpMessage> {
        let mut p = HttpParser::new(Side::Node0);
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out);
        }
        out
    }

    fn request(m: &HttpMessage) -> (&str, &str) {
        match &m.start {
            HttpStart::Request { method, uri } => (method, uri),
            other => panic!("not a request: {other:?}"),
        }
    }

    #[test]
    fn request_line_split_over_segments() {
        let out = run(&[
            data(4, b"GE"),
            data(5, b"T /index.ht"),
            data(6, b"ml HTTP/1.1\r\nHo"),
            data(7, b"st: example.com\r\n\r"),
            data(8, b"\n"),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(request(&out[0]), ("GET", "/index.html"));
        assert_eq!(out[0].host.as_deref(), Some("example.com"));
        assert_eq!((out[0].first_frame, out[0].head_frame), (4, 8));
        assert_eq!(out[0].version, "HTTP/1.1");
    }

    #[test]
    fn several_requests_with_bodies_in_one_segment() {
        let out = run(&[data(
            3,
            b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: h\r\n\r\n\r\nHEAD /c HTTP/1.0\r\n\r\n",
        )]);
        let got: Vec<(&str, &str)> = out.iter().map(request).collect();
        assert_eq!(got, vec![("POST", "/a"), ("GET", "/b"), ("HEAD", "/c")]);
        assert_eq!(out[0].content_length, Some(5));
    }

    #[test]
    fn chunked_response_then_the_next_one() {
        let mut p = HttpParser::new(Side::Node1);
        let mut out = Vec::new();
        let body = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nTrailer: t\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!";
        // One byte per segment: the worst split.
        for (i, b) in body.iter().enumerate() {
            let mut c = data(i as u64 + 1, &[*b]);
            c.side = Side::Node1;
            p.feed(&c, &mut out);
        }
        let codes: Vec<u16> = out
            .iter()
            .map(|m| match &m.start {
                HttpStart::Response { code, .. } => *code,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(codes, vec![200, 304, 404]);
        assert!(out[0].chunked);
        assert_eq!(out[0].side, Side::Node1);
    }

    #[test]
    fn a_gap_in_a_head_resyncs_at_the_next_message() {
        let gap = Chunk {
            side: Side::Node0,
            frame: 3,
            ts_ns: 0,
            offset: 0,
            piece: Piece::Gap {
                len: 10,
                kind: GapKind::Missing,
            },
        };
        let out = run(&[
            data(1, b"GET /lost HTTP/1.1\r\nHo"),
            gap,
            data(4, b"rest: x\r\n\r\nGET /next HTTP/1.1\r\n\r\n"),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(request(&out[0]), ("GET", "/next"));
    }

    #[test]
    fn a_gap_inside_a_body_keeps_the_framing() {
        let gap = Chunk {
            side: Side::Node0,
            frame: 2,
            ts_ns: 0,
            offset: 0,
            piece: Piece::Gap {
                len: 4,
                kind: GapKind::NotCaptured,
            },
        };
        let out = run(&[
            data(1, b"POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\nab"),
            gap,
            data(3, b"cdefGET /b HTTP/1.1\r\n\r\n"),
        ]);
        let got: Vec<(&str, &str)> = out.iter().map(request).collect();
        assert_eq!(got, vec![("POST", "/a"), ("GET", "/b")]);
    }

    #[test]
    fn not_http_and_hostile_text() {
        assert!(
            run(&[data(
                1,
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 random tls bytes\r\n\r\n"
            )])
            .is_empty()
        );
        let out = run(&[data(
            1,
            b"GET /\x1b[2J HTTP/1.1\r\nHost: \x1b]0;x\x07\r\n\r\n",
        )]);
        assert_eq!(out.len(), 1);
        let (_, uri) = request(&out[0]);
        assert!(!uri.contains('\x1b'), "{uri}");
        assert!(!out[0].host.as_deref().unwrap_or("").contains('\x07'));
        // A head that never ends is given up at MAX_HEAD.
        let mut p = HttpParser::new(Side::Node0);
        let mut o = Vec::new();
        p.feed(&data(1, b"GET / HTTP/1.1\r\n"), &mut o);
        for i in 0..200 {
            p.feed(&data(2 + i, &[b'x'; 1000]), &mut o);
        }
        assert!(p.head.len() <= MAX_HEAD && o.is_empty());
    }
}
