//! Masks MAC and IP addresses for screenshots and shared output (`--redact`), consistently: the
//! same real address always becomes the same stand-in within one [`Redactor`], and two
//! different addresses never share one. Stand-ins come from ranges reserved for documentation
//! (IPv4 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, then 198.18.0.0/15 and 240.0.0.0/4
//! once those run out; IPv6 2001:db8::/32; MACs 02:00:00:xx:xx:xx, locally administered),
//! numbered in order of first appearance. Addresses that identify nobody keep their value:
//! unspecified, loopback, broadcast and multicast. Pure; depends on std (and on
//! `decode::FieldValue`, so that decoded address fields are masked from their value as data,
//! without parsing their text).
//!
//! [`Redactor::text`] rewrites the addresses it finds in free text (info lines, field values,
//! whole `dump` lines): dotted IPv4 (also `a.b.c.d.port` and `a.b.c.d:port`), IPv6 (also
//! tcpdump's `addr.port`), and colon-separated MACs. It errs on the side of masking: a version
//! number that looks exactly like an IPv4 address (`1.2.3.4`) is masked too.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// IPv4 documentation ranges (RFC 5737), 254 usable hosts each.
const V4_DOC: [[u8; 3]; 3] = [[192, 0, 2], [198, 51, 100], [203, 0, 113]];
/// Hosts per documentation range (.1 to .254).
const V4_DOC_HOSTS: u32 = 254;
/// Benchmarking range 198.18.0.0/15 (RFC 2544): the next stand-ins.
const V4_BENCH: u32 = 0xC612_0000;
const V4_BENCH_SIZE: u32 = 1 << 17;
/// Reserved 240.0.0.0/4: the last stand-ins (255.255.255.255 excluded).
const V4_RESERVED: u32 = 0xF000_0000;
const V4_RESERVED_SIZE: u32 = (1 << 28) - 1;

