//! `import claimreview`: schema.org ClaimReview feeds in every shape they are shipped in,
//! each claim anchored to its `claimReviewed` (or `text`) string in the stored file. Every
//! feed here is written by the test itself.

mod common;

use common::{Sandbox, code_point_offset};

fn stored_text(sb: &Sandbox, sha: &str) -> String {
    let conn = sb.sql();
    let mut stmt = conn
        .prepare(
            "SELECT c.data FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id
             WHERE b.sha256 = ?1 ORDER BY c.chunk",
        )
        .unwrap();
    let mut bytes = Vec::new();
    for chunk in stmt.query_map([sha], |r| r.get::<_, Vec<u8>>(0)).unwrap() {
        bytes.extend(chunk.unwrap());
    }
    String::from_utf8(bytes).unwrap()
}

/// Every appearance's exact text, checked to be the stored file's text at its span.
fn cells(sb: &Sandbox, sha: &str) -> Vec<String> {
    let text = stored_text(sb, sha);
    let conn = sb.sql();
    let mut stmt = conn
        .prepare(
            "SELECT a.start, a.end, a.exact FROM appearances a JOIN claims c ON c.id = a.claim_id
             WHERE a.source = ?1 ORDER BY c.number",
        )
        .unwrap();
    stmt.query_map([sha], |r| {
        Ok((
            r.get::<_, i64>(0)? as usize,
            r.get::<_, i64>(1)? as usize,
            r.get::<_, String>(2)?,
        ))
    })
    .unwrap()
    .map(|r| {
        let (start, end, exact) = r.unwrap();
        let at: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(
            at, exact,
            "the span does not slice the stored file to its string"
        );
        exact
    })
    .collect()
}

const ONE: &str = r#"{
  "@context": "https://schema.org",
  "@type": "ClaimReview",
  "@id": "https://checkdesk.example/reviews/17#review",
  "url": "https://checkdesk.example/reviews/17",
  "datePublished": "2026-04-02",
  "claimReviewed": "The new dam \"will flood\" three villages",
  "author": {"@type": "Organization", "name": "Check Desk"},
  "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1, "alternateName": "Mostly False"},
  "itemReviewed": {
    "@type": "Claim",
    "datePublished": "2026-03-28",
    "author": {"@type": "Person", "name": "Ilse Marrow"},
    "appearance": [{"@type": "CreativeWork", "url": "https://vellpost.example/dam", "publisher": {"@type": "Organization", "name": "Vell Post"}}]
  },
  "inLanguage": "en"
}"#;

#[test]
fn one_claim_review_maps_every_field() {
    let sb = Sandbox::new();
    sb.ok(&[
        "status",
        "define",
        "mostly-false",
        "--label",
        "mostly false",
        "--rating",
        "Mostly False",
    ]);
    let file = sb.file("review.json", ONE);
    let out = sb.json(&["import", "claimreview", &file]);
    assert_eq!(
        (out["rows"].as_u64(), out["imported"].as_u64()),
        (Some(1), Some(1)),
        "{out}"
    );
    let sha = out["source"].as_str().unwrap();
    // The appearance is the string's raw text in the stored file (escapes as written).
    let raw = r#"The new dam \"will flood\" three villages"#;
    assert_eq!(cells(&sb, sha), vec![raw]);
    let start: i64 = sb
        .sql()
        .query_row("SELECT start FROM appearances", [], |r| r.get(0))
        .unwrap();
    assert_eq!(start as usize, code_point_offset(ONE, raw, 1));
    let audit = sb.json(&["audit", "C1"]);
    assert_eq!(
        audit["statement"],
        "The new dam \"will flood\" three villages"
    );
    assert_eq!(audit["claimant"], "Ilse Marrow");
    assert_eq!(audit["via"], serde_json::json!(["Vell Post"]));
    assert_eq!(audit["said"], "2026-03-28");
    assert_eq!(audit["status"], "mostly-false");
    assert_eq!(audit["status_label"], "mostly false by Check Desk");
    let note = audit["history"][0]["note"].as_str().unwrap();
    assert!(
        note.contains("https://checkdesk.example/reviews/17") && note.contains("2026-04-02"),
        "{note}"
    );
    assert_eq!(
        audit["imported"]["external_id"],
        "https://checkdesk.example/reviews/17#review"
    );
    assert_eq!(audit["imported"]["url"], "https://vellpost.example/dam");
    // What was not mapped is kept: the whole item, as it was.
    assert_eq!(audit["imported"]["record"]["inLanguage"], "en");
    assert_eq!(
        audit["imported"]["record"]["reviewRating"]["ratingValue"],
        2
    );
    let parties = sb.json(&["party", "list"]);
    let kind = |name: &str| {
        parties
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["kind"]
            .clone()
    };
    assert_eq!(kind("Ilse Marrow"), "person");
    assert_eq!(kind("Check Desk"), "organisation");
    let text = sb.ok(&["audit", "C1"]);
    assert!(
        text.contains("item 1, `claimReviewed` of review.json"),
        "{text}"
    );
    sb.ok(&["verify"]);
    // The same feed again writes nothing.
    let before = sb.snapshot();
    assert!(
        sb.ok(&["import", "claimreview", &file])
            .contains("nothing written")
    );
    assert_eq!(before, sb.snapshot());
}

