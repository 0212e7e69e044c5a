//! The packet screen's own state: selected packet, list scroll, focused pane, folded layers,
//! selected layer row, layer and hex scroll, follow mode, and the cached full decode of the
//! selected packet (decoded once per selection change, never per frame). Keys and mouse
//! actions arrive here from [`crate::app::App::update`] together with the store and the
//! current layout. Depends on `decode`, the app's store, layers and layout modules.

use super::cursor::{clicked_row, keep_visible, step};
use std::ops::Range;

use ratatui::layout::Rect;

use crate::decode::{Decoded, Field, LayerKind};
use crate::flow::PacketAnalysis;
use crate::teach::explain;

use super::decoder::Decoder;
use super::keys::{Key, Mouse, MouseKind};
use super::layers::{LayerRow, RowKind, layer_rows};
use super::layout::{self, DetailLayout, PacketLayout, contains, inner};
use super::shown::Shown;

/// Bytes per hex-pane row.
pub const HEX_BYTES_PER_ROW: usize = 16;
/// Rows one wheel notch scrolls.
const WHEEL_STEP: usize = 3;

/// The pane keys go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    List,
    Layers,
    Hex,
}

impl Focus {
    fn next(self) -> Focus {
        match self {
            Focus::List => Focus::Layers,
            Focus::Layers => Focus::Hex,
            Focus::Hex => Focus::List,
        }
    }
    fn prev(self) -> Focus {
        match self {
            Focus::List => Focus::Hex,
            Focus::Layers => Focus::List,
            Focus::Hex => Focus::Layers,
        }
    }
}

/// Adds the "Analysis" group (Wireshark's sequence analysis, explained) to the TCP header.
fn add_analysis(decoded: &mut Decoded, a: &PacketAnalysis) {
    let Some(tcp) = decoded.summary.tcp else {
        return;
    };
    let Some(header) = decoded.headers.iter_mut().find(|h| h.protocol == "TCP") else {
        return;
    };
    let range = header.range.clone();
    let children: Vec<Field> = explain::analysis_lines(a, tcp.payload_len, tcp.window)
        .into_iter()
        .map(|(name, value)| Field {
            name,
            value,
            meaning: String::new(),
            range: range.clone(),
            children: Vec::new(),
            typed: None,
        })
        .collect();
    let value = a
        .verdicts
        .iter()
        .map(|v| v.note.trim_start_matches("TCP "))
        .collect::<Vec<_>>()
        .join(", ");
    header.fields.push(Field {
        name: "Analysis".into(),
        value,
        meaning: a
            .verdicts
            .severity()
            .map(|s| s.symbol().to_string())
            .unwrap_or_default(),
        range,
        children,
        typed: None,
    });
}

/// The selected packet's full decode and the layer-pane rows built from it.
#[derive(Clone, Debug)]
pub struct Detail {
    /// Index of the packet in the store.
    pub index: usize,
    pub decoded: Decoded,
    pub rows: Vec<LayerRow>,
    /// Captured length of the packet (for the hex pane's row count).
    pub caplen: usize,
    /// Length on the wire.
    pub len: usize,
    /// Width the issue messages in `rows` were wrapped to.
    pub wrap_width: usize,
}

/// State of the packet screen.
#[derive(Clone, Debug)]
pub struct PacketScreen {
    selected: Option<usize>,
    scroll: usize,
    focus: Focus,
    /// In the narrow (tabbed) layout: the hex pane is the visible tab.
    show_hex: bool,
    collapsed: [bool; 4],
    field: usize,
    layer_scroll: usize,
    hex_scroll: usize,
    follow: bool,
    detail: Option<Detail>,
    /// Application summaries (`A? example.com`, `GET / HTTP/1.1`) of the visible packets
    /// whose protocol was recognised, by packet index; only the fast summary is kept per
    /// packet, so these come from a full decode of just the rows on screen.
    visible_app: Vec<(usize, String)>,
}

fn layer_index(layer: LayerKind) -> usize {
    LayerKind::ALL
        .iter()
        .position(|l| *l == layer)
        .unwrap_or_default()
}

/// Number of hex rows for a packet of `caplen` captured bytes.
pub fn hex_rows(caplen: usize) -> usize {
    caplen.div_ceil(HEX_BYTES_PER_ROW)
}

