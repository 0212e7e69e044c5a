//! Small, panic-free drawing primitives shared by the widgets: every write is clipped to the
//! widget's area, and text is fitted by dropping low-priority pieces. Depends on ratatui only.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

/// Display width in terminal columns.
pub(crate) fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` cut to `max` columns, ending in `…` when something was cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` cut to `max` columns from the left, starting with `…` when something was cut
/// (keeps what ends a text, such as an address's port).
pub(crate) fn truncate_left(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > max {
            break;
        }
        kept.push(c);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(kept.iter().rev());
    out
}

/// Writes `text` at (`x`, `y`) clipped to `area` and to `max` columns (truncating with
/// `…`); returns the columns written.
pub(crate) fn put(
    buf: &mut Buffer,
    area: Rect,
    x: u16,
    y: u16,
    text: &str,
    max: usize,
    style: Style,
) -> usize {
    let area = area.intersection(buf.area);
    if y < area.top() || y >= area.bottom() || x < area.left() || x >= area.right() {
        return 0;
    }
    let room = usize::from(area.right() - x).min(max);
    let text = truncate(text, room);
    let (end, _) = buf.set_stringn(x, y, &text, room, style);
    usize::from(end.saturating_sub(x))
}

/// Writes `text` so that it ends just before column `right` (exclusive).
pub(crate) fn put_right(
    buf: &mut Buffer,
    area: Rect,
    right: u16,
    y: u16,
    text: &str,
    max: usize,
    style: Style,
) {
    let text = truncate(text, max);
    let w = u16::try_from(width(&text)).unwrap_or(u16::MAX);
    let x = right.saturating_sub(w).max(area.left());
    put(buf, area, x, y, &text, max, style);
}

/// Sets one cell (ignored outside `area`).
pub(crate) fn set_cell(buf: &mut Buffer, area: Rect, x: u16, y: u16, symbol: &str, style: Style) {
    let area = area.intersection(buf.area);
    let inside = x >= area.left() && x < area.right() && y >= area.top() && y < area.bottom();
    if inside && let Some(cell) = buf.cell_mut((x, y)) {
        cell.set_symbol(symbol).set_style(style);
    }
}

/// A piece of a label: its full text, an optional shorter form, and how early it is given
/// up (higher `prio` goes first; 0 is never dropped). The short form replaces the full one
/// at `short_prio` (by default the same as `prio`: shortened just before being dropped).
#[derive(Clone, Debug)]
pub(crate) struct Piece {
    pub(crate) text: String,
    pub(crate) short: Option<String>,
    pub(crate) prio: u8,
    pub(crate) short_prio: u8,
}

impl Piece {
    pub(crate) fn new(text: impl Into<String>, prio: u8) -> Piece {
        Piece {
            text: text.into(),
            short: None,
            prio,
            short_prio: prio,
        }
    }

    pub(crate) fn short(mut self, short: impl Into<String>) -> Piece {
        self.short = Some(short.into());
        self
    }

    /// Shorten at priority `prio` (earlier than dropping when higher than the piece's).
    pub(crate) fn shorten_at(mut self, prio: u8) -> Piece {
        self.short_prio = prio;
        self
    }
}

/// Which form of each piece fits in `max` columns when joined by `sep`: pieces are
/// shortened, then dropped, highest `prio` first. `None` marks a dropped piece.
pub(crate) fn fit(pieces: &[Piece], max: usize, sep: &str) -> Vec<Option<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Form {
        Long,
        Short,
        Dropped,
    }
    let mut forms = vec![Form::Long; pieces.len()];
    let text_of = |piece: &Piece, form: Form| -> Option<String> {
        match form {
            Form::Long => Some(piece.text.clone()),
            Form::Short => piece.short.clone().or_else(|| Some(piece.text.clone())),
            Form::Dropped => None,
        }
    };
    loop {
        let chosen: Vec<Option<String>> = pieces
            .iter()
            .zip(&forms)
            .map(|(p, f)| text_of(p, *f))
            .collect();
        let parts: Vec<&String> = chosen.iter().flatten().collect();
        let total = parts.iter().map(|p| width(p)).sum::<usize>()
            + width(sep) * parts.len().saturating_sub(1);
        if total <= max {
            return chosen;
        }
        // The next step: the highest priority number among "shorten this piece" and
        // "drop this piece" (a piece is always shortened before it is dropped).
        let step_prio = |p: &Piece, f: Form| -> u8 {
            if f == Form::Long && p.short.is_some() {
                p.short_prio.max(p.prio)
            } else {
                p.prio
            }
        };
        let candidate = pieces
            .iter()
            .zip(&forms)
            .enumerate()
            .filter(|(_, (p, f))| {
                let can_shorten = **f == Form::Long && p.short.is_some();
                **f != Form::Dropped && (can_shorten || p.prio > 0)
            })
            .max_by_key(|(i, (p, f))| (step_prio(p, **f), *i))
            .map(|(i, _)| i);
        let Some(i) = candidate else {
            return chosen;
        };
        if let (Some(form), Some(piece)) = (forms.get_mut(i), pieces.get(i)) {
            *form = if *form == Form::Long && piece.short.is_some() {
                Form::Short
            } else {
                Form::Dropped
            };
        }
    }
}

/// [`fit`], joined into one string.
pub(crate) fn fit_text(pieces: &[Piece], max: usize, sep: &str) -> String {
    let chosen: Vec<String> = fit(pieces, max, sep).into_iter().flatten().collect();
    chosen.join(sep)
}
