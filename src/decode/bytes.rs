//! Bounds-checked readers over packet bytes: every read returns `None` instead of panicking,
//! so hostile lengths can never index past the captured data. std only.

/// One byte at `off`.
#[inline]
pub(crate) fn u8_at(d: &[u8], off: usize) -> Option<u8> {
    d.get(off).copied()
}

/// Big-endian `u16` at `off`.
#[inline]
pub(crate) fn be16(d: &[u8], off: usize) -> Option<u16> {
    d.get(off..)?
        .first_chunk::<2>()
        .map(|b| u16::from_be_bytes(*b))
}

/// Big-endian 24-bit value at `off`.
#[inline]
pub(crate) fn be24(d: &[u8], off: usize) -> Option<u32> {
    d.get(off..)?
        .first_chunk::<3>()
        .map(|b| u32::from_be_bytes([0, b[0], b[1], b[2]]))
}

/// Big-endian `u32` at `off`.
#[inline]
pub(crate) fn be32(d: &[u8], off: usize) -> Option<u32> {
    d.get(off..)?
        .first_chunk::<4>()
        .map(|b| u32::from_be_bytes(*b))
}

/// Little-endian `u32` at `off`.
#[inline]
pub(crate) fn le32(d: &[u8], off: usize) -> Option<u32> {
    d.get(off..)?
        .first_chunk::<4>()
        .map(|b| u32::from_le_bytes(*b))
}

/// `N` bytes at `off` as an array.
#[inline]
pub(crate) fn array<const N: usize>(d: &[u8], off: usize) -> Option<[u8; N]> {
    d.get(off..)?.first_chunk::<N>().copied()
}

/// `len` bytes at `off`, if all of them are present.
#[inline]
pub(crate) fn slice(d: &[u8], off: usize, len: usize) -> Option<&[u8]> {
    d.get(off..off.checked_add(len)?)
}

/// The bytes from `start` to `end`, both clamped to the data (possibly empty).
#[inline]
pub(crate) fn clamped(d: &[u8], start: usize, end: usize) -> &[u8] {
    let end = end.min(d.len());
    d.get(start.min(end)..end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let d = [1u8, 2, 3, 4, 5];
        assert_eq!(be16(&d, 3), Some(0x0405));
        assert_eq!(be16(&d, 4), None);
        assert_eq!(be32(&d, 1), Some(0x0203_0405));
        assert_eq!(be32(&d, 2), None);
        assert_eq!(be24(&d, 2), Some(0x03_0405));
        assert_eq!(le32(&d, 0), Some(0x0403_0201));
        assert_eq!(u8_at(&d, 5), None);
        assert_eq!(slice(&d, 4, 2), None);
        assert_eq!(slice(&d, usize::MAX, 2), None);
        assert_eq!(clamped(&d, 3, 99), &[4, 5]);
        assert_eq!(clamped(&d, 9, 99), &[] as &[u8]);
        assert_eq!(array::<2>(&d, 0), Some([1, 2]));
    }
}
