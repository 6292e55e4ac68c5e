//! How a closest passage differs from a quote, for the hint shown when a quote is not
//! found: word by word, never cutting a word or a grapheme cluster, never reporting a
//! difference that matching ignores (typographic punctuation, spacing, Unicode form,
//! invisible characters: if the normalized forms agree, it is not a difference), and with
//! invisible characters that do matter named (`⟨U+00A0 NO-BREAK SPACE⟩`).
//!
//! The *words* of quote and passage are aligned by edit distance after trimming their
//! common head and tail; if what remains would need more than 250,000 cells one coarse
//! difference is reported instead.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::normalize::{is_ignorable, normalize};

/// Most lines [`describe_difference`] returns.
const MAX_DESCRIPTION_ITEMS: usize = 6;
/// Longest excerpt, in chars, shown for one side of a difference.
const MAX_EXCERPT_CHARS: usize = 40;
/// Largest word alignment table before falling back to one coarse difference.
const MAX_WORD_CELLS: usize = 250_000;

/// Describes how `passage` (the source) differs from `quote`, word by word,
/// in at most six short lines: `'fourty' → 'forty'` (quote words → source
/// words), `missing: 'the'` (in the source, not in the quote) and
/// `extra: 'very'` (in the quote, not in the source). Empty when they are
/// identical; `["differs only in whitespace"]` when only spacing differs.
pub fn describe_difference(quote: &str, passage: &str) -> Vec<String> {
    let qt = tokenize(quote);
    let pt = tokenize(passage);
    let qw: Vec<&str> = qt.iter().map(|r| &quote[r.clone()]).collect();
    let pw: Vec<&str> = pt.iter().map(|r| &passage[r.clone()]).collect();

    let mut pre = 0;
    while pre < qw.len() && pre < pw.len() && qw[pre] == pw[pre] {
        pre += 1;
    }
    let mut suf = 0;
    while suf < qw.len() - pre
        && suf < pw.len() - pre
        && qw[qw.len() - 1 - suf] == pw[pw.len() - 1 - suf]
    {
        suf += 1;
    }
    let (qa, qb) = (pre, qw.len() - suf);
    let (pa, pb) = (pre, pw.len() - suf);

    let hunks: Vec<(Range<usize>, Range<usize>)> = if qa == qb && pa == pb {
        Vec::new()
    } else if (qb - qa).saturating_mul(pb - pa) > MAX_WORD_CELLS {
        vec![(qa..qb, pa..pb)]
    } else {
        word_hunks(&qw[qa..qb], &pw[pa..pb])
            .into_iter()
            .map(|(q, p)| (q.start + qa..q.end + qa, p.start + pa..p.end + pa))
            .collect()
    };

    if hunks.is_empty() {
        return if quote == passage {
            Vec::new()
        } else {
            vec!["differs only in whitespace".to_string()]
        };
    }
    // A difference the matcher ignores is no difference to report.
    let text_of = |text: &str, toks: &[Range<usize>], r: &Range<usize>| -> String {
        if r.is_empty() {
            String::new()
        } else {
            text[toks[r.start].start..toks[r.end - 1].end].to_string()
        }
    };
    let hunks: Vec<_> = hunks
        .into_iter()
        .filter(|(q, p)| normalize(&text_of(quote, &qt, q)) != normalize(&text_of(passage, &pt, p)))
        .collect();
    if hunks.is_empty() {
        return vec![
            "differs only in what matching ignores (typographic punctuation, spacing, invisible characters)"
                .to_string(),
        ];
    }
    let excerpt = |text: &str, toks: &[Range<usize>], r: &Range<usize>| -> String {
        clip(&text[toks[r.start].start..toks[r.end - 1].end])
    };
    let mut out: Vec<String> = Vec::new();
    for (q, p) in &hunks {
        if out.len() + 1 == MAX_DESCRIPTION_ITEMS && hunks.len() > MAX_DESCRIPTION_ITEMS {
            out.push(format!(
                "… and {} more differences",
                hunks.len() - out.len()
            ));
            break;
        }
        out.push(match (q.is_empty(), p.is_empty()) {
            (false, false) => format!(
                "'{}' → '{}'",
                excerpt(quote, &qt, q),
                excerpt(passage, &pt, p)
            ),
            (true, _) => format!("missing: '{}'", excerpt(passage, &pt, p)),
            (false, true) => format!("extra: '{}'", excerpt(quote, &qt, q)),
        });
    }
    out
}

