//! Property tests for the decoder through its public API: arbitrary bytes, and mutated or
//! truncated valid packets, on every link type never panic; every header, field and issue
//! range lies inside the captured bytes; no text carries a control character; `summarize`
//! agrees with `decode().summary`; `broken` is set exactly when an issue breaks the packet.

use proptest::prelude::*;
use synack::decode::{Decoded, Field, decode, info_line, proto_name, protocol_column, summarize};
use synack::model::LinkType;

/// Every link type the decoder walks (the second row: PPP ×3, Cisco HDLC, FDDI, 802.11 bare and
/// behind Prism / radiotap / AVS / PPI, NFLOG, netlink), and one it does not know (147).
const LINKS: [u32; 23] = [
    0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147, //
    9, 50, 204, 104, 10, 105, 119, 127, 163, 192, 239, 253,
];

fn no_control(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

fn check_fields(fields: &[Field], len: usize) -> Result<(), TestCaseError> {
    for f in fields {
        prop_assert!(
            f.range.start <= f.range.end && f.range.end <= len,
            "{f:?} len {len}"
        );
        prop_assert!(
            no_control(&f.name) && no_control(&f.value) && no_control(&f.meaning),
            "{f:?}"
        );
        check_fields(&f.children, len)?;
    }
    Ok(())
}

fn check(link: u32, data: &[u8], orig_len: u32) -> Result<Decoded, TestCaseError> {
    let link = LinkType(link);
    let d = decode(link, data, orig_len);
    prop_assert_eq!(d.summary, summarize(link, data, orig_len));
    for h in &d.headers {
        prop_assert!(
            h.range.start <= h.range.end && h.range.end <= data.len(),
            "{h:?}"
        );
        prop_assert!(no_control(&h.protocol));
        check_fields(&h.fields, data.len())?;
    }
    for i in &d.issues {
        prop_assert!(i.offset <= data.len(), "{i:?}");
        prop_assert!(no_control(&i.message));
    }
    prop_assert_eq!(d.summary.broken, d.issues.iter().any(|i| i.kind.breaks()));
    prop_assert!(usize::from(d.summary.vlan_count) <= 2);
    if let Some(a) = &d.app_summary {
        prop_assert!(no_control(a));
    }
    prop_assert!(no_control(&info_line(&d.summary, d.app_summary.as_deref())));
    prop_assert!(!proto_name(&d.summary).is_empty());
    prop_assert!(!protocol_column(&d.summary).is_empty());
    Ok(d)
}

/// Valid packets to mutate: Ethernet/IPv4/TCP with options and HTTP, IPv6/UDP/DNS, ARP,
/// VLAN, GRE, ICMP error, TLS hello, SLL2, NULL.
fn seeds() -> Vec<(u32, Vec<u8>)> {
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let eth = "020000000002020000000001";
    let ip4_tcp = "450000571234400040060000c0a80001c0a80002a0cc00500000000100000000a01802000000000002\
                   04058c0402080a000000010000000001030307474554202f20485454502f312e310d0a486f73743a\
                   20610d0a0d0a";
    let ip6_udp_dns = "600000000029114020010db800000000000000000000000120010db8000000000000000000000002\
                       9c4000350029000012340100000100000000000003777777076578616d706c6503636f6d0000010001";
    let arp = "0001080006040001020000000001c0a80001000000000000c0a80002";
    let gre = "4500003800000000402f0000c0000001c000000220000800000000004500001c00000000401100000a00\
               00010a0000020001000200080000";
    let icmp_err = "450000380000000040010000010101010202020203030000000000004500003c00000000401100000202\
                    0202030303038234823500280000";
    let tls = "450000700000400040060000c0a80001c0a80002c00001bb0000000100000001501800ff000000001603\
               0100430100003f030311111111111111111111111111111111111111111111111111111111111111110000\
               0213010100001400000010000e00000b6578616d706c652e636f6d";
    vec![
        (1, hex(&format!("{eth}0800{ip4_tcp}"))),
        (1, hex(&format!("{eth}86dd{ip6_udp_dns}"))),
        (1, hex(&format!("{eth}0806{arp}"))),
        (1, hex(&format!("{eth}810000640800{ip4_tcp}"))),
        (1, hex(&format!("{eth}88a800c8810007d10806{arp}"))),
        (1, hex(&format!("{eth}0800{gre}"))),
        (101, hex(icmp_err)),
        (101, hex(tls)),
        (
            276,
            hex(&format!(
                "86dd000000000003000104060200000000010000{ip6_udp_dns}"
            )),
        ),
        (0, hex(&format!("1e000000{ip6_udp_dns}"))),
        (
            113,
            hex(&format!("00040001000602000000000100000800{ip4_tcp}")),
        ),
    ]
}

proptest! {
    // 2000 cases by default; PROPTEST_CASES raises it for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_break_the_rules(
        link in prop::sample::select(LINKS.to_vec()),
        data in prop::collection::vec(any::<u8>(), 0..200),
        extra in 0u32..3000,
    ) {
        check(link, &data, data.len() as u32 + extra)?;
        // A record whose original length is below the captured one (corrupt files).
        check(link, &data, extra.min(data.len() as u32))?;
    }

    #[test]
    fn mutated_packets_never_break_the_rules(
        seed in 0usize..11,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (link, mut data) = seeds().swap_remove(seed);
        let orig = data.len() as u32;
        for (at, b) in edits {
            let i = at.index(data.len());
            data[i] = b;
        }
        if truncate {
            data.truncate(cut.index(data.len() + 1));
        }
        check(link, &data, orig)?;
    }
}

#[test]
fn seeds_decode_cleanly() {
    for (link, data) in seeds() {
        let d = decode(LinkType(link), &data, data.len() as u32);
        assert!(!d.summary.broken, "seed on link {link}: {:?}", d.issues);
        assert!(d.headers.len() >= 2, "{:?}", d.headers);
    }
}
