//! The statistics screen (`3`): protocols by layer as gauges, handshake outcomes with the
//! initial-RTT histogram (a bar chart), traffic over time (a chart, with the replay position
//! marked), and the IP conversations table (sortable; Enter filters the packet list to the
//! selected one). Pure drawing from the app's [`StatsScreen`](crate::app::StatsScreen).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Cell, Chart, Dataset, GraphType, LineGauge, Paragraph, Row,
    Table, Widget,
};

use crate::app::App;
use crate::flow::Outcome;
use crate::stats::report::{bytes_text, duration_text, rtt_bucket_label};
use crate::stats::{Handshakes, Stats};

use super::common::pane;
use super::palette::Palette;
use super::status;
use super::theme::Theme;

/// Draws the statistics screen into `area` (status bar included).
pub fn render(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let status_h = app.status_rows_for(area.width).min(area.height);
    let main = Rect {
        height: area.height - status_h,
        ..area
    };
    let bars = Rect {
        y: area.y + main.height,
        height: status_h,
        ..area
    };
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Percentage(40),
        Constraint::Percentage(25),
        Constraint::Min(4),
    ])
    .areas(main);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let screen = app.stats_screen();
    let stats = screen.stats();
    render_layers(t, stats, left, buf);
    let handshakes = Handshakes::from_flows(app.flows().tracker().flows());
    render_handshakes(t, stats, &handshakes, right, buf);
    render_traffic(t, app, stats, middle, buf);
    render_conversations(t, app, bottom, buf);
    status::render(t, app, bars, buf);
}

fn title(t: Theme, name: &str, extra: String) -> Line<'static> {
    Line::from(vec![
        Span::raw(format!(" {name} ")),
        Span::styled(extra, t.dim()),
    ])
}

fn render_layers(t: Theme, stats: &Stats, area: Rect, buf: &mut Buffer) {
    let inside = pane(
        t,
        area,
        title(
            t,
            "Protocols by layer",
            format!("{} packets ", stats.packets),
        ),
        false,
        buf,
    );
    let mut y = inside.y;
    let end = inside.y.saturating_add(inside.height);
    for (layer, protos) in stats.by_layer() {
        if protos.is_empty() || y >= end {
            continue;
        }
        Line::styled(
            layer.name(),
            t.layer_title(layer).add_modifier(Modifier::BOLD),
        )
        .render(
            Rect {
                y,
                height: 1,
                ..inside
            },
            buf,
        );
        y += 1;
        for p in protos.iter().take(3) {
            if y >= end {
                break;
            }
            let ratio = if stats.packets == 0 {
                0.0
            } else {
                (p.frames as f64 / stats.packets as f64).clamp(0.0, 1.0)
            };
            LineGauge::default()
                .ratio(ratio)
                .label(format!(
                    "{:<8} {:>7} {:>5.1}% ",
                    p.name,
                    p.frames,
                    ratio * 100.0
                ))
                .filled_style(t.layer_style(layer))
                .unfilled_style(t.dim())
                .render(
                    Rect {
                        y,
                        height: 1,
                        ..inside
                    },
                    buf,
                );
            y += 1;
        }
    }
    if stats.packets == 0 {
        Line::styled("no packets yet", t.dim()).render(inside, buf);
    }
}

fn render_handshakes(t: Theme, stats: &Stats, h: &Handshakes, area: Rect, buf: &mut Buffer) {
    let inside = pane(
        t,
        area,
        title(t, "Handshakes", format!("{} connections ", h.total())),
        false,
        buf,
    );
    let palette = Palette::of(t);
    let mut outcomes: Vec<Span> = Vec::new();
    for o in Outcome::ALL {
        let n = h.count(o);
        if n > 0 {
            outcomes.push(Span::styled(
                format!("{} {} {n}  ", o.symbol(), o.label()),
                palette.outcome(o),
            ));
        }
    }
    let rtt = match (h.rtt_quantile(0.5), h.rtt_quantile(0.95)) {
        (Some(m), Some(p)) => format!(
            "initial RTT median {} · p95 {}",
            duration_text(m),
            duration_text(p)
        ),
        _ => "no completed handshake yet".to_string(),
    };
    let s = &stats.segments;
    let lines = vec![
        Line::from(outcomes),
        Line::raw(rtt),
        Line::raw(format!(
            "SYN retransmitted {} (in {} conns) · retransmissions {:.2}% of {} segments",
            h.syn_retransmissions,
            h.flows_with_syn_retransmission,
            s.retransmission_rate() * 100.0,
            s.total
        )),
    ];
    let text_h = (lines.len() as u16).min(inside.height);
    Paragraph::new(lines).render(
        Rect {
            height: text_h,
            ..inside
        },
        buf,
    );
    let chart = Rect {
        y: inside.y + text_h,
        height: inside.height - text_h,
        ..inside
    };
    if chart.height < 3 || h.rtts_ns.is_empty() {
        return;
    }
    let hist = h.rtt_histogram();
    let lo = hist.iter().position(|&n| n > 0).unwrap_or(0);
    let hi = hist.iter().rposition(|&n| n > 0).unwrap_or(0);
    let bars: Vec<Bar> = hist
        .iter()
        .enumerate()
        .take(hi + 1)
        .skip(lo)
        .map(|(i, &n)| {
            let label = rtt_bucket_label(i);
            let short = label.split('–').next().unwrap_or("").to_string();
            Bar::new(n)
                .label(Line::from(short))
                .style(t.layer_style(crate::decode::LayerKind::Transport))
        })
        .collect();
    let n = bars.len().max(1) as u16;
    let width = (chart.width / n).saturating_sub(1).clamp(1, 7);
    BarChart::default()
        .data(BarGroup::new(bars))
        .bar_width(width)
        .bar_gap(1)
        .render(chart, buf);
}

