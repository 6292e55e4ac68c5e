//! Quotes as people type them, and documents followed through their versions (SPEC §5).

mod common;

use common::{ARTICLE_V1, ARTICLE_V2, Sandbox, code_point_offset};
use serde_json::Value;

const URL: &str = "https://northgate.example/border/corrin-bridge";

/// The claims of examples/articles/README.md: (quote as in v1, occurrence, expected state
/// in v2). The expectations come from reading the two files, not from the tool.
const CLAIMS: &[(&str, usize, &str)] = &[
    (
        "its forces had carried out “a precision strike on a staging point used by hostile armed formations”",
        1,
        "changed",
    ),
    ("had destroyed at least 40\u{a0}enemy fighters", 1, "moved"),
    (
        "Our units acted to remove an immediate threat to Orvenian territory",
        1,
        "moved",
    ),
    (
        "There were no fighters on the Corrin Bridge last night — not forty, not four, not one",
        1,
        "moved",
    ),
    (
        "a civilian bridge used by farmers and schoolchildren",
        2,
        "moved",
    ),
    (
        "Three civilians were killed and 11 were injured",
        1,
        "moved",
    ),
    (
        "it had recieved the first emergency calls at 3:52 a.m.",
        1,
        "moved",
    ),
    (
        "it had geolocated two clips of the strike to the eastern span of the bridge, about 150 metres from the Valtranian bank",
        1,
        "moved",
    ),
    (
        "Both clips were filmed from the Toskel embankment, looking east.",
        1,
        "missing",
    ),
    (
        "it could not tell from the footage whether anyone on the bridge was armed",
        1,
        "changed",
    ),
    ("approved in Lutrava at the highest level", 1, "unchanged"),
    (
        "vehicles moving without lights … for most of the night",
        1,
        "unchanged",
    ),
    (
        "all targets were verified before engagement",
        1,
        "unchanged",
    ),
    (
        "its cameras recorded two vehicles crossing between 3 a.m. and 4 a.m., both with headlights on",
        1,
        "unchanged",
    ),
];

fn chars(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

fn logged_v1() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let path = sb.file("report-v1.txt", ARTICLE_V1);
    let v1 = sb.json(&["source", "add", &path, "--url", URL])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    for (quote, occurrence, _) in CLAIMS {
        sb.ok(&[
            "claim",
            "add",
            "--source",
            &v1,
            "--quote",
            quote,
            "--claimant",
            "someone",
            "--occurrence",
            &occurrence.to_string(),
        ]);
    }
    (sb, v1)
}

#[test]
fn a_new_version_re_anchors_every_earlier_claim() {
    let (sb, v1) = logged_v1();
    let path = sb.file("report-v2.txt", ARTICLE_V2);
    let out = sb
        .cmd(&["source", "add", &path, "--url", URL, "--json"])
        .output()
        .unwrap();
    common::assert_success(&["source", "add"], &out);
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added["version"], 2);
    assert_eq!(added["document"], "report-v1");
    let v2 = added["sha256"].as_str().unwrap();
    let results = added["reanchored"].as_array().unwrap();
    assert_eq!(results.len(), CLAIMS.len());
    for (i, (quote, occurrence, expected)) in CLAIMS.iter().enumerate() {
        let r = &results[i];
        assert_eq!(r["claim"], format!("C{}", i + 1));
        assert_eq!(r["state"], *expected, "C{}: {quote}", i + 1);
        assert_eq!(r["from"], v1.as_str());
        let old = code_point_offset(ARTICLE_V1, quote, *occurrence);
        assert_eq!(r["old_start"], old);
        match *expected {
            "unchanged" => assert_eq!(r["start"], old),
            "moved" => {
                let (s, e) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
                assert_eq!(chars(ARTICLE_V2, s, e), *quote);
                assert_ne!(s as usize, old);
            }
            "changed" => {
                let (s, e) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
                assert_ne!(chars(ARTICLE_V2, s, e), *quote);
                assert_eq!(r["exact"], chars(ARTICLE_V2, s, e).as_str());
            }
            _ => assert!(r["start"].is_null()),
        }
    }
    // The reworded claim lands on its paragraph, on whole words.
    let reworded = results[9]["exact"].as_str().unwrap();
    assert!(
        reworded.contains("footage did not show whether anyone on the bridge"),
        "{reworded}"
    );
    assert!(
        reworded.ends_with("carrying") || reworded.ends_with("weapons"),
        "{reworded}"
    );
    // Straight quotes in v2 are found by normalized matching.
    assert_eq!(
        results[0]["exact"],
        "its forces had carried out \"a precision strike on a staging point used by hostile armed formations\""
    );

    // The summary line on stderr.
    let stderr = sb
        .cmd(&["source", "add", &sb.file("again.txt", ARTICLE_V2)])
        .output()
        .unwrap()
        .stderr;
    assert!(String::from_utf8_lossy(&stderr).contains("nothing written"));

    // audit shows every version for each appearance.
    let audit = sb.json(&["audit", "C9"]);
    let versions = audit["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["sha256"], v1.as_str());
    assert_eq!(versions[0]["state"], "unchanged");
    assert_eq!(versions[1]["sha256"], v2);
    assert_eq!(versions[1]["state"], "missing");
    let audit10 = sb.ok(&["audit", "C10"]);
    assert!(audit10.contains("report-v1@2"), "{audit10}");
    assert!(audit10.contains("changed"), "{audit10}");

    // list flags the claim whose quote is missing from the latest version.
    let list = sb.json(&["list"]);
    assert_eq!(list[8]["latest"], "missing");
    assert_eq!(list[10]["latest"], "unchanged");
    let missing = sb.json(&["list", "--missing"]);
    let missing: Vec<&str> = missing
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["C9"]);
    let table = sb
        .cmd(&["list"])
        .env("COLUMNS", "200")
        .output()
        .unwrap()
        .stdout;
    let table = String::from_utf8(table).unwrap();
    assert!(table.contains("latest version"), "{table}");
}

