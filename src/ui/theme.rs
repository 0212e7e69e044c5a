//! Colours and styles of the packet screen in one place. Layer colours come from the
//! Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), as xterm
//! 256-colour indexes so they look the same on terminals without true colour. Depends on
//! ratatui's style types and `decode::LayerKind`.

use ratatui::style::{Color, Modifier, Style};

use crate::decode::LayerKind;

/// Okabe–Ito reddish purple (#CC79A7 ≈ xterm 175).
pub const PURPLE: Color = Color::Indexed(175);
/// Okabe–Ito sky blue (#56B4E9 ≈ xterm 74).
pub const SKY_BLUE: Color = Color::Indexed(74);
/// Okabe–Ito orange (#E69F00 ≈ xterm 214).
pub const ORANGE: Color = Color::Indexed(214);
/// Okabe–Ito bluish green (#009E73 ≈ xterm 36).
pub const GREEN: Color = Color::Indexed(36);
/// Okabe–Ito vermillion (#D55E00 ≈ xterm 166): problems.
pub const VERMILLION: Color = Color::Indexed(166);
/// Secondary text.
pub const DIM: Color = Color::Indexed(245);
/// Bytes that belong to no header (padding, trailers).
pub const UNOWNED: Color = Color::Indexed(242);
/// Status bar background.
pub const BAR_BG: Color = Color::Indexed(236);
/// Background of the selected row when its pane does not have the focus.
pub const SELECTED_UNFOCUSED_BG: Color = Color::Indexed(238);

/// The colour of a layer: its title bar, the bar beside its fields, its bytes.
pub fn layer_color(layer: LayerKind) -> Color {
    match layer {
        LayerKind::Link => PURPLE,
        LayerKind::Internet => SKY_BLUE,
        LayerKind::Transport => ORANGE,
        LayerKind::Application => GREEN,
    }
}

/// A decode issue: black on vermillion, bold, so it reads as a warning in any palette.
pub fn issue() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(VERMILLION)
        .add_modifier(Modifier::BOLD)
}

/// A decode note (not an error: an unsupported protocol, a later fragment): sky blue italic.
pub fn note() -> Style {
    Style::new().fg(SKY_BLUE).add_modifier(Modifier::ITALIC)
}

/// A pane border: bright when the pane has the focus.
pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::White).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(DIM)
    }
}

/// The selected row of a pane.
pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        Style::new().bg(SELECTED_UNFOCUSED_BG)
    }
}

/// Column headers.
pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

pub fn dim() -> Style {
    Style::new().fg(DIM)
}
