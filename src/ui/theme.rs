//! Colours and styles of the packet screen in one place. Layer colours come from the
//! Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), as xterm
//! 256-colour indexes so they look the same on terminals without true colour. The look of the
//! frame being drawn ([`ThemeChoice`]: `--theme contrast`, `NO_COLOR`) is set once per draw
//! with [`set`] (a per-thread value, so parallel tests do not see each other's): high
//! contrast brightens every colour and drops dim text; monochrome drops every colour and keeps
//! layers apart by modifiers (underline, bold, italic) and by their names. Depends on
//! ratatui's style types, `decode::LayerKind` and `theme_config`.

use std::cell::Cell;

use ratatui::style::{Color, Modifier, Style};

use crate::decode::LayerKind;
use crate::flow::Severity;
use crate::terminal::theme_config::ThemeChoice;

thread_local! {
    static CHOICE: Cell<ThemeChoice> = const { Cell::new(ThemeChoice { contrast: false, monochrome: false }) };
}

/// The look the following drawing uses (`ui::render` sets it from the app).
pub fn set(choice: ThemeChoice) {
    CHOICE.with(|c| c.set(choice));
}

/// The look being drawn.
pub fn current() -> ThemeChoice {
    CHOICE.with(Cell::get)
}

/// `color` in the current look: brighter with high contrast, none in monochrome.
pub fn color(color: Color) -> Color {
    let t = current();
    if t.monochrome {
        return Color::Reset;
    }
    if !t.contrast {
        return color;
    }
    match color {
        PURPLE => Color::Indexed(213),
        SKY_BLUE => Color::Indexed(45),
        ORANGE => Color::Indexed(220),
        GREEN => Color::Indexed(46),
        VERMILLION => Color::Indexed(203),
        DIM => Color::Indexed(252),
        UNOWNED => Color::Indexed(250),
        BAR_BG => Color::Black,
        SELECTED_UNFOCUSED_BG => Color::Indexed(240),
        other => other,
    }
}

/// A foreground in the current look (no colour at all in monochrome).
pub fn fg(c: Color) -> Style {
    if current().monochrome {
        Style::new()
    } else {
        Style::new().fg(color(c))
    }
}

/// Text in a layer's colour (bars beside fields, hex bytes); in monochrome each layer gets
/// its own modifier instead: Internet underlined, Transport bold, Application italic.
pub fn layer_style(layer: LayerKind) -> Style {
    if current().monochrome {
        return match layer {
            LayerKind::Link => Style::new(),
            LayerKind::Internet => Style::new().add_modifier(Modifier::UNDERLINED),
            LayerKind::Transport => Style::new().add_modifier(Modifier::BOLD),
            LayerKind::Application => Style::new().add_modifier(Modifier::ITALIC),
        };
    }
    Style::new().fg(layer_color(layer))
}

/// A layer's title bar: black on the layer's colour, or reversed without colour.
pub fn layer_title(layer: LayerKind) -> Style {
    if current().monochrome {
        return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    }
    Style::new()
        .fg(Color::Black)
        .bg(layer_color(layer))
        .add_modifier(Modifier::BOLD)
}

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
    color(match layer {
        LayerKind::Link => PURPLE,
        LayerKind::Internet => SKY_BLUE,
        LayerKind::Transport => ORANGE,
        LayerKind::Application => GREEN,
    })
}

/// A decode issue: black on vermillion, bold, so it reads as a warning in any palette
/// (reversed without colour).
pub fn issue() -> Style {
    if current().monochrome {
        return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    }
    Style::new()
        .fg(Color::Black)
        .bg(color(VERMILLION))
        .add_modifier(Modifier::BOLD)
}

/// A TCP analysis note in the packet list, by severity: warnings (lost segment, zero window,
/// out-of-order) vermillion and bold, notes (retransmission, duplicate ACK) orange, chat
/// (window update) dim. Without colour: bold, plain and dim; the symbol before the notes
/// (`▲`, `!`, `·`) carries the severity in every look.
pub fn severity(sev: Severity) -> Style {
    let mono = current().monochrome;
    match sev {
        Severity::Warning if mono => Style::new().add_modifier(Modifier::BOLD),
        Severity::Warning => fg(VERMILLION).add_modifier(Modifier::BOLD),
        Severity::Note if mono => Style::new(),
        Severity::Note => fg(ORANGE),
        Severity::Chat => dim(),
    }
}

/// A decode note (not an error: an unsupported protocol, a later fragment): sky blue italic.
pub fn note() -> Style {
    fg(SKY_BLUE).add_modifier(Modifier::ITALIC)
}

/// A pane border: bright when the pane has the focus (thick emphasis with high contrast).
pub fn border(focused: bool) -> Style {
    let t = current();
    match (focused, t.monochrome) {
        (true, true) => Style::new().add_modifier(Modifier::BOLD),
        (false, true) => Style::new().add_modifier(Modifier::DIM),
        (true, false) if t.contrast => Style::new()
            .fg(Color::Indexed(226))
            .add_modifier(Modifier::BOLD),
        (true, false) => Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
        (false, false) => Style::new().fg(color(DIM)),
    }
}

/// The selected row of a pane.
pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else if current().monochrome {
        Style::new().add_modifier(Modifier::UNDERLINED)
    } else {
        Style::new().bg(color(SELECTED_UNFOCUSED_BG))
    }
}

/// Column headers.
pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// Secondary text: grey, plain dim without colour, light grey with high contrast.
pub fn dim() -> Style {
    if current().monochrome {
        Style::new().add_modifier(Modifier::DIM)
    } else {
        Style::new().fg(color(DIM))
    }
}

/// The status and progress bars' background.
pub fn bar() -> Style {
    if current().monochrome {
        Style::new()
    } else {
        Style::new().bg(color(BAR_BG))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_drops_colour_and_keeps_layers_apart() {
        set(ThemeChoice {
            contrast: false,
            monochrome: true,
        });
        let styles: Vec<Style> = LayerKind::ALL.iter().map(|l| layer_style(*l)).collect();
        for (i, a) in styles.iter().enumerate() {
            assert_eq!(a.fg, None);
            for b in styles.iter().skip(i + 1) {
                assert_ne!(a, b, "two layers look the same without colour");
            }
        }
        assert_eq!(issue().bg, None);
        assert_eq!(dim().fg, None);
        set(ThemeChoice::default());
        assert_eq!(layer_style(LayerKind::Link).fg, Some(PURPLE));
    }

    #[test]
    fn contrast_brightens_every_layer_colour() {
        set(ThemeChoice {
            contrast: true,
            monochrome: false,
        });
        for l in LayerKind::ALL {
            let bright = layer_color(l);
            set(ThemeChoice::default());
            assert_ne!(bright, layer_color(l));
            set(ThemeChoice {
                contrast: true,
                monochrome: false,
            });
        }
        assert_eq!(color(BAR_BG), Color::Black);
        set(ThemeChoice::default());
    }
}
