//! The Follow view (`F` on a packet or a flow): one TCP connection's conversation, rebuilt by
//! `crate::reassembly` from the packets in the store when the view opens (lazily: only this
//! flow, only then), shown over the current screen. The state here is the transcript, the
//! layout of its lines for the mode (ascii / hex / raw), the directions shown and the width,
//! and the selected line; `ui::follow` draws it. Keys: ↑ ↓ PgUp PgDn g G move, `m` changes the
//! mode, `d` the directions shown, Enter goes to the packet of the selected chunk, `S` saves
//! the shown bytes to a file, Esc / q / F close.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::keys::Key;
use super::store::ReadAhead;
use crate::reassembly::text::{gap_text, hex_dump};
use crate::reassembly::{Chunk, Piece, Side, Transcript};

/// How the bytes are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowMode {
    /// One byte one cell, non-printable as `.`, lines cut at newlines and at the width.
    Ascii,
    /// 16 bytes a line: offset, hex, text.
    Hex,
    /// Hex digits only, as many bytes a line as fit.
    Raw,
}

impl FollowMode {
    pub fn name(self) -> &'static str {
        match self {
            FollowMode::Ascii => "ascii",
            FollowMode::Hex => "hex",
            FollowMode::Raw => "raw",
        }
    }
    fn next(self) -> FollowMode {
        match self {
            FollowMode::Ascii => FollowMode::Hex,
            FollowMode::Hex => FollowMode::Raw,
            FollowMode::Raw => FollowMode::Ascii,
        }
    }
}

/// Which directions are shown (and saved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sides {
    Both,
    Only(Side),
}

impl Sides {
    fn shows(self, side: Side) -> bool {
        match self {
            Sides::Both => true,
            Sides::Only(s) => s == side,
        }
    }
    fn next(self) -> Sides {
        match self {
            Sides::Both => Sides::Only(Side::Node0),
            Sides::Only(Side::Node0) => Sides::Only(Side::Node1),
            Sides::Only(Side::Node1) => Sides::Both,
        }
    }
    /// For file names and the title.
    pub fn word(self) -> &'static str {
        match self {
            Sides::Both => "both",
            Sides::Only(Side::Node0) => "node0",
            Sides::Only(Side::Node1) => "node1",
        }
    }
}

/// One screen line: a byte range of one chunk (empty for a gap's line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowLine {
    pub chunk: u32,
    pub start: u32,
    pub end: u32,
}

/// What a key did that the app must carry out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowAction {
    Close,
    /// Go to this packet (1-based frame number) on the packet screen.
    ShowPacket(u64),
    /// Save the shown bytes (`S`).
    Save,
}

#[derive(Debug)]
pub struct FollowView {
    flow: u32,
    transcript: Transcript,
    mode: FollowMode,
    sides: Sides,
    /// Columns the lines were laid out for.
    width: usize,
    lines: Vec<FollowLine>,
    selected: usize,
    scroll: usize,
}

impl FollowView {
    /// A view of `transcript` (flow `flow`) laid out for `width` columns of text.
    pub fn new(flow: u32, transcript: Transcript, width: usize) -> FollowView {
        let mut v = FollowView {
            flow,
            transcript,
            mode: FollowMode::Ascii,
            sides: Sides::Both,
            width: width.max(1),
            lines: Vec::new(),
            selected: 0,
            scroll: 0,
        };
        v.layout();
        v
    }

