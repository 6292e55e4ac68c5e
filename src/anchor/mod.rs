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

use crate::error::Site;

/// Code points of context kept either side of a quote.
pub const CONTEXT: usize = 32;

/// Code points of context shown either side of a match in messages.
const SHOWN_CONTEXT: usize = 24;

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
    Ambiguous(Vec<Site>),
    /// The picked occurrence does not exist.
    OccurrenceOutOfRange {
        /// The occurrence asked for (1-based).
        wanted: usize,
        /// Where the quote is.
        sites: Vec<Site>,
    },
}

/// A text prepared for anchoring: it knows how to turn byte offsets into code points.
pub struct Text<'a> {
    text: &'a str,
}

impl<'a> Text<'a> {
    /// Wraps a source text.
    pub fn new(text: &'a str) -> Self {
        Text { text }
    }

    /// The text itself.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// Finds `quote`, refusing if it is absent or ambiguous; `occurrence` (1-based) picks one
    /// of several matches.
    pub fn anchor(&self, quote: &str, occurrence: Option<usize>) -> Result<Anchor, AnchorError> {
        if quote.trim().is_empty() {
            return Err(AnchorError::Empty);
        }
        let spans = self.find_exact(quote);
        if spans.is_empty() {
            return Err(AnchorError::NotFound {
                closest: None,
                differences: Vec::new(),
            });
        }
        let (start, end) = pick(&spans, occurrence, |s| self.site(s.0, s.1))?;
        Ok(self.anchor_at(start, end, false))
    }

    /// Every place `quote` occurs byte for byte, overlapping ones included, as code-point
    /// spans in order.
    pub fn find_exact(&self, quote: &str) -> Vec<(usize, usize)> {
        if quote.is_empty() {
            return Vec::new();
        }
        let mut byte_starts = Vec::new();
        let mut from = 0;
        while let Some(found) = self.text[from..].find(quote) {
            let at = from + found;
            byte_starts.push(at);
            // Step one char, so overlapping occurrences are found too.
            from = at + self.text[at..].chars().next().map_or(1, char::len_utf8);
        }
        let quote_len = quote.chars().count();
        let starts = self.code_points_at(&byte_starts);
        starts.into_iter().map(|s| (s, s + quote_len)).collect()
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

    /// The byte offset of code point `cp` (or the end of the text).
    pub fn byte_at(&self, cp: usize) -> usize {
        self.text
            .char_indices()
            .nth(cp)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// The text between two code-point offsets.
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        let from = self.byte_at(start);
        let to = from + byte_len_of_chars(&self.text[from..], end - start);
        &self.text[from..to]
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
        }
    }

    /// 1-based line and column (in code points) of code point `cp`.
    pub fn line_column(&self, cp: usize) -> (usize, usize) {
        let byte = self.byte_at(cp);
        let before = &self.text[..byte];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// A place in the text, for messages: line:column and the span with a little context,
    /// flattened onto one line.
    pub fn site(&self, start: usize, end: usize) -> Site {
        let (line, column) = self.line_column(start);
        let from = self.byte_at(start);
        let to = from + byte_len_of_chars(&self.text[from..], end - start);
        let before = last_chars(&self.text[..from], SHOWN_CONTEXT);
        let after = first_chars(&self.text[to..], SHOWN_CONTEXT);
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

/// Picks the occurrence a user asked for among `spans`.
pub fn pick<T: Copy>(
    spans: &[T],
    occurrence: Option<usize>,
    site: impl Fn(&T) -> Site,
) -> Result<T, AnchorError> {
    match occurrence {
        None if spans.len() == 1 => Ok(spans[0]),
        None => Err(AnchorError::Ambiguous(spans.iter().map(&site).collect())),
        Some(n) if n >= 1 && n <= spans.len() => Ok(spans[n - 1]),
        Some(n) => Err(AnchorError::OccurrenceOutOfRange {
            wanted: n,
            sites: spans.iter().map(&site).collect(),
        }),
    }
}

/// Counts the code points in UTF-8 bytes (the number of bytes that do not continue a char).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
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
            Err(AnchorError::Ambiguous(sites)) => {
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
        let text = format!("{}QUOTE{}", "é".repeat(40), "ü".repeat(40));
        let a = Text::new(&text).anchor("QUOTE", None).unwrap();
        assert_eq!(a.prefix, "é".repeat(32));
        assert_eq!(a.suffix, "ü".repeat(32));
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
