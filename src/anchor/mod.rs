//! Anchoring a quote in a source text.
//!
//! Spans count Unicode code points (Rust `char`s), end exclusive, because that is what the
//! W3C Web Annotation TextPositionSelector counts and what stays the same in every
//! programming language a reader might check a span with: byte offsets depend on the
//! encoding, UTF-16 units split emoji in two, and grapheme clusters change with Unicode
//! versions. A flag emoji (two regional indicators) therefore moves a span by 2, and a
//! ZWJ family emoji by up to 7.
//!
//! The prefix and suffix kept with a span are up to [`CONTEXT`] code points either side
//! (the TextQuoteSelector), so a quote can be found again if offsets ever stop fitting.
//!
//! Finding a quote (SPEC §5) goes exact match, then normalized match ([`normalize`]), and
//! when both fail the closest passage ([`fuzzy`]) is offered so the user can correct the
//! quote. Following a quote into another version of its document ([`Text::relocate`]) goes
//! exact, normalized, then fuzzy with the recorded prefix/suffix as context.

pub mod bounds;
pub mod difference;
pub mod elide;
pub mod fuzzy;
pub mod normalize;
mod relocate;

use crate::error::Site;

/// A range of Unicode code points, `start..end`, end exclusive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    /// First code point of the range.
    pub start: usize,
    /// One past the last code point of the range.
    pub end: usize,
}

impl Span {
    /// Number of code points in the span.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The part of `text` this span covers, or `None` when the span lies outside `text`
    /// or is reversed. Linear in `end`.
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        if self.start > self.end {
            return None;
        }
        let mut indices = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()));
        let start = indices.nth(self.start)?;
        let end = if self.end == self.start {
            start
        } else {
            indices.nth(self.end - self.start - 1)?
        };
        Some(&text[start..end])
    }
}

/// How a recorded quote fares in another version of its document (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The exact text at the same offsets.
    Unchanged,
    /// The exact text elsewhere.
    Moved,
    /// Found only by normalized or fuzzy matching: wording or punctuation differs.
    Changed,
    /// Not found.
    Missing,
}

impl State {
    /// The state's name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Unchanged => "unchanged",
            State::Moved => "moved",
            State::Changed => "changed",
            State::Missing => "missing",
        }
    }
}

/// Whether two texts differ only in what normalized matching ignores: typographic
/// quotes, apostrophes, dashes and ellipses, whitespace and line breaks, Unicode form and
/// invisible characters. A quote `changed` this way between versions reads the same
/// ("changed (punctuation only)").
pub fn punctuation_only(old: &str, new: &str) -> bool {
    old != new && normalize::normalize(old) == normalize::normalize(new)
}

/// Where a recorded quote was found in another version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relocation {
    /// How it fares.
    pub state: State,
    /// The span it now has, unless missing.
    pub span: Option<Span>,
    /// The text at that span, unless missing.
    pub exact: Option<String>,
    /// For fuzzy matches, the similarity in per mille (1000 = identical).
    pub score: Option<u32>,
}

/// How to anchor a quote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Which occurrence (1-based), when the quote occurs more than once.
    pub occurrence: Option<usize>,
    /// Accept a match that starts or ends inside a word ("Kreml" in "Kremlin").
    pub partial_word: bool,
}

/// Code points of context kept either side of a quote.
pub const CONTEXT: usize = 32;

/// Code points of context shown either side of a match in messages.
const SHOWN_CONTEXT: usize = 24;

/// The least fuzzy similarity at which a quote followed into a new version still counts as
/// found (`changed`) rather than `missing`. Lower than the threshold for offering a closest
/// passage, because the recorded context and position also have to agree.
pub const RELOCATE_MIN_SCORE: f64 = 0.5;

/// How alike the recorded context must be to the text around a fuzzy match (see
/// [`Text::relocate`]).
pub const CONTEXT_FIT: f64 = 0.6;

/// A fuzzy match this similar is trusted without looking at its context.
pub const RELOCATE_SURE_SCORE: f64 = 0.8;

