//! Normalized anchoring: find a typed or pasted quote in a stored source text
//! even when it differs from the source in Unicode form, typographic
//! punctuation or whitespace, and report where it is in the *original* text.
//!
//! # The rule (spec §5.2)
//!
//! [`normalize`] maps a string to its comparison form, in this order:
//!
//! 1. Unicode **NFKC** (compatibility composition), as implemented by the
//!    `unicode-normalization` crate (its Unicode version is
//!    [`unicode_normalization::UNICODE_VERSION`]).
//! 2. A **typographic fold**, applied to each char of the NFKC output:
//!
//!    | chars (code points)                                                              | become |
//!    |----------------------------------------------------------------------------------|--------|
//!    | `‘` 2018, `’` 2019, `‚` 201A, `‛` 201B, `′` 2032, `‵` 2035, `ʼ` 02BC, `‹` 2039, `›` 203A | `'`    |
//!    | `“` 201C, `”` 201D, `„` 201E, `‟` 201F, `″` 2033, `‶` 2036, `«` 00AB, `»` 00BB        | `"`    |
//!    | `‐` 2010, `‑` 2011, `‒` 2012, `–` 2013, `—` 2014, `―` 2015, `−` 2212                  | `-`    |
//!    | `…` 2026                                                                         | `...`  |
//!
//!    Because the fold runs *after* NFKC, some rows only document intent:
//!    NFKC already turns `…` into `...`, `‑` into `‐`, and it decomposes the
//!    double primes `″` / `‶` into two single primes, so `″` compares equal to
//!    `''` (two apostrophes), not to `"`. Full-width and small forms (`＂`,
//!    `＇`, `﹘`, `－`, ...) are handled by NFKC before the fold sees them.
//!    `‹ ›` and `‵` are additions to the spec's list, chosen for symmetry with
//!    `« »` and `′`. Default-ignorable code points ([`is_ignorable`]: soft hyphen
//!    U+00AD, zero-width space, non-joiner and joiner U+200B..U+200D, word joiner
//!    U+2060, variation selectors U+FE00..U+FE0F, a byte order mark U+FEFF inside
//!    the text, bidi marks, tags, ...) become nothing: they are invisible, so a
//!    quote typed without them must still match ("Belgo\u{AD}rod" is "Belgorod").
//!    Each of them starts a segment of its own (it is an NFKC-stable starter that
//!    nothing composes with), so like whitespace it is never the first or last
//!    char of a match.
//! 3. **Whitespace removal**: every char for which [`char::is_whitespace`]
//!    holds is dropped. This makes runs of spaces, line breaks, and a space
//!    present on one side only ("toldThe" vs "told The") irrelevant.
//!
//! Case is kept: "The" does not match "the".
//!
//! # Offsets are Unicode code points
//!
//! Every [`Span`] counts chars (Unicode scalar values) of the original text,
//! end exclusive. Bytes depend on the storage encoding, UTF-16 units on the
//! platform of the reader, and grapheme clusters on the Unicode version and
//! segmentation rules of whoever recomputes them; code points are the one
//! unit that every language can reproduce exactly from the stored text (the
//! rule a ledger needs so that anchors stay verifiable). A flag like 🇺🇸
//! therefore counts 2, a ZWJ family 👨‍👩‍👧 counts 5.
//!
//! # Normalization segments: mapping back to the original
//!
//! NFKC is not char-by-char: `ﬁ` becomes `fi` (one char to two), `e` + U+0301
//! becomes `é` and a Hangul L+V jamo pair becomes one syllable (two to one),
//! and combining marks are reordered. So the map is built per *segment*: the
//! original is cut at positions where normalization provably cannot interact
//! across the cut, every segment is normalized on its own, and every output
//! char of a segment maps back to the whole original code-point range of that
//! segment. The concatenation of the segment outputs equals
//! `normalize(original)` (the tests check this on random text).
//!
//! **Boundary rule** ([`starts_segment`]). A segment starts before a char `c`
//! when `c` is ASCII or whitespace; or `c` has NFKC quick-check "Yes" and
//! canonical combining class (ccc) 0; or `c` has quick-check "No" and the
//! first char of its full compatibility decomposition NFKD(`c`) has ccc 0 and
//! quick-check "Yes" (this admits `ﬁ`, full-width letters, NBSP, `…`, ...,
//! which a plain "Yes and ccc 0" rule would glue to the char before them).
//! In addition a segment always ends right after a whitespace char. In every
//! admitted case the first char `s` of NFKD(`c`) is a starter (ccc 0) that is
//! not the second half of any canonical composition: for a "Yes" starter,
//! quick-check "Yes" promises that it stays as it is after any other char,
//! so neither it nor its decomposition can combine backwards; for "No" chars
//! the rule checks `s` directly. Why that makes a safe cut, i.e.
//! NFKC(x·c·y) = NFKC(x)·NFKC(c·y) for *every* x and y:
//!
//! * Decomposition is per char, so NFKD(x·c·y) is NFKD(x) followed by
//!   NFKD(c·y), which starts with `s`.
//! * Canonical reordering only permutes runs of non-starters; `s` is a
//!   starter (ccc 0), so no char moves across it.
//! * Canonical composition: a char can only combine with the last starter
//!   before it, and any starter in between blocks it. Chars after `s` are
//!   therefore blocked from everything in x. `s` itself could only be absorbed
//!   by a starter of x if `s` were the second half of a primary composite,
//!   and exactly those chars are quick-check "Maybe" (Hangul V/T jamo,
//!   U+0301, U+09BE, ...), which the rule excludes. Composition decisions only
//!   look backwards, so nothing in x depends on what follows.
//! * Whitespace chars all satisfy the rule, NFKC maps each of them to one
//!   whitespace char, and no composition starts with a whitespace char, so a
//!   whitespace char followed by orphan combining marks normalizes exactly
//!   like the two parts apart (the whitespace is then dropped). Hence the
//!   extra cut after whitespace: whitespace chars become segments of their
//!   own with empty output (whatever follows them starts a new segment, even
//!   a combining mark), and can never be part of a match's first or last
//!   segment.
//!
//! The rule depends only on the char after the cut, so it holds for any slice
//! of the original too: slicing the original at segment boundaries and
//! normalizing the slice gives exactly the corresponding substring of the
//! normalized text. That is the invariant every returned span satisfies:
//! `normalize(slice(original, span)) == normalize(quote)`. The rule is a
//! (slightly conservative) subset of the boundaries ICU uses. The tests walk
//! every code point and re-derive the premises (`s` is a starter and not the
//! second half of any canonical composition) from the crate's decomposition
//! and composition data, and check NFKC(x·c·y) = NFKC(x)·NFKC(c·y) for every
//! assigned boundary char against a few composing contexts.
//!
//! **Match boundaries.** A match of the normalized quote in the normalized
//! text is accepted only if it starts at the first output char of a segment
//! and ends at the last output char of a segment. A quote "inance" does not
//! match inside "ﬁnance", and "e" does not match the "e" of a composed "é":
//! no slice of the original normalizes to it. Returned spans never begin or
//! end with whitespace, because whitespace forms output-less segments of its
//! own. [`NormalizedText::find`] reports *every* accepted occurrence,
//! overlapping ones included ("aa" in "aaaa" gives three spans), in
//! increasing order of start; callers that want disjoint occurrences can
//! filter.
//!
//! # Speed
//!
//! * ASCII non-whitespace is unchanged by NFKC and the fold, and every ASCII
//!   char starts its own segment. The builder copies ASCII eight bytes at a
//!   time with a branch-free compaction (every byte is stored, the write
//!   position only advances past kept ones; whitespace is found with SWAR bit
//!   tricks on a `u64`), and only leaves that loop at a non-ASCII byte. An
//!   ASCII char followed by a combining mark is taken back out of the output
//!   and re-normalized together with its marks.
//! * Non-ASCII chars are classified (segment start? unchanged by NFKC?
//!   whitespace? untouched by the fold?) through a per-process cache of
//!   256-char pages for the BMP, filled on first use. Runs of chars that are
//!   their own segments and pass through unchanged (the letters of most
//!   scripts, precomposed accented letters, CJK) are copied as bytes; only
//!   real work (combining sequences, compatibility chars, folded
//!   punctuation) goes through `unicode-normalization`, one short segment at
//!   a time, without allocating.
//! * The map is *sparse*: instead of one entry per output char, the builder
//!   stores a checkpoint (normalized byte offset, original byte offset,
//!   original char offset) at a segment start about every
//!   [`CHECKPOINT_INTERVAL`] original bytes (≈ 24 bytes of map per 256 bytes
//!   of text). A candidate match is resolved by re-walking the segments from
//!   the nearest checkpoint, or from the previous candidate when that is
//!   closer (ASCII is skipped a word at a time), so it costs
//!   O(interval + quote length) per candidate and never allocates. The walk
//!   needs the original, so a [`NormalizedText`] keeps it: copied by
//!   [`NormalizedText::new`], borrowed or shared via
//!   [`NormalizedText::from_source`] (as [`find_normalized`] does).
//! * The search is `memchr::memmem` over the UTF-8 bytes of the normalized
//!   text. A valid UTF-8 needle can only match at a char boundary of a valid
//!   UTF-8 haystack, and the map works in normalized *bytes*, so the
//!   normalized text never needs a byte-to-char conversion; chars are only
//!   counted in the original, while walking.
//! * Measured (release build, `examples/bench_1mb.rs`, best of 50 runs on a
//!   shared, busy 2-core VM, text borrowed): for 1 MB of English-like ASCII,
//!   building takes about 0.7 ms and finding one quote in the built text
//!   about 17 µs; with typographic punctuation after 3% of the words the
//!   build takes about 0.85 ms; with 10% accented or Cyrillic words 1.7 ms;
//!   with 60% 3.5 ms (the final UTF-8 validation of the output is a good part
//!   of the non-ASCII cost; it is kept to avoid `unsafe`). Copying the
//!   original ([`NormalizedText::new`]) adds about 0.5 ms per MB there, most
//!   of it page faults on the fresh allocation. So the one-shot
//!   [`find_normalized`] is dominated by the build: build a
//!   [`NormalizedText`] once per stored document and reuse it for every
//!   quote.
//!
//! # Limits
//!
//! * Segments are normalization units, not grapheme clusters: [`NormalizedText::find`] may
//!   return a span that starts or ends inside an emoji ZWJ sequence, a flag or
//!   an Indic conjunct ("👩" inside "👨‍👩‍👧"); the caller
//!   ([`super::Text::find_normalized`]) drops those. Conversely a match can never start or end *inside* a segment, so a
//!   quote that begins with the second half of a ligature or of a composed
//!   Hangul syllable is not found.
//! * Only what the rule names is ignored: no case or diacritic folding.
//! * NFKC data is that of the `unicode-normalization` version in use; a
//!   future Unicode version can change results for newly assigned chars, so
//!   stored anchors should be re-verified (by the invariant above) rather
//!   than trusted across upgrades.
//! * Very frequent short quotes cost about 0.1 µs per occurrence to map back
//!   (each candidate is re-walked from a checkpoint).

