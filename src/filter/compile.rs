//! Untyped tree → typed tree: each field name resolved in the registry (with a did-you-mean
//! for typos), each literal parsed as its field's type (addresses and CIDR blocks checked,
//! integers in decimal, hex or octal like Wireshark), regexes compiled. Runs once per filter.

use std::net::{Ipv4Addr, Ipv6Addr};

use memchr::memmem::Finder;
use regex::bytes::Regex;

use super::FilterError;
use super::fields::{self, FieldId, FieldType};
use super::lex::CmpOp;
use super::parse::{Expr, Lit as PLit, LitKind, Rel, SetItem};

/// A literal typed for its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lit {
    U(u64),
    /// Nanoseconds.
    Time(i64),
    Bool(bool),
    /// Address and network mask (all ones for a single address).
    V4(u32, u32),
    V6(u128, u128),
    Mac([u8; 6]),
    Bytes(Box<[u8]>),
}

#[derive(Debug)]
pub enum Test {
    Exists,
    Cmp(CmpOp, Lit),
    /// Each item is an inclusive range; a single value is `(v, v)`.
    In(Box<[(Lit, Lit)]>),
    Contains(Box<Finder<'static>>),
    Matches(Regex),
    BitAnd(u64),
}

#[derive(Debug)]
pub enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Test(FieldId, Test),
}

/// What the compiled tree reads: lets `matches` skip work it does not need.
#[derive(Clone, Copy, Debug, Default)]
pub struct Uses {
    /// Any packet header field or protocol (needs the walk over the bytes).
    pub packet: bool,
    /// Any `flow.*` field.
    pub flow: bool,
    /// Any `tcp.analysis.*` field (reads the per-packet sequence analysis).
    pub analysis: bool,
}

pub fn compile(text: &str, e: &Expr, uses: &mut Uses) -> Result<Node, FilterError> {
    Ok(match e {
        Expr::And(a, b) => Node::And(
            Box::new(compile(text, a, uses)?),
            Box::new(compile(text, b, uses)?),
        ),
        Expr::Or(a, b) => Node::Or(
            Box::new(compile(text, a, uses)?),
            Box::new(compile(text, b, uses)?),
        ),
        Expr::Not(a) => Node::Not(Box::new(compile(text, a, uses)?)),
        Expr::Test { field, at, rel } => {
            let Some(def) = fields::lookup(field) else {
                let mut err = FilterError::at(text, *at, format!("unknown field \"{field}\""));
                err.hint = fields::suggest(field).map(|s| format!("did you mean {s}?"));
                return Err(err);
            };
            if def.id.is_analysis() || def.id == FieldId::TcpInitialRtt {
                uses.analysis = true;
            }
            if def.id.is_flow() {
                uses.flow = true;
            } else if !def.id.is_analysis()
                && !matches!(
                    def.id,
                    FieldId::FrameNumber
                        | FieldId::FrameLen
                        | FieldId::FrameCapLen
                        | FieldId::FrameTimeRelative
                        | FieldId::FrameTimeEpoch
                        | FieldId::TcpStream
                )
            {
                uses.packet = true;
            }
            let test = match rel {
                None => Test::Exists,
                Some(r) => test(text, def, r)?,
            };
            Node::Test(def.id, test)
        }
    })
}

