//! Anchoring speed on generated data, beside a baseline run on the same data in the same run.
//!
//!     cargo bench --bench anchoring
//!
//! A 1 MB text of generated news-like prose (with typographic quotes, dashes, non-breaking
//! spaces and emoji) is searched for one quote near its end:
//!
//! * exact anchoring (`Text::anchor`, the quote as it is in the text);
//! * normalized anchoring (`Text::anchor`, the quote typed with straight quotes, a hyphen for
//!   the dash and doubled spaces, so the exact pass fails first), building the normalized
//!   form, and with the normalized form a ledger keeps beside the source (read back and
//!   checked, as the second and later quotes in a source are);
//! * an elided quote (`… … …`), whose whole form fails before its fragments are chained;
//! * fuzzy search for the closest passage (a 200-character quote with typos);
//! * a pathological fuzzy search (1 MB of "a", a 10,000-character quote "aaa…b").
//!
//! The baseline is `memchr::memmem` finding the exact quote's bytes in the same text: the
//! fastest a byte search can be. Ratios are printed; absolute times drift on shared machines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use claimledger::anchor::Text;
use claimledger::anchor::fuzzy::{self, FuzzyQuery, Limits};

/// Median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// A deterministic generator (xorshift), so every run searches the same text.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn generated_text(bytes: usize) -> String {
    let words = [
        "the",
        "ministry",
        "said",
        "bridge",
        "officials",
        "claimed",
        "strike",
        "council",
        "reported",
        "civilians",
        "were",
        "injured",
        "footage",
        "geolocated",
        "border",
        "town",
        "denied",
        "statement",
        "according",
        "to",
        "a",
        "senior",
        "official",
        "on",
        "Tuesday",
    ];
    let extras = ["“quoted”", "—", "3–4", "…", "\u{a0}", "🇺🇦", "👩‍💻", "’s"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = String::with_capacity(bytes + 64);
    while text.len() < bytes {
        for _ in 0..(8 + rng.next() % 20) {
            text.push_str(rng.pick(&words));
            text.push(' ');
            if rng.next().is_multiple_of(17) {
                text.push_str(rng.pick(&extras));
                text.push(' ');
            }
        }
        text.push_str(".\n\n");
    }
    text
}

fn main() {
    let mut text = generated_text(1 << 20);
    let original = "The ministry’s spokesperson said “no strike took place” — and declined to say more about the bridge";
    let typed = "The ministry's spokesperson said  \"no strike took place\" - and declined to say more about the bridge";
    text.push_str(original);
    text.push_str(" on Tuesday.");
    let t = Text::new(&text);
    assert!(t.anchor(original, None).is_ok_and(|a| !a.normalized));
    assert!(t.anchor(typed, None).is_ok_and(|a| a.normalized));

    let runs = 51;
    let baseline = median(runs, || {
        black_box(memchr::memmem::find(text.as_bytes(), original.as_bytes()));
    });
    let exact = median(runs, || {
        black_box(Text::new(&text).anchor(black_box(original), None).unwrap());
    });
    let normalized = median(runs, || {
        black_box(Text::new(&text).anchor(black_box(typed), None).unwrap());
    });

    // An elided quote: the whole quote is tried (exact, then normalized) and fails, then
    // each fragment is found and the fragments chained.
    let elided = "The ministry’s spokesperson said … and declined to say more about the bridge";
    assert!(t.anchor(elided, None).is_ok_and(|a| a.fragments.is_some()));
    let elided_time = median(runs, || {
        black_box(Text::new(&text).anchor(black_box(elided), None).unwrap());
    });

    // Normalized anchoring as a ledger does it after the first time: the normalized form is
    // kept beside the source, and read back (and checked) rather than rebuilt.
    let built = claimledger::anchor::normalize::NormalizedText::from_source(text.as_str());
    let (stored_text, stored_map) = (built.as_str().to_string(), built.map_bytes());
    let build = median(runs, || {
        black_box(claimledger::anchor::normalize::NormalizedText::from_source(
            black_box(text.as_str()),
        ));
    });
    let with_index = median(runs, || {
        let index = claimledger::anchor::normalize::NormalizedText::from_stored(
            text.as_str(),
            stored_text.clone(),
            &stored_map,
        )
        .unwrap();
        black_box(
            Text::with_index(&text, index)
                .anchor(black_box(typed), None)
                .unwrap(),
        );
    });

    // The same on real-looking prose: the example article repeated to 1 MB.
    let article = include_str!("../examples/articles/report-v1.txt");
    let mut prose = article.repeat((1 << 20) / article.len());
    prose.push_str(original);
    let prose_normalized = median(runs, || {
        black_box(Text::new(&prose).anchor(black_box(typed), None).unwrap());
    });
    let prose_exact = median(runs, || {
        black_box(Text::new(&prose).anchor(black_box(original), None).unwrap());
    });

    let fuzzy_quote: String = {
        let mut q: String = text[text.len() - 2000..]
            .chars()
            .skip(100)
            .take(200)
            .collect();
        q = q.replacen("the", "teh", 2).replacen("said", "siad", 1);
        q
    };
    let fuzzy_runs = 11;
    let fuzzy = median(fuzzy_runs, || {
        black_box(fuzzy::closest(
            &text,
            &FuzzyQuery::new(&fuzzy_quote),
            &Limits::default(),
            fuzzy::DEFAULT_MIN_SCORE,
        ));
    });

    let flat = "a".repeat(1 << 20);
    let pathological_quote = format!("{}b", "a".repeat(9_999));
    let limits = Limits::default();
    let mut work = 0;
    let pathological = median(5, || {
        let (found, stats) = fuzzy::closest_with_stats(
            &flat,
            &FuzzyQuery::new(&pathological_quote),
            &limits,
            fuzzy::DEFAULT_MIN_SCORE,
        );
        black_box(found);
        work = stats.total_work();
    });
    let bound = limits.work_bound(flat.len(), pathological_quote.len());

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "anchoring one quote in {} bytes of generated text (median of {runs} runs)",
        text.len()
    );
    println!("{:<44} {:>10} {:>14}", "", "time", "× memmem");
    println!(
        "{:<44} {:>8.3}ms {:>14}",
        "baseline: memchr::memmem::find (exact bytes)",
        ms(baseline),
        "1.0"
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "exact anchoring (Text::anchor)",
        ms(exact),
        ratio(exact)
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "normalized anchoring (exact pass fails first)",
        ms(normalized),
        ratio(normalized)
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "  of which building the normalized form",
        ms(build),
        ratio(build)
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "normalized, with the kept normalized form",
        ms(with_index),
        ratio(with_index)
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "elided quote (two fragments)",
        ms(elided_time),
        ratio(elided_time)
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "exact, example article repeated to 1 MB",
        ms(prose_exact),
        ratio(prose_exact)
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "normalized, example article repeated to 1 MB",
        ms(prose_normalized),
        ratio(prose_normalized)
    );
    println!(
        "{:<44} {:>8.3}ms {:>14.1}",
        "fuzzy closest passage, 200-char quote",
        ms(fuzzy),
        ratio(fuzzy)
    );
    println!(
        "{:<44} {:>8.3}ms   work {work} of bound {bound}",
        "fuzzy, 1 MB of 'a' and a 10,000-char quote",
        ms(pathological)
    );
}