use std::iter::once;
use std::ops::Range;

use memchr::memmem;
use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

pub use super::Span;

mod ascii;
mod fold;
use ascii::{
    HIGH_BITS, KEEP_ASCII, SLACK, ascii_ws_mask, compact_ascii, grow, is_ascii_ws, utf8_len,
};
pub use fold::is_ignorable;
use fold::{BOUNDARY, LONE_STABLE, PLAIN, WHITESPACE, class_of, emit_folded, for_each_output_char};

/// One normalization segment of a [`NormalizedText`] that produces output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Where the segment is in the original text (chars).
    pub original: Span,
    /// Where its output is in [`NormalizedText::as_str`] (bytes).
    pub normalized: Range<usize>,
}

/// Original bytes between two checkpoints of the sparse map (approximately:
/// checkpoints sit at segment starts).
pub const CHECKPOINT_INTERVAL: usize = 256;

/// Normalize a string by the rule above (used for quotes and for comparisons).
///
/// NFKC, then the typographic fold, then every whitespace char is dropped.
/// Case is kept.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // ASCII is NFKC-stable and unaffected by the fold.
        out.extend(s.bytes().filter(|&b| !is_ascii_ws(b)).map(char::from));
    } else {
        for c in s.nfkc() {
            emit_folded(c, &mut |d| out.push(d));
        }
    }
    out
}