fn test(text: &str, def: &fields::FieldDef, rel: &Rel) -> Result<Test, FilterError> {
    let ty = def.ty;
    if ty == FieldType::Label {
        let at = match rel {
            Rel::Cmp(_, l) | Rel::Contains(l) | Rel::Matches(l) | Rel::BitAnd(l) => l.at,
            Rel::In(items) => items_at(items),
        };
        return Err(FilterError::at(
            text,
            at,
            format!(
                "\"{}\" is a label without a value: test it alone (`{}`)",
                def.name, def.name
            ),
        ));
    }
    Ok(match rel {
        Rel::Cmp(op, lit) => {
            if ty == FieldType::Protocol {
                return Err(FilterError::at(
                    text,
                    lit.at,
                    format!(
                        "\"{}\" is a protocol: test it alone, or use contains / matches",
                        def.name
                    ),
                ));
            }
            let ordering = !matches!(op, CmpOp::Eq | CmpOp::AllNe | CmpOp::AllEq | CmpOp::AnyNe);
            if ordering && ty == FieldType::Bool {
                return Err(FilterError::at(
                    text,
                    lit.at,
                    format!("\"{}\" is a boolean: compare it with == or !=", def.name),
                ));
            }
            Test::Cmp(*op, literal(text, def, lit)?)
        }
        Rel::In(items) => {
            if ty == FieldType::Protocol {
                return Err(FilterError::at(
                    text,
                    items_at(items),
                    format!("\"{}\" is a protocol and has no value to look up", def.name),
                ));
            }
            let mut set = Vec::with_capacity(items.len());
            for item in items {
                set.push(match item {
                    SetItem::One(l) => {
                        let v = literal(text, def, l)?;
                        (v.clone(), v)
                    }
                    SetItem::Range(a, b) => (literal(text, def, a)?, literal(text, def, b)?),
                });
            }
            Test::In(set.into_boxed_slice())
        }
        Rel::Contains(lit) => {
            if !matches!(ty, FieldType::Text | FieldType::Protocol) {
                return Err(FilterError::at(
                    text,
                    lit.at,
                    format!(
                        "\"{}\" is a {}: contains works on text and protocols",
                        def.name,
                        ty.name()
                    ),
                ));
            }
            let bytes = match &lit.kind {
                LitKind::Str(s) => s.clone(),
                LitKind::Word(w) => hex_bytes(w).unwrap_or_else(|| w.as_bytes().to_vec()),
            };
            Test::Contains(Box::new(Finder::new(&bytes).into_owned()))
        }
        Rel::Matches(lit) => {
            if !matches!(ty, FieldType::Text | FieldType::Protocol) {
                return Err(FilterError::at(
                    text,
                    lit.at,
                    format!(
                        "\"{}\" is a {}: matches works on text and protocols",
                        def.name,
                        ty.name()
                    ),
                ));
            }
            let LitKind::Str(s) = &lit.kind else {
                return Err(FilterError::at(
                    text,
                    lit.at,
                    "matches takes a quoted regular expression".into(),
                ));
            };
            let pattern = String::from_utf8_lossy(s);
            let re = Regex::new(&pattern).map_err(|e| {
                FilterError::at(
                    text,
                    lit.at,
                    format!(
                        "bad regular expression: {}",
                        e.to_string().replace('\n', " ")
                    ),
                )
            })?;
            Test::Matches(re)
        }
        Rel::BitAnd(lit) => {
            if ty != FieldType::UInt {
                return Err(FilterError::at(
                    text,
                    lit.at,
                    format!("\"{}\" is not an integer: & needs one", def.name),
                ));
            }
            match literal(text, def, lit)? {
                Lit::U(m) => Test::BitAnd(m),
                _ => return Err(FilterError::at(text, lit.at, "expected a mask".into())),
            }
        }
    })
}

fn items_at(items: &[SetItem]) -> usize {
    match items.first() {
        Some(SetItem::One(l) | SetItem::Range(l, _)) => l.at,
        None => 0,
    }
}

/// `47:45:54` (or `47-45-54`) as bytes.
fn hex_bytes(w: &str) -> Option<Vec<u8>> {
    if !w.contains([':', '-']) {
        return None;
    }
    w.split([':', '-'])
        .map(|p| {
            if p.len() == 2 {
                u8::from_str_radix(p, 16).ok()
            } else {
                None
            }
        })
        .collect()
}