/// Consistent address masking for one run. Build one, use it for everything shown.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    v4: HashMap<Ipv4Addr, Ipv4Addr>,
    v6: HashMap<Ipv6Addr, Ipv6Addr>,
    macs: HashMap<[u8; 6], [u8; 6]>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// The stand-in for `addr` (the same one every time it is asked again).
    pub fn ip(&mut self, addr: &IpAddr) -> IpAddr {
        match addr {
            IpAddr::V4(a) => IpAddr::V4(self.v4(*a)),
            IpAddr::V6(a) => IpAddr::V6(self.v6(*a)),
        }
    }

    /// The stand-in for an address and port: the address is masked, the port kept.
    pub fn socket(&mut self, addr: &SocketAddr) -> SocketAddr {
        SocketAddr::new(self.ip(&addr.ip()), addr.port())
    }

    /// The stand-in for a MAC address: `02:00:00:00:00:01`, `…:02`, … in order of first
    /// appearance. Broadcast, multicast and all-zero MACs are kept.
    pub fn mac(&mut self, mac: [u8; 6]) -> [u8; 6] {
        if mac == [0; 6] || mac.first().is_some_and(|b| b & 1 == 1) {
            return mac;
        }
        let n = self.macs.len() as u64 + 1;
        *self.macs.entry(mac).or_insert_with(|| {
            let b = n.to_be_bytes();
            // 40 bits of counter: more MACs than any capture holds.
            [0x02, b[3], b[4], b[5], b[6], b[7]]
        })
    }

    fn v4(&mut self, a: Ipv4Addr) -> Ipv4Addr {
        if a.is_unspecified() || a.is_loopback() || a.is_broadcast() || a.is_multicast() {
            return a;
        }
        let n = u32::try_from(self.v4.len()).unwrap_or(u32::MAX);
        *self.v4.entry(a).or_insert_with(|| v4_stand_in(n))
    }

    fn v6(&mut self, a: Ipv6Addr) -> Ipv6Addr {
        if a.is_unspecified() || a.is_loopback() || a.is_multicast() {
            return a;
        }
        // An IPv4-mapped address shows the same stand-in as the IPv4 address it carries.
        if let Some(v4) = a.to_ipv4_mapped() {
            return self.v4(v4).to_ipv6_mapped();
        }
        let n = self.v6.len() as u128 + 1;
        *self
            .v6
            .entry(a)
            .or_insert_with(|| Ipv6Addr::from(0x2001_0db8_u128 << 96 | n))
    }

    /// The stand-in's bytes for a decoded field that carries an address (IP or MAC) as data;
    /// None for other values (ports are not masked).
    pub fn stand_in_bytes(&mut self, value: crate::decode::FieldValue) -> Option<Vec<u8>> {
        use crate::decode::FieldValue;
        match value {
            FieldValue::Ip(ip) => Some(match self.ip(&ip) {
                IpAddr::V4(a) => a.octets().to_vec(),
                IpAddr::V6(a) => a.octets().to_vec(),
            }),
            FieldValue::Mac(m) => Some(self.mac(m).to_vec()),
            FieldValue::Port(_) => None,
        }
    }

    /// [`Redactor::stand_in_bytes`] without giving out new stand-ins (what drawing uses, see
    /// [`Redactor::text_known`]).
    pub fn stand_in_bytes_known(&self, value: crate::decode::FieldValue) -> Option<Vec<u8>> {
        use crate::decode::FieldValue;
        match value {
            FieldValue::Ip(ip) => Some(match self.ip_known(&ip) {
                IpAddr::V4(a) => a.octets().to_vec(),
                IpAddr::V6(a) => a.octets().to_vec(),
            }),
            FieldValue::Mac(m) => Some(self.mac_known(m).to_vec()),
            FieldValue::Port(_) => None,
        }
    }

    /// `text` with every address found in it replaced by its stand-in (see the module notes
    /// for what is recognised). Everything else is copied unchanged.
    pub fn text(&mut self, text: &str) -> String {
        text_with(self, text)
    }

    /// Masks, in place, every address written as ASCII text inside `bytes` (see
    /// `mask_text_in_bytes_with`), giving out stand-ins.
    pub fn mask_text_in_bytes(&mut self, bytes: &mut [u8]) {
        mask_text_in_bytes_with(self, bytes)
    }

    /// [`Redactor::mask_text_in_bytes`] without giving out new stand-ins (what drawing uses,
    /// see [`Redactor::text_known`]).
    pub fn mask_text_in_bytes_known(&self, bytes: &mut [u8]) {
        mask_text_in_bytes_with(&mut Known(self), bytes)
    }

    /// Like [`Redactor::text`] without giving out new stand-ins: what drawing uses, so the
    /// screen never changes the numbering (every address on screen was registered when its
    /// packet was released). An address never registered still never shows: it becomes the
    /// range's unnumbered stand-in (`192.0.2.0`, `2001:db8::`, `02:00:00:00:00:00`).
    pub fn text_known(&self, text: &str) -> String {
        text_with(&mut Known(self), text)
    }

    /// [`Redactor::socket`] without giving out new stand-ins (see [`Redactor::text_known`]).
    pub fn socket_known(&self, addr: &SocketAddr) -> SocketAddr {
        let mut k = Known(self);
        let ip = match addr.ip() {
            IpAddr::V4(a) => IpAddr::V4(k.v4(a)),
            IpAddr::V6(a) => IpAddr::V6(k.v6(a)),
        };
        SocketAddr::new(ip, addr.port())
    }

    /// [`Redactor::ip`] without giving out new stand-ins (see [`Redactor::text_known`]).
    pub fn ip_known(&self, addr: &IpAddr) -> IpAddr {
        let mut k = Known(self);
        match addr {
            IpAddr::V4(a) => IpAddr::V4(k.v4(*a)),
            IpAddr::V6(a) => IpAddr::V6(k.v6(*a)),
        }
    }

    /// [`Redactor::mac`] without giving out new stand-ins (see [`Redactor::text_known`]).
    pub fn mac_known(&self, mac: [u8; 6]) -> [u8; 6] {
        Known(self).mac(mac)
    }
}

/// How an address is masked: by giving out stand-ins ([`Redactor`]) or only looking them up
/// ([`Known`]).
trait Mask {
    fn v4(&mut self, a: Ipv4Addr) -> Ipv4Addr;
    fn v6(&mut self, a: Ipv6Addr) -> Ipv6Addr;
    fn mac(&mut self, mac: [u8; 6]) -> [u8; 6];
}

