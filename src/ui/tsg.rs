//! The time-sequence graph of one connection (Stevens / tcptrace style, as Wireshark draws it),
//! a pure ratatui widget ([`TimeSeqView`]) on the braille canvas: for the direction that
//! carried more data, each segment is a vertical stroke from its first to its last byte at its
//! time, retransmissions are marked `×`, the peer's ACK line steps under the strokes and the
//! receive window (ACK + scaled window) steps above them. Slow start, loss and recovery show as
//! the strokes' slope, gaps and `×`s. The selected packet is marked `◆`. Axis labels and a
//! legend are text, so it reads without colour. Depends on ratatui, `flow` and the ladder's row
//! model.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line, Points};

use crate::flow::{Direction, Flow, ms_text};

use super::ladder::rows::{Segment, bytes_text};
use super::paint::{put, put_right};
use super::palette::Palette;

/// One connection's time-sequence graph.
#[derive(Clone, Copy, Debug)]
pub struct TimeSeqView<'a> {
    flow: &'a Flow,
    segments: &'a [Segment],
    selected: Option<u64>,
    palette: Palette,
}

/// What the graph plots, in seconds since the flow's first packet and relative bytes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plot {
    /// The direction whose data is drawn.
    pub direction: Option<Direction>,
    /// Data segments: (time, first byte, end byte).
    pub strokes: Vec<(f64, f64, f64)>,
    /// Retransmitted segments' (time, end byte).
    pub retransmissions: Vec<(f64, f64)>,
    /// The peer's acknowledgments (time, ack) and receive window edge (time, ack + window).
    pub acks: Vec<(f64, f64)>,
    pub window: Vec<(f64, f64)>,
    pub max_t: f64,
    pub max_y: f64,
}

/// The data direction of a flow: the one that carried more payload bytes.
fn data_direction(segments: &[Segment]) -> Direction {
    let up: u64 = segments
        .iter()
        .filter(|s| s.to_server)
        .map(|s| u64::from(s.len))
        .sum();
    let down: u64 = segments
        .iter()
        .filter(|s| !s.to_server)
        .map(|s| u64::from(s.len))
        .sum();
    if down > up {
        Direction::ServerToClient
    } else {
        Direction::ClientToServer
    }
}

/// The receiver's window-scale shift once both SYNs offered scaling.
fn window_shift(flow: &Flow, receiver: Direction) -> u8 {
    let (own, peer) = match receiver {
        Direction::ClientToServer => (flow.client_options(), flow.server_options()),
        Direction::ServerToClient => (flow.server_options(), flow.client_options()),
    };
    match (
        own.and_then(|o| o.window_scale),
        peer.and_then(|p| p.window_scale),
    ) {
        (Some(s), Some(_)) => s.min(14),
        _ => 0,
    }
}

/// Builds the plot of `segments` (pure; tested without drawing).
pub fn plot(flow: &Flow, segments: &[Segment]) -> Plot {
    let direction = data_direction(segments);
    let mut p = Plot {
        direction: Some(direction),
        ..Plot::default()
    };
    let t0 = flow.first_ts_ns;
    let secs = |ts: i64| ts.saturating_sub(t0) as f64 / 1e9;
    let shift = window_shift(flow, direction.reverse());
    for s in segments {
        let t = secs(s.ts_ns);
        p.max_t = p.max_t.max(t);
        if s.direction() == direction {
            if s.len > 0 {
                let a = f64::from(s.rel_seq);
                let b = a + f64::from(s.len);
                p.strokes.push((t, a, b));
                p.max_y = p.max_y.max(b);
                if s.is_retransmission() {
                    p.retransmissions.push((t, b));
                }
            }
        } else if let Some(ack) = s.rel_ack {
            let ack = f64::from(ack);
            let win = (u64::from(s.window) << shift) as f64;
            p.acks.push((t, ack));
            p.window.push((t, ack + win));
        }
    }
    // The window edge may run far above the data: keep the data readable, clip the window
    // at twice the highest byte sent.
    let data_top = p.max_y;
    let win_top = p.window.iter().map(|w| w.1).fold(0.0, f64::max);
    p.max_y = p.max_y.max(win_top.min(data_top * 2.0)).max(1.0);
    p.max_t = p.max_t.max(1e-6);
    p
}

/// A step line through `points` (horizontal, then vertical), as tcptrace draws ACKs.
fn steps(points: &[(f64, f64)], max_y: f64) -> Vec<(f64, f64, f64, f64)> {
    let mut out = Vec::new();
    for w in points.windows(2) {
        if let [(x1, y1), (x2, y2)] = w {
            let (y1, y2) = (y1.min(max_y), y2.min(max_y));
            out.push((*x1, y1, *x2, y1));
            out.push((*x2, y1, *x2, y2));
        }
    }
    out
}

impl<'a> TimeSeqView<'a> {
    pub fn new(flow: &'a Flow, segments: &'a [Segment]) -> TimeSeqView<'a> {
        TimeSeqView {
            flow,
            segments,
            selected: None,
            palette: Palette::default(),
        }
    }

    /// Marks packet `no` (1-based frame number) on the graph.
    pub fn selected_packet(mut self, no: Option<u64>) -> Self {
        self.selected = no;
        self
    }

    pub fn theme(mut self, theme: super::theme::Theme) -> Self {
        self.palette = Palette::of(theme);
        self
    }

    /// No colours (NO_COLOR): the legend's symbols still tell the lines apart.
    pub fn monochrome(mut self, monochrome: bool) -> Self {
        self.palette.monochrome = monochrome;
        self
    }

    fn color(&self, c: Color) -> Color {
        if self.palette.monochrome {
            Color::Reset
        } else {
            c
        }
    }
}

