//! The Follow view (`F`): a pane over the screen (the status bar stays) with the two ends of
//! the connection, the conversation's lines — node 0's in vermillion after `▶`, node 1's in
//! sky blue after `◀`, so the direction reads without colour too (`NO_COLOR`) — gaps as
//! `[N bytes missing in capture file]`, the selected line reversed, and the keys. Pure
//! function of `&App`; the text comes from `app::follow` (printable ASCII, sanitized).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use super::common::{pane, put};
use super::theme::{SKY_BLUE, Theme, VERMILLION};
use crate::app::App;
use crate::app::follow::{FollowView, Sides};
use crate::reassembly::{Piece, Side};

/// The marker before each line of a direction.
pub fn marker(side: Side) -> &'static str {
    match side {
        Side::Node0 => "▶ ",
        Side::Node1 => "◀ ",
    }
}

fn side_style(t: Theme, side: Side) -> Style {
    match side {
        Side::Node0 => t.fg(VERMILLION),
        Side::Node1 => t.fg(SKY_BLUE),
    }
}

pub fn render(t: Theme, app: &App, v: &FollowView, area: Rect, buf: &mut Buffer) {
    let area = app.follow_area(area);
    if area.width < 8 || area.height < 5 {
        return;
    }
    Clear.render(area, buf);
    let sides = match v.sides() {
        Sides::Both => "both directions".to_string(),
        Sides::Only(s) => format!("node {} only", s.index()),
    };
    let title = Line::from(vec![
        Span::raw(format!(" Follow TCP flow {} · ", v.flow())),
        Span::styled(format!("{} · {sides} ", v.mode().name()), t.dim()),
    ]);
    let inside = pane(t, area, title, true, buf);
    let w = usize::from(inside.width);
    let (x, mut y) = (inside.x, inside.y);

    // Header: the two ends, each in its direction's look.
    let nodes = v.nodes();
    let mut at = x;
    for side in [Side::Node0, Side::Node1] {
        let addr = nodes[side.index()].map_or_else(|| "?".to_string(), |a| a.to_string());
        let sent = v.transcript().stats.delivered[side.index()];
        let text = format!("{}{addr} ({sent} bytes)   ", marker(side));
        let room = w.saturating_sub(usize::from(at - x));
        at = put(
            buf,
            at,
            y,
            &text,
            room,
            side_style(t, side).add_modifier(Modifier::BOLD),
        );
    }
    y += 1;

    let rows = usize::from(inside.height.saturating_sub(2));
    let lines = v.lines();
    let end = (v.scroll() + rows).min(lines.len());
    for (k, line) in lines.get(v.scroll()..end).unwrap_or(&[]).iter().enumerate() {
        let row = y + k as u16;
        let Some((side, text)) = v.line_text(line) else {
            continue;
        };
        let gap = v
            .chunk_of(line)
            .is_some_and(|c| matches!(c.piece, Piece::Gap { .. }));
        let mut style = if gap { t.note() } else { side_style(t, side) };
        if v.scroll() + k == v.selected() {
            style = style.patch(t.selected(true));
            buf.set_style(Rect::new(x, row, inside.width, 1), t.selected(true));
        }
        let after = put(buf, x, row, marker(side), w, side_style(t, side));
        put(
            buf,
            after,
            row,
            &text,
            w.saturating_sub(usize::from(after - x)),
            style,
        );
    }
    if lines.is_empty() {
        put(
            buf,
            x,
            y,
            "no payload in this connection (only the handshake or empty segments)",
            w,
            t.dim(),
        );
    }

    // Footer: where the selected chunk came from, what was lost, the keys.
    let foot_y = inside.y + inside.height.saturating_sub(1);
    let mut foot = String::new();
    if let Some(c) = v.selected_chunk() {
        foot.push_str(&format!("packet {} · ", c.frame));
    }
    let st = &v.transcript().stats;
    let missing: u64 = st.missing.iter().sum();
    let dropped: u64 = v.transcript().dropped.iter().sum();
    if missing > 0 {
        foot.push_str(&format!("{missing} bytes missing · "));
    }
    if dropped > 0 {
        foot.push_str(&format!("{dropped} bytes not kept (memory limit) · "));
    }
    foot.push_str("m mode · d direction · Enter packet · S save · Esc close");
    put(buf, x, foot_y, &foot, w, t.dim());
}
