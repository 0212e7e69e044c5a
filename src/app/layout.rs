//! Where the packet and flows screens' panes sit for a given terminal size. Kept in `app` (not `ui`) so
//! that `update` can map mouse clicks to rows and size pages exactly as the renderer draws
//! them. Pure arithmetic on ratatui's `Rect`; depends on nothing else.

use ratatui::layout::Rect;

/// Width the hex pane needs: borders, a 6-digit offset, 16 bytes and their ASCII column.
pub const HEX_PANE_WIDTH: u16 = 76;
/// Narrowest layer pane worth putting beside the hex pane.
pub const MIN_LAYERS_WIDTH: u16 = 44;

/// How the layer and hex panes share the space under the packet list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailLayout {
    /// Wide terminal: layers on the left, hex on the right.
    Split { layers: Rect, hex: Rect },
    /// Narrow terminal: one pane at a time, the other behind a tab.
    Tabbed { area: Rect },
}

/// The packet screen's rectangles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketLayout {
    /// The packet list including its border.
    pub list: Rect,
    pub detail: DetailLayout,
    pub status: Rect,
}

/// Rows of a bordered pane's inside (border top and bottom removed).
pub fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

impl PacketLayout {
    /// Lays out `area`; `status_rows` is the status bar's height (2 when it must show an
    /// error line).
    pub fn compute(area: Rect, status_rows: u16) -> PacketLayout {
        let status_h = status_rows.min(area.height);
        let rest = area.height.saturating_sub(status_h);
        let status = Rect {
            x: area.x,
            y: area.y.saturating_add(rest),
            width: area.width,
            height: status_h,
        };
        // The list takes two fifths (rounded up), at least 5 rows, leaving at least 5 below.
        let want = (u32::from(rest) * 2).div_ceil(5);
        let want = u16::try_from(want).unwrap_or(rest).max(5);
        let list_h = want.min(rest.saturating_sub(5)).max(rest.min(5));
        let list = Rect {
            x: area.x,
            y: area.y,
            width: area.width,
            height: list_h,
        };
        let below = Rect {
            x: area.x,
            y: area.y.saturating_add(list_h),
            width: area.width,
            height: rest.saturating_sub(list_h),
        };
        let detail = if area.width >= HEX_PANE_WIDTH + MIN_LAYERS_WIDTH {
            let layers_w = area.width - HEX_PANE_WIDTH;
            DetailLayout::Split {
                layers: Rect {
                    width: layers_w,
                    ..below
                },
                hex: Rect {
                    x: below.x.saturating_add(layers_w),
                    width: HEX_PANE_WIDTH,
                    ..below
                },
            }
        } else {
            DetailLayout::Tabbed { area: below }
        };
        PacketLayout {
            list,
            detail,
            status,
        }
    }

    /// Packet rows the list shows at once (inside the border, below the column header).
    pub fn list_rows(&self) -> usize {
        usize::from(inner(self.list).height.saturating_sub(1))
    }

    /// Screen row of the first packet row.
    pub fn list_first_row_y(&self) -> u16 {
        self.list.y.saturating_add(2)
    }

    /// The layer pane's area, if shown (`show_hex` picks the tab in the narrow layout).
    pub fn layers_area(&self, show_hex: bool) -> Option<Rect> {
        match self.detail {
            DetailLayout::Split { layers, .. } => Some(layers),
            DetailLayout::Tabbed { area } => (!show_hex).then_some(area),
        }
    }

    /// The hex pane's area, if shown.
    pub fn hex_area(&self, show_hex: bool) -> Option<Rect> {
        match self.detail {
            DetailLayout::Split { hex, .. } => Some(hex),
            DetailLayout::Tabbed { area } => show_hex.then_some(area),
        }
    }
}

/// Narrowest terminal that shows the flows list and the ladder side by side.
pub const FLOWS_SIDE_BY_SIDE_WIDTH: u16 = 150;
/// Narrowest ladder pane beside the list.
pub const MIN_LADDER_WIDTH: u16 = 76;

/// The flows screen's rectangles: the flows list and the selected flow's ladder, side by
/// side on wide terminals, stacked (list above) otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowsLayout {
    /// The flows list including its border.
    pub list: Rect,
    /// The ladder pane including its border.
    pub ladder: Rect,
    pub status: Rect,
    pub side_by_side: bool,
}

