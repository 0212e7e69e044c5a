//! The `-w` file of a live capture with tcpdump's rotation: a new file once the current one
//! holds more than `-C` million bytes, or every `-G` seconds; with `-W N` the `-C` files form
//! a ring of N reused names and `-G` stops after N files. Names follow tcpdump: `OUT`,
//! `OUT1`, `OUT2`… for `-C`; `OUT0`…`OUT{N-1}` (zero-padded) with `-W`; `-G` fills strftime
//! fields of the name (`%Y %m %d %H %M %S %j %s %%`, in UTC). Every file is created by
//! [`super::spool::create_capture_file`] (0600, no symbolic links, no clobbering unless
//! `--force`; names reused by the ring are this run's own files). Depends on the sibling
//! `spool` module and std.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::spool::SpoolWriter;
use crate::model::{Frame, LinkType};

/// tcpdump's `-C`, `-W` and `-G`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    /// `-C`: start a new file once the current one is larger than this many bytes.
    pub file_size: Option<u64>,
    /// `-W`: ring size with `-C`; number of files before stopping with `-G` alone.
    pub file_count: Option<u32>,
    /// `-G`: start a new file every this many seconds.
    pub seconds: Option<u64>,
}

impl Rotation {
    /// Whether any rotation was asked for.
    pub fn is_active(&self) -> bool {
        self.file_size.is_some() || self.seconds.is_some()
    }
}

/// Writes frames to the `-w` file(s).
#[derive(Debug)]
pub struct RotatingWriter {
    base: PathBuf,
    rotation: Rotation,
    overwrite: bool,
    link: LinkType,
    snaplen: u32,
    current: SpoolWriter,
    /// Files started so far, the current one included.
    started: u64,
    opened_at: Instant,
    /// Stopped: `-G` with `-W` wrote its last file.
    done: bool,
}

impl RotatingWriter {
    /// Creates the first file.
    pub fn create(
        base: &Path,
        rotation: Rotation,
        overwrite: bool,
        link: LinkType,
        snaplen: u32,
    ) -> io::Result<RotatingWriter> {
        let first = name_for(base, &rotation, 0, SystemTime::now());
        let current = SpoolWriter::create_with(&first, overwrite, link, snaplen)
            .map_err(|e| named(&first, e))?;
        Ok(RotatingWriter {
            base: base.to_path_buf(),
            rotation,
            overwrite,
            link,
            snaplen,
            current,
            started: 1,
            opened_at: Instant::now(),
            done: false,
        })
    }

    /// Writes one frame, starting a new file first when one is due. `Ok(false)` once `-G`
    /// with `-W` has written its last file: the capture should end.
    pub fn write(&mut self, frame: &Frame) -> io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        let time_due = self
            .rotation
            .seconds
            .is_some_and(|s| self.opened_at.elapsed() >= Duration::from_secs(s));
        let size_due = self
            .rotation
            .file_size
            .is_some_and(|max| self.current.len() > max);
        if time_due || size_due {
            let stop_after = match (self.rotation.file_size, self.rotation.file_count) {
                (None, Some(n)) => Some(u64::from(n)),
                _ => None,
            };
            if time_due && stop_after.is_some_and(|n| self.started >= n) {
                self.current.flush()?;
                self.done = true;
                return Ok(false);
            }
            self.rotate()?;
        }
        self.current.write(frame)?;
        Ok(true)
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.current.flush()?;
        let index = self.started;
        let name = name_for(&self.base, &self.rotation, index, SystemTime::now());
        // A ring reuses this run's own names; anything else needs --force to be replaced.
        let reused = matches!(
            (self.rotation.file_size, self.rotation.file_count),
            (Some(_), Some(n)) if index >= u64::from(n)
        );
        self.current =
            SpoolWriter::create_with(&name, self.overwrite || reused, self.link, self.snaplen)
                .map_err(|e| named(&name, e))?;
        self.started += 1;
        self.opened_at = Instant::now();
        Ok(())
    }

    /// Writes buffered records to the current file.
    pub fn flush(&mut self) -> io::Result<()> {
        self.current.flush()
    }

    /// The file being written now.
    pub fn current_path(&self) -> Option<&Path> {
        self.current.path()
    }
}

