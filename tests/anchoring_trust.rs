//! Anchoring an editor can trust (issue 10): whole words, whole graphemes, invisible
//! characters ignored, elided quotes, hints that never mislead, quotes from standard input,
//! punctuation-only changes between versions and tidy default statements. Every test runs
//! the real binary on a temporary ledger.

mod common;

use common::Sandbox;
use serde_json::Value;

/// A fictional dispatch written for these tests: typographic quotes, a soft hyphen, a
/// variation selector, a flag, a ZWJ emoji and a quote broken over lines.
const DISPATCH: &str = "Dispatch from Marenko, 4 March\n\
\n\
The Kremlin said on Tuesday that the bridge near Velmora was \u{201C}fully operational\u{201D}, \
and that one civilian was killed and 13 were injured in the shelling of the depot.\n\
\n\
Volunteers \u{1F469}\u{200D}\u{1F692} from the \u{1F1FA}\u{1F1E6} (@marenko_rescue) team \
cleared the road by noon.\n\
\n\
Regional officials in Belgo\u{AD}rod warned \u{26A0}\u{FE0F} residents to stay indoors, \
adding that the evacuation would take \u{201C}several days, perhaps longer\u{201D}.\n\
\n\
Mayor Ilse Varga told reporters: \u{201C}We will rebuild the market, the school and the \
clinic,\nand we will do it before winter,\u{201D} before leaving for the capital.\n\
\n\
A spokesman for the depot said the fire was out. The fire brigade said the fire was not out.\n";

fn logged() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let sha = sb.add_source("dispatch.txt", DISPATCH);
    (sb, sha)
}

/// Code-point span of the first occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str) -> (u64, u64) {
    let byte = text.find(needle).expect("needle in text");
    let start = text[..byte].chars().count() as u64;
    (start, start + needle.chars().count() as u64)
}

fn add(sb: &Sandbox, sha: &str, quote: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "claim",
        "add",
        "--source",
        sha,
        "--quote",
        quote,
        "--claimant",
        "Kremlin",
    ];
    args.extend_from_slice(extra);
    sb.json(&args)
}

fn add_args<'a>(sha: &'a str, quote: &'a str) -> Vec<&'a str> {
    vec![
        "claim",
        "add",
        "--source",
        sha,
        "--quote",
        quote,
        "--claimant",
        "Kremlin",
    ]
}

// ------------------------------------------------------------------ word boundaries

#[test]
fn a_quote_ending_inside_a_number_is_refused_with_the_whole_word() {
    let (sb, sha) = logged();
    let err = sb.refuses(
        &add_args(&sha, "one civilian was killed and 1"),
        "inside a word",
    );
    assert!(
        err.contains("\"one civilian was killed and 13\""),
        "the whole words are shown: {err}"
    );
    assert!(err.contains("--partial-word"), "{err}");
    assert_eq!(sb.count("SELECT count(*) FROM claims"), 0);
}

#[test]
fn a_quote_ending_inside_a_word_is_refused_unless_partial_words_are_meant() {
    let (sb, sha) = logged();
    let err = sb.refuses(&add_args(&sha, "Kreml"), "inside a word");
    assert!(err.contains("\"Kremlin\""), "{err}");
    assert!(err.contains("line 3:5"), "where it is: {err}");
    // Said explicitly, the part is anchored as typed.
    let out = add(&sb, &sha, "Kreml", &["--partial-word"]);
    let a = &out["appearances"][0];
    let (start, _) = span_of(DISPATCH, "Kremlin");
    assert_eq!(a["start"], start);
    assert_eq!(a["end"], start + 5);
    assert_eq!(a["exact"], "Kreml");
    // claim cite follows the same rule.
    sb.refuses(
        &["claim", "cite", "C1", "--source", &sha, "--quote", "ridge"],
        "inside a word",
    );
    sb.ok(&[
        "claim",
        "cite",
        "C1",
        "--source",
        &sha,
        "--quote",
        "ridge",
        "--partial-word",
    ]);
}

#[test]
fn whole_words_win_over_partial_ones_and_possessives_are_whole() {
    let sb = Sandbox::new();
    let sha = sb.add_source(
        "p.txt",
        "Russia's army and the Russian navy. Then Russia said so.",
    );
    // "Russia" ends before an apostrophe in "Russia's": a possessive counts as a word end.
    // Inside "Russian" it does not count, so there are two whole-word matches.
    let err = sb.refuses(&add_args(&sha, "Russia"), "occurs 2 times");
    assert!(!err.contains("[Russia]n"), "{err}");
    let out = add(&sb, &sha, "Russia", &["--occurrence", "2"]);
    assert_eq!(out["appearances"][0]["start"], 41);
}

// ------------------------------------------------------------------ graphemes

