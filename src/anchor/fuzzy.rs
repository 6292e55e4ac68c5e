//! Approximate ("fuzzy") anchoring of quotes in stored text.
//!
//! Used for two things: showing the *closest passage* when a quote is not
//! found exactly (so the user can fix the quote), and re-anchoring a recorded
//! quote in a new version of a document, the way Hypothesis re-anchors
//! annotations (quote text + prefix/suffix context + expected position).
//!
//! All positions are Unicode code points (`char`s), end exclusive. Matching
//! is on code points exactly as given (no case folding; normalise before
//! calling if that is wanted).
//!
//! # Algorithm
//!
//! Let `n` be the number of text chars scanned and `m` the quote length.
//!
//! 1. **Scan.** Myers' bit-parallel approximate string matching (Myers 1999,
//!    in the multi-word block form described by Hyyrö 2001) computes, for
//!    every text position `j`, `D[j]` = the smallest edit distance
//!    (insert/delete/substitute one char, cost 1) between a *scan pattern*
//!    and any substring of the text ending at `j`. One text char costs
//!    `⌈w/64⌉` word operations ("block steps") for a pattern of `w` chars.
//!    The scan pattern is never longer than [`Limits::scan_window_chars`]
//!    (`W`, default 128): a quote of at most `W` chars is scanned whole
//!    (its tail scan); a longer quote is scanned twice, with its last `W`
//!    chars forwards (giving candidate *ends*) and with its first `W` chars
//!    reversed over the text read backwards (giving candidate *starts*). Two
//!    windows mean that damage concentrated at one end of a long quote does
//!    not hide it.
//! 2. **Candidates.** Positions where `D` reaches a local minimum that is at
//!    most `k` (the largest window distance that could still reach
//!    `min_score`) go into a bounded heap ordered by (distance, whether the
//!    whole quote fits there, distance to the hint, position). Long flat
//!    minima (repetitive text) emit one candidate every `w/2` chars, and
//!    near-duplicates closer than `w/2` are suppressed; at most
//!    [`Limits::max_candidates`] (`C`) survive per scan.
//! 3. **Extension.** At each candidate the *whole* quote is aligned anchored
//!    at the candidate end (reading backwards) or start (reading forwards)
//!    with Myers' algorithm in global-start mode, which gives the passage's
//!    other end; a second anchored pass from that end re-places the first
//!    one (the scan may have stopped one char short, say before a final
//!    char the quote lacks). The result is the exact edit distance between
//!    the quote and the passage. Ties prefer a passage length closest to the
//!    quote's. Each pass reads at most `m + max(m/2 + 16, d)` chars (`d` ≤
//!    `m` the distance so far) and stops once no longer passage can beat
//!    the best found (`len - m > best`). Candidates are extended best first;
//!    beyond the first candidate of each scan, one runs only while the total
//!    stays within [`Limits::max_extension_steps`].
//! 4. **Rescoring.** Each passage gets `score = 1 - d / max(m, len)` (1.0 =
//!    identical). Passages below `min_score` (or at 0) are dropped. The rest
//!    are ranked by a weighted mean of `score` (weight 1), the similarity of
//!    up to [`Limits::max_context_chars`] chars of prefix and of suffix
//!    context to the text around the passage (0.35 each, when given) and
//!    closeness to the hint (0.15, `1 / (1 + |start - hint| / 1000)`). So
//!    context outweighs position, and an identical quote far away still
//!    beats a poor one next to the hint.
//!
//! # Bounds
//!
//! Besides one linear pass over the bytes of `text` to count and decode
//! chars, the work is (see [`Limits::work_bound`], checked by the tests via
//! [`Stats`]):
//!
//! * scans: `s · n · ⌈min(m, W)/64⌉` block steps, `s ≤ 2`, with
//!   `n ≤ max_text_chars` (a longer text is scanned in a window of that size
//!   centred on the hint);
//! * extensions: at most `max_extension_steps + s · 2 · (2m + 16) ·
//!   ⌈m/64⌉` block steps, with `m ≤ max_quote_chars` (longer quotes are not
//!   matched at all);
//! * rescoring: at most `s · C · 2 · X²` cells for `X = max_context_chars`.
//!
//! With the limits fixed this is `O(n)`: at most `4n` block steps plus a
//! constant that does not depend on the text (with the defaults about
//! 21 million for a 10,000-char quote, 2.3 million for 1,000 chars and
//! 150,000 for 100 chars). Memory is `O(n)`: the scanned chars (4 bytes each) plus match
//! tables of `(distinct quote chars) · ⌈m/64⌉` words.
//! Nothing depends on how many places match: a 1 MB text of `aaaa…` and a
//! 10,000-char quote `aaa…b`, where every position is a perfect scan match,
//! still yields at most `C` candidates per scan and the same work bound; a
//! text with nothing similar yields no candidate and costs only the scans.
//! There is no backtracking, recursion or unbounded retry anywhere.
//!
//! How a closest passage differs from the quote is described by
//! [`describe_difference`] (in `difference.rs`).

