//! Cursor arithmetic shared by every list the app scrolls (packets, flows, ladder arrows,
//! layer rows): moving a position within bounds, keeping it inside the visible window, and
//! mapping a click to a row.
//! Pure functions over std and ratatui's `Rect`.

/// Moves `pos` by `delta` within `0..len` (saturating at both ends).
pub(crate) fn step(pos: usize, delta: isize, len: usize) -> usize {
    let last = len.saturating_sub(1);
    if delta < 0 {
        pos.saturating_sub(delta.unsigned_abs()).min(last)
    } else {
        pos.saturating_add(delta.unsigned_abs()).min(last)
    }
}

/// Scroll offset that keeps `pos` visible in a window of `rows` starting at `scroll`.
pub(crate) fn keep_visible(scroll: usize, pos: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    if pos < scroll {
        pos
    } else if pos >= scroll.saturating_add(rows) {
        pos + 1 - rows
    } else {
        scroll
    }
}

/// Which row of a bordered list a click on screen row `row` hits, counted from the first
/// visible row (`first_y`), or `None` on the header, the border or outside. `list` is the
/// list's whole pane, bottom border included.
pub(crate) fn clicked_row(list: ratatui::layout::Rect, first_y: u16, row: u16) -> Option<usize> {
    let bottom = list.y.saturating_add(list.height).saturating_sub(1);
    (row >= first_y && row < bottom).then(|| usize::from(row - first_y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_saturates_at_both_ends() {
        assert_eq!(step(0, -3, 10), 0);
        assert_eq!(step(8, 5, 10), 9);
        assert_eq!(step(4, 2, 10), 6);
        assert_eq!(step(0, 1, 0), 0, "empty list stays at 0");
    }

    #[test]
    fn clicked_row_ignores_header_and_border() {
        let list = ratatui::layout::Rect::new(0, 2, 40, 10); // rows 2..=11, border at 11
        assert_eq!(clicked_row(list, 4, 3), None, "header row");
        assert_eq!(clicked_row(list, 4, 4), Some(0));
        assert_eq!(clicked_row(list, 4, 10), Some(6));
        assert_eq!(clicked_row(list, 4, 11), None, "bottom border");
    }

    #[test]
    fn keep_visible_scrolls_only_when_needed() {
        assert_eq!(
            keep_visible(10, 5, 4),
            5,
            "above the window: scroll up to it"
        );
        assert_eq!(keep_visible(10, 15, 4), 12, "below: last row of the window");
        assert_eq!(keep_visible(10, 12, 4), 10, "inside: unchanged");
        assert_eq!(keep_visible(3, 3, 0), 3, "zero rows act as one");
    }
}
