//! Display-filter text → tokens, each with the byte offset it starts at (for error columns).
//! Words are Wireshark's "literals": field names, numbers, addresses, CIDR blocks, MACs,
//! IPv6 addresses and ranges (`70..90`) are all one word, typed later against the field.

use super::FilterError;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==` `eq` `any_eq`: some occurrence equals.
    Eq,
    /// `!=` `ne` `all_ne`: there is an occurrence and none equals (Wireshark 4).
    AllNe,
    /// `===` `all_eq`: there is an occurrence and all equal.
    AllEq,
    /// `~=` `any_ne`: some occurrence differs.
    AnyNe,
    Gt,
    Lt,
    Ge,
    Le,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    And,
    Or,
    Not,
    Cmp(CmpOp),
    Contains,
    Matches,
    In,
    /// `&`: bitwise and, as a test (`tcp.flags & 0x02`).
    BitAnd,
    /// A quoted string, escapes resolved (bytes: `\xff` is allowed).
    Str(Vec<u8>),
    Word(String),
}

/// Splits `text` into tokens with their starting byte offsets.
pub fn lex(text: &str) -> Result<Vec<(Tok, usize)>, FilterError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let two = b.get(i..i + 2).unwrap_or(&[]);
        let three = b.get(i..i + 3).unwrap_or(&[]);
        let (tok, len) = match c {
            b'(' => (Tok::LParen, 1),
            b')' => (Tok::RParen, 1),
            b'{' => (Tok::LBrace, 1),
            b'}' => (Tok::RBrace, 1),
            b',' => (Tok::Comma, 1),
            b'"' => {
                let (s, len) = string(text, i)?;
                (Tok::Str(s), len)
            }
            _ if three == b"===" => (Tok::Cmp(CmpOp::AllEq), 3),
            _ if two == b"==" => (Tok::Cmp(CmpOp::Eq), 2),
            _ if two == b"!=" => (Tok::Cmp(CmpOp::AllNe), 2),
            _ if two == b"~=" => (Tok::Cmp(CmpOp::AnyNe), 2),
            _ if two == b">=" => (Tok::Cmp(CmpOp::Ge), 2),
            _ if two == b"<=" => (Tok::Cmp(CmpOp::Le), 2),
            _ if two == b"&&" => (Tok::And, 2),
            _ if two == b"||" => (Tok::Or, 2),
            b'>' => (Tok::Cmp(CmpOp::Gt), 1),
            b'<' => (Tok::Cmp(CmpOp::Lt), 1),
            b'!' => (Tok::Not, 1),
            b'&' => (Tok::BitAnd, 1),
            b'=' => {
                return Err(FilterError::at(
                    text,
                    start,
                    "a single \"=\" is not an operator — did you mean ==?".into(),
                ));
            }
            _ if is_word(c) => {
                let len = b[i..].iter().take_while(|&&c| is_word(c)).count();
                let w = &text[i..i + len];
                let tok = match w.to_ascii_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "eq" | "any_eq" => Tok::Cmp(CmpOp::Eq),
                    "ne" | "all_ne" => Tok::Cmp(CmpOp::AllNe),
                    "all_eq" => Tok::Cmp(CmpOp::AllEq),
                    "any_ne" => Tok::Cmp(CmpOp::AnyNe),
                    "gt" => Tok::Cmp(CmpOp::Gt),
                    "lt" => Tok::Cmp(CmpOp::Lt),
                    "ge" => Tok::Cmp(CmpOp::Ge),
                    "le" => Tok::Cmp(CmpOp::Le),
                    "contains" => Tok::Contains,
                    "matches" => Tok::Matches,
                    "in" => Tok::In,
                    _ => Tok::Word(w.to_owned()),
                };
                (tok, len)
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(FilterError::at(
                    text,
                    start,
                    format!("unexpected character {:?}", ch),
                ));
            }
        };
        out.push((tok, start));
        i += len;
    }
    Ok(out)
}

/// Characters of a bare word: field names, numbers, addresses, MACs, CIDR, ranges.
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b':' | b'/' | b'-' | b'_' | b'+')
}

/// A quoted string starting at `start` (the quote): its bytes and its length in the text.
fn string(text: &str, start: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return Ok((out, i + 1 - start)),
            b'\\' => {
                let Some(&e) = b.get(i + 1) else { break };
                i += 2;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'0' => out.push(0),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'x' => {
                        let hex = b.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                            Some(v) => out.push(v),
                            None => {
                                return Err(FilterError::at(
                                    text,
                                    i - 2,
                                    "\\x needs two hex digits".into(),
                                ));
                            }
                        }
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(FilterError::at(
        text,
        start,
        "this string has no closing quote".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).expect("lexes").into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn operators_words_and_strings() {
        assert_eq!(
            toks("tcp.port==80&&!ip"),
            vec![
                Tok::Word("tcp.port".into()),
                Tok::Cmp(CmpOp::Eq),
                Tok::Word("80".into()),
                Tok::And,
                Tok::Not,
                Tok::Word("ip".into()),
            ]
        );
        assert_eq!(
            toks(r#"a contains "x\"y\x41""#),
            vec![
                Tok::Word("a".into()),
                Tok::Contains,
                Tok::Str(b"x\"yA".to_vec())
            ]
        );
        assert_eq!(toks("a ne b")[1], Tok::Cmp(CmpOp::AllNe));
        assert_eq!(toks("a === b")[1], Tok::Cmp(CmpOp::AllEq));
        assert_eq!(toks("{1..3}")[1], Tok::Word("1..3".into()));
    }

    #[test]
    fn errors_point_at_the_place() {
        let e = lex("tcp.port = 80").expect_err("single =");
        assert_eq!(e.column, 10);
        let e = lex("a == \"open").expect_err("no closing quote");
        assert_eq!(e.column, 6);
        assert!(lex("a == 1 ; b").is_err());
    }
}
