//! The per-char rule of normalization: the typographic fold, the ignorable code points,
//! and the class bits that let the builder skip NFKC for chars it cannot change.

use std::iter::once;
use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::starts_segment;

/// Class bits of a char, see [`class_of`].
pub(super) const BOUNDARY: u8 = 1; // starts_segment(c)
pub(super) const LONE_STABLE: u8 = 2; // NFKC(c) == c (quick check Yes)
pub(super) const WHITESPACE: u8 = 4; // c.is_whitespace()
pub(super) const PLAIN: u8 = 8; // a boundary, NFKC-stable, not whitespace, not folded

pub(super) fn compute_class(c: char) -> u8 {
    let mut class = 0;
    if starts_segment(c) {
        class |= BOUNDARY;
    }
    if c.is_ascii() || is_nfkc_quick(once(c)) == IsNormalized::Yes {
        class |= LONE_STABLE;
    }
    if c.is_whitespace() {
        class |= WHITESPACE;
    }
    if class == BOUNDARY | LONE_STABLE && fold(c) == (c, 1) {
        class |= PLAIN;
    }
    class
}

/// Class bits of `c`. For the BMP they are computed once per 256-char page
/// and cached for the life of the process (64 KiB at most).
#[inline]
pub(super) fn class_of(c: char) -> u8 {
    static PAGES: [OnceLock<[u8; 256]>; 256] = [const { OnceLock::new() }; 256];
    let cp = c as u32;
    if cp > 0xFFFF {
        return compute_class(c);
    }
    let page = PAGES[(cp >> 8) as usize].get_or_init(|| {
        let mut table = [0u8; 256];
        for (low, slot) in table.iter_mut().enumerate() {
            // Surrogates are not chars; they never occur in a &str.
            if let Some(c) = char::from_u32((cp & !0xFF) | low as u32) {
                *slot = compute_class(c);
            }
        }
        table
    });
    page[(cp & 0xFF) as usize]
}

/// The fold table (see the module docs); applied after NFKC.
pub(super) fn fold(c: char) -> (char, usize) {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}'
        | '\u{02BC}' | '\u{2039}' | '\u{203A}' => ('\'', 1),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}'
        | '\u{00AB}' | '\u{00BB}' => ('"', 1),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => ('-', 1),
        '\u{2026}' => ('.', 3),
        c if is_ignorable(c) => (c, 0),
        _ => (c, 1),
    }
}

/// Whether `c` is one of the default-ignorable code points the comparison drops: soft
/// hyphen, combining grapheme joiner, the Arabic letter mark, Mongolian free variation
/// selectors, zero-width space / non-joiner / joiner, left-to-right and right-to-left marks
/// and embeddings, word joiner and the invisible operators, the other invisible format
/// controls of U+2066..U+206F, variation selectors (U+FE00..U+FE0F and U+E0100..U+E01EF),
/// the byte order mark (zero-width no-break space), shorthand format controls, musical
/// symbol format controls and tags. (The Hangul fillers, also default-ignorable, are left
/// out: they take part in Hangul composition.) None of these changes under NFKC.
pub fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Fold one NFKC output char and pass the result on, dropping whitespace.
#[inline]
pub(super) fn emit_folded(c: char, f: &mut impl FnMut(char)) {
    if c.is_whitespace() {
        return;
    }
    let (d, count) = fold(c);
    for _ in 0..count {
        f(d);
    }
}

/// Normalize one segment, passing each output char to `f`.
pub(super) fn for_each_output_char(segment: &str, f: &mut impl FnMut(char)) {
    let mut chars = segment.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && class_of(c) & LONE_STABLE != 0
    {
        emit_folded(c, f);
        return;
    }
    for c in segment.nfkc() {
        emit_folded(c, f);
    }
}
