//! Where each field sits in the fixed part of a protocol header, named once per protocol
//! (smoltcp's `field` modules are the model): the walkers, the field descriptions and the
//! display filter read `off + tcp::SEQ_NUM.start` instead of `off + 4`. A field is the byte
//! range it covers, counted from the start of its header; flag bits within a byte are named
//! where they are tested. Depends on nothing.

use std::ops::Range;

/// Bytes of a header field, relative to the header's first byte.
pub(crate) type Field = Range<usize>;

/// Ethernet II / 802.3 (IEEE 802.3 clause 3).
pub(crate) mod ethernet {
    use super::Field;
    pub(crate) const DESTINATION: Field = 0..6;
    pub(crate) const SOURCE: Field = 6..12;
    /// EtherType (≥ 0x0600) or 802.3 length (≤ 1500).
    pub(crate) const ETHERTYPE: Field = 12..14;
    pub(crate) const HEADER_LEN: usize = 14;
}

/// 802.1Q / 802.1ad tag, after its TPID.
pub(crate) mod vlan {
    use super::Field;
    /// Priority, drop eligible, VLAN id (low 12 bits).
    pub(crate) const TCI: Field = 0..2;
    pub(crate) const ETHERTYPE: Field = 2..4;
    pub(crate) const HEADER_LEN: usize = 4;
}

/// IPv4 (RFC 791).
pub(crate) mod ipv4 {
    use super::Field;
    /// Version (high nibble) and header length in 32-bit words (low nibble).
    pub(crate) const VER_IHL: Field = 0..1;
    /// DSCP (high 6 bits) and ECN (low 2 bits).
    pub(crate) const DSCP_ECN: Field = 1..2;
    pub(crate) const LENGTH: Field = 2..4;
    pub(crate) const IDENT: Field = 4..6;
    /// Flags (high 3 bits: reserved, DF, MF) and fragment offset in 8-byte units.
    pub(crate) const FLG_OFF: Field = 6..8;
    pub(crate) const TTL: Field = 8..9;
    pub(crate) const PROTOCOL: Field = 9..10;
    pub(crate) const CHECKSUM: Field = 10..12;
    pub(crate) const SRC_ADDR: Field = 12..16;
    pub(crate) const DST_ADDR: Field = 16..20;
    /// The header without options; options run from here to the header length.
    pub(crate) const MIN_HEADER_LEN: usize = 20;
    /// DF and MF in the first byte of [`FLG_OFF`].
    pub(crate) const FLAG_DF: u8 = 0x40;
    pub(crate) const FLAG_MF: u8 = 0x20;
}

/// IPv6 fixed header (RFC 8200).
pub(crate) mod ipv6 {
    use super::Field;
    /// Version, traffic class, flow label.
    pub(crate) const VER_TC_FLOW: Field = 0..4;
    pub(crate) const LENGTH: Field = 4..6;
    pub(crate) const NXT_HDR: Field = 6..7;
    pub(crate) const HOP_LIMIT: Field = 7..8;
    pub(crate) const SRC_ADDR: Field = 8..24;
    pub(crate) const DST_ADDR: Field = 24..40;
    pub(crate) const HEADER_LEN: usize = 40;
}

/// TCP (RFC 9293).
pub(crate) mod tcp {
    use super::Field;
    pub(crate) const SRC_PORT: Field = 0..2;
    pub(crate) const DST_PORT: Field = 2..4;
    pub(crate) const SEQ_NUM: Field = 4..8;
    pub(crate) const ACK_NUM: Field = 8..12;
    /// Data offset (high nibble of the first byte, in 32-bit words) and the 12 flag bits.
    pub(crate) const FLAGS: Field = 12..14;
    pub(crate) const WIN_SIZE: Field = 14..16;
    pub(crate) const CHECKSUM: Field = 16..18;
    pub(crate) const URGENT: Field = 18..20;
    /// The header without options; options run from here to the data offset.
    pub(crate) const MIN_HEADER_LEN: usize = 20;
}

/// UDP (RFC 768).
pub(crate) mod udp {
    use super::Field;
    pub(crate) const SRC_PORT: Field = 0..2;
    pub(crate) const DST_PORT: Field = 2..4;
    pub(crate) const LENGTH: Field = 4..6;
    pub(crate) const CHECKSUM: Field = 6..8;
    pub(crate) const HEADER_LEN: usize = 8;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each protocol's fixed fields tile its header: no gap, no overlap.
    #[test]
    fn fields_tile_their_headers() {
        let check = |fields: &[Field], len: usize| {
            let mut at = 0;
            for f in fields {
                assert_eq!(f.start, at, "{fields:?}");
                at = f.end;
            }
            assert_eq!(at, len, "{fields:?}");
        };
        use ethernet as e;
        check(&[e::DESTINATION, e::SOURCE, e::ETHERTYPE], e::HEADER_LEN);
        check(&[vlan::TCI, vlan::ETHERTYPE], vlan::HEADER_LEN);
        use ipv4 as v4;
        check(
            &[
                v4::VER_IHL,
                v4::DSCP_ECN,
                v4::LENGTH,
                v4::IDENT,
                v4::FLG_OFF,
                v4::TTL,
                v4::PROTOCOL,
                v4::CHECKSUM,
                v4::SRC_ADDR,
                v4::DST_ADDR,
            ],
            v4::MIN_HEADER_LEN,
        );
        use ipv6 as v6;
        check(
            &[
                v6::VER_TC_FLOW,
                v6::LENGTH,
                v6::NXT_HDR,
                v6::HOP_LIMIT,
                v6::SRC_ADDR,
                v6::DST_ADDR,
            ],
            v6::HEADER_LEN,
        );
        use tcp as t;
        check(
            &[
                t::SRC_PORT,
                t::DST_PORT,
                t::SEQ_NUM,
                t::ACK_NUM,
                t::FLAGS,
                t::WIN_SIZE,
                t::CHECKSUM,
                t::URGENT,
            ],
            t::MIN_HEADER_LEN,
        );
        use udp as u;
        check(
            &[u::SRC_PORT, u::DST_PORT, u::LENGTH, u::CHECKSUM],
            u::HEADER_LEN,
        );
    }
}
