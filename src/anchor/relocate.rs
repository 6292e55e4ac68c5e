//! Following a recorded quote into another version of its document (SPEC §5): exact at
//! the same offsets (`unchanged`), exact elsewhere (`moved`), normalized or fuzzy with the
//! recorded prefix, suffix and position as context (`changed`), else `missing`.

use super::*;

impl Text<'_> {
    /// Follows a quote recorded in another version of this document into this text:
    /// exact, then normalized, then fuzzy with the recorded context and position.
    pub fn relocate(&self, old: &Anchor) -> Relocation {
        let found = |state, span: Span, score| Relocation {
            state,
            span: Some(span),
            exact: Some(self.slice(span.start, span.end).to_string()),
            score,
        };
        let exact = self.find_exact(&old.exact);
        if exact
            .iter()
            .any(|s| s.start == old.start && s.end == old.end)
        {
            let span = Span {
                start: old.start,
                end: old.end,
            };
            return found(State::Unchanged, span, None);
        }
        if let Some(best) = self.best_by_context(&exact, old) {
            return found(State::Moved, best, None);
        }
        let normalized = self.find_normalized(&old.exact);
        if let Some(best) = self.best_by_context(&normalized, old) {
            return found(State::Changed, best, None);
        }
        let query = fuzzy::FuzzyQuery {
            quote: &old.exact,
            prefix: &old.prefix,
            suffix: &old.suffix,
            hint: Some(old.start),
        };
        let accepted = fuzzy::closest(
            self.text,
            &query,
            &fuzzy::Limits::default(),
            RELOCATE_MIN_SCORE,
        )
        .filter(|m| m.score >= RELOCATE_SURE_SCORE || self.context_agrees(m.span, old));
        match accepted {
            Some(m) => found(
                State::Changed,
                self.widen_to_words(m.span),
                Some((m.score * 1000.0).round() as u32),
            ),
            None => Relocation {
                state: State::Missing,
                span: None,
                exact: None,
                score: None,
            },
        }
    }

    /// Whether the text around `span` looks like the recorded context: the recorded prefix
    /// (or suffix) can be found, at least [`CONTEXT_FIT`] alike, in the text just before
    /// (or after) the span. A quote whose wording changed is only trusted where its
    /// surroundings are still recognisable.
    fn context_agrees(&self, span: Span, old: &Anchor) -> bool {
        let from = self.byte_at(span.start);
        let to = from + byte_len_of_chars(&self.text[from..], span.len());
        let before = last_chars(&self.text[..from], 2 * CONTEXT);
        let after = first_chars(&self.text[to..], 2 * CONTEXT);
        let fits = |recorded: &str, window: &str| {
            recorded.trim().chars().count() >= 8 && fit(recorded, window) >= CONTEXT_FIT
        };
        fits(&old.prefix, before) || fits(&old.suffix, after)
    }

    /// Widens a span that starts or ends inside a word to the whole word, so that a fuzzy
    /// match records "carrying", not "carryi".
    fn widen_to_words(&self, span: Span) -> Span {
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let (from, to) = (self.byte_at(span.start), self.byte_at(span.end));
        let mut start = span.start;
        let mut before = self.text[..from].chars().rev();
        let mut first = self.text[from..].chars().next();
        while word(first) {
            let previous = before.next();
            if !word(previous) {
                break;
            }
            first = previous;
            start -= 1;
        }
        let mut end = span.end;
        let mut after = self.text[to..].chars();
        let mut last = self.text[..to].chars().next_back();
        while end > span.start && word(last) {
            let next = after.next();
            if !word(next) {
                break;
            }
            last = next;
            end += 1;
        }
        Span { start, end }
    }

    /// Of several candidate spans, the one whose surroundings best match the recorded
    /// prefix and suffix; ties go to the one nearest the old position.
    fn best_by_context(&self, spans: &[Span], old: &Anchor) -> Option<Span> {
        if spans.len() <= 1 {
            return spans.first().copied();
        }
        let score = |span: &Span| {
            let from = self.byte_at(span.start);
            let to = from + byte_len_of_chars(&self.text[from..], span.len());
            let before = last_chars(&self.text[..from], CONTEXT);
            let after = first_chars(&self.text[to..], CONTEXT);
            let shared_before = before
                .chars()
                .rev()
                .zip(old.prefix.chars().rev())
                .take_while(|(a, b)| a == b)
                .count();
            let shared_after = after
                .chars()
                .zip(old.suffix.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (
                shared_before + shared_after,
                std::cmp::Reverse(span.start.abs_diff(old.start)),
            )
        };
        spans.iter().copied().max_by_key(score)
    }
}

/// How well `pattern` fits somewhere inside `window`: 1 - (the least edit distance between
/// `pattern` and any substring of `window`) / (length of `pattern`). 1.0 when it occurs.
fn fit(pattern: &str, window: &str) -> f64 {
    let p: Vec<char> = pattern.chars().collect();
    if p.is_empty() {
        return 1.0;
    }
    // Sellers' algorithm: a match may start anywhere in the window (row 0 is all zeros).
    let mut column: Vec<usize> = (0..=p.len()).collect();
    let mut best = p.len();
    for w in window.chars() {
        let mut diagonal = column[0];
        column[0] = 0;
        for (i, pc) in p.iter().enumerate() {
            let substitute = diagonal + usize::from(*pc != w);
            diagonal = column[i + 1];
            column[i + 1] = substitute.min(column[i] + 1).min(diagonal + 1);
        }
        best = best.min(column[p.len()]);
    }
    1.0 - best as f64 / p.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_finds_a_pattern_anywhere_in_its_window() {
        assert_eq!(fit("imagery", "satellite imagery. The"), 1.0);
        assert_eq!(fit("abcd", "xxabedxx"), 0.75);
        assert_eq!(fit("abcd", ""), 0.0);
        assert_eq!(fit("", "abc"), 1.0);
    }
}