use std::collections::BinaryHeap;

pub use super::Span;
pub use super::difference::describe_difference;

/// A passage of the text that approximately matches a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct FuzzyMatch {
    /// Where the passage is, in chars.
    pub span: Span,
    /// 0.0..=1.0, 1.0 = identical: `1 - distance / max(quote chars, passage chars)`.
    pub score: f64,
    /// Edit distance (in chars) between the quote and the passage.
    pub distance: usize,
}

/// What to look for: the quote, its recorded context and expected position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FuzzyQuery<'a> {
    /// The quoted text.
    pub quote: &'a str,
    /// Text recorded just before the quote (usually 32 chars); may be empty.
    pub prefix: &'a str,
    /// Text recorded just after the quote (usually 32 chars); may be empty.
    pub suffix: &'a str,
    /// Expected start, if known (old position), in chars.
    pub hint: Option<usize>,
}

impl<'a> FuzzyQuery<'a> {
    /// A query with the quote only: no context, no hint.
    pub fn new(quote: &'a str) -> Self {
        FuzzyQuery {
            quote,
            ..FuzzyQuery::default()
        }
    }
}

/// Bounds on the work [`closest`] does; see the module docs for the formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Text chars scanned at most; a longer text is scanned in a window of
    /// this size centred on the hint (or at its start without one).
    pub max_text_chars: usize,
    /// Quote chars used by one scan (`W`); longer quotes are scanned by
    /// their first and last `W` chars and then extended.
    pub scan_window_chars: usize,
    /// Longest quote matched at all; a longer one gives `None`.
    pub max_quote_chars: usize,
    /// Candidates kept per scan (`C`), extended and rescored.
    pub max_candidates: usize,
    /// Budget of block steps for aligning the whole quote at candidates
    /// beyond the best candidate of each scan.
    pub max_extension_steps: u64,
    /// Chars of prefix and of suffix context compared (`X`).
    pub max_context_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_chars: 4_000_000,
            scan_window_chars: 128,
            max_quote_chars: 10_000,
            max_candidates: 16,
            max_extension_steps: 8_000_000,
            max_context_chars: 64,
        }
    }
}

impl Limits {
    /// Upper bound on [`Stats::total_work`] for a text of `text_chars` chars
    /// and a quote of `quote_chars` chars, whatever their content.
    pub fn work_bound(&self, text_chars: usize, quote_chars: usize) -> u64 {
        let m = quote_chars;
        if m == 0 || m > self.max_quote_chars || text_chars == 0 {
            return 0;
        }
        let n = text_chars.min(self.max_text_chars.max(1)) as u64;
        let w = m.min(self.scan_window_chars.max(1));
        let scans: u64 = if m > w { 2 } else { 1 };
        let scan = scans * n * w.div_ceil(64) as u64;
        // Two anchored passes per candidate, each reading at most
        // extension_len(m, m) chars (the scan distance is at most w <= m).
        let per_ext = 2 * extension_len(m, m) as u64 * m.div_ceil(64) as u64;
        let c = self.max_candidates.max(1) as u64;
        let ext = (self.max_extension_steps + scans * per_ext).min(scans * c * per_ext);
        let x = self.max_context_chars as u64;
        let context = scans * c * 2 * x * x;
        scan + ext + context
    }
}

