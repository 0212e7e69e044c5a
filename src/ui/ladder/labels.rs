//! The words on the ladder: arrow labels (flags, seq/ack relative and raw, length), the detail
//! line (handshake options, the window as the receiver reads it), time offsets and state names,
//! each shrinking to the room it gets. Text only, built from numbers and fixed words.

use crate::flow::{Direction, Flow, LadderEvent, TcpState, ms_text};
use crate::model::{TcpHandshakeOptions, tcp_flags};

use crate::ui::paint::{self, Piece, width};

/// `+40.112 ms`, shorter forms when it does not fit `max`.
pub(super) fn offset_text(ns: i64, max: usize) -> String {
    let ms = ms_text(ns);
    let long = format!("+{ms} ms");
    if width(&long) <= max {
        return long;
    }
    let bare = format!("+{ms}");
    if width(&bare) <= max {
        return bare;
    }
    format!("+{}s", ms_text(ns / 1_000))
}

/// A state's name in `max` columns.
pub(super) fn state_text(state: TcpState, max: usize) -> String {
    let name = state.name();
    if width(name) <= max {
        name.to_string()
    } else if state == TcpState::Reset && max >= 10 {
        "CLOSED/RST".to_string()
    } else {
        paint::truncate(name, max)
    }
}

/// Options as `mss 1460, wscale 7, sackOK, TS` (long) or `mss1460 ws7 sack TS` (short).
pub(super) fn options_text(options: &TcpHandshakeOptions, short: bool) -> String {
    let mut parts = Vec::new();
    if let Some(mss) = options.mss {
        parts.push(if short {
            format!("mss{mss}")
        } else {
            format!("mss {mss}")
        });
    }
    if let Some(ws) = options.window_scale {
        parts.push(if short {
            format!("ws{ws}")
        } else {
            format!("wscale {ws}")
        });
    }
    if options.sack_permitted {
        parts.push(if short { "sack" } else { "sackOK" }.to_string());
    }
    if options.timestamps.is_some() {
        parts.push("TS".to_string());
    }
    if options.fast_open {
        parts.push("TFO".to_string());
    }
    if parts.is_empty() {
        return if short { "no opts" } else { "no options" }.to_string();
    }
    parts.join(if short { " " } else { ", " })
}

pub(super) fn carries_handshake_options(event: &LadderEvent) -> bool {
    event.flags & tcp_flags::SYN != 0
}

/// The main label: flags, retransmission mark, relative and raw seq/ack, length.
pub(super) fn main_pieces(event: &LadderEvent) -> Vec<Piece> {
    let mut pieces = vec![Piece::new(event.flags_text(), 0)];
    if event.kind.is_retransmission() {
        pieces.push(
            Piece::new("(retransmission)", 1)
                .short("(retx)")
                .shorten_at(5),
        );
    }
    pieces.push(Piece::new(format!("seq={}", event.rel_seq), 2));
    pieces.push(Piece::new(format!("(raw {})", event.seq), 6));
    if event.flags & tcp_flags::ACK != 0 {
        let rel = event
            .rel_ack
            .map_or_else(|| event.ack.to_string(), |a| a.to_string());
        pieces.push(Piece::new(format!("ack={rel}"), 3));
        pieces.push(Piece::new(format!("(raw {})", event.ack), 7));
    }
    if event.payload_len > 0 {
        pieces.push(Piece::new(format!("len={}", event.payload_len), 4));
    }
    pieces
}

/// The detail label: the options of a SYN / SYN-ACK, else window and length.
pub(super) fn detail_pieces(flow: &Flow, event: &LadderEvent) -> Vec<Piece> {
    let mut pieces = Vec::new();
    if carries_handshake_options(event) {
        pieces.push(
            Piece::new(options_text(&event.options, false), 1)
                .short(options_text(&event.options, true)),
        );
    }
    pieces.push(window_piece(flow, event));
    pieces
}