#[test]
fn a_quote_starting_inside_a_flag_is_never_a_match() {
    let (sb, sha) = logged();
    // The second regional indicator of 🇺🇦 alone: half a flag.
    let err = sb.refuses(
        &add_args(&sha, "\u{1F1E6} (@marenko_rescue) team"),
        "not found",
    );
    // Even --partial-word does not split a character.
    let mut args = add_args(&sha, "\u{1F1E6} (@marenko_rescue) team");
    args.push("--partial-word");
    sb.refuses(&args, "not found");
    // The closest passage shows the whole flag, never half of it.
    assert!(!err.contains("[\u{1F1E6}"), "{err}");
    assert!(err.contains("\u{1F1FA}\u{1F1E6}"), "{err}");
    // The whole flag is fine.
    let out = add(&sb, &sha, "\u{1F1FA}\u{1F1E6} (@marenko_rescue) team", &[]);
    assert_eq!(out["appearances"][0]["normalized"], false);
}

#[test]
fn a_quote_ending_inside_a_zwj_sequence_is_never_a_match() {
    let (sb, sha) = logged();
    let err = sb.refuses(&add_args(&sha, "Volunteers \u{1F469}"), "not found");
    // The closest passage holds the whole firefighter, not the woman alone.
    assert!(!err.contains("\u{1F469}]"), "{err}");
    assert!(err.contains("\u{1F469}\u{200D}\u{1F692}"), "{err}");
    let out = add(&sb, &sha, "Volunteers \u{1F469}\u{200D}\u{1F692}", &[]);
    assert_eq!(
        out["appearances"][0]["exact"],
        "Volunteers \u{1F469}\u{200D}\u{1F692}"
    );
}

// ------------------------------------------------------------------ invisible characters

#[test]
fn a_soft_hyphen_in_the_source_does_not_hide_the_word() {
    let (sb, sha) = logged();
    let out = add(&sb, &sha, "Regional officials in Belgorod warned", &[]);
    let a = &out["appearances"][0];
    assert_eq!(a["normalized"], true);
    // The appearance keeps the source's exact text, soft hyphen and all.
    assert_eq!(a["exact"], "Regional officials in Belgo\u{AD}rod warned");
    let (start, end) = span_of(DISPATCH, "Regional officials in Belgo\u{AD}rod warned");
    assert_eq!(
        (a["start"].as_u64(), a["end"].as_u64()),
        (Some(start), Some(end))
    );
    sb.ok(&["verify"]);
}

#[test]
fn a_variation_selector_and_zero_width_characters_are_ignored_on_either_side() {
    let (sb, sha) = logged();
    // The source has ⚠ followed by VS16; the quote has the bare sign.
    let out = add(&sb, &sha, "warned \u{26A0} residents", &[]);
    assert_eq!(
        out["appearances"][0]["exact"],
        "warned \u{26A0}\u{FE0F} residents"
    );
    // A quote ending on the sign takes in its variation selector: a whole character.
    let out = add(&sb, &sha, "Belgorod warned \u{26A0}", &[]);
    assert_eq!(
        out["appearances"][0]["exact"],
        "Belgo\u{AD}rod warned \u{26A0}\u{FE0F}"
    );
    // Zero-width space, word joiner and a byte order mark typed into the quote.
    let out = add(
        &sb,
        &sha,
        "the bridge\u{200B} near\u{2060} Velmora\u{FEFF} was",
        &[],
    );
    assert_eq!(
        out["appearances"][0]["exact"],
        "the bridge near Velmora was"
    );
    assert_eq!(out["appearances"][0]["normalized"], true);
}

// ------------------------------------------------------------------ hints

#[test]
fn a_hint_shows_whole_words_and_no_difference_that_matching_ignores() {
    let (sb, sha) = logged();
    // A straight-quoted, mistyped quote: only the typo is a difference.
    let err = sb.refuses(
        &add_args(&sha, "near Velmora was \"fully operationel\", and that"),
        "not found",
    );
    assert!(
        err.contains("'operationel\"' → 'operational”'")
            || err.contains("'operationel' → 'operational'"),
        "{err}"
    );
    assert!(
        !err.contains("'\"' → '“'"),
        "reports an ignored difference: {err}"
    );
    // The closest passage starts and ends on whole words.
    let line = err
        .lines()
        .find(|l| l.contains("closest passage"))
        .expect("a closest passage");
    let context = line.split_once(": ").unwrap().1;
    let inner = context.trim_matches('…');
    let (before, rest) = inner.split_once('[').unwrap();
    let (_, after) = rest.split_once(']').unwrap();
    let words: Vec<&str> = DISPATCH.split_whitespace().collect();
    let first_shown = before.split_whitespace().next().unwrap_or("");
    let last_shown = after.split_whitespace().last().unwrap_or("");
    for w in [first_shown, last_shown] {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        assert!(
            w.is_empty()
                || words
                    .iter()
                    .any(|x| x.trim_matches(|c: char| !c.is_alphanumeric()) == w),
            "a cut word {w:?} in {context}"
        );
    }
}