/// True when a normalization segment starts before `c`, whatever precedes it
/// (see the module docs for the rule and why it is safe).
pub fn starts_segment(c: char) -> bool {
    if c.is_ascii() || c.is_whitespace() {
        return true;
    }
    match is_nfkc_quick(once(c)) {
        IsNormalized::Yes => canonical_combining_class(c) == 0,
        IsNormalized::Maybe => false,
        IsNormalized::No => {
            let mut first = None;
            decompose_compatible(c, |d| {
                first.get_or_insert(d);
            });
            let s = first.unwrap_or(c);
            s.is_ascii()
                || (canonical_combining_class(s) == 0
                    && is_nfkc_quick(once(s)) == IsNormalized::Yes)
        }
    }
}

/// The text in normalized form plus a map from each normalized char back to the original code-point range it came from.
///
/// The map is by segment: [`NormalizedText::segments`] lists them, and
/// [`NormalizedText::source_span`] maps any normalized byte range back.
///
/// `S` holds the original text: [`NormalizedText::new`] copies it into a
/// `String`; [`NormalizedText::from_source`] keeps any `AsRef<str>` as given
/// (`&str`, `String`, `Arc<str>`, ...).
#[derive(Debug, Clone)]
pub struct NormalizedText<S = String> {
    original: S,
    normalized: String,
    /// Sparse map, sorted by all three fields; `checkpoints[0]` is the origin.
    checkpoints: Vec<Checkpoint>,
}