#[test]
fn the_re_anchoring_report_reads_as_a_summary() {
    let (sb, _) = logged_v1();
    let path = sb.file("report-v2.txt", ARTICLE_V2);
    let out = sb
        .cmd(&["source", "add", &path, "--url", URL])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("re-anchored 14 appearance(s) from earlier versions: 4 unchanged, 7 moved, 2 changed (1 in punctuation only), 1 missing"),
        "{stderr}"
    );
    assert!(stderr.contains("C9    missing"), "{stderr}");
    // C1's quote only lost its curly quotation marks: it reads the same.
    assert!(
        stderr.contains("C1    changed (punctuation only)"),
        "{stderr}"
    );
    assert!(!stderr.contains("C10   changed (punctuation"), "{stderr}");
}

#[test]
fn version_of_joins_a_document_and_doc_at_n_names_versions() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("first.txt", ARTICLE_V1);
    let path = sb.file("second.txt", ARTICLE_V2);
    let v2 = sb.json(&["source", "add", &path, "--version-of", &v1[..8]]);
    assert_eq!(v2["document"], "first");
    assert_eq!(v2["version"], 2);
    let v2 = v2["sha256"].as_str().unwrap().to_string();
    assert_eq!(
        sb.json(&["source", "show", "first@1"])["sha256"],
        v1.as_str()
    );
    assert_eq!(
        sb.json(&["source", "show", "first@2"])["sha256"],
        v2.as_str()
    );
    assert_eq!(
        sb.json(&["source", "show", "first@latest"])["sha256"],
        v2.as_str()
    );
    assert_eq!(sb.json(&["source", "show", "first"])["versions"], 2);
    // An unrelated source is a document of its own.
    let other = sb.json(&[
        "source",
        "add",
        &sb.file("other.txt", "Another report entirely."),
    ]);
    assert_eq!(other["version"], 1);
    let list = sb.json(&["source", "list"]);
    let order: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}@{}", s["document"].as_str().unwrap(), s["version"]))
        .collect();
    assert_eq!(order, ["first@1", "first@2", "other@1"]);
    // --version-of and --url that disagree are refused.
    sb.ok(&[
        "source",
        "add",
        &sb.file("u.txt", "Third report."),
        "--url",
        "https://x.example/a",
    ]);
    sb.refuses(
        &[
            "source",
            "add",
            &sb.file("w.txt", "Fourth."),
            "--version-of",
            &v1,
            "--url",
            "https://x.example/a",
        ],
        "--version-of names document 'first' but --url belongs to document 'u'",
    );
}

#[test]
fn a_claim_added_on_a_later_version_is_followed_into_the_earlier_ones() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("first.txt", ARTICLE_V1);
    let v2 = sb.json(&[
        "source",
        "add",
        &sb.file("second.txt", ARTICLE_V2),
        "--version-of",
        &v1,
    ]);
    let v2 = v2["sha256"].as_str().unwrap();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        "first@latest",
        "--quote",
        "carrying weapons",
        "--claimant",
        "Lantern Maps",
    ]);
    let audit = sb.json(&["audit", "C1"]);
    let versions = audit["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["sha256"], v1.as_str());
    assert_eq!(versions[0]["state"], "missing");
    assert_eq!(versions[1]["sha256"], v2);
    assert_eq!(versions[1]["recorded_here"], true);
}