impl Widget for TimeSeqView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        let p = self.palette;
        if area.width < 24 || area.height < 6 {
            put(
                buf,
                area,
                area.x,
                area.y,
                "enlarge for the graph",
                usize::from(area.width),
                p.dim(),
            );
            return;
        }
        let plot = plot(self.flow, self.segments);
        let w = usize::from(area.width);
        let dir = match plot.direction {
            Some(Direction::ServerToClient) => "server → client",
            _ => "client → server",
        };
        let legend = format!("{dir} bytes over time · │ data  × retransmission  ─ ACK  · window");
        put(buf, area, area.x, area.y, &legend, w, p.header());
        if plot.strokes.is_empty() {
            let y = area.y.saturating_add(2);
            put(
                buf,
                area,
                area.x.saturating_add(1),
                y,
                "no data segments in this connection",
                w,
                p.dim(),
            );
            return;
        }
        let label_w: u16 = 8;
        let top = bytes_text(plot.max_y as u64);
        put_right(
            buf,
            area,
            area.x.saturating_add(label_w - 2),
            area.y.saturating_add(1),
            &top,
            usize::from(label_w - 1),
            p.dim(),
        );
        let bottom_y = area.bottom().saturating_sub(2);
        put_right(
            buf,
            area,
            area.x.saturating_add(label_w - 2),
            bottom_y,
            "0",
            usize::from(label_w - 1),
            p.dim(),
        );
        let axis_y = area.bottom().saturating_sub(1);
        let canvas_area = Rect {
            x: area.x.saturating_add(label_w),
            y: area.y.saturating_add(1),
            width: area.width.saturating_sub(label_w),
            height: area.height.saturating_sub(2),
        };
        put(buf, area, canvas_area.x, axis_y, "0 s", w, p.dim());
        let end = format!("{} ms", ms_text((plot.max_t * 1e9) as i64));
        put_right(
            buf,
            area,
            area.right().saturating_sub(1),
            axis_y,
            &end,
            w,
            p.dim(),
        );

        let data = self.color(Color::LightBlue);
        let ack = self.color(Color::Green);
        let win = self.color(Color::Yellow);
        let max_y = plot.max_y;
        let t0 = self.flow.first_ts_ns;
        let selected = self
            .selected
            .and_then(|no| self.segments.iter().find(|s| s.packet_no == no))
            .map(|s| {
                let t = s.ts_ns.saturating_sub(t0) as f64 / 1e9;
                let y = if s.len > 0 && Some(s.direction()) == plot.direction {
                    f64::from(s.rel_seq) + f64::from(s.len)
                } else {
                    s.rel_ack.map_or(0.0, f64::from)
                };
                (t, y.min(max_y))
            });
        let window_points: Vec<(f64, f64)> = plot
            .window
            .iter()
            .map(|(t, y)| (*t, y.min(max_y)))
            .collect();
        let window_steps = steps(&window_points, max_y);
        let ack_steps = steps(&plot.acks, max_y);
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([0.0, plot.max_t])
            .y_bounds([0.0, max_y])
            .paint(|ctx| {
                // The window as dots only: it stays distinct from the ACK line without colour.
                ctx.draw(&Points::new(&window_points, win));
                for (x1, y1, x2, y2) in &window_steps {
                    if (y1 - y2).abs() < f64::EPSILON {
                        let n = 8;
                        let dots: Vec<(f64, f64)> = (0..n)
                            .map(|i| (x1 + (x2 - x1) * f64::from(i) / f64::from(n), *y1))
                            .collect();
                        ctx.draw(&Points::new(&dots, win));
                    }
                }
                for (x1, y1, x2, y2) in &ack_steps {
                    ctx.draw(&Line::new(*x1, *y1, *x2, *y2, ack));
                }
                ctx.layer();
                for (t, a, b) in &plot.strokes {
                    ctx.draw(&Line::new(*t, *a, *t, *b, data));
                }
                ctx.layer();
                for (t, b) in &plot.retransmissions {
                    ctx.print(
                        *t,
                        *b,
                        TextLine::from(Span::styled("×", p.severity(crate::flow::Severity::Note))),
                    );
                }
                if let Some((t, y)) = selected {
                    ctx.print(t, y, TextLine::from(Span::styled("◆", p.selected())));
                }
            })
            .render(canvas_area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{PacketAnalysis, Verdicts};

    #[test]
    fn steps_go_across_then_up() {
        let s = steps(&[(0.0, 1.0), (1.0, 5.0)], 10.0);
        assert_eq!(s, vec![(0.0, 1.0, 1.0, 1.0), (1.0, 1.0, 1.0, 5.0)]);
        // Clipped at the top.
        let s = steps(&[(0.0, 1.0), (1.0, 50.0)], 10.0);
        assert_eq!(s[1], (1.0, 1.0, 1.0, 10.0));
    }

    #[test]
    fn data_direction_is_the_one_with_more_bytes() {
        let seg = |to_server, len| Segment {
            to_server,
            len,
            analysis: PacketAnalysis {
                verdicts: Verdicts::NONE,
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(
            data_direction(&[seg(true, 10), seg(false, 100)]),
            Direction::ServerToClient
        );
        assert_eq!(
            data_direction(&[seg(true, 10), seg(false, 0)]),
            Direction::ClientToServer
        );
    }
}
