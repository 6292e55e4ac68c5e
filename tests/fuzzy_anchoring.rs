//! Tests of approximate quote anchoring (closest passage and re-anchoring).

use claimledger::anchor::fuzzy::*;
use proptest::prelude::*;

/// Char span of the first occurrence of `needle` in `text` at or after char `from`.
fn find_from(text: &str, needle: &str, from: usize) -> Span {
    let from_byte = text.char_indices().nth(from).map_or(text.len(), |c| c.0);
    let byte = from_byte + text[from_byte..].find(needle).expect("needle in text");
    let start = text[..byte].chars().count();
    Span {
        start,
        end: start + needle.chars().count(),
    }
}

fn find(text: &str, needle: &str) -> Span {
    find_from(text, needle, 0)
}

fn slice(text: &str, span: Span) -> String {
    text.chars().skip(span.start).take(span.len()).collect()
}

/// Records a quote from an old version the way the ledger does: 32 chars of
/// context on each side and the old start.
fn record<'a>(
    old: &'a str,
    quote_span: Span,
    buf: &'a mut (String, String, String),
) -> FuzzyQuery<'a> {
    let chars: Vec<char> = old.chars().collect();
    buf.0 = chars[quote_span.start..quote_span.end].iter().collect();
    buf.1 = chars[quote_span.start.saturating_sub(32)..quote_span.start]
        .iter()
        .collect();
    buf.2 = chars[quote_span.end..(quote_span.end + 32).min(chars.len())]
        .iter()
        .collect();
    FuzzyQuery {
        quote: &buf.0,
        prefix: &buf.1,
        suffix: &buf.2,
        hint: Some(quote_span.start),
    }
}

fn limits() -> Limits {
    Limits::default()
}

#[test]
fn typo_in_quote_finds_passage() {
    let text = "The report found that forty percent of households had no savings. \
                Officials disputed the figure.";
    let quote = "fourty percent of households had no savings";
    let m = closest(text, &FuzzyQuery::new(quote), &limits(), DEFAULT_MIN_SCORE).unwrap();
    assert_eq!(
        m.span,
        find(text, "forty percent of households had no savings")
    );
    assert_eq!(m.distance, 1);
    assert!(m.score > 0.95 && m.score < 1.0);
    let passage = slice(text, m.span);
    assert_eq!(describe_difference(quote, &passage), ["'fourty' → 'forty'"]);
}

#[test]
fn dropped_word_is_reported_missing() {
    let text = "In a statement, the minister said that the budget would rise next year, \
                without giving figures.";
    let quote = "the minister said that budget would rise next year";
    let m = closest(text, &FuzzyQuery::new(quote), &limits(), DEFAULT_MIN_SCORE).unwrap();
    assert_eq!(
        m.span,
        find(
            text,
            "the minister said that the budget would rise next year"
        )
    );
    assert_eq!(m.distance, 4);
    assert_eq!(
        describe_difference(quote, &slice(text, m.span)),
        ["missing: 'the'"]
    );
}

#[test]
fn changed_number() {
    let text = "According to the audit, the city spent $1,500 million on roads in 2023, \
                twice the 2019 amount.";
    let quote = "the city spent $1,200 million on roads in 2023";
    let m = closest(text, &FuzzyQuery::new(quote), &limits(), DEFAULT_MIN_SCORE).unwrap();
    assert_eq!(
        m.span,
        find(text, "the city spent $1,500 million on roads in 2023")
    );
    assert_eq!(m.distance, 1);
    assert_eq!(
        describe_difference(quote, &slice(text, m.span)),
        ["'1,200' → '1,500'"]
    );
}

#[test]
fn describe_difference_extra_words_and_limits() {
    assert!(describe_difference("same words", "same words").is_empty());
    assert_eq!(
        describe_difference("same  words", "same words"),
        ["differs only in whitespace"]
    );
    assert_eq!(
        describe_difference("it was a very big win", "it was a big win"),
        ["extra: 'very'"]
    );
    assert_eq!(
        describe_difference("he said forty two times", "he said forty-two times"),
        ["'forty two' → 'forty-two'"]
    );
    // Many differences: capped, with a count of the rest.
    let q = "a1 b c2 d e3 f g4 h i5 j k6 l m7 n o8 p";
    let p = "a b c d e f g h i j k l m n o p";
    let d = describe_difference(q, p);
    assert_eq!(d.len(), 6);
    assert_eq!(d[0], "'a1' → 'a'");
    assert_eq!(d[5], "… and 3 more differences");
    // Long excerpts are clipped.
    let long_q = "x".repeat(100);
    let d = describe_difference(&long_q, "y");
    assert_eq!(d.len(), 1);
    assert!(d[0].chars().count() < 60, "{}", d[0]);
    // Empty sides.
    assert_eq!(describe_difference("", "word"), ["missing: 'word'"]);
    assert_eq!(describe_difference("word", ""), ["extra: 'word'"]);
}

