//! Every command, run as a user would, on temporary ledgers.

mod common;

use common::{ARTICLE_V1, Sandbox, code_point_offset};
use serde_json::Value;

const DENIAL: &str =
    "There were no fighters on the Corrin Bridge last night — not forty, not four, not one";
const STRIKE: &str = "had destroyed at least 40\u{a0}enemy fighters";
const CASUALTIES: &str = "Three civilians were killed and 11 were injured";
const GEOLOCATION: &str =
    "it had geolocated two clips of the strike to the eastern span of the bridge";
const UNNAMED: &str = "approved in Lutrava at the highest level";

fn with_article() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let sha = sb.add_source("report-v1.txt", ARTICLE_V1);
    (sb, sha)
}

#[test]
fn init_creates_a_wal_ledger_with_strict_tables_and_refuses_to_overwrite() {
    let sb = Sandbox::empty();
    let out = sb.json(&["init", "--origin", "desk.example/ledger"]);
    assert_eq!(out["origin"], "desk.example/ledger");
    let conn = sb.sql();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x434C454C);
    let not_strict: Vec<String> = conn
        .prepare(
            // FTS5's virtual table and its shadow tables cannot be STRICT; all others are.
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND sql NOT LIKE '%STRICT' AND sql NOT LIKE '%STRICT, WITHOUT ROWID'
             AND name NOT LIKE 'claim\\_search%' ESCAPE '\\'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        not_strict.is_empty(),
        "tables without STRICT: {not_strict:?}"
    );
    // The built-in vocabulary is there from the start.
    let statuses = sb.json(&["status", "list"]);
    let names: Vec<&str> = statuses
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "unverified",
            "unconfirmed",
            "confirmed",
            "disputed",
            "denied",
            "contradicted",
            "false",
            "retracted"
        ]
    );
    // The first journal entry records the origin.
    let log = sb.json(&["log"]);
    assert_eq!(log[0]["kind"], "ledger.init");
    assert_eq!(log[0]["payload"]["origin"], "desk.example/ledger");
}

