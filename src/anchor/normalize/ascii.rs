//! The ASCII fast path of the normalized-form builder: runs of ASCII are copied eight
//! bytes at a time with their whitespace squeezed out (ASCII is NFKC-stable and folds to
//! itself, so only whitespace changes).

/// 1 for ASCII bytes kept by normalization, 0 for whitespace and for
/// non-ASCII bytes.
pub(super) static KEEP_ASCII: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = !is_ascii_ws(b as u8) as u8;
        b += 1;
    }
    t
};

/// `char::is_whitespace` restricted to ASCII (includes U+000B, unlike
/// `u8::is_ascii_whitespace`).
pub(super) const fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Scratch bytes kept free after the output for word-sized writes.
pub(super) const SLACK: usize = 16;
pub(super) const LOW_BITS: u64 = 0x0101_0101_0101_0101;
pub(super) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each whitespace byte of an 8-byte word. Exact for every
/// lane below the first non-ASCII byte (carries only move upwards); lanes
/// from there on are garbage.
#[inline]
pub(super) fn ascii_ws_mask(word: u64) -> u64 {
    let t = word ^ (0x20 * LOW_BITS);
    let non_space = (((t & !HIGH_BITS) + !HIGH_BITS) | t) & HIGH_BITS;
    // Per ASCII lane: high bit set iff byte >= 9, resp. >= 14.
    let at_least_9 = word.wrapping_add(0x77 * LOW_BITS);
    let at_least_14 = word.wrapping_add(0x72 * LOW_BITS);
    (!non_space | (at_least_9 & !at_least_14)) & HIGH_BITS
}

/// Copy the leading ASCII bytes of `src` to `dst`, leaving out whitespace.
/// Stops at the first non-ASCII byte. Returns (bytes read, bytes written).
/// `dst` must have room for `src.len() + SLACK` bytes; bytes past the written
/// ones are clobbered.
#[inline]
pub(super) fn compact_ascii(src: &[u8], dst: &mut [u8]) -> (usize, usize) {
    let (mut r, mut k) = (0, 0);
    // Branch-free: every byte is stored, and the write position only
    // advances past kept ones.
    while let Some(chunk) = src.get(r..r + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // Lanes below the first non-ASCII byte are computed correctly (SWAR
        // carries only move upwards); only those are kept.
        let non_ascii = word & HIGH_BITS;
        let ascii_lanes = (non_ascii.trailing_zeros() / 8) as usize; // 8 if none
        let mut keep = !ascii_ws_mask(word) & HIGH_BITS;
        if ascii_lanes < 8 {
            keep &= (1u64 << (8 * ascii_lanes)) - 1;
        }
        let window: &mut [u8; SLACK] = (&mut dst[k..k + SLACK]).try_into().expect("slack");
        let mut j = 0;
        for (q, &b) in chunk.iter().enumerate() {
            window[j & (SLACK - 1)] = b;
            j += ((keep >> (8 * q + 7)) & 1) as usize;
        }
        k += j;
        r += ascii_lanes;
        if ascii_lanes < 8 {
            return (r, k);
        }
    }
    for &b in &src[r..] {
        if b >= 0x80 {
            break;
        }
        dst[k] = b;
        k += KEEP_ASCII[b as usize] as usize;
        r += 1;
    }
    (r, k)
}

pub(super) fn grow(buf: &mut Vec<u8>, at_least: usize) {
    let len = at_least.max(buf.len() * 2);
    buf.resize(len, 0);
}

/// Length of the UTF-8 sequence that starts with `lead`.
#[inline]
pub(super) fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}
