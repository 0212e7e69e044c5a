//! Makes untrusted text (packet bytes, file and interface names) safe for a terminal: control
//! characters and escape sequences are replaced by visible placeholders before anything
//! reaches the screen; so are the invisible Unicode characters (bidirectional overrides,
//! zero-width and other format characters, tag characters, line and paragraph separators,
//! the soft hyphen, variation selectors) that could make displayed text lie about what the
//! packet holds or take a different width on screen than measured. A backslash is escaped
//! too, so a literal `\x1b` in a packet reads `\\x1b` and cannot pass for an escaped ESC.
//! Also display-width helpers (`unicode-width`) for padding and cutting such text. Depends on
//! std and unicode-width.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

/// Characters that are not control characters but reorder, hide, join or restyle text on
/// screen, or that terminals draw with a width other than the one measured: bidirectional
/// controls, zero-width characters, the BOM, the soft hyphen, invisible fillers, line and
/// paragraph separators, interlinear annotation marks, variation selectors and the Unicode
/// tag characters (which can smuggle hidden ASCII).
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{061c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e007f}'
            | '\u{e0100}'..='\u{e01ef}'
    )
}

/// Whether `c` must be shown as an escape rather than as itself.
fn must_escape(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Replaces every control character (C0, DEL, C1) with a visible escape like `\x1b`,
/// invisible formatting characters with `\u{202e}`, and `\` with `\\`, so that
/// packet-controlled text can never move the cursor, change colours, set the title, reorder
/// what is shown, or imitate an escape.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_sanitized(&mut out, text);
    out
}

/// [`sanitize`], appended to `out`.
pub fn push_sanitized(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else {
            push_char(out, c);
        }
    }
}

