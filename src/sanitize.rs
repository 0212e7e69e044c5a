//! Makes untrusted packet text safe for a terminal: control characters and escape sequences
//! are replaced by visible placeholders before anything reaches the screen; so are the
//! invisible Unicode formatting characters (bidirectional overrides, zero-width characters)
//! that could make displayed text lie about what the packet holds. std only.

use std::fmt::Write as _;

/// Bidirectional controls, zero-width characters and the BOM: not control characters, but
/// they reorder or hide text on screen.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// Replaces every control character (C0, DEL, C1) with a visible escape like `\x1b`, and
/// invisible formatting characters with `\u{202e}`, so that packet-controlled text can never
/// move the cursor, change colours, set the title or reorder what is shown.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_sanitized(&mut out, text);
    out
}

fn push_sanitized(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else if is_invisible_format(c) {
            let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
        } else {
            out.push(c);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
        // Sanitizing twice changes nothing more.
        let once = sanitize("x\x1b\u{2066}y");
        assert_eq!(sanitize(&once), once);
    }
}
