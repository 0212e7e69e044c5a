//! The lesson's cards drawn over either screen: the scenario menu (`M`, one line per scenario
//! saying what it teaches), the closing card after a demo scenario's last packet ("what you
//! saw: …" and the next scenario), and the quiz's question and answer cards. Cards sit at the
//! bottom, above the status bar, so the packet list stays in view; the menu is centred. Pure
//! function of `&App`; depends on `app` (read only), `teach::demo` and the ui helpers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use crate::app::App;
use crate::app::layers::wrap;
use crate::teach::demo::SCENARIOS;

use super::ladder::LadderView;

use super::common::{pane, put};
use super::paint::{truncate, width};
use super::theme;
use crate::ui::theme::Theme;

/// Draws whichever lesson card is open (at most one).
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    if let Some(row) = app.scenario_menu() {
        menu(t, app, row, area, buf);
    } else if let Some(q) = app.quiz_question() {
        let lines = vec![
            (
                app.redact(&q.text),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            (String::new(), Style::new()),
            (
                "n or Enter: show the packet · Esc: skip · p: quiz off".into(),
                t.dim(),
            ),
        ];
        card(t, app, " Predict ", &lines, area, buf);
    } else if let Some(q) = app.quiz_answer() {
        let lines = vec![
            (
                app.redact(&q.answer),
                t.fg(theme::GREEN).add_modifier(Modifier::BOLD),
            ),
            (
                format!("(TCP {} selected in the layers and bytes)", q.field()),
                t.dim(),
            ),
        ];
        card(t, app, " Answer ", &lines, area, buf);
    } else if let Some(c) = app.closing_card() {
        let lines = vec![
            (
                format!("What you saw: {}", c.scenario.recap),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            (String::new(), Style::new()),
            (
                format!("Next: {} — {}", c.next.name, c.next.teaches),
                Style::new(),
            ),
            (
                "Enter or > next · < previous · M all scenarios · b back · Esc close".into(),
                t.dim(),
            ),
        ];
        let title = format!(" {} · done ", c.scenario.name);
        card(t, app, &title, &lines, area, buf);
    }
}

/// A bordered card of wrapped `lines` across the bottom of `area`, above the status bar.
fn card(t: Theme, app: &App, title: &str, lines: &[(String, Style)], area: Rect, buf: &mut Buffer) {
    let status = app.status_rows_for(area.width).min(area.height);
    let room = area.height.saturating_sub(status);
    let w = area.width.saturating_sub(2).min(100);
    if w < 12 || room < 3 {
        return;
    }
    let inner_w = usize::from(w.saturating_sub(4));
    let mut rows: Vec<(String, Style)> = Vec::new();
    for (text, style) in lines {
        if text.is_empty() {
            rows.push((String::new(), *style));
            continue;
        }
        for l in wrap(text, inner_w) {
            rows.push((l, *style));
        }
    }
    let h = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX).min(room);
    let x = area.x + (area.width - w) / 2;
    let y = area.y + room - h;
    let rect = Rect::new(x, y, w, h);
    Clear.render(rect, buf);
    let inside = pane(t, rect, Line::from(title.to_string()), true, buf);
    let shown = usize::from(inside.height);
    for (i, (text, style)) in rows.iter().take(shown).enumerate() {
        let mut text = text.clone();
        if i + 1 == shown && rows.len() > shown {
            // Cut short by a small terminal: say so.
            text = truncate(&format!("{text} …"), inner_w + 1);
        }
        put(
            buf,
            inside.x + 1,
            inside.y + i as u16,
            &text,
            usize::from(inside.width.saturating_sub(1)),
            *style,
        );
    }
}

/// The scenario menu: one line per scenario (number, name, what it teaches), centred.
fn menu(t: Theme, app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let current = app.demo_position().map(|(i, _, _)| i - 1);
    let name_w = SCENARIOS.iter().map(|s| width(s.name)).max().unwrap_or(0);
    let want_w = SCENARIOS
        .iter()
        .map(|s| name_w + width(s.teaches) + 8)
        .max()
        .unwrap_or(40)
        + 2;
    let w = u16::try_from(want_w).unwrap_or(u16::MAX).min(area.width);
    let h = u16::try_from(SCENARIOS.len() + 4)
        .unwrap_or(u16::MAX)
        .min(area.height);
    if w < 10 || h < 3 {
        return;
    }
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    let title = Line::from(" Scenarios · ↑ ↓ Enter open · 1-8 · Esc close ");
    let inside = pane(t, rect, title, true, buf);
    let iw = usize::from(inside.width);
    for (i, sc) in SCENARIOS.iter().enumerate() {
        let Some(y) = inside
            .y
            .checked_add(u16::try_from(i + 1).unwrap_or(u16::MAX))
        else {
            break;
        };
        if y >= inside.y + inside.height {
            break;
        }
        let mark = if current == Some(i) { '▶' } else { ' ' };
        let text = format!(
            "{mark}{} {:name_w$}  {}",
            i + 1,
            sc.name,
            sc.teaches,
            name_w = name_w
        );
        let style = if i == selected {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        put(buf, inside.x, y, &truncate(&text, iw), iw, style);
    }
}

/// The lesson layout's ladder: the selected packet's connection, its arrow highlighted.
pub fn render_ladder(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    if area.height < 3 || area.width < 10 {
        return;
    }
    let view = app
        .packets()
        .detail()
        .and_then(|d| app.shown().get(d.index));
    let no = view.as_ref().map(|v| v.number.saturating_add(1));
    let flow = view
        .and_then(|v| v.flow)
        .and_then(|id| app.flows().tracker().get(id));
    let Some(flow) = flow else {
        let inside = pane(t, area, Line::from(" Ladder "), false, buf);
        put(
            buf,
            inside.x.saturating_add(1),
            inside.y,
            "not a TCP packet: no connection ladder",
            usize::from(inside.width.saturating_sub(1)),
            t.dim(),
        );
        return;
    };
    let event = flow.ladder.iter().position(|e| Some(e.packet_no) == no);
    let title = Line::from(format!(" Ladder of flow {} ", flow.id));
    let inside = pane(t, area, title, false, buf);
    let timings = app.flows().timings(flow.id);
    let flow = app.redact_flow(flow);
    LadderView::new(&flow, timings, app.now_ns())
        .selected_event(event)
        .theme(t)
        .render(inside, buf);
}