/// A segment start: `out` normalized bytes precede it, and it is at original
/// byte `byte` / char `ch`.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    out: usize,
    byte: usize,
    ch: usize,
}

/// Names the normalization rule and the Unicode data it ran with. A stored index built
/// under another tag is rebuilt, never trusted.
pub fn rule_tag() -> String {
    let (major, minor, update) = unicode_normalization::UNICODE_VERSION;
    format!("claimledger-normalize-2/unicode-{major}.{minor}.{update}")
}

impl<S: AsRef<str>> NormalizedText<S> {
    /// The sparse map as bytes (three little-endian u64 per checkpoint), to store beside
    /// the normalized text.
    pub fn map_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.checkpoints.len() * 24);
        for c in &self.checkpoints {
            for v in [c.out, c.byte, c.ch] {
                out.extend_from_slice(&(v as u64).to_le_bytes());
            }
        }
        out
    }

    /// Rebuilds an index from `original`, its stored normalized text and [`map_bytes`]
    /// output; None when they cannot belong together (the caller then builds it afresh).
    /// Every span an index returns is still checked by its user, so a stored index can at
    /// worst miss a match, never invent one.
    ///
    /// [`map_bytes`]: NormalizedText::map_bytes
    pub fn from_stored(original: S, normalized: String, map: &[u8]) -> Option<Self> {
        if map.is_empty() || !map.len().is_multiple_of(24) {
            return None;
        }
        let text = original.as_ref();
        let mut checkpoints = Vec::with_capacity(map.len() / 24);
        for triple in map.chunks_exact(24) {
            let field = |i: usize| {
                usize::try_from(u64::from_le_bytes(
                    triple[i * 8..i * 8 + 8].try_into().expect("8 bytes"),
                ))
                .ok()
            };
            checkpoints.push(Checkpoint {
                out: field(0)?,
                byte: field(1)?,
                ch: field(2)?,
            });
        }
        let first = checkpoints[0];
        let ordered = checkpoints
            .windows(2)
            .all(|w| w[0].out <= w[1].out && w[0].byte < w[1].byte && w[0].ch < w[1].ch);
        let last = checkpoints[checkpoints.len() - 1];
        let fits = first.out == 0
            && first.byte == 0
            && first.ch == 0
            && ordered
            && last.out <= normalized.len()
            && last.byte <= text.len()
            && text.is_char_boundary(last.byte)
            && normalized.is_char_boundary(last.out);
        fits.then_some(NormalizedText {
            original,
            normalized,
            checkpoints,
        })
    }
}

impl NormalizedText<String> {
    /// Normalize `original` (which is copied and kept) and build the map.
    pub fn new(original: &str) -> Self {
        NormalizedText::from_source(original.to_owned())
    }
}

