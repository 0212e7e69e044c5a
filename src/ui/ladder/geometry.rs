//! Where the ladder's columns are: the two lifelines, the gutters for states and times beside
//! them, and the span between them that arrows and labels use. Pure arithmetic on a `Rect`.

use ratatui::layout::Rect;

/// Columns of the diagram.
#[derive(Clone, Copy, Debug)]
pub(super) struct Geometry {
    pub(super) area: Rect,
    /// Width of each side's gutter (states, times).
    pub(super) gutter: u16,
    pub(super) client_x: u16,
    pub(super) server_x: u16,
}

impl Geometry {
    pub(super) fn new(area: Rect) -> Geometry {
        let w = area.width;
        let mut gutter = if w >= 110 {
            16
        } else if w >= 60 {
            13
        } else {
            w / 5
        };
        if w < gutter.saturating_mul(2).saturating_add(6) {
            gutter = w.saturating_sub(6) / 2;
        }
        let client_x = area.x.saturating_add(gutter);
        let server_x = area.right().saturating_sub(gutter).saturating_sub(1);
        Geometry {
            area,
            gutter,
            client_x,
            server_x,
        }
    }

    /// First and last column between the lifelines.
    pub(super) fn span(&self) -> (u16, u16) {
        (
            self.client_x.saturating_add(1),
            self.server_x.saturating_sub(1),
        )
    }

    pub(super) fn span_width(&self) -> usize {
        usize::from(
            self.server_x
                .saturating_sub(self.client_x)
                .saturating_sub(1),
        )
    }

    /// Room for text in a gutter (one column for the selection marker, one of air).
    pub(super) fn gutter_text(&self) -> usize {
        usize::from(self.gutter.saturating_sub(2))
    }
}

pub(super) fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}