/// Counters of the work one call did, for tests and diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Text chars scanned (size of the window).
    pub text_chars: usize,
    /// Quote chars.
    pub quote_chars: usize,
    /// Block steps (one text char against 64 pattern chars) of the scans.
    pub scan_steps: u64,
    /// Block steps of the whole-quote alignments at candidates.
    pub extension_steps: u64,
    /// Number of whole-quote alignments run.
    pub extensions: usize,
    /// Dynamic-programming cells of the context comparisons.
    pub context_cells: u64,
    /// Passages rescored (after the `min_score` filter).
    pub candidates: usize,
}

impl Stats {
    /// Sum of all counted work (block steps and cells).
    pub fn total_work(&self) -> u64 {
        self.scan_steps + self.extension_steps + self.context_cells
    }
}

/// A reasonable `min_score` for offering a passage as "closest".
pub const DEFAULT_MIN_SCORE: f64 = 0.6;

/// Best approximate match of the query in `text`, or `None` if nothing scores
/// at least `min_score` (a passage of score 0 is never returned). `None` too
/// for an empty quote or text, or a quote over [`Limits::max_quote_chars`].
pub fn closest(
    text: &str,
    query: &FuzzyQuery,
    limits: &Limits,
    min_score: f64,
) -> Option<FuzzyMatch> {
    closest_with_stats(text, query, limits, min_score).0
}