#[test]
fn source_add_prints_the_sha256_of_the_file() {
    let sb = Sandbox::new();
    // FIPS 180-2 known answer: SHA-256("abc").
    let path = sb.file("abc.txt", "abc");
    let out = sb.ok(&["source", "add", &path]);
    assert_eq!(
        out,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"
    );
    let json = sb.json(&["source", "show", "ba7816"]);
    assert_eq!(json["bytes"], 3);
    assert_eq!(json["bytes_ok"], true);
    // The stored bytes are the file's bytes.
    let stored: Vec<u8> = sb
        .sql()
        .query_row("SELECT data FROM blob_chunks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, b"abc");
}

#[test]
fn the_same_bytes_again_return_the_existing_version_and_write_nothing() {
    let sb = Sandbox::new();
    let path = sb.file("a.txt", ARTICLE_V1);
    let first = sb.json(&["source", "add", &path, "--title", "Bridge strike"]);
    assert_eq!(first["new"], true);
    assert_eq!(first["bytes"], ARTICLE_V1.len());
    let before = sb.snapshot();
    let copy = sb.file("copy-of-a.txt", ARTICLE_V1);
    let second = sb.json(&["source", "add", &copy, "--title", "Bridge strike"]);
    assert_eq!(second["new"], false);
    assert_eq!(second["sha256"], first["sha256"]);
    assert_eq!(before, sb.snapshot());
    // Other metadata is not silently ignored: it is refused, saying how to change it.
    sb.refuses(
        &["source", "add", &copy, "--title", "Another title"],
        "claimledger source set",
    );
    let stderr = sb.cmd(&["source", "add", &copy]).output().unwrap().stderr;
    assert!(String::from_utf8_lossy(&stderr).contains("nothing written"));
}

#[test]
fn source_add_reads_standard_input_and_keeps_the_metadata() {
    let sb = Sandbox::new();
    let out = sb
        .cmd(&[
            "source",
            "add",
            "-",
            "--title",
            "Corrin Bridge strike",
            "--url",
            "https://news.example/bridge",
            "--publisher",
            "Northgate Wire",
            "--author",
            "Desk",
            "--published",
            "2026-03-03",
            "--captured",
            "2026-03-04T08:00:00Z",
            "--json",
        ])
        .write_stdin(ARTICLE_V1)
        .output()
        .unwrap();
    common::assert_success(&["source", "add", "-"], &out);
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sha = added["sha256"].as_str().unwrap();
    let shown = sb.json(&["source", "show", &sha[..8]]);
    assert_eq!(shown["title"], "Corrin Bridge strike");
    assert_eq!(shown["url"], "https://news.example/bridge");
    assert_eq!(shown["publisher"], "Northgate Wire");
    assert_eq!(shown["author"], "Desk");
    assert_eq!(shown["published"], "2026-03-03");
    assert_eq!(shown["captured_at"], "2026-03-04T08:00:00.000Z");
    assert_eq!(shown["media_type"], "text/plain");
    assert_eq!(shown["document"], "corrin-bridge-strike");
    // DOC@latest and DOC@1 name the same version.
    assert_eq!(
        sb.json(&["source", "show", "corrin-bridge-strike@latest"])["sha256"],
        sha
    );
    assert_eq!(
        sb.json(&["source", "show", "corrin-bridge-strike@1"])["sha256"],
        sha
    );
}

#[test]
fn source_list_and_show_text_with_line_numbers() {
    let (sb, sha) = with_article();
    let list = sb.json(&["source", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["sha256"], sha.as_str());
    assert_eq!(list[0]["document"], "report-v1");
    let table = sb.ok(&["source", "list"]);
    assert!(table.contains("report-v1@1"), "{table}");
    assert!(table.contains(&sha[..12]), "{table}");

    let text = sb.ok(&["source", "show", &sha[..6], "--text"]);
    let lines: Vec<&str> = ARTICLE_V1.split('\n').collect();
    assert!(text.contains(&format!(" 1 │ {}\n", lines[0])), "{text}");
    assert!(
        text.contains(&format!("{} │ {}\n", lines.len(), lines[lines.len() - 1])),
        "{text}"
    );
    assert!(text.contains("bytes check: ok"), "{text}");
}

#[test]
fn a_binary_source_is_stored_but_not_quotable() {
    let sb = Sandbox::new();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend_from_slice(&[0xff, 0x00, 0x81, 0x9f]);
    let path = sb.file("scan.pdf", &pdf);
    let added = sb.json(&["source", "add", &path]);
    assert_eq!(added["media_type"], "application/pdf");
    assert_eq!(added["is_text"], false);
}

#[test]
fn parties_resolve_names_and_aliases_in_any_case() {
    let (sb, sha) = with_article();
    let added = sb.json(&[
        "party",
        "add",
        "Ministry of Defence of Orvenia",
        "--kind",
        "government",
        "--alias",
        "the MoD",
        "--alias",
        "Orvenian Defence Ministry",
    ]);
    let id = added["id"].as_i64().unwrap();
    let aliased = sb.json(&["party", "alias", "THE MOD", "Lutrava"]);
    assert_eq!(aliased["id"], id);
    assert_eq!(
        aliased["names"],
        serde_json::json!([
            "Ministry of Defence of Orvenia",
            "the MoD",
            "Orvenian Defence Ministry",
            "Lutrava"
        ])
    );
    // A claim by any of its names, typed in any case, is the same party's claim.
    let c1 = sb.json(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        STRIKE,
        "--claimant",
        "orvenian  DEFENCE ministry",
    ]);
    let c2 = sb.json(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        UNNAMED,
        "--claimant",
        "lutrava",
    ]);
    assert_eq!(c1["claimant"], "Ministry of Defence of Orvenia");
    assert_eq!(c2["claimant"], "Ministry of Defence of Orvenia");
    assert_eq!(sb.count("SELECT count(*) FROM parties"), 1);
    let parties = sb.json(&["party", "list"]);
    assert_eq!(parties[0]["claims"], 2);
    assert_eq!(parties[0]["kind"], "government");
    let table = sb.ok(&["party", "list"]);
    assert!(
        table.contains("the MoD; Orvenian Defence Ministry; Lutrava"),
        "{table}"
    );
}

