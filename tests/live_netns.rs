//! Live capture for real: two network namespaces joined by a veth pair, a TCP server in one, a
//! client in the other, and `synack dump -i` capturing on the client's side. Needs root (to
//! create namespaces and to capture); without it the test says why it skipped.
//!
//! The server and client are this same test binary, re-run inside a namespace with
//! `ip netns exec` and a role in the environment, so the test needs no other program than `ip`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod prereq;
use prereq::Prereq;

const ROLE: &str = "SYNACK_LIVE_TEST_ROLE";
const PORT: u16 = 7777;

/// Removes the namespaces (and with them the veth pair) and kills started processes.
struct Netns {
    names: [String; 2],
    children: Vec<Child>,
}

impl Drop for Netns {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        for name in &self.names {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

fn run(args: &[&str]) -> Result<(), String> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .map_err(|e| format!("{args:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The server and client roles, run inside the namespaces by the main test.
#[test]
#[ignore = "helper role for live_capture_sees_the_handshake; run by that test inside a namespace"]
fn live_role() {
    match std::env::var(ROLE).as_deref() {
        Ok("server") => {
            let listener =
                TcpListener::bind(("10.199.7.2", PORT)).expect("bind in server namespace");
            println!("listening");
            let (mut conn, _) = listener.accept().expect("accept");
            conn.write_all(b"hello from the server\n").expect("write");
            let mut buf = Vec::new();
            let _ = conn.read_to_end(&mut buf);
        }
        Ok("client") => {
            let mut conn = TcpStream::connect(("10.199.7.2", PORT)).expect("connect from client");
            let mut line = String::new();
            BufReader::new(&conn)
                .read_line(&mut line)
                .expect("read greeting");
            conn.write_all(b"bye\n").expect("write");
        }
        _ => {}
    }
}

#[test]
#[ignore = "needs root and iproute2 (network namespaces, capture)"]
fn live_capture_sees_the_handshake() {
    if !prereq::require(&[Prereq::Root, Prereq::Ip]) {
        return;
    }
    let tag = std::process::id();
    let (ns_c, ns_s) = (format!("synackC{tag}"), format!("synackS{tag}"));
    let mut ns = Netns {
        names: [ns_c.clone(), ns_s.clone()],
        children: Vec::new(),
    };
    let (veth_c, veth_s) = (format!("sc{tag}"), format!("ss{tag}"));
    let setup: Vec<Vec<String>> = vec![
        vec!["ip".into(), "netns".into(), "add".into(), ns_c.clone()],
        vec!["ip".into(), "netns".into(), "add".into(), ns_s.clone()],
        format!("ip link add {veth_c} netns {ns_c} type veth peer name {veth_s} netns {ns_s}")
            .split(' ')
            .map(String::from)
            .collect(),
        format!("ip -n {ns_c} addr add 10.199.7.1/24 dev {veth_c}")
            .split(' ')
            .map(String::from)
            .collect(),
        format!("ip -n {ns_s} addr add 10.199.7.2/24 dev {veth_s}")
            .split(' ')
            .map(String::from)
            .collect(),
        format!("ip -n {ns_c} link set {veth_c} up")
            .split(' ')
            .map(String::from)
            .collect(),
        format!("ip -n {ns_s} link set {veth_s} up")
            .split(' ')
            .map(String::from)
            .collect(),
        format!("ip -n {ns_c} link set lo up")
            .split(' ')
            .map(String::from)
            .collect(),
        format!("ip -n {ns_s} link set lo up")
            .split(' ')
            .map(String::from)
            .collect(),
    ];
    for cmd in &setup {
        let args: Vec<&str> = cmd.iter().map(String::as_str).collect();
        if let Err(e) = run(&args) {
            // Root without CAP_SYS_ADMIN (some containers): the same rule as a missing tool.
            assert!(!prereq::in_ci(), "cannot build namespaces: {e}");
            prereq::skipped(
                "live_capture_sees_the_handshake",
                &format!("cannot build namespaces: {e}"),
            );
            return;
        }
    }

    let synack = env!("CARGO_BIN_EXE_synack");
    let me = std::env::current_exe().expect("test binary path");
    let mut dump = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns_c,
            synack,
            "dump",
            "-i",
            &veth_c,
            "-f",
            &format!("tcp port {PORT}"),
        ])
        .args(["-c", "6", "--duration", "20", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start synack dump");
    // Wait for the capture to be armed: dump says so on stderr before the first packet.
    let mut dump_err = BufReader::new(dump.stderr.take().expect("stderr piped"));
    let mut banner = String::new();
    dump_err.read_line(&mut banner).expect("read dump's banner");
    assert!(
        banner.contains("capturing on"),
        "unexpected first stderr line from dump: {banner:?}"
    );
    let dump_out = dump.stdout.take().expect("stdout piped");
    ns.children.push(dump);

    let mut server = Command::new("ip")
        .args(["netns", "exec", &ns_s])
        .arg(&me)
        .args(["--exact", "live_role", "--ignored", "--nocapture"])
        .env(ROLE, "server")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start server");
    let mut server_out = BufReader::new(server.stdout.take().expect("stdout piped"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut line = String::new();
    while !line.contains("listening") {
        line.clear();
        if server_out.read_line(&mut line).unwrap_or(0) == 0 || Instant::now() > deadline {
            panic!("server did not start listening");
        }
    }
    ns.children.push(server);

    let client = Command::new("ip")
        .args(["netns", "exec", &ns_c])
        .arg(&me)
        .args(["--exact", "live_role", "--ignored"])
        .env(ROLE, "client")
        .output()
        .expect("run client");
    assert!(
        client.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&client.stderr)
    );

    let packets: Vec<serde_json::Value> = BufReader::new(dump_out)
        .lines()
        .map_while(Result::ok)
        .map(|l| serde_json::from_str(&l).expect("dump prints JSON lines"))
        .collect();
    let status = ns.children[0].wait().expect("dump exits");
    assert!(status.success(), "synack dump exited with {status}");
    assert_eq!(
        packets.len(),
        6,
        "-c 6 stops after six packets: {packets:#?}"
    );

    let find = |flags: u64, src: &str| {
        packets
            .iter()
            .find(|p| p["tcp"]["flags"] == flags && p["src"] == src)
            .cloned()
    };
    let syn = find(0x002, "10.199.7.1").expect("SYN from the client");
    let syn_ack = find(0x012, "10.199.7.2").expect("SYN-ACK from the server");
    let ack = packets
        .iter()
        .find(|p| p["tcp"]["flags"] == 0x010 && p["src"] == "10.199.7.1")
        .expect("ACK from the client");
    assert_eq!(syn["dport"], PORT);
    assert_eq!(syn_ack["sport"], PORT);
    assert_eq!(syn["link"], "ethernet");
    // The SYN-ACK acknowledges the client's ISN + 1, and the ACK the server's ISN + 1.
    let isn_c = syn["tcp"]["seq"].as_u64().expect("seq");
    let isn_s = syn_ack["tcp"]["seq"].as_u64().expect("seq");
    assert_eq!(
        syn_ack["tcp"]["ack"].as_u64(),
        Some((isn_c + 1) % (1 << 32))
    );
    assert_eq!(ack["tcp"]["ack"].as_u64(), Some((isn_s + 1) % (1 << 32)));
    for p in [&syn, &syn_ack, ack] {
        assert_eq!(
            p["flow"], 0,
            "all three belong to the first connection: {p}"
        );
    }
    let numbers: Vec<u64> = packets.iter().filter_map(|p| p["no"].as_u64()).collect();
    assert_eq!(
        numbers,
        (1..=6).collect::<Vec<_>>(),
        "frames numbered from 1"
    );
}
