//! `--redact` in the viewer: stand-ins are handed out when a packet is released (so they are
//! numbered in capture order) and only looked up while drawing — text, flows, and the hex
//! pane's bytes of every address field. Depends on `redact` and `decode`.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::decode::{Decoded, Field};
use crate::redact::{Redactor, mac_text};

use super::App;

impl App {
    /// With `--redact`: gives every address packet `index` can show (its endpoints first,
    /// then every field, issue and summary of its full decode) a stand-in now, when it is
    /// released. Stand-ins are so numbered in capture order, and drawing only looks them up:
    /// what the screen shows never depends on what was drawn first.
    pub(super) fn register_addresses(&mut self, index: usize) {
        let Some(r) = self.redactor.as_mut() else {
            return;
        };
        let Some(view) = self.store.get(index) else {
            return;
        };
        for a in [view.summary.src, view.summary.dst].into_iter().flatten() {
            r.ip(&a);
        }
        let decoded = self.decoder.decode(view.link, &view.data, view.len);
        fn fields(r: &mut Redactor, list: &[Field]) {
            for f in list {
                r.text(&f.value);
                r.text(&f.meaning);
                fields(r, &f.children);
            }
        }
        for h in &decoded.headers {
            r.text(&h.protocol);
            fields(r, &h.fields);
        }
        for i in &decoded.issues {
            r.text(&i.message);
        }
        if let Some(a) = &decoded.app_summary {
            r.text(a);
        }
    }

    /// `text` with its addresses masked when `--redact` is on (looked up, never numbered
    /// here: see [`App::register_addresses`]).
    pub fn redact(&self, text: &str) -> String {
        match self.redactor.as_ref() {
            Some(r) => r.text_known(text),
            None => text.to_string(),
        }
    }

    /// `flow` with its endpoints masked when `--redact` is on (for drawing).
    pub fn redact_flow<'f>(
        &self,
        flow: &'f crate::flow::Flow,
    ) -> std::borrow::Cow<'f, crate::flow::Flow> {
        let Some(r) = self.redactor.as_ref() else {
            return std::borrow::Cow::Borrowed(flow);
        };
        let mut f = flow.clone();
        f.set_endpoints(
            r.socket_known(&flow.client()),
            r.socket_known(&flow.server()),
        );
        std::borrow::Cow::Owned(f)
    }

    /// Whether addresses are masked (`--redact`).
    pub fn redacting(&self) -> bool {
        self.redactor.is_some()
    }

    /// The bytes the hex pane (and its ASCII column) shows for a packet whose captured bytes
    /// are `data` and whose full decode is `decoded`: `data` itself, or with `--redact` a copy
    /// in which every address field's bytes (IPv4, IPv6, MAC: Ethernet, SLL, IP, ARP, …) are
    /// those of the stand-in the rest of the screen shows.
    pub fn hex_bytes<'d>(&self, decoded: &Decoded, data: &'d [u8]) -> Cow<'d, [u8]> {
        let Some(r) = self.redactor.as_ref() else {
            return Cow::Borrowed(data);
        };
        let mut out = data.to_vec();
        for h in &decoded.headers {
            mask_address_fields(&h.fields, &mut out, r);
        }
        // Addresses written as text in a payload (`Host: 10.77.1.2`) show in the ASCII column
        // and as hex digits: masked too.
        r.mask_text_in_bytes_known(&mut out);
        Cow::Owned(out)
    }
}

/// Overwrites in `data` the bytes of every address field in `fields` (and their children)
/// with its stand-in's bytes.
fn mask_address_fields(fields: &[Field], data: &mut [u8], r: &Redactor) {
    for f in fields {
        // A field that carries its address as data needs no parsing of its text.
        let typed = |r: &Redactor| f.typed.and_then(|t| r.stand_in_bytes_known(t));
        if let Some(bytes) = data.get_mut(f.range.clone())
            && let Some(masked) = typed(r).or_else(|| masked_address(&f.value, bytes, r))
            && masked.len() == bytes.len()
        {
            bytes.copy_from_slice(&masked);
        }
        mask_address_fields(&f.children, data, r);
    }
}

/// The stand-in's bytes when `bytes` hold an address — 4 or 16 bytes the field's `value`
/// shows as that IP address, or 6 bytes it shows as that MAC — else None.
fn masked_address(value: &str, bytes: &[u8], r: &Redactor) -> Option<Vec<u8>> {
    match bytes.len() {
        4 | 16 => {
            let real = match <[u8; 4]>::try_from(bytes) {
                Ok(b) => IpAddr::V4(Ipv4Addr::from(b)),
                Err(_) => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
            };
            if value.trim().parse::<IpAddr>().ok()? != real {
                return None;
            }
            Some(match r.ip_known(&real) {
                IpAddr::V4(a) => a.octets().to_vec(),
                IpAddr::V6(a) => a.octets().to_vec(),
            })
        }
        6 => {
            let real = <[u8; 6]>::try_from(bytes).ok()?;
            value
                .trim()
                .eq_ignore_ascii_case(&mac_text(real))
                .then(|| r.mac_known(real).to_vec())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str, range: std::ops::Range<usize>) -> Field {
        Field {
            name: name.into(),
            value: value.into(),
            meaning: String::new(),
            range,
            children: Vec::new(),
            typed: None,
        }
    }

    #[test]
    fn address_fields_get_their_stand_ins_bytes_and_nothing_else_changes() {
        let mut data = vec![0x02, 0x77, 0, 0, 0, 1, 10, 77, 1, 1, 0xaa, 0xbb, 0xcc, 0xdd];
        let mut v6 = [0u8; 16];
        v6[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb9]);
        v6[15] = 7;
        data.extend_from_slice(&v6);
        let mut parent = field("Sender", "", 0..14);
        parent.children = vec![
            field("Sender hardware address", "02:77:00:00:00:01", 0..6),
            field("Sender protocol address", "10.77.1.1", 6..10),
            // Four bytes that do not show as an address are left alone.
            field("Checksum", "0xaabbccdd", 10..14),
        ];
        let fields = [parent, field("Source", "2001:db9::7", 14..30)];
        let mut r = Redactor::new();
        // Drawing only looks stand-ins up: the packet's addresses were registered on release.
        r.text("02:77:00:00:00:01 10.77.1.1 2001:db9::7");
        let mut out = data.clone();
        mask_address_fields(&fields, &mut out, &r);
        assert_eq!(out[..6], r.mac([0x02, 0x77, 0, 0, 0, 1]));
        assert_eq!(out[..6], [0x02, 0, 0, 0, 0, 1]);
        assert_eq!(out[6..10], [192, 0, 2, 1]);
        assert_eq!(out[10..14], data[10..14]);
        let v6_masked: Ipv6Addr = "2001:db8::1".parse().expect("v6");
        assert_eq!(out[14..30], v6_masked.octets());
        // A value that disagrees with the bytes is not trusted to be an address.
        assert_eq!(masked_address("10.0.0.9", &[10, 77, 1, 1], &r), None);
        assert_eq!(masked_address("x", &[1, 2, 3, 4, 5, 6], &r), None);
    }
}