    pub fn flow(&self) -> u32 {
        self.flow
    }
    pub fn mode(&self) -> FollowMode {
        self.mode
    }
    pub fn sides(&self) -> Sides {
        self.sides
    }
    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }
    pub fn nodes(&self) -> [Option<SocketAddr>; 2] {
        self.transcript.nodes
    }
    pub fn lines(&self) -> &[FollowLine] {
        &self.lines
    }
    pub fn selected(&self) -> usize {
        self.selected
    }
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The chunk a line shows.
    pub fn chunk_of(&self, line: &FollowLine) -> Option<&Chunk> {
        self.transcript.chunks.get(line.chunk as usize)
    }

    /// The selected line's chunk.
    pub fn selected_chunk(&self) -> Option<&Chunk> {
        self.lines.get(self.selected).and_then(|l| self.chunk_of(l))
    }

    /// The text of one line (printable ASCII only) and the direction it belongs to.
    pub fn line_text(&self, line: &FollowLine) -> Option<(Side, String)> {
        let c = self.chunk_of(line)?;
        let text = match &c.piece {
            Piece::Gap { len, kind } => gap_text(*len, *kind),
            Piece::Data(d) => {
                let bytes = d.get(line.start as usize..line.end as usize)?;
                match self.mode {
                    FollowMode::Ascii => bytes
                        .iter()
                        .map(|&b| match b {
                            0x20..=0x7e => char::from(b),
                            b'\t' => ' ',
                            _ => '.',
                        })
                        .collect(),
                    FollowMode::Hex => {
                        let at = c.offset + u64::from(line.start);
                        hex_dump(bytes, at).into_iter().next().unwrap_or_default()
                    }
                    FollowMode::Raw => crate::reassembly::text::hex(bytes),
                }
            }
        };
        // Already printable ASCII; sanitized all the same, as all packet text is.
        Some((c.side, crate::sanitize::sanitize(&text)))
    }

    /// Lays the shown chunks out in lines for the mode and width.
    fn layout(&mut self) {
        let selected_chunk = self.lines.get(self.selected).map(|l| l.chunk);
        self.lines.clear();
        let w = self.width.max(1);
        for (i, c) in self.transcript.chunks.iter().enumerate() {
            if !self.sides.shows(c.side) {
                continue;
            }
            let chunk = u32::try_from(i).unwrap_or(u32::MAX);
            let Piece::Data(d) = &c.piece else {
                self.lines.push(FollowLine {
                    chunk,
                    start: 0,
                    end: 0,
                });
                continue;
            };
            let mut push = |s: usize, e: usize| {
                self.lines.push(FollowLine {
                    chunk,
                    start: u32::try_from(s).unwrap_or(u32::MAX),
                    end: u32::try_from(e).unwrap_or(u32::MAX),
                })
            };
            match self.mode {
                FollowMode::Ascii => {
                    // Cut at each newline (dropped, with a CR before it) and at the width.
                    let mut start = 0;
                    for (k, &b) in d.iter().enumerate() {
                        if b == b'\n' {
                            let mut end = k;
                            if end > start && d.get(end - 1) == Some(&b'\r') {
                                end -= 1;
                            }
                            cut(start, end, w, &mut push);
                            start = k + 1;
                        }
                    }
                    if start < d.len() {
                        cut(start, d.len(), w, &mut push);
                    }
                }
                FollowMode::Hex => cut(0, d.len(), 16, &mut push),
                FollowMode::Raw => cut(0, d.len(), (w / 2).max(1), &mut push),
            }
        }
        // Keep the same chunk selected when the layout changes.
        self.selected = selected_chunk
            .and_then(|c| self.lines.iter().position(|l| l.chunk >= c))
            .unwrap_or(0)
            .min(self.lines.len().saturating_sub(1));
    }

    /// The text area changed width.
    pub fn resize(&mut self, width: usize) {
        let width = width.max(1);
        if width != self.width {
            self.width = width;
            self.layout();
        }
    }

    /// Keeps the selection visible in `rows` rows.
    fn follow_selection(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + rows {
            self.scroll = self.selected + 1 - rows;
        }
    }

    /// One key, with `rows` lines of text visible.
    pub fn on_key(&mut self, key: Key, rows: usize) -> Option<FollowAction> {
        let last = self.lines.len().saturating_sub(1);
        let page = rows.max(1);
        match key {
            Key::Esc | Key::Char('q') | Key::Char('F') => return Some(FollowAction::Close),
            Key::Down | Key::Char('j') => self.selected = (self.selected + 1).min(last),
            Key::Up | Key::Char('k') => self.selected = self.selected.saturating_sub(1),
            Key::PageDown | Key::Char(' ') => self.selected = (self.selected + page).min(last),
            Key::PageUp => self.selected = self.selected.saturating_sub(page),
            Key::Home | Key::Char('g') => self.selected = 0,
            Key::End | Key::Char('G') => self.selected = last,
            Key::Char('m') => {
                self.mode = self.mode.next();
                self.layout();
            }
            Key::Char('d') => {
                self.sides = self.sides.next();
                self.layout();
            }
            Key::Enter => {
                return self
                    .selected_chunk()
                    .map(|c| FollowAction::ShowPacket(c.frame));
            }
            Key::Char('S') => return Some(FollowAction::Save),
            _ => {}
        }
        self.follow_selection(rows);
        None
    }

    /// The bytes shown (both directions in the order they were completed, or one), gaps left
    /// out: what `S` saves.
    pub fn shown_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        for c in &self.transcript.chunks {
            if let (true, Piece::Data(d)) = (self.sides.shows(c.side), &c.piece) {
                v.extend_from_slice(d);
            }
        }
        v
    }

    /// Writes [`FollowView::shown_bytes`] to a new file in `dir`
    /// (`synack-flow-N-both.bin`, then `-2`, `-3`… when taken); returns its path and size.
    pub fn save_in(&self, dir: &std::path::Path) -> std::io::Result<(PathBuf, usize)> {
        let bytes = self.shown_bytes();
        let base = format!("synack-flow-{}-{}", self.flow, self.sides.word());
        let path = super::new_file::create_unused(dir, &base, "bin", &bytes)?;
        Ok((path, bytes.len()))
    }
}

