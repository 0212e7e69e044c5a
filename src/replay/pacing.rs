//! Replay settings as the command line validated them ([`ReplayOptions`]), and the pure pacing
//! of `synack replay --print`: [`Pacer`] says at which wall instant (nanoseconds since playback
//! began) each packet is released by a [`ReplayClock`] that nobody pauses. It never reads the
//! wall clock: the command sleeps until the instants it returns, tests simply read them.
//! Depends on `replay` and `model`.

use crate::model::TimestampNs;
use crate::replay::{ReplayClock, WallNs};

/// Default `--max-gap`: silences longer than this (capture time) are cut to it.
pub const DEFAULT_MAX_GAP_SECS: f64 = 3.0;
/// Largest accepted `--max-gap` (a day).
pub const MAX_MAX_GAP_SECS: f64 = 86_400.0;

/// How a capture is played back: `synack replay` (interactive or `--print`) and `synack demo`.
///
/// Built from the command line by `cli::ReplayArgs::options` (already validated: the speed is
/// within [`crate::replay::MIN_SPEED`]..=[`crate::replay::MAX_SPEED`], the gap finite and not
/// negative). The interactive viewer consumes it as is: [`ReplayOptions::clock`] gives the
/// clock to start with; `instant` means "load everything at once, no clock"; `looping` starts
/// over after the last packet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplayOptions {
    /// Capture seconds per wall second (`--speed`, 1.0 by default).
    pub speed: f64,
    /// Start paused on the first packet (`--paused`; demos always do).
    pub start_paused: bool,
    /// Show every packet at once instead of playing them in time (`--instant`).
    pub instant: bool,
    /// Silences longer than this (capture-time nanoseconds) are cut to it (`--max-gap`).
    pub max_gap_ns: i64,
    /// Start again after the last packet (`--loop`).
    pub looping: bool,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            speed: 1.0,
            start_paused: false,
            instant: false,
            max_gap_ns: secs_to_ns(DEFAULT_MAX_GAP_SECS),
            looping: false,
        }
    }
}

impl ReplayOptions {
    /// What a classroom demo starts with: paused on its first packet, normal speed.
    pub fn demo() -> Self {
        ReplayOptions {
            start_paused: true,
            ..ReplayOptions::default()
        }
    }

    /// A clock set to these options, positioned at `start` (the first packet's timestamp).
    pub fn clock(&self, start: TimestampNs) -> ReplayClock {
        let mut c = ReplayClock::new(start, self.speed, self.start_paused, self.max_gap_ns);
        c.set_looping(self.looping);
        c
    }
}

/// Seconds (finite, not negative: see [`parse_max_gap`]) to nanoseconds, saturating.
pub fn secs_to_ns(secs: f64) -> i64 {
    if secs.is_finite() && secs > 0.0 {
        (secs * 1e9).min(i64::MAX as f64) as i64
    } else {
        0
    }
}

/// Parses `--max-gap SECS`: a number of seconds from 0 to a day (0 plays every silence as
/// no pause at all).
pub fn parse_max_gap(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('s');
    let v: f64 = t
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds (e.g. 3, 0.5)"))?;
    if !v.is_finite() || !(0.0..=MAX_MAX_GAP_SECS).contains(&v) {
        return Err(format!(
            "max gap {v} is outside 0 to {MAX_MAX_GAP_SECS} seconds"
        ));
    }
    Ok(v)
}

/// Releases packets in capture order on virtual time: for each packet's timestamp,
/// [`Pacer::release_at`] returns the wall instant (since the first packet was released) at
/// which a running [`ReplayClock`] with these options reaches it. Packets must be given in
/// order; a timestamp earlier than the previous one is released at once.
#[derive(Clone, Debug)]
pub struct Pacer {
    speed: f64,
    max_gap_ns: i64,
    /// The clock, its wall time and the newest released timestamp, once a packet was seen.
    state: Option<(ReplayClock, WallNs, TimestampNs)>,
}

impl Pacer {
    pub fn new(speed: f64, max_gap_ns: i64) -> Pacer {
        Pacer {
            speed,
            max_gap_ns,
            state: None,
        }
    }

    /// A pacer for `opts` (`instant` is the caller's business: it simply does not wait).
    pub fn from_options(opts: &ReplayOptions) -> Pacer {
        Pacer::new(opts.speed, opts.max_gap_ns)
    }

