//! The `:` prompt: what it accepts (a packet number, or a time after the first packet) and the
//! text typed so far. The jump itself is the player's (`playback`). Depends on the app's bar.

use super::App;

/// Parses the `:` prompt: `12` is packet 12, `3.5s` (or `3.5 s`) 3.5 s after the first packet.
pub fn parse_jump(text: &str) -> Result<Jump, String> {
    let t = text.trim();
    if let Some(secs) = t.strip_suffix('s') {
        let v: f64 = secs
            .trim()
            .parse()
            .map_err(|_| format!("'{t}' is not a time (e.g. 3.5s)"))?;
        if !v.is_finite() || v < 0.0 {
            return Err(format!("'{t}' is not a time (e.g. 3.5s)"));
        }
        return Ok(Jump::Time((v * 1e9).min(i64::MAX as f64 / 2.0) as i64));
    }
    match t.parse::<usize>() {
        Ok(0) | Err(_) => Err(format!(
            "'{t}' is neither a packet number (12) nor a time (3.5s)"
        )),
        Ok(n) => Ok(Jump::Packet(n)),
    }
}

/// Where the `:` prompt jumps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jump {
    /// Packet number (1-based).
    Packet(usize),
    /// Capture nanoseconds after the first packet.
    Time(i64),
}

impl App {
    /// The `:` prompt's text while it is open.
    pub fn prompt(&self) -> Option<&str> {
        self.bar()
            .filter(|b| b.kind == super::BarKind::GoTo)
            .map(|b| b.text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_takes_packet_numbers_and_times() {
        assert_eq!(parse_jump("12"), Ok(Jump::Packet(12)));
        assert_eq!(parse_jump(" 3.5s "), Ok(Jump::Time(3_500_000_000)));
        assert_eq!(parse_jump("0.25 s"), Ok(Jump::Time(250_000_000)));
        assert!(parse_jump("0").is_err());
        assert!(parse_jump("-1s").is_err());
        assert!(parse_jump("soon").is_err());
        assert!(parse_jump("").is_err());
    }
}
