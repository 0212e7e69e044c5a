//! `synack stats` against tshark 4.0: for every capture of `assets/demo`,
//! `../shared/corpus/tcpdump` and `../shared/corpus/public` that tshark read, the protocol
//! hierarchy (`-z io,phs`) and the IPv4 conversations (`-z conv,ip`) are compared with what
//! `synack::stats::Stats` counts. The truth is committed compactly in `tests/truth/stats/` by
//! `tests/truth/make_stats_truth.sh`.
//!
//! What is compared, per capture:
//! - for each protocol both decode as a protocol of its own ([`COMPARED`]), the frames and
//!   bytes summed over every node of that name in the tree (a packet with two IP headers
//!   counts twice, as in tshark's tree);
//! - every IPv4 conversation: both addresses, frames and bytes each way (bytes as tshark 4.0
//!   prints them: exact below 10,000, then truncated with an SI prefix), the start relative to
//!   the first packet and the duration, to the digits tshark prints.
//!
//! A capture agrees when every compared value does. A capture that differs needs a written
//! reason in [`EXCEPTIONS`] (by name); excepted captures are counted apart, never as agreeing,
//! and each reason's count is pinned. Set `STATS_DIFF=1` to print every difference.

mod prereq;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use synack::decode;
use synack::model::{Frame, LinkType};
use synack::source::FileReader;
use synack::stats::Stats;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Protocols compared: the ones synack names exactly as tshark's tree does. (Application
/// protocols are left out: tshark recognises hundreds by heuristics that synack does not
/// have, and shows their payload as its own protocol where synack says `data`.)
const COMPARED: &[&str] = &[
    "eth", "vlan", "sll", "null", "ip", "ipv6", "arp", "tcp", "udp", "icmp", "icmpv6", "gre",
    "esp", "ah", "vxlan", "geneve", "mpls", "pppoes", "gtp", "l2tp", "teredo",
];

/// Captures whose figures differ for a written reason: (capture name, reason).
const EXCEPTIONS: &[(&str, &str)] = &[];

/// How many captures each reason explains (pinned, so a fix or a regression shows).
const PINNED: &[(&str, usize)] = &[];

/// One capture's truth.
#[derive(Default, Debug)]
struct Truth {
    /// protocol → (frames, bytes), summed over the tree.
    phs: BTreeMap<String, (u64, u64)>,
    /// (a, b, frames a→b, bytes a→b text, frames b→a, bytes b→a text, start, duration)
    convs: Vec<[String; 8]>,
}

fn read_truth(path: &Path) -> BTreeMap<String, Truth> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out: BTreeMap<String, Truth> = BTreeMap::new();
    let mut name = String::new();
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("@ ") {
            name = n.to_string();
            out.entry(name.clone()).or_default();
        } else if let Some(rest) = line.strip_prefix("P ") {
            let t = out.entry(name.clone()).or_default();
            for word in rest.split(' ') {
                let word = word.trim_start_matches('>');
                let mut parts = word.rsplitn(3, ':');
                let (Some(b), Some(f), Some(p)) = (parts.next(), parts.next(), parts.next())
                else {
                    panic!("bad phs word {word:?} in {name}");
                };
                let e = t.phs.entry(p.to_string()).or_default();
                e.0 += f.parse::<u64>().expect("frames");
                e.1 += b.parse::<u64>().expect("bytes");
            }
        } else if let Some(rest) = line.strip_prefix("C ") {
            let v: Vec<String> = rest.split(' ').map(str::to_string).collect();
            let row: [String; 8] = v
                .try_into()
                .unwrap_or_else(|v| panic!("bad conv row {v:?} in {name}"));
            out.entry(name.clone()).or_default().convs.push(row);
        }
    }
    out
}

/// Bytes as tshark 4.0's conversation table prints them.
fn tshark_bytes(b: u64) -> String {
    if b < 10_000 {
        b.to_string()
    } else if b < 10_000_000 {
        format!("{}k", b / 1000)
    } else if b < 10_000_000_000 {
        format!("{}M", b / 1_000_000)
    } else {
        format!("{}G", b / 1_000_000_000)
    }
}

fn ours(path: &Path) -> Option<Stats> {
    let mut r = FileReader::open(path).ok()?;
    let mut frame = Frame {
        ts_ns: 0,
        len: 0,
        link: LinkType::ETHERNET,
        data: Vec::new(),
    };
    let mut s = Stats::new();
    // A read error part-way (a truncated file) keeps what was read, as tshark does.
    while let Ok(true) = r.next_into(&mut frame) {
        let l = decode::layout(frame.link, &frame.data, frame.len);
        s.add(frame.ts_ns, frame.len, &frame.data, &l, None);
    }
    Some(s)
}