    /// The wall instant at which the packet stamped `ts` is released (never earlier than the
    /// previous packet's), and records it as released.
    pub fn release_at(&mut self, ts: TimestampNs) -> WallNs {
        let Some((clock, wall, last)) = self.state.as_mut() else {
            let mut clock = ReplayClock::new(ts, self.speed, false, self.max_gap_ns);
            clock.advance(0, None, Some(ts));
            self.state = Some((clock, 0, ts));
            return 0;
        };
        let pos = clock.position();
        if ts <= pos {
            *last = (*last).max(ts);
            return *wall;
        }
        // The clock plays up to the packet, or, across a long silence, up to `max_gap` after
        // the previous packet and then jumps (see `ReplayClock::advance`).
        let gap_end = last.saturating_add(clock.max_gap_ns());
        let target = if ts > gap_end { gap_end } else { ts };
        let need = target.saturating_sub(pos).max(0) as f64;
        let speed = clock.speed();
        let mut due = wall.saturating_add((need / speed).ceil().min(u64::MAX as f64 / 4.0) as u64);
        // Float rounding may leave the clock a nanosecond short: nudge until it arrives.
        let nudge = (1.0 / speed).ceil().max(1.0) as u64;
        let mut arrived = false;
        for _ in 0..8 {
            let mut trial = clock.clone();
            if trial.advance(due, Some(*last), Some(ts)) >= ts {
                *clock = trial;
                arrived = true;
                break;
            }
            due = due.saturating_add(nudge);
        }
        if !arrived {
            clock.advance(due, Some(*last), Some(ts));
            clock.seek(ts);
        }
        *wall = due;
        *last = ts;
        due
    }
}

/// The release instants of a whole sequence of timestamps (what tests and previews want).
pub fn schedule(
    timestamps: impl IntoIterator<Item = TimestampNs>,
    speed: f64,
    max_gap_ns: i64,
) -> Vec<WallNs> {
    let mut p = Pacer::new(speed, max_gap_ns);
    timestamps.into_iter().map(|ts| p.release_at(ts)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000_000;
    const S: i64 = 1_000_000_000;

    #[test]
    fn speed_two_halves_the_waits() {
        let t0 = 1_700_000_000 * S;
        assert_eq!(
            schedule([t0, t0 + S, t0 + S + 500 * MS], 2.0, 3 * S),
            vec![0, 500 * MS as u64, 750 * MS as u64]
        );
    }

    #[test]
    fn slow_motion_stretches_them() {
        assert_eq!(schedule([0, 80 * MS], 0.1, 3 * S), vec![0, 800 * MS as u64]);
    }

    #[test]
    fn long_silences_are_cut_to_max_gap() {
        // 1 h of silence, max gap 3 s: played as 3 s at speed 1, 1.5 s at speed 2.
        let ts = [0, 3600 * S, 3600 * S + 100 * MS];
        assert_eq!(
            schedule(ts, 1.0, 3 * S),
            vec![0, 3 * S as u64, 3 * S as u64 + 100 * MS as u64]
        );
        assert_eq!(schedule(ts, 2.0, 3 * S)[1], 1_500 * MS as u64);
        // A gap just under the limit plays in full.
        assert_eq!(schedule([0, 2 * S], 1.0, 3 * S)[1], 2 * S as u64);
        // Max gap 0: no silence at all.
        assert_eq!(schedule([0, 5 * S, 9 * S], 1.0, 0), vec![0, 0, 0]);
    }

    #[test]
    fn same_or_earlier_timestamps_are_released_together() {
        assert_eq!(
            schedule([10 * S, 10 * S, 9 * S, 11 * S], 1.0, 3 * S),
            vec![0, 0, 0, S as u64]
        );
    }

    #[test]
    fn extreme_speeds_still_arrive() {
        let ts: Vec<i64> = (0..50).map(|i| i * 7_777_777).collect();
        for speed in [0.01, 0.3, 1.0, 7.0, 1000.0] {
            let walls = schedule(ts.clone(), speed, 3 * S);
            assert!(walls.windows(2).all(|w| w[0] <= w[1]), "{speed}: {walls:?}");
            // Each release is within a few wall nanoseconds of the exact quotient.
            for (t, w) in ts.iter().zip(&walls) {
                let exact = *t as f64 / speed;
                assert!(
                    (*w as f64 - exact).abs() <= 8.0 / speed + 8.0,
                    "speed {speed}: ts {t} at {w}, expected about {exact}"
                );
            }
        }
    }

    #[test]
    fn options_parse_and_build_the_clock() {
        assert_eq!(parse_max_gap("3"), Ok(3.0));
        assert_eq!(parse_max_gap("0.5s"), Ok(0.5));
        assert!(parse_max_gap("-1").is_err());
        assert!(parse_max_gap("inf").is_err());
        assert!(parse_max_gap("soon").is_err());
        assert_eq!(secs_to_ns(1.5), 1_500_000_000);
        let o = ReplayOptions {
            speed: 4.0,
            looping: true,
            ..ReplayOptions::demo()
        };
        let c = o.clock(42);
        assert_eq!(c.position(), 42);
        assert!(c.is_paused() && c.is_looping());
        assert_eq!(c.speed(), 4.0);
        assert_eq!(c.max_gap_ns(), 3 * S);
    }
}
