//! Drawing: pure functions from `&App` to a ratatui buffer. Nothing here changes state or
//! touches the terminal; the same `&App` always draws the same screen, which is what the
//! snapshot tests rely on. Depends on `app` (read only), `decode` types and ratatui.

pub(crate) mod bar;
pub(crate) mod common;
pub(crate) mod explain;
pub mod flow_list;
pub(crate) mod flows;
pub(crate) mod help;
pub(crate) mod hex;
pub mod ladder;
pub(crate) mod layers;
pub(crate) mod packet_list;
pub(crate) mod paint;
pub(crate) mod palette;
pub(crate) mod progress;
pub(crate) mod stats;
pub(crate) mod status;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::layout::{TAB_HEX, TAB_LAYERS, TAB_SEPARATOR};
use crate::app::{App, DetailLayout, Focus, Screen};

/// Draws the whole screen for `app` into `buf` over `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let look = app.theme();
    let t = theme::Theme::new(look);
    if look.contrast && !look.monochrome {
        // Bright colours on black, whatever the terminal's own background.
        buf.set_style(
            area,
            Style::new()
                .bg(ratatui::style::Color::Black)
                .fg(ratatui::style::Color::White),
        );
    }
    match app.screen() {
        Screen::Packets => render_packets(t, app, area, buf),
        Screen::Flows => flows::render(t, app, area, buf),
        Screen::Stats => stats::render(t, app, area, buf),
    }
    if app.help_visible() {
        help::render(t, app, area, buf);
    }
}

/// Draws `app` into a ratatui frame (what the main loop calls).
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

fn plain_title(t: theme::Theme, name: &str, extra: String) -> Line<'static> {
    Line::from(vec![
        Span::raw(format!(" {name} ")),
        Span::styled(extra, t.dim()),
    ])
}

fn tabs_title(t: theme::Theme, show_hex: bool, explain: bool, packet_no: String) -> Line<'static> {
    let on = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    let off = t.dim();
    let (l, h) = if show_hex { (off, on) } else { (on, off) };
    Line::from(vec![
        Span::styled(TAB_LAYERS, l),
        Span::styled(TAB_SEPARATOR, t.dim()),
        Span::styled(if explain { " Explain " } else { TAB_HEX }, h),
        Span::styled(
            if packet_no.is_empty() {
                " Tab switches ".to_string()
            } else {
                format!(" {packet_no}· Tab switches ")
            },
            t.dim(),
        ),
    ])
}

fn bytes_extra(app: &App) -> String {
    match app.packets().detail() {
        Some(d) if d.caplen < d.len => format!("{} of {} captured ", d.caplen, d.len),
        Some(d) => format!("{} ", d.caplen),
        None => String::new(),
    }
}

fn render_packets(t: theme::Theme, app: &App, area: Rect, buf: &mut Buffer) {
    let layout = app.packet_layout_in(area);
    packet_list::render(t, app, layout.list, buf);
    let screen = app.packets();
    // A TCP packet names its flow and the key to its ladder.
    let packet_no = screen
        .detail()
        .and_then(|d| app.shown().get(d.index))
        .map(|v| {
            // The frame number, which stays when older packets are evicted.
            let no = v.number.saturating_add(1);
            match v.flow {
                Some(id) => format!("packet {no} · L: flow {id} ladder "),
                None => format!("packet {no} "),
            }
        })
        .unwrap_or_default();
    let explain_on = app.explain_open();
    let hex_focused = screen.focus() == Focus::Hex;
    match layout.detail {
        DetailLayout::Split { layers: l, hex: h } => {
            layers::render(t, app, l, plain_title(t, "Layers", packet_no), buf);
            if explain_on {
                let title = plain_title(t, "Explain", "e: hide ".into());
                explain::render(t, app, h, title, hex_focused, buf);
            } else {
                hex::render(t, app, h, plain_title(t, "Bytes", bytes_extra(app)), buf);
            }
        }
        DetailLayout::Tabbed { area } => {
            if screen.show_hex() && explain_on {
                let title = tabs_title(t, true, true, packet_no);
                explain::render(t, app, area, title, hex_focused, buf);
            } else if screen.show_hex() {
                hex::render(t, app, area, tabs_title(t, true, false, packet_no), buf);
            } else {
                layers::render(
                    t,
                    app,
                    area,
                    tabs_title(t, false, explain_on, packet_no),
                    buf,
                );
            }
        }
    }
    status::render(t, app, layout.status, buf);
}