/// Digits the hex pane's offset column needs for a packet of `caplen` bytes (at least 4).
pub fn hex_offset_digits(caplen: usize) -> usize {
    let mut digits = 1;
    let mut n = caplen.saturating_sub(1) >> 4;
    while n > 0 {
        digits += 1;
        n >>= 4;
    }
    digits.max(4)
}

/// Column (relative to the pane's inside) of byte `j` (0..16) of a hex row, and of its ASCII
/// character, for an offset column of `digits` digits.
pub fn hex_byte_columns(digits: usize, j: usize) -> (usize, usize) {
    let hex = digits + 2 + 3 * j + usize::from(j >= 8);
    let ascii = digits + 2 + 3 * HEX_BYTES_PER_ROW + 1 + 1 + j;
    (hex, ascii)
}

impl PacketScreen {
    pub fn new(follow: bool) -> PacketScreen {
        PacketScreen {
            selected: None,
            scroll: 0,
            focus: Focus::List,
            show_hex: false,
            collapsed: [false; 4],
            field: 0,
            layer_scroll: 0,
            hex_scroll: 0,
            follow,
            detail: None,
            visible_app: Vec::new(),
        }
    }

    pub fn selected(&self) -> Option<usize> {
        self.selected
    }
    /// Index of the first packet row shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }
    pub fn focus(&self) -> Focus {
        self.focus
    }
    /// Narrow layout: whether the hex tab (rather than the layers tab) is shown.
    pub fn show_hex(&self) -> bool {
        self.show_hex
    }
    pub fn is_collapsed(&self, layer: LayerKind) -> bool {
        self.collapsed
            .get(layer_index(layer))
            .copied()
            .unwrap_or(false)
    }
    /// Index of the selected row of the layer pane.
    pub fn field(&self) -> usize {
        self.field
    }
    pub fn layer_scroll(&self) -> usize {
        self.layer_scroll
    }
    pub fn hex_scroll(&self) -> usize {
        self.hex_scroll
    }
    pub fn follow(&self) -> bool {
        self.follow
    }
    /// Follows the newest shown packet (on) or stays on the selected one (off).
    pub fn set_follow(&mut self, follow: bool) {
        self.follow = follow;
    }
    /// Narrow layout: shows the second tab (hex, or the explain panel) or the layers tab.
    pub fn set_show_hex(&mut self, show: bool) {
        self.show_hex = show;
    }
    /// Forgets the selection and the list scroll (a replay rebuilt what is shown); the
    /// folded layers, the focus and the cached decode stay.
    pub fn restart_position(&mut self) {
        self.selected = None;
        self.scroll = 0;
    }
    /// Forgets everything tied to row numbers — selection, scroll, cached decode and
    /// application summaries — because the rows now list other packets (a display filter
    /// was applied or cleared). Folded layers and the focus stay.
    pub fn forget_rows(&mut self) {
        self.selected = None;
        self.scroll = 0;
        self.detail = None;
        self.visible_app.clear();
    }