/// Rows and columns around the Follow view's text: the borders, the header line (the two
/// ends), the footer line (keys), and the direction marker before each line.
pub const FOLLOW_CHROME_ROWS: u16 = 4;
pub const FOLLOW_CHROME_COLS: u16 = 4;

/// Bytes the viewer keeps of one followed conversation (and holds out of order).
pub const VIEW_MAX_REASSEMBLY: u64 = crate::reassembly::DEFAULT_MAX_REASSEMBLY;

impl super::App {
    /// The Follow view, when open.
    pub fn follow_view(&self) -> Option<&FollowView> {
        self.follow.as_ref()
    }

    /// The Follow view's area: the whole screen above the status bar.
    pub fn follow_area(&self, area: ratatui::layout::Rect) -> ratatui::layout::Rect {
        let status = self.status_rows_for(area.width).min(area.height);
        ratatui::layout::Rect::new(area.x, area.y, area.width, area.height - status)
    }

    fn follow_text_size(&self) -> (usize, usize) {
        let a = self.follow_area(self.area());
        (
            usize::from(a.width.saturating_sub(FOLLOW_CHROME_COLS)),
            usize::from(a.height.saturating_sub(FOLLOW_CHROME_ROWS)),
        )
    }

    /// `F`: opens the Follow view on the selected packet's flow (packets screen) or the
    /// selected flow (flows screen), reassembling it from the released packets.
    pub(super) fn open_follow(&mut self) {
        let id = match self.screen {
            super::Screen::Flows => self.flows.selected(),
            _ => {
                let shown = super::Shown::filtered(
                    &self.store,
                    self.released_index(),
                    self.find.packet_filter(),
                );
                let Some(view) = self.packets.selected().and_then(|i| shown.get(i)) else {
                    self.notice = Some("F: select a TCP packet or a flow first".into());
                    return;
                };
                if view.flow.is_none() {
                    let no = view.number.saturating_add(1);
                    self.notice = Some(format!("packet {no} is not TCP: no stream to follow"));
                    return;
                }
                view.flow
            }
        };
        let Some(id) = id else {
            self.notice = Some("F: select a TCP packet or a flow first".into());
            return;
        };
        let transcript = self.reassemble(id);
        let (w, _) = self.follow_text_size();
        self.follow = Some(FollowView::new(id, transcript, w));
    }

    /// Reassembles flow `id` from the released packets still kept.
    fn reassemble(&self, id: u32) -> Transcript {
        let mut conv = crate::reassembly::Conversation::new(VIEW_MAX_REASSEMBLY);
        let mut t = Transcript::new(VIEW_MAX_REASSEMBLY);
        let mut out = Vec::new();
        let mut scratch = ReadAhead::new();
        for i in 0..self.released_index() {
            if self.store.flow_at(i) != Some(id) {
                continue;
            }
            let Some(raw) = self.store.raw(i, &mut scratch) else {
                continue;
            };
            let Some((seg, range)) = crate::decode::tcp_payload(raw.link, raw.data, raw.len) else {
                continue;
            };
            let payload = raw.data.get(range).unwrap_or(&[]);
            let frame = raw.number.saturating_add(1);
            conv.segment(frame, raw.ts_ns, &seg, payload, &mut out);
            for c in out.drain(..) {
                t.push(c);
            }
        }
        conv.finish(&mut out);
        for c in out.drain(..) {
            t.push(c);
        }
        t.finish(&conv);
        t
    }

