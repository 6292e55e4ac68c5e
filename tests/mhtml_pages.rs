//! MHTML archives (`.mhtml`, `.mht`) as sources: the whole archive is stored, and quotes
//! anchor in the text a reader sees in its root HTML part, as Chromium shows it.
//!
//! Fixtures (tests/data/pages/): `article.mhtml` and `singlefile.mhtml` are true Chromium
//! MHTML, written by tests/tools/save_mhtml.py (DevTools `Page.captureSnapshot`) from
//! article.html and singlefile.html; `legacy.mht` is written by hand the way Internet
//! Explorer wrote archives: a windows-1252 root part that is not the first part (named by
//! `start`), with `<noscript>` and a legacy `shadowmode` template. `latin1.mhtml` is
//! Chromium's MHTML of a windows-1252 page: its part names no charset, its `<meta>` does.

#[path = "common/chromium.rs"]
mod chromium;
mod common;

use common::{Sandbox, code_point_offset};
use serde_json::Value;

const ARTICLE_HTML: &str = include_str!("data/pages/article.html");
const ARTICLE: &[u8] = include_bytes!("data/pages/article.mhtml");
const SINGLE_FILE: &[u8] = include_bytes!("data/pages/singlefile.mhtml");
const LEGACY: &[u8] = include_bytes!("data/pages/legacy.mht");

const EXTRACTOR: &str = "claimledger-mhtml/1+claimledger-html-innertext/2";

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pages")
}

fn derived(sb: &Sandbox, sha256: &str) -> (String, String) {
    sb.sql()
        .query_row(
            "SELECT extractor, text FROM derived_texts WHERE sha256 = ?1",
            [sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a derived text is recorded")
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

fn refused_quote(sb: &Sandbox, source: &str, quote: &str, expected: &str) -> String {
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            source,
            "--quote",
            quote,
            "--claimant",
            "x",
        ],
        expected,
    )
}

#[test]
fn the_whole_archive_is_stored_and_its_page_text_derived() {
    let sb = Sandbox::new();
    let path = sb.file("article.mhtml", ARTICLE);
    let out = sb.cmd(&["source", "add", &path]).output().unwrap();
    common::assert_success(&["source", "add"], &out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(multipart/related)"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "quotes anchor in the text a reader sees, derived by {EXTRACTOR}"
        )),
        "{stderr}"
    );
    let sha = String::from_utf8(out.stdout).unwrap().trim().to_string();
    // The stored bytes are the archive's, every part of it.
    let conn = sb.sql();
    let mut stmt = conn
        .prepare("SELECT data FROM blob_chunks ORDER BY blob_id, chunk")
        .unwrap();
    let bytes: Vec<u8> = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .flat_map(Result::unwrap)
        .collect();
    assert_eq!(bytes, ARTICLE);
    assert_eq!(
        sb.count("SELECT count(*) FROM sources WHERE media_type = 'multipart/related'"),
        1
    );
    // The text is the page's: the same as the page saved as HTML gives.
    let (extractor, text) = derived(&sb, &sha);
    assert_eq!(extractor, EXTRACTOR);
    let html = sb.add_source("article.html", ARTICLE_HTML);
    assert_eq!(text, derived(&sb, &html).1);
    assert!(
        !text.contains("MultipartBoundary") && !text.contains("=3D"),
        "{text}"
    );
    let shown = sb.json(&["source", "show", &sha, "--text"]);
    assert_eq!(shown["text"], text.as_str());
    assert_eq!(shown["text_derived_by"], EXTRACTOR);
    sb.ok(&["verify"]);
}