/// A quote located in a text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    /// Start, in code points.
    pub start: usize,
    /// End, in code points, exclusive.
    pub end: usize,
    /// The text between start and end, exactly as in the source.
    pub exact: String,
    /// Up to [`CONTEXT`] code points before `start`.
    pub prefix: String,
    /// Up to [`CONTEXT`] code points after `end`.
    pub suffix: String,
    /// Whether the quote matched only after normalization.
    pub normalized: bool,
    /// For an elided quote ("We will rebuild ... before winter"), the fragments it matched,
    /// in order, inside `start..end`; absent for a quote anchored whole (and then not
    /// serialized, so entries written before elision existed keep their bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragments: Option<Vec<Span>>,
}

/// Why a quote could not be anchored.
#[derive(Debug, Clone, PartialEq)]
pub enum AnchorError {
    /// The quote is empty (or only whitespace).
    Empty,
    /// The quote is not in the text.
    NotFound {
        /// The closest passage, if anything came close.
        closest: Option<Site>,
        /// How the closest passage differs from the quote.
        differences: Vec<String>,
    },
    /// The quote is in the text more than once and no occurrence was picked.
    Ambiguous {
        /// How many times.
        count: usize,
        /// Where the first few are.
        sites: Vec<Site>,
    },
    /// The quote is only in the text as part of a longer word ("Kreml" in "Kremlin"), and
    /// partial words were not allowed.
    MidWord {
        /// Where the first such match is.
        site: Site,
        /// The whole words around it, as in the text.
        whole: String,
        /// How many such matches there are.
        count: usize,
    },
    /// The picked occurrence does not exist.
    OccurrenceOutOfRange {
        /// The occurrence asked for (1-based).
        wanted: usize,
        /// How many there are.
        count: usize,
        /// Where the first few are.
        sites: Vec<Site>,
    },
}

/// A text prepared for anchoring: it knows how to turn byte offsets into code points, and
/// builds its normalized form (for normalized matching) once, the first time it is needed,
/// however many quotes are then looked up in it.
pub struct Text<'a> {
    text: &'a str,
    normalized: std::cell::OnceCell<normalize::NormalizedText<&'a str>>,
}

impl<'a> Text<'a> {
    /// Wraps a source text.
    pub fn new(text: &'a str) -> Self {
        Text {
            text,
            normalized: std::cell::OnceCell::new(),
        }
    }

    /// Wraps a source text whose normalized form was built before (and stored).
    pub fn with_index(text: &'a str, index: normalize::NormalizedText<&'a str>) -> Self {
        let t = Text::new(text);
        let _ = t.normalized.set(index);
        t
    }

