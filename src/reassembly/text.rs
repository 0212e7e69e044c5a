//! How reassembled bytes are shown as text, shared by `synack follow` and the viewer's Follow
//! view: tshark's ascii (one byte, one cell, non-printable as `.`), hex dump and raw hex
//! layouts, and the gap placeholders. Every output is printable ASCII (plus `\n` and `\t` in
//! [`ascii`]), so nothing a capture carries can reach the terminal as a control sequence.

use super::GapKind;

/// The placeholder for a gap, in tshark's words for missing bytes.
pub fn gap_text(len: u64, kind: GapKind) -> String {
    match kind {
        GapKind::Missing => format!("[{len} bytes missing in capture file]"),
        GapKind::NotCaptured => format!("[{len} bytes not captured]"),
    }
}

/// Lowercase hex digits, two per byte.
pub fn hex(d: &[u8]) -> String {
    let mut s = String::with_capacity(d.len() * 2);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Bytes as terminal-safe text: printable ASCII, newlines and tabs kept, CR before LF dropped,
/// everything else `.` (as tshark's ascii view; nothing reaches the terminal unescaped).
pub fn ascii(d: &[u8]) -> String {
    let mut s = String::with_capacity(d.len());
    let mut it = d.iter().peekable();
    while let Some(&b) = it.next() {
        match b {
            b'\r' if it.peek() == Some(&&b'\n') => {}
            b'\n' | b'\t' | 0x20..=0x7e => s.push(char::from(b)),
            _ => s.push('.'),
        }
    }
    s
}

/// tshark's hex view: `OFFSET  xx xx … xx  xx … xx  text`, 16 bytes a line, the offset in
/// the direction's stream.
pub fn hex_dump(d: &[u8], offset: u64) -> Vec<String> {
    d.chunks(16)
        .enumerate()
        .map(|(k, row)| {
            let mut line = format!("{:08X}  ", offset + (k as u64) * 16);
            for i in 0..16 {
                match row.get(i) {
                    Some(b) => line.push_str(&format!("{b:02x} ")),
                    None => line.push_str("   "),
                }
                if i == 7 {
                    line.push(' ');
                }
            }
            line.push(' ');
            for (i, &b) in row.iter().enumerate() {
                line.push(if (0x20..=0x7e).contains(&b) {
                    char::from(b)
                } else {
                    '.'
                });
                if i == 7 {
                    line.push(' ');
                }
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_terminal_safe_and_keeps_lines() {
        assert_eq!(
            ascii(b"GET / HTTP/1.1\r\nHost: a\r\n"),
            "GET / HTTP/1.1\nHost: a\n"
        );
        assert_eq!(ascii(b"\x1b[2Jx\ry\x00\xff"), ".[2Jx.y..");
    }

    #[test]
    fn hex_dump_matches_tsharks_layout() {
        let lines = hex_dump(b"HTTP/1.1 200 OK\r\nX", 0x10);
        assert_eq!(
            lines[0],
            "00000010  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  HTTP/1.1  200 OK."
        );
        assert_eq!(lines[1], format!("00000020  0a 58{}  .X", " ".repeat(43)));
    }

    #[test]
    fn gap_placeholders() {
        assert_eq!(
            gap_text(4, GapKind::Missing),
            "[4 bytes missing in capture file]"
        );
        assert_eq!(gap_text(6, GapKind::NotCaptured), "[6 bytes not captured]");
    }
}
