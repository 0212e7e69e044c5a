//! The layer pane: the selected packet as four stacked boxes — Link, Internet, Transport,
//! Application — each a title bar in its layer's colour followed by its fields as
//! `name  value  meaning` (names in the layer's colour), folded to the title when collapsed,
//! dim `—` when the packet has no such layer, decode issues marked ⚠ in vermillion (notes ℹ in
//! blue) on the layer where they happened. Only the rows on screen are drawn. Pure function of `&App`; depends on `app` (read only), `decode`
//! types and the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::app::{App, Focus, LayerRow, RowKind};
use crate::decode::LayerKind;

use super::common::{cell, pane, put, scrollbar};
use super::paint::{truncate, width};
use crate::ui::theme::Theme;

/// Width of the name column for `layer`'s field rows.
fn name_width(rows: &[LayerRow], layer: LayerKind, pane_w: usize) -> usize {
    let widest = rows
        .iter()
        .filter(|r| r.layer == layer)
        .filter_map(|r| match &r.kind {
            RowKind::Field { name, depth, .. } => Some(width(name) + 2 * usize::from(*depth)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    widest.clamp(4, (pane_w / 2).clamp(8, 24))
}

fn draw_row(t: Theme, row: &LayerRow, name_w: usize, area: Rect, y: u16, buf: &mut Buffer) {
    let w = usize::from(area.width);
    let bar = t.layer_style(row.layer);
    match &row.kind {
        RowKind::Title {
            protocols,
            collapsed,
            empty,
            issues,
            fields,
        } => {
            if *empty {
                let text = format!("  {}  —", row.layer.name());
                put(buf, area.x, y, &text, w, t.dim());
                return;
            }
            let style = t.layer_title(row.layer);
            buf.set_style(Rect::new(area.x, y, area.width, 1), style);
            let arrow = if *collapsed { '▸' } else { '▾' };
            let mut right = String::new();
            if *collapsed && *fields > 0 {
                right.push_str(&format!("{fields} fields "));
            }
            let left = format!("{arrow} {}  {protocols}", row.layer.name());
            let right_w = width(&right);
            let issue_w = if *issues > 0 {
                4 + issues.to_string().len()
            } else {
                0
            };
            let left_max = w.saturating_sub(right_w + issue_w);
            put(buf, area.x, y, &left, left_max, style);
            let mut x = area.x + area.width - (right_w + issue_w).min(w) as u16;
            if *issues > 0 {
                x = put(buf, x, y, &format!(" ⚠ {issues} "), issue_w, t.issue());
            }
            put(buf, x, y, &right, right_w, style);
        }
        RowKind::Header { protocol } => {
            let text = format!("  {protocol}");
            put(buf, area.x, y, &text, w, bar.add_modifier(Modifier::BOLD));
        }
        RowKind::Field {
            name,
            value,
            meaning,
            depth,
        } => {
            let mut x = put(buf, area.x, y, "  ", w, Style::new());
            let indent = 2 * usize::from(*depth);
            let name_cell = format!(
                "{}{}",
                " ".repeat(indent),
                cell(name, name_w.saturating_sub(indent), false)
            );
            let left = |x: u16| w.saturating_sub(usize::from(x - area.x));
            x = put(buf, x, y, &name_cell, left(x), bar);
            x = put(buf, x, y, "  ", left(x), Style::new());
            // A value or meaning that does not fit ends in `…`: never cut silently.
            let value_fits = width(value) <= left(x);
            x = put(
                buf,
                x,
                y,
                &truncate(value, left(x)),
                left(x),
                Style::new().add_modifier(Modifier::BOLD),
            );
            if !meaning.is_empty() && value_fits && left(x) > 2 {
                x = put(buf, x, y, "  ", left(x), Style::new());
                put(buf, x, y, &truncate(meaning, left(x)), left(x), t.dim());
            }
        }
        RowKind::Issue {
            message,
            first,
            kind,
            ..
        } => {
            let x = put(buf, area.x, y, "  ", w, Style::new());
            let (mark, style) = if kind.breaks() {
                ("⚠", t.issue())
            } else {
                ("ℹ", t.note())
            };
            let text = if *first {
                format!("{mark} {message}")
            } else {
                format!("  {message}")
            };
            put(buf, x, y, &text, w.saturating_sub(2), style);
        }
    }
}

/// `row` with the addresses in its text masked (`--redact`).
fn redacted(app: &App, row: &LayerRow) -> LayerRow {
    let mut row = row.clone();
    match &mut row.kind {
        RowKind::Title { protocols, .. } => *protocols = app.redact(protocols),
        RowKind::Header { protocol } => *protocol = app.redact(protocol),
        RowKind::Field { value, meaning, .. } => {
            *value = app.redact(value);
            *meaning = app.redact(meaning);
        }
        RowKind::Issue { message, .. } => *message = app.redact(message),
    }
    row
}

/// Draws the layer pane into its bordered `area`, titled `title`.
pub fn render(t: Theme, app: &App, area: Rect, title: Line<'_>, buf: &mut Buffer) {
    let screen = app.packets();
    let focused = screen.focus() == Focus::Layers;
    let inside = pane(t, area, title, focused, buf);
    if inside.height == 0 || inside.width == 0 {
        return;
    }
    let Some(detail) = screen.detail() else {
        let msg = if app.is_running() {
            "waiting for packets…"
        } else {
            "no packet selected"
        };
        put(
            buf,
            inside.x + 1,
            inside.y,
            msg,
            usize::from(inside.width),
            t.dim().add_modifier(Modifier::ITALIC),
        );
        return;
    };
    let rows = &detail.rows;
    let visible = usize::from(inside.height);
    let first = screen.layer_scroll().min(rows.len());
    let names: Vec<usize> = LayerKind::ALL
        .iter()
        .map(|l| name_width(rows, *l, usize::from(inside.width)))
        .collect();
    for (i, row) in rows.iter().enumerate().skip(first).take(visible) {
        let y = inside.y + (i - first) as u16;
        let name_w = LayerKind::ALL
            .iter()
            .position(|l| *l == row.layer)
            .and_then(|p| names.get(p).copied())
            .unwrap_or(12);
        if app.redacting() {
            draw_row(t, &redacted(app, row), name_w, inside, y, buf);
        } else {
            draw_row(t, row, name_w, inside, y, buf);
        }
        if i == screen.field() {
            let line = Rect::new(inside.x, y, inside.width, 1);
            if !focused && row.is_title() {
                buf.set_style(line, Style::new().add_modifier(Modifier::UNDERLINED));
            } else {
                buf.set_style(line, t.selected(focused));
            }
        }
    }
    scrollbar(t, area, rows.len(), first, visible, buf);
    show_cut_selection(t, app, area, inside, &names, buf);
}

/// The selected field's whole value and meaning on the pane's bottom border when its row
/// cut them (with `…`): a long value is never out of reach.
fn show_cut_selection(
    t: Theme,
    app: &App,
    area: Rect,
    inside: Rect,
    names: &[usize],
    buf: &mut Buffer,
) {
    let Some(row) = app.packets().selected_row() else {
        return;
    };
    let row = if app.redacting() {
        redacted(app, row)
    } else {
        row.clone()
    };
    let RowKind::Field {
        value,
        meaning,
        depth,
        ..
    } = &row.kind
    else {
        return;
    };
    let name_w = LayerKind::ALL
        .iter()
        .position(|l| *l == row.layer)
        .and_then(|p| names.get(p).copied())
        .unwrap_or(12)
        .max(2 * usize::from(*depth));
    let full = if meaning.is_empty() {
        value.clone()
    } else {
        format!("{value}  {meaning}")
    };
    // Two spaces, the name column, two spaces, then the value and its meaning.
    if name_w + 4 + width(&full) <= usize::from(inside.width) || area.height < 3 {
        return;
    }
    let max = usize::from(area.width.saturating_sub(2));
    let text = truncate(&format!(" {full} "), max);
    put(
        buf,
        area.x + 1,
        area.y + area.height - 1,
        &text,
        max,
        t.selected(true),
    );
}