    /// The normalized form of the text, built now if it was neither given nor needed yet.
    pub fn index(&self) -> &normalize::NormalizedText<&'a str> {
        self.normalized
            .get_or_init(|| normalize::NormalizedText::from_source(self.text))
    }

    /// Whether the normalized form has been built (or given) already.
    pub fn has_index(&self) -> bool {
        self.normalized.get().is_some()
    }

    /// Every normalized match of `quote`, as spans of the original text. Each span is
    /// checked to normalize to the quote, whatever index found it.
    /// A span that ends before invisible characters attached to its last character (the
    /// variation selector of "⚠\u{FE0F}") takes them in, so that it ends on a grapheme
    /// boundary.
    pub fn find_normalized(&self, quote: &str) -> Vec<Span> {
        self.find_normalized_located(quote)
            .into_iter()
            .map(|(span, _)| span)
            .collect()
    }

    /// [`Text::find_normalized`] with each span's byte range.
    fn find_normalized_located(&self, quote: &str) -> Vec<(Span, (usize, usize))> {
        let spans = self.index().find(quote);
        if spans.is_empty() {
            return Vec::new();
        }
        let wanted = normalize::normalize(quote);
        let bytes = self.byte_spans(&spans);
        spans
            .into_iter()
            .zip(bytes)
            .map(|(mut span, (from, mut to))| {
                while let Some(c) = self.text[to..].chars().next() {
                    if !normalize::is_ignorable(c) || bounds::is_grapheme_boundary(self.text, to) {
                        break;
                    }
                    to += c.len_utf8();
                    span.end += 1;
                }
                (span, (from, to))
            })
            .filter(|(_, (from, to))| {
                !self.splits_a_character(*from, *to)
                    && normalize::normalize(&self.text[*from..*to]) == wanted
            })
            .collect()
    }

    /// The text itself.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// Finds `quote`, refusing if it is absent or ambiguous; `occurrence` (1-based) picks one
    /// of several matches. An exact match wins; failing that a normalized one (marked
    /// `normalized`); failing that the error carries the closest passage. Matches must
    /// start and end on word boundaries (see [`Text::anchor_with`] to allow partial words).
    pub fn anchor(&self, quote: &str, occurrence: Option<usize>) -> Result<Anchor, AnchorError> {
        self.anchor_with(
            quote,
            &Options {
                occurrence,
                ..Options::default()
            },
        )
    }

    /// [`Text::anchor`] with every option.
    pub fn anchor_with(&self, quote: &str, options: &Options) -> Result<Anchor, AnchorError> {
        if normalize::normalize(quote).is_empty() {
            return Err(AnchorError::Empty);
        }
        let occurrence = options.occurrence;
        // Stray spaces around a pasted quote are not part of it.
        let quote = quote.trim();
        let exact = self.find_exact_located(quote);
        let (whole, partial) = self.split_located(exact);
        let usable = if options.partial_word {
            let mut all = whole.clone();
            all.extend(&partial);
            all.sort();
            all
        } else {
            whole
        };
        if !usable.is_empty() {
            let (span, (from, to)) = pick(&usable, occurrence, |s| self.site(s.0.start, s.0.end))?;
            return Ok(self.anchor_located(span, from, to, false));
        }
        let partial: Vec<Span> = partial.into_iter().map(|(s, _)| s).collect();
        let normalized = self.find_normalized_located(quote);
        let (whole_n, partial_n) = self.split_located(normalized);
        let usable = if options.partial_word {
            let mut all = whole_n.clone();
            all.extend(&partial_n);
            all.sort();
            all
        } else {
            whole_n
        };
        if !usable.is_empty() {
            let (span, (from, to)) = pick(&usable, occurrence, |s| self.site(s.0.start, s.0.end))?;
            return Ok(self.anchor_located(span, from, to, true));
        }
        let partial_n: Vec<Span> = partial_n.into_iter().map(|(s, _)| s).collect();
        if let Some(anchor) = self.anchor_elided(quote, options)? {
            return Ok(anchor);
        }
        if let Some(first) = partial.first().or(partial_n.first()) {
            let (from, to) = self.byte_range(*first);
            let (wide_from, wide_to) = bounds::widen_to_words(self.text, from, to);
            return Err(AnchorError::MidWord {
                site: self.site(first.start, first.end),
                whole: self.text[wide_from..wide_to].to_string(),
                count: if partial.is_empty() {
                    partial_n.len()
                } else {
                    partial.len()
                },
            });
        }
        let closest = fuzzy::closest(
            self.text,
            &fuzzy::FuzzyQuery::new(quote),
            &fuzzy::Limits::default(),
            fuzzy::DEFAULT_MIN_SCORE,
        );
        Err(match closest.map(|m| self.widen_to_whole_words(m.span)) {
            Some(span) => AnchorError::NotFound {
                closest: Some(self.site(span.start, span.end)),
                differences: fuzzy::describe_difference(quote, self.slice(span.start, span.end)),
            },
            None => AnchorError::NotFound {
                closest: None,
                differences: Vec::new(),
            },
        })
    }

    /// A span widened to the word boundaries (UAX #29) around it, so that a closest passage
    /// shows whole words and whole characters.
    fn widen_to_whole_words(&self, span: Span) -> Span {
        let (from, to) = self.byte_range(span);
        let (wide_from, wide_to) = bounds::widen_to_words(self.text, from, to);
        let start = span.start - count_chars(&self.text.as_bytes()[wide_from..from]);
        let end = span.end + count_chars(&self.text.as_bytes()[to..wide_to]);
        Span { start, end }
    }

    /// Splits spans into those that start and end on word boundaries and those that do not.
    fn split_whole_words(&self, spans: Vec<Span>) -> (Vec<Span>, Vec<Span>) {
        let bytes = self.byte_spans(&spans);
        let (whole, partial) = self.split_located(spans.into_iter().zip(bytes).collect());
        (
            whole.into_iter().map(|(s, _)| s).collect(),
            partial.into_iter().map(|(s, _)| s).collect(),
        )
    }

    /// [`Text::split_whole_words`] for spans whose byte ranges are known.
    #[allow(clippy::type_complexity)]
    fn split_located(
        &self,
        spans: Vec<(Span, (usize, usize))>,
    ) -> (Vec<(Span, (usize, usize))>, Vec<(Span, (usize, usize))>) {
        spans
            .into_iter()
            .partition(|(_, (from, to))| bounds::is_whole_words(self.text, *from, *to))
    }

    /// The byte range of a span.
    fn byte_range(&self, span: Span) -> (usize, usize) {
        let from = self.byte_at(span.start);
        (
            from,
            from + byte_len_of_chars(&self.text[from..], span.len()),
        )
    }

    /// The byte ranges of spans, in one pass over the text.
    fn byte_spans(&self, spans: &[Span]) -> Vec<(usize, usize)> {
        let mut points: Vec<usize> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
        points.sort_unstable();
        points.dedup();
        let bytes = self.byte_offsets(&points);
        let byte_of = |cp: usize| bytes[points.binary_search(&cp).expect("a listed point")];
        spans
            .iter()
            .map(|s| (byte_of(s.start), byte_of(s.end)))
            .collect()
    }

    /// Every place `quote` occurs byte for byte, overlapping ones included, as code-point
    /// spans in order.
    pub fn find_exact(&self, quote: &str) -> Vec<Span> {
        self.find_exact_located(quote)
            .into_iter()
            .map(|(span, _)| span)
            .collect()
    }

    /// [`Text::find_exact`] with each span's byte range.
    fn find_exact_located(&self, quote: &str) -> Vec<(Span, (usize, usize))> {
        if quote.is_empty() {
            return Vec::new();
        }
        let finder = memchr::memmem::Finder::new(quote.as_bytes());
        let bytes = self.text.as_bytes();
        let mut byte_starts = Vec::new();
        let mut from = 0;
        while let Some(found) = finder.find(&bytes[from..]) {
            let at = from + found;
            byte_starts.push(at);
            // Step one char, so overlapping occurrences are found too.
            from = at + self.text[at..].chars().next().map_or(1, char::len_utf8);
        }
        let bytes_len = quote.len();
        byte_starts.retain(|&b| !self.splits_a_character(b, b + bytes_len));
        let quote_len = quote.chars().count();
        let starts = self.code_points_at(&byte_starts);
        starts
            .into_iter()
            .zip(byte_starts)
            .map(|(start, byte)| {
                let span = Span {
                    start,
                    end: start + quote_len,
                };
                (span, (byte, byte + bytes_len))
            })
            .collect()
    }

    /// Whether the byte range cuts through what a reader sees as one character: it starts
    /// or ends inside an extended grapheme cluster (UAX #29): "cafe" inside "cafe\u{301}",
    /// 👩 inside a ZWJ family, one regional indicator of a flag.
    fn splits_a_character(&self, from: usize, to: usize) -> bool {
        !bounds::is_grapheme_boundary(self.text, from)
            || !bounds::is_grapheme_boundary(self.text, to)
    }

    /// Converts sorted code-point offsets to byte offsets in one pass.
    fn byte_offsets(&self, sorted_cps: &[usize]) -> Vec<usize> {
        let mut out = Vec::with_capacity(sorted_cps.len());
        let (mut byte, mut cp) = (0usize, 0usize);
        for &target in sorted_cps {
            if target > cp {
                byte = self.advance(byte, target - cp);
                cp = target;
            }
            out.push(byte);
        }
        out
    }

    /// Converts sorted byte offsets (on char boundaries) to code-point offsets in one pass.
    pub fn code_points_at(&self, sorted_bytes: &[usize]) -> Vec<usize> {
        let mut out = Vec::with_capacity(sorted_bytes.len());
        let (mut byte, mut cp) = (0usize, 0usize);
        for &target in sorted_bytes {
            cp += count_chars(&self.text.as_bytes()[byte..target]);
            byte = target;
            out.push(cp);
        }
        out
    }

    /// The byte offset of code point `cp` (or the end of the text). Skips 64-byte blocks by
    /// counting the bytes that start a char, so it runs at memory speed.
    pub fn byte_at(&self, cp: usize) -> usize {
        self.advance(0, cp)
    }

    /// The byte offset `n` code points after byte offset `from` (a char boundary), or the end
    /// of the text.
    fn advance(&self, from: usize, n: usize) -> usize {
        let bytes = self.text.as_bytes();
        let (mut byte, mut seen) = (from, 0usize);
        for block in bytes[from..].chunks_exact(64) {
            let starts = count_chars(block);
            if seen + starts > n {
                break;
            }
            seen += starts;
            byte += 64;
        }
        // A block may end inside a char that it already counted.
        while byte < bytes.len() && (bytes[byte] as i8) < -0x40 {
            byte += 1;
        }
        byte + byte_len_of_chars(&self.text[byte..], n - seen)
    }

    /// The text between two code-point offsets.
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        let from = self.byte_at(start);
        let to = from + byte_len_of_chars(&self.text[from..], end - start);
        &self.text[from..to]
    }

    /// The anchor for a span whose byte range `from..to` is known.
    fn anchor_located(&self, span: Span, from: usize, to: usize, normalized: bool) -> Anchor {
        Anchor {
            start: span.start,
            end: span.end,
            exact: self.text[from..to].to_string(),
            prefix: last_chars(&self.text[..from], CONTEXT).to_string(),
            suffix: first_chars(&self.text[to..], CONTEXT).to_string(),
            normalized,
            fragments: None,
        }
    }

    /// The anchor (exact text and context) for a span.
    pub fn anchor_at(&self, start: usize, end: usize, normalized: bool) -> Anchor {
        let from = self.byte_at(start);
        let to = from + byte_len_of_chars(&self.text[from..], end - start);
        Anchor {
            start,
            end,
            exact: self.text[from..to].to_string(),
            prefix: last_chars(&self.text[..from], CONTEXT).to_string(),
            suffix: first_chars(&self.text[to..], CONTEXT).to_string(),
            normalized,
            fragments: None,
        }
    }

    /// 1-based line and column (in code points) of code point `cp`.
    pub fn line_column(&self, cp: usize) -> (usize, usize) {
        let byte = self.byte_at(cp);
        let before = &self.text.as_bytes()[..byte];
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        let column = count_chars(&before[line_start..]) + 1;
        (line, column)
    }

    /// A place in the text, for messages: line:column and the span with a little context,
    /// flattened onto one line.
    pub fn site(&self, start: usize, end: usize) -> Site {
        let (line, column) = self.line_column(start);
        let from = self.byte_at(start);
        let to = from + byte_len_of_chars(&self.text[from..], end - start);
        // The context shown either side ends on a word boundary (or at least a grapheme
        // boundary), so that no word or character is shown in part.
        let before = last_chars(&self.text[..from], SHOWN_CONTEXT);
        let (start_before, _) = bounds::narrow_to_words(self.text, from - before.len(), from);
        let before = &self.text[start_before.min(from)..from];
        let after = first_chars(&self.text[to..], SHOWN_CONTEXT);
        let (_, end_after) = bounds::narrow_to_words(self.text, to, to + after.len());
        let after = &self.text[to..end_after.max(to)];
        let context = format!(
            "…{}[{}]{}…",
            one_line(before),
            one_line(&self.text[from..to]),
            one_line(after)
        );
        Site {
            start,
            end,
            line,
            column,
            context,
        }
    }
}

