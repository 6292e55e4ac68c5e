//! Web pages as sources: quotes anchor in the text a reader sees (what a browser's
//! `innerText` gives), derived from the stored bytes, recorded with its extractor and
//! checked by `verify`.

#[path = "common/chromium.rs"]
mod chromium;
mod common;

use common::{Sandbox, code_point_offset};
use serde_json::Value;

const ARTICLE: &str = include_str!("data/pages/article.html");
const SAVED: &str = include_str!("data/pages/saved.html");
/// A page as SingleFile saves it: its comment header, a content security policy, styles,
/// scripts and JSON-LD inline, images as big base64 `data:` URIs, `<noscript>`, and
/// custom elements with declarative shadow roots (open and closed, named and default
/// slots).
const SINGLE_FILE: &str = include_str!("data/pages/singlefile.html");
/// Images, form controls, an inline SVG chart, media and an `<object>`: what each adds to
/// the text (and to the white space around it) in Chromium.
const WIDGETS: &str = include_str!("data/pages/widgets.html");
/// A page in windows-1252, as its `<meta>` says (`iso-8859-1`, which browsers read as
/// windows-1252).
const LATIN1: &[u8] = include_bytes!("data/pages/latin1.html");

/// The text of tests/data/pages/article.html as a reader sees it, written out by hand from
/// the page as Chromium shows it (`derived_text_is_what_chromium_shows` checks Chromium
/// agrees).
const ARTICLE_TEXT: &str = "Home | Local\nHarbour council votes on the ferry budget\n\n\
By Ana Lima \u{b7} 3\u{a0}March\n\n\
The mayor said that \u{201c}the ferry will run every hour, even in winter\u{201d} and that fares would fall by 10\u{202f}%.\n\n\
Councillor Baptiste replied: We & our partners cannot pay for <that>.\n\
She added: \"Not this year.\"\n\n\
Budget lines\nLine\tAmount\nFerry\t1.2 m\nRoads\t0.8 m\n\
First reading in April\nVote in May \u{1f389} after the review\n\n\
\u{642}\u{627}\u{644} \u{627}\u{644}\u{639}\u{645}\u{62f}\u{629} \u{625}\u{646} \u{627}\u{644}\u{639}\u{628}\u{627}\u{631}\u{629} \u{633}\u{62a}\u{639}\u{645}\u{644} \u{643}\u{644} \u{633}\u{627}\u{639}\u{629}\n\n\
\u{20}\u{20}kept   as\n  written\n\u{a9} 2026 The Harbour Post";

