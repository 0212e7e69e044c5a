//! The virtual clock that paces replay: speed, pause, step, seek and idle-gap compression.
//! Wall time is always passed in (monotonic nanoseconds since the program started), never
//! read here, so a test can drive it with made-up instants. Depends on `model` only.
//!
//! Two timelines meet here:
//! - **capture time** — the packets' own timestamps; the clock says which packets are
//!   released (visible) at each moment;
//! - **wall time** — what the main loop measures; `speed` converts one into the other.
//!
//! Long silences are compressed: when the next packet is more than `max_gap` (capture time)
//! after the previous one, the clock waits `max_gap` and then jumps to it.

use crate::model::TimestampNs;

/// Monotonic wall time in nanoseconds (since any fixed origin, e.g. program start).
pub type WallNs = u64;

pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 1000.0;

/// Playback state shown in the progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlayState {
    Playing,
    Paused,
    /// Every packet has been released.
    Done,
}

#[derive(Clone, Debug)]
pub struct ReplayClock {
    /// Current position in capture time.
    position: TimestampNs,
    /// Wall instant of the last `advance` (None before the first).
    last_wall: Option<WallNs>,
    speed: f64,
    paused: bool,
    max_gap_ns: i64,
    looping: bool,
}

impl ReplayClock {
    /// A clock positioned at `start` (the first packet's timestamp).
    pub fn new(start: TimestampNs, speed: f64, paused: bool, max_gap_ns: i64) -> Self {
        Self {
            position: start,
            last_wall: None,
            speed: clamp_speed(speed),
            paused,
            max_gap_ns: max_gap_ns.max(0),
            looping: false,
        }
    }

    pub fn position(&self) -> TimestampNs {
        self.position
    }
    pub fn speed(&self) -> f64 {
        self.speed
    }
    pub fn is_paused(&self) -> bool {
        self.paused
    }
    pub fn is_looping(&self) -> bool {
        self.looping
    }
    pub fn set_looping(&mut self, on: bool) {
        self.looping = on;
    }
    pub fn max_gap_ns(&self) -> i64 {
        self.max_gap_ns
    }

    /// Moves the clock to wall instant `now`. `last_released` is the timestamp of the newest
    /// packet already released (None when none yet) and `next` the timestamp of the next
    /// packet to release (None at the end). Returns the new capture-time position.
    pub fn advance(
        &mut self,
        now: WallNs,
        last_released: Option<TimestampNs>,
        next: Option<TimestampNs>,
    ) -> TimestampNs {
        let elapsed = match self.last_wall {
            Some(prev) => now.saturating_sub(prev),
            None => 0,
        };
        self.last_wall = Some(now);
        if self.paused || next.is_none() {
            return self.position;
        }
        let step = (elapsed as f64 * self.speed).min(i64::MAX as f64 / 2.0) as i64;
        let mut pos = self.position.saturating_add(step);
        if let (Some(prev), Some(next)) = (last_released, next) {
            // Gap compression: after waiting `max_gap` past the previous packet, jump to the
            // next one instead of playing the rest of the silence.
            let gap_end = prev.saturating_add(self.max_gap_ns);
            if next > gap_end && pos >= gap_end {
                pos = pos.max(next);
            }
        }
        self.position = pos;
        pos
    }

    pub fn toggle_pause(&mut self) {
        self.paused = !self.paused;
    }
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Multiplies the speed, staying within [`MIN_SPEED`, `MAX_SPEED`].
    pub fn scale_speed(&mut self, factor: f64) {
        self.speed = clamp_speed(self.speed * factor);
    }
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = clamp_speed(speed);
    }

    /// Jumps to a capture-time position (seek, step, restart). Wall pacing continues from
    /// there at the next `advance`.
    pub fn seek(&mut self, position: TimestampNs) {
        self.position = position;
    }

    /// The state to show, given whether packets remain to be released.
    pub fn state(&self, more_to_come: bool) -> PlayState {
        if !more_to_come {
            PlayState::Done
        } else if self.paused {
            PlayState::Paused
        } else {
            PlayState::Playing
        }
    }
}