#[test]
fn claim_add_anchors_the_quote_in_code_points() {
    let (sb, sha) = with_article();
    let out = sb.json(&[
        "claim",
        "add",
        "--source",
        &sha[..10],
        "--quote",
        DENIAL,
        "--claimant",
        "Aurel Kastellan",
        "--said",
        "2026-03-03",
    ]);
    assert_eq!(out["id"], "C1");
    let a = &out["appearances"][0];
    let start = code_point_offset(ARTICLE_V1, DENIAL, 1);
    assert_eq!(a["source"], sha.as_str());
    assert_eq!(a["start"], start);
    assert_eq!(a["end"], start + DENIAL.chars().count());
    assert_eq!(a["exact"], DENIAL);
    assert_eq!(a["normalized"], false);
    let prefix: String = ARTICLE_V1[..ARTICLE_V1.find(DENIAL).unwrap()]
        .chars()
        .rev()
        .take(32)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert_eq!(a["prefix"], prefix.as_str());
    assert_eq!(a["prefix"].as_str().unwrap().chars().count(), 32);
    let after = &ARTICLE_V1[ARTICLE_V1.find(DENIAL).unwrap() + DENIAL.len()..];
    assert_eq!(a["suffix"], after.chars().take(32).collect::<String>());
    // The statement defaults to the quote; the claim is stored with its date.
    assert_eq!(out["statement"], DENIAL);
    let said: String = sb
        .sql()
        .query_row("SELECT said FROM claims WHERE id = 'C1'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(said, "2026-03-03");
}

#[test]
fn spans_count_code_points_after_multi_code_point_emoji() {
    let sb = Sandbox::new();
    // 👩‍💻 is 3 code points (11 bytes, 5 UTF-16 units), 🇴🇻 is 2, 👉🏽 is 2, 3️⃣ is 3.
    let text = "👩‍💻🇴🇻👉🏽3️⃣ The council said the bridge is closed.";
    let sha = sb.add_source("emoji.txt", text);
    let out = sb.json(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        "the bridge is closed",
        "--claimant",
        "council",
    ]);
    let a = &out["appearances"][0];
    assert_eq!(
        a["start"],
        3 + 2 + 2 + 3 + " The council said ".chars().count()
    );
    assert_eq!(a["start"], 28);
    assert_eq!(a["end"], 48);
    assert_eq!(a["prefix"], "👩‍💻🇴🇻👉🏽3️⃣ The council said ");
    assert_eq!(a["column"], 29);
}

#[test]
fn occurrence_picks_one_of_several_matches() {
    let (sb, sha) = with_article();
    let quote = "a civilian bridge used by farmers and schoolchildren";
    let out = sb.json(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        quote,
        "--claimant",
        "Kastellan",
        "--occurrence",
        "2",
    ]);
    assert_eq!(
        out["appearances"][0]["start"],
        code_point_offset(ARTICLE_V1, quote, 2)
    );
}

#[test]
fn conduits_statement_and_first_status_are_recorded() {
    let (sb, sha) = with_article();
    let out = sb.json(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        UNNAMED,
        "--claimant",
        "a senior Orvenian official",
        "--via",
        "The Meridian Courier",
        "--via",
        "Northgate Wire",
        "--statement",
        "The strike was approved at the top in Lutrava",
        "--status",
        "denied",
        "--by",
        "Valtrane",
        "--note",
        "denied at a briefing",
    ]);
    assert_eq!(
        out["via"],
        serde_json::json!(["The Meridian Courier", "Northgate Wire"])
    );
    assert_eq!(
        out["statement"],
        "The strike was approved at the top in Lutrava"
    );
    assert_eq!(out["status_label"], "denied by Valtrane");
    assert_eq!(out["new_parties"].as_array().unwrap().len(), 4);
    let list = sb.json(&["list"]);
    assert_eq!(
        list[0]["via"],
        serde_json::json!(["The Meridian Courier", "Northgate Wire"])
    );
    assert_eq!(list[0]["status"], "denied");
    assert_eq!(list[0]["status_label"], "denied by Valtrane");
}