/// Parses `lit` as a value of `def`'s type.
pub fn literal(text: &str, def: &fields::FieldDef, lit: &PLit) -> Result<Lit, FilterError> {
    let word: std::borrow::Cow<'_, str> = match &lit.kind {
        LitKind::Word(w) => w.as_str().into(),
        LitKind::Str(s) => String::from_utf8_lossy(s),
    };
    let bad = |what: &str| {
        FilterError::at(
            text,
            lit.at,
            format!("\"{word}\" is not {what} (the value of {})", def.name),
        )
    };
    Ok(match def.ty {
        FieldType::UInt => Lit::U(uint(&word).ok_or_else(|| bad("an unsigned integer"))?),
        FieldType::Bool => match word.as_ref() {
            "1" | "True" | "true" | "TRUE" => Lit::Bool(true),
            "0" | "False" | "false" | "FALSE" => Lit::Bool(false),
            _ => return Err(bad("a boolean (1, 0, True or False)")),
        },
        FieldType::Time => Lit::Time(seconds(&word).ok_or_else(|| bad("a number of seconds"))?),
        FieldType::Ipv4 => {
            let (a, prefix) = match word.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (word.as_ref(), None),
            };
            let addr: Ipv4Addr = a.parse().map_err(|_| bad("a valid IPv4 address"))?;
            let bits = match prefix {
                None => 32,
                Some(p) => p
                    .parse::<u32>()
                    .ok()
                    .filter(|b| *b <= 32)
                    .ok_or_else(|| bad("a valid IPv4 network (prefix 0 to 32)"))?,
            };
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            Lit::V4(u32::from(addr) & mask, mask)
        }
        FieldType::Ipv6 => {
            let (a, prefix) = match word.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (word.as_ref(), None),
            };
            let addr: Ipv6Addr = a.parse().map_err(|_| bad("a valid IPv6 address"))?;
            let bits = match prefix {
                None => 128,
                Some(p) => p
                    .parse::<u32>()
                    .ok()
                    .filter(|b| *b <= 128)
                    .ok_or_else(|| bad("a valid IPv6 prefix (0 to 128)"))?,
            };
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            Lit::V6(u128::from(addr) & mask, mask)
        }
        FieldType::Mac => Lit::Mac(mac(&word).ok_or_else(|| bad("a MAC address"))?),
        FieldType::Text => Lit::Bytes(match &lit.kind {
            LitKind::Str(s) => s.clone().into_boxed_slice(),
            LitKind::Word(w) => w.as_bytes().into(),
        }),
        FieldType::Protocol => return Err(bad("comparable (it is a protocol)")),
        FieldType::Label => return Err(bad("comparable (it is a label without a value)")),
    })
}

/// Wireshark's integers: decimal, `0x` hex, `0b` binary or a leading `0` for octal.
fn uint(w: &str) -> Option<u64> {
    if let Some(h) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = w.strip_prefix("0b").or_else(|| w.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()
    } else if w.len() > 1 && w.starts_with('0') {
        u64::from_str_radix(&w[1..], 8).ok()
    } else if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) {
        w.parse().ok()
    } else {
        None
    }
}

/// Seconds with up to nine decimals, exactly, as nanoseconds.
fn seconds(w: &str) -> Option<i64> {
    let (neg, w) = match w.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, w),
    };
    let (int, frac) = w.split_once('.').unwrap_or((w, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 9
    {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..9 {
        f *= 10;
    }
    let ns = whole.checked_mul(1_000_000_000)?.checked_add(f)?;
    Some(if neg { -ns } else { ns })
}

/// `00:11:22:33:44:55`, `00-11-22-33-44-55` or `0011.2233.4455`.
fn mac(w: &str) -> Option<[u8; 6]> {
    let hex: String = if w.contains('.') {
        let parts: Vec<&str> = w.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.len() != 4) {
            return None;
        }
        parts.concat()
    } else {
        let parts: Vec<&str> = w.split([':', '-']).collect();
        if parts.len() != 6 || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
            return None;
        }
        parts.iter().map(|p| format!("{p:0>2}")).collect()
    };
    let mut out = [0u8; 6];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_like_wireshark() {
        assert_eq!(uint("80"), Some(80));
        assert_eq!(uint("0x50"), Some(80));
        assert_eq!(uint("0120"), Some(80));
        assert_eq!(uint("0"), Some(0));
        assert_eq!(uint("-1"), None);
        assert_eq!(uint("8o"), None);
    }

    #[test]
    fn seconds_are_exact() {
        assert_eq!(seconds("1.5"), Some(1_500_000_000));
        assert_eq!(seconds("0.000000001"), Some(1));
        assert_eq!(seconds(".25"), Some(250_000_000));
        assert_eq!(seconds("1.0000000001"), None);
        assert_eq!(seconds("x"), None);
    }

    #[test]
    fn macs_in_three_spellings() {
        let m = Some([0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(mac("00:11:22:33:44:55"), m);
        assert_eq!(mac("00-11-22-33-44-55"), m);
        assert_eq!(mac("0011.2233.4455"), m);
        assert_eq!(mac("00:11:22:33:44"), None);
        assert_eq!(mac("00:11:22:33:44:zz"), None);
    }
}