/// How many matches a refusal lists (a common word can occur thousands of times).
pub const MAX_LISTED: usize = 10;

/// Picks the occurrence a user asked for among `spans`. A refusal lists at most
/// [`MAX_LISTED`] of them (and says how many there are).
pub fn pick<T: Copy>(
    spans: &[T],
    occurrence: Option<usize>,
    site: impl Fn(&T) -> Site,
) -> Result<T, AnchorError> {
    let listed = || spans.iter().take(MAX_LISTED).map(&site).collect();
    match occurrence {
        None if spans.len() == 1 => Ok(spans[0]),
        None => Err(AnchorError::Ambiguous {
            count: spans.len(),
            sites: listed(),
        }),
        Some(n) if n >= 1 && n <= spans.len() => Ok(spans[n - 1]),
        Some(n) => Err(AnchorError::OccurrenceOutOfRange {
            wanted: n,
            count: spans.len(),
            sites: listed(),
        }),
    }
}

/// Counts the code points in UTF-8 bytes: the bytes that do not continue a char
/// (continuation bytes are 0b10xxxxxx), eight at a time.
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut continuations = 0usize;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        // Bit 7 set and bit 6 clear marks a continuation byte.
        continuations += (w & !(w << 1) & HIGH).count_ones() as usize;
    }
    continuations += words
        .remainder()
        .iter()
        .filter(|&&b| (b as i8) < -0x40)
        .count();
    bytes.len() - continuations
}