#[test]
fn derived_text_is_what_chromium_shows_and_copied_quotes_anchor() {
    let sb = Sandbox::new();
    let names = [
        "article.mhtml",
        "singlefile.mhtml",
        "legacy.mht",
        "latin1.mhtml",
    ];
    let paths: Vec<String> = names
        .iter()
        .map(|n| dir().join(n).to_str().unwrap().to_string())
        .collect();
    let mut ours = Vec::new();
    let mut shas = Vec::new();
    for path in &paths {
        let sha = sb.json(&["source", "add", path])["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        ours.push(derived(&sb, &sha).1);
        shas.push(sha);
    }
    let chromium = chromium::inner_text(&paths.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(ours, chromium);
    // Quotes as a reader copies them from the browser, one or more per archive.
    let copied = [
        (0, "the ferry will run every hour, even in winter"),
        (0, "Vote in May \u{1f389} after the review"),
        (1, "12 shares"),
        (1, "affordable only if the state pays"),
        // windows-1252 quotation marks and é, markup inside the quote
        (
            2,
            "\u{201c}Tolls will not rise before June.\u{201d} Its caf\u{e9} stays open",
        ),
        // <noscript>: no script runs in an archive, so a reader sees it
        (2, "Printed notice: valid until 31 May."),
        (2, "A\t\u{20ac}40"),
        // windows-1252, named only by the page's <meta>
        (
            3,
            "co\u{fb}tera 1,20\u{a0}\u{20ac} \u{e0} partir d\u{2019}avril",
        ),
        (
            3,
            "\u{201c}Ce n\u{2019}est pas une promesse \u{e9}lectorale\u{201d}",
        ),
    ];
    for (i, quote) in copied {
        assert!(chromium[i].contains(quote), "{quote}");
        let c = claim(&sb, &shas[i], quote);
        let start = code_point_offset(&chromium[i], quote, 1);
        assert_eq!(c["appearances"][0]["start"], start, "{quote}");
        assert_eq!(c["appearances"][0]["end"], start + quote.chars().count());
    }
    // Not shown by Chromium, not quotable: a shadow root's content (the `shadowmode`
    // Chromium writes), its host's unslotted text, the script in the head.
    for (i, quote) in [
        (1, "Share this story"),
        (2, "Opening hours"),
        (2, "Tolls rise in June"),
    ] {
        assert!(!chromium[i].contains(quote), "{quote}");
        refused_quote(&sb, &shas[i], quote, "");
    }
    sb.ok(&["verify"]);
}

#[test]
fn audit_shows_where_in_the_archived_page_the_quote_sits() {
    let sb = Sandbox::new();
    let sha = sb.add_source("legacy.mht", LEGACY);
    claim(&sb, &sha, "Tolls will not rise before June.");
    let audit = sb.ok(&["audit", "C1"]);
    assert!(
        audit.contains(
            "markup /html[1]/body[1]/p[1]/text()[1] 26 .. /html[1]/body[1]/p[1]/text()[2] 18"
        ),
        "{audit}"
    );
    // The markup is the decoded root part's, not quoted-printable.
    assert!(
        audit.contains("\u{201c}Tolls will <b>not</b> rise before June.\u{201d}"),
        "{audit}"
    );
    let json = sb.json(&["audit", "C1"]);
    let a = &json["appearances"][0];
    assert_eq!(a["span_ok"], true);
    assert_eq!(
        a["markup"]["start_xpath"],
        "/html[1]/body[1]/p[1]/text()[1]"
    );
    assert_eq!(a["markup"]["end_offset"], 18);
}

#[test]
fn verify_re_derives_and_catches_an_edited_text() {
    let sb = Sandbox::new();
    let sha = sb.add_source("singlefile.mhtml", SINGLE_FILE);
    claim(&sb, &sha, "12 shares");
    sb.ok(&["verify"]);
    sb.sql()
        .execute(
            "UPDATE derived_texts SET text = replace(text, '12 shares', '99 shares')",
            [],
        )
        .unwrap();
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("is not the text {EXTRACTOR} derives")),
        "{stdout}"
    );
    // Put back, but named as made by the HTML rules alone: reported, not accepted.
    sb.sql()
        .execute(
            "UPDATE derived_texts SET text = replace(text, '99 shares', '12 shares'),
                    extractor = 'claimledger-html-innertext/2'",
            [],
        )
        .unwrap();
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("was derived by claimledger-html-innertext/2"),
        "{stdout}"
    );
}

