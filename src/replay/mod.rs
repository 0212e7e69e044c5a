//! Replay in time: the replay clock (speed, pause, seek, idle-gap compression on passed-in wall
//! time) and the validated replay settings with the pure pacing of `replay --print`. Nothing
//! here reads the wall clock. Depends on `model` only.

mod clock;
pub mod pacing;

pub use clock::{MAX_SPEED, MIN_SPEED, PlayState, ReplayClock, WallNs, parse_speed};
pub use pacing::{Pacer, ReplayOptions};
