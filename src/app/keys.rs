//! The keys and mouse actions the app understands, independent of any terminal library (`term`
//! translates crossterm's events into these), and the key table the help overlay shows — one
//! list, so the help can never forget a key. std only.

/// A key press.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Tab,
    BackTab,
    Enter,
    Esc,
    Backspace,
    /// A printable character (Space is `Char(' ')`).
    Char(char),
    CtrlC,
    /// Ctrl-F: find.
    CtrlF,
}

/// What the mouse did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MouseKind {
    /// Left button pressed.
    Click,
    ScrollUp,
    ScrollDown,
}

/// A mouse action at a screen cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mouse {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
}

/// Every key binding as (keys, what they do), in the order the help overlay lists them.
pub const KEY_HELP: &[(&str, &str)] = &[
    (
        "1  2  3",
        "packets / flows (list and ladder) / statistics screen",
    ),
    (
        "↑ ↓  k j",
        "previous / next packet, flow, field, arrow or row",
    ),
    ("PgUp PgDn", "one page up / down"),
    ("g Home  G End", "first / last"),
    ("Tab  Shift-Tab", "next / previous pane"),
    (
        "Enter Space",
        "packets: go to layers; layers: fold / unfold",
    ),
    ("← →  h l", "layers: fold / unfold the layer"),
    ("L", "packets: this packet's flow, its arrow selected"),
    ("Enter", "flows: go to the ladder; ladder: show that packet"),
    ("s", "flows: sort by start, RTT or bytes"),
    ("x  X", "flows: ladder as an SVG figure (X: to time scale)"),
    ("Enter  s", "statistics: conversation's packets / sort"),
    ("a", "flows: play the selected flow's animation again"),
    ("f", "follow the newest packet or flow (on / off)"),
    ("/", "display filter (flows screen: flows); empty clears it"),
    ("Ctrl-F", "find a packet: filter expression or text"),
    ("]  [", "next / previous packet found"),
    (":", "go to a packet (12) or a time (3.5s)"),
    ("m", "mark / unmark the packet"),
    ("'  \"", "next / previous marked packet"),
    ("w  W", "write shown / marked packets to a .pcap or .pcapng"),
    ("Esc", "close the bar or prompt (nothing else)"),
    ("?", "show / hide this help"),
    (
        "q  Esc",
        "close help, else quit (live without -w: asks first)",
    ),
    ("Ctrl-C", "quit"),
    (
        "mouse click",
        "select a packet, flow or field, focus a pane",
    ),
    ("mouse wheel", "scroll the pane under the pointer"),
    ("e", "explain panel on / off (Tab to it, then ↑ ↓ scroll)"),
];

/// The keys of a paced replay and of `synack demo` (the help overlay's second part).
pub const REPLAY_KEY_HELP: &[(&str, &str)] = &[
    ("Space", "pause / resume (layers: Enter folds)"),
    ("+  -", "faster / slower (×2, ÷2)"),
    ("n  →", "next packet (→ in a list)"),
    ("N", "next handshake event: SYN, SYN-ACK, ACK, FIN, RST"),
    ("b  ←", "one packet back (← in a list)"),
    ("r  Home", "restart (Home in the packet list)"),
    (":", "go to a packet or time (later ones are released)"),
    ("l", "loop on / off (in a list)"),
    (">", "demo: the next scenario"),
];

/// Rows of the help overlay's list: both tables, a heading and its blank line, and the
/// `--redact` note (with its blank line) when addresses are masked.
pub fn help_row_count(redacting: bool) -> usize {
    KEY_HELP.len() + 2 + REPLAY_KEY_HELP.len() + if redacting { 2 } else { 0 }
}