#[test]
fn an_archive_is_known_by_its_headers_without_its_name() {
    let sb = Sandbox::new();
    let path = sb.file("capture-2026-03-02", ARTICLE);
    let added = sb.json(&["source", "add", &path]);
    assert_eq!(added["media_type"], "multipart/related");
    assert_eq!(added["text_extractor"], EXTRACTOR);
}

#[test]
fn an_archive_whose_page_cannot_be_read_is_evidence_only() {
    let sb = Sandbox::new();
    // A charset no browser knows.
    let unknown = String::from_utf8(LEGACY.to_vec())
        .unwrap()
        .replace("charset=\"windows-1252\"", "charset=\"x-claimledger-none\"");
    let path = sb.file("unknown.mht", &unknown);
    let out = sb.cmd(&["source", "add", &path]).output().unwrap();
    common::assert_success(&["source", "add"], &out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("an MHTML archive whose page cannot be read"),
        "{stderr}"
    );
    assert_eq!(sb.count("SELECT count(*) FROM derived_texts"), 0);
    let sha = String::from_utf8(out.stdout).unwrap().trim().to_string();
    // Its MIME text is not what a reader sees: no quote anchors in it.
    refused_quote(
        &sb,
        &sha,
        "Content-Transfer-Encoding",
        "is an MHTML archive whose page claimledger cannot read",
    );
    sb.ok(&["verify"]);
}

#[test]
fn a_capture_as_mhtml_of_a_page_saved_as_html_finds_its_claims_unchanged() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("article.html", ARTICLE_HTML);
    let quotes = [
        "the ferry will run every hour, even in winter",
        "We & our partners cannot pay for <that>.",
    ];
    for q in quotes {
        claim(&sb, &v1, q);
    }
    let path = sb.file("article.mhtml", ARTICLE);
    let added = sb.json(&["source", "add", &path, "--version-of", &v1]);
    let results = added["reanchored"].as_array().unwrap();
    assert_eq!(results.len(), quotes.len());
    for r in results {
        assert_eq!(r["state"], "unchanged", "{r}");
    }
    sb.ok(&["verify"]);
}

#[test]
fn a_bundle_carries_an_archive_and_its_text() {
    let sb = Sandbox::new();
    let sha = sb.add_source("legacy.mht", LEGACY);
    claim(&sb, &sha, "Printed notice: valid until 31 May.");
    let dir = sb.dir.path().join("bundle");
    sb.ok(&["export", "bundle", dir.to_str().unwrap()]);
    let copy = Sandbox::empty();
    copy.ok(&["import", "bundle", dir.to_str().unwrap()]);
    assert_eq!(derived(&copy, &sha), derived(&sb, &sha));
    copy.ok(&["verify"]);
    assert_eq!(
        copy.json(&["audit", "C1"])["appearances"][0]["span_ok"],
        true
    );
}

#[test]
fn an_unreadable_archive_as_a_new_version_is_stored_and_claims_stay_where_they_are() {
    let sb = Sandbox::new();
    let v1 = sb.add_source("legacy.mht", LEGACY);
    claim(&sb, &v1, "Tolls will not rise before June.");
    let unknown = String::from_utf8(LEGACY.to_vec())
        .unwrap()
        .replace("charset=\"windows-1252\"", "charset=\"x-claimledger-none\"");
    let path = sb.file("unknown.mht", &unknown);
    let added = sb.json(&["source", "add", &path, "--version-of", &v1]);
    assert_eq!(added["version"], 2);
    assert_eq!(added["reanchored"].as_array().map(Vec::len), Some(0));
    // A new claim in version 1 is not followed into the archive that has no text.
    claim(&sb, &v1, "Printed notice: valid until 31 May.");
    assert_eq!(sb.count("SELECT count(*) FROM appearances"), 2);
    sb.ok(&["verify"]);
}