const OLD: &str = "Budget hearings were held twice this spring. \
At the first hearing in March, the council voted to raise the parking fee by ten percent, \
a decision that was later reversed by the court. \
At the second hearing in May, the council voted to raise the parking fee by ten percent, \
and the mayor signed the measure the same evening.";

#[test]
fn reworded_clause_reanchored_by_context_when_fragment_occurs_twice() {
    let frag = "the council voted to raise the parking fee by ten percent";
    let first = find(OLD, frag);
    let second = find_from(OLD, frag, first.end);
    let mut buf = Default::default();
    let query = record(OLD, second, &mut buf);

    // New version: an editor's note shifts everything, and the clause is
    // reworded identically in both paragraphs.
    let new = OLD
        .replace(
            "Budget hearings",
            "Editor's note: this article was updated on June 2. Budget hearings",
        )
        .replace(
            frag,
            "the council voted to increase the parking fee by 10 percent",
        );
    let reworded = "the council voted to increase the parking fee by 10 percent";
    let new_first = find(&new, reworded);
    let new_second = find_from(&new, reworded, new_first.end);

    let m = closest(&new, &query, &limits(), 0.5).expect("re-anchored");
    assert_eq!(m.span, new_second);
    assert!(m.distance > 0, "wording changed");
    assert!(m.score < 1.0 && m.score > 0.7, "score {}", m.score);

    // Same with no hint at all: the context alone decides.
    let no_hint = FuzzyQuery {
        hint: None,
        ..query
    };
    assert_eq!(
        closest(&new, &no_hint, &limits(), 0.5).unwrap().span,
        new_second
    );

    // Even a hint pointing at the other paragraph loses to the context.
    let wrong_hint = FuzzyQuery {
        hint: Some(new_first.start),
        ..query
    };
    assert_eq!(
        closest(&new, &wrong_hint, &limits(), 0.5).unwrap().span,
        new_second
    );

    // And the quote recorded in the first paragraph lands in the first.
    let mut buf1 = Default::default();
    let q1 = record(OLD, first, &mut buf1);
    assert_eq!(closest(&new, &q1, &limits(), 0.5).unwrap().span, new_first);
}

#[test]
fn moved_passage_found_by_context_despite_far_hint() {
    let quote_text = "the factory will close by the end of the year";
    let old = format!(
        "Workers gathered outside on Monday. Management confirmed that {quote_text}, \
         according to a memo seen by reporters."
    );
    let mut buf = Default::default();
    let query = record(&old, find(&old, quote_text), &mut buf);
    let hint = query.hint.unwrap();

    // New version: near the old position, the same words in another context
    // (a decoy); the real passage moved 6,000 chars further down.
    let filler = "Local officials declined to comment on the negotiations. ".repeat(100);
    let new = format!(
        "Rumours had spread that {quote_text}, but union leaders denied it. {filler}\
         Workers gathered outside on Monday. Management confirmed that {quote_text}, \
         according to a memo seen by reporters."
    );
    let decoy = find(&new, quote_text);
    let real = find_from(&new, quote_text, decoy.end);
    assert!(decoy.start.abs_diff(hint) < 100 && real.start.abs_diff(hint) > 5000);

    let m = closest(&new, &query, &limits(), 0.5).unwrap();
    assert_eq!(m.span, real);
    assert_eq!(m.distance, 0);
    assert_eq!(m.score, 1.0);

    // Without context the hint decides between the two identical passages.
    let bare = FuzzyQuery {
        quote: quote_text,
        hint: Some(hint),
        ..FuzzyQuery::default()
    };
    assert_eq!(closest(&new, &bare, &limits(), 0.5).unwrap().span, decoy);
}