fn review(text: &str, claimant: &str, rating: &str, url: &str) -> String {
    format!(
        r#"{{"@type":"ClaimReview","url":"{url}","claimReviewed":"{text}","author":{{"@type":"Organization","name":"Check Desk"}},"reviewRating":{{"@type":"Rating","alternateName":"{rating}"}},"itemReviewed":{{"@type":"Claim","author":{{"@type":"Person","name":"{claimant}"}}}}}}"#
    )
}

#[test]
fn every_shape_of_feed() {
    let sb = Sandbox::new();
    // An array.
    let array = format!(
        "[{}, {}]",
        review(
            "Array claim one",
            "Ilse Marrow",
            "False",
            "https://c.example/a1"
        ),
        review(
            "Array claim two",
            "Ilse Marrow",
            "True",
            "https://c.example/a2"
        )
    );
    // A DataFeed: a ClaimReview element, and a DataFeedItem whose item is a list.
    let feed = format!(
        r#"{{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[{},{{"@type":"DataFeedItem","dateCreated":"2026-04-01","item":[{}]}}]}}"#,
        review(
            "Feed claim one",
            "Ods Kell",
            "False",
            "https://c.example/f1"
        ),
        review(
            "Feed claim two",
            "Ods Kell",
            "Unproven",
            "https://c.example/f2"
        )
    );
    // A page with two JSON-LD blocks (and an unrelated one between them).
    let html = format!(
        "<!doctype html>\n<html><head><title>Checks</title>\n<script type=\"application/ld+json\">{}</script>\n<script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Not a review\"}}</script>\n<script type='application/ld+json'>\n{{\"@graph\":[{}]}}\n</script></head><body><p>text</p></body></html>\n",
        review(
            "Page claim one",
            "Ods Kell",
            "False",
            "https://c.example/p1"
        ),
        review(
            "Page claim two",
            "Ods Kell",
            "False",
            "https://c.example/p2"
        )
    );
    // The Fact Check Tools API claims:search response.
    let tools = r#"{"claims":[
      {"text":"Tools claim one","claimant":"Vell Council","claimDate":"2026-03-30T08:00:00Z",
       "claimReview":[{"publisher":{"name":"Check Desk","site":"checkdesk.example"},"url":"https://c.example/t1","title":"No, it did not","reviewDate":"2026-04-01T00:00:00Z","textualRating":"False","languageCode":"en"},
                      {"publisher":{"name":"Other Desk","site":"other.example"},"url":"https://o.example/t1","title":"Unproven","reviewDate":"2026-04-02T00:00:00Z","textualRating":"not independently confirmed","languageCode":"en"}]},
      {"text":"Tools claim two","claimant":"Vell Council","claimReview":[{"publisher":{"name":"Check Desk"},"url":"https://c.example/t2","textualRating":"True"}]}
    ],"nextPageToken":"abc"}"#;
    let expected: &[(&str, &str, &[&str])] = &[
        ("feed.json", &array, &["Array claim one", "Array claim two"]),
        (
            "datafeed.json",
            &feed,
            &["Feed claim one", "Feed claim two"],
        ),
        ("page.html", &html, &["Page claim one", "Page claim two"]),
        ("tools.json", tools, &["Tools claim one", "Tools claim two"]),
    ];
    for (name, text, statements) in expected {
        let file = sb.file(name, text);
        let out = sb.json(&["import", "claimreview", &file]);
        assert_eq!(out["imported"], statements.len(), "{name}: {out}");
        assert_eq!(out["errors"], serde_json::json!([]), "{name}");
        assert_eq!(
            &cells(&sb, out["source"].as_str().unwrap()),
            statements,
            "{name}"
        );
    }
    let list = sb.json(&["list"]);
    let status = |i: usize| list[i]["status_label"].as_str().unwrap().to_string();
    assert_eq!(status(0), "false by Check Desk");
    assert_eq!(status(1), "confirmed by Check Desk");
    assert_eq!(status(3), "not independently confirmed by Check Desk");
    // Two reviews of one claim: two status events, the latest is the current status.
    let audit = sb.json(&["audit", "C7"]);
    assert_eq!(audit["statement"], "Tools claim one");
    assert_eq!(audit["claimant"], "Vell Council");
    assert_eq!(audit["said"], "2026-03-30T08:00:00.000Z");
    assert_eq!(audit["history"].as_array().unwrap().len(), 2);
    assert_eq!(
        audit["status_label"],
        "not independently confirmed by Other Desk"
    );
    assert!(
        audit["history"][0]["note"]
            .as_str()
            .unwrap()
            .contains("(en)")
    );
    assert_eq!(audit["imported"]["external_id"], "https://c.example/t1");
    assert_eq!(audit["imported"]["column"], "text");
    sb.ok(&["verify"]);
}

