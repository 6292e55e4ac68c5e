//! The HTML report, opened in real headless Chromium: what it shows, that hostile text
//! stays text, that it fetches nothing, and how it looks at phone and desktop widths.

mod common;
mod publish;

use common::Sandbox;
use publish::{newsroom, python_ok, require_program};
use serde_json::Value;

const HOSTILE: &str = "<script>alert(1)</script>";

/// A ledger with a hostile party, a hostile note, a closing tag in a statement and a
/// javascript: URL, beside the ordinary newsroom.
fn hostile_newsroom(sb: &Sandbox) {
    newsroom(sb);
    let src = sb.json(&[
        "source",
        "add",
        &sb.file(
            "evil.txt",
            "🪤 A post said \"</script><script>window.__pwned=1</script>\" and more.\n",
        ),
        "--title",
        "<img src=x onerror=alert(2)>",
        "--url",
        "javascript:alert(3)",
    ])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        HOSTILE,
        "--quote",
        "</script><script>window.__pwned=1</script>",
    ]);
    sb.ok(&[
        "status",
        "set",
        "C5",
        "disputed",
        "--by",
        HOSTILE,
        "--note",
        "<b>bold</b> & </script>",
    ]);
    sb.ok(&["checkpoint"]);
}

fn open_in_chromium(sb: &Sandbox, html: &str) -> Value {
    require_program("chromium", "--version", "chromium.sh");
    let shots = sb.dir.path().join("shots");
    python_ok("chromium_check.py", &[html, shots.to_str().unwrap()])
}

#[test]
fn report_renders_every_claim_escapes_hostile_text_and_fetches_nothing() {
    let sb = Sandbox::new();
    hostile_newsroom(&sb);
    let out = sb.dir.path().join("report.html");
    let stdout = sb.ok(&[
        "report",
        "--out",
        out.to_str().unwrap(),
        "--publisher",
        "Keswin Fact Desk",
        "--site",
        "https://factdesk.example",
    ]);
    assert_eq!(stdout, "");
    let html = std::fs::read_to_string(&out).unwrap();
    // Self-contained: nothing in it that a browser would fetch.
    for fetch in ["<link", "<img", "<iframe", "<object", "@import", "url("] {
        assert!(!html.contains(fetch), "the page has {fetch}");
    }

    let page = open_in_chromium(&sb, out.to_str().unwrap());
    // It made no network request: the file itself is the only request.
    assert_eq!(
        page["requests"],
        serde_json::json!([format!("file://{}", out.display())]),
        "{page}"
    );
    assert_eq!(
        page["dialogs"],
        serde_json::json!([]),
        "a dialog opened: {page}"
    );
    assert_eq!(page["pwned"], false, "a script from the ledger ran");
    // The only script element is the JSON-LD.
    assert_eq!(page["scripts"], serde_json::json!(["application/ld+json"]));

    let text = page["text"].as_str().unwrap();
    let ids: Vec<&str> = page["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5"]);
    for phrase in [
        "denied by Fire Service of Keswin",
        "not independently confirmed",
        "mostly false",
        "unverified",
        "disputed by <script>alert(1)</script>",
    ] {
        assert!(text.contains(phrase), "{phrase:?} not on the page");
    }
    // The hostile party, note and title render as text.
    assert!(text.contains(HOSTILE));
    assert!(text.contains("<b>bold</b> & </script>"));
    assert!(text.contains("<img src=x onerror=alert(2)>"));
    assert!(text.contains("javascript:alert(3)"));
    assert!(
        !html.contains("href=\"javascript"),
        "a javascript: URL became a link"
    );
    // Each quote is highlighted, in its context.
    let marks: Vec<&str> = page["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(
        marks,
        [
            "the fire was started by a faulty generator",
            "the alarms had been switched off for a week",
            "failed its last two inspections",
            "no passengers were on board",
            "</script><script>window.__pwned=1</script>",
        ]
    );
    assert!(
        text.contains(
            "The Port Authority said the fire was started by a faulty generator and that"
        )
    );
    // Provenance: chain, the exact version, the entries, and the proof command.
    assert!(text.contains("a dock worker"));
    assert!(text.contains("Harbour Radio"));
    let sha = sb.json(&["source", "list"])[0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains(&sha));
    assert!(text.contains("claimledger proof C2 --out proof-C2"));
    assert!(text.contains("claim.add"));

    // The JSON-LD is the ClaimReview of each claim with a status, intact.
    let ld: Value = serde_json::from_str(page["ldjson"][0].as_str().unwrap()).unwrap();
    let reviews = ld.as_array().unwrap();
    let urls: Vec<&str> = reviews.iter().map(|r| r["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "https://factdesk.example/claims/C1",
            "https://factdesk.example/claims/C2",
            "https://factdesk.example/claims/C3",
            "https://factdesk.example/claims/C5",
        ]
    );
    assert_eq!(
        reviews[3]["claimReviewed"],
        "</script><script>window.__pwned=1</script>"
    );
    assert_eq!(
        reviews[3]["reviewRating"]["name"],
        "disputed by <script>alert(1)</script>"
    );

    // It prints: Chromium lays it out for print and writes the PDF.
    let pdf = std::fs::read(sb.dir.path().join("shots/report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // Screenshots at phone and desktop widths were taken (and are looked at by people).
    for shot in page["screenshots"].as_array().unwrap() {
        let bytes = std::fs::read(shot.as_str().unwrap()).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{shot}");
    }
}

#[test]
fn control_and_bidi_characters_are_shown_not_hidden_on_the_page() {
    let sb = Sandbox::new();
    let quote = "file was \u{202e}gnp.exe\u{1b}[2J\u{85} sent";
    let src = sb.add_source("tricky.txt", format!("The {quote} to the desk.\n"));
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        "Vell Council",
        "--quote",
        quote,
    ]);
    sb.ok(&["status", "set", "C1", "false"]);
    let out = sb.dir.path().join("report.html");
    sb.ok(&["report", "--out", out.to_str().unwrap()]);
    let html = std::fs::read_to_string(&out).unwrap();
    // Nothing raw in the file: `cat report.html` cannot drive a terminal.
    let raw: Vec<String> = html
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
        })
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(raw.is_empty(), "raw characters in the page: {raw:?}");
    let page = open_in_chromium(&sb, out.to_str().unwrap());
    // The reader sees every character, marked, in the highlighted quote.
    let marks = page["marks"].as_array().unwrap();
    assert!(
        marks
            .iter()
            .any(|m| m == "file was \\u{202e}gnp.exe\\u{1b}[2J\\u{85} sent"),
        "{page}"
    );
    // The JSON-LD (data for machines) still holds the characters exact.
    let ld: Value = serde_json::from_str(page["ldjson"][0].as_str().unwrap()).unwrap();
    assert!(holds_string(&ld, "was \u{202e}gnp.exe\u{1b}[2J"), "{ld}");
}

