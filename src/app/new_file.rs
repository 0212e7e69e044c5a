//! Files the viewer writes (ladder figures, followed streams): a new name beside the others,
//! never an existing file replaced and never a link followed.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Names tried before giving up (`stem.ext`, `stem-2.ext`, … `stem-100.ext`).
const MAX_TRIES: u32 = 100;

/// Creates `dir/stem.ext`, or `dir/stem-N.ext` for the first free N, and writes `bytes` to it.
/// `create_new` makes taking the name and creating the file one step, so a file or link that
/// appears in between is never written through.
pub(crate) fn create_unused(
    dir: &Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> std::io::Result<PathBuf> {
    for n in 1..=MAX_TRIES {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(bytes)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{MAX_TRIES} files named {stem}…{ext} exist already"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_the_second_copy_and_never_replaces_a_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = create_unused(dir.path(), "f", "bin", b"one").expect("first");
        let b = create_unused(dir.path(), "f", "bin", b"two").expect("second");
        assert!(
            a.ends_with("f.bin") && b.ends_with("f-2.bin"),
            "{a:?} {b:?}"
        );
        assert_eq!(std::fs::read(&a).expect("read"), b"one");
        assert_eq!(std::fs::read(&b).expect("read"), b"two");
    }
}
