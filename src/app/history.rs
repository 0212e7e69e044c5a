//! The filter bar's history: filters applied before, newest last, walked with ↑ ↓ and kept
//! across runs in `$XDG_STATE_HOME/synack/history` (else `~/.local/state/synack/history`),
//! one filter a line. Reading or writing the file never stops the viewer: a history that
//! cannot be read is empty, one that cannot be written stays in memory. Depends on std only.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Filters kept in memory (the file keeps growing; only its last lines are read).
pub const MAX_ENTRIES: usize = 500;

/// Where the history lives: `$XDG_STATE_HOME/synack/history` when that is an absolute path,
/// else `$HOME/.local/state/synack/history`; `None` without either.
pub fn default_path() -> Option<PathBuf> {
    path_from(
        std::env::var_os("XDG_STATE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

fn path_from(state: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    let base = match state.filter(|p| p.is_absolute()) {
        Some(s) => s,
        None => home.filter(|h| h.is_absolute())?.join(".local/state"),
    };
    Some(base.join("synack").join("history"))
}

/// The history: entries, the file they persist to, and where ↑ ↓ is.
#[derive(Clone, Debug, Default)]
pub struct History {
    entries: Vec<String>,
    path: Option<PathBuf>,
    /// The entry ↑ ↓ reached (None: the text being typed).
    cursor: Option<usize>,
}

impl History {
    /// A history kept in memory only, with `entries`.
    pub fn in_memory(entries: Vec<String>) -> History {
        History {
            entries,
            ..History::default()
        }
    }

    /// The history stored at `path` (its last [`MAX_ENTRIES`] lines), saved there from now on.
    pub fn load(path: &Path) -> History {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut entries: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let extra = entries.len().saturating_sub(MAX_ENTRIES);
        entries.drain(..extra);
        History {
            entries,
            path: Some(path.to_path_buf()),
            cursor: None,
        }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Remembers `filter` (not twice in a row) and appends it to the file.
    pub fn push(&mut self, filter: &str) {
        self.cursor = None;
        let filter = filter.trim();
        if filter.is_empty() || filter.contains('\n') {
            return;
        }
        if self.entries.last().is_some_and(|l| l == filter) {
            return;
        }
        self.entries.push(filter.to_string());
        if self.entries.len() > MAX_ENTRIES {
            self.entries.remove(0);
        }
        if let Some(path) = &self.path {
            // A history that cannot be saved is not worth interrupting anyone for.
            let _ = append(path, filter);
        }
    }

    /// ↑: the previous (older) entry, if any.
    pub fn older(&mut self) -> Option<&str> {
        let at = match self.cursor {
            None => self.entries.len().checked_sub(1)?,
            Some(i) => i.checked_sub(1)?,
        };
        self.cursor = Some(at);
        self.entries.get(at).map(String::as_str)
    }

    /// ↓: the next (newer) entry; `Some("")` past the newest (back to an empty bar).
    pub fn newer(&mut self) -> Option<&str> {
        let at = self.cursor? + 1;
        if at >= self.entries.len() {
            self.cursor = None;
            return Some("");
        }
        self.cursor = Some(at);
        self.entries.get(at).map(String::as_str)
    }

    /// Typing leaves the walk through the history.
    pub fn reset_walk(&mut self) {
        self.cursor = None;
    }
}

fn append(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(f, "{line}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_follows_xdg_then_home() {
        let p = |s: Option<&str>, h: Option<&str>| {
            path_from(s.map(PathBuf::from), h.map(PathBuf::from))
        };
        assert_eq!(
            p(Some("/st"), Some("/home/u")),
            Some(PathBuf::from("/st/synack/history"))
        );
        assert_eq!(
            p(Some("relative"), Some("/home/u")),
            Some(PathBuf::from("/home/u/.local/state/synack/history"))
        );
        assert_eq!(p(None, None), None);
    }

    #[test]
    fn entries_persist_and_walk_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/synack/history");
        let mut h = History::load(&path);
        h.push("tcp");
        h.push("tcp");
        h.push("  udp ");
        h.push("");
        let mut again = History::load(&path);
        assert_eq!(again.entries(), ["tcp", "udp"]);
        assert_eq!(again.older(), Some("udp"));
        assert_eq!(again.older(), Some("tcp"));
        assert_eq!(again.older(), None);
        assert_eq!(again.newer(), Some("udp"));
        assert_eq!(again.newer(), Some(""));
        assert_eq!(again.newer(), None);
    }
}