/// Whether any string in `v` contains `needle`.
fn holds_string(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => s.contains(needle),
        Value::Array(items) => items.iter().any(|i| holds_string(i, needle)),
        Value::Object(map) => map.values().any(|i| holds_string(i, needle)),
        _ => false,
    }
}

#[test]
fn the_network_check_does_catch_a_request() {
    // The same check on a page that fetches an image reports it.
    let sb = Sandbox::new();
    let html = sb.file(
        "fetches.html",
        "<!DOCTYPE html><html><body><img src=\"http://192.0.2.1/x.png\"><mark>q</mark></body></html>",
    );
    let page = open_in_chromium(&sb, &html);
    let requests = page["requests"].as_array().unwrap();
    assert!(
        requests.iter().any(|r| r == "http://192.0.2.1/x.png"),
        "{page}"
    );
}

#[test]
fn report_takes_list_filters_or_claims() {
    let sb = Sandbox::new();
    newsroom(&sb);
    sb.ok(&["report", "--out", "denied.html", "--status", "denied"]);
    let html = std::fs::read_to_string(sb.dir.path().join("denied.html")).unwrap();
    assert!(html.contains("id=\"C1\""));
    assert!(!html.contains("id=\"C2\""));
    assert!(html.contains("Filtered by: --status denied"));
    sb.ok(&["report", "C3", "C2", "--out", "two.html"]);
    let html = std::fs::read_to_string(sb.dir.path().join("two.html")).unwrap();
    let (c3, c2) = (
        html.find("id=\"C3\"").unwrap(),
        html.find("id=\"C2\"").unwrap(),
    );
    assert!(c3 < c2, "claims in the order given");
    assert!(!html.contains("id=\"C1\""));
    // Defaults: the ledger's origin names the publisher and the site.
    assert!(html.contains("https://test.example/ledger/claims/C3"));

    let stderr = sb.fails(
        &["report", "C1", "--status", "denied", "--out", "x.html"],
        2,
    );
    assert!(stderr.contains("not both"), "{stderr}");
    sb.refuses(
        &["report", "--status", "retracted", "--out", "x.html"],
        "no claim matches",
    );
    sb.refuses(&["report", "C9", "--out", "x.html"], "C9");
    assert!(!sb.dir.path().join("x.html").exists());
}
