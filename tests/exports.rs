//! The exports, each read by a real processor: schema.org ClaimReview expanded by pyld
//! and checked term by term against the schema.org vocabulary, Web Annotation, PROV, and
//! journal bundles.

mod common;
mod publish;

use common::Sandbox;
use publish::{contexts, newsroom, python, python_ok, require_python};
use serde_json::Value;

/// An export written a claim at a time is still, byte for byte, what serde_json prints for
/// the whole document (two-space indents, keys in order): the streamed writer adds nothing
/// and drops nothing.
fn assert_whole_document(text: &str) {
    let doc: Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(
        serde_json::to_string_pretty(&doc).unwrap() + "\n",
        text,
        "the streamed export differs from the document it holds"
    );
}

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
    assert_whole_document(std::str::from_utf8(&out.stdout).unwrap());
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
    assert_whole_document(&std::fs::read_to_string(&out).unwrap());
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

/// A second article with no URL, astral emoji and a flag before the quote.
const BULLETIN: &str = "🧵 Thread 1/3 🇰🇼🔥 Officials confirmed the fire was started by a faulty generator, the bulletin says. 🚒\n";

fn annotations(sb: &Sandbox, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["export", "annotations"];
    args.extend_from_slice(extra);
    let text = sb.ok(&args);
    let doc = serde_json::from_str(&text).expect("JSON");
    assert_whole_document(&text);
    (doc, sb.file("annotations.json", text))
}