impl Mask for Redactor {
    fn v4(&mut self, a: Ipv4Addr) -> Ipv4Addr {
        Redactor::v4(self, a)
    }
    fn v6(&mut self, a: Ipv6Addr) -> Ipv6Addr {
        Redactor::v6(self, a)
    }
    fn mac(&mut self, mac: [u8; 6]) -> [u8; 6] {
        Redactor::mac(self, mac)
    }
}

/// Looks stand-ins up without adding any.
struct Known<'a>(&'a Redactor);

impl Mask for Known<'_> {
    fn v4(&mut self, a: Ipv4Addr) -> Ipv4Addr {
        if a.is_unspecified() || a.is_loopback() || a.is_broadcast() || a.is_multicast() {
            return a;
        }
        self.0
            .v4
            .get(&a)
            .copied()
            .unwrap_or(Ipv4Addr::new(192, 0, 2, 0))
    }
    fn v6(&mut self, a: Ipv6Addr) -> Ipv6Addr {
        if a.is_unspecified() || a.is_loopback() || a.is_multicast() {
            return a;
        }
        if let Some(v4) = a.to_ipv4_mapped() {
            return self.v4(v4).to_ipv6_mapped();
        }
        self.0
            .v6
            .get(&a)
            .copied()
            .unwrap_or(Ipv6Addr::from(0x2001_0db8_u128 << 96))
    }
    fn mac(&mut self, mac: [u8; 6]) -> [u8; 6] {
        if mac == [0; 6] || mac.first().is_some_and(|b| b & 1 == 1) {
            return mac;
        }
        self.0
            .macs
            .get(&mac)
            .copied()
            .unwrap_or([0x02, 0, 0, 0, 0, 0])
    }
}

/// `text` with every address found in it replaced by its stand-in (see the module notes
/// for what is recognised). Everything else is copied unchanged.
fn text_with<M: Mask>(m: &mut M, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(start) = rest.find(is_addr_char) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        if let Some(c) = before.chars().next_back() {
            prev = Some(c);
        }
        let len = from.find(|c: char| !is_addr_char(c)).unwrap_or(from.len());
        let (run, after) = from.split_at(len);
        let next = after.chars().next();
        let bounded = !prev.is_some_and(is_word_char) && !next.is_some_and(is_word_char);
        match if bounded { rewrite_run(m, run) } else { None } {
            Some(s) => out.push_str(&s),
            None => out.push_str(run),
        }
        prev = run.chars().next_back();
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The run of address characters with its address masked, or None when it holds none.
fn rewrite_run<M: Mask>(m: &mut M, run: &str) -> Option<String> {
    // Trailing delimiters (`10.0.0.1.80:` in a dump line, a full stop) are kept as they are.
    let core = run.trim_end_matches([':', '.']);
    let tail = &run[core.len()..];
    let masked = rewrite_core(m, core)?;
    Some(format!("{masked}{tail}"))
}

fn rewrite_core<M: Mask>(m: &mut M, core: &str) -> Option<String> {
    if let Some(s) = rewrite_v4(m, core) {
        return Some(s);
    }
    if core.matches(':').count() < 2 {
        return None;
    }
    if let Some(mac) = parse_mac(core) {
        return Some(mac_text(m.mac(mac)));
    }
    if let Ok(a) = core.parse::<Ipv6Addr>() {
        return Some(m.v6(a).to_string());
    }
    // tcpdump writes an IPv6 endpoint as `addr.port`.
    let (addr, port) = core.rsplit_once('.')?;
    if !is_port(port) {
        return None;
    }
    let a = addr.parse::<Ipv6Addr>().ok()?;
    Some(format!("{}.{port}", m.v6(a)))
}

/// `a.b.c.d`, `a.b.c.d.port` or `a.b.c.d:port`.
fn rewrite_v4<M: Mask>(m: &mut M, core: &str) -> Option<String> {
    let (addr, sep, port) = match core.split_once(':') {
        Some((a, p)) => (a, ":", Some(p)),
        None => match core.match_indices('.').nth(3) {
            Some((i, _)) => (&core[..i], ".", Some(&core[i + 1..])),
            None => (core, "", None),
        },
    };
    if port.is_some_and(|p| !is_port(p)) || addr.split('.').count() != 4 {
        return None;
    }
    if !addr
        .split('.')
        .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let a = addr.parse::<Ipv4Addr>().ok()?;
    let masked = m.v4(a);
    Some(match port {
        Some(p) => format!("{masked}{sep}{p}"),
        None => masked.to_string(),
    })
}

/// Masks, in place, every address written as ASCII text inside `bytes` (a payload's
/// `Host: 10.77.1.2`, an IPv6 literal, a MAC): the hex and ASCII columns of a packet
/// must not show what the decoded fields hide. The byte count stays the same: the
/// stand-in's text when it has the same length, else the address with every digit
/// written `x` (`x.x.x.x`), separators kept.
fn mask_text_in_bytes_with<M: Mask>(m: &mut M, bytes: &mut [u8]) {
    let is_addr = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).copied().is_some_and(is_addr) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).copied().is_some_and(is_addr) {
            i += 1;
        }
        let glued = start
            .checked_sub(1)
            .and_then(|p| bytes.get(p))
            .is_some_and(|&b| is_word(b))
            || bytes.get(i).is_some_and(|&b| is_word(b));
        if glued {
            continue;
        }
        let Some(run) = bytes
            .get(start..i)
            .and_then(|r| std::str::from_utf8(r).ok())
        else {
            continue;
        };
        let Some(masked) = rewrite_run(m, run) else {
            continue;
        };
        let replacement: Vec<u8> = if masked.len() == run.len() {
            masked.into_bytes()
        } else {
            run.bytes()
                .map(|b| if b.is_ascii_hexdigit() { b'x' } else { b })
                .collect()
        };
        if let Some(target) = bytes.get_mut(start..i) {
            target.copy_from_slice(&replacement);
        }
    }
}