impl<S: AsRef<str>> NormalizedText<S> {
    /// Normalize `original` (which is kept as given, no copy) and build the map.
    pub fn from_source(original: S) -> Self {
        let (normalized, checkpoints) = build(original.as_ref());
        NormalizedText {
            original,
            normalized,
            checkpoints,
        }
    }

    /// The normalized text; equal to `normalize(self.original())`.
    pub fn as_str(&self) -> &str {
        &self.normalized
    }

    /// The original text.
    pub fn original(&self) -> &str {
        self.original.as_ref()
    }

    /// All matches of `quote` (normalized internally) as ORIGINAL spans, in
    /// order of start.
    ///
    /// Overlapping occurrences are all reported ("aa" in "aaaa" gives three
    /// spans). Only matches that begin at the first output char of a segment
    /// and end at the last output char of a segment count, so for every span
    /// `normalize(slice of original) == normalize(quote)`, and no span begins
    /// or ends with whitespace. A quote whose normalized form is empty
    /// matches nothing.
    pub fn find(&self, quote: &str) -> Vec<Span> {
        self.find_prenormalized(&normalize(quote))
    }

    /// Like [`NormalizedText::find`] for a quote that is already the output of
    /// [`normalize`] (saves re-normalizing one quote for many texts). Any
    /// other string is allowed but only matches where some original slice
    /// normalizes to it; one containing whitespace never matches.
    pub fn find_prenormalized(&self, normalized_quote: &str) -> Vec<Span> {
        let mut spans = Vec::new();
        if normalized_quote.is_empty() {
            return spans;
        }
        let hay = self.normalized.as_bytes();
        let finder = memmem::Finder::new(normalized_quote.as_bytes());
        let mut cursor = self.checkpoints[0];
        let mut pos = 0;
        while let Some(rel) = finder.find(&hay[pos..]) {
            let start = pos + rel;
            let end = start + normalized_quote.len();
            debug_assert!(
                self.normalized.is_char_boundary(start) && self.normalized.is_char_boundary(end)
            );
            if let Some(span) = self.resolve(&mut cursor, start, end) {
                spans.push(span);
            }
            pos = start + 1;
        }
        spans
    }

    /// Map a byte range of [`NormalizedText::as_str`] back to the original
    /// span it came from. `None` if the range is empty, out of bounds, or does
    /// not start at the first and end at the last output char of segments.
    pub fn source_span(&self, normalized: Range<usize>) -> Option<Span> {
        if normalized.start >= normalized.end || normalized.end > self.normalized.len() {
            return None;
        }
        let mut cursor = self.checkpoints[0];
        self.resolve(&mut cursor, normalized.start, normalized.end)
    }

    /// The segments that produce output, in order (whitespace-only segments
    /// are skipped). Each one's output is the matching byte range of
    /// [`NormalizedText::as_str`], and the ranges tile it.
    pub fn segments(&self) -> Segments<'_> {
        Segments {
            text: self.original.as_ref(),
            at: self.checkpoints[0],
        }
    }

    /// Resolve the candidate `normalized[start..end]` to an original span.
    /// `cursor` is a segment start whose `out` is at most `start`, or it is
    /// replaced by a checkpoint; it is left at the segment containing `start`,
    /// so increasing candidates can reuse it.
    fn resolve(&self, cursor: &mut Checkpoint, start: usize, end: usize) -> Option<Span> {
        let idx = self.checkpoints.partition_point(|c| c.out <= start) - 1;
        let ck = self.checkpoints[idx];
        if cursor.out > start || ck.byte > cursor.byte {
            *cursor = ck;
        }
        let text = self.original.as_ref();
        let bytes = text.as_bytes();
        loop {
            // Skip plain ASCII single-char segments wholesale, a word at a
            // time while the whole word's output lies before `start` (each
            // byte is its own segment when the byte after it is ASCII too).
            while let Some(chunk) = bytes.get(cursor.byte..cursor.byte + 9) {
                let word = u64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
                if (word & HIGH_BITS) != 0 || chunk[8] >= 0x80 {
                    break;
                }
                let kept = 8 - ascii_ws_mask(word).count_ones() as usize;
                if cursor.out + kept > start {
                    break;
                }
                cursor.out += kept;
                cursor.byte += 8;
                cursor.ch += 8;
            }
            while cursor.byte + 1 < bytes.len()
                && bytes[cursor.byte] < 0x80
                && bytes[cursor.byte + 1] < 0x80
            {
                let k = KEEP_ASCII[bytes[cursor.byte] as usize] as usize;
                if cursor.out + k > start {
                    break;
                }
                cursor.out += k;
                cursor.byte += 1;
                cursor.ch += 1;
            }
            let seg = step(text, cursor.byte);
            if cursor.out + seg.out_len > start {
                if cursor.out != start {
                    return None; // starts inside a segment's output
                }
                let (mut at, mut seg) = (*cursor, seg);
                loop {
                    if at.out + seg.out_len >= end {
                        return (at.out + seg.out_len == end).then_some(Span {
                            start: cursor.ch,
                            end: at.ch + seg.chars,
                        });
                    }
                    at = Checkpoint {
                        out: at.out + seg.out_len,
                        byte: seg.end,
                        ch: at.ch + seg.chars,
                    };
                    seg = step(text, at.byte);
                }
            }
            cursor.out += seg.out_len;
            cursor.byte = seg.end;
            cursor.ch += seg.chars;
        }
    }
}