#[test]
fn source_diff_prints_a_unified_line_diff() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("first.txt", ARTICLE_V1);
    sb.ok(&[
        "source",
        "add",
        &sb.file("second.txt", ARTICLE_V2),
        "--version-of",
        &v1,
    ]);
    let diff = sb.ok(&["source", "diff", "first@1", "first@2"]);
    assert!(diff.starts_with("--- first@1 "), "{diff}");
    assert!(diff.contains("\n+++ first@2 "), "{diff}");
    assert!(diff.contains("\n-[Embedded post]"), "{diff}");
    assert!(diff.contains("@@ "), "{diff}");
    // Every removed and added line is really a line of the old or new text.
    for line in diff.lines().skip(2) {
        if let Some(removed) = line.strip_prefix('-') {
            assert!(ARTICLE_V1.contains(removed), "{removed}");
        } else if let Some(added) = line.strip_prefix('+') {
            assert!(ARTICLE_V2.contains(added), "{added}");
        }
    }
    assert!(sb.ok(&["source", "diff", "first@1", "first@1"]).is_empty());
}

/// Quotes typed the way people type them: each anchors to the right original span.
#[test]
fn quotes_typed_with_variants_anchor_to_the_original_span() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("report.txt", ARTICLE_V1);
    let cases: &[(&str, &str)] = &[
        // straight quotes for curly ones
        (
            "carried out \"a precision strike on a staging point used by hostile armed formations\" and",
            "carried out “a precision strike on a staging point used by hostile armed formations” and",
        ),
        // a hyphen and a double hyphen for the em dash, doubled spaces
        (
            "last night - not forty,  not four, not one",
            "last night — not forty, not four, not one",
        ),
        // three dots for the ellipsis
        (
            "without lights ... for most of the night",
            "without lights … for most of the night",
        ),
        // a plain space for the no-break space
        (
            "at least 40 enemy fighters",
            "at least 40\u{a0}enemy fighters",
        ),
        // a missing space in the source ("toldThe")
        ("told The Meridian Courier", "toldThe Meridian Courier"),
        // a line break inside the quote, and a straight apostrophe
        (
            "Valtrane's government\nrejected that account",
            "Valtrane’s government rejected that account",
        ),
        // an en dash typed as a hyphen
        ("a gap of 3-4 metres", "a gap of 3–4 metres"),
        // NFKC: full-width digits and a ligature
        ("at ３:52 a.m.", "at 3:52 a.m."),
        ("ﬁrst emergency calls", "first emergency calls"),
    ];
    for (typed, original) in cases {
        let out = sb.json(&[
            "claim",
            "add",
            "--source",
            &v1,
            "--quote",
            typed,
            "--claimant",
            "x",
        ]);
        let a = &out["appearances"][0];
        assert_eq!(a["exact"], *original, "typed {typed:?}");
        assert_eq!(a["normalized"], true, "typed {typed:?}");
        assert_eq!(
            a["start"],
            code_point_offset(ARTICLE_V1, original, 1),
            "typed {typed:?}"
        );
    }
    // Case is kept: a capitalised quote does not match.
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &v1,
            "--quote",
            "THREE CIVILIANS WERE KILLED",
            "--claimant",
            "x",
        ],
        "not found",
    );
    let _ = stderr;
}

#[test]
fn a_quote_not_found_shows_the_closest_passage_and_how_it_differs() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("report.txt", ARTICLE_V1);
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &v1,
            "--quote",
            "Three civilians were killed and 12 were injured",
            "--claimant",
            "x",
        ],
        "the quote was not found",
    );
    let line = ARTICLE_V1[..ARTICLE_V1.find("Three civilians").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        stderr.contains(&format!("closest passage, line {line}:")),
        "{stderr}"
    );
    assert!(
        stderr.contains("[Three civilians were killed and 11 were injured]"),
        "{stderr}"
    );
    assert!(stderr.contains("'12' → '11'"), "{stderr}");
    // Nothing like it at all: no closest passage is offered.
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &v1,
            "--quote",
            "zzzz qqqq xxxx",
            "--claimant",
            "x",
        ],
        "the quote was not found",
    );
    assert!(!stderr.contains("closest passage"), "{stderr}");
}

