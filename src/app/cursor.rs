//! Cursor arithmetic shared by every list the app scrolls (packets, flows, ladder arrows,
//! layer rows): moving a position within bounds and keeping it inside the visible window.
//! Pure functions; std only.

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
