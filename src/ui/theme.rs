//! Colours and styles of the packet screen in one place. Layer colours come from the
//! Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), as xterm
//! 256-colour indexes so they look the same on terminals without true colour. The look
//! ([`ThemeChoice`]: `--theme contrast`, `NO_COLOR`) is one [`Theme`] value that `ui::render`
//! makes from the app and passes to every widget (no hidden state: the same app and theme
//! always draw the same screen): high contrast brightens every colour and drops dim text;
//! monochrome drops every colour and keeps layers apart by modifiers (underline, bold,
//! italic) and by their names. Depends on ratatui's style types, `decode::LayerKind` and
//! `theme_config`.

use ratatui::style::{Color, Modifier, Style};

use crate::decode::LayerKind;
use crate::flow::Severity;
use crate::terminal::theme_config::ThemeChoice;

/// The look of one drawing: every style a widget uses comes from here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Theme {
    choice: ThemeChoice,
}

impl Theme {
    /// A TCP analysis note in the packet list, by severity: warnings (lost segment, zero
    /// window, out-of-order) vermillion and bold, notes (retransmission, duplicate ACK) orange,
    /// chat (window update) dim. Without colour: bold, plain and dim; the symbol before the
    /// notes (`▲`, `!`, `·`) carries the severity in every look.
    pub fn severity(self, sev: Severity) -> Style {
        let mono = self.choice.monochrome;
        match sev {
            Severity::Warning if mono => Style::new().add_modifier(Modifier::BOLD),
            Severity::Warning => self.fg(VERMILLION).add_modifier(Modifier::BOLD),
            Severity::Note if mono => Style::new(),
            Severity::Note => self.fg(ORANGE),
            Severity::Chat => self.dim(),
        }
    }

    pub fn new(choice: ThemeChoice) -> Theme {
        Theme { choice }
    }

    /// The look this theme draws.
    pub fn choice(self) -> ThemeChoice {
        self.choice
    }

    /// `color` in the current look: brighter with high contrast, none in monochrome.
    pub fn color(self, color: Color) -> Color {
        let t = self.choice;
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
    pub fn fg(self, c: Color) -> Style {
        if self.choice.monochrome {
            Style::new()
        } else {
            Style::new().fg(self.color(c))
        }
    }

    /// Text in a layer's colour (bars beside fields, hex bytes); in monochrome each layer gets
    /// its own modifier instead: Internet underlined, Transport bold, Application italic.
    pub fn layer_style(self, layer: LayerKind) -> Style {
        if self.choice.monochrome {
            return match layer {
                LayerKind::Link => Style::new(),
                LayerKind::Internet => Style::new().add_modifier(Modifier::UNDERLINED),
                LayerKind::Transport => Style::new().add_modifier(Modifier::BOLD),
                LayerKind::Application => Style::new().add_modifier(Modifier::ITALIC),
            };
        }
        Style::new().fg(self.layer_color(layer))
    }

    /// A layer's title bar: black on the layer's colour, or reversed without colour.
    pub fn layer_title(self, layer: LayerKind) -> Style {
        if self.choice.monochrome {
            return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        Style::new()
            .fg(Color::Black)
            .bg(self.layer_color(layer))
            .add_modifier(Modifier::BOLD)
    }

    /// The colour of a layer: its title bar, the bar beside its fields, its bytes.
    pub fn layer_color(self, layer: LayerKind) -> Color {
        self.color(match layer {
            LayerKind::Link => PURPLE,
            LayerKind::Internet => SKY_BLUE,
            LayerKind::Transport => ORANGE,
            LayerKind::Application => GREEN,
        })
    }

    /// A decode issue: black on vermillion, bold, so it reads as a warning in any palette
    /// (reversed without colour).
    pub fn issue(self) -> Style {
        if self.choice.monochrome {
            return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        Style::new()
            .fg(Color::Black)
            .bg(self.color(VERMILLION))
            .add_modifier(Modifier::BOLD)
    }

    /// A decode note (not an error: an unsupported protocol, a later fragment): sky blue italic.
    pub fn note(self) -> Style {
        self.fg(SKY_BLUE).add_modifier(Modifier::ITALIC)
    }

    /// A pane border: bright when the pane has the focus (thick emphasis with high contrast).
    pub fn border(self, focused: bool) -> Style {
        let t = self.choice;
        match (focused, t.monochrome) {
            (true, true) => Style::new().add_modifier(Modifier::BOLD),
            (false, true) => Style::new().add_modifier(Modifier::DIM),
            (true, false) if t.contrast => Style::new()
                .fg(Color::Indexed(226))
                .add_modifier(Modifier::BOLD),
            (true, false) => Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
            (false, false) => Style::new().fg(self.color(DIM)),
        }
    }

    /// The selected row of a pane.
    pub fn selected(self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else if self.choice.monochrome {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::new().bg(self.color(SELECTED_UNFOCUSED_BG))
        }
    }

    /// Column headers.
    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Secondary text: grey, plain dim without colour, light grey with high contrast.
    pub fn dim(self) -> Style {
        if self.choice.monochrome {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            Style::new().fg(self.color(DIM))
        }
    }

    /// The status and progress bars' background.
    pub fn bar(self) -> Style {
        if self.choice.monochrome {
            Style::new()
        } else {
            Style::new().bg(self.color(BAR_BG))
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const MONO: Theme = Theme {
        choice: ThemeChoice {
            contrast: false,
            monochrome: true,
            cvd: false,
        },
    };
    const CONTRAST: Theme = Theme {
        choice: ThemeChoice {
            contrast: true,
            monochrome: false,
            cvd: false,
        },
    };

    #[test]
    fn monochrome_drops_colour_and_keeps_layers_apart() {
        let styles: Vec<Style> = LayerKind::ALL
            .iter()
            .map(|l| MONO.layer_style(*l))
            .collect();
        for (i, a) in styles.iter().enumerate() {
            assert_eq!(a.fg, None);
            for b in styles.iter().skip(i + 1) {
                assert_ne!(a, b, "two layers look the same without colour");
            }
        }
        assert_eq!(MONO.issue().bg, None);
        assert_eq!(MONO.dim().fg, None);
        assert_eq!(
            Theme::default().layer_style(LayerKind::Link).fg,
            Some(PURPLE)
        );
    }

    #[test]
    fn contrast_brightens_every_layer_colour() {
        for l in LayerKind::ALL {
            assert_ne!(CONTRAST.layer_color(l), Theme::default().layer_color(l));
        }
        assert_eq!(CONTRAST.color(BAR_BG), Color::Black);
    }
}
