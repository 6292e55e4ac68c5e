//! Where a quote may start and end: on extended grapheme cluster boundaries and on word
//! boundaries, both as Unicode UAX #29 defines them (the `unicode-segmentation` crate).
//!
//! A match that starts or ends inside a grapheme cluster (half a flag, a woman without her
//! fire engine in 👩‍🚒, a letter without its accent) is never a match. A match that starts or
//! ends inside a *word* ("Kreml" in "Kremlin", "… and 1" in "13") is refused unless the user
//! says it is meant: the error shows the whole word.
//!
//! Two exceptions to UAX #29. For English possessives and contractions, a quote may end
//! just before an apostrophe that follows a letter ("Russia" in "Russia's"), which UAX #29
//! counts as one word. And a full stop (or `!`, `?`) between a lowercase and an uppercase
//! letter separates words ("notice.The", a space lost in scraped text), which UAX #29
//! joins as it joins "e.g".
//!
//! Word boundaries are found in a window around the offset, from a whitespace character
//! before it to one after it: whitespace takes part in none of the rules that join letters,
//! digits or flags, so a boundary inside the window is a boundary of the whole text. (In a
//! run of more than [`WINDOW`] bytes without whitespace the window is cut there instead.)

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// Bytes searched either side of an offset for the whitespace that bounds its window.
pub const WINDOW: usize = 512;

/// Whether byte offset `at` (a char boundary) of `text` is an extended grapheme cluster
/// boundary. The start and the end of the text are.
pub fn is_grapheme_boundary(text: &str, at: usize) -> bool {
    if at == 0 || at >= text.len() {
        return true;
    }
    GraphemeCursor::new(at, text.len(), true)
        .is_boundary(text, 0)
        .unwrap_or(true)
}

/// The word boundaries (UAX #29) of the window around byte offset `at`, in order.
fn boundaries_near(text: &str, at: usize) -> Vec<usize> {
    let lo = {
        let floor = floor_char(text, at.saturating_sub(WINDOW));
        text[floor..at]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(floor, |(i, _)| floor + i)
    };
    let hi = {
        let ceil = ceil_char(text, (at + WINDOW).min(text.len()));
        text[at..ceil]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(ceil, |(i, c)| at + i + c.len_utf8())
    };
    text[lo..hi]
        .split_word_bound_indices()
        .map(|(i, _)| lo + i)
        .chain(std::iter::once(hi))
        .collect()
}

/// Whether byte offset `at` is a word boundary (UAX #29). The start and end of the text
/// are.
pub fn is_word_boundary(text: &str, at: usize) -> bool {
    at == 0
        || at >= text.len()
        || missing_space_after_stop(text, at)
        || boundaries_near(text, at).binary_search(&at).is_ok()
}

/// Whether `at` is either side of a full stop between two sentences that lack the space
/// between them ("until further notice.The ministry"): a lowercase letter, `.`, `!` or
/// `?`, then an uppercase letter. UAX #29 keeps "notice.The" one word (as in "e.g"), but
/// scraped text drops that space often enough that a quote must be able to start there.
fn missing_space_after_stop(text: &str, at: usize) -> bool {
    let stop = |c: Option<char>| matches!(c, Some('.' | '!' | '?'));
    let mut before = text[..at].chars().rev();
    let mut after = text[at..].chars();
    let (b1, b2) = (before.next(), before.next());
    let (a1, a2) = (after.next(), after.next());
    let lower = |c: Option<char>| c.is_some_and(char::is_lowercase);
    let upper = |c: Option<char>| c.is_some_and(char::is_uppercase);
    (stop(b1) && lower(b2) && upper(a1)) || (lower(b1) && stop(a1) && upper(a2))
}

/// Whether a quote may end at byte `at`: a word boundary, or just before an apostrophe
/// that follows a letter ("Russia" in "Russia's").
pub fn may_end_at(text: &str, at: usize) -> bool {
    if is_word_boundary(text, at) {
        return true;
    }
    let next = text[at..].chars().next();
    let before = text[..at].chars().next_back();
    matches!(next, Some('\'' | '\u{2019}')) && before.is_some_and(char::is_alphabetic)
}

