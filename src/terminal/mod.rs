//! The terminal front: the raw-mode guard, signals and input thread (`term`), the interactive
//! main loop — the only place that reads the wall clock (`tui`) — and which look to use
//! (`theme_config`). Depends on `app`, `ui`, `source`, crossterm and ratatui.

pub mod term;
pub mod theme_config;
pub mod tui;
