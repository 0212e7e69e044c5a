//! What the pcap and pcapng parsers share: the largest record they accept and how one record is
//! written into a reused [`Frame`]. Depends on `crate::model`.

use crate::model::{Frame, LinkType, TimestampNs};

/// Largest captured length accepted for one packet (libpcap's and Wireshark's standard maximum).
pub const MAX_CAPLEN: u32 = 256 * 1024;

/// Writes one packet into a reused frame.
pub(crate) fn copy_frame(
    frame: &mut Frame,
    ts_ns: TimestampNs,
    len: u32,
    link: LinkType,
    data: &[u8],
) {
    frame.ts_ns = ts_ns;
    frame.len = len;
    frame.link = link;
    frame.data.clear();
    frame.data.extend_from_slice(data);
}