/// Differences between tshark's figures and synack's for one capture.
fn differences(t: &Truth, s: &Stats) -> Vec<String> {
    let mut d = Vec::new();
    for p in COMPARED {
        let theirs = t.phs.get(*p).copied().unwrap_or((0, 0));
        let mine = s.hierarchy.occurrences(p);
        if theirs != mine {
            d.push(format!(
                "phs {p}: tshark {}/{} B, synack {}/{} B",
                theirs.0, theirs.1, mine.0, mine.1
            ));
        }
    }
    let first = s.first_ns.unwrap_or(0);
    let mine: Vec<_> = s
        .conversations()
        .into_iter()
        .filter(|c| c.a.is_ipv4())
        .collect();
    for row in &t.convs {
        let found = mine.iter().find(|c| {
            let (a, b) = (c.a.to_string(), c.b.to_string());
            (a == row[0] && b == row[1]) || (a == row[1] && b == row[0])
        });
        let Some(c) = found else {
            d.push(format!("conv {} <-> {}: synack has none", row[0], row[1]));
            continue;
        };
        let (fab, bab, fba, bba) = if c.a.to_string() == row[0] {
            (c.frames_ab, c.bytes_ab, c.frames_ba, c.bytes_ba)
        } else {
            (c.frames_ba, c.bytes_ba, c.frames_ab, c.bytes_ab)
        };
        let start = c.first_ns.saturating_sub(first) as f64 / 1e9;
        let dur = c.duration_ns() as f64 / 1e9;
        let t_start: f64 = row[6].parse().unwrap_or(f64::NAN);
        let t_dur: f64 = row[7].parse().unwrap_or(f64::NAN);
        let mine_row = [
            fab.to_string(),
            tshark_bytes(bab),
            fba.to_string(),
            tshark_bytes(bba),
        ];
        if mine_row[..] != row[2..6]
            || (start - t_start).abs() > 1e-6
            || (dur - t_dur).abs() > 0.000_051
        {
            d.push(format!(
                "conv {} <-> {}: tshark {:?}, synack {:?} start {start:.9} dur {dur:.4}",
                row[0],
                row[1],
                &row[2..],
                mine_row
            ));
        }
    }
    for c in &mine {
        let (a, b) = (c.a.to_string(), c.b.to_string());
        if !t
            .convs
            .iter()
            .any(|r| (r[0] == a && r[1] == b) || (r[0] == b && r[1] == a))
        {
            d.push(format!("conv {a} <-> {b}: tshark has none ({} frames)", c.frames()));
        }
    }
    d
}

#[test]
fn stats_agree_with_tshark() {
    let truth_dir = Path::new(ROOT).join("tests/truth/stats");
    let mut sets: Vec<(&str, PathBuf)> = vec![("demo", Path::new(ROOT).join("assets/demo"))];
    if let Some(c) = prereq::corpus() {
        for set in ["tcpdump", "public"] {
            if truth_dir.join(format!("{set}.txt")).exists() {
                sets.push((set, c.join(set)));
            }
        }
    }
    let (mut total, mut agree) = (0usize, 0usize);
    let mut excepted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained: Vec<(String, Vec<String>)> = Vec::new();
    for (set, dir) in &sets {
        let truth = read_truth(&truth_dir.join(format!("{set}.txt")));
        assert!(!truth.is_empty(), "no captures in the {set} truth");
        let (t0, a0) = (total, agree);
        for (name, t) in &truth {
            total += 1;
            let diffs = match ours(&dir.join(name)) {
                Some(s) => differences(t, &s),
                None => vec!["synack did not read the file".to_string()],
            };
            if diffs.is_empty() {
                agree += 1;
            } else if let Some((_, why)) = EXCEPTIONS.iter().find(|(n, _)| n == name) {
                *excepted.entry(why).or_default() += 1;
            } else {
                unexplained.push((name.clone(), diffs));
            }
        }
        println!("{set}: {}/{} captures agree", agree - a0, total - t0);
    }
    println!(
        "{agree}/{total} captures agree with tshark -z io,phs and -z conv,ip; {} explained \
         differences, {} unexplained",
        excepted.values().sum::<usize>(),
        unexplained.len()
    );
    for (why, n) in &excepted {
        println!("  explained ({n}): {why}");
    }
    let show_all = std::env::var_os("STATS_DIFF").is_some();
    for (name, diffs) in &unexplained {
        let shown = if show_all { diffs.len() } else { 3 };
        println!("  UNEXPLAINED {name}: {}", diffs.iter().take(shown).cloned().collect::<Vec<_>>().join("; "));
    }
    assert!(
        unexplained.is_empty(),
        "{} captures differ from tshark without a reason (STATS_DIFF=1 lists every difference)",
        unexplained.len()
    );
    for (why, n) in PINNED {
        assert_eq!(excepted.get(why).copied().unwrap_or(0), *n, "pinned count of: {why}");
    }
    assert_eq!(
        excepted.len(),
        PINNED.len(),
        "every reason in use has a pinned count"
    );
}

#[test]
fn tshark_bytes_format() {
    assert_eq!(tshark_bytes(9_999), "9999");
    assert_eq!(tshark_bytes(10_000), "10k");
    assert_eq!(tshark_bytes(982_999), "982k");
    assert_eq!(tshark_bytes(12_345_678), "12M");
}
