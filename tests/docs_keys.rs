//! docs/keys.md lists exactly the keys the help overlay shows (both come from the same tables
//! in `app::keys`), so the documentation cannot drift from the program.

use synack::app::keys::{FOLLOW_KEY_HELP, KEY_HELP, REPLAY_KEY_HELP};

#[test]
fn keys_page_lists_every_binding() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/keys.md"))
        .expect("docs/keys.md exists");
    for (keys, what) in KEY_HELP
        .iter()
        .chain(REPLAY_KEY_HELP)
        .chain(FOLLOW_KEY_HELP)
    {
        let row = format!("| `{keys}` | {what} |");
        assert!(page.contains(&row), "docs/keys.md lacks the row {row}");
    }
    let rows = page.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(
        rows,
        KEY_HELP.len() + REPLAY_KEY_HELP.len() + FOLLOW_KEY_HELP.len(),
        "no stale rows either"
    );
}