/// The window an arrow advertises, as the receiver reads it: scaled once both SYNs carried
/// the window-scale option (`win=63 ×1024 = 64,512 bytes`), as is when scaling is off or the
/// segment is a SYN (never scaled), labelled raw when the handshake was not seen.
pub(super) fn window_piece(flow: &Flow, event: &LadderEvent) -> Piece {
    window_piece_of(flow, event.direction, event.window, event.flags)
}

/// [`window_piece`] of any segment: its direction, raw window field and flags.
pub(super) fn window_piece_of(flow: &Flow, direction: Direction, window: u16, flags: u16) -> Piece {
    let raw = u64::from(window);
    let own = match direction {
        Direction::ClientToServer => flow.client_options(),
        Direction::ServerToClient => flow.server_options(),
    };
    let peer = match direction {
        Direction::ClientToServer => flow.server_options(),
        Direction::ServerToClient => flow.client_options(),
    };
    let syn = flags & tcp_flags::SYN != 0;
    let shift = own
        .and_then(|o| o.window_scale)
        .filter(|_| peer.is_some_and(|p| p.window_scale.is_some()));
    match (syn, shift) {
        (false, Some(shift)) if shift > 0 => {
            let factor = 1u64 << shift.min(14);
            Piece::new(
                format!("win={raw} ×{factor} = {} bytes", grouped(raw * factor)),
                3,
            )
            .short(format!("win={}", grouped(raw * factor)))
        }
        _ if !flow.opened_with_syn && !syn => Piece::new(format!("win={raw} (raw)"), 3),
        _ => Piece::new(format!("win={raw}"), 3),
    }
}

/// 64512 → `64,512`.
pub(super) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::paint::*;

    #[test]
    fn fit_drops_highest_priority_first_and_shortens_before_dropping() {
        let pieces = [
            Piece::new("SYN", 0),
            Piece::new("(retransmission)", 1)
                .short("(retx)")
                .shorten_at(5),
            Piece::new("seq=0", 2),
            Piece::new("(raw 1782953582)", 6),
        ];
        assert_eq!(
            fit_text(&pieces, 80, " "),
            "SYN (retransmission) seq=0 (raw 1782953582)"
        );
        assert_eq!(fit_text(&pieces, 30, " "), "SYN (retransmission) seq=0");
        assert_eq!(fit_text(&pieces, 16, " "), "SYN (retx) seq=0");
        assert_eq!(fit_text(&pieces, 10, " "), "SYN (retx)");
        // Priority-0 pieces stay even when nothing fits (the writer truncates them).
        assert_eq!(fit_text(&pieces, 1, " "), "SYN");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("ESTABLISHED", 20), "ESTABLISHED");
        assert_eq!(truncate("ESTABLISHED", 6), "ESTAB…");
        assert_eq!(truncate("ESTABLISHED", 0), "");
        assert_eq!(truncate_left("192.0.2.10:51234", 10), "….10:51234");
        assert_eq!(truncate_left("ab", 2), "ab");
    }

    #[test]
    fn offsets_and_states_shrink_to_fit() {
        assert_eq!(offset_text(40_112_000, 11), "+40.112 ms");
        assert_eq!(offset_text(1_234_567_000, 11), "+1234.567");
        assert_eq!(offset_text(123_456_789_000, 11), "+123456.789");
        assert_eq!(offset_text(123_456_789_000, 10), "+123.457s");
        assert_eq!(state_text(TcpState::Reset, 14), "CLOSED (reset)");
        assert_eq!(state_text(TcpState::Reset, 11), "CLOSED/RST");
        assert_eq!(state_text(TcpState::Established, 11), "ESTABLISHED");
    }

    #[test]
    fn options_long_and_short() {
        let o = TcpHandshakeOptions {
            mss: Some(1460),
            window_scale: Some(7),
            sack_permitted: true,
            timestamps: Some((1, 0)),
            fast_open: false,
            ..Default::default()
        };
        assert_eq!(options_text(&o, false), "mss 1460, wscale 7, sackOK, TS");
        assert_eq!(options_text(&o, true), "mss1460 ws7 sack TS");
        assert_eq!(
            options_text(&TcpHandshakeOptions::default(), false),
            "no options"
        );
    }
}