#[test]
fn a_hint_never_reports_spacing_and_names_invisible_characters() {
    let sb = Sandbox::new();
    let sha = sb.add_source(
        "r.txt",
        "The convoy drove 10 km to Belgo\u{AD}rad before dawn, officials said.\n",
    );
    let err = sb.refuses(
        &add_args(&sha, "The convoy drove 10km to Belgorod before dawn"),
        "not found",
    );
    assert!(!err.contains("'10km' → '10 km'"), "{err}");
    assert!(err.contains("U+00AD SOFT HYPHEN"), "{err}");
    let difference = err.lines().find(|l| l.contains('→')).expect("a difference");
    assert!(
        !difference.contains('\u{AD}'),
        "the soft hyphen itself is invisible: {difference}"
    );
}

// ------------------------------------------------------------------ elision

#[test]
fn an_elided_quote_matches_its_fragments_in_order_within_one_passage() {
    let (sb, sha) = logged();
    let quote = "We will rebuild the market ... we will do it before winter";
    let out = add(&sb, &sha, quote, &[]);
    let a = &out["appearances"][0];
    let (start, _) = span_of(DISPATCH, "We will rebuild the market");
    let (_, end) = span_of(DISPATCH, "we will do it before winter");
    assert_eq!(a["start"], start);
    assert_eq!(a["end"], end);
    assert_eq!(
        a["exact"],
        "We will rebuild the market, the school and the clinic,\nand we will do it before winter"
    );
    let fragments = a["fragments"].as_array().expect("fragments recorded");
    assert_eq!(fragments.len(), 2);
    assert_eq!(fragments[0]["start"], start);
    assert_eq!(
        fragments[0]["end"],
        start + "We will rebuild the market".len() as u64
    );
    assert_eq!(fragments[1]["end"], end);
    // The default statement is the fragments, not the words left out.
    assert_eq!(
        out["statement"],
        "We will rebuild the market … we will do it before winter"
    );
    // The journal entry and the table hold the fragments; audit shows the quote elided.
    let stored: String = sb
        .sql()
        .query_row("SELECT fragments FROM appearances", [], |r| r.get(0))
        .unwrap();
    assert!(stored.contains(&format!("\"start\":{start}")), "{stored}");
    let audit = sb.ok(&["audit", "C1"]);
    assert!(
        audit.contains("elided: \"We will rebuild the market … we will do it before winter\""),
        "{audit}"
    );
    sb.ok(&["verify"]);
    // "[…]" works too, and a quote without marks still has no fragments.
    let out = add(
        &sb,
        &sha,
        "The Kremlin said […] the bridge near Velmora",
        &[],
    );
    assert!(out["appearances"][0]["fragments"].is_array());
    let out = add(&sb, &sha, "the bridge near Velmora", &[]);
    assert!(out["appearances"][0].get("fragments").is_none());
}

#[test]
fn an_elided_quote_does_not_cross_a_paragraph_or_run_backwards() {
    let (sb, sha) = logged();
    // Both fragments exist, but in different paragraphs.
    sb.refuses(
        &add_args(&sha, "cleared the road by noon ... Regional officials"),
        "not found",
    );
    // In the wrong order.
    sb.refuses(
        &add_args(&sha, "before winter ... We will rebuild the market"),
        "not found",
    );
    // Each fragment follows the word rule.
    sb.refuses(&add_args(&sha, "The Kreml ... Velmora"), "not found");
}

#[test]
fn a_tampered_fragment_list_is_found_by_verify() {
    let (sb, sha) = logged();
    add(
        &sb,
        &sha,
        "We will rebuild the market ... before winter",
        &[],
    );
    sb.ok(&["verify"]);
    sb.sql()
        .execute(
            "UPDATE appearances SET fragments = '[{\"start\":1,\"end\":2}]'",
            [],
        )
        .unwrap();
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
}

// ------------------------------------------------------------------ standard input

