//! The interactive program's state and its single entry point [`App::update`]: every input —
//! frames from the capture thread, keys, mouse, resizes, source progress, ticks — is a
//! [`Msg`], and `update` is the only thing that changes the state. No terminal I/O and no
//! clock here (the main loop in `tui` owns both), so every behaviour is testable with plain
//! values. Depends on `model`, `decode`, `sanitize` and ratatui's layout types.
//!
//! The state is split per screen: [`PacketScreen`] holds the packet screen's selection,
//! scroll, focus and cached decode; a later flows screen gets its own struct and a [`Screen`]
//! variant, sharing the [`PacketStore`], source status and counters kept here.

pub mod decoder;
pub mod keys;
pub mod layers;
pub mod layout;
pub mod packets;
pub mod store;

use ratatui::layout::Rect;

use crate::model::{Frame, LinkType};
use crate::sanitize::sanitize;

pub use decoder::{Decoder, RealDecoder};
pub use keys::{Key, Mouse, MouseKind};
pub use layers::{LayerRow, RowKind};
pub use layout::{DetailLayout, PacketLayout};
pub use packets::{Detail, Focus, PacketScreen};
pub use store::{PacketStore, PacketView};

/// Which screen is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Packets,
}

/// Where the packets come from (for the status bar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// Live capture on an interface.
    Live { iface: String },
    /// A capture file (or `-` for stdin); `name` is what the user typed, shortened for display.
    File { name: String },
}

/// How the source is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceState {
    Running,
    /// Finished without error (end of file, or a live capture stopped).
    Done,
    /// Stopped by an error; the reason is sanitized text.
    Failed(String),
}

/// The source's kind, state and reading progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceStatus {
    pub kind: SourceKind,
    pub state: SourceState,
    /// Bytes read so far and the total when known (files).
    pub progress: Option<(u64, Option<u64>)>,
    /// Packets per second the source delivers lately, as it measures it.
    pub rate: Option<u64>,
}

impl SourceStatus {
    /// Percentage of the file read, when the total is known.
    pub fn percent(&self) -> Option<u8> {
        let (read, Some(total)) = self.progress? else {
            return None;
        };
        if total == 0 {
            return Some(100);
        }
        let p = u128::from(read.min(total)) * 100 / u128::from(total);
        u8::try_from(p).ok()
    }
}

/// Drop counters reported by the source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drops {
    /// Dropped by the kernel (libpcap's `ps_drop`).
    pub kernel: u64,
    /// Dropped by synack itself because the UI could not keep up (live only).
    pub synack: u64,
}

/// Everything that can happen to the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A batch of captured frames, in capture order.
    Frames(Vec<Frame>),
    Key(Key),
    Mouse(Mouse),
    Resize {
        width: u16,
        height: u16,
    },
    /// File reading progress.
    Progress {
        bytes_read: u64,
        total_bytes: Option<u64>,
    },
    /// Packets per second the source delivers (measured by the capture thread).
    Rate(u64),
    /// The source has stopped: cleanly, or with an error message.
    Finished(Result<(), String>),
    Drops(Drops),
    /// Time passed (the main loop sends one now and then while something is live).
    Tick,
}

/// The link types seen so far (for the status bar).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LinkSeen {
    #[default]
    None,
    One(LinkType),
    Mixed,
}