/// An excerpt for a difference line: at most [`MAX_EXCERPT_CHARS`] (cut after a whole
/// word, or at least a whole grapheme, with `…`), invisible characters named.
fn clip(s: &str) -> String {
    let shown = if s.chars().count() <= MAX_EXCERPT_CHARS {
        s.to_string()
    } else {
        let limit = s
            .char_indices()
            .nth(MAX_EXCERPT_CHARS - 1)
            .map_or(s.len(), |(b, _)| b);
        let words_end = s
            .split_word_bound_indices()
            .map(|(i, w)| i + w.len())
            .take_while(|&end| end <= limit)
            .last();
        let graphemes_end = s
            .grapheme_indices(true)
            .map(|(i, g)| i + g.len())
            .take_while(|&end| end <= limit)
            .last();
        let end = words_end.or(graphemes_end).unwrap_or(0);
        format!("{}…", &s[..end])
    };
    visible(&shown)
}

/// `s` with every invisible character other than a plain space written as its code point
/// and name, `⟨U+00AD SOFT HYPHEN⟩`, so that a difference that looks like none on screen
/// says what it is.
///
/// Only characters that are invisible on their own are named: the joiner and variation
/// selector inside an emoji are part of what it looks like.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for g in s.graphemes(true) {
        if g.chars().next().is_some_and(is_invisible) {
            for c in g.chars() {
                out.push_str(&format!("⟨{}⟩", describe_char(c)));
            }
        } else {
            out.push_str(g);
        }
    }
    out
}

/// Whether `c` shows nothing (or only space) on screen: whitespace other than a plain
/// space, controls, format characters and the other default-ignorable code points.
pub fn is_invisible(c: char) -> bool {
    c != ' '
        && (c.is_whitespace()
            || c.is_control()
            || is_ignorable(c)
            || matches!(
                c,
                '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}'
            ))
}

/// `U+XXXX NAME` for the invisible characters people meet in pasted text, `U+XXXX` for
/// the rest.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\t' => "CHARACTER TABULATION",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{A0}' => "NO-BREAK SPACE",
        '\u{AD}' => "SOFT HYPHEN",
        '\u{34F}' => "COMBINING GRAPHEME JOINER",
        '\u{61C}' => "ARABIC LETTER MARK",
        '\u{115F}' => "HANGUL CHOSEONG FILLER",
        '\u{1160}' => "HANGUL JUNGSEONG FILLER",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{2000}'..='\u{200A}' => "SPACE (typographic width)",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}'..='\u{202E}' => "BIDI EMBEDDING OR OVERRIDE",
        '\u{202F}' => "NARROW NO-BREAK SPACE",
        '\u{205F}' => "MEDIUM MATHEMATICAL SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}'..='\u{2064}' => "INVISIBLE OPERATOR",
        '\u{2066}'..='\u{2069}' => "BIDI ISOLATE",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{3164}' => "HANGUL FILLER",
        '\u{FE00}'..='\u{FE0F}' => {
            return format!(
                "U+{:04X} VARIATION SELECTOR-{}",
                c as u32,
                c as u32 - 0xFE00 + 1
            );
        }
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)",
        '\u{E0001}'..='\u{E007F}' => "TAG",
        '\u{E0100}'..='\u{E01EF}' => {
            return format!(
                "U+{:04X} VARIATION SELECTOR-{}",
                c as u32,
                c as u32 - 0xE0100 + 17
            );
        }
        _ => return format!("U+{:04X}", c as u32),
    };
    format!("U+{:04X} {name}", c as u32)
}

