//! Tokens → an untyped expression tree. Precedence as in Wireshark: `not` binds tightest,
//! then `and`, then `or`; parentheses group. Every node keeps the byte offset it came from.

use super::FilterError;
use super::lex::{CmpOp, Tok};

/// A literal as written, typed later against its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lit {
    pub kind: LitKind,
    /// Byte offset in the filter text.
    pub at: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LitKind {
    /// Unquoted: a number, an address, a MAC, `True`…
    Word(String),
    /// Quoted string.
    Str(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetItem {
    One(Lit),
    Range(Lit, Lit),
}

/// What a test asks of its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rel {
    Cmp(CmpOp, Lit),
    Contains(Lit),
    Matches(Lit),
    In(Vec<SetItem>),
    BitAnd(Lit),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// A field (or protocol), alone (present?) or with a relation.
    Test {
        field: String,
        at: usize,
        rel: Option<Rel>,
    },
}

/// Parses the tokens of `text`.
pub fn parse(text: &str, toks: &[(Tok, usize)]) -> Result<Expr, FilterError> {
    let mut p = Parser { text, toks, pos: 0 };
    if toks.is_empty() {
        return Err(FilterError::at(text, 0, "the filter is empty".into()));
    }
    let e = p.or()?;
    if let Some((t, at)) = toks.get(p.pos) {
        let what = match t {
            Tok::RParen => "a \")\" without its \"(\"".to_owned(),
            _ => "more after a complete filter — join tests with && or ||".to_owned(),
        };
        return Err(FilterError::at(text, *at, what));
    }
    Ok(e)
}

struct Parser<'a> {
    text: &'a str,
    toks: &'a [(Tok, usize)],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    /// Offset of the current token, or the end of the text.
    fn here(&self) -> usize {
        self.toks
            .get(self.pos)
            .map_or(self.text.len(), |(_, at)| *at)
    }

    fn err<T>(&self, msg: impl Into<String>) -> Result<T, FilterError> {
        Err(FilterError::at(self.text, self.here(), msg.into()))
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        match self.peek() {
            Some(Tok::Not) => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return self.err("expected \")\" to close the \"(\"");
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Word(_)) => self.test(),
            Some(Tok::Str(_)) => self.err("a filter test starts with a field name, not a string"),
            None => self.err("the filter ends where a test was expected"),
            Some(_) => self.err("expected a field name, \"not\" or \"(\""),
        }
    }

    fn test(&mut self) -> Result<Expr, FilterError> {
        let Some((Tok::Word(field), at)) = self.toks.get(self.pos).cloned() else {
            return self.err("expected a field name");
        };
        self.pos += 1;
        let rel = match self.peek() {
            Some(Tok::Cmp(op)) => {
                let op = *op;
                self.pos += 1;
                Some(Rel::Cmp(op, self.lit()?))
            }
            Some(Tok::Contains) => {
                self.pos += 1;
                Some(Rel::Contains(self.lit()?))
            }
            Some(Tok::Matches) => {
                self.pos += 1;
                Some(Rel::Matches(self.lit()?))
            }
            Some(Tok::BitAnd) => {
                self.pos += 1;
                Some(Rel::BitAnd(self.lit()?))
            }
            Some(Tok::In) => {
                self.pos += 1;
                Some(Rel::In(self.set()?))
            }
            Some(Tok::Not) if self.toks.get(self.pos + 1).map(|(t, _)| t) == Some(&Tok::In) => {
                // `a not in {…}` is `not (a in {…})`.
                self.pos += 2;
                let set = self.set()?;
                return Ok(Expr::Not(Box::new(Expr::Test {
                    field,
                    at,
                    rel: Some(Rel::In(set)),
                })));
            }
            _ => None,
        };
        Ok(Expr::Test { field, at, rel })
    }

    fn lit(&mut self) -> Result<Lit, FilterError> {
        let at = self.here();
        match self.toks.get(self.pos).map(|(t, _)| t) {
            Some(Tok::Word(w)) => {
                self.pos += 1;
                Ok(Lit {
                    kind: LitKind::Word(w.clone()),
                    at,
                })
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(Lit {
                    kind: LitKind::Str(s.clone()),
                    at,
                })
            }
            None => self.err("the filter ends where a value was expected"),
            Some(_) => self.err("expected a value (a number, an address or a \"string\")"),
        }
    }

    fn set(&mut self) -> Result<Vec<SetItem>, FilterError> {
        if self.peek() != Some(&Tok::LBrace) {
            return self.err("expected \"{\" to open the set (`in {80 443}`)");
        }
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::RBrace) => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Comma) => self.pos += 1,
                None => return self.err("the set has no closing \"}\""),
                _ => {
                    let lo = self.lit()?;
                    // `70..90` is one word; `70 .. 90` three.
                    let item = match &lo.kind {
                        LitKind::Word(w) if w.contains("..") && w != ".." => {
                            let (a, b) = w.split_once("..").unwrap_or((w, ""));
                            let hi_at = lo.at + a.len() + 2;
                            if a.is_empty() || b.is_empty() {
                                return Err(FilterError::at(
                                    self.text,
                                    lo.at,
                                    "a range needs both ends (`1..5`)".into(),
                                ));
                            }
                            SetItem::Range(
                                Lit {
                                    kind: LitKind::Word(a.to_owned()),
                                    at: lo.at,
                                },
                                Lit {
                                    kind: LitKind::Word(b.to_owned()),
                                    at: hi_at,
                                },
                            )
                        }
                        _ if matches!(self.peek(), Some(Tok::Word(w)) if w == "..") => {
                            self.pos += 1;
                            SetItem::Range(lo, self.lit()?)
                        }
                        _ => SetItem::One(lo),
                    };
                    items.push(item);
                }
            }
        }
        if items.is_empty() {
            return self.err("the set is empty");
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::super::lex::lex;
    use super::*;

    fn p(s: &str) -> Result<Expr, FilterError> {
        parse(s, &lex(s)?)
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let e = p("a || b && !c").expect("parses");
        let Expr::Or(_, right) = e else {
            panic!("top is not or: {e:?}")
        };
        assert!(matches!(*right, Expr::And(_, _)));
    }

    #[test]
    fn sets_and_ranges() {
        let e = p("tcp.port in {80, 443 8000..8080}").expect("parses");
        let Expr::Test {
            rel: Some(Rel::In(items)),
            ..
        } = e
        else {
            panic!("{e:?}")
        };
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[2], SetItem::Range(a, b) if a.at == 21 && b.at == 27));
        assert!(matches!(p("a not in {1}"), Ok(Expr::Not(_))));
    }

    #[test]
    fn errors() {
        assert_eq!(p("(a").expect_err("unclosed").column, 3);
        assert_eq!(p("a == 1 b").expect_err("junk").column, 8);
        assert_eq!(p("a ==").expect_err("no value").column, 5);
        assert!(p("").is_err());
        assert!(p("a in {}").is_err());
        assert!(p("a)").is_err());
    }
}