/// The `n`-th (from 0) IPv4 stand-in.
fn v4_stand_in(n: u32) -> Ipv4Addr {
    let doc_total = V4_DOC_HOSTS * V4_DOC.len() as u32;
    if n < doc_total {
        let range = V4_DOC
            .get((n / V4_DOC_HOSTS) as usize)
            .copied()
            .unwrap_or([192, 0, 2]);
        let host = (n % V4_DOC_HOSTS) as u8 + 1;
        return Ipv4Addr::new(range[0], range[1], range[2], host);
    }
    let n = n - doc_total;
    if n < V4_BENCH_SIZE {
        return Ipv4Addr::from(V4_BENCH + n);
    }
    // Past 131 834 distinct addresses: reserved space, then (never in practice) the last one.
    Ipv4Addr::from(V4_RESERVED + (n - V4_BENCH_SIZE).min(V4_RESERVED_SIZE - 1))
}

fn is_addr_char(c: char) -> bool {
    c.is_ascii_hexdigit() || c == ':' || c == '.'
}

/// A character that glues a run to a word (`v1.2.3.4`, `0x0800`): such runs are left alone.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_port(p: &str) -> bool {
    (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
}

/// `aa:bb:cc:dd:ee:ff` (exactly six pairs of hex digits).
fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let mut mac = [0u8; 6];
    let mut parts = s.split(':');
    for b in &mut mac {
        let p = parts.next()?;
        if p.len() != 2 {
            return None;
        }
        *b = u8::from_str_radix(p, 16).ok()?;
    }
    parts.next().is_none().then_some(mac)
}