fn render_traffic(t: Theme, app: &App, stats: &Stats, area: Rect, buf: &mut Buffer) {
    let Some(tl) = stats.timeline() else {
        pane(
            t,
            area,
            title(t, "Traffic over time", String::new()),
            false,
            buf,
        );
        return;
    };
    let secs = tl.bucket_ns as f64 / 1e9;
    let points: Vec<(f64, f64)> = (0..tl.buckets.len())
        .filter_map(|i| tl.rate(i).map(|(p, _)| (i as f64 * secs, p)))
        .collect();
    let peak = points.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1.0);
    let span = (tl.buckets.len() as f64 * secs).max(secs);
    // The replay clock's position, as a vertical line.
    let marker: Vec<(f64, f64)> = app
        .player()
        .and_then(|p| p.clock())
        .map(|c| c.position().saturating_sub(tl.start_ns) as f64 / 1e9)
        .filter(|x| (0.0..=span).contains(x))
        .map(|x| vec![(x, 0.0), (x, peak)])
        .unwrap_or_default();
    let peak_bytes = (0..tl.buckets.len())
        .filter_map(|i| tl.rate(i).map(|r| r.1))
        .fold(0.0f64, f64::max);
    let mut datasets = vec![
        Dataset::default()
            .name("packets/s")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.layer_style(crate::decode::LayerKind::Internet))
            .data(&points),
    ];
    if !marker.is_empty() {
        datasets.push(
            Dataset::default()
                .name("replay")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.fg(super::theme::VERMILLION))
                .data(&marker),
        );
    }
    let block = ratatui::widgets::Block::bordered()
        .border_style(t.border(false))
        .title(title(
            t,
            "Traffic over time",
            format!(
                "peak {:.0} pkt/s · {}/s · {} per point ",
                peak,
                bytes_text(peak_bytes as u64),
                duration_text(tl.bucket_ns)
            ),
        ));
    Chart::new(datasets)
        .block(block)
        .x_axis(
            Axis::default()
                .bounds([0.0, span])
                .labels(["0s".to_string(), format!("{span:.1}s")])
                .style(t.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, peak])
                .labels(["0".to_string(), format!("{peak:.0}")])
                .style(t.dim()),
        )
        .render(area, buf);
}

fn render_conversations(t: Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let screen = app.stats_screen();
    let convs = screen.conversations();
    let inside = pane(
        t,
        area,
        title(
            t,
            &format!("IP conversations ({})", convs.len()),
            format!(
                "sorted by {} · s: sort · Enter: show its packets ",
                screen.sort().name()
            ),
        ),
        true,
        buf,
    );
    let rows_fit = usize::from(inside.height.saturating_sub(1)).max(1);
    let selected = screen.selected().min(convs.len().saturating_sub(1));
    let first = selected.saturating_sub(rows_fit - 1);
    let start = app.stats_screen().stats().start_ns.unwrap_or(0);
    let rows: Vec<Row> = convs
        .iter()
        .enumerate()
        .skip(first)
        .take(rows_fit)
        .map(|(i, c)| {
            let row = Row::new(vec![
                Cell::from(app.redact(&c.a.to_string())),
                Cell::from(app.redact(&c.b.to_string())),
                Cell::from(format!("{}", c.frames_ab)),
                Cell::from(bytes_text(c.bytes_ab)),
                Cell::from(format!("{}", c.frames_ba)),
                Cell::from(bytes_text(c.bytes_ba)),
                Cell::from(duration_text(c.first_ns.saturating_sub(start))),
                Cell::from(duration_text(c.duration_ns())),
            ]);
            if i == selected {
                row.style(t.selected(true))
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(vec![
        "A",
        "B",
        "A→B pkts",
        "A→B bytes",
        "B→A pkts",
        "B→A bytes",
        "start",
        "duration",
    ])
    .style(t.header());
    Table::new(
        rows,
        [
            Constraint::Min(15),
            Constraint::Min(15),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Length(9),
            Constraint::Length(9),
        ],
    )
    .header(header)
    .style(Style::new())
    .render(inside, buf);
}