/// Iterator over the output-producing segments of a [`NormalizedText`].
#[derive(Debug, Clone)]
pub struct Segments<'a> {
    text: &'a str,
    at: Checkpoint,
}

impl Iterator for Segments<'_> {
    type Item = Segment;

    fn next(&mut self) -> Option<Segment> {
        while self.at.byte < self.text.len() {
            let seg = step(self.text, self.at.byte);
            let item = Segment {
                original: Span {
                    start: self.at.ch,
                    end: self.at.ch + seg.chars,
                },
                normalized: self.at.out..self.at.out + seg.out_len,
            };
            self.at = Checkpoint {
                out: self.at.out + seg.out_len,
                byte: seg.end,
                ch: self.at.ch + seg.chars,
            };
            if seg.out_len > 0 {
                return Some(item);
            }
        }
        None
    }
}

/// Convenience: NormalizedText::new(text).find(quote).
///
/// (Borrows `text` rather than copying it.)
pub fn find_normalized(text: &str, quote: &str) -> Vec<Span> {
    NormalizedText::from_source(text).find(quote)
}

/// Normalize `original` segment by segment: the normalized text and the
/// sparse map.
fn build(original: &str) -> (String, Vec<Checkpoint>) {
    let bytes = original.as_bytes();
    let n = bytes.len();
    // `buf[..w]` is the output so far; the rest is scratch space that the
    // ASCII loop writes ahead into.
    let mut buf = vec![0u8; n + SLACK];
    let mut w = 0;
    let mut checkpoints = Vec::with_capacity(n / CHECKPOINT_INTERVAL + 2);
    checkpoints.push(Checkpoint {
        out: 0,
        byte: 0,
        ch: 0,
    });
    // The next checkpoint goes at the first segment start at or after this.
    let mut next_ck = CHECKPOINT_INTERVAL;
    let mut i = 0; // original byte offset, always a char boundary
    let mut extra = 0; // bytes minus chars in original[..i]

    while i < n {
        if bytes[i] < 0x80 {
            // ASCII fast path. Every ASCII char starts a segment, so `i` is
            // a valid checkpoint.
            if i >= next_ck {
                checkpoints.push(Checkpoint {
                    out: w,
                    byte: i,
                    ch: i - extra,
                });
                next_ck = i + CHECKPOINT_INTERVAL;
            }
            let end = n.min(next_ck);
            if buf.len() < w + (end - i) + SLACK {
                grow(&mut buf, w + (end - i) + SLACK);
            }
            let (read, written) = compact_ascii(&bytes[i..end], &mut buf[w..]);
            i += read;
            w += written;
            continue;
        }

        // A non-ASCII char at `i`.
        let c = char_at(original, i);
        let class = class_of(c);
        if class & PLAIN != 0 {
            // A run of chars that are segments of their own and pass through
            // unchanged (most letters of most scripts): copy it as is. The run
            // stops before a char that takes combining marks, before a char
            // that needs real work, and at the next checkpoint position.
            let (mut p, mut chars) = (i, 0);
            loop {
                let next = p + utf8_len(bytes[p]);
                if next >= n || bytes[next] < 0x80 {
                    (p, chars) = (next, chars + 1);
                    break;
                }
                let d = char_at(original, next);
                let d_class = class_of(d);
                if d_class & BOUNDARY == 0 {
                    break; // the char at `p` has marks attached
                }
                (p, chars) = (next, chars + 1);
                if d_class & PLAIN == 0 || p >= next_ck {
                    break;
                }
            }
            if p > i {
                if i >= next_ck {
                    checkpoints.push(Checkpoint {
                        out: w,
                        byte: i,
                        ch: i - extra,
                    });
                    next_ck = i + CHECKPOINT_INTERVAL;
                }
                if buf.len() < w + (p - i) + SLACK {
                    grow(&mut buf, w + (p - i) + SLACK);
                }
                buf[w..w + (p - i)].copy_from_slice(&bytes[i..p]);
                w += p - i;
                extra += (p - i) - chars;
                i = p;
                continue;
            }
        }
        let mut start = i;
        if class & BOUNDARY == 0 && i > 0 && KEEP_ASCII[bytes[i - 1] as usize] == 1 {
            // It attaches to the previous ASCII char, which the fast path
            // already copied as a segment of its own: take that back.
            start = i - 1;
            w -= 1;
        }
        if start >= next_ck {
            checkpoints.push(Checkpoint {
                out: w,
                byte: start,
                ch: start - extra,
            });
            next_ck = start + CHECKPOINT_INTERVAL;
        }
        let c_end = i + c.len_utf8();
        let end = if class & WHITESPACE != 0 {
            c_end
        } else {
            extend_segment(original, c_end)
        };
        if start == i && end == c_end && class & LONE_STABLE != 0 {
            // A single char that NFKC leaves alone (but the fold may not).
            if buf.len() < w + SLACK {
                grow(&mut buf, w + SLACK);
            }
            emit_folded(c, &mut |d: char| {
                w += d.encode_utf8(&mut buf[w..w + 4]).len();
            });
            extra += end - i - 1;
        } else {
            for_each_output_char(&original[start..end], &mut |d: char| {
                if buf.len() < w + 4 {
                    grow(&mut buf, w + 4);
                }
                w += d.encode_utf8(&mut buf[w..w + 4]).len();
            });
            extra += (end - start) - original[start..end].chars().count();
        }
        i = end;
    }
    buf.truncate(w);
    let normalized = String::from_utf8(buf).expect("normalized output is built from whole chars");
    (normalized, checkpoints)
}