/// Like [`closest`], also reporting the work done.
pub fn closest_with_stats(
    text: &str,
    query: &FuzzyQuery,
    limits: &Limits,
    min_score: f64,
) -> (Option<FuzzyMatch>, Stats) {
    let mut stats = Stats::default();
    let m = query.quote.chars().count();
    stats.quote_chars = m;
    if m == 0 || m > limits.max_quote_chars {
        return (None, stats);
    }
    let min_score = if min_score.is_nan() {
        1.0
    } else {
        min_score.clamp(0.0, 1.0)
    };

    // The window of text scanned.
    let total = text.chars().count();
    let max_n = limits.max_text_chars.max(1);
    let (lo, n) = if total <= max_n {
        (0, total)
    } else {
        let centre = query.hint.unwrap_or(0).min(total);
        (centre.saturating_sub(max_n / 2).min(total - max_n), max_n)
    };
    stats.text_chars = n;
    if n == 0 {
        return (None, stats);
    }
    let chars: Vec<char> = text.chars().skip(lo).take(n).collect();
    let quote: Vec<char> = query.quote.chars().collect();

    let w = m.min(limits.scan_window_chars.max(1));
    let k = if min_score <= 0.0 {
        w
    } else {
        ((w as f64) * (1.0 - min_score) / min_score)
            .floor()
            .min(w as f64) as usize
    };
    let ctx = ScanCtx {
        text: &chars,
        k,
        cap: limits.max_candidates.max(1),
        spacing: (w / 2).max(1),
        m,
        lo,
        hint: query.hint,
    };

    // Scans: the tail window forwards (candidate ends), and for long quotes
    // the head window backwards (candidate starts).
    let tail_peq = Peq::new(&quote[m - w..]);
    let mut cands = scan(&tail_peq, &ctx, Dir::Backward, &mut stats);
    if m > w {
        let head_rev: Vec<char> = quote[..w].iter().rev().copied().collect();
        cands.extend(scan(&Peq::new(&head_rev), &ctx, Dir::Forward, &mut stats));
    }
    cands.sort_by_key(|c| c.key);

    // Extensions: align the whole quote at each candidate, anchored at the
    // end (or start) the scan found, then again from the other end found, so
    // that neither end is left where the scan window happened to stop.
    let quote_rev: Vec<char> = quote.iter().rev().copied().collect();
    let rev_peq = Peq::new(&quote_rev);
    let fwd_peq = Peq::new(&quote);
    let per_char = m.div_ceil(64) as u64;
    let mut done_first = [false, false];
    let mut budget_used = 0u64;
    let mut found: Vec<(Span, usize)> = Vec::new();
    for c in &cands {
        let max_len = extension_len(m, c.key.0);
        let avail = match c.dir {
            Dir::Backward => c.pos,
            Dir::Forward => n - c.pos,
        };
        // Chars read by the two passes, at most.
        let cost = (max_len.min(avail) + extension_len(m, m).min(n)) as u64 * per_char;
        let first = !done_first[c.dir as usize];
        if !first && budget_used + cost > limits.max_extension_steps {
            continue;
        }
        if first {
            done_first[c.dir as usize] = true;
        } else {
            budget_used += cost;
        }
        let (range, d) = match c.dir {
            Dir::Backward => {
                let (len, d) = align_anchored(&rev_peq, &chars, c.pos, c.dir, max_len, &mut stats);
                let start = c.pos - len;
                let max_len = extension_len(m, d.min(m));
                let (len, d) =
                    align_anchored(&fwd_peq, &chars, start, Dir::Forward, max_len, &mut stats);
                (start..start + len, d)
            }
            Dir::Forward => {
                let (len, d) = align_anchored(&fwd_peq, &chars, c.pos, c.dir, max_len, &mut stats);
                let end = c.pos + len;
                let max_len = extension_len(m, d.min(m));
                let (len, d) =
                    align_anchored(&rev_peq, &chars, end, Dir::Backward, max_len, &mut stats);
                (end - len..end, d)
            }
        };
        let span = Span {
            start: range.start,
            end: range.end,
        };
        if !found.iter().any(|f| f.0 == span) {
            found.push((span, d));
        }
    }

    // Rescoring.
    let x = limits.max_context_chars;
    let prefix: Vec<char> = {
        let mut p: Vec<char> = query.prefix.chars().rev().take(x).collect();
        p.reverse();
        p
    };
    let suffix: Vec<char> = query.suffix.chars().take(x).collect();
    let mut best: Option<(f64, FuzzyMatch)> = None;
    for (span, d) in found {
        let score = similarity(d, m, span.len());
        if score < min_score || score <= 0.0 {
            continue;
        }
        stats.candidates += 1;
        let mut num = score;
        let mut den = 1.0;
        if !prefix.is_empty() {
            let around = &chars[span.start.saturating_sub(prefix.len())..span.start];
            num += 0.35 * context_similarity(&prefix, around, &mut stats);
            den += 0.35;
        }
        if !suffix.is_empty() {
            let around = &chars[span.end..(span.end + suffix.len()).min(n)];
            num += 0.35 * context_similarity(&suffix, around, &mut stats);
            den += 0.35;
        }
        if let Some(h) = query.hint {
            let dist = (span.start + lo).abs_diff(h) as f64;
            num += 0.15 / (1.0 + dist / 1000.0);
            den += 0.15;
        }
        let rank = num / den;
        let candidate = FuzzyMatch {
            span: Span {
                start: span.start + lo,
                end: span.end + lo,
            },
            score,
            distance: d,
        };
        let better = match &best {
            None => true,
            Some((r, b)) => {
                rank > *r
                    || (rank == *r
                        && (candidate.distance, candidate.span.start) < (b.distance, b.span.start))
            }
        };
        if better {
            best = Some((rank, candidate));
        }
    }
    (best.map(|b| b.1), stats)
}