/// Whether the byte range `from..to` starts and ends on word boundaries (with the
/// apostrophe exception at the end).
pub fn is_whole_words(text: &str, from: usize, to: usize) -> bool {
    is_word_boundary(text, from) && may_end_at(text, to)
}

/// The byte range `from..to` widened to the word boundaries around it.
pub fn widen_to_words(text: &str, from: usize, to: usize) -> (usize, usize) {
    let start = if is_word_boundary(text, from) {
        from
    } else {
        let b = boundaries_near(text, from);
        b.iter().rev().copied().find(|&x| x <= from).unwrap_or(from)
    };
    let end = if may_end_at(text, to) {
        to
    } else {
        let b = boundaries_near(text, to);
        b.iter().copied().find(|&x| x >= to).unwrap_or(to)
    };
    (start, end)
}

/// The byte range `from..to` narrowed to the grapheme boundaries inside it: the start moves
/// forward and the end back to the nearest boundary (for context snippets, which may lose a
/// character but must not show half of one).
pub fn narrow_to_graphemes(text: &str, mut from: usize, mut to: usize) -> (usize, usize) {
    while from < to && !is_grapheme_boundary(text, from) {
        from += text[from..].chars().next().map_or(1, char::len_utf8);
    }
    while to > from && !is_grapheme_boundary(text, to) {
        to -= text[..to].chars().next_back().map_or(1, char::len_utf8);
    }
    (from, to)
}

/// The byte range `from..to` narrowed to the word boundaries inside it (the start forward,
/// the end back), unless that would leave nothing; then narrowed to graphemes only.
pub fn narrow_to_words(text: &str, from: usize, to: usize) -> (usize, usize) {
    let start = if is_word_boundary(text, from) {
        Some(from)
    } else {
        boundaries_near(text, from)
            .into_iter()
            .find(|&x| x >= from && x <= to)
    };
    let end = if is_word_boundary(text, to) {
        Some(to)
    } else {
        boundaries_near(text, to)
            .into_iter()
            .rev()
            .find(|&x| x <= to && x >= from)
    };
    match (start, end) {
        (Some(s), Some(e)) if s < e => (s, e),
        _ => narrow_to_graphemes(text, from, to),
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_uax29() {
        let t = "The Kremlin said 13 were hurt.";
        let at = |s: &str| t.find(s).unwrap();
        assert!(is_word_boundary(t, at("Kremlin")));
        assert!(!is_word_boundary(t, at("Kremlin") + 5));
        assert!(!is_word_boundary(t, at("13") + 1));
        assert!(is_word_boundary(t, at("13") + 2));
        assert_eq!(
            widen_to_words(t, at("Kremlin"), at("Kremlin") + 5),
            (at("Kremlin"), at("Kremlin") + 7)
        );
    }

    #[test]
    fn a_missing_space_after_a_full_stop_still_separates_sentences() {
        let t = "until further notice.The ministry said e.g. so";
        let the = t.find("The").unwrap();
        assert!(is_word_boundary(t, the));
        assert!(is_word_boundary(t, the - 1));
        assert!(!is_word_boundary(t, t.find(".g").unwrap() + 1));
    }

    #[test]
    fn possessive_apostrophe_may_end_a_quote() {
        let t = "Russia's forces and Russia’s";
        assert!(may_end_at(t, 6));
        assert!(!is_word_boundary(t, 6));
        assert!(may_end_at(t, t.rfind('’').unwrap()));
    }

    #[test]
    fn graphemes_hold_flags_and_zwj_sequences() {
        let t = "🇺🇦 and 👩\u{200D}🚒 e\u{301}";
        assert!(!is_grapheme_boundary(t, 4)); // between the two regional indicators
        let zwj = t.find('\u{200D}').unwrap();
        assert!(!is_grapheme_boundary(t, zwj));
        assert!(!is_grapheme_boundary(t, t.find('\u{301}').unwrap()));
        assert!(is_grapheme_boundary(t, t.find(" and").unwrap()));
    }

    #[test]
    fn windows_far_into_a_text_agree_with_the_whole() {
        let t = "word ".repeat(400) + "Kremlin " + &"x".repeat(2000);
        let k = t.find("Kremlin").unwrap();
        assert!(is_word_boundary(&t, k));
        assert!(!is_word_boundary(&t, k + 3));
        assert!(is_word_boundary(&t, k + 7));
    }
}
