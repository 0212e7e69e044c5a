//! Which look the interactive viewer should use, decided once from the command line
//! (`--theme default|contrast|cvd`) and the environment (`NO_COLOR`, see <https://no-color.org>:
//! any non-empty value turns colour off). Only the decision lives here; the `ui` module
//! applies it. Pure; depends on std only.

use std::ffi::OsStr;

/// The environment variable that asks programs not to colour their output.
pub const NO_COLOR: &str = "NO_COLOR";

/// The resolved look of the viewer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThemeChoice {
    /// High contrast for projectors (`--theme contrast`): stronger foregrounds, no dim text.
    pub contrast: bool,
    /// No colour at all (`NO_COLOR`): layers and badges must stay distinguishable by text and
    /// modifiers (bold, reverse, underline) alone.
    pub monochrome: bool,
    /// Colour-vision-deficiency safe (`--theme cvd`): only Okabe–Ito colours, no red/green
    /// pair, so outcomes and arrows stay apart in deuteranopia and protanopia.
    pub cvd: bool,
}

impl ThemeChoice {
    /// Combines the `--theme` choice with the value of `NO_COLOR` (None when unset). An
    /// empty `NO_COLOR` counts as unset, as no-color.org specifies.
    pub fn resolve(contrast: bool, no_color: Option<&OsStr>) -> ThemeChoice {
        ThemeChoice {
            contrast,
            monochrome: no_color.is_some_and(|v| !v.is_empty()),
            cvd: false,
        }
    }

    /// The same look with the colour-vision-deficiency palette on or off.
    pub fn with_cvd(mut self, cvd: bool) -> ThemeChoice {
        self.cvd = cvd;
        self
    }

    /// [`ThemeChoice::resolve`] with this process's `NO_COLOR`.
    pub fn from_env(contrast: bool) -> ThemeChoice {
        ThemeChoice::resolve(contrast, std::env::var_os(NO_COLOR).as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_counts_only_when_not_empty() {
        let off = ThemeChoice::resolve(false, None);
        assert_eq!(off, ThemeChoice::default());
        assert!(!ThemeChoice::resolve(false, Some(OsStr::new(""))).monochrome);
        assert!(ThemeChoice::resolve(false, Some(OsStr::new("1"))).monochrome);
        // Any value, even "0" or "false", asks for no colour.
        assert!(ThemeChoice::resolve(false, Some(OsStr::new("0"))).monochrome);
    }

    #[test]
    fn contrast_and_monochrome_combine() {
        let both = ThemeChoice::resolve(true, Some(OsStr::new("yes")));
        assert_eq!(
            both,
            ThemeChoice {
                contrast: true,
                monochrome: true,
                cvd: false,
            }
        );
        assert!(ThemeChoice::resolve(true, None).contrast);
        assert!(!ThemeChoice::resolve(true, None).monochrome);
    }
}
