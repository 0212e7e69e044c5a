//! How the handshake screens look: one colour per handshake outcome and per kind of ladder
//! arrow (SYN, SYN-ACK, ACK, FIN, RST), arrow glyphs, and the few emphasis styles the flows
//! list and the ladder share. Colour only ever doubles what text already says (every outcome
//! has a symbol and a label, every arrow its flags), so with `monochrome` (NO_COLOR) the
//! palette keeps only bold / dim / reversed and everything stays distinguishable.
//! Depends on ratatui's style types and `flow`'s vocabulary.

use ratatui::style::{Color, Modifier, Style};

use crate::flow::{EventKind, Outcome, TcpState};

/// The colour family of an arrow, from its role in the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowClass {
    Syn,
    SynAck,
    Ack,
    Fin,
    Rst,
}

impl ArrowClass {
    pub fn of(kind: EventKind) -> ArrowClass {
        match kind {
            EventKind::Syn | EventKind::SynRetransmit => Self::Syn,
            EventKind::SynAck | EventKind::SynAckRetransmit => Self::SynAck,
            EventKind::HandshakeAck | EventKind::FinAck => Self::Ack,
            EventKind::Fin => Self::Fin,
            EventKind::Rst => Self::Rst,
        }
    }
}

/// The characters an arrow is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrowGlyphs {
    pub shaft: &'static str,
    pub head_right: &'static str,
    pub head_left: &'static str,
}

/// Solid for ordinary segments, dashed for retransmissions, heavy for resets: readable with
/// or without colour.
pub fn arrow_glyphs(kind: EventKind) -> ArrowGlyphs {
    let shaft = if kind.is_retransmission() {
        "╌"
    } else if kind == EventKind::Rst {
        "━"
    } else {
        "─"
    };
    ArrowGlyphs {
        shaft,
        head_right: "▶",
        head_left: "◀",
    }
}

/// Styles for the handshake screens, in colour or monochrome, normal or high contrast.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Palette {
    pub monochrome: bool,
    /// Bright colours, bold arrows and no dim text (`--theme contrast`).
    pub contrast: bool,
    /// Okabe–Ito colours instead of the terminal's red, green, yellow… (`--theme cvd`).
    pub cvd: bool,
}

/// The Okabe–Ito colour (as an xterm-256 index) standing in for a named terminal colour in
/// the colour-vision-deficiency palette: green becomes blue, red vermillion, so no pair of
/// meanings rests on telling red from green.
pub fn cvd_color(color: Color) -> Color {
    match color {
        // #0072B2 blue
        Color::Green | Color::LightGreen | Color::Blue => Color::Indexed(25),
        // #D55E00 vermillion
        Color::Red | Color::LightRed => Color::Indexed(166),
        // #F0E442 yellow
        Color::Yellow | Color::LightYellow => Color::Indexed(227),
        // #CC79A7 reddish purple
        Color::Magenta | Color::LightMagenta => Color::Indexed(175),
        // #56B4E9 sky blue
        Color::Cyan | Color::LightCyan | Color::LightBlue => Color::Indexed(74),
        other => other,
    }
}