fn derived(sb: &Sandbox, sha256: &str) -> (String, String) {
    sb.sql()
        .query_row(
            "SELECT extractor, text FROM derived_texts WHERE sha256 = ?1",
            [sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a derived text is recorded")
}

/// Runs `verify`, which must find a problem (exit 3); returns what it printed.
fn verify_fails(sb: &Sandbox) -> String {
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn claim(sb: &Sandbox, source: &str, quote: &str) -> Value {
    sb.json(&[
        "claim",
        "add",
        "--source",
        source,
        "--quote",
        quote,
        "--claimant",
        "someone",
    ])
}

#[test]
fn the_derived_text_is_recorded_and_the_bytes_stay_the_record() {
    let sb = Sandbox::new();
    let path = sb.file("article.html", ARTICLE);
    let added = sb.json(&["source", "add", &path]);
    assert_eq!(added["media_type"], "text/html");
    let sha = added["sha256"].as_str().unwrap();
    let (extractor, text) = derived(&sb, sha);
    assert_eq!(extractor, "claimledger-html-innertext/2");
    assert_eq!(text, ARTICLE_TEXT);
    // The stored bytes are the file's, unchanged.
    let conn = sb.sql();
    let mut stmt = conn
        .prepare("SELECT data FROM blob_chunks ORDER BY blob_id, chunk")
        .unwrap();
    let bytes: Vec<u8> = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .flat_map(Result::unwrap)
        .collect();
    assert_eq!(bytes, ARTICLE.as_bytes());
    sb.ok(&["verify"]);
}

#[test]
fn quotes_anchor_in_the_text_a_reader_sees() {
    let sb = Sandbox::new();
    let sha = sb.add_source("article.html", ARTICLE);
    // (quote as a reader copies it, where it is in the reader's text)
    let quotes = [
        // inline markup and a line break inside the quote; the same words are in scripts,
        // a hidden paragraph, a display:none box and a template, which no reader sees
        "the ferry will run every hour, even in winter",
        // entities
        "We & our partners cannot pay for <that>.",
        "She added: \"Not this year.\"",
        "fares would fall by 10\u{202f}%",
        // emoji and right-to-left text
        "Vote in May \u{1f389} after the review",
        "\u{627}\u{644}\u{639}\u{628}\u{627}\u{631}\u{629} \u{633}\u{62a}\u{639}\u{645}\u{644}",
        // a table cell
        "Roads",
    ];
    for quote in quotes {
        let c = claim(&sb, &sha, quote);
        let a = &c["appearances"][0];
        let start = code_point_offset(ARTICLE_TEXT, quote, 1);
        assert_eq!(a["start"], start, "{quote}");
        assert_eq!(a["end"], start + quote.chars().count(), "{quote}");
        assert_eq!(a["exact"], quote);
        assert_eq!(ARTICLE_TEXT.matches(quote).count(), 1, "{quote} is unique");
    }
    // Words only in markup nobody sees are not quotable.
    let before = sb.snapshot();
    let err = sb.fails(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "even in winter (hidden draft)",
            "--claimant",
            "x",
        ],
        1,
    );
    assert!(err.contains("not found") || err.contains("not in"), "{err}");
    sb.fails(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "var quote",
            "--claimant",
            "x",
        ],
        1,
    );
    assert_eq!(sb.snapshot(), before);
    sb.ok(&["verify"]);
}

#[test]
fn verify_fails_when_the_derived_text_is_edited() {
    let sb = Sandbox::new();
    let sha = sb.add_source("article.html", ARTICLE);
    claim(&sb, &sha, "the ferry will run every hour, even in winter");
    sb.ok(&["verify"]);
    sb.sql()
        .execute(
            "UPDATE derived_texts SET text = replace(text, 'Roads', 'Ropes')",
            [],
        )
        .unwrap();
    let out = verify_fails(&sb);
    assert!(
        out.contains("is not the text claimledger-html-innertext/2 derives"),
        "{out}"
    );
    // A text recorded by another extractor version is reported, not accepted.
    sb.sql()
        .execute(
            "UPDATE derived_texts SET text = replace(text, 'Ropes', 'Roads'),
                    extractor = 'claimledger-html-innertext/1'",
            [],
        )
        .unwrap();
    let out = verify_fails(&sb);
    assert!(
        out.contains("was derived by claimledger-html-innertext/1"),
        "{out}"
    );
}

#[test]
fn a_new_version_with_other_markup_and_the_same_text_is_unchanged() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("article.html", ARTICLE);
    let quotes = [
        "the ferry will run every hour, even in winter",
        "We & our partners cannot pay for <that>.",
        "Vote in May \u{1f389} after the review",
    ];
    for q in quotes {
        claim(&sb, &v1, q);
    }
    // Restyled: other elements, attributes, entities, comments and indentation.
    let restyled = ARTICLE
        .replace(
            "<em>run every hour</em>",
            "<span class=\"stress\">run every</span> <!-- x -->hour",
        )
        .replace("<b>Ana Lima</b>", "<strong>Ana\n Lima</strong>")
        .replace("&amp;", "&#38;")
        .replace("<p>", "<p class=\"para\">")
        .replace("\n    ", "\n\t");
    assert_ne!(restyled, ARTICLE);
    let path = sb.file("article-v2.html", &restyled);
    let added = sb.json(&["source", "add", &path, "--version-of", &v1]);
    let v2 = added["sha256"].as_str().unwrap();
    assert_eq!(derived(&sb, v2).1, derived(&sb, &v1).1);
    let results = added["reanchored"].as_array().unwrap();
    assert_eq!(results.len(), quotes.len());
    for r in results {
        assert_eq!(r["state"], "unchanged", "{r}");
    }
    sb.ok(&["verify"]);
}

#[test]
fn audit_shows_where_the_quote_sits_in_the_markup() {
    let sb = Sandbox::new();
    let sha = sb.add_source("article.html", ARTICLE);
    claim(&sb, &sha, "the ferry will run every hour, even in winter");
    let audit = sb.ok(&["audit", "C1"]);
    assert!(
        audit.contains("markup /html[1]/body[1]/article[1]/p[2]/text()[1] 21 .. /html[1]/body[1]/article[1]/p[2]/text()[2] 23"),
        "{audit}"
    );
    assert!(audit.contains("<em>run every hour</em>"), "{audit}");
    let json = sb.json(&["audit", "C1"]);
    let m = &json["appearances"][0]["markup"];
    assert_eq!(
        m["start_xpath"],
        "/html[1]/body[1]/article[1]/p[2]/text()[1]"
    );
    assert_eq!(m["start_offset"], 21);
    assert_eq!(m["end_offset"], 23);
}