/// `02:00:00:00:00:01`.
pub fn mac_text(mac: [u8; 6]) -> String {
    mac.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looking_up_never_numbers_and_never_leaks() {
        let mut r = Redactor::new();
        assert_eq!(r.text("10.0.0.1 and 10.0.0.2"), "192.0.2.1 and 192.0.2.2");
        // Known addresses keep their stand-ins; an unknown one gets the unnumbered one.
        assert_eq!(
            r.text_known("10.0.0.2 then 10.9.9.9 then 10.0.0.1"),
            "192.0.2.2 then 192.0.2.0 then 192.0.2.1"
        );
        assert_eq!(
            r.text_known("fe80::9 02:11:22:33:44:55"),
            "2001:db8:: 02:00:00:00:00:00"
        );
        // Looking up gave nothing out: the next new address is still the third.
        assert_eq!(r.text("10.9.9.9"), "192.0.2.3");
        assert_eq!(r.text_known("127.0.0.1"), "127.0.0.1");
    }

    #[test]
    fn typed_field_values_get_the_same_stand_ins_as_text() {
        use crate::decode::FieldValue;
        let mut r = Redactor::new();
        let ip: IpAddr = "10.1.2.3".parse().expect("ip");
        let mac = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
        let from_bytes = r.stand_in_bytes(FieldValue::Ip(ip)).expect("masked");
        assert_eq!(r.text("10.1.2.3"), "192.0.2.1");
        assert_eq!(from_bytes, vec![192, 0, 2, 1]);
        assert_eq!(
            r.stand_in_bytes(FieldValue::Mac(mac)),
            Some(r.mac(mac).to_vec())
        );
        assert_eq!(r.stand_in_bytes(FieldValue::Port(80)), None);
    }

    fn v4(s: &str) -> IpAddr {
        IpAddr::V4(s.parse().expect("test address"))
    }

    #[test]
    fn ipv4_stand_ins_are_documentation_addresses_in_order_and_stable() {
        let mut r = Redactor::new();
        assert_eq!(r.ip(&v4("10.77.1.1")), v4("192.0.2.1"));
        assert_eq!(r.ip(&v4("10.77.1.2")), v4("192.0.2.2"));
        assert_eq!(
            r.ip(&v4("10.77.1.1")),
            v4("192.0.2.1"),
            "same input, same output"
        );
        // Addresses that identify nobody stay.
        for keep in ["127.0.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.251"] {
            assert_eq!(r.ip(&v4(keep)), v4(keep));
        }
    }

    #[test]
    fn ipv4_ranges_follow_one_another_without_collisions() {
        assert_eq!(v4_stand_in(253), Ipv4Addr::new(192, 0, 2, 254));
        assert_eq!(v4_stand_in(254), Ipv4Addr::new(198, 51, 100, 1));
        assert_eq!(v4_stand_in(508), Ipv4Addr::new(203, 0, 113, 1));
        assert_eq!(v4_stand_in(762), Ipv4Addr::new(198, 18, 0, 0));
        assert_eq!(v4_stand_in(762 + (1 << 17)), Ipv4Addr::new(240, 0, 0, 0));
        let mut r = Redactor::new();
        let mut seen = std::collections::HashSet::new();
        for i in 0..2000u32 {
            let out = r.ip(&IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i)));
            assert!(seen.insert(out), "{out} given twice");
        }
    }

    #[test]
    fn ipv6_and_mapped_addresses() {
        let mut r = Redactor::new();
        let a: IpAddr = "fd00:77::1".parse().expect("addr");
        let b: IpAddr = "fe80::1c2:3ff:fe04:506".parse().expect("addr");
        assert_eq!(r.ip(&a).to_string(), "2001:db8::1");
        assert_eq!(r.ip(&b).to_string(), "2001:db8::2");
        assert_eq!(r.ip(&a).to_string(), "2001:db8::1");
        let ll: IpAddr = "ff02::1".parse().expect("addr");
        assert_eq!(r.ip(&ll), ll, "multicast kept");
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().expect("addr");
        let plain = r.ip(&v4("10.1.2.3"));
        assert_eq!(r.ip(&mapped).to_string(), format!("::ffff:{plain}"));
    }

    #[test]
    fn macs_are_local_and_consistent() {
        let mut r = Redactor::new();
        let m1 = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
        let m2 = [0xa4, 0x5e, 0x60, 0x01, 0x02, 0x03];
        assert_eq!(r.mac(m1), [2, 0, 0, 0, 0, 1]);
        assert_eq!(r.mac(m2), [2, 0, 0, 0, 0, 2]);
        assert_eq!(r.mac(m1), [2, 0, 0, 0, 0, 1]);
        assert_eq!(r.mac([0xff; 6]), [0xff; 6], "broadcast kept");
        assert_eq!(
            r.mac([0x01, 0, 0x5e, 0, 0, 0xfb])[0],
            0x01,
            "multicast kept"
        );
    }

    #[test]
    fn dump_lines_keep_ports_and_punctuation() {
        let mut r = Redactor::new();
        let line = "1 17:14:26.353499 10.77.1.1.32943 > 10.77.1.2.8082: tcp Flags [S], seq 3049646907, \
                    win 64240, options [mss 1460,sackOK,TS val 2046711415 ecr 0,wscale 10], length 0 [flow 0]";
        let want = "1 17:14:26.353499 192.0.2.1.32943 > 192.0.2.2.8082: tcp Flags [S], seq 3049646907, \
                    win 64240, options [mss 1460,sackOK,TS val 2046711415 ecr 0,wscale 10], length 0 [flow 0]";
        assert_eq!(r.text(line), want);
        let v6 = "3 17:14:23.582418 fd00:77::1.41951 > fd00:77::2.80: tcp Flags [S]";
        assert_eq!(
            r.text(v6),
            "3 17:14:23.582418 2001:db8::1.41951 > 2001:db8::2.80: tcp Flags [S]"
        );
    }

    #[test]
    fn text_finds_addresses_in_prose_and_json() {
        let mut r = Redactor::new();
        assert_eq!(
            r.text("who-has 10.0.0.9 tell 10.0.0.1. Host: [fd00::2]:80, from 52:54:00:12:34:56"),
            "who-has 192.0.2.1 tell 192.0.2.2. Host: [2001:db8::1]:80, from 02:00:00:00:00:01"
        );
        assert_eq!(r.text("peer 10.0.0.1:443"), "peer 192.0.2.2:443");
        let json = r#"{"src":"10.0.0.9","dst":"fd00::2","sport":80,"info":"x"}"#;
        assert_eq!(
            r.text(json),
            r#"{"src":"192.0.2.1","dst":"2001:db8::1","sport":80,"info":"x"}"#
        );
    }

    #[test]
    fn text_leaves_non_addresses_alone() {
        let mut r = Redactor::new();
        for s in [
            "17:14:26.353499",
            "HTTP/1.1 200 OK",
            "ethertype 0x0800, seq 3049646907:3049647000",
            "v10.0.0.1 and 10.0.0.1x",
            "1.2.3.4.5.6 (an OID)",
            "cafe:beef dead::beef::1 ab:cd:ef",
            "a run of 300.1.1.1",
            "",
        ] {
            assert_eq!(r.text(s), s);
        }
    }

    #[test]
    fn text_is_consistent_with_ip() {
        let mut r = Redactor::new();
        let first = r.text("10.9.8.7");
        assert_eq!(first, r.ip(&v4("10.9.8.7")).to_string());
        assert_eq!(r.text("ñ 10.9.8.7 ü"), format!("ñ {first} ü"));
    }

    #[test]
    fn addresses_written_in_payload_bytes_are_masked_in_place() {
        let mut r = Redactor::new();
        let first = r.ip(&"10.77.1.2".parse().unwrap());
        let mut payload =
            b"GET / HTTP/1.1\r\nHost: 10.77.1.2\r\nVia: 1.2.3.4:8080, fe80::1234:5678 \
            02:42:ac:11:00:02 v1.2.3.4 0x0800\r\n"
                .to_vec();
        let len = payload.len();
        r.mask_text_in_bytes(&mut payload);
        assert_eq!(payload.len(), len, "the byte count stays");
        let text = String::from_utf8(payload).unwrap();
        assert!(text.contains(&format!("Host: {first}")), "{text}");
        for real in [
            "10.77.1.2",
            "1.2.3.4:",
            "fe80::1234:5678",
            "02:42:ac:11:00:02",
        ] {
            assert!(!text.contains(real), "{real} in {text}");
        }
        assert!(text.contains("x.x.x.x:xxxx,"), "{text}");
        // Glued to a word: not an address.
        assert!(text.contains("v1.2.3.4 0x0800"), "{text}");
    }
}