/// Words (alphanumeric runs, which may contain single `'`, `’`, `-`, `.`
/// or `,` between alphanumerics, as in "don't", "forty-two", "1,000") and
/// single other non-space grapheme clusters (a whole emoji, a letter with its
/// marks), as byte ranges. Invisible characters join the word they are in
/// ("Belgo\u{AD}rod" is one word).
fn tokenize(s: &str) -> Vec<Range<usize>> {
    let units: Vec<(usize, &str)> = s.grapheme_indices(true).collect();
    let byte_at = |i: usize| units.get(i).map_or(s.len(), |u| u.0);
    let first = |i: usize| units[i].1.chars().next().unwrap_or(' ');
    let wordy = |i: usize| {
        i < units.len() && (first(i).is_alphanumeric() || units[i].1.chars().all(is_ignorable))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let c = first(i);
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() {
            let mut j = i + 1;
            loop {
                if wordy(j) {
                    j += 1;
                } else if j + 1 < units.len()
                    && matches!(units[j].1, "'" | "’" | "-" | "." | ",")
                    && first(j + 1).is_alphanumeric()
                {
                    j += 2;
                } else {
                    break;
                }
            }
            out.push(byte_at(i)..byte_at(j));
            i = j;
        } else {
            out.push(byte_at(i)..byte_at(i + 1));
            i += 1;
        }
    }
    out
}

/// Aligns two word lists by edit distance and groups the non-matching words
/// into hunks of (quote words, passage words).
fn word_hunks(a: &[&str], b: &[&str]) -> Vec<(Range<usize>, Range<usize>)> {
    let cols = b.len() + 1;
    let mut dp = vec![0u32; (a.len() + 1) * cols];
    for (j, cell) in dp.iter_mut().take(cols).enumerate() {
        *cell = j as u32;
    }
    for i in 1..=a.len() {
        dp[i * cols] = i as u32;
        for j in 1..cols {
            let sub = dp[(i - 1) * cols + j - 1] + u32::from(a[i - 1] != b[j - 1]);
            let del = dp[(i - 1) * cols + j] + 1;
            let ins = dp[i * cols + j - 1] + 1;
            dp[i * cols + j] = sub.min(del).min(ins);
        }
    }
    // Trace back; `same[k]` marks aligned equal pairs (i, j), collected backwards.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 || j > 0 {
        let here = dp[i * cols + j];
        if i > 0 && j > 0 && a[i - 1] == b[j - 1] && here == dp[(i - 1) * cols + j - 1] {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if i > 0 && j > 0 && here == dp[(i - 1) * cols + j - 1] + 1 {
            i -= 1;
            j -= 1;
        } else if i > 0 && here == dp[(i - 1) * cols + j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs.push((a.len(), b.len())); // sentinel
    let mut hunks = Vec::new();
    let (mut qi, mut pj) = (0, 0);
    for (x, y) in pairs {
        if x > qi || y > pj {
            hunks.push((qi..x, pj..y));
        }
        qi = x + 1;
        pj = y + 1;
    }
    hunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_differences_are_not_reported_and_invisible_ones_are_named() {
        assert_eq!(
            describe_difference(
                "the 10km road \"held\"",
                "the 10 km road \u{201C}held\u{201D}"
            ),
            [
                "differs only in what matching ignores (typographic punctuation, spacing, invisible characters)"
            ]
        );
        assert_eq!(
            describe_difference("in Belgorod today", "in Belgo\u{AD}rad today"),
            ["'Belgorod' → 'Belgo⟨U+00AD SOFT HYPHEN⟩rad'"]
        );
        assert_eq!(
            describe_difference("Volunteers 👩‍🚒 came", "Volunteers 👩‍🚀 came"),
            ["'👩\u{200D}🚒' → '👩\u{200D}🚀'"]
        );
    }

    #[test]
    fn long_excerpts_end_on_a_word() {
        let long = "United States officials said the statement was false and misleading";
        let clipped = clip(long);
        assert!(clipped.ends_with('…'));
        let kept = clipped.trim_end_matches('…').trim_end();
        assert!(long.starts_with(kept));
        assert!(long[kept.len()..].starts_with(' '), "{clipped}");
    }

    #[test]
    fn tokenizer_keeps_numbers_and_contractions() {
        let s = "It's 1,000 forty-two, (ok).";
        let words: Vec<&str> = tokenize(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(
            words,
            ["It's", "1,000", "forty-two", ",", "(", "ok", ")", "."]
        );
    }
}