#[test]
fn identical_far_passage_beats_poor_one_near_hint() {
    let text = format!(
        "the factory will soon close its doors {} the factory will close by the end of the year",
        "x".repeat(5000)
    );
    let q = FuzzyQuery {
        quote: "the factory will close by the end of the year",
        hint: Some(0),
        ..FuzzyQuery::default()
    };
    let m = closest(&text, &q, &limits(), 0.3).unwrap();
    assert_eq!(m.distance, 0);
    assert!(m.span.start > 5000);
}

#[test]
fn no_similar_passage_gives_none() {
    let text = "The report found that forty percent of households had no savings. \
                Officials disputed the figure and promised a new survey in the autumn.";
    for quote in [
        "Zyxwv qqqq 12345 jjjj kkkk",
        "完全に無関係な文章です",
        "0000000000000000000000000000000",
    ] {
        assert_eq!(
            closest(text, &FuzzyQuery::new(quote), &limits(), DEFAULT_MIN_SCORE),
            None,
            "{quote}"
        );
    }
}

#[test]
fn emoji_before_match_spans_count_chars() {
    // A family emoji is 7 code points; the flag is 2.
    let text = "👩‍👩‍👧‍👦🎉🇫🇷 Résumé: la ministre a dit « quarante fois non » hier. 👍🏽 fin";
    let quote = "la ministre a dit « quarante fois nan »";
    let m = closest(text, &FuzzyQuery::new(quote), &limits(), DEFAULT_MIN_SCORE).unwrap();
    let expected = find(text, "la ministre a dit « quarante fois non »");
    assert_eq!(expected.start, 7 + 1 + 2 + 1 + "Résumé: ".chars().count());
    assert_eq!(m.span, expected);
    assert_eq!(m.distance, 1);
    assert_eq!(
        slice(text, m.span),
        "la ministre a dit « quarante fois non »"
    );

    // Emoji inside the quote, as a hint in chars.
    let q = FuzzyQuery {
        quote: "👍🏽 fim",
        hint: Some(50),
        ..FuzzyQuery::default()
    };
    let m = closest(text, &q, &limits(), 0.5).unwrap();
    assert_eq!(m.span, find(text, "👍🏽 fin"));
    assert_eq!(m.distance, 1);
}

#[test]
fn empty_and_degenerate_inputs() {
    let l = limits();
    assert_eq!(closest("", &FuzzyQuery::new("quote"), &l, 0.0), None);
    assert_eq!(closest("some text", &FuzzyQuery::new(""), &l, 0.0), None);
    assert_eq!(closest("", &FuzzyQuery::new(""), &l, 0.0), None);
    // Quote longer than the text, hint past the end, context longer than text.
    let q = FuzzyQuery {
        quote: "forty years of history",
        prefix: "a long prefix that is much longer than the whole text itself",
        suffix: "and a suffix",
        hint: Some(1_000_000),
    };
    let m = closest("forty", &q, &l, 0.0).unwrap();
    assert_eq!(m.span, Span { start: 0, end: 5 });
    assert_eq!(m.distance, 17);
    assert_eq!(closest("forty", &q, &l, 0.5), None);
    // One-char quote and text.
    let m = closest("x", &FuzzyQuery::new("x"), &l, 1.0).unwrap();
    assert_eq!(
        (m.span, m.distance, m.score),
        (Span { start: 0, end: 1 }, 0, 1.0)
    );
    // NaN threshold is treated as the strictest one.
    assert!(closest("abc", &FuzzyQuery::new("abd"), &l, f64::NAN).is_none());
    assert!(closest("abc", &FuzzyQuery::new("abc"), &l, f64::NAN).is_some());
}

/// Deterministic pseudo-random prose.
fn prose(words: usize, seed: u64) -> String {
    const WORDS: &[&str] = &[
        "the", "council", "report", "said", "budget", "minister", "percent", "year", "city",
        "water", "school", "court", "vote", "million", "police", "health", "new", "old", "said",
        "would", "could", "after", "before", "during", "figures", "data", "survey", "of", "and",
        "in", "to", "a", "for", "on", "with", "by", "that", "was", "is", "were",
    ];
    let mut s = seed;
    let mut out = String::new();
    for i in 0..words {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push_str(WORDS[(s >> 33) as usize % WORDS.len()]);
        out.push(if i % 17 == 16 { '.' } else { ' ' });
    }
    out
}

