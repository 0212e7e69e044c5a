//! The explain panel: opening it, scrolling it, and its plain-language sentences for what is
//! selected (the packet screen's packet, or the flows screen's arrow), addresses masked with
//! `--redact`. The narration itself is `teach::explain`'s. Depends on `teach::explain` and
//! the app's screens.

use crate::teach::explain::{self, FlowContext, Narration};

use super::{App, Key, Screen};

impl App {
    /// Opens the explain panel (`e` toggles it).
    pub fn with_explain(mut self, on: bool) -> App {
        self.explain = on;
        self.packets.set_show_hex(on);
        self
    }

    /// Lines the explain panel is scrolled by for the packet shown now.
    pub fn explain_scroll(&self) -> usize {
        let current = self.packets.detail().map(|d| d.index);
        if current == Some(self.explain_scroll.0) {
            self.explain_scroll.1
        } else {
            0
        }
    }

    /// ↑ ↓ PgUp PgDn g G scroll the explain panel when it has the focus (where the hex pane
    /// would be). The renderer stops at the last line.
    pub(super) fn on_explain_key(&mut self, key: Key) -> bool {
        if !self.explain
            || self.screen != Screen::Packets
            || self.packets.focus() != super::Focus::Hex
        {
            return false;
        }
        let Some(index) = self.packets.detail().map(|d| d.index) else {
            return false;
        };
        let now = self.explain_scroll();
        let next = match key {
            Key::Up | Key::Char('k') => now.saturating_sub(1),
            Key::Down | Key::Char('j') => now.saturating_add(1).min(200),
            Key::PageUp => now.saturating_sub(5),
            Key::PageDown => now.saturating_add(5).min(200),
            Key::Home | Key::Char('g') => 0,
            Key::End | Key::Char('G') => 200,
            _ => return false,
        };
        self.explain_scroll = (index, next);
        true
    }

    /// `e`: opens or closes the explain panel (in the narrow layout its tab is shown).
    pub(super) fn toggle_explain(&mut self) {
        self.explain = !self.explain;
        self.packets.set_show_hex(self.explain);
    }

    /// Whether the explain panel is open.
    pub fn explain_open(&self) -> bool {
        self.explain
    }

    /// The explain panel's sentences for what is selected: the packet screen's packet, or the
    /// flows screen's selected arrow (else the flow's most recent one). Addresses masked
    /// with `--redact`.
    pub fn explanation(&self) -> Vec<Narration> {
        let (view, decoded) = match self.screen {
            Screen::Packets => match self.packets.detail() {
                Some(d) => (
                    self.shown().get(d.index),
                    std::borrow::Cow::Borrowed(&d.decoded),
                ),
                None => return Vec::new(),
            },
            Screen::Flows => {
                let Some(flow) = self.flows.selected_flow() else {
                    return Vec::new();
                };
                let event = self
                    .flows
                    .selected_event()
                    .and_then(|e| flow.ladder.get(e))
                    .or_else(|| flow.ladder.last());
                let Some(no) = event.map(|e| e.packet_no) else {
                    return Vec::new();
                };
                // Released, whether or not the display filter lists it.
                let Some(view) = self
                    .store
                    .index_of_frame(no)
                    .filter(|&i| i < self.released_index())
                    .and_then(|i| self.store.get(i))
                else {
                    return Vec::new();
                };
                let d = self.decoder.decode(view.link, &view.data, view.len);
                (Some(view), std::borrow::Cow::Owned(d))
            }
            Screen::Stats => return Vec::new(),
        };
        let no = view.as_ref().map_or(0, |v| v.number.saturating_add(1));
        let ctx = view
            .as_ref()
            .and_then(|v| v.flow)
            .and_then(|id| self.flows.tracker().get(id))
            .map(|flow| FlowContext {
                flow,
                event: flow.ladder.iter().find(|e| e.packet_no == no),
            });
        let mut out = explain::explain(&decoded, ctx);
        for n in &mut out {
            n.text = self.redact(&n.text);
        }
        out
    }
}