    /// A key while the Follow view is open.
    pub(super) fn on_follow_key(&mut self, key: Key) {
        let (_, rows) = self.follow_text_size();
        let Some(view) = self.follow.as_mut() else {
            return;
        };
        match view.on_key(key, rows) {
            None => {}
            Some(FollowAction::Close) => self.follow = None,
            Some(FollowAction::ShowPacket(no)) => {
                self.follow = None;
                self.show_packet(no);
            }
            Some(FollowAction::Save) => {
                let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                self.notice = Some(match view.save_in(&dir) {
                    Ok((path, n)) => format!(
                        "saved {n} bytes to {}",
                        crate::sanitize::sanitize(&path.display().to_string())
                    ),
                    Err(e) => format!(
                        "could not save the stream in {}: {e}",
                        crate::sanitize::sanitize(&dir.display().to_string())
                    ),
                });
            }
        }
    }

    /// The terminal changed size: the view's lines follow the new width.
    pub(super) fn relayout_follow(&mut self) {
        let (w, _) = self.follow_text_size();
        if let Some(v) = self.follow.as_mut() {
            v.resize(w);
        }
    }
}

/// Calls `push` for `[start, end)` cut into pieces of at most `w` (once for an empty range).
fn cut(start: usize, end: usize, w: usize, push: &mut impl FnMut(usize, usize)) {
    if start >= end {
        push(start, start);
        return;
    }
    let mut s = start;
    while s < end {
        let e = (s + w).min(end);
        push(s, e);
        s = e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reassembly::GapKind;

    fn chunk(side: Side, frame: u64, offset: u64, piece: Piece) -> Chunk {
        Chunk {
            side,
            frame,
            ts_ns: 0,
            offset,
            piece,
        }
    }

    fn view() -> FollowView {
        let mut t = Transcript::new(1 << 20);
        t.push(chunk(
            Side::Node0,
            4,
            0,
            Piece::Data(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        ));
        t.push(chunk(
            Side::Node1,
            6,
            0,
            Piece::Gap {
                len: 100,
                kind: GapKind::Missing,
            },
        ));
        t.push(chunk(
            Side::Node1,
            7,
            100,
            Piece::Data(b"HTTP/1.1 200 OK\r\n\x1b[2J".to_vec()),
        ));
        FollowView::new(3, t, 10)
    }

    fn texts(v: &FollowView) -> Vec<String> {
        v.lines()
            .iter()
            .filter_map(|l| v.line_text(l))
            .map(|(s, t)| format!("{}{t}", if s == Side::Node0 { ">" } else { "<" }))
            .collect()
    }

    #[test]
    fn ascii_lines_cut_at_newlines_and_width_controls_as_dots() {
        let v = view();
        assert_eq!(
            texts(&v),
            vec![
                ">GET / HTTP",
                ">/1.1",
                ">Host: x",
                ">",
                "<[100 bytes missing in capture file]",
                "<HTTP/1.1 2",
                "<00 OK",
                "<.[2J",
            ]
        );
    }

    #[test]
    fn modes_directions_and_enter() {
        let mut v = view();
        v.on_key(Key::Char('m'), 5);
        assert_eq!(v.mode(), FollowMode::Hex);
        assert!(texts(&v)[0].starts_with(">00000000  47 45 54 20"));
        v.on_key(Key::Char('m'), 5);
        assert_eq!(v.mode(), FollowMode::Raw);
        assert_eq!(texts(&v)[0], ">474554202f");
        v.on_key(Key::Char('m'), 5);
        v.on_key(Key::Char('d'), 5);
        assert_eq!(v.sides(), Sides::Only(Side::Node0));
        assert!(texts(&v).iter().all(|t| t.starts_with('>')));
        v.on_key(Key::Char('d'), 5);
        assert!(texts(&v).iter().all(|t| t.starts_with('<')));
        assert_eq!(v.shown_bytes(), b"HTTP/1.1 200 OK\r\n\x1b[2J");
        v.on_key(Key::Char('d'), 5);
        // Enter on the last line goes to the packet that carried it.
        v.on_key(Key::End, 5);
        assert_eq!(v.on_key(Key::Enter, 5), Some(FollowAction::ShowPacket(7)));
        assert!(v.scroll() > 0, "the selection stays in view");
        assert_eq!(v.on_key(Key::Esc, 5), Some(FollowAction::Close));
    }

    #[test]
    fn save_writes_a_new_file_each_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let v = view();
        let (p1, n) = v.save_in(dir.path()).expect("saved");
        let (p2, _) = v.save_in(dir.path()).expect("saved again");
        assert_ne!(p1, p2);
        assert_eq!(n, 27 + 21);
        assert_eq!(std::fs::read(&p1).expect("read"), v.shown_bytes());
        assert!(p1.ends_with("synack-flow-3-both.bin"));
    }
}