/// `1 - d / max(m, len)`, in 0.0..=1.0.
fn similarity(d: usize, m: usize, len: usize) -> f64 {
    let denom = m.max(len);
    if denom == 0 {
        return 1.0;
    }
    (1.0 - d as f64 / denom as f64).clamp(0.0, 1.0)
}

/// Chars read at most when aligning a quote of `m` chars from a candidate
/// whose window distance was `d`.
fn extension_len(m: usize, d: usize) -> usize {
    m + (m / 2 + 16).max(d)
}

mod myers;
use myers::{Myers, MyersFixed, Peq, Step};

// ---------------------------------------------------------------------------
// Scans and candidates.

/// Which way a candidate is extended: `Backward` from a passage end (found
/// by the forward tail scan), `Forward` from a passage start (found by the
/// backward head scan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Backward = 0,
    Forward = 1,
}

struct ScanCtx<'t> {
    text: &'t [char],
    k: usize,
    cap: usize,
    spacing: usize,
    m: usize,
    lo: usize,
    hint: Option<usize>,
}

/// (scan distance, quote does not fit, distance to hint, position).
type Key = (usize, bool, usize, usize);

#[derive(Debug, Clone, Copy)]
struct Cand {
    key: Key,
    pos: usize,
    dir: Dir,
}

/// Runs one scan and returns at most `ctx.cap` candidates, best first.
/// `Dir::Backward` candidates are passage ends from a forward scan;
/// `Dir::Forward` ones are passage starts from a scan of the reversed text.
fn scan(peq: &Peq, ctx: &ScanCtx, dir: Dir, stats: &mut Stats) -> Vec<Cand> {
    stats.scan_steps += ctx.text.len() as u64 * peq.blocks as u64;
    match peq.blocks {
        1 => scan_with(MyersFixed::<1>::new(peq), ctx, dir),
        2 => scan_with(MyersFixed::<2>::new(peq), ctx, dir),
        _ => scan_with(Myers::new(peq, false), ctx, dir),
    }
}

fn scan_with(mut myers: impl Step, ctx: &ScanCtx, dir: Dir) -> Vec<Cand> {
    let n = ctx.text.len();
    let heap_cap = 2 * ctx.cap;
    let mut heap: BinaryHeap<Key> = BinaryHeap::with_capacity(heap_cap + 1);
    let mut emit = |pos: usize, d: usize| {
        if d > ctx.k {
            return;
        }
        let (fits, start) = match dir {
            Dir::Backward => (pos >= ctx.m, pos.saturating_sub(ctx.m)),
            Dir::Forward => (pos + ctx.m <= n, pos),
        };
        let hint_dist = ctx.hint.map_or(0, |h| (start + ctx.lo).abs_diff(h));
        let key = (d, !fits, hint_dist, pos);
        if heap.len() == heap_cap && heap.peek().is_some_and(|top| key >= *top) {
            return;
        }
        heap.push(key);
        if heap.len() > heap_cap {
            heap.pop();
        }
    };

    let mut prev = usize::MAX;
    let mut pending: Option<usize> = None; // first position of a run entered by a descent
    let mut run = 0usize;
    let mut visit = |pos: usize, d: usize| {
        if d > ctx.k && prev > ctx.k {
            // Neither this run nor a pending one can be emitted.
            pending = None;
        } else if d < prev {
            pending = Some(pos);
            run = 0;
        } else if d == prev {
            if pending.is_some() {
                run += 1;
                if run.is_multiple_of(ctx.spacing) {
                    emit(pos, d);
                }
            }
        } else if let Some(p) = pending.take() {
            emit(p, prev);
        }
        prev = d;
    };
    match dir {
        Dir::Backward => {
            for (i, &c) in ctx.text.iter().enumerate() {
                visit(i + 1, myers.step(c));
            }
        }
        Dir::Forward => {
            for (i, &c) in ctx.text.iter().enumerate().rev() {
                visit(i, myers.step(c));
            }
        }
    }
    if let Some(p) = pending {
        emit(p, prev);
    }

    let mut out: Vec<Cand> = Vec::with_capacity(ctx.cap);
    for key in heap.into_sorted_vec() {
        if out.len() == ctx.cap {
            break;
        }
        let pos = key.3;
        if out.iter().all(|c| c.pos.abs_diff(pos) >= ctx.spacing) {
            out.push(Cand { key, pos, dir });
        }
    }
    out
}