#[test]
fn claim_cite_adds_another_appearance() {
    let sb = Sandbox::new();
    let a = sb.add_source(
        "a.txt",
        "Wire copy: Three civilians were killed and 11 were injured, the council said.",
    );
    let b = sb.add_source("b.txt", ARTICLE_V1);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &a,
        "--quote",
        CASUALTIES,
        "--claimant",
        "Haldmere district council",
    ]);
    let cited = sb.json(&["claim", "cite", "C1", "--source", &b, "--quote", CASUALTIES]);
    assert_eq!(cited["id"], "C1");
    assert_eq!(cited["appearances"][0]["source"], b.as_str());
    assert_eq!(
        cited["appearances"][0]["start"],
        code_point_offset(ARTICLE_V1, CASUALTIES, 1)
    );
    let audit = sb.json(&["audit", "c1"]);
    assert_eq!(audit["appearances"].as_array().unwrap().len(), 2);
    // Listing by either source finds the claim.
    assert_eq!(
        sb.json(&["list", "--source", &a[..8]])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        sb.json(&["list", "--source", &b[..8]])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn status_set_keeps_a_history_with_evidence_and_notes() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        STRIKE,
        "--claimant",
        "Orvenian MoD",
        "--status",
        "unconfirmed",
    ]);
    let statement = sb.add_source(
        "statement.txt",
        "Valtrane's foreign ministry: the figure of 40 is invented.",
    );
    let out = sb.ok(&[
        "status",
        "set",
        "C1",
        "denied",
        "--by",
        "Valtrane",
        "--evidence",
        &statement[..8],
        "--quote",
        "the figure of 40 is invented",
        "--note",
        "official statement",
    ]);
    assert_eq!(out, "C1  denied by Valtrane\n");
    let audit = sb.json(&["audit", "C1"]);
    let history = audit["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["label"], "not independently confirmed");
    assert_eq!(history[1]["label"], "denied by Valtrane");
    assert_eq!(history[1]["evidence"], statement.as_str());
    assert_eq!(history[1]["evidence_quote"], "the figure of 40 is invented");
    assert_eq!(history[1]["note"], "official statement");
    assert_eq!(history[1]["actor"], "tester");
    // A status can be named by its label too.
    sb.ok(&["status", "set", "C1", "Not Independently Confirmed"]);
    assert_eq!(sb.json(&["list"])[0]["status"], "unconfirmed");
}

#[test]
fn list_filters_and_formats() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "party",
        "add",
        "Ministry of Defence of Orvenia",
        "--alias",
        "the MoD",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        STRIKE,
        "--claimant",
        "the MoD",
        "--status",
        "unconfirmed",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        DENIAL,
        "--claimant",
        "Aurel Kastellan",
        "--status",
        "denied",
        "--by",
        "the MoD",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        GEOLOCATION,
        "--claimant",
        "Lantern Maps",
        "--via",
        "Chirrup",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        UNNAMED,
        "--claimant",
        "a senior Orvenian official",
        "--via",
        "The Meridian Courier",
    ]);

    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        sb.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&[]), ["C1", "C2", "C3", "C4"]);
    assert_eq!(ids(&["--status", "unconfirmed"]), ["C1"]);
    assert_eq!(ids(&["--status", "not independently confirmed"]), ["C1"]);
    assert_eq!(ids(&["--status", "unverified"]), ["C3", "C4"]);
    assert_eq!(
        ids(&["--claimant", "MINISTRY OF DEFENCE OF ORVENIA"]),
        ["C1"]
    );
    assert_eq!(ids(&["--via", "chirrup"]), ["C3"]);
    assert_eq!(
        ids(&[
            "--claimant",
            "a senior orvenian official",
            "--via",
            "The Meridian Courier"
        ]),
        ["C4"]
    );
    assert_eq!(ids(&["--source", &sha[..7]]), ["C1", "C2", "C3", "C4"]);

    let json = sb.json(&["list", "--status", "denied"]);
    let keys: Vec<&String> = json[0].as_object().unwrap().keys().collect();
    for key in [
        "id",
        "statement",
        "claimant",
        "via",
        "status",
        "status_label",
    ] {
        assert!(keys.iter().any(|k| *k == key), "missing {key} in {keys:?}");
    }
    assert_eq!(
        json[0]["status_label"],
        "denied by Ministry of Defence of Orvenia"
    );

    let csv = sb.ok(&["list", "--csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "statement",
            "claimant",
            "via",
            "status",
            "status_label",
            "said",
            "latest"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[1][4], "denied");
    assert_eq!(&rows[1][5], "denied by Ministry of Defence of Orvenia");
    assert_eq!(&rows[2][3], "Chirrup");
    assert_eq!(&rows[0][1], STRIKE);

    let table = sb.ok(&["list"]);
    assert!(
        table.contains("denied by Ministry of Defence of Orvenia"),
        "{table}"
    );
    assert!(table.contains("not independently confirmed"), "{table}");
}

#[test]
fn the_table_fits_the_terminal_width() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        GEOLOCATION,
        "--claimant",
        "Lantern Maps",
        "--via",
        "Chirrup",
    ]);
    let narrow = sb.cmd(&["list"]).env("COLUMNS", "60").output().unwrap();
    let narrow = String::from_utf8(narrow.stdout).unwrap();
    for line in narrow.lines() {
        assert!(line.chars().count() <= 60, "line wider than 60: {line:?}");
    }
    assert!(narrow.contains('…'), "long cells are cut with …: {narrow}");
    // Piped with no width known, rows stay whole on one line each.
    let piped = sb.ok(&["list"]);
    assert!(piped.contains(GEOLOCATION), "{piped}");
    assert_eq!(piped.lines().count(), 5, "{piped}");
}

