//! The command line's display filters and tcpdump habits, on assets/demo (runs everywhere):
//! `-Y` on dump/flows/replay, exit status 2 with a pointed message for a bad filter, `dump -w`
//! byte-exact in pcap and pcapng, `-r`, `-n`, `-c`, BPF words after the file, `-tt`/`-tttt`,
//! `-x`/`-X`/`-A`, `-v`, `flows --format csv`, and advice instead of clap's `-- -r` tip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use synack::model::{Frame, LinkType};
use synack::source::FileReader;

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/demo")
        .join(name)
}

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("synack runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// First word of each line: the frame numbers printed.
fn numbers(o: &Output) -> Vec<u64> {
    stdout(o)
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

fn frames(path: &Path) -> Vec<Frame> {
    let mut r = FileReader::open(path).expect("opens");
    let mut f = Frame::new(0, 0, LinkType::ETHERNET, Vec::new());
    let mut out = Vec::new();
    while r.next_into(&mut f).expect("reads") {
        out.push(f.clone());
    }
    out
}

#[test]
fn display_filter_selects_packets_and_keeps_numbers() {
    let http = demo("http.pcap");
    let h = http.to_str().expect("utf-8 path");
    let o = synack(&["dump", h, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(numbers(&o), [1]);
    let o = synack(&["dump", h, "-Y", "tcp.len > 0", "-c", "1"]);
    assert_eq!(numbers(&o), [4]);
    let o = synack(&[
        "dump",
        h,
        "-Y",
        "flow.handshake == \"complete\" && tcp.flags.fin == 1",
    ]);
    assert_eq!(numbers(&o), [8, 9]);
    let refused = demo("refused.pcap");
    let o = synack(&[
        "flows",
        refused.to_str().expect("utf-8"),
        "-Y",
        "flow.handshake == \"refused\"",
    ]);
    assert!(stdout(&o).contains("refused"), "{}", stdout(&o));
}

#[test]
fn bad_filters_exit_2_and_point_at_the_place() {
    let http = demo("http.pcap");
    let h = http.to_str().expect("utf-8 path");
    for cmd in [
        &["dump", h][..],
        &["flows", h],
        &["replay", h],
        &["replay", h, "--print"],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["-Y", "tcp.prot == 80"]);
        let o = synack(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("unknown field \"tcp.prot\" at column 1 — did you mean tcp.port?"),
            "{e}"
        );
        assert!(o.stdout.is_empty());
    }
    let o = synack(&["dump", h, "-Y", "ip.addr == 300.1.1.1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a valid IPv4 address"),
        "{}",
        stderr(&o)
    );
    let o = synack(&["demo", "-Y", "tcp.flags.syn =="]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn write_copies_packets_exactly_in_pcap_and_pcapng() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = demo("busy.pcap");
    let all = frames(&src);
    let listed = numbers(&synack(&[
        "dump",
        src.to_str().expect("utf-8"),
        "-Y",
        "tcp.flags.syn == 1",
    ]));
    let want: Vec<Frame> = listed
        .iter()
        .map(|n| all[usize::try_from(*n).expect("index") - 1].clone())
        .collect();
    assert!(want.len() > 10 && want.len() < all.len());
    for name in ["out.pcap", "out.pcapng"] {
        let out = dir.path().join(name);
        let o = synack(&[
            "dump",
            src.to_str().expect("utf-8"),
            "-Y",
            "tcp.flags.syn == 1",
            "-w",
            out.to_str().expect("utf-8"),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        let got = frames(&out);
        assert_eq!(got.len(), want.len(), "{name}");
        assert!(got == want, "{name}: packets differ from the source's");
        let head = std::fs::read(&out).expect("written");
        let ng = head.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]);
        assert_eq!(ng, name.ends_with(".pcapng"));
    }
}

#[test]
fn tcpdump_habits() {
    let http = demo("http.pcap");
    let h = http.to_str().expect("utf-8 path");
    // -r, -n, BPF words after the file, -c on a file.
    let o = synack(&[
        "dump", "-n", "-r", h, "tcp", "and", "src", "port", "80", "-c", "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(numbers(&o), [2, 5]);
    let o = synack(&["dump", h, "-tt", "-c", "1"]);
    assert!(
        stdout(&o).starts_with("1 1795626861.295411 "),
        "{}",
        stdout(&o)
    );
    let o = synack(&["dump", h, "-tttt", "-c", "1"]);
    assert!(
        stdout(&o).starts_with("1 2026-11-25 17:14:21.295411 "),
        "{}",
        stdout(&o)
    );
    let o = synack(&["dump", h, "--time-format", "relative", "-c", "2"]);
    assert!(
        stdout(&o).contains("\n2 00:00:00.082306 "),
        "{}",
        stdout(&o)
    );
    let o = synack(&["dump", h, "-x", "-c", "1"]);
    assert!(
        stdout(&o).contains("\t0x0000:  4500 003c"),
        "{}",
        stdout(&o)
    );
    let o = synack(&["dump", h, "-X", "-Y", "frame.number == 4"]);
    assert!(stdout(&o).contains("GET /"), "{}", stdout(&o));
    let o = synack(&["dump", h, "-A", "-Y", "frame.number == 4"]);
    assert!(stdout(&o).contains("GET / HTTP/1.1"), "{}", stdout(&o));
    let o = synack(&["dump", h, "-v", "-c", "1"]);
    let v = stdout(&o);
    assert!(
        v.contains("\n    TCP\n") && v.contains("        Source port: 50229"),
        "{v}"
    );
}

#[test]
fn flows_as_csv() {
    let o = synack(&[
        "flows",
        demo("busy.pcap").to_str().expect("utf-8"),
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(
        header.starts_with("flow,client,server,handshake,"),
        "{header}"
    );
    let cols = header.split(',').count();
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() > 5);
    assert!(rows.iter().all(|r| r.split(',').count() == cols), "{text}");
    let o = synack(&[
        "dump",
        demo("http.pcap").to_str().expect("utf-8"),
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn unsupported_tcpdump_flags_get_advice_not_a_dash_dash_tip() {
    let http = demo("http.pcap");
    let h = http.to_str().expect("utf-8 path");
    for (flag, advice) in [
        ("-D", "synack interfaces"),
        ("-e", "-v"),
        ("-p", "--no-promisc"),
    ] {
        let o = synack(&["dump", h, flag]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        let e = stderr(&o);
        assert!(!e.contains("'-- "), "{flag}: {e}");
        assert!(e.contains(advice), "{flag}: {e}");
    }
}