#[test]
fn annotations_select_the_exact_bytes_in_code_points_and_utf16() {
    require_python("pyld", "python-jsonld.sh");
    let contexts = contexts();
    let sb = Sandbox::new();
    let src = newsroom(&sb);
    let bulletin = sb.add_source("bulletin.txt", BULLETIN);
    sb.ok(&[
        "claim",
        "cite",
        "C1",
        "--source",
        &bulletin,
        "--quote",
        "the fire was started by a faulty generator",
    ]);
    let harbour = sb.file("harbour-copy.txt", publish::HARBOUR);
    let bulletin_file = sb.file("bulletin-copy.txt", BULLETIN);

    let (doc, file) = annotations(&sb, &[]);
    assert_eq!(doc["type"], "AnnotationCollection");
    let items = doc["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "one annotation per appearance");
    assert_eq!(doc["total"], 5);
    // The cited appearance, in a source without a URL, is named by its hash.
    let cited = items
        .iter()
        .find(|a| a["target"]["source"] == format!("urn:sha256:{bulletin}"))
        .expect("the source without a URL is urn:sha256:");
    assert_eq!(
        cited["body"][2]["value"], "denied by Fire Service of Keswin",
        "{cited:#}"
    );
    assert_eq!(
        items[0]["target"]["source"],
        "https://coastline.example/pier"
    );
    assert_eq!(
        items[2]["body"][1]["value"],
        "claimed by a dock worker via Harbour Radio via The Evening Lamp"
    );

    // pyld expands it offline without dropping a term; from the files alone, the hashes
    // name the bytes and the positions (code points) hold exact, prefix and suffix.
    let args = [contexts.to_str().unwrap(), &file, &harbour, &bulletin_file];
    let report = python_ok("anno_check.py", &args);
    assert_eq!(report["annotations"], 5, "{report}");
    let checked = report["checked"].as_array().unwrap();
    let shas: Vec<&str> = checked
        .iter()
        .map(|c| c["sha256"].as_str().unwrap())
        .collect();
    assert_eq!(shas.iter().filter(|s| **s == src).count(), 4);
    assert_eq!(shas.iter().filter(|s| **s == bulletin).count(), 1);
    // Independently: the offsets are code points, after the astral emoji.
    let c1 = &checked[0];
    let expected = common::code_point_offset(publish::HARBOUR, "the fire was started", 1);
    assert_eq!(c1["start"], expected as u64);
    let utf16_start = {
        let byte = publish::HARBOUR.find("the fire was started").unwrap();
        publish::HARBOUR[..byte].encode_utf16().count()
    };
    assert!(
        utf16_start > expected,
        "the article has astral characters first"
    );

    // --utf16 counts UTF-16 code units, as Hypothesis does; the checker agrees.
    let (doc16, file16) = annotations(&sb, &["--utf16"]);
    let first16 = &doc16["first"]["items"][0]["target"]["selector"][1];
    assert_eq!(first16["start"], utf16_start as u64);
    let args16 = [
        contexts.to_str().unwrap(),
        &file16,
        "--utf16",
        &harbour,
        &bulletin_file,
    ];
    python_ok("anno_check.py", &args16);

    // The checker fails when a position is off by one, or the bytes differ.
    let mut bad = doc.clone();
    bad["first"]["items"][0]["target"]["selector"][1]["start"] = (expected + 1).into();
    let bad_file = sb.file("bad.json", serde_json::to_vec(&bad).unwrap());
    let out = python(
        "anno_check.py",
        &[
            contexts.to_str().unwrap(),
            &bad_file,
            &harbour,
            &bulletin_file,
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("exact is"));
    let changed = sb.file(
        "harbour-changed.txt",
        publish::HARBOUR.replace("KESWIN", "KESWYN"),
    );
    let out = python(
        "anno_check.py",
        &[contexts.to_str().unwrap(), &file, &changed, &bulletin_file],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no given file hashes to"));
}

#[test]
fn annotations_of_named_claims_only() {
    let sb = Sandbox::new();
    newsroom(&sb);
    assert_eq!(
        sb.ok(&["export", "annotations", "C2", "--out", "x.json"]),
        ""
    );
    let written: Value =
        serde_json::from_slice(&std::fs::read(sb.dir.path().join("x.json")).unwrap()).unwrap();
    assert_eq!(written["total"], 1);
    assert_eq!(
        written["first"]["items"][0]["target"]["selector"][0]["exact"],
        "the alarms had been switched off for a week"
    );
    sb.refuses(&["export", "annotations", "C7"], "C7");
}

#[test]
fn prov_is_read_by_python_prov_and_its_dot_by_graphviz() {
    require_python("prov", "python-prov.sh");
    publish::require_program("dot", "-V", "graphviz.sh");
    let sb = Sandbox::new();
    let src = newsroom(&sb);
    let text = sb.ok(&["export", "prov"]);
    assert_whole_document(&text);
    let file = sb.file("prov.json", text);
    let report = python_ok("prov_check.py", &[&file]);
    let counts = &report["counts"];
    // 1 source + 4 appearances + 4 claims + 2 hops (C2 via two outlets) + 3 status events.
    assert_eq!(counts["Entity"], 14, "{report}");
    // 6 parties and the one recorder.
    assert_eq!(counts["Agent"], 7, "{report}");
    // The entries that made them: source.add, 4 claim.add, 3 status.set.
    assert_eq!(counts["Activity"], 8, "{report}");
    assert_eq!(report["quotations"], 4, "{report}");
    let labels = report["labels"].as_object().unwrap();
    let label = |id: &Value| labels[id.as_str().unwrap()].as_str().unwrap().to_string();
    let attributions: Vec<(String, String)> = report["attributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (label(&p[0]), label(&p[1])))
        .collect();
    for (entity, agent) in [
        (
            "C1: the fire was started by a faulty generator",
            "Port Authority of Keswin",
        ),
        ("C2 as relayed by Harbour Radio", "Harbour Radio"),
        ("C2 as relayed by The Evening Lamp", "The Evening Lamp"),
        (
            "C1: denied by Fire Service of Keswin",
            "Fire Service of Keswin",
        ),
    ] {
        assert!(
            attributions.contains(&(entity.to_string(), agent.to_string())),
            "{entity} → {agent} missing: {attributions:?}"
        );
    }
    // One hop per conduit: appearance ← The Evening Lamp ← Harbour Radio ← the claim.
    let derivations: Vec<(String, String, bool)> = report["derivations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (label(&d[0]), label(&d[1]), d[2].as_bool().unwrap()))
        .collect();
    let c2 = "C2: the alarms had been switched off for a week";
    for (from, to, quote) in [
        ("C2 as relayed by Harbour Radio", c2, false),
        (
            "C2 as relayed by The Evening Lamp",
            "C2 as relayed by Harbour Radio",
            false,
        ),
        (
            "“the alarms had been switched off for a week”",
            "C2 as relayed by The Evening Lamp",
            false,
        ),
        (
            "“the alarms had been switched off for a week”",
            "Ferry pier fire (ferry-pier-fire@1)",
            true,
        ),
    ] {
        assert!(
            derivations.contains(&(from.to_string(), to.to_string(), quote)),
            "{from} → {to} missing: {derivations:?}"
        );
    }
    assert_eq!(
        report["types"][format!("cl:source/{src}")],
        serde_json::json!([])
    );
    let person = report["types"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(id, _)| labels[id.as_str()] == "a dock worker")
        .unwrap();
    assert_eq!(person.1[0], "prov:Person");

    // The DOT parses with Graphviz, and --svg renders it.
    let dot = sb.ok(&["export", "prov", "--dot"]);
    let rendered = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::fs::File::open(sb.file("prov.dot", &dot)).unwrap())
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "dot: {}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let svg = String::from_utf8(rendered.stdout).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("wasQuotedFrom"));
    assert!(svg.contains("Harbour Radio"));
    let out = sb.dir.path().join("prov.svg");
    assert_eq!(
        sb.ok(&["export", "prov", "C1", "--svg", out.to_str().unwrap()]),
        ""
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("Port Authority of Keswin") && !svg.contains("Harbour Radio"));
}

#[test]
fn prov_dot_keeps_hostile_names_inside_their_strings() {
    publish::require_program("dot", "-V", "graphviz.sh");
    let sb = Sandbox::new();
    let src = sb.add_source("a.txt", "The mayor said \"all is well\" today.\n");
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &src,
        "--claimant",
        "Evil\"]; x -> y [label=\"\\",
        "--statement",
        "Evil\"];\n x -> y [label=\"\\",
        "--quote",
        "all is well",
    ]);
    let dot = sb.ok(&["export", "prov", "--dot"]);
    let rendered = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::fs::File::open(sb.file("prov.dot", &dot)).unwrap())
        .output()
        .unwrap();
    assert!(rendered.status.success(), "{dot}");
    let svg = String::from_utf8(rendered.stdout).unwrap();
    // No node "x" or "y" was made out of the name.
    assert!(!svg.contains("<title>x</title>"), "{svg}");
    assert!(svg.contains("Evil&quot;];"), "{svg}");
}

#[test]
fn prov_svg_without_graphviz_says_how_to_install_it() {
    let sb = Sandbox::new();
    newsroom(&sb);
    let empty = tempfile::tempdir().unwrap();
    let out = sb
        .cmd(&["export", "prov", "--svg", "g.svg"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("apt-get install graphviz"), "{stderr}");
    assert!(!sb.dir.path().join("g.svg").exists());
}

#[test]
fn claimreview_names_ten_claims_without_a_status_then_counts_the_rest() {
    let sb = Sandbox::new();
    let text: String = (1..=13)
        .map(|k| format!("Report {k} said the ferry left late. "))
        .collect();
    let src = sb.json(&["source", "add", &sb.file("log.txt", &text)])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    for k in 1..=13 {
        sb.ok(&[
            "claim",
            "add",
            "--source",
            &src,
            "--claimant",
            "the harbour office",
            "--quote",
            &format!("Report {k} said the ferry left late"),
        ]);
    }
    sb.ok(&["status", "set", "C13", "confirmed"]);
    let (doc, stderr) = claimreview(&sb, &[]);
    assert_eq!(doc.as_array().unwrap().len(), 1, "{doc}");
    let named: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("has no status yet"))
        .collect();
    assert_eq!(named.len(), 10, "{stderr}");
    assert!(named[0].contains("C1 has no status yet"), "{stderr}");
    assert!(
        stderr.contains("and 2 more claims with no status yet"),
        "{stderr}"
    );
    assert!(!stderr.contains("C11 has no status yet"), "{stderr}");
}

#[test]
fn an_export_that_fails_part_way_keeps_the_old_file_and_prints_no_whole_document() {
    let sb = Sandbox::new();
    let first = sb.add_source(
        "first.txt",
        "The mayor said the bridge would reopen in May.\n",
    );
    let second = sb.add_source(
        "second.txt",
        "The council said the bridge would stay shut.\n",
    );
    for (source, quote) in [
        (&first, "the bridge would reopen in May"),
        (&second, "the bridge would stay shut"),
    ] {
        sb.ok(&[
            "claim",
            "add",
            "--source",
            source,
            "--claimant",
            "the mayor",
            "--quote",
            quote,
        ]);
    }
    sb.ok(&["status", "set", "C1", "confirmed"]);
    sb.ok(&["status", "set", "C2", "false"]);
    // The second claim's source bytes go missing: C1 reads, C2 does not.
    sb.sql()
        .execute_batch(&format!(
            "DELETE FROM blob_chunks WHERE blob_id = (SELECT id FROM blobs WHERE sha256 = '{second}');
             DELETE FROM blobs WHERE sha256 = '{second}';"
        ))
        .unwrap();

    let out = sb.file("reviews.json", "the reviews published yesterday\n");
    let args = [
        "export",
        "claimreview",
        "--publisher",
        "Keswin Fact Desk",
        "--site",
        "https://factdesk.example",
        "--out",
        &out,
    ];
    let run = sb.cmd(&args).output().unwrap();
    assert!(!run.status.success(), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("error:"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "the reviews published yesterday\n",
        "a failed export must leave the file it would have replaced"
    );
    let left: Vec<_> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".claimledger-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");

    // On stdout, what was written before the failure is not closed into a document that
    // looks whole.
    for args in [
        vec!["export", "annotations"],
        vec![
            "export",
            "claimreview",
            "--publisher",
            "Keswin Fact Desk",
            "--site",
            "https://factdesk.example",
        ],
    ] {
        let run = sb.cmd(&args).output().unwrap();
        assert!(!run.status.success(), "{args:?}");
        assert!(
            serde_json::from_slice::<Value>(&run.stdout).is_err(),
            "{args:?} printed a whole document: {}",
            String::from_utf8_lossy(&run.stdout)
        );
    }
}