fn byte_len_of_chars(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(b, _)| b)
}

fn last_chars(text: &str, n: usize) -> &str {
    let start = text
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(b, _)| b);
    if n == 0 { "" } else { &text[start..] }
}

fn first_chars(text: &str, n: usize) -> &str {
    &text[..byte_len_of_chars(text, n)]
}

/// The anchor of the text between byte offsets `from` and `to` (char boundaries), whose
/// start is code point `start`: for callers that walk a long text once and track both kinds
/// of offset (an import anchoring a million cells must not count from the top each time).
pub fn anchor_between(text: &str, from: usize, to: usize, start: usize) -> Anchor {
    let exact = &text[from..to];
    Anchor {
        start,
        end: start + exact.chars().count(),
        exact: exact.to_string(),
        prefix: last_chars(&text[..from], CONTEXT).to_string(),
        suffix: first_chars(&text[to..], CONTEXT).to_string(),
        normalized: false,
        fragments: None,
    }
}

/// Replaces line breaks and tabs with spaces so a snippet stays on one line.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_code_points_not_bytes_or_utf16() {
        // 👨‍👩‍👧 is 5 code points, 18 bytes, 8 UTF-16 units; 🇺🇦 is 2 code points.
        let text = "👨‍👩‍👧 🇺🇦 said: the bridge held.";
        let a = Text::new(text).anchor("the bridge held", None).unwrap();
        assert_eq!(a.start, 5 + 1 + 2 + 7);
        assert_eq!(a.end, a.start + 15);
        assert_eq!(a.prefix, "👨‍👩‍👧 🇺🇦 said: ");
        assert_eq!(a.suffix, ".");
        assert_eq!(Text::new(text).slice(a.start, a.end), "the bridge held");
    }

    #[test]
    fn twice_is_ambiguous_until_an_occurrence_is_picked() {
        let text = "no comment.\nThey said no comment.";
        let t = Text::new(text);
        match t.anchor("no comment", None) {
            Err(AnchorError::Ambiguous { sites, .. }) => {
                assert_eq!((sites[0].line, sites[0].column), (1, 1));
                assert_eq!((sites[1].line, sites[1].column), (2, 11));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(t.anchor("no comment", Some(2)).unwrap().start, 22);
        assert!(matches!(
            t.anchor("no comment", Some(3)),
            Err(AnchorError::OccurrenceOutOfRange { wanted: 3, .. })
        ));
    }

    #[test]
    fn context_is_at_most_32_code_points() {
        let text = format!("{} QUOTE {}", "é".repeat(40), "ü".repeat(40));
        let a = Text::new(&text).anchor("QUOTE", None).unwrap();
        assert_eq!(a.prefix, "é".repeat(31) + " ");
        assert_eq!(a.suffix, " ".to_string() + &"ü".repeat(31));
    }

    #[test]
    fn a_match_never_cuts_through_a_character() {
        let t = Text::new("cafe\u{301} and cafe, 👨\u{200D}👩\u{200D}👧 and 👩 alone");
        // Only the plain "cafe" is a whole match; the accented one would lose its accent.
        assert_eq!(t.find_exact("cafe").len(), 1);
        assert_eq!(t.find_exact("cafe")[0].start, 10);
        // 👩 inside the family is not a match; the lone one is.
        let lone = t.find_exact("👩");
        assert_eq!(lone.len(), 1);
        assert_eq!(t.slice(lone[0].end, lone[0].end + 6), " alone");
    }

    #[test]
    fn byte_at_agrees_with_char_indices() {
        let text = "é👩‍💻a\n".repeat(40);
        let t = Text::new(&text);
        let total = text.chars().count();
        for cp in 0..=total {
            let expected = text.char_indices().nth(cp).map_or(text.len(), |(b, _)| b);
            assert_eq!(t.byte_at(cp), expected, "cp {cp}");
        }
        assert_eq!(t.line_column(total - 1), (40, 6));
    }

    #[test]
    fn absent_and_empty_quotes_are_refused() {
        let t = Text::new("abc");
        assert!(matches!(
            t.anchor("xyz", None),
            Err(AnchorError::NotFound { .. })
        ));
        assert_eq!(t.anchor("  ", None), Err(AnchorError::Empty));
    }
}