#[test]
fn long_quote_matched_by_head_and_tail_windows() {
    let text = prose(3000, 1);
    let chars: Vec<char> = text.chars().collect();
    let start = 4000;
    let original: String = chars[start..start + 1500].iter().collect();
    // Damage the middle and the whole head window: the tail scan finds it.
    let mut quote: Vec<char> = original.chars().collect();
    for i in (0..120).step_by(10) {
        quote[i] = '#';
    }
    quote[700] = '#';
    quote.remove(900);
    let quote: String = quote.into_iter().collect();
    let (m, stats) = closest_with_stats(&text, &FuzzyQuery::new(&quote), &limits(), 0.8);
    let m = m.unwrap();
    assert_eq!(m.distance, 14);
    assert_eq!(m.span.end, start + 1500);
    assert!(m.span.start.abs_diff(start) <= 1);
    assert!(stats.total_work() <= limits().work_bound(stats.text_chars, stats.quote_chars));

    // Damage the tail instead: the head scan finds it.
    let mut quote: Vec<char> = original.chars().collect();
    for i in (1400..1500).step_by(7) {
        quote[i] = '#';
    }
    let quote: String = quote.into_iter().collect();
    let m = closest(&text, &FuzzyQuery::new(&quote), &limits(), 0.8).unwrap();
    assert_eq!(m.distance, 15);
    assert_eq!(
        m.span,
        Span {
            start,
            end: start + 1500
        }
    );
}

#[test]
fn quote_over_the_limit_is_not_matched() {
    let l = Limits {
        max_quote_chars: 100,
        ..Limits::default()
    };
    let text = "b".repeat(500);
    let (m, stats) = closest_with_stats(&text, &FuzzyQuery::new(&"b".repeat(101)), &l, 0.0);
    assert_eq!(m, None);
    assert_eq!(stats.total_work(), 0);
}

#[test]
fn long_text_is_scanned_in_a_window_around_the_hint() {
    let l = Limits {
        max_text_chars: 10_000,
        ..Limits::default()
    };
    let text = format!(
        "{}the needle sentence we want{}",
        "x".repeat(50_000),
        "y".repeat(50_000)
    );
    let q = FuzzyQuery {
        quote: "the needle sentence we wnat",
        hint: Some(49_000),
        ..FuzzyQuery::default()
    };
    let (m, stats) = closest_with_stats(&text, &q, &l, 0.6);
    assert_eq!(m.unwrap().span.start, 50_000);
    assert_eq!(stats.text_chars, 10_000);
    // Without a hint the window is the start of the text: not found.
    assert_eq!(closest(&text, &FuzzyQuery::new(q.quote), &l, 0.6), None);
}

#[test]
fn pathological_repetitive_text_is_bounded() {
    let l = limits();
    let text = "a".repeat(1_000_000);
    let quote = format!("{}b", "a".repeat(9_999));
    let (m, stats) = closest_with_stats(&text, &FuzzyQuery::new(&quote), &l, 0.5);
    let bound = l.work_bound(1_000_000, 10_000);
    assert!(stats.total_work() <= bound, "{stats:?} > {bound}");
    // The bound is linear in n: ~4 block steps per text char plus a constant
    // that does not depend on the text (here about 21 million).
    let constant = l.work_bound(1, 10_000);
    assert!(constant < 25_000_000, "{constant}");
    assert!(bound <= 4 * 1_000_000 + constant);
    // Only a handful of candidates get the expensive whole-quote alignment.
    assert!(stats.extensions <= 2 * l.max_candidates);
    let m = m.unwrap();
    assert_eq!(m.distance, 1);
    assert_eq!(m.span.len(), 10_000);

    // Same with a hint and context: still bounded.
    let q = FuzzyQuery {
        quote: &quote,
        prefix: "aaaaaaaa",
        suffix: "bbbb",
        hint: Some(500_000),
    };
    let (_, stats) = closest_with_stats(&text, &q, &l, 0.0);
    assert!(stats.total_work() <= bound, "{stats:?}");
}

