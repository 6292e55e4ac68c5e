//! Tests for normalized anchoring (spec §5.2): NFKC, typographic fold,
//! whitespace ignored, case kept, spans in original code points.

use claimledger::anchor::normalize::*;

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{
    canonical_combining_class, compose, decompose_canonical, decompose_compatible,
    is_public_assigned,
};

// ---------------------------------------------------------------- helpers

/// The original text covered by `span` (chars).
fn slice(text: &str, span: Span) -> String {
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

/// Char span of the first exact occurrence of `needle` in `text`.
fn char_span(text: &str, needle: &str) -> Span {
    let byte = text.find(needle).expect("needle in text");
    let start = text[..byte].chars().count();
    Span {
        start,
        end: start + needle.chars().count(),
    }
}

/// The invariant every returned span must satisfy, plus "no leading or
/// trailing whitespace".
fn assert_spans_valid(text: &str, quote: &str, spans: &[Span]) {
    let nq = normalize(quote);
    for w in spans.windows(2) {
        assert!(w[0].start < w[1].start, "spans not in order: {spans:?}");
    }
    for &span in spans {
        let s = slice(text, span);
        assert_eq!(
            normalize(&s),
            nq,
            "span {span:?} = {s:?} for quote {quote:?}"
        );
        assert!(!s.starts_with(char::is_whitespace), "leading ws in {s:?}");
        assert!(!s.ends_with(char::is_whitespace), "trailing ws in {s:?}");
        assert_eq!(span.slice(text), Some(s.as_str()));
    }
}

/// What `find` must return, computed the slow way from the segment list:
/// every segment whose output starts an occurrence of the normalized quote
/// that ends exactly at the end of a segment's output.
fn oracle(nt: &NormalizedText, quote: &str) -> Vec<Span> {
    let nq = normalize(quote);
    if nq.is_empty() {
        return Vec::new();
    }
    let segs: Vec<Segment> = nt.segments().collect();
    let ends: std::collections::HashMap<usize, usize> = segs
        .iter()
        .map(|s| (s.normalized.end, s.original.end))
        .collect();
    segs.iter()
        .filter(|s| nt.as_str()[s.normalized.start..].starts_with(&nq))
        .filter_map(|s| {
            ends.get(&(s.normalized.start + nq.len())).map(|&end| Span {
                start: s.original.start,
                end,
            })
        })
        .collect()
}

/// find_normalized plus the invariant check.
fn find_checked(text: &str, quote: &str) -> Vec<Span> {
    let spans = find_normalized(text, quote);
    assert_spans_valid(text, quote, &spans);
    spans
}

/// The one span where `quote` is expected, at `needle` in `text`.
fn assert_single(text: &str, quote: &str, needle: &str) {
    assert_eq!(
        find_checked(text, quote),
        vec![char_span(text, needle)],
        "quote {quote:?} in {text:?}"
    );
}

// ---------------------------------------------------------------- normalize()

#[test]
fn normalize_table() {
    let cases = [
        ("‘a’ ‚b‛ ′ ʼ ‹c›", "'a''b''''c'"),
        ("“a” „b‟ «c»", "\"a\"\"b\"\"c\""),
        ("‐‑‒–—―−", "-------"),
        ("wait…", "wait..."),
        (
            "a \t\n\r\u{0B}\u{0C}\u{85}\u{A0}\u{1680}\u{2000}\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}b",
            "ab",
        ),
        ("ＡＢＣ１２３", "ABC123"),
        ("ﬁﬂﬃ", "fiflffi"),
        ("x²", "x2"),
        ("Case", "Case"),
        ("e\u{301}", "\u{e9}"),
        ("\u{1100}\u{1161}", "\u{AC00}"),
        // NFKC turns ″ into two primes before the fold sees it.
        ("5″", "5''"),
        ("", ""),
        ("   ", ""),
    ];
    for (input, want) in cases {
        assert_eq!(normalize(input), want, "normalize({input:?})");
    }
}

#[test]
fn normalized_text_equals_normalize() {
    for t in [
        "",
        " ",
        "plain ascii",
        "caf\u{e9} cafe\u{301} ﬁnance “x” — …",
        "\u{301}leading mark",
        "a \u{301}orphan after space",
        "\u{A0}\u{301}",
        "㌀ ½ ¨ \u{0958} \u{09C7}\u{09BE} \u{0344}",
    ] {
        let nt = NormalizedText::new(t);
        assert_eq!(nt.as_str(), normalize(t), "text {t:?}");
        assert_eq!(nt.original(), t);
    }
}

// ---------------------------------------------------------------- quotes and punctuation

#[test]
fn curly_vs_straight_double_quotes() {
    let text = "He said “no comment” and left.";
    assert_single(text, "\"no comment\"", "“no comment”");
    let text = "He said \"no comment\" and left.";
    assert_single(text, "“no comment”", "\"no comment\"");
    assert_single("«Bonjour»", "\"Bonjour\"", "«Bonjour»");
    assert_single("„Guten Tag“", "\"Guten Tag\"", "„Guten Tag“");
}

#[test]
fn curly_vs_straight_single_quotes_and_apostrophes() {
    let text = "She called it ‘a mistake’, then: it’s over.";
    assert_single(text, "'a mistake'", "‘a mistake’");
    assert_single(text, "it's over", "it’s over");
    let text = "it's over";
    assert_single(text, "it’s over", "it's over");
    assert_single("rock ʼnʼ roll", "rock 'n' roll", "rock ʼnʼ roll");
}

#[test]
fn dashes_fold_to_hyphen() {
    assert_single("from 1990–1995 on", "1990-1995", "1990–1995");
    assert_single("yes—no", "yes-no", "yes—no");
    assert_single("yes-no", "yes — no", "yes-no");
    assert_single("it was −5 degrees", "-5 degrees", "−5 degrees");
    assert_single("a non‑breaking hyphen", "non-breaking", "non‑breaking");
}

#[test]
fn ellipsis_both_ways() {
    assert_single("and then… nothing", "then... nothing", "then… nothing");
    assert_single("and then... nothing", "then… nothing", "then... nothing");
    // One ellipsis char is a single segment: a quote can't end in its middle.
    assert!(find_checked("then…", "then.").is_empty());
}

// ---------------------------------------------------------------- whitespace

#[test]
fn line_breaks_inside_quote() {
    let text = "the quick brown fox jumps";
    assert_single(text, "quick\nbrown\r\n  fox", "quick brown fox");
    let text = "the quick\nbrown\r\nfox jumps";
    assert_single(text, "quick brown fox", "quick\nbrown\r\nfox");
}

#[test]
fn doubled_spaces() {
    let text = "a  b   c";
    assert_eq!(find_checked(text, "a b c"), vec![Span { start: 0, end: 8 }]);
    assert_eq!(
        find_checked("a b c", "a  b\t\tc"),
        vec![Span { start: 0, end: 5 }]
    );
}

#[test]
fn space_missing_in_text() {
    let text = "The official toldThe Meridian Courier on Monday.";
    assert_single(
        text,
        "told The Meridian Courier",
        "toldThe Meridian Courier",
    );
}

#[test]
fn space_only_in_quote() {
    let text = "the NewYork office";
    assert_single(text, "New York", "NewYork");
    assert_single("co-operate", "co - operate", "co-operate");
}

#[test]
fn span_excludes_surrounding_whitespace() {
    let text = "  hello   world  ";
    assert_eq!(
        find_checked(text, "  hello world \n"),
        vec![Span { start: 2, end: 15 }]
    );
    let text = "x\u{3000}\u{A0}hello\u{2029}";
    assert_eq!(find_checked(text, "hello"), vec![Span { start: 3, end: 8 }]);
}

#[test]
fn empty_or_blank_quote_matches_nothing() {
    for q in ["", " ", "\n\t ", "\u{A0}\u{3000}"] {
        assert!(find_normalized("some text here", q).is_empty(), "{q:?}");
        assert!(find_normalized("", q).is_empty(), "{q:?}");
    }
    assert!(find_normalized("", "x").is_empty());
    assert!(find_normalized("   ", "x").is_empty());
}

// ---------------------------------------------------------------- NFKC

#[test]
fn full_width_letters() {
    assert_single("ＡＢＣ news", "ABC news", "ＡＢＣ news");
    assert_single("ABC news", "ＡＢＣ news", "ABC news");
}

#[test]
fn fi_ligature() {
    let text = "the ﬁnance minister";
    assert_single(text, "finance minister", "ﬁnance minister");
    // "inance" would need half of the ligature.
    assert!(find_checked(text, "inance").is_empty());
    assert!(find_checked(text, "the f").is_empty());
    assert_single(text, "the fi", "the ﬁ");
}

#[test]
fn composed_vs_decomposed_e_acute() {
    let composed = "un caf\u{e9} noir";
    let decomposed = "un cafe\u{301} noir";
    assert_single(composed, "cafe\u{301} noir", "caf\u{e9} noir");
    assert_single(decomposed, "caf\u{e9} noir", "cafe\u{301} noir");
    // The bare "e" of a decomposed é is not a match: it composes.
    assert!(find_checked(decomposed, "cafe").is_empty());
    assert!(find_checked(composed, "cafe").is_empty());
    // A span ending at the decomposed é covers the combining mark too.
    assert_eq!(
        find_checked(decomposed, "caf\u{e9}"),
        vec![Span { start: 3, end: 8 }]
    );
}

#[test]
fn superscript_digits() {
    assert_single("E=mc²", "E = mc2", "E=mc²");
    assert_single("10³ m", "103 m", "10³ m");
}

#[test]
fn hangul_jamo_compose() {
    let text = "x \u{1100}\u{1161}\u{11A8} y";
    // L+V+T jamo compose to one syllable; the span covers all three.
    assert_single(text, "\u{AC01}", "\u{1100}\u{1161}\u{11A8}");
    assert!(find_checked(text, "\u{1100}").is_empty());
}

#[test]
fn orphan_mark_after_space() {
    // The mark can't compose with the space; the space is dropped and the
    // span starts at the mark itself.
    let text = "a \u{301}b";
    assert_eq!(
        find_checked(text, "\u{301}b"),
        vec![Span { start: 2, end: 4 }]
    );
    assert_eq!(find_checked(text, "a\u{301}"), vec![]);
}

// ---------------------------------------------------------------- offsets in code points

#[test]
fn emoji_before_match_counts_code_points() {
    let prefix = "🇺🇸 👨\u{200D}👩\u{200D}👧\u{200D}👦 👍🏽 said: ";
    let text = format!("{prefix}“it’s done”.");
    let spans = find_checked(&text, "\"it's done\"");
    assert_eq!(spans.len(), 1);
    let start = spans[0].start;
    // 2 (flag) + 1 + 7 (ZWJ family) + 1 + 2 (skin tone) + 1 + 5 + 1
    assert_eq!(start, 20);
    assert_eq!(start, prefix.chars().count());
    assert_ne!(start, prefix.len(), "not bytes"); // 50
    assert_ne!(start, prefix.encode_utf16().count(), "not UTF-16 units"); // 28
    assert_ne!(start, 12, "not grapheme clusters");
    assert_eq!(spans[0].end, start + "“it’s done”".chars().count());
}

#[test]
fn segments_are_not_graphemes() {
    // Documented limit: a match may start inside a ZWJ sequence or stop
    // before a variation selector, because those are separate segments.
    let family = "👨\u{200D}👩\u{200D}👧";
    assert_eq!(find_checked(family, "👩"), vec![Span { start: 2, end: 3 }]);
    assert_eq!(
        find_checked("I ❤\u{FE0F} NY", "I ❤"),
        vec![Span { start: 0, end: 3 }]
    );
}

// ---------------------------------------------------------------- case, repeats

#[test]
fn case_differences_do_not_match() {
    assert!(find_checked("The New York Times", "the new york times").is_empty());
    assert!(find_checked("ＡＢＣ", "abc").is_empty());
    assert!(find_checked("Caf\u{e9}", "CAF\u{c9}").is_empty());
}

#[test]
fn quote_occurring_twice() {
    let text = "to be, or not to\nbe";
    assert_eq!(
        find_checked(text, "to be"),
        vec![Span { start: 0, end: 5 }, Span { start: 14, end: 19 }]
    );
}

#[test]
fn overlapping_occurrences_are_all_reported() {
    assert_eq!(
        find_checked("aaaa", "aa"),
        vec![
            Span { start: 0, end: 2 },
            Span { start: 1, end: 3 },
            Span { start: 2, end: 4 }
        ]
    );
}

#[test]
fn misaligned_candidate_does_not_hide_a_later_one() {
    // "ﬁx" normalizes to "fix"; the candidate "ix" inside it is rejected, the
    // real "ix" after it is still found.
    assert_eq!(find_checked("ﬁx ix", "ix"), vec![Span { start: 3, end: 5 }]);
}

#[test]
fn long_text_crosses_checkpoints() {
    let mut text = String::new();
    let mut expected = Vec::new();
    for i in 0..2000 {
        let piece = match i % 4 {
            0 => "plain words here ",
            1 => "caf\u{e9} “quoted” ﬁne ",
            2 => "e\u{301}\u{301}\u{323} ",
            _ => "👍🏽 told\nThe  Times. ",
        };
        if i % 4 == 3 {
            let start = text.chars().count() + 3;
            expected.push(Span {
                start,
                end: start + "told\nThe  Times".chars().count(),
            });
        }
        text.push_str(piece);
    }
    let nt = NormalizedText::new(&text);
    assert_eq!(nt.as_str(), normalize(&text));
    let spans = nt.find("toldThe Times");
    assert_eq!(spans, expected);
    assert_spans_valid(&text, "toldThe Times", &spans);
    assert_eq!(nt.find("“quoted”").len(), 500);
}

#[test]
fn segments_tile_the_normalized_text() {
    let text = "a ﬁ e\u{301} 👍🏽  “x” \u{1100}\u{1161}";
    let nt = NormalizedText::new(text);
    let mut at = 0;
    for seg in nt.segments() {
        assert_eq!(seg.normalized.start, at);
        at = seg.normalized.end;
        assert_eq!(
            normalize(&slice(text, seg.original)),
            &nt.as_str()[seg.normalized.clone()]
        );
        assert_eq!(nt.source_span(seg.normalized.clone()), Some(seg.original));
    }
    assert_eq!(at, nt.as_str().len());
    assert_eq!(nt.source_span(0..0), None);
    assert_eq!(nt.source_span(0..1000), None);
}

// ---------------------------------------------------------------- boundary rule, exhaustively

/// Every char that can be the second half of a canonical composition
/// (derived from the decomposition and composition data, not from the
/// quick-check property the rule uses).
fn second_halves() -> HashSet<char> {
    let mut set = HashSet::new();
    for x in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let mut d = Vec::new();
        decompose_canonical(x, |c| d.push(c));
        if d.len() < 2 {
            continue;
        }
        let last = *d.last().unwrap();
        let prefix: Vec<char> = d[..d.len() - 1].iter().copied().nfc().collect();
        if prefix.len() == 1 && compose(prefix[0], last) == Some(x) {
            set.insert(last);
        }
    }
    set
}