#[test]
fn several_normalized_matches_are_listed_and_occurrence_picks_one() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("report.txt", ARTICLE_V1);
    let typed = "a civilian  bridge used by farmers and schoolchildren";
    let stderr = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &v1,
            "--quote",
            typed,
            "--claimant",
            "x",
        ],
        "occurs 2 times",
    );
    assert!(stderr.contains("--occurrence 1: line 3:"), "{stderr}");
    assert!(stderr.contains("--occurrence 2: line 9:"), "{stderr}");
    let out = sb.json(&[
        "claim",
        "add",
        "--source",
        &v1,
        "--quote",
        typed,
        "--claimant",
        "x",
        "--occurrence",
        "2",
    ]);
    let original = "a civilian bridge used by farmers and schoolchildren";
    assert_eq!(
        out["appearances"][0]["start"],
        code_point_offset(ARTICLE_V1, original, 2)
    );
}

#[test]
fn non_text_sources_are_evidence_not_quotable() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("report.txt", ARTICLE_V1);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &v1,
        "--quote",
        "Three civilians were killed",
        "--claimant",
        "council",
    ]);
    // A PNG: the smallest valid header is enough for the media type.
    let png = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R',
    ];
    let added = sb.json(&["source", "add", &sb.file("photo.png", png)]);
    assert_eq!(added["media_type"], "image/png");
    let photo = added["sha256"].as_str().unwrap();
    sb.ok(&[
        "status",
        "set",
        "C1",
        "confirmed",
        "--evidence",
        photo,
        "--note",
        "hospital list photographed",
    ]);
    assert_eq!(sb.json(&["audit", "C1"])["history"][0]["evidence"], photo);
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            photo,
            "--quote",
            "anything",
            "--claimant",
            "x",
        ],
        "is image/png, not UTF-8 text",
    );
    sb.refuses(
        &[
            "status",
            "set",
            "C1",
            "confirmed",
            "--evidence",
            photo,
            "--quote",
            "anything",
        ],
        "not UTF-8 text",
    );
}

#[test]
fn a_version_that_is_not_text_does_not_make_quotes_missing() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("report.txt", ARTICLE_V1);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &v1,
        "--quote",
        "approved in Lutrava at the highest level",
        "--claimant",
        "x",
    ]);
    let pdf = sb.file("report.pdf", b"%PDF-1.4\n\x00\xff");
    sb.ok(&["source", "add", &pdf, "--version-of", &v1]);
    assert!(
        sb.json(&["list", "--missing"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(sb.json(&["list"])[0]["latest"].is_null());
    // The PDF version cannot hold a quote, so the audit does not list it.
    let versions = sb.json(&["audit", "C1"])["versions"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(versions, 1);
}

#[test]
fn stray_spaces_around_a_pasted_quote_are_not_part_of_it() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("report.txt", ARTICLE_V1);
    let quote = "Three civilians were killed";
    let out = sb.json(&[
        "claim",
        "add",
        "--source",
        &v1,
        "--quote",
        &format!("  {quote} \n"),
        "--claimant",
        "x",
    ]);
    assert_eq!(out["appearances"][0]["exact"], quote);
    assert_eq!(out["appearances"][0]["normalized"], false);
    assert_eq!(
        out["appearances"][0]["start"],
        code_point_offset(ARTICLE_V1, quote, 1)
    );
}

#[test]
fn the_normalized_form_is_kept_checked_and_never_trusted_blindly() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("report.txt", ARTICLE_V1);
    // An exact match needs no normalized form; a normalized one builds and keeps it.
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &v1,
        "--quote",
        "Three civilians were killed",
        "--claimant",
        "x",
    ]);
    assert_eq!(sb.count("SELECT count(*) FROM normalized_texts"), 0);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &v1,
        "--quote",
        "Valtrane's government rejected",
        "--claimant",
        "y",
    ]);
    assert_eq!(sb.count("SELECT count(*) FROM normalized_texts"), 1);
    sb.ok(&["verify"]);
    // Tampered with, it is caught by verify, and it cannot make a quote land elsewhere:
    // every normalized match is checked against the source text itself.
    sb.sql()
        .execute("UPDATE normalized_texts SET normalized = replace(normalized, 'Kastellan', 'Kastellam')", [])
        .unwrap();
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("normalized_texts row"));
    let typed = "Foreign Minister Aurel Kastellan  told reporters";
    let a = &sb.json(&[
        "claim",
        "add",
        "--source",
        &v1,
        "--quote",
        typed,
        "--claimant",
        "z",
    ])["appearances"][0];
    let original = "Foreign Minister Aurel Kastellan told reporters";
    assert_eq!(a["exact"], original);
    assert_eq!(a["start"], code_point_offset(ARTICLE_V1, original, 1));
}