    pub fn detail(&self) -> Option<&Detail> {
        self.detail.as_ref()
    }
    /// The application summary of visible packet `index`, when it has one.
    pub fn app_line(&self, index: usize) -> Option<&str> {
        self.visible_app
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, s)| s.as_str())
            .filter(|s| !s.is_empty())
    }

    /// Fetches the application summaries of the packets now on screen, decoding only those
    /// with a recognised application protocol that were not on screen before.
    pub fn refresh_visible(
        &mut self,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        let start = self.scroll.min(store.len());
        let end = start.saturating_add(layout.list_rows()).min(store.len());
        let mut next = Vec::new();
        for i in start..end {
            let Some(view) = store.get(i) else {
                continue;
            };
            if view.summary.app.is_none() {
                continue;
            }
            if let Some(pos) = self.visible_app.iter().position(|(j, _)| *j == i) {
                next.push(self.visible_app.swap_remove(pos));
                continue;
            }
            let text = match self.detail.as_ref().filter(|d| d.index == i) {
                Some(d) => d.decoded.app_summary.clone(),
                None => decoder.decode(view.link, &view.data, view.len).app_summary,
            };
            // An empty entry remembers "decoded, nothing to say" so it is not decoded again.
            next.push((i, text.unwrap_or_default()));
        }
        self.visible_app = next;
    }

    /// The selected row of the layer pane.
    pub fn selected_row(&self) -> Option<&LayerRow> {
        self.detail.as_ref()?.rows.get(self.field)
    }
    /// Folds the layers whose entry in `collapsed` is true (in [`LayerKind::ALL`]'s order)
    /// and unfolds the others: the lesson opens Transport and folds the rest.
    pub fn set_folded(&mut self, collapsed: [bool; 4], layout: &PacketLayout) {
        self.collapsed = collapsed;
        let keep = self
            .selected_row()
            .map_or(LayerKind::Transport, |r| r.layer);
        self.rebuild_rows(keep, layout);
    }

    /// Selects the row of field `name` on `layer` of the shown packet (the quiz's answer),
    /// keeping it and its bytes on screen; false when the packet has no such row.
    pub fn select_field(&mut self, layer: LayerKind, name: &str, layout: &PacketLayout) -> bool {
        let Some(pos) = self.detail.as_ref().and_then(|d| {
            d.rows
                .iter()
                .position(|r| r.key() == (layer, name) && !r.is_title())
        }) else {
            return false;
        };
        self.field = pos;
        self.reveal_field(layout);
        true
    }

    /// Bytes of the selected layer row (highlighted in the hex pane).
    pub fn selected_range(&self) -> Option<Range<usize>> {
        self.selected_row()?.range.clone()
    }

    fn layer_view_rows(layout: &PacketLayout) -> usize {
        let area = match layout.detail {
            DetailLayout::Split { layers, .. } => layers,
            DetailLayout::Tabbed { area } => area,
        };
        usize::from(inner(area).height).max(1)
    }

    /// Characters an issue line gets in the layer pane (inside, minus indent and ⚠).
    fn issue_wrap_width(layout: &PacketLayout) -> usize {
        let area = match layout.detail {
            DetailLayout::Split { layers, .. } => layers,
            DetailLayout::Tabbed { area } => area,
        };
        usize::from(inner(area).width).saturating_sub(4)
    }

    fn hex_view_rows(layout: &PacketLayout) -> usize {
        let area = match layout.detail {
            DetailLayout::Split { hex, .. } => hex,
            DetailLayout::Tabbed { area } => area,
        };
        usize::from(inner(area).height).max(1)
    }

    fn row_count(&self) -> usize {
        self.detail.as_ref().map_or(0, |d| d.rows.len())
    }

    fn hex_total(&self) -> usize {
        self.detail.as_ref().map_or(0, |d| hex_rows(d.caplen))
    }

    /// Selects packet `index` (clamped to the store), re-decoding it if it changed.
    pub fn select(
        &mut self,
        index: usize,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        if store.is_empty() {
            return;
        }
        let index = index.min(store.len() - 1);
        self.selected = Some(index);
        self.scroll = keep_visible(self.scroll, index, layout.list_rows());
        if self.detail.as_ref().map(|d| d.index) != Some(index) {
            self.load_detail(index, store, decoder, Self::issue_wrap_width(layout));
        }
        self.reveal_field(layout);
    }

    fn load_detail(
        &mut self,
        index: usize,
        store: &Shown<'_>,
        decoder: &dyn Decoder,
        wrap_width: usize,
    ) {
        let Some(view) = store.get(index) else {
            self.detail = None;
            return;
        };
        let mut decoded = decoder.decode(view.link, &view.data, view.len);
        if let Some(a) = view.analysis.as_ref() {
            add_analysis(&mut decoded, a);
        }
        // What the capture file said about the record leads the issues, as in `dump`'s JSON.
        if let Some(note) = view.note {
            decoded
                .issues
                .insert(0, crate::decode::Issue::capture_note(note.message()));
        }
        let rows = layer_rows(&decoded, &self.collapsed, wrap_width);
        // Keep the selection on "the same" row (e.g. TCP Flags) when stepping packets.
        let old_key = self
            .selected_row()
            .map(|r| (r.layer, r.key().1.to_string()));
        self.field = match old_key {
            Some((layer, label)) => rows
                .iter()
                .position(|r| r.key() == (layer, label.as_str()))
                .or_else(|| rows.iter().position(|r| r.layer == layer))
                .unwrap_or(0),
            None => 0,
        };
        self.detail = Some(Detail {
            index,
            decoded,
            rows,
            caplen: view.data.len(),
            len: view.len as usize,
            wrap_width,
        });
        self.hex_scroll = 0;
    }

    /// Keeps the selected layer row and its bytes on screen.
    fn reveal_field(&mut self, layout: &PacketLayout) {
        let rows = Self::layer_view_rows(layout);
        let count = self.row_count();
        self.field = self.field.min(count.saturating_sub(1));
        self.layer_scroll =
            keep_visible(self.layer_scroll, self.field, rows).min(count.saturating_sub(rows));
        let h = Self::hex_view_rows(layout);
        if let Some(r) = self.selected_range().filter(|r| !r.is_empty()) {
            let first = r.start / HEX_BYTES_PER_ROW;
            let last = (r.end - 1) / HEX_BYTES_PER_ROW;
            if first < self.hex_scroll {
                self.hex_scroll = first;
            } else if last >= self.hex_scroll.saturating_add(h) {
                self.hex_scroll = first.min(last + 1 - h);
            }
        }
        self.hex_scroll = self.hex_scroll.min(self.hex_total().saturating_sub(h));
    }

    fn rebuild_rows(&mut self, keep_layer: LayerKind, layout: &PacketLayout) {
        if let Some(d) = self.detail.as_mut() {
            d.rows = layer_rows(&d.decoded, &self.collapsed, d.wrap_width);
            self.field = d
                .rows
                .iter()
                .position(|r| r.layer == keep_layer && r.is_title())
                .unwrap_or(0);
        }
        self.reveal_field(layout);
    }

    fn set_collapsed(&mut self, collapse: Option<bool>, layout: &PacketLayout) {
        let Some(layer) = self.selected_row().map(|r| r.layer) else {
            return;
        };
        let empty = self
            .detail
            .as_ref()
            .and_then(|d| d.rows.iter().find(|r| r.layer == layer && r.is_title()))
            .is_some_and(|r| matches!(r.kind, RowKind::Title { empty: true, .. }));
        if empty {
            return;
        }
        if let Some(c) = self.collapsed.get_mut(layer_index(layer)) {
            *c = collapse.unwrap_or(!*c);
        }
        self.rebuild_rows(layer, layout);
    }

    /// After new packets were stored: follow the newest, or select the first one.
    pub fn on_new_packets(
        &mut self,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        if store.is_empty() {
            return;
        }
        if self.follow {
            self.select(store.len() - 1, store, layout, decoder);
        } else if self.selected.is_none() {
            self.select(0, store, layout, decoder);
        }
    }

    /// The store evicted its `gone` oldest packets (the packet limit): every position held
    /// here moves down by as many, so the selection and the list stay on the same packets. A
    /// selected packet that was itself evicted gives way to the oldest one kept (its layer
    /// row kept, as when stepping), and the list scrolls no higher than the top.
    pub fn on_evicted(
        &mut self,
        gone: usize,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        if gone == 0 {
            return;
        }
        self.scroll = self.scroll.saturating_sub(gone);
        self.visible_app = std::mem::take(&mut self.visible_app)
            .into_iter()
            .filter_map(|(i, text)| Some((i.checked_sub(gone)?, text)))
            .collect();
        if let Some(d) = self.detail.as_mut() {
            // An evicted packet's decode stays only to carry its selected row over.
            d.index = d.index.checked_sub(gone).unwrap_or(usize::MAX);
        }
        match self.selected.map(|s| s.checked_sub(gone)) {
            None => {}
            Some(Some(kept)) => self.selected = Some(kept),
            Some(None) if store.is_empty() => {
                self.selected = None;
                self.detail = None;
            }
            Some(None) => self.select(0, store, layout, decoder),
        }
    }

    /// After a resize or a status-bar change: keep everything visible and in bounds.
    pub fn relayout(&mut self, store: &Shown<'_>, layout: &PacketLayout) {
        let wrap_width = Self::issue_wrap_width(layout);
        if let Some(d) = self.detail.as_mut().filter(|d| d.wrap_width != wrap_width) {
            // Re-wrap the issue lines; keep the selection on the same row if it survives.
            let key = d
                .rows
                .get(self.field)
                .map(|r| (r.layer, r.key().1.to_string()));
            d.rows = layer_rows(&d.decoded, &self.collapsed, wrap_width);
            d.wrap_width = wrap_width;
            if let Some((layer, label)) = key {
                self.field = d
                    .rows
                    .iter()
                    .position(|r| r.key() == (layer, label.as_str()))
                    .or_else(|| d.rows.iter().position(|r| r.layer == layer))
                    .unwrap_or(0);
            }
        }
        let rows = layout.list_rows();
        if let Some(sel) = self.selected {
            self.scroll = keep_visible(self.scroll, sel, rows);
        }
        self.scroll = self.scroll.min(store.len().saturating_sub(rows));
        self.reveal_field(layout);
    }

    fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
        match focus {
            Focus::Layers => self.show_hex = false,
            Focus::Hex => self.show_hex = true,
            Focus::List => {}
        }
    }

    /// Selects packet `index` and shows its layers (the layer pane focused, follow off):
    /// where a ladder arrow of the flows screen leads.
    pub fn show_layers(
        &mut self,
        index: usize,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        self.follow = false;
        self.select(index, store, layout, decoder);
        self.set_focus(Focus::Layers);
    }

    fn move_selection(
        &mut self,
        delta: isize,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        self.follow = false;
        let from = self.selected.unwrap_or(0);
        self.select(step(from, delta, store.len()), store, layout, decoder);
    }

    fn move_field(&mut self, delta: isize, layout: &PacketLayout) {
        self.field = step(self.field, delta, self.row_count());
        self.reveal_field(layout);
    }

    fn scroll_hex(&mut self, delta: isize, layout: &PacketLayout) {
        let max = self.hex_total().saturating_sub(Self::hex_view_rows(layout));
        self.hex_scroll = step(self.hex_scroll, delta, max.saturating_add(1));
    }

    /// A key for the packet screen (global keys — help, quit — are handled by `App`).
    pub fn on_key(
        &mut self,
        key: Key,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        match key {
            Key::Tab => return self.set_focus(self.focus.next()),
            Key::BackTab => return self.set_focus(self.focus.prev()),
            Key::Char('f') => {
                self.follow = !self.follow;
                if self.follow && !store.is_empty() {
                    self.select(store.len() - 1, store, layout, decoder);
                }
                return;
            }
            _ => {}
        }
        let big = isize::MAX / 2;
        match self.focus {
            Focus::List => {
                let page = isize::try_from(layout.list_rows().max(1)).unwrap_or(1);
                match key {
                    Key::Up | Key::Char('k') => self.move_selection(-1, store, layout, decoder),
                    Key::Down | Key::Char('j') => self.move_selection(1, store, layout, decoder),
                    Key::PageUp => self.move_selection(-page, store, layout, decoder),
                    Key::PageDown => self.move_selection(page, store, layout, decoder),
                    Key::Home | Key::Char('g') => self.move_selection(-big, store, layout, decoder),
                    Key::End | Key::Char('G') => self.move_selection(big, store, layout, decoder),
                    Key::Enter | Key::Char(' ') => self.set_focus(Focus::Layers),
                    _ => {}
                }
            }
            Focus::Layers => {
                let page = isize::try_from(Self::layer_view_rows(layout)).unwrap_or(1);
                match key {
                    Key::Up | Key::Char('k') => self.move_field(-1, layout),
                    Key::Down | Key::Char('j') => self.move_field(1, layout),
                    Key::PageUp => self.move_field(-page, layout),
                    Key::PageDown => self.move_field(page, layout),
                    Key::Home | Key::Char('g') => self.move_field(-big, layout),
                    Key::End | Key::Char('G') => self.move_field(big, layout),
                    Key::Enter | Key::Char(' ') => self.set_collapsed(None, layout),
                    Key::Left | Key::Char('h') => self.set_collapsed(Some(true), layout),
                    Key::Right | Key::Char('l') => self.set_collapsed(Some(false), layout),
                    _ => {}
                }
            }
            Focus::Hex => {
                let page = isize::try_from(Self::hex_view_rows(layout)).unwrap_or(1);
                match key {
                    Key::Up | Key::Char('k') => self.scroll_hex(-1, layout),
                    Key::Down | Key::Char('j') => self.scroll_hex(1, layout),
                    Key::PageUp => self.scroll_hex(-page, layout),
                    Key::PageDown => self.scroll_hex(page, layout),
                    Key::Home | Key::Char('g') => self.scroll_hex(-big, layout),
                    Key::End | Key::Char('G') => self.scroll_hex(big, layout),
                    _ => {}
                }
            }
        }
    }

    /// A mouse action on the packet screen.
    pub fn on_mouse(
        &mut self,
        m: Mouse,
        store: &Shown<'_>,
        layout: &PacketLayout,
        decoder: &dyn Decoder,
    ) {
        let (col, row) = (m.column, m.row);
        let layers = layout.layers_area(self.show_hex);
        let hex = layout.hex_area(self.show_hex);
        let wheel: isize = match m.kind {
            MouseKind::ScrollUp => -(WHEEL_STEP as isize),
            MouseKind::ScrollDown => WHEEL_STEP as isize,
            MouseKind::Click => 0,
        };
        if contains(layout.list, col, row) {
            if wheel != 0 {
                if wheel < 0 {
                    self.follow = false;
                }
                let max = store.len().saturating_sub(layout.list_rows());
                self.scroll = step(self.scroll, wheel, max.saturating_add(1));
                return;
            }
            self.set_focus(Focus::List);
            if let Some(offset) = clicked_row(layout.list, layout.list_first_row_y(), row) {
                let idx = self.scroll.saturating_add(offset);
                if idx < store.len() {
                    self.follow = false;
                    self.select(idx, store, layout, decoder);
                }
            }
            return;
        }
        // Narrow layout: the tab labels sit on the detail pane's top border.
        if let DetailLayout::Tabbed { area } = layout.detail
            && wheel == 0
            && row == area.y
            && contains(area, col, row)
        {
            match layout::tab_at(area, col) {
                Some(true) => self.set_focus(Focus::Hex),
                Some(false) => self.set_focus(Focus::Layers),
                None => {}
            }
            return;
        }
        if let Some(area) = layers.filter(|a| contains(*a, col, row)) {
            if wheel != 0 {
                let max = self
                    .row_count()
                    .saturating_sub(Self::layer_view_rows(layout));
                self.layer_scroll = step(self.layer_scroll, wheel, max.saturating_add(1));
                return;
            }
            self.set_focus(Focus::Layers);
            let inside = inner(area);
            if contains(inside, col, row) {
                let idx = self
                    .layer_scroll
                    .saturating_add(usize::from(row - inside.y));
                if idx < self.row_count() {
                    let title = self
                        .detail
                        .as_ref()
                        .and_then(|d| d.rows.get(idx))
                        .is_some_and(LayerRow::is_title);
                    if idx == self.field && title {
                        self.set_collapsed(None, layout);
                    } else {
                        self.field = idx;
                        self.reveal_field(layout);
                    }
                }
            }
            return;
        }
        if let Some(area) = hex.filter(|a| contains(*a, col, row)) {
            if wheel != 0 {
                self.scroll_hex(wheel, layout);
                return;
            }
            self.set_focus(Focus::Hex);
            if let Some(byte) = self.hex_byte_at(inner(area), col, row) {
                self.select_field_for_byte(byte, layout);
            }
        }
    }

    /// The packet byte drawn at a screen cell of the hex pane's inside, if any.
    fn hex_byte_at(&self, inside: Rect, col: u16, row: u16) -> Option<usize> {
        if !contains(inside, col, row) {
            return None;
        }
        let caplen = self.detail.as_ref()?.caplen;
        let digits = hex_offset_digits(caplen);
        let x = usize::from(col - inside.x);
        let line = self.hex_scroll.checked_add(usize::from(row - inside.y))?;
        let j = (0..HEX_BYTES_PER_ROW).find(|&j| {
            let (h, a) = hex_byte_columns(digits, j);
            x == h || x == h + 1 || x == a
        })?;
        let byte = line.checked_mul(HEX_BYTES_PER_ROW)?.checked_add(j)?;
        (byte < caplen).then_some(byte)
    }

    /// Selects the most specific layer row whose bytes include `byte`.
    fn select_field_for_byte(&mut self, byte: usize, layout: &PacketLayout) {
        let Some(d) = self.detail.as_ref() else {
            return;
        };
        let best = d
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.range
                    .as_ref()
                    .filter(|rg| rg.contains(&byte))
                    .map(|rg| (i, rg.len()))
            })
            .min_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((i, _)) = best {
            self.field = i;
            self.reveal_field(layout);
        }
    }
}