impl Palette {
    /// The palette of a theme: its colour choice and its contrast.
    pub fn of(theme: super::theme::Theme) -> Palette {
        let choice = theme.choice();
        Palette {
            monochrome: choice.monochrome,
            contrast: choice.contrast,
            cvd: choice.cvd,
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.monochrome {
            return Style::new();
        }
        if self.cvd {
            return Style::new().fg(cvd_color(color));
        }
        if !self.contrast {
            return Style::new().fg(color);
        }
        let bright = match color {
            Color::Green => Color::LightGreen,
            Color::Red => Color::LightRed,
            Color::Yellow => Color::LightYellow,
            Color::Magenta => Color::LightMagenta,
            Color::Cyan => Color::LightCyan,
            Color::Blue => Color::LightBlue,
            Color::LightBlue => Color::Indexed(117),
            Color::Gray => Color::White,
            Color::DarkGray => Color::Gray,
            other => other,
        };
        Style::new().fg(bright)
    }

    /// The outcome badge (its symbol and label carry the meaning; colour repeats it).
    pub fn outcome(&self, outcome: Outcome) -> Style {
        let style = self.fg(match outcome {
            Outcome::Complete => Color::Green,
            Outcome::Refused => Color::Red,
            Outcome::NoResponse => Color::Yellow,
            Outcome::Incomplete => Color::Magenta,
            Outcome::SimultaneousOpen => Color::Cyan,
            Outcome::Midstream => Color::Gray,
        });
        match outcome {
            Outcome::Refused | Outcome::NoResponse => style.add_modifier(Modifier::BOLD),
            Outcome::Midstream => style.add_modifier(Modifier::ITALIC),
            _ => style,
        }
    }

    /// An arrow and its label.
    pub fn arrow(&self, kind: EventKind) -> Style {
        let class = ArrowClass::of(kind);
        let style = self.fg(match class {
            ArrowClass::Syn => Color::Green,
            ArrowClass::SynAck => Color::Cyan,
            ArrowClass::Ack => Color::LightBlue,
            ArrowClass::Fin => Color::Yellow,
            ArrowClass::Rst => Color::Red,
        });
        if class == ArrowClass::Rst || self.contrast {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    /// An arrow still travelling (brighter than a landed one).
    pub fn arrow_in_flight(&self, kind: EventKind) -> Style {
        self.arrow(kind).add_modifier(Modifier::BOLD)
    }

    /// An endpoint's TCP state beside its column.
    pub fn state(&self, state: TcpState) -> Style {
        match state {
            TcpState::Established => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            TcpState::Reset => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            TcpState::Unknown => self.dim(),
            _ => self.fg(Color::White),
        }
    }

    /// The selected row or ladder event.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Column headings.
    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Endpoint addresses above the ladder's columns.
    pub fn endpoint(&self) -> Style {
        self.fg(Color::White).add_modifier(Modifier::BOLD)
    }

    /// Secondary text (time offsets, frame numbers, hints).
    pub fn dim(&self) -> Style {
        if self.contrast && !self.monochrome {
            Style::new().fg(Color::Gray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// The vertical lines under the endpoints.
    pub fn lifeline(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_has_no_colour_at_all() {
        let mono = Palette {
            monochrome: true,
            contrast: false,
            cvd: false,
        };
        let mut styles: Vec<Style> = Outcome::ALL.iter().map(|o| mono.outcome(*o)).collect();
        for kind in [
            EventKind::Syn,
            EventKind::SynRetransmit,
            EventKind::SynAck,
            EventKind::HandshakeAck,
            EventKind::Fin,
            EventKind::FinAck,
            EventKind::Rst,
        ] {
            styles.push(mono.arrow(kind));
            styles.push(mono.arrow_in_flight(kind));
        }
        styles.push(mono.state(TcpState::Established));
        styles.push(mono.state(TcpState::Reset));
        styles.push(mono.lifeline());
        styles.push(mono.endpoint());
        for style in styles {
            assert_eq!(style.fg, None, "{style:?}");
            assert_eq!(style.bg, None, "{style:?}");
        }
    }

    #[test]
    fn outcomes_differ_in_colour_and_symbol() {
        let colour = Palette::default();
        let fgs: Vec<_> = Outcome::ALL.iter().map(|o| colour.outcome(*o).fg).collect();
        let symbols: Vec<_> = Outcome::ALL.iter().map(|o| o.symbol()).collect();
        for i in 0..fgs.len() {
            for j in i + 1..fgs.len() {
                assert_ne!(fgs[i], fgs[j]);
                assert_ne!(symbols[i], symbols[j]);
            }
        }
    }

    #[test]
    fn cvd_has_no_red_green_pair_and_keeps_outcomes_apart() {
        let cvd = Palette {
            cvd: true,
            ..Palette::default()
        };
        let reddish = [Color::Red, Color::LightRed, Color::Indexed(166)];
        let greenish = [Color::Green, Color::LightGreen];
        let fgs: Vec<Option<Color>> = Outcome::ALL.iter().map(|o| cvd.outcome(*o).fg).collect();
        for fg in &fgs {
            let fg = fg.expect("a colour");
            assert!(!greenish.contains(&fg), "{fg:?}: green in the cvd palette");
            assert!(!matches!(fg, Color::Red | Color::LightRed), "{fg:?}");
        }
        for i in 0..fgs.len() {
            for j in i + 1..fgs.len() {
                assert_ne!(fgs[i], fgs[j], "two outcomes share a colour");
            }
        }
        // Complete and refused: blue against vermillion, not green against red.
        assert_eq!(cvd.outcome(Outcome::Complete).fg, Some(Color::Indexed(25)));
        assert!(reddish.contains(&cvd.outcome(Outcome::Refused).fg.expect("colour")));
        let est = cvd.state(TcpState::Established).fg;
        assert_ne!(est, cvd.state(TcpState::Reset).fg);
        assert_ne!(cvd.arrow(EventKind::Syn).fg, cvd.arrow(EventKind::Rst).fg);
    }

    #[test]
    fn retransmissions_and_resets_have_their_own_shaft() {
        let plain = arrow_glyphs(EventKind::Syn).shaft;
        assert_ne!(arrow_glyphs(EventKind::SynRetransmit).shaft, plain);
        assert_ne!(arrow_glyphs(EventKind::Rst).shaft, plain);
        assert_ne!(
            arrow_glyphs(EventKind::Rst).shaft,
            arrow_glyphs(EventKind::SynRetransmit).shaft
        );
    }
}