fn named(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// The name of file number `index` (from 0).
fn name_for(base: &Path, rotation: &Rotation, index: u64, now: SystemTime) -> PathBuf {
    let text = base.to_string_lossy();
    let stamped = match rotation.seconds {
        Some(_) => strftime_utc(&text, now),
        None => text.to_string(),
    };
    // -G with a time in the name needs no number unless -C also splits within a period.
    let numbered = rotation.file_size.is_some() || stamped == text;
    if !numbered {
        return PathBuf::from(stamped);
    }
    match (rotation.file_size, rotation.file_count) {
        (Some(_), Some(n)) => {
            let width = (n.saturating_sub(1)).to_string().len();
            PathBuf::from(format!("{stamped}{:0width$}", index % u64::from(n)))
        }
        _ if index == 0 => PathBuf::from(stamped),
        _ => PathBuf::from(format!("{stamped}{index}")),
    }
}

/// Fills `%Y %m %d %H %M %S %j %s %%` with `now` in UTC; other `%x` stay as written.
fn strftime_utc(pattern: &str, now: SystemTime) -> String {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let yday = days - days_from_civil(y, 1, 1) + 1;
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&format!("{y:04}")),
            Some('m') => out.push_str(&format!("{m:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('H') => out.push_str(&format!("{:02}", rem / 3600)),
            Some('M') => out.push_str(&format!("{:02}", rem % 3600 / 60)),
            Some('S') => out.push_str(&format!("{:02}", rem % 60)),
            Some('j') => out.push_str(&format!("{yday:03}")),
            Some('s') => out.push_str(&secs.to_string()),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(n: usize) -> Frame {
        Frame::new(
            1_700_000_000_000_000_000,
            n as u32,
            LinkType::ETHERNET,
            vec![7; n],
        )
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn names_follow_tcpdump() {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000); // 2023-11-14 22:13:20 UTC
        let base = Path::new("/d/out.pcap");
        let c = Rotation {
            file_size: Some(1),
            ..Rotation::default()
        };
        assert_eq!(name_for(base, &c, 0, t), Path::new("/d/out.pcap"));
        assert_eq!(name_for(base, &c, 2, t), Path::new("/d/out.pcap2"));
        let ring = Rotation {
            file_size: Some(1),
            file_count: Some(12),
            ..Rotation::default()
        };
        assert_eq!(name_for(base, &ring, 0, t), Path::new("/d/out.pcap00"));
        assert_eq!(name_for(base, &ring, 13, t), Path::new("/d/out.pcap01"));
        let g = Rotation {
            seconds: Some(60),
            ..Rotation::default()
        };
        let stamped = Path::new("/d/cap-%Y%m%d-%H%M%S-%j.pcap");
        assert_eq!(
            name_for(stamped, &g, 3, t),
            Path::new("/d/cap-20231114-221320-318.pcap")
        );
        // -G without a time in the name: numbered, never overwritten.
        assert_eq!(name_for(base, &g, 1, t), Path::new("/d/out.pcap1"));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn size_rotation_with_a_ring_bounds_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("out.pcap");
        let rotation = Rotation {
            file_size: Some(10_000),
            file_count: Some(3),
            ..Rotation::default()
        };
        let mut w =
            RotatingWriter::create(&base, rotation, false, LinkType::ETHERNET, 65535).unwrap();
        for _ in 0..200 {
            assert!(w.write(&frame(1000)).unwrap());
        }
        w.flush().unwrap();
        assert_eq!(files(dir.path()), ["out.pcap0", "out.pcap1", "out.pcap2"]);
        for f in files(dir.path()) {
            let len = std::fs::metadata(dir.path().join(&f)).unwrap().len();
            assert!(len <= 10_000 + 1016 + 24, "{f}: {len}");
            // Every file is a readable capture on its own.
            let mut r = crate::source::FileReader::open(&dir.path().join(&f)).unwrap();
            let mut fr = frame(0);
            assert!(r.next_into(&mut fr).unwrap());
        }
    }

    #[test]
    fn size_rotation_without_a_ring_numbers_from_one_and_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("out.pcap");
        std::fs::write(dir.path().join("out.pcap2"), b"keep").unwrap();
        let rotation = Rotation {
            file_size: Some(5_000),
            ..Rotation::default()
        };
        let mut w =
            RotatingWriter::create(&base, rotation, false, LinkType::ETHERNET, 65535).unwrap();
        let mut result = Ok(true);
        for _ in 0..20 {
            result = w.write(&frame(1000));
            if result.is_err() {
                break;
            }
        }
        let e = result.unwrap_err();
        assert!(e.to_string().contains("out.pcap2"), "{e}");
        assert_eq!(
            std::fs::read(dir.path().join("out.pcap2")).unwrap(),
            b"keep"
        );
        assert!(files(dir.path()).contains(&"out.pcap1".to_string()));
    }

    #[test]
    fn time_rotation_with_a_count_stops_after_that_many_files() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("t.pcap");
        let rotation = Rotation {
            seconds: Some(1),
            file_count: Some(2),
            ..Rotation::default()
        };
        let mut w =
            RotatingWriter::create(&base, rotation, false, LinkType::ETHERNET, 65535).unwrap();
        assert!(w.write(&frame(10)).unwrap());
        std::thread::sleep(Duration::from_millis(1100));
        assert!(w.write(&frame(10)).unwrap(), "second file");
        std::thread::sleep(Duration::from_millis(1100));
        assert!(!w.write(&frame(10)).unwrap(), "stops after two files");
        assert_eq!(files(dir.path()), ["t.pcap", "t.pcap1"]);
    }
}