fn push_char(out: &mut String, c: char) {
    if c.is_control() {
        let _ = write!(out, "\\x{:02x}", u32::from(c));
    } else if is_invisible_format(c) {
        let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

/// Bytes to safe text: valid UTF-8 is kept (sanitized), invalid bytes become `\xNN`.
pub fn sanitize_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        push_sanitized(&mut out, chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Makes a whole message terminal-safe whose outside parts were already [`sanitize`]d (or
/// shell-quoted): controls and invisible characters are escaped, backslashes are left alone
/// (they are the escapes already made), so applying it again changes nothing. Newlines are
/// kept when `newlines` (a message printed on stderr), escaped otherwise (one status line).
pub fn neutralize(text: &str, newlines: bool) -> String {
    if !text.chars().any(must_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if newlines && c == '\n' {
            out.push(c);
        } else {
            push_char(&mut out, c);
        }
    }
    out
}

/// Quotes an outside string (a path, an interface name) for a command a message suggests,
/// so that pasting it into a POSIX shell names exactly that file: `'plain name'`, with `'`
/// written `'\''`; names holding control or invisible characters use bash's `$'…'` form
/// with `\xNN` escapes, so the result never contains a raw control character.
pub fn shell_quote(text: &str) -> String {
    if !text.chars().any(must_escape) {
        let safe = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./,:+=@%".contains(c));
        if safe {
            return text.to_string();
        }
        return format!("'{}'", text.replace('\'', "'\\''"));
    }
    let mut out = String::from("$'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if must_escape(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\x{b:02x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Cells `c` takes in a terminal (0 for combining marks; controls count 0 and must have
/// been sanitized away).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Display width of `text` in terminal cells (`unicode-width`), not its length in bytes or
/// characters: wide (CJK, most emoji) characters count 2, combining marks 0.
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// The longest prefix of `text` at most `cells` wide, never splitting a character; the
/// combining marks after the last kept character stay with it.
pub fn truncate_to_width(text: &str, cells: usize) -> &str {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = char_width(c);
        if used + w > cells {
            return text.get(..i).unwrap_or(text);
        }
        used += w;
    }
    text
}

/// Greedy word wrap: splits `text` into lines at most `cells` terminal cells wide (display
/// width, so wide characters count 2 and combining marks 0), at spaces where possible; the
/// first line has `first` fewer cells (a label before it). A word wider than a line is split.
/// Always at least one line. The one word wrap of the layer pane's issues and the explain
/// panel.
pub fn wrap(text: &str, cells: usize, first: usize) -> Vec<String> {
    let full = cells.max(1);
    let mut room = full.saturating_sub(first).max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0usize;
    for word in text.split(' ') {
        let mut word = word;
        // Hard-split words wider than a line.
        while width(word) > room {
            if len > 0 {
                lines.push(std::mem::take(&mut line));
                room = full;
                len = 0;
            }
            let mut head = truncate_to_width(word, room);
            if head.is_empty() {
                // A character wider than the line: it goes on a line of its own.
                head = word
                    .char_indices()
                    .nth(1)
                    .and_then(|(i, _)| word.get(..i))
                    .unwrap_or(word);
            }
            lines.push(head.to_string());
            room = full;
            word = word.get(head.len()..).unwrap_or("");
        }
        let w = width(word);
        let need = if len == 0 { w } else { len + 1 + w };
        if need > room && len > 0 {
            lines.push(std::mem::take(&mut line));
            room = full;
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += w;
    }
    if len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut to `cells` and padded with spaces to exactly `cells` wide (to the left when
/// `right` aligns it right): table columns stay straight with wide or combining characters.
pub fn pad_to_width(text: &str, cells: usize, right: bool) -> String {
    let cut = truncate_to_width(text, cells);
    let pad = " ".repeat(cells.saturating_sub(width(cut)));
    if right {
        format!("{pad}{cut}")
    } else {
        format!("{cut}{pad}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_leaves_room_for_a_label_on_the_first_line() {
        assert_eq!(wrap("aaa bbb ccc ddd", 7, 4), ["aaa", "bbb ccc", "ddd"]);
        assert_eq!(wrap("abcdefghij", 4, 2), ["ab", "cdef", "ghij"]);
        assert_eq!(wrap("", 5, 3), [""]);
    }
    use proptest::prelude::*;

    #[test]
    fn escapes_are_neutralised() {
        let s = sanitize("evil\x1b]0;title\x07\x1b[2Jok\u{9b}");
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert_eq!(s, "evil\\x1b]0;title\\x07\\x1b[2Jok\\x9b");
    }

    #[test]
    fn invalid_utf8_is_hex() {
        assert_eq!(sanitize_bytes(b"a\xffb\n"), "a\\xffb\\x0a");
    }

    #[test]
    fn invisible_formatting_is_shown() {
        assert_eq!(
            sanitize("abc\u{202e}fed\u{200b}"),
            "abc\\u{202e}fed\\u{200b}"
        );
        assert_eq!(sanitize("plain ünïcode ✓"), "plain ünïcode ✓");
    }

    #[test]
    fn tags_separators_soft_hyphen_and_selectors_are_escaped() {
        // Tag characters spelling "hi" (invisible), line and paragraph separators, the soft
        // hyphen, a variation selector that turns ☺ into a wide emoji.
        assert_eq!(sanitize("a\u{e0068}\u{e0069}b"), "a\\u{e0068}\\u{e0069}b");
        assert_eq!(sanitize("x\u{2028}y\u{2029}z"), "x\\u{2028}y\\u{2029}z");
        assert_eq!(sanitize("pay\u{ad}pal"), "pay\\u{00ad}pal");
        assert_eq!(sanitize("\u{263a}\u{fe0f}"), "\u{263a}\\u{fe0f}");
    }

    #[test]
    fn a_literal_escape_differs_from_an_escaped_control() {
        let literal = sanitize("\\x1b");
        let control = sanitize("\x1b");
        assert_eq!(literal, "\\\\x1b");
        assert_eq!(control, "\\x1b");
        assert_ne!(literal, control);
    }

    #[test]
    fn neutralize_keeps_escapes_and_is_idempotent() {
        let once = neutralize(&format!("{}: bad\x1b[2J\nnext", sanitize("a\\b\x07")), true);
        assert_eq!(once, "a\\\\b\\x07: bad\\x1b[2J\nnext");
        assert_eq!(neutralize(&once, true), once);
        assert_eq!(neutralize("one\ntwo", false), "one\\x0atwo");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("capture.pcap"), "capture.pcap");
        assert_eq!(shell_quote("my capture.pcap"), "'my capture.pcap'");
        assert_eq!(shell_quote("it's.pcap"), "'it'\\''s.pcap'");
        assert_eq!(shell_quote("$(rm -rf ~).pcap"), "'$(rm -rf ~).pcap'");
        assert_eq!(
            shell_quote("\x1b]0;pwned\x07.pcap"),
            "$'\\x1b]0;pwned\\x07.pcap'"
        );
        assert_eq!(shell_quote("a\u{202e}b"), "$'a\\xe2\\x80\\xaeb'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn widths_count_cells() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(truncate_to_width("日本語", 5), "日本");
        assert_eq!(truncate_to_width("e\u{301}x", 1), "e\u{301}");
        assert_eq!(pad_to_width("日本", 5, false), "日本 ");
        assert_eq!(pad_to_width("日本", 5, true), " 日本");
        assert_eq!(pad_to_width("日本語", 5, false), "日本 ");
    }

    /// Characters a terminal could be made to act on, or that hide or reorder text.
    fn dangerous(c: char) -> bool {
        c.is_control() || is_invisible_format(c)
    }

    proptest! {
        #[test]
        fn sanitized_text_holds_nothing_a_terminal_acts_on(s in any::<String>()) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(dangerous), "{:?}", out);
            // Every character of the input that was safe is still there, in order.
            let kept: String = s.chars().filter(|c| !dangerous(*c) && *c != '\\').collect();
            let out_kept: String = out.chars().filter(|c| *c != '\\').collect();
            prop_assert!(is_subsequence(&kept, &out_kept), "{:?} -> {:?}", s, out);
        }

        #[test]
        fn sanitizing_is_injective(a in any::<String>(), b in any::<String>()) {
            // Different texts never look the same once sanitized (escapes are unambiguous).
            if a != b {
                prop_assert_ne!(sanitize(&a), sanitize(&b));
            }
        }

        #[test]
        fn bytes_are_sanitized_too(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let out = sanitize_bytes(&bytes);
            prop_assert!(!out.chars().any(dangerous), "{:?}", out);
            if let Ok(text) = std::str::from_utf8(&bytes) {
                prop_assert_eq!(out, sanitize(text));
            }
        }

        #[test]
        fn neutralize_is_idempotent_and_safe(s in any::<String>()) {
            let once = neutralize(&s, false);
            prop_assert!(!once.chars().any(dangerous));
            prop_assert_eq!(neutralize(&once, false), once.clone());
        }

        #[test]
        fn cutting_by_width_never_overflows(s in any::<String>(), cells in 0usize..40) {
            let safe = sanitize(&s);
            let cut = truncate_to_width(&safe, cells);
            prop_assert!(width(cut) <= cells);
            prop_assert!(safe.starts_with(cut));
            prop_assert_eq!(width(&pad_to_width(&safe, cells, false)), cells);
            prop_assert_eq!(width(&pad_to_width(&safe, cells, true)), cells);
        }

        #[test]
        fn shell_quotes_are_printable(s in any::<String>()) {
            let q = shell_quote(&s);
            prop_assert!(!q.chars().any(dangerous), "{:?}", q);
        }
    }

    fn is_subsequence(needle: &str, hay: &str) -> bool {
        let mut it = hay.chars();
        needle.chars().all(|c| it.any(|h| h == c))
    }
}