#[test]
fn audit_leads_to_the_exact_bytes_and_span() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        DENIAL,
        "--claimant",
        "Aurel Kastellan",
        "--via",
        "reporters",
    ]);
    sb.ok(&[
        "status",
        "set",
        "C1",
        "disputed",
        "--note",
        "bridge cameras saw two vehicles",
    ]);
    let audit = sb.json(&["audit", "C1"]);
    for key in [
        "id",
        "statement",
        "claimant",
        "via",
        "appearances",
        "versions",
        "history",
    ] {
        assert!(audit.get(key).is_some(), "audit JSON lacks {key}");
    }
    let a = &audit["appearances"][0];
    assert_eq!(a["source"], sha.as_str());
    assert_eq!(a["bytes_ok"], true);
    assert_eq!(a["span_ok"], true);
    // Following the audit by hand: the stored bytes, sliced at the span, are the quote.
    let stored = sb.ok(&["source", "show", &sha, "--text", "--quiet"]);
    assert!(stored.contains(" │ 🇻🇹 Valtrane"));
    let start = a["start"].as_u64().unwrap() as usize;
    let end = a["end"].as_u64().unwrap() as usize;
    let slice: String = ARTICLE_V1.chars().skip(start).take(end - start).collect();
    assert_eq!(slice, DENIAL);
    let line = ARTICLE_V1[..ARTICLE_V1.find(DENIAL).unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(a["line"], line);
    assert_eq!(audit["versions"][0]["state"], "unchanged");
    assert_eq!(audit["versions"][0]["sha256"], sha.as_str());
    // The entries behind it: the source, the parties, the claim, the status.
    let kinds: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "source.add",
            "party.add",
            "party.add",
            "claim.add",
            "status.set"
        ]
    );
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["hash_ok"] == true)
    );

    let text = sb.ok(&["audit", "C1"]);
    for expected in [
        "C1  There were no fighters",
        "Aurel Kastellan → via reporters",
        &format!("sha256 {sha}  bytes check out"),
        &format!("line {line}:"),
        "quote is there",
        "disputed",
        "bridge cameras saw two vehicles",
        "claim.add",
    ] {
        assert!(
            text.contains(expected),
            "audit text lacks {expected:?}:\n{text}"
        );
    }
}

#[test]
fn audit_notices_source_bytes_changed_behind_its_back() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        CASUALTIES,
        "--claimant",
        "council",
    ]);
    let tampered = ARTICLE_V1.replace("Three civilians", "Thirty civilians");
    sb.sql()
        .execute("UPDATE blob_chunks SET data = ?1", [tampered.as_bytes()])
        .unwrap();
    let audit = sb.json(&["audit", "C1"]);
    assert_eq!(audit["appearances"][0]["bytes_ok"], false);
    assert_eq!(audit["appearances"][0]["span_ok"], false);
    let text = sb.ok(&["audit", "C1"]);
    assert!(text.contains("BYTES DO NOT MATCH THIS HASH"), "{text}");
    assert!(text.contains("QUOTE IS NOT AT THIS SPAN"), "{text}");
}