#[test]
fn derived_text_is_what_chromium_shows() {
    let sb = Sandbox::new();
    let pages = [
        ("article.html", ARTICLE),
        ("saved.html", SAVED),
        ("singlefile.html", SINGLE_FILE),
        ("widgets.html", WIDGETS),
    ];
    let mut paths = Vec::new();
    let mut ours = Vec::new();
    for (name, html) in pages {
        let path = sb.file(name, html);
        let sha = sb.json(&["source", "add", &path])["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        ours.push(derived(&sb, &sha).1);
        paths.push(path);
    }
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let chromium = chromium::inner_text(&paths);
    assert_eq!(ours, chromium);
    assert_eq!(chromium[0], ARTICLE_TEXT);
    // A quote copied from the browser anchors.
    let saved = sb.ok(&["source", "list"]);
    assert!(saved.contains("saved"), "{saved}");
    let copied = "Fares will be frozen until January 2027.";
    assert!(chromium[1].contains(copied));
    let c = claim(&sb, "saved@1", copied);
    assert_eq!(
        c["appearances"][0]["start"],
        code_point_offset(&chromium[1], copied, 1)
    );
    for copied in [
        "Ferry  timetable, from June.",
        "Local news",
        "Fares fell\nby 10 %",
        "Subscribe now",
    ] {
        let c = claim(&sb, "widgets@1", copied);
        assert_eq!(
            c["appearances"][0]["start"],
            code_point_offset(&chromium[3], copied, 1),
            "{copied}"
        );
    }
}

#[test]
fn source_show_and_diff_work_on_the_derived_text() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("article.html", ARTICLE);
    let shown = sb.ok(&["source", "show", &v1, "--text"]);
    assert!(
        shown.contains("text: the text a reader sees, derived by claimledger-html-innertext/2"),
        "{shown}"
    );
    // Line numbers count lines of the reader's text, not of the markup.
    let line = ARTICLE_TEXT
        .split('\n')
        .position(|l| l.starts_with("Councillor Baptiste"))
        .unwrap()
        + 1;
    assert!(
        shown.contains(&format!(
            "{line:>2} │ Councillor Baptiste replied: We & our partners cannot pay for <that>.\n"
        )),
        "{shown}"
    );
    assert!(!shown.contains("<script>"), "{shown}");
    assert!(!shown.contains("hidden draft"), "{shown}");
    let json = sb.json(&["source", "show", &v1, "--text"]);
    assert_eq!(json["text"], ARTICLE_TEXT);
    assert_eq!(json["text_derived_by"], "claimledger-html-innertext/2");

    // A new capture: one word changed in the text, and markup changed around it.
    let v2html = ARTICLE
        .replace(
            "<td>Roads</td>",
            "<td class=\"r\"><span>Bridges</span></td>",
        )
        .replace("<nav>", "<nav class=\"top\">");
    let path = sb.file("article-v2.html", v2html);
    let v2 = sb.json(&["source", "add", &path, "--version-of", &v1])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let diff = sb.ok(&["source", "diff", &v1, &v2]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(changed, ["-Roads\t0.8 m", "+Bridges\t0.8 m"], "{diff}");
}

#[test]
fn a_deleted_derived_text_fails_verify() {
    let sb = Sandbox::new();
    let sha = sb.add_source("article.html", ARTICLE);
    claim(&sb, &sha, "Roads");
    sb.sql().execute("DELETE FROM derived_texts", []).unwrap();
    let out = verify_fails(&sb);
    assert!(
        out.contains("its source.add entry says quotes anchor in the text claimledger-html-innertext/2 derives"),
        "{out}"
    );
}

#[test]
fn a_bundle_carries_a_page_whose_quotes_anchor_in_its_text() {
    let sb = Sandbox::new();
    let sha = sb.add_source("article.html", ARTICLE);
    claim(&sb, &sha, "We & our partners cannot pay for <that>.");
    let dir = sb.dir.path().join("bundle");
    sb.ok(&["export", "bundle", dir.to_str().unwrap()]);
    let copy = Sandbox::empty();
    copy.ok(&["import", "bundle", dir.to_str().unwrap()]);
    assert_eq!(derived(&copy, &sha), derived(&sb, &sha));
    copy.ok(&["verify"]);
    let audit = copy.json(&["audit", "C1"]);
    assert_eq!(audit["appearances"][0]["span_ok"], true);
}

#[test]
fn a_single_file_save_anchors_what_the_reader_sees() {
    let sb = Sandbox::new();
    // Saved without a .html name, as a browser download may be: its first bytes say HTML.
    let path = sb.file("ferry-budget (SingleFile)", SINGLE_FILE);
    let added = sb.json(&["source", "add", &path]);
    assert_eq!(added["media_type"], "text/html");
    let sha = added["sha256"].as_str().unwrap();
    let text = derived(&sb, sha).1;
    for quote in [
        "keep the harbour ferry running \u{201c}every hour, even in winter\u{201d}",
        "affordable only if the state pays",
        // slotted into a shadow root (a named slot, then the default slot)
        "12 shares",
        "Fares fall by 10\u{a0}%",
        "The ferry at the quay, photographed in February.",
    ] {
        let c = claim(&sb, sha, quote);
        assert_eq!(
            c["appearances"][0]["start"],
            code_point_offset(&text, quote, 1),
            "{quote}"
        );
    }
    // What no reader sees: the shadow roots' own content, a child no slot takes, a
    // display:none span, <noscript> (scripts run), a script, the JSON-LD, the image data.
    let photo = SINGLE_FILE
        .split("data:image/png;base64,")
        .nth(2)
        .unwrap()
        .get(200..240)
        .unwrap();
    for hidden in [
        "Share this story",
        "Key figures",
        "not slotted",
        "Correction pending",
        "You need JavaScript enabled",
        "the council voted to keep the harbour ferry running",
        "the council will run every hour",
        photo,
    ] {
        assert!(!text.contains(hidden), "{hidden}");
        sb.refuses(
            &[
                "claim",
                "add",
                "--source",
                sha,
                "--quote",
                hidden,
                "--claimant",
                "x",
            ],
            "",
        );
    }
    sb.ok(&["verify"]);
}

#[test]
fn a_page_not_in_utf8_is_read_in_the_encoding_its_meta_names() {
    let sb = Sandbox::new();
    let path = sb.file("latin1.html", LATIN1);
    let added = sb.json(&["source", "add", &path]);
    assert_eq!(added["media_type"], "text/html");
    assert_eq!(added["is_text"], false);
    let sha = added["sha256"].as_str().unwrap().to_string();
    let text = derived(&sb, &sha).1;
    let chromium = chromium::inner_text(&[&path]);
    assert_eq!(text, chromium[0]);
    let quote = "le bac circulera toutes les heures, m\u{ea}me en hiver";
    let c = claim(&sb, &sha, quote);
    assert_eq!(
        c["appearances"][0]["start"],
        code_point_offset(&text, quote, 1)
    );
    // The same page saved again in UTF-8: its claims are followed, unchanged.
    let utf8 = String::from_utf8(
        LATIN1
            .iter()
            .map(|&b| match b {
                0x92 => '\u{2019}',
                0x93 => '\u{201c}',
                0x94 => '\u{201d}',
                0x80 => '\u{20ac}',
                b => char::from(b),
            })
            .collect::<String>()
            .replace("charset=iso-8859-1", "charset=utf-8")
            .into_bytes(),
    )
    .unwrap();
    let path = sb.file("utf8.html", &utf8);
    let v2 = sb.json(&["source", "add", &path, "--version-of", &sha]);
    assert_eq!(v2["reanchored"][0]["state"], "unchanged", "{v2}");
    sb.ok(&["verify"]);
}

#[test]
fn a_quote_a_script_writes_is_refused_with_why() {
    let sb = Sandbox::new();
    let page = "<!DOCTYPE html><html><body><p>By Ana Lima</p>\
                <p><script>document.write('Updated 2 March 2026, 09:10')</script></p>\
                <p>The ferry will run every hour.</p></body></html>";
    let sha = sb.add_source("dated.html", page);
    let err = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "Updated 2 March 2026, 09:10",
            "--claimant",
            "x",
        ],
        "the quote was not found",
    );
    assert!(
        err.contains("words a script writes as the page loads (a date, a byline) are not in it"),
        "{err}"
    );
    // A plain text source gets no such hint.
    let txt = sb.add_source("dated.txt", "By Ana Lima. The ferry will run every hour.");
    let err = sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &txt,
            "--quote",
            "Updated 2 March 2026, 09:10",
            "--claimant",
            "x",
        ],
        "the quote was not found",
    );
    assert!(!err.contains("a script writes"), "{err}");
}
