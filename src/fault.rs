//! A hidden fault-injection point for the crash tests: with `SYNACK_TEST_PANIC=SITE` in the
//! environment, the thread named by SITE (`capture`, `input`) panics at a chosen moment, so a
//! test can check that a panic in any thread restores the terminal, says what happened and
//! exits non-zero. Reading one environment variable is all it costs when unset. std only.

/// The environment variable that arms a fault.
pub const VAR: &str = "SYNACK_TEST_PANIC";

/// Whether the fault at `site` is armed.
pub fn armed(site: &str) -> bool {
    std::env::var_os(VAR).is_some_and(|v| v == site)
}

/// Panics when the fault at `site` is armed.
pub fn panic_if_armed(site: &str) {
    if armed(site) {
        panic!("deliberate panic in the {site} thread ({VAR}={site})");
    }
}