#[test]
fn every_change_is_a_journal_entry_hashed_over_its_canonical_bytes() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        STRIKE,
        "--claimant",
        "Orvenian MoD",
        "--status",
        "unconfirmed",
    ]);
    sb.ok(&["party", "alias", "Orvenian MoD", "Lutrava"]);
    sb.ok(&["status", "set", "C1", "disputed"]);
    let conn = sb.sql();
    let mut stmt = conn
        .prepare("SELECT seq, time, actor, kind, payload, hash FROM journal ORDER BY seq")
        .unwrap();
    let rows: Vec<(i64, String, String, String, String, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ledger.init",
            "source.add",
            "party.add",
            "claim.add",
            "status.set",
            "party.alias",
            "status.set"
        ]
    );
    for (i, (seq, time, actor, kind, payload, hash)) in rows.iter().enumerate() {
        assert_eq!(*seq, i as i64, "sequence numbers run from 0 without gaps");
        assert_eq!(actor, "tester");
        // The entry bytes: keys in order, no whitespace, the stored canonical payload.
        let bytes = format!(
            r#"{{"actor":{},"kind":{},"payload":{payload},"seq":{seq},"time":{}}}"#,
            serde_json::to_string(actor).unwrap(),
            serde_json::to_string(kind).unwrap(),
            serde_json::to_string(time).unwrap()
        );
        use sha2::Digest;
        assert_eq!(
            hash,
            &hex::encode(sha2::Sha256::digest(bytes.as_bytes())),
            "entry {seq}"
        );
        // The payload is canonical: re-serializing with sorted keys changes nothing.
        let value: Value = serde_json::from_str(payload).unwrap();
        assert_eq!(payload, &serde_json::to_string(&value).unwrap());
    }
    // The log shows them newest first, and --limit cuts.
    let log = sb.json(&["log", "--limit", "2"]);
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert_eq!(log[0]["seq"], 6);
    assert_eq!(log[0]["summary"], "C1 disputed");
    assert_eq!(log[1]["summary"], "Orvenian MoD = Lutrava");
    let table = sb.ok(&["log"]);
    assert!(table.contains("ledger.init"), "{table}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let sb = Sandbox::new();
    // Far more than a pipe buffer holds, so the writer meets the closed pipe.
    let sha = sb.add_source("long.txt", ARTICLE_V1.repeat(100));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("claimledger"))
        .args([
            "--db",
            sb.db.to_str().unwrap(),
            "source",
            "show",
            &sha,
            "--text",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn an_older_ledger_is_upgraded_in_place() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        CASUALTIES,
        "--claimant",
        "district COUNCIL",
        "--via",
        "Northgate Wire",
    ]);
    let old = sb.copy_as_version_1();

    let out = sb
        .cmd(&["list", "--json"])
        .arg("--db")
        .arg(&old)
        .output()
        .unwrap();
    common::assert_success(&["list"], &out);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["id"], "C1");
    assert_eq!(list[0]["via"][0], "Northgate Wire");
    let conn = rusqlite::Connection::open(&old).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, claimledger::store::migrate::SCHEMA_VERSION);
    // Later versions' tables were filled from the journal: the names as typed, the
    // search index, the Merkle tree.
    let typed: String = conn
        .query_row("SELECT claimant_as FROM claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(typed, "district COUNCIL");
    let hits: i64 = conn
        .query_row(
            "SELECT count(*) FROM claim_search WHERE claim_search MATCH 'civilians'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hits, 1);
    let leaves: i64 = conn
        .query_row(
            "SELECT count(*) FROM merkle_nodes WHERE level = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let entries: i64 = conn
        .query_row("SELECT count(*) FROM journal", [], |r| r.get(0))
        .unwrap();
    assert_eq!(leaves, entries);
}

#[test]
fn the_actor_is_who_the_user_says_they_are() {
    let (sb, _) = with_article();
    sb.ok(&["party", "add", "Valtrane", "--as", "Ana Lima"]);
    let log = sb.json(&["log", "--limit", "1"]);
    assert_eq!(log[0]["actor"], "Ana Lima");
    // Without --as or CLAIMLEDGER_USER, the login name is recorded.
    let out = sb
        .cmd(&["party", "add", "Orvenia"])
        .env_remove("CLAIMLEDGER_USER")
        .env("USER", "desk-login")
        .output()
        .unwrap();
    common::assert_success(&["party", "add"], &out);
    assert_eq!(sb.json(&["log", "--limit", "1"])[0]["actor"], "desk-login");
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let (sb, sha) = with_article();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        DENIAL,
        "--claimant",
        "Kastellan",
        "--status",
        "denied",
        "--by",
        "the MoD",
    ]);
    let always = sb.cmd(&["list", "--color", "always"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&always.stdout).contains("\x1b["),
        "--color always colours the table"
    );
    let error = sb
        .cmd(&["audit", "C9", "--color", "always"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&error.stderr).starts_with("\x1b["),
        "and the error prefix"
    );
    // NO_COLOR (set by the test builder) and --color never keep escapes out; so does a pipe.
    for args in [
        &["list"][..],
        &["list", "--color", "never"][..],
        &["audit", "C1"][..],
    ] {
        let out = sb.cmd(args).output().unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains('\x1b'),
            "{args:?}"
        );
    }
    let piped = sb.cmd(&["list"]).env_remove("NO_COLOR").output().unwrap();
    assert!(!String::from_utf8_lossy(&piped.stdout).contains('\x1b'));
}