#[test]
fn quote_dash_reads_the_quote_from_standard_input() {
    let (sb, sha) = logged();
    let out = sb
        .cmd(&[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "-",
            "--claimant",
            "Kremlin",
            "--json",
        ])
        .write_stdin("one civilian was killed and 13 were injured\n")
        .output()
        .unwrap();
    common::assert_success(&["claim add --quote -"], &out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["appearances"][0]["exact"],
        "one civilian was killed and 13 were injured"
    );
    // --statement - too, and status set --quote -.
    let out = sb
        .cmd(&[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "fully operational",
            "--claimant",
            "Kremlin",
            "--statement",
            "-",
            "--json",
        ])
        .write_stdin("The bridge at Velmora works\n")
        .output()
        .unwrap();
    common::assert_success(&["claim add --statement -"], &out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["statement"], "The bridge at Velmora works");
    let out = sb
        .cmd(&[
            "status",
            "set",
            "C1",
            "disputed",
            "--evidence",
            &sha,
            "--quote",
            "-",
            "--json",
        ])
        .write_stdin("The fire brigade said the fire was not out.")
        .output()
        .unwrap();
    common::assert_success(&["status set --quote -"], &out);
    let exact: String = sb
        .sql()
        .query_row(
            "SELECT evidence_exact FROM status_events WHERE claim_id = 'C1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exact, "The fire brigade said the fire was not out.");
}

#[test]
fn both_quote_and_statement_cannot_read_standard_input() {
    let (sb, sha) = logged();
    let before = sb.snapshot();
    let out = sb
        .cmd(&[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "-",
            "--claimant",
            "Kremlin",
            "--statement",
            "-",
        ])
        .write_stdin("fully operational")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input"));
    assert_eq!(before, sb.snapshot());
}

// ------------------------------------------------------------------ default statements

#[test]
fn default_statements_drop_surrounding_marks_and_fold_lines() {
    let (sb, sha) = logged();
    let out = add(
        &sb,
        &sha,
        "\u{201C}We will rebuild the market, the school and the clinic,\nand we will do it before winter,\u{201D}",
        &[],
    );
    assert_eq!(
        out["statement"],
        "We will rebuild the market, the school and the clinic, and we will do it before winter"
    );
    // The appearance keeps the exact text, marks and line break included.
    assert_eq!(
        out["appearances"][0]["exact"],
        "\u{201C}We will rebuild the market, the school and the clinic,\nand we will do it before winter,\u{201D}"
    );
    let out = add(&sb, &sha, "was \u{201C}fully operational\u{201D},", &[]);
    assert_eq!(out["statement"], "was \u{201C}fully operational\u{201D}");
}

// ------------------------------------------------------------------ other sources

#[test]
fn a_quote_in_another_stored_source_names_that_source() {
    let (sb, sha) = logged();
    let other = sb.add_source(
        "statement.txt",
        "Press office statement\n\nThe depot fire was contained within the hour.\n",
    );
    let err = sb.refuses(
        &add_args(&sha, "The depot fire was contained within the hour"),
        "not found",
    );
    assert!(err.contains("another stored source"), "{err}");
    assert!(err.contains(&other[..12]), "{err}");
    assert!(err.contains("--source statement"), "{err}");
}

// ------------------------------------------------------------------ versions

/// A ledger with two claims in the dispatch, and a second version of it in which the curly
/// quotes are straight and one number changed. Returns the `source add` output.
fn straightened(json: bool) -> (Sandbox, std::process::Output) {
    let (sb, sha) = logged();
    add(
        &sb,
        &sha,
        "the bridge near Velmora was \u{201C}fully operational\u{201D}",
        &[],
    );
    add(
        &sb,
        &sha,
        "one civilian was killed and 13 were injured",
        &[],
    );
    let v2 = DISPATCH
        .replace(['\u{201C}', '\u{201D}'], "\"")
        .replace("13 were injured", "15 were injured");
    let path = sb.file("dispatch-v2.txt", &v2);
    let mut args = vec!["source", "add", &path, "--version-of", &sha[..12]];
    if json {
        args.push("--json");
    }
    let out = sb.cmd(&args).output().unwrap();
    common::assert_success(&["source add v2"], &out);
    (sb, out)
}

#[test]
fn a_version_that_only_straightens_quotes_is_changed_in_punctuation_only() {
    let (_, out) = straightened(true);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = v["reanchored"].as_array().unwrap();
    let c1 = r.iter().find(|r| r["claim"] == "C1").unwrap();
    assert_eq!(c1["state"], "changed");
    assert_eq!(c1["punctuation_only"], true);
    let c2 = r.iter().find(|r| r["claim"] == "C2").unwrap();
    assert_eq!(c2["state"], "changed");
    assert_eq!(c2["punctuation_only"], false);

    let (sb, out) = straightened(false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let c1_line = stderr.lines().find(|l| l.contains("C1")).unwrap();
    assert!(c1_line.contains("changed (punctuation only)"), "{stderr}");
    let c2_line = stderr.lines().find(|l| l.contains("C2")).unwrap();
    assert!(!c2_line.contains("punctuation"), "{stderr}");
    assert!(
        stderr.contains("2 changed (1 in punctuation only)"),
        "{stderr}"
    );
    let audit = sb.ok(&["audit", "C1"]);
    assert!(audit.contains("changed (punctuation only)"), "{audit}");
    let audit = sb.ok(&["audit", "C2"]);
    assert!(!audit.contains("punctuation only"), "{audit}");
}