#[test]
fn unknown_ratings_are_listed_or_defined() {
    let sb = Sandbox::new();
    let feed = format!(
        "[{}, {}, {}]",
        review("One", "Ods Kell", "Half True", "https://c.example/1"),
        review("Two", "Ods Kell", "half true", "https://c.example/2"),
        review(
            "Three",
            "Ods Kell",
            "Four Pinocchios",
            "https://c.example/3"
        )
    );
    let file = sb.file("ratings.json", &feed);
    let err = sb.refuses(&["import", "claimreview", &file], "nothing was imported");
    assert!(
        err.contains("\"Half True\" (2)") && err.contains("\"Four Pinocchios\" (1)"),
        "{err}"
    );
    assert!(err.contains("status define"), "{err}");
    let out = sb.json(&[
        "import",
        "claimreview",
        &file,
        "--status-map",
        "Four Pinocchios=false",
        "--define-statuses",
    ]);
    assert_eq!(
        out["new_statuses"],
        serde_json::json!(["half-true"]),
        "{out}"
    );
    let list = sb.json(&["list"]);
    assert_eq!(list[1]["status"], "half-true");
    assert_eq!(list[2]["status"], "false");
}

#[test]
fn a_comma_joined_claimant_stays_one_party_and_missing_ones_are_refused() {
    let sb = Sandbox::new();
    let joined = review(
        "Joint claim",
        "Ods Kell, Ilse Marrow",
        "False",
        "https://c.example/j",
    );
    let file = sb.file("joined.json", &joined);
    let out = sb.cmd(&["import", "claimreview", &file]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"Ods Kell, Ilse Marrow\" is kept as one party"),
        "{stderr}"
    );
    assert_eq!(sb.json(&["list"])[0]["claimant"], "Ods Kell, Ilse Marrow");
    let nobody = sb.file(
        "nobody.json",
        r#"{"@type":"ClaimReview","claimReviewed":"Said by nobody","reviewRating":{"alternateName":"False"}}"#,
    );
    let err = sb.refuses(
        &["import", "claimreview", &nobody],
        "row 1, column `itemReviewed.author`",
    );
    assert!(err.contains("--claimant-default"), "{err}");
    sb.json(&[
        "import",
        "claimreview",
        &nobody,
        "--claimant-default",
        "Unattributed",
    ]);
    assert_eq!(sb.json(&["list"])[1]["claimant"], "Unattributed");
}

#[test]
fn files_that_hold_no_reviews_are_refused() {
    let sb = Sandbox::new();
    let bad = sb.file("bad.json", "{\"claimReviewed\": ");
    sb.refuses(&["import", "claimreview", &bad], "this is not JSON");
    let other = sb.file("other.json", r#"{"@type":"NewsArticle","headline":"x"}"#);
    sb.refuses(&["import", "claimreview", &other], "no ClaimReview");
    let page = sb.file("page.html", "<html><body>no data</body></html>");
    sb.refuses(
        &["import", "claimreview", &page],
        "no <script type=\"application/ld+json\"> block",
    );
    assert_eq!(sb.count("SELECT count(*) FROM sources"), 0);
}