fn clamp_speed(speed: f64) -> f64 {
    if speed.is_finite() {
        speed.clamp(MIN_SPEED, MAX_SPEED)
    } else {
        1.0
    }
}

/// Parses a speed such as `2`, `0.5`, `10x`.
pub fn parse_speed(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches(['x', 'X']);
    let v: f64 = t
        .parse()
        .map_err(|_| format!("'{text}' is not a number (e.g. 0.5, 2, 10x)"))?;
    if !(MIN_SPEED..=MAX_SPEED).contains(&v) {
        return Err(format!("speed {v} is outside {MIN_SPEED} to {MAX_SPEED}"));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;
    const S: i64 = 1_000_000_000;

    #[test]
    fn plays_at_speed_one_then_two() {
        let mut c = ReplayClock::new(100 * S, 1.0, false, 5 * S);
        assert_eq!(
            c.advance(0, None, Some(200 * S)),
            100 * S,
            "first call only anchors"
        );
        assert_eq!(c.advance(500 * MS, None, Some(200 * S)), 100 * S + S / 2);
        c.set_speed(2.0);
        assert_eq!(c.advance(1000 * MS, None, Some(200 * S)), 101 * S + S / 2);
    }

    #[test]
    fn pause_freezes_and_resume_does_not_jump() {
        let mut c = ReplayClock::new(0, 1.0, false, 5 * S);
        c.advance(0, None, Some(10 * S));
        c.advance(1000 * MS, None, Some(10 * S));
        c.toggle_pause();
        assert_eq!(
            c.advance(5000 * MS, None, Some(10 * S)),
            S,
            "paused: no movement"
        );
        c.toggle_pause();
        // Wall time spent paused is not played back after resuming.
        assert_eq!(c.advance(5500 * MS, None, Some(10 * S)), S + S / 2);
        assert_eq!(c.state(true), PlayState::Playing);
        c.set_paused(true);
        assert_eq!(c.state(true), PlayState::Paused);
        assert_eq!(c.state(false), PlayState::Done);
    }

    #[test]
    fn long_gaps_are_compressed() {
        // Packets at 0 s and 3600 s; max gap 2 s.
        let mut c = ReplayClock::new(0, 1.0, false, 2 * S);
        c.advance(0, Some(0), Some(3600 * S));
        assert_eq!(
            c.advance(1000 * MS, Some(0), Some(3600 * S)),
            S,
            "inside the gap: normal"
        );
        assert_eq!(
            c.advance(2100 * MS, Some(0), Some(3600 * S)),
            3600 * S,
            "after max_gap of silence the clock jumps to the next packet"
        );
    }

    #[test]
    fn short_gaps_play_in_real_time() {
        let mut c = ReplayClock::new(0, 1.0, false, 2 * S);
        c.advance(0, Some(0), Some(S));
        assert_eq!(c.advance(900 * MS, Some(0), Some(S)), 900 * MS as i64);
    }

    #[test]
    fn speed_is_clamped_and_parsed() {
        let mut c = ReplayClock::new(0, 5000.0, false, S);
        assert_eq!(c.speed(), MAX_SPEED);
        c.scale_speed(1e-9);
        assert_eq!(c.speed(), MIN_SPEED);
        c.set_speed(f64::NAN);
        assert_eq!(c.speed(), 1.0);
        assert_eq!(parse_speed("10x"), Ok(10.0));
        assert!(parse_speed("0").is_err());
        assert!(parse_speed("fast").is_err());
    }

    #[test]
    fn seek_moves_position_and_play_continues_from_there() {
        let mut c = ReplayClock::new(0, 1.0, false, 5 * S);
        c.advance(0, None, Some(100 * S));
        c.seek(42 * S);
        assert_eq!(c.advance(1000 * MS, None, Some(100 * S)), 43 * S);
    }

    #[test]
    fn nothing_left_means_no_movement() {
        let mut c = ReplayClock::new(7, 1.0, false, S);
        c.advance(0, Some(7), None);
        assert_eq!(c.advance(10_000 * MS, Some(7), None), 7);
    }
}
