//! The exports, each read by a real processor: schema.org ClaimReview expanded by pyld
//! and checked term by term against the schema.org vocabulary, Web Annotation, PROV, and
//! journal bundles.

mod common;
mod publish;

use common::Sandbox;
use publish::{contexts, newsroom, python, python_ok, require_python};
use serde_json::Value;

fn claimreview(sb: &Sandbox, extra: &[&str]) -> (Value, String) {
    let mut args = vec![
        "export",
        "claimreview",
        "--publisher",
        "Keswin Fact Desk",
        "--site",
        "https://factdesk.example/",
    ];
    args.extend_from_slice(extra);
    let out = sb.cmd(&args).output().unwrap();
    common::assert_success(&args, &out);
    (
        serde_json::from_slice(&out.stdout).expect("JSON"),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn claimreview_meets_googles_fields_and_every_term_is_schema_org() {
    require_python("pyld", "python-jsonld.sh");
    let contexts = contexts();
    let sb = Sandbox::new();
    let src = newsroom(&sb);
    let (doc, stderr) = claimreview(&sb, &[]);

    // C4 has no status: no review, and a warning says so. C3's statement is long.
    let reviews = doc.as_array().expect("an array");
    assert_eq!(reviews.len(), 3, "{doc:#}");
    assert!(stderr.contains("C4 has no status yet"), "{stderr}");
    let long = publish::LONG_STATEMENT.chars().count();
    assert!(long > 75);
    assert!(
        stderr.contains(&format!("C3: claimReviewed is {long} characters")),
        "{stderr}"
    );
    assert!(!stderr.contains("C1:"), "{stderr}");

    // Google's required and recommended fields.
    for r in reviews {
        assert_eq!(r["@context"], "https://schema.org");
        assert_eq!(r["@type"], "ClaimReview");
        assert!(r["claimReviewed"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(r["reviewRating"]["alternateName"].is_string(), "{r:#}");
        assert_eq!(r["author"]["@type"], "Organization");
        assert_eq!(r["author"]["name"], "Keswin Fact Desk");
        assert!(r["datePublished"].as_str().is_some_and(|d| d.len() == 10));
        assert_eq!(r["itemReviewed"]["@type"], "Claim");
        let first = &r["itemReviewed"]["firstAppearance"];
        assert_eq!(first["@type"], "MediaObject");
        assert_eq!(first["sha256"], src.as_str());
        assert_eq!(first["url"], "https://coastline.example/pier");
        assert_eq!(first["identifier"], format!("urn:sha256:{src}"));
    }
    let (c1, c2, c3) = (&reviews[0], &reviews[1], &reviews[2]);
    assert_eq!(c1["url"], "https://factdesk.example/claims/C1");
    assert_eq!(
        c1["claimReviewed"],
        "the fire was started by a faulty generator"
    );
    assert_eq!(c1["reviewRating"]["alternateName"], "Denied");
    assert_eq!(
        c1["reviewRating"]["name"],
        "denied by Fire Service of Keswin"
    );
    assert_eq!(
        c1["reviewRating"]["ratingExplanation"],
        "chief's statement, 3 March"
    );
    assert_eq!(c1["itemReviewed"]["author"]["@type"], "Organization");
    assert_eq!(
        c1["itemReviewed"]["author"]["name"],
        "Port Authority of Keswin"
    );
    // The conduit chain is in the Claim's name; an unnamed source is a Person.
    assert_eq!(
        c2["itemReviewed"]["name"],
        "a dock worker via Harbour Radio via The Evening Lamp: the alarms had been switched off for a week"
    );
    assert_eq!(c2["itemReviewed"]["author"]["@type"], "Person");
    assert_eq!(c2["reviewRating"]["alternateName"], "Unproven");
    assert_eq!(c2["reviewRating"]["name"], "not independently confirmed");
    // A ledger's own status carries its own rating; a person's claim with its date.
    assert_eq!(c3["reviewRating"]["alternateName"], "Mostly False");
    assert_eq!(c3["itemReviewed"]["author"]["@type"], "Person");
    assert_eq!(c3["itemReviewed"]["datePublished"], "2026-03-01");
    assert_eq!(
        c3["itemReviewed"]["appearance"][0]["datePublished"],
        "2026-03-02"
    );

    // A real JSON-LD processor expands it offline, and every term is a schema.org property
    // of its node's type.
    let file = sb.file("reviews.json", serde_json::to_vec(&doc).unwrap());
    let report = python_ok("schemaorg_check.py", &[contexts.to_str().unwrap(), &file]);
    assert_eq!(report["nodes"]["ClaimReview"], 3, "{report}");
    assert_eq!(report["nodes"]["Claim"], 3, "{report}");
    assert_eq!(report["nodes"]["Rating"], 3, "{report}");
    assert_eq!(report["nodes"]["MediaObject"], 6, "{report}");
    for term in [
        "sha256",
        "ratingExplanation",
        "firstAppearance",
        "claimReviewed",
    ] {
        assert!(
            report["properties"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == term),
            "{term} not seen: {report}"
        );
    }

    // The checker does fail on a misspelt property and on a property of another type.
    let mut bad = doc.clone();
    bad[0]["claimReviewd"] = Value::String("x".into());
    bad[1]["reviewRating"]["sha256"] = Value::String("x".into());
    let file = sb.file("bad.json", serde_json::to_vec(&bad).unwrap());
    let out = python("schemaorg_check.py", &[contexts.to_str().unwrap(), &file]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("'claimReviewd' is not a schema.org property"),
        "{text}"
    );
    assert!(
        text.contains("'sha256' is not a property of Rating"),
        "{text}"
    );
}

#[test]
fn claimreview_feed_named_claims_and_out_file() {
    require_python("pyld", "python-jsonld.sh");
    let contexts = contexts();
    let sb = Sandbox::new();
    newsroom(&sb);
    let out = sb.dir.path().join("feed.json");
    let (stdout, stderr) = {
        let args = [
            "export",
            "claimreview",
            "c2",
            "C1",
            "--publisher",
            "Desk",
            "--site",
            "https://desk.example",
            "--feed",
            "--out",
            out.to_str().unwrap(),
        ];
        let o = sb.cmd(&args).output().unwrap();
        common::assert_success(&args, &o);
        (o.stdout, String::from_utf8(o.stderr).unwrap())
    };
    assert!(stdout.is_empty());
    assert!(stderr.contains("wrote "), "{stderr}");
    let feed: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(feed["@type"], "DataFeed");
    let items = feed["dataFeedElement"].as_array().unwrap();
    let urls: Vec<&str> = items.iter().map(|i| i["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "https://desk.example/claims/C2",
            "https://desk.example/claims/C1"
        ]
    );
    let report = python_ok(
        "schemaorg_check.py",
        &[contexts.to_str().unwrap(), out.to_str().unwrap()],
    );
    assert_eq!(report["nodes"]["DataFeed"], 1, "{report}");
    assert_eq!(report["nodes"]["ClaimReview"], 2, "{report}");
}

#[test]
fn claimreview_refuses_bad_arguments() {
    let sb = Sandbox::new();
    newsroom(&sb);
    sb.refuses(
        &[
            "export",
            "claimreview",
            "--publisher",
            "Desk",
            "--site",
            "factdesk.example",
        ],
        "invalid --site 'factdesk.example'",
    );
    sb.refuses(
        &[
            "export",
            "claimreview",
            "C9",
            "--publisher",
            "Desk",
            "--site",
            "https://d.example",
        ],
        "C9",
    );
    sb.refuses(
        &[
            "export",
            "claimreview",
            "--publisher",
            " ",
            "--site",
            "https://d.example",
        ],
        "invalid --publisher",
    );
}