#[test]
fn pathological_short_periodic_quote_is_bounded() {
    let l = limits();
    let text = "ab".repeat(500_000);
    let quote = format!("{}x", "ab".repeat(100));
    let (m, stats) = closest_with_stats(&text, &FuzzyQuery::new(&quote), &l, 0.5);
    assert!(stats.total_work() <= l.work_bound(1_000_000, quote.len()));
    assert!(stats.candidates <= 2 * l.max_candidates);
    assert_eq!(m.unwrap().distance, 1);
}

#[test]
fn text_without_similar_content_costs_only_the_scan() {
    let l = limits();
    let text = "0123456789 ".repeat(100_000);
    let n = text.chars().count();
    let quote = "The minister said the budget would rise next year.";
    let (m, stats) = closest_with_stats(&text, &FuzzyQuery::new(quote), &l, DEFAULT_MIN_SCORE);
    assert_eq!(m, None);
    assert_eq!(stats.scan_steps, n as u64); // one 64-bit block per text char
    assert_eq!(stats.extension_steps, 0);
    assert_eq!(stats.context_cells, 0);
}

fn edit(text: &[char], ops: &[(u8, usize, char)]) -> Vec<char> {
    let mut v = text.to_vec();
    for &(kind, at, c) in ops {
        let i = at % (v.len() + 1);
        match kind % 3 {
            0 if i < v.len() => v[i] = c,
            1 if i < v.len() && v.len() > 1 => {
                v.remove(i);
            }
            _ => v.insert(i, c),
        }
    }
    v
}

const ALPHABET: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
    't', 'u', 'v', 'w', 'x', 'y', 'z', ' ', ' ', ' ', 'é', '😀', '🇫',
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn edited_substring_is_found(
        text in prop::collection::vec(prop::sample::select(ALPHABET), 200..2500),
        start_frac in 0.0f64..1.0,
        len in 20usize..180,
        ops in prop::collection::vec((any::<u8>(), any::<usize>(), prop::sample::select(ALPHABET)), 0..4),
        with_context in any::<bool>(),
    ) {
        let n = text.len();
        let len = len.min(n);
        let start = ((n - len) as f64 * start_frac) as usize;
        let pick = Span { start, end: start + len };
        let quote: String = edit(&text[start..start + len], &ops).into_iter().collect();
        let text_s: String = text.iter().collect();
        let prefix: String = text[start.saturating_sub(32)..start].iter().collect();
        let suffix: String = text[pick.end..(pick.end + 32).min(n)].iter().collect();
        let query = if with_context {
            FuzzyQuery { quote: &quote, prefix: &prefix, suffix: &suffix, hint: Some(start) }
        } else {
            FuzzyQuery::new(&quote)
        };
        let l = Limits::default();
        let (m, stats) = closest_with_stats(&text_s, &query, &l, 0.0);
        let m = m.expect("a match");
        prop_assert!(m.span.start < pick.end && pick.start < m.span.end,
            "{:?} does not overlap {:?}", m.span, pick);
        prop_assert!(m.distance <= ops.len(), "distance {} > {} edits", m.distance, ops.len());
        prop_assert!(stats.total_work() <= l.work_bound(n, stats.quote_chars));
    }

    #[test]
    fn work_never_exceeds_bound(
        text in prop::collection::vec(prop::sample::select(&['a', 'b', ' '][..]), 0..3000),
        quote in prop::collection::vec(prop::sample::select(&['a', 'b', 'c'][..]), 0..400),
        window in 1usize..200,
        cands in 1usize..6,
        budget in 0u64..20_000,
        min_score in 0.0f64..1.0,
        hint in prop::option::of(0usize..4000),
    ) {
        let l = Limits {
            scan_window_chars: window,
            max_candidates: cands,
            max_extension_steps: budget,
            max_context_chars: 16,
            ..Limits::default()
        };
        let text: String = text.into_iter().collect();
        let quote: String = quote.into_iter().collect();
        let q = FuzzyQuery { quote: &quote, prefix: "ab ab", suffix: "ba", hint };
        let (m, stats) = closest_with_stats(&text, &q, &l, min_score);
        prop_assert!(stats.total_work() <= l.work_bound(text.chars().count(), quote.chars().count()),
            "{:?}", stats);
        if let Some(m) = m {
            prop_assert!(m.score >= min_score && m.score > 0.0 && m.score <= 1.0);
            prop_assert!(m.span.end <= text.chars().count() && m.span.start <= m.span.end);
        }
    }
}
