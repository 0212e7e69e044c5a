//! Zeek-style connection history (`conn.log`'s `history` field): one letter per notable event,
//! uppercase when the client (originator) sent it, lowercase for the server. Follows Zeek's
//! rules: `S` SYN, `H` SYN-ACK, `A` pure ACK, `D` data, `F` FIN, `R` RST, `Q` several of
//! SYN/FIN/RST at once, `I` FIN+RST, `T` retransmitted data (or a pure ACK whose sequence
//! number went back behind data already sent), `W` zero window, `^` when the
//! first packet seen was a SYN-ACK and the roles were taken from it. `A` `D` `Q` `I` appear at
//! most once per direction; `S` `H` `F` `R` again only when the sequence number changes;
//! `T` and `W` on the 1st, 10th, 100th … occurrence. Fixed-size buffer, no allocation.
//! Depends on `model`.

use std::fmt;

use crate::model::{SeqNum, TcpSegment, tcp_flags};

/// Longest history kept; later letters are dropped (Zeek has no such bound, we need one).
pub const MAX_HISTORY: usize = 32;

const SEEN_SYN: u8 = 1 << 0;
const SEEN_FIN: u8 = 1 << 1;
const SEEN_RST: u8 = 1 << 2;
const SEEN_ACK: u8 = 1 << 3;
const SEEN_DATA: u8 = 1 << 4;
const SEEN_MULTI: u8 = 1 << 5;
const SEEN_FIN_RST: u8 = 1 << 6;

/// What one direction has contributed so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct SideHistory {
    seen: u8,
    last_syn: u32,
    last_fin: u32,
    last_rst: u32,
    /// Highest sequence number + length of data seen (retransmission detection).
    max_end: Option<SeqNum>,
    retransmits: u32,
    zero_windows: u32,
}

/// A connection's history string.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct History {
    buf: [u8; MAX_HISTORY],
    len: u8,
    sides: [SideHistory; 2],
}

impl Default for History {
    fn default() -> Self {
        History {
            buf: [0; MAX_HISTORY],
            len: 0,
            sides: [SideHistory::default(); 2],
        }
    }
}

impl History {
    /// The letters recorded so far.
    pub fn as_str(&self) -> &str {
        let len = usize::from(self.len).min(MAX_HISTORY);
        // Only ASCII letters and '^' are ever pushed, so this cannot fail; fall back anyway.
        std::str::from_utf8(self.buf.get(..len).unwrap_or(&[])).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Records the roles flip (`^`): the first segment was a SYN-ACK.
    pub(crate) fn mark_flipped(&mut self) {
        self.push(b'^');
    }

    fn push(&mut self, letter: u8) {
        if let Some(slot) = self.buf.get_mut(usize::from(self.len)) {
            *slot = letter;
            self.len = self.len.saturating_add(1);
        }
    }

    fn letter(&mut self, from_client: bool, upper: u8) {
        self.push(if from_client {
            upper
        } else {
            upper.to_ascii_lowercase()
        });
    }

    /// Records once per direction; returns whether it had already been seen.
    fn once(&mut self, from_client: bool, bit: u8, upper: u8) -> bool {
        let side = &mut self.sides[usize::from(!from_client)];
        if side.seen & bit != 0 {
            return true;
        }
        side.seen |= bit;
        self.letter(from_client, upper);
        false
    }

    /// Updates the history with one segment.
    pub(crate) fn record(&mut self, from_client: bool, seg: &TcpSegment) {
        let syn = seg.has(tcp_flags::SYN);
        let fin = seg.has(tcp_flags::FIN);
        let rst = seg.has(tcp_flags::RST);
        let bits = u8::from(syn) + u8::from(fin) + u8::from(rst);
        let idx = usize::from(!from_client);

        if bits > 1 {
            if fin && rst {
                self.once(from_client, SEEN_FIN_RST, b'I');
            } else {
                self.once(from_client, SEEN_MULTI, b'Q');
            }
        } else if syn {
            let code = if seg.has(tcp_flags::ACK) { b'H' } else { b'S' };
            let last = self.sides[idx].last_syn;
            if self.once(from_client, SEEN_SYN, code) && seg.seq != last {
                self.letter(from_client, code);
            }
            self.sides[idx].last_syn = seg.seq;
        } else if fin {
            // A FIN's sequence number is the one after its data (Zeek compares that).
            let fin_seq = seg.seq.wrapping_add(seg.payload_len);
            let last = self.sides[idx].last_fin;
            if self.once(from_client, SEEN_FIN, b'F') && fin_seq != last {
                self.letter(from_client, b'F');
            }
            self.sides[idx].last_fin = fin_seq;
        } else if rst {
            let last = self.sides[idx].last_rst;
            if self.once(from_client, SEEN_RST, b'R') && seg.seq != last {
                self.letter(from_client, b'R');
            }
            self.sides[idx].last_rst = seg.seq;
        } else if seg.payload_len > 0 {
            self.once(from_client, SEEN_DATA, b'D');
        } else if seg.has(tcp_flags::ACK) {
            self.once(from_client, SEEN_ACK, b'A');
        }

        if seg.payload_len > 0 && !syn && !rst {
            let start = SeqNum(seg.seq);
            let end = start.add(seg.payload_len);
            let side = self.sides[idx];
            match side.max_end {
                Some(max) if !end.after(max) => self.scaled(from_client, b'T', true),
                _ => self.sides[idx].max_end = Some(end),
            }
        } else if !syn && !rst && !fin && seg.has(tcp_flags::ACK) {
            // A pure ACK whose sequence number is behind the data already sent this way went
            // backwards: a retransmission as Zeek and Wireshark count it.
            if let Some(max) = self.sides[idx].max_end
                && max.after(SeqNum(seg.seq))
            {
                self.scaled(from_client, b'T', true);
            }
        }
        if seg.window == 0 && !syn && !rst {
            self.scaled(from_client, b'W', false);
        }
    }

    /// Zeek's logarithmic letters: recorded at the 1st, 10th, 100th … occurrence.
    fn scaled(&mut self, from_client: bool, upper: u8, retransmit: bool) {
        let side = &mut self.sides[usize::from(!from_client)];
        let count = if retransmit {
            &mut side.retransmits
        } else {
            &mut side.zero_windows
        };
        *count = count.saturating_add(1);
        // The threshold is the next power of ten, so it need not be stored.
        if is_power_of_ten(*count) {
            self.letter(from_client, upper);
        }
    }
}

/// 1, 10, 100, … (Zeek's thresholds for the logarithmic letters).
fn is_power_of_ten(mut n: u32) -> bool {
    if n == 0 {
        return false;
    }
    while n.is_multiple_of(10) {
        n /= 10;
    }
    n == 1
}

impl fmt::Display for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "History({:?})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::is_power_of_ten;

    #[test]
    fn powers_of_ten_are_the_letter_thresholds() {
        let hits: Vec<u32> = (0..=100_000).filter(|&n| is_power_of_ten(n)).collect();
        assert_eq!(hits, [1, 10, 100, 1_000, 10_000, 100_000]);
        assert!(is_power_of_ten(1_000_000_000));
        assert!(!is_power_of_ten(u32::MAX));
    }
}