impl FlowsLayout {
    /// Lays out `area`; `status_rows` is the status bar's height.
    pub fn compute(area: Rect, status_rows: u16) -> FlowsLayout {
        let status_h = status_rows.min(area.height);
        let rest = area.height.saturating_sub(status_h);
        let status = Rect {
            x: area.x,
            y: area.y.saturating_add(rest),
            width: area.width,
            height: status_h,
        };
        let body = Rect {
            height: rest,
            ..area
        };
        if area.width >= FLOWS_SIDE_BY_SIDE_WIDTH {
            let ladder_w = (area.width / 2).max(MIN_LADDER_WIDTH);
            let list_w = area.width.saturating_sub(ladder_w);
            return FlowsLayout {
                list: Rect {
                    width: list_w,
                    ..body
                },
                ladder: Rect {
                    x: body.x.saturating_add(list_w),
                    width: ladder_w,
                    ..body
                },
                status,
                side_by_side: true,
            };
        }
        // Stacked: the list takes three eighths (at least 6 rows), the ladder the rest.
        let want = u16::try_from((u32::from(rest) * 3).div_ceil(8)).unwrap_or(rest);
        let list_h = want.max(6).min(rest.saturating_sub(6)).max(rest.min(6));
        FlowsLayout {
            list: Rect {
                height: list_h,
                ..body
            },
            ladder: Rect {
                y: body.y.saturating_add(list_h),
                height: rest.saturating_sub(list_h),
                ..body
            },
            status,
            side_by_side: false,
        }
    }

    /// Flow rows the list shows at once (inside the border, below the column header).
    pub fn list_rows(&self) -> usize {
        usize::from(inner(self.list).height.saturating_sub(1))
    }

    /// Screen row of the first flow row.
    pub fn list_first_row_y(&self) -> u16 {
        self.list.y.saturating_add(2)
    }
}

/// The narrow layout's tab labels, drawn on the detail pane's top border from its second
/// column: the layers tab, a separator, the hex tab.
pub const TAB_LAYERS: &str = " Layers ";
pub const TAB_SEPARATOR: &str = "│";
pub const TAB_HEX: &str = " Hex ";

/// Which tab label (if any) is at column `col` of the tabbed `area`'s top border:
/// `Some(false)` for layers, `Some(true)` for hex.
pub fn tab_at(area: Rect, col: u16) -> Option<bool> {
    let x = usize::from(col.checked_sub(area.x)?);
    let layers = 1..1 + TAB_LAYERS.chars().count();
    let hex_start = layers.end + TAB_SEPARATOR.chars().count();
    let hex = hex_start..hex_start + TAB_HEX.chars().count();
    if layers.contains(&x) {
        Some(false)
    } else if hex.contains(&x) {
        Some(true)
    } else {
        None
    }
}

/// Whether a screen position lies in `r`.
pub fn contains(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x
        && row >= r.y
        && u32::from(col) < u32::from(r.x) + u32::from(r.width)
        && u32::from(row) < u32::from(r.y) + u32::from(r.height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_terminal_stacks_and_tabs() {
        let l = PacketLayout::compute(Rect::new(0, 0, 80, 24), 1);
        assert_eq!(l.status, Rect::new(0, 23, 80, 1));
        assert_eq!(l.list, Rect::new(0, 0, 80, 10));
        assert_eq!(l.list_rows(), 7);
        assert_eq!(
            l.detail,
            DetailLayout::Tabbed {
                area: Rect::new(0, 10, 80, 13)
            }
        );
    }

    #[test]
    fn wide_terminal_splits_layers_and_hex() {
        let l = PacketLayout::compute(Rect::new(0, 0, 200, 60), 1);
        match l.detail {
            DetailLayout::Split { layers, hex } => {
                assert_eq!(hex.width, HEX_PANE_WIDTH);
                assert_eq!(layers.width + hex.width, 200);
                assert_eq!(layers.y, l.list.y + l.list.height);
                assert_eq!(layers.height + l.list.height + 1, 60);
            }
            d => panic!("{d:?}"),
        }
        assert!(l.list_rows() >= 20);
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (10, 3), (80, 6)] {
            let l = PacketLayout::compute(Rect::new(0, 0, w, h), 2);
            assert!(l.list.height + l.status.height <= h.max(l.status.height));
            let _ = l.list_rows();
        }
    }

    #[test]
    fn flows_stack_at_80x24_and_sit_side_by_side_when_wide() {
        let l = FlowsLayout::compute(Rect::new(0, 0, 80, 24), 1);
        assert!(!l.side_by_side);
        assert_eq!(l.list, Rect::new(0, 0, 80, 9));
        assert_eq!(l.ladder, Rect::new(0, 9, 80, 14));
        assert_eq!(l.list_rows(), 6);
        let w = FlowsLayout::compute(Rect::new(0, 0, 200, 60), 1);
        assert!(w.side_by_side);
        assert_eq!(w.list.width + w.ladder.width, 200);
        assert_eq!(w.ladder.x, w.list.width);
        assert_eq!(w.list.height, 59);
        for (w, h) in [(0, 0), (1, 1), (10, 3), (80, 6), (150, 2)] {
            let l = FlowsLayout::compute(Rect::new(0, 0, w, h), 2);
            assert!(l.list.height + l.ladder.height + l.status.height <= h.max(2));
            let _ = l.list_rows();
        }
    }

    #[test]
    fn contains_is_half_open() {
        let r = Rect::new(2, 3, 4, 5);
        assert!(contains(r, 2, 3));
        assert!(contains(r, 5, 7));
        assert!(!contains(r, 6, 7));
        assert!(!contains(r, 5, 8));
        assert!(!contains(r, 1, 3));
    }
}
