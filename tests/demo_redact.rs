//! `--redact` through the real binary, on the demo's busy capture (39 connections, 11 IP
//! addresses): every address is masked, consistently (one real address ↔ one stand-in), and
//! nothing else changes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::process::Command;

use serde_json::Value;

fn synack(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

fn busy() -> String {
    format!("{}/assets/demo/busy.pcap", env!("CARGO_MANIFEST_DIR"))
}

fn is_stand_in(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            matches!(o, [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _])
        }
        IpAddr::V6(a) => a.segments()[..2] == [0x2001, 0x0db8],
    }
}

/// Records `real → masked`, failing if either side was already paired differently.
fn pair(map: &mut HashMap<String, String>, back: &mut HashMap<String, String>, r: &str, m: &str) {
    assert_eq!(
        map.entry(r.into()).or_insert_with(|| m.into()),
        m,
        "{r} masked two ways"
    );
    assert_eq!(
        back.entry(m.into()).or_insert_with(|| r.into()),
        r,
        "{m} stands for two"
    );
}

fn strip_addresses(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for key in ["src", "dst"] {
                o.remove(key);
            }
            // Field values and the info line may hold addresses; everything else must match.
            if o.contains_key("value") {
                o.remove("value");
            }
            o.remove("info");
            o.values_mut().for_each(strip_addresses);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_addresses),
        _ => {}
    }
}

#[test]
fn dump_json_masks_every_address_consistently() {
    let plain = synack(&["dump", &busy(), "--format", "json"]);
    let masked = synack(&["dump", &busy(), "--format", "json", "--redact"]);
    let (mut map, mut back) = (HashMap::new(), HashMap::new());
    let (mut macs, mut macs_back) = (HashMap::new(), HashMap::new());
    assert_eq!(plain.lines().count(), masked.lines().count());
    for (p, m) in plain.lines().zip(masked.lines()) {
        let mut p: Value = serde_json::from_str(p).expect("plain json");
        let mut m: Value = serde_json::from_str(m).expect("redacted output is still JSON");
        for key in ["src", "dst"] {
            let (r, s) = (p[key].as_str().expect("ip"), m[key].as_str().expect("ip"));
            let ip: IpAddr = s.parse().expect("stand-in is an address");
            assert!(is_stand_in(ip), "{s}");
            pair(&mut map, &mut back, r, s);
        }
        let eth = |v: &Value, i: usize| v["layers"][0]["fields"][i]["value"].clone();
        for i in 0..2 {
            let (r, s) = (eth(&p, i), eth(&m, i));
            let s = s.as_str().expect("mac");
            assert!(s.starts_with("02:00:00:"), "{s}");
            pair(&mut macs, &mut macs_back, r.as_str().expect("mac"), s);
        }
        strip_addresses(&mut p);
        strip_addresses(&mut m);
        assert_eq!(p, m, "only addresses change");
    }
    assert_eq!(map.len(), 11, "8 clients and 3 servers: {map:?}");
    for real in map.keys() {
        assert!(!masked.contains(real.as_str()), "{real} still visible");
    }
}

#[test]
fn flows_redact_masks_endpoints_and_keeps_ports() {
    let plain = synack(&["flows", &busy(), "--format", "json"]);
    let masked = synack(&["flows", &busy(), "--format", "json", "--redact"]);
    let (mut map, mut back) = (HashMap::new(), HashMap::new());
    for (p, m) in plain.lines().zip(masked.lines()) {
        let p: Value = serde_json::from_str(p).expect("json");
        let m: Value = serde_json::from_str(m).expect("json");
        for key in ["client", "server"] {
            let r: std::net::SocketAddr = p[key].as_str().expect("s").parse().expect("addr");
            let s: std::net::SocketAddr = m[key].as_str().expect("s").parse().expect("addr");
            assert_eq!(r.port(), s.port());
            assert!(is_stand_in(s.ip()), "{s}");
            pair(
                &mut map,
                &mut back,
                &r.ip().to_string(),
                &s.ip().to_string(),
            );
        }
        assert_eq!(p["handshake"], m["handshake"]);
        assert_eq!(p["history"], m["history"]);
    }
    assert_eq!(map.len(), 11);
    // The text table's columns still line up: every row is as wide as the header's layout.
    let table = synack(&["flows", &busy(), "--redact"]);
    let header = table.lines().next().expect("header");
    let col = header.find("handshake").expect("handshake column");
    for row in table.lines().skip(1) {
        let before: String = row.chars().take(col).collect();
        assert!(before.ends_with("  "), "misaligned row: {row}");
    }
    assert!(!table.contains("10.77."), "{table}");
}