/// Aligns the whole pattern of `peq` with the text anchored at `anchor`,
/// reading backwards (`peq` must then hold the reversed quote) or forwards,
/// at most `max_len` chars. Returns the passage length and its distance,
/// preferring the smallest distance, then a length closest to the quote's.
fn align_anchored(
    peq: &Peq,
    text: &[char],
    anchor: usize,
    dir: Dir,
    max_len: usize,
    stats: &mut Stats,
) -> (usize, usize) {
    let m = peq.m;
    let mut myers = Myers::new(peq, true);
    let mut best = (m, m, 0usize); // (distance, |len - m|, len) for len 0
    let chars: Box<dyn Iterator<Item = &char>> = match dir {
        Dir::Backward => Box::new(text[anchor.saturating_sub(max_len)..anchor].iter().rev()),
        Dir::Forward => Box::new(text[anchor..(anchor + max_len).min(text.len())].iter()),
    };
    let mut steps = 0u64;
    for (t, &c) in (1..).zip(chars) {
        // D(quote, passage of t chars) >= t - m: nothing longer can win.
        if t > m + best.0 {
            break;
        }
        steps += 1;
        let d = myers.step(c);
        let key = (d, t.abs_diff(m), t);
        if key < best {
            best = key;
        }
    }
    stats.extensions += 1;
    stats.extension_steps += steps * peq.blocks as u64;
    (best.2, best.0)
}

/// `1 - lev(a, b) / max(|a|, |b|)`; plain two-row dynamic programming.
fn context_similarity(a: &[char], b: &[char], stats: &mut Stats) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    stats.context_cells += (a.len() * b.len()) as u64;
    1.0 - levenshtein(a, b) as f64 / longest as f64
}

fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(x != y)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain DP: search mode (free start) or anchored, last row per column.
    fn naive(pattern: &[char], text: &[char], anchored: bool) -> Vec<usize> {
        let m = pattern.len();
        let mut col: Vec<usize> = (0..=m).collect();
        let mut out = Vec::new();
        for (j, &c) in text.iter().enumerate() {
            let mut next = vec![if anchored { j + 1 } else { 0 }; m + 1];
            for i in 1..=m {
                next[i] = (col[i - 1] + usize::from(pattern[i - 1] != c))
                    .min(col[i] + 1)
                    .min(next[i - 1] + 1);
            }
            out.push(next[m]);
            col = next;
        }
        out
    }

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *seed >> 33
    }

    #[test]
    fn myers_matches_naive_dp() {
        let alphabet: Vec<char> = "abcé😀".chars().collect();
        let mut seed = 7u64;
        for round in 0..200 {
            let m = 1 + (lcg(&mut seed) as usize) % if round % 3 == 0 { 200 } else { 70 };
            let n = (lcg(&mut seed) as usize) % 150;
            let pick = |s: &mut u64| alphabet[(lcg(s) as usize) % alphabet.len()];
            let pattern: Vec<char> = (0..m).map(|_| pick(&mut seed)).collect();
            let text: Vec<char> = (0..n).map(|_| pick(&mut seed)).collect();
            let peq = Peq::new(&pattern);
            for anchored in [false, true] {
                let mut my = Myers::new(&peq, anchored);
                let got: Vec<usize> = text.iter().map(|&c| my.step(c)).collect();
                assert_eq!(
                    got,
                    naive(&pattern, &text, anchored),
                    "m={m} anchored={anchored}"
                );
            }
        }
    }
}