/// The char starting at byte `i` (a char boundary) of `text`.
#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().expect("char boundary inside text")
}

/// Extend a segment whose chars so far end at byte `end` (a char boundary)
/// over the following chars that cannot start a segment; returns its end.
#[inline]
fn extend_segment(text: &str, mut end: usize) -> usize {
    let bytes = text.as_bytes();
    // ASCII always starts a segment: stop at once.
    while end < bytes.len() && bytes[end] >= 0x80 {
        let c = char_at(text, end);
        if class_of(c) & BOUNDARY != 0 {
            break;
        }
        end += c.len_utf8();
    }
    end
}

struct Step {
    end: usize,
    chars: usize,
    out_len: usize,
}

/// Measure the segment starting at byte `start`: its end, char count and
/// normalized length in bytes. Same segmentation and output as the builder.
fn step(text: &str, start: usize) -> Step {
    let bytes = text.as_bytes();
    let b = bytes[start];
    if b < 0x80 && bytes.get(start + 1).is_none_or(|&next| next < 0x80) {
        return Step {
            end: start + 1,
            chars: 1,
            out_len: KEEP_ASCII[b as usize] as usize,
        };
    }
    let first = char_at(text, start);
    let first_end = start + first.len_utf8();
    let end = if first.is_whitespace() {
        first_end
    } else {
        extend_segment(text, first_end)
    };
    let mut out_len = 0;
    for_each_output_char(&text[start..end], &mut |d: char| out_len += d.len_utf8());
    Step {
        end,
        chars: text[start..end].chars().count(),
        out_len,
    }
}
