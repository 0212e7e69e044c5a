//! `summarize` runs for every packet of multi-million-packet files: it must not touch the
//! heap. A counting global allocator (per thread) proves it on packets that exercise every
//! path: TCP with options and HTTP, DNS, TLS, tunnels, truncation and malformed lengths.

use std::cell::Cell;

use synack::decode::{decode, summarize};
use synack::model::LinkType;

mod alloc_count;
use alloc_count::{COUNT, ON};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn summarize_does_not_allocate() {
    let eth = "020000000002020000000001";
    let packets: Vec<(u32, Vec<u8>, u32)> = vec![
        // IPv4 TCP with options and an HTTP request.
        (
            1,
            hex(&format!(
                "{eth}0800 450000571234400040060000c0a80001c0a80002a0cc00500000000100000000a018020000000000020405 8c0402080a000000010000000001030307474554202f20485454502f312e310d0a486f73743a20610d0a0d0a"
            )),
            0,
        ),
        // IPv6 UDP DNS query.
        (
            1,
            hex(&format!(
                "{eth}86dd 600000000029114020010db800000000000000000000000120010db80000000000000000000000029c4000350029000012340100000100000000000003777777076578616d706c6503636f6d0000010001"
            )),
            0,
        ),
        // GRE carrying IPv4/UDP.
        (
            1,
            hex(&format!(
                "{eth}0800 4500003800000000402f0000c0000001c000000220000800000000004500001c00000000401100000a0000010a0000020001000200080000"
            )),
            0,
        ),
        // TLS ClientHello on raw IP.
        (
            101,
            hex(
                "450000700000400040060000c0a80001c0a80002c00001bb0000000100000001501800ff0000000016030100430100003f0303111111111111111111111111111111111111111111111111111111111111111100000213010100001400000010000e00000b6578616d706c652e636f6d",
            ),
            0,
        ),
        // ICMP error quoting UDP.
        (
            101,
            hex(
                "450000380000000040010000010101010202020203030000000000004500003c000000004011000002020202030303038234823500280000",
            ),
            0,
        ),
        // Truncated TCP (capture cut), and an unknown EtherType.
        (
            1,
            hex(&format!(
                "{eth}0800 450000571234400040060000c0a80001c0a80002a0cc"
            )),
            200,
        ),
        (1, hex(&format!("{eth}88cc 0000000000")), 0),
        // Unknown link type.
        (147, hex("00010203"), 0),
    ];
    // The counter itself works.
    ON.with(|o| o.set(true));
    let probe = std::hint::black_box(vec![1u8; 3]);
    ON.with(|o| o.set(false));
    drop(probe);
    assert_eq!(COUNT.with(Cell::get), 1, "the counting allocator counts");
    for (link, data, orig) in &packets {
        let orig = if *orig == 0 { data.len() as u32 } else { *orig };
        // Warm up anything lazily initialised, and make sure the packet decodes.
        let d = decode(LinkType(*link), data, orig);
        assert!(!d.headers.is_empty());
        COUNT.with(|c| c.set(0));
        ON.with(|o| o.set(true));
        let s = summarize(LinkType(*link), data, orig);
        ON.with(|o| o.set(false));
        assert_eq!(
            COUNT.with(Cell::get),
            0,
            "summarize allocated on link {link}"
        );
        assert_eq!(s, d.summary);
    }
}
