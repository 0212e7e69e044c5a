//! The flows screen: the flows list (only its visible rows are built, each with its own
//! animation progress) and the selected flow's ladder diagram drawn in full at the app's
//! presentation time, side by side on wide terminals and stacked at 80×24, over the status
//! bar. Pane titles name the keys that act on them. Pure function of `&App`; depends on `app`
//! (read only), `anim`, `flow` and the sibling widgets.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use crate::app::{App, FlowFocus};
use crate::flow::Flow;
use crate::teach::anim::FlowProgress;

use super::common::{put, scrollbar_styled};
use super::flow_list::FlowListView;
use super::ladder::LadderView;
use super::ladder::rows::Row;
use super::status;
use crate::ui::theme::Theme;

/// Draws a bordered pane titled `name` with a dim `extra`; returns its inside.
fn pane(
    t: Theme,
    _app: &App,
    area: Rect,
    name: String,
    extra: String,
    focused: bool,
    buf: &mut Buffer,
) -> Rect {
    let mut spans = vec![Span::raw(format!(" {name} "))];
    if !extra.is_empty() {
        spans.push(Span::styled(format!("· {extra}"), t.dim()));
    }
    let title = Line::from(spans);
    let block = Block::bordered()
        .border_style(t.border(focused))
        .title(title);
    let inside = block.inner(area);
    block.render(area, buf);
    inside
}

fn render_list(t: Theme, app: &App, area: Rect, rows: usize, buf: &mut Buffer) {
    let fs = app.flows();
    let focused = fs.focus() == FlowFocus::List;
    let hint = if focused && !fs.is_empty() {
        "Enter: ladder · s: sort · a: replay ".to_string()
    } else {
        String::new()
    };
    let name = format!("Flows ({})", fs.order().len());
    let inside = pane(t, app, area, name, hint, focused, buf);
    let now = app.now_ns();
    let owned: Vec<std::borrow::Cow<'_, Flow>> = fs
        .visible_ids(rows)
        .iter()
        .filter_map(|id| fs.tracker().get(*id))
        .map(|f| app.redact_flow(f))
        .collect();
    let flows: Vec<&Flow> = owned.iter().map(|f| f.as_ref()).collect();
    let progress: Vec<FlowProgress> = flows.iter().map(|f| fs.progress(f.id, now)).collect();
    FlowListView::new(&flows)
        .progress(&progress)
        .first_index(fs.scroll())
        .selected(fs.selected_index())
        .total(fs.order().len())
        .sort(fs.sort())
        .theme(t)
        .render(inside, buf);
    let styles = (t.border(true), t.border(false));
    scrollbar_styled(area, fs.order().len(), fs.scroll(), rows, styles, buf);
}

fn render_ladder(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let fs = app.flows();
    let focused = fs.focus() == FlowFocus::Ladder;
    let Some(flow) = fs.selected_flow() else {
        let inside = pane(t, app, area, "Ladder".into(), String::new(), focused, buf);
        let text = if fs.is_empty() {
            "the ladder of the selected TCP flow appears here"
        } else {
            "select a flow"
        };
        put(
            buf,
            inside.x.saturating_add(1),
            inside.y,
            text,
            usize::from(inside.width.saturating_sub(1)),
            t.dim(),
        );
        return;
    };
    let event = if focused { fs.selected_event() } else { None };
    let segments = app.flow_segments(flow);
    let name = format!("Ladder of flow {}", flow.id);
    let flow = app.redact_flow(flow);
    if fs.graph() {
        let name = format!("Time-sequence graph of flow {}", flow.id);
        let hint = "t: ladder · ↑↓: select a segment ".to_string();
        let inside = pane(t, app, area, name, hint, focused, buf);
        let selected = fs.selected_row().map(|r| r.packet_no);
        super::tsg::TimeSeqView::new(&flow, &segments)
            .selected_packet(selected)
            .theme(t)
            .render(inside, buf);
        return;
    }
    let view = LadderView::new(&flow, fs.timings(flow.id), app.now_ns())
        .segments(&segments)
        .expanded(fs.expanded())
        .selected_event(event)
        .theme(t);
    let rows = view.rows();
    let hint = match event.and_then(|e| rows.get(e).map(|r| (e, r))) {
        Some((e, Row::Run(_))) => format!("row {}/{} · Enter: expand ", e + 1, rows.len()),
        Some((e, r)) => format!(
            "row {}/{} · Enter: packet {} ",
            e.saturating_add(1),
            rows.len(),
            r.packet_no(&flow).unwrap_or(0)
        ),
        None if focused => "↑↓: select an arrow · a: replay · t: graph ".to_string(),
        None => "Tab: select arrows · t: graph ".to_string(),
    };
    let inside = pane(t, app, area, name, hint, focused, buf);
    view.render(inside, buf);
}

/// Draws the flows screen into `area` of `buf` (the frame being drawn, whatever size the app
/// last heard of).
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let layout = app.flows_layout_in(area);
    render_list(t, app, layout.list, layout.list_rows(), buf);
    render_ladder(t, app, layout.ladder, buf);
    // The explain panel sits on the first rows of the bottom area, the bars below it.
    let eh = app.flows_explain_rows_in(area).min(layout.status.height);
    let mut bars = layout.status;
    if eh > 0 {
        let area = Rect {
            height: eh,
            ..layout.status
        };
        let title = Line::from(vec![
            Span::raw(" Explain "),
            Span::styled("· e: hide ", t.dim()),
        ]);
        super::explain::render(t, app, area, title, false, buf);
        bars = Rect {
            y: bars.y + eh,
            height: bars.height - eh,
            ..bars
        };
    }
    status::render(t, app, bars, buf);
}
