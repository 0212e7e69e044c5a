//! Makes untrusted packet text safe for a terminal: control characters and escape sequences
//! are replaced by visible placeholders before anything reaches the screen. std only.

/// Replaces every control character (C0, DEL, C1) with a visible escape like `\x1b`, so that
/// packet-controlled text can never move the cursor, change colours or set the title.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Bytes to safe text: valid UTF-8 is kept (sanitized), invalid bytes become `\xNN`.
pub fn sanitize_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&sanitize(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
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
}