/// The whole program state.
pub struct App {
    decoder: Box<dyn Decoder>,
    screen: Screen,
    packets: PacketScreen,
    store: PacketStore,
    source: SourceStatus,
    drops: Drops,
    link: LinkSeen,
    help: bool,
    size: (u16, u16),
    quit: bool,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("screen", &self.screen)
            .field("packets", &self.store.len())
            .field("source", &self.source)
            .field("help", &self.help)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl App {
    /// A fresh app for `kind` on a terminal of `width`×`height`. Live captures start in
    /// follow mode.
    pub fn new(kind: SourceKind, width: u16, height: u16) -> App {
        let kind = match kind {
            SourceKind::Live { iface } => SourceKind::Live {
                iface: sanitize(&iface),
            },
            SourceKind::File { name } => SourceKind::File {
                name: sanitize(&name),
            },
        };
        let follow = matches!(kind, SourceKind::Live { .. });
        App {
            decoder: Box::new(RealDecoder),
            screen: Screen::Packets,
            packets: PacketScreen::new(follow),
            store: PacketStore::new(),
            source: SourceStatus {
                kind,
                state: SourceState::Running,
                progress: None,
                rate: None,
            },
            drops: Drops::default(),
            link: LinkSeen::None,
            help: false,
            size: (width, height),
            quit: false,
        }
    }

    /// Replaces the decoder (tests use hand-made decodes; the program uses [`RealDecoder`]).
    pub fn with_decoder(mut self, decoder: Box<dyn Decoder>) -> App {
        self.decoder = decoder;
        self.store.keep_given_summaries();
        self
    }

    /// Packets of a memory-mapped file are indexed, not copied (see [`PacketStore::attach_file`]).
    pub fn with_mapped_file(
        mut self,
        bytes: store::SharedBytes,
        offsets: store::OffsetJournal,
    ) -> App {
        self.store.attach_file(bytes, offsets);
        self
    }

    /// The link type the source announced before any frame arrived (status bar).
    pub fn with_link(mut self, link: LinkType) -> App {
        if self.link == LinkSeen::None {
            self.link = LinkSeen::One(link);
        }
        self
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }
    pub fn packets(&self) -> &PacketScreen {
        &self.packets
    }
    pub fn store(&self) -> &PacketStore {
        &self.store
    }
    pub fn source(&self) -> &SourceStatus {
        &self.source
    }
    pub fn drops(&self) -> Drops {
        self.drops
    }
    pub fn link(&self) -> LinkSeen {
        self.link
    }
    pub fn help_visible(&self) -> bool {
        self.help
    }
    pub fn size(&self) -> (u16, u16) {
        self.size
    }
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether the source is still producing (live capture running or file loading).
    pub fn is_running(&self) -> bool {
        self.source.state == SourceState::Running
    }

    /// Rows of the status bar: when the source failed, one to three more carry the reason.
    pub fn status_rows(&self) -> u16 {
        match &self.source.state {
            SourceState::Failed(reason) => {
                let w = usize::from(self.size.0).max(1);
                let need = reason.chars().count().saturating_add(1).div_ceil(w);
                1 + u16::try_from(need.clamp(1, 3)).unwrap_or(3)
            }
            _ => 1,
        }
    }

    /// The packet screen's layout at the current size.
    pub fn packet_layout(&self) -> PacketLayout {
        PacketLayout::compute(
            Rect::new(0, 0, self.size.0, self.size.1),
            self.status_rows(),
        )
    }

    /// Applies one message.
    pub fn update(&mut self, msg: Msg) {
        let list_may_change = !matches!(
            msg,
            Msg::Tick | Msg::Drops(_) | Msg::Progress { .. } | Msg::Rate(_)
        );
        self.apply(msg);
        if list_may_change {
            let layout = self.packet_layout();
            self.packets
                .refresh_visible(&self.store, &layout, self.decoder.as_ref());
        }
    }

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Frames(frames) => self.on_frames(&frames),
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                self.relayout();
            }
            Msg::Progress {
                bytes_read,
                total_bytes,
            } => self.source.progress = Some((bytes_read, total_bytes)),
            Msg::Rate(r) => self.source.rate = Some(r),
            Msg::Finished(result) => {
                self.source.state = match result {
                    Ok(()) => SourceState::Done,
                    Err(reason) => SourceState::Failed(sanitize(&reason)),
                };
                // The status bar may have grown a row.
                self.relayout();
            }
            Msg::Drops(d) => self.drops = d,
            Msg::Tick => {}
        }
    }

    fn relayout(&mut self) {
        let layout = self.packet_layout();
        self.packets.relayout(&self.store, &layout);
    }

    fn on_frames(&mut self, frames: &[Frame]) {
        for f in frames {
            self.link = match self.link {
                LinkSeen::None => LinkSeen::One(f.link),
                LinkSeen::One(l) if l == f.link => LinkSeen::One(l),
                _ => LinkSeen::Mixed,
            };
            let summary = self.decoder.summarize(f.link, &f.data, f.len);
            self.store.push_with_summary(f, summary);
        }
        let layout = self.packet_layout();
        self.packets
            .on_new_packets(&self.store, &layout, self.decoder.as_ref());
    }

    fn on_key(&mut self, key: Key) {
        if key == Key::CtrlC {
            self.quit = true;
            return;
        }
        if self.help {
            if matches!(key, Key::Char('?') | Key::Char('q') | Key::Esc) {
                self.help = false;
            }
            return;
        }
        match key {
            Key::Char('?') => self.help = true,
            Key::Char('q') | Key::Esc => self.quit = true,
            _ => {
                let layout = self.packet_layout();
                match self.screen {
                    Screen::Packets => {
                        self.packets
                            .on_key(key, &self.store, &layout, self.decoder.as_ref())
                    }
                }
            }
        }
    }

    fn on_mouse(&mut self, m: Mouse) {
        if self.help {
            if m.kind == MouseKind::Click {
                self.help = false;
            }
            return;
        }
        let layout = self.packet_layout();
        match self.screen {
            Screen::Packets => {
                self.packets
                    .on_mouse(m, &self.store, &layout, self.decoder.as_ref())
            }
        }
    }
}
