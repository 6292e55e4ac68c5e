//! Elided quotes: "We will rebuild the market ... before winter".
//!
//! A quote is elided when `...`, `…`, `[...]` or `[…]` stands between fragments of it.
//! It is looked up whole first (a source may itself contain an ellipsis); only when that
//! fails are its fragments looked up, each as a quote of its own (exact or normalized, whole
//! words), in order and within one passage: no paragraph break (a blank line) between the
//! first fragment and the last, and at most [`MAX_SPAN`] code points from one to the other.
//! An elision mark at the very start or end of a quote only says the quote begins or ends
//! mid-sentence: that fragment is simply the quote.
//!
//! The appearance records the whole span from the first fragment to the last (its exact
//! text is everything in between, so verification and re-anchoring work as for any quote)
//! and the fragments themselves.

use super::{Anchor, AnchorError, Options, Span, Text, normalize, pick};

/// Longest an elided quote may be, first fragment to last, in code points.
pub const MAX_SPAN: usize = 2_000;

/// The fragments of `quote` between elision marks, trimmed, empty ones dropped. One
/// fragment when the quote has no mark (or marks only at its ends).
pub fn fragments(quote: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = quote;
    while let Some((at, len)) = next_mark(rest) {
        out.push(&rest[..at]);
        rest = &rest[at + len..];
    }
    out.push(rest);
    out.into_iter()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect()
}

/// Whether `quote` contains an elision mark.
pub fn has_mark(quote: &str) -> bool {
    next_mark(quote).is_some()
}

/// The byte offset and length of the first elision mark in `s`.
fn next_mark(s: &str) -> Option<(usize, usize)> {
    let dots = s.find("...");
    let ellipsis = s.find('\u{2026}');
    let (at, mut len) = match (dots, ellipsis) {
        (Some(d), Some(e)) if e < d => (e, '\u{2026}'.len_utf8()),
        (Some(d), _) => (d, 3),
        (None, Some(e)) => (e, '\u{2026}'.len_utf8()),
        (None, None) => return None,
    };
    // More dots after "..." belong to the same mark.
    while s[at + len..].starts_with('.') {
        len += 1;
    }
    // A bracketed mark: "[...]" or "[…]".
    if at > 0 && s[..at].ends_with('[') && s[at + len..].starts_with(']') {
        return Some((at - 1, len + 2));
    }
    Some((at, len))
}

/// Whether the text between two byte offsets holds a paragraph break: a line break, then
/// only spaces or tabs, then another line break.
pub fn crosses_paragraph(text: &str, from: usize, to: usize) -> bool {
    let bytes = &text.as_bytes()[from..to];
    memchr::memchr_iter(b'\n', bytes).any(|i| {
        bytes[i + 1..]
            .iter()
            .find(|&&b| !matches!(b, b' ' | b'\t' | b'\r'))
            == Some(&b'\n')
    })
}

/// Chains of fragment matches: for each place the first fragment is found, the first
/// match of each later fragment after the one before it. Of chains that share their later
/// fragments only the tightest (the latest first fragment) is kept. `ok(first, last)`
/// decides whether a chain from `first.start` to `last.end` is one passage.
pub fn chains(found: &[Vec<Span>], ok: impl Fn(Span, Span) -> bool) -> Vec<Vec<Span>> {
    let Some((first, later)) = found.split_first() else {
        return Vec::new();
    };
    let mut out: Vec<Vec<Span>> = Vec::new();
    'starts: for &start in first {
        let mut chain = vec![start];
        for spans in later {
            let after = chain.last().expect("non-empty").end;
            match spans.iter().find(|s| s.start >= after) {
                Some(&s) => chain.push(s),
                None => continue 'starts,
            }
        }
        let last = *chain.last().expect("non-empty");
        if last.end - start.start > MAX_SPAN || !ok(start, last) {
            continue;
        }
        if let Some(previous) = out.last_mut()
            && chain.len() > 1
            && previous[1..] == chain[1..]
        {
            *previous = chain;
            continue;
        }
        out.push(chain);
    }
    out
}

impl Text<'_> {
    /// An elided quote ([the module docs](self)): its fragments in order within one passage. None when the
    /// quote has no elision mark or its fragments are not all found.
    pub(super) fn anchor_elided(
        &self,
        quote: &str,
        options: &Options,
    ) -> Result<Option<Anchor>, AnchorError> {
        if !has_mark(quote) {
            return Ok(None);
        }
        let parts = fragments(quote);
        let mut found: Vec<Vec<Span>> = Vec::with_capacity(parts.len());
        let mut normalized: Vec<Span> = Vec::new();
        for part in &parts {
            if normalize::normalize(part).is_empty() {
                return Ok(None);
            }
            let exact = self.find_exact(part);
            let keep = |spans: Vec<Span>| {
                if options.partial_word {
                    spans
                } else {
                    self.split_whole_words(spans).0
                }
            };
            let mut spans = keep(exact);
            let mut by_normalizing = keep(self.find_normalized(part));
            by_normalizing.retain(|s| !spans.contains(s));
            normalized.extend(&by_normalizing);
            spans.extend(by_normalizing);
            spans.sort();
            if spans.is_empty() {
                return Ok(None);
            }
            found.push(spans);
        }
        let chains = chains(&found, |first, last| {
            let (from, _) = self.byte_range(first);
            let (_, to) = self.byte_range(last);
            !crosses_paragraph(self.text, from, to)
        });
        if chains.is_empty() {
            return Ok(None);
        }
        let whole = |c: &Vec<Span>| Span {
            start: c[0].start,
            end: c[c.len() - 1].end,
        };
        let index: Vec<usize> = (0..chains.len()).collect();
        let picked = pick(&index, options.occurrence, |&i| {
            let s = whole(&chains[i]);
            self.site(s.start, s.end)
        })?;
        let chain = &chains[picked];
        let span = whole(chain);
        let was_normalized = chain.iter().any(|s| normalized.contains(s));
        let mut anchor = self.anchor_at(span.start, span.end, was_normalized);
        if chain.len() > 1 {
            anchor.fragments = Some(chain.clone());
        }
        Ok(Some(anchor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_split_fragments() {
        assert_eq!(fragments("a b ... c"), ["a b", "c"]);
        assert_eq!(fragments("a […] c [...] d"), ["a", "c", "d"]);
        assert_eq!(fragments("a\u{2026}c"), ["a", "c"]);
        assert_eq!(fragments("... a b"), ["a b"]);
        assert_eq!(fragments("a b"), ["a b"]);
        assert_eq!(fragments("a .... b"), ["a", "b"]);
        assert!(has_mark("x…"));
        assert!(!has_mark("x.."));
    }

    #[test]
    fn paragraphs_are_blank_lines() {
        let t = "one\ntwo\n\nthree";
        assert!(!crosses_paragraph(t, 0, 7));
        assert!(crosses_paragraph(t, 0, t.len()));
        assert!(crosses_paragraph("a\n  \nb", 0, 6));
    }

    #[test]
    fn chains_keep_the_tightest() {
        let s = |a, b| Span { start: a, end: b };
        let found = vec![vec![s(0, 2), s(5, 7)], vec![s(10, 12)]];
        assert_eq!(chains(&found, |_, _| true), vec![vec![s(5, 7), s(10, 12)]]);
        let found = vec![vec![s(0, 2), s(20, 22)], vec![s(10, 12), s(30, 32)]];
        assert_eq!(chains(&found, |_, _| true).len(), 2);
    }
}