#[test]
fn boundary_rule_premises_hold_for_every_code_point() {
    let seconds = second_halves();
    assert!(seconds.contains(&'\u{301}') && seconds.contains(&'\u{1161}'));
    assert!(seconds.contains(&'\u{11A8}'));
    let mut boundaries = 0;
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        if !starts_segment(c) {
            continue;
        }
        boundaries += 1;
        let mut first = None;
        decompose_compatible(c, |d| {
            first.get_or_insert(d);
        });
        let s = first.unwrap();
        assert_eq!(
            canonical_combining_class(s),
            0,
            "{c:?} starts with non-starter"
        );
        assert!(!seconds.contains(&s), "{c:?} starts with a composing char");
    }
    assert!(boundaries > 1_000_000);
    // Whitespace: one whitespace char after NFKC, and never a composition's first half.
    for w in (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| c.is_whitespace())
    {
        assert!(starts_segment(w));
        let n: Vec<char> = w.to_string().nfkc().collect();
        assert!(n.len() == 1 && n[0].is_whitespace(), "{w:?}");
        for &b in &seconds {
            assert_eq!(compose(n[0], b), None);
        }
    }
}

#[test]
fn boundary_rule_splits_nfkc_for_assigned_chars() {
    // Empirical double check: NFKC(x·c·y) == NFKC(x)·NFKC(c·y) for every
    // assigned non-ASCII boundary char c and a few tricky contexts x.
    let contexts = [
        "a",
        "e\u{301}",
        "\u{1100}",
        "\u{09C7}",
        "a\u{316}\u{301}",
        "\u{0DD9}",
    ];
    let contexts: Vec<(&str, String)> = contexts.iter().map(|&x| (x, x.nfkc().collect())).collect();
    for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
        if !is_public_assigned(c) || !starts_segment(c) || c.is_whitespace() {
            continue;
        }
        for tail in [c.to_string(), format!("{c}\u{301}")] {
            let tail_nfkc: String = tail.nfkc().collect();
            for (x, x_nfkc) in &contexts {
                let joined: String = x.chars().chain(tail.chars()).nfkc().collect();
                assert_eq!(
                    joined,
                    format!("{x_nfkc}{tail_nfkc}"),
                    "x={x:?} tail={tail:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------- property tests

const TOKENS: &[&str] = &[
    // ASCII
    "the",
    "The",
    "quick",
    "fox",
    "told",
    "New",
    "York",
    "a",
    "e",
    "f",
    "i",
    "x",
    "1",
    ",",
    ".",
    "'",
    "\"",
    "-",
    "...",
    "aa",
    // typographic
    "‘",
    "’",
    "“",
    "”",
    "„",
    "«",
    "»",
    "–",
    "—",
    "−",
    "…",
    "′",
    "″",
    "ʼ",
    // whitespace runs
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\u{A0}",
    "\u{3000}",
    "\u{2009}",
    // combining marks
    "\u{301}",
    "\u{308}",
    "\u{327}",
    "\u{323}",
    "\u{300}",
    // ligatures, full width, compatibility
    "ﬁ",
    "ﬂ",
    "ﬃ",
    "Ａ",
    "ｂ",
    "１",
    "＂",
    "＇",
    "－",
    "²",
    "½",
    "㌀",
    "¨",
    // emoji
    "🇺🇸",
    "👨\u{200D}👩\u{200D}👧",
    "👍🏽",
    "❤\u{FE0F}",
    // precomposed, Hangul, Indic
    "\u{e9}",
    "\u{f1}",
    "\u{212B}",
    "\u{1100}",
    "\u{1161}",
    "\u{11A8}",
    "\u{AC00}",
    "\u{0958}",
    "\u{09C7}",
    "\u{09BE}",
    "\u{0344}",
];

const WS_INSERTS: &[&str] = &[" ", "  ", "\n", "\t", "\u{A0}", "\r\n"];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(select(TOKENS), 0..60).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
enum Op {
    InsertWs(Index, Index),
    RemoveWs(Index),
    Swap(Index),
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Op::InsertWs(a, b)),
        any::<Index>().prop_map(Op::RemoveWs),
        any::<Index>().prop_map(Op::Swap),
        any::<Index>().prop_map(Op::Swap),
    ]
}

/// Replacement for the typographic/ASCII char at `chars[i..]`, and how many
/// chars it replaces.
fn swap_at(chars: &[char], i: usize) -> Option<(&'static str, usize)> {
    if chars[i..].starts_with(&['.', '.', '.']) {
        return Some(("…", 3));
    }
    let r = match chars[i] {
        '\'' => "’",
        '’' | '‘' | 'ʼ' | '′' => "'",
        '"' => "“",
        '“' | '”' | '„' | '«' | '»' => "\"",
        '-' => "—",
        '–' | '—' | '−' => "-",
        '…' => "...",
        _ => return None,
    };
    Some((r, 1))
}

fn perturb(quote: &str, ops: &[Op]) -> String {
    let mut chars: Vec<char> = quote.chars().collect();
    for op in ops {
        match op {
            Op::InsertWs(at, which) => {
                let pos = at.index(chars.len() + 1);
                let ws = WS_INSERTS[which.index(WS_INSERTS.len())];
                chars.splice(pos..pos, ws.chars());
            }
            Op::RemoveWs(which) => {
                let ws: Vec<usize> = (0..chars.len())
                    .filter(|&i| chars[i].is_whitespace())
                    .collect();
                if !ws.is_empty() {
                    chars.remove(ws[which.index(ws.len())]);
                }
            }
            Op::Swap(which) => {
                let cands: Vec<usize> = (0..chars.len())
                    .filter(|&i| swap_at(&chars, i).is_some())
                    .collect();
                if !cands.is_empty() {
                    let i = cands[which.index(cands.len())];
                    let (r, n) = swap_at(&chars, i).unwrap();
                    chars.splice(i..i + n, r.chars());
                }
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn picked_segment_aligned_quote_is_found(
        text in text_strategy(),
        a in any::<Index>(),
        b in any::<Index>(),
        ops in prop::collection::vec(op_strategy(), 0..6),
    ) {
        let nt = NormalizedText::new(&text);
        prop_assert_eq!(nt.as_str(), normalize(&text));
        let segs: Vec<Segment> = nt.segments().collect();
        prop_assume!(!segs.is_empty());
        let (i, j) = (a.index(segs.len()), b.index(segs.len()));
        let (i, j) = (i.min(j), i.max(j));
        let picked = Span { start: segs[i].original.start, end: segs[j].original.end };
        let quote = slice(&text, picked);
        prop_assert_eq!(
            &nt.as_str()[segs[i].normalized.start..segs[j].normalized.end],
            normalize(&quote)
        );

        // The unperturbed quote is always found at the picked span.
        let spans = nt.find(&quote);
        assert_spans_valid(&text, &quote, &spans);
        prop_assert_eq!(&spans, &oracle(&nt, &quote));
        prop_assert!(spans.contains(&picked), "{:?} not in {:?}", picked, spans);

        let perturbed = perturb(&quote, &ops);
        let spans = find_normalized(&text, &perturbed);
        assert_spans_valid(&text, &perturbed, &spans);
        prop_assert_eq!(&spans, &oracle(&nt, &perturbed));
        if normalize(&perturbed) == normalize(&quote) {
            prop_assert!(spans.contains(&picked), "{:?} not in {:?} for {:?}", picked, spans, perturbed);
        }
    }

    #[test]
    fn segments_are_consistent(text in text_strategy()) {
        let nt = NormalizedText::new(&text);
        let mut at = 0;
        for seg in nt.segments() {
            prop_assert_eq!(seg.normalized.start, at);
            at = seg.normalized.end;
            let s = slice(&text, seg.original);
            prop_assert_eq!(normalize(&s), &nt.as_str()[seg.normalized.clone()]);
            prop_assert!(!s.starts_with(char::is_whitespace));
        }
        prop_assert_eq!(at, nt.as_str().len());
    }

    #[test]
    fn arbitrary_unicode_invariant(
        text in any::<String>(),
        a in any::<Index>(),
        b in any::<Index>(),
        ops in prop::collection::vec(op_strategy(), 0..4),
    ) {
        let nt = NormalizedText::new(&text);
        prop_assert_eq!(nt.as_str(), normalize(&text));
        // A random (not necessarily aligned) substring as the quote.
        let n = text.chars().count();
        let (i, j) = (a.index(n + 1), b.index(n + 1));
        let quote: String = text.chars().skip(i.min(j)).take(i.abs_diff(j)).collect();
        let quote = perturb(&quote, &ops);
        let spans = nt.find(&quote);
        assert_spans_valid(&text, &quote, &spans);
        prop_assert_eq!(&spans, &oracle(&nt, &quote));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Texts of a few KiB, so that the sparse map's checkpoints and the
    /// resolver's cursor come into play; short, frequent quotes.
    #[test]
    fn long_texts_match_the_oracle(
        tokens in prop::collection::vec(select(TOKENS), 200..1500),
        a in any::<Index>(),
        len in 1usize..4,
        ops in prop::collection::vec(op_strategy(), 0..3),
    ) {
        let text = tokens.concat();
        let nt = NormalizedText::new(&text);
        prop_assert_eq!(nt.as_str(), normalize(&text));
        let segs: Vec<Segment> = nt.segments().collect();
        prop_assume!(!segs.is_empty());
        let i = a.index(segs.len());
        let j = (i + len - 1).min(segs.len() - 1);
        let picked = Span { start: segs[i].original.start, end: segs[j].original.end };
        let quote = perturb(&slice(&text, picked), &ops);
        let spans = nt.find(&quote);
        assert_spans_valid(&text, &quote, &spans);
        prop_assert_eq!(&spans, &oracle(&nt, &quote));
        for seg in segs.iter().step_by(7) {
            prop_assert_eq!(nt.source_span(seg.normalized.clone()), Some(seg.original));
        }
    }
}
