//! Corrections (issue 10): amend, withdraw, restore, uncite, unmerge, source set/attach,
//! and refused duplicates. Each correction is a new journal entry, shows in `list` and
//! `audit`, and `verify` replays it; each bad input leaves the ledger exactly as it was.

mod common;

use common::{ARTICLE_V1, ARTICLE_V2, Sandbox};
use serde_json::Value;

const STRIKE: &str = "had destroyed at least 40\u{a0}enemy fighters";
const CLIPS: &str = "geolocated two clips of the strike";
const CHAPEL: &str = "a roadside chapel and a row of poplars";

/// A ledger with C1 (the MoD's strike figure) and C2 (Lantern Maps' geolocation).
fn ledger() -> (Sandbox, String) {
    let sb = Sandbox::new();
    let sha = sb.add_source("report-v1.txt", ARTICLE_V1);
    sb.ok(&["party", "add", "Orvenian MoD", "--alias", "the MoD"]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        STRIKE,
        "--claimant",
        "the MoD",
    ]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        CLIPS,
        "--claimant",
        "Lantern Maps",
        "--via",
        "Chirrup",
    ]);
    (sb, sha)
}

/// The last journal entry: (kind, payload, actor).
fn last_entry(sb: &Sandbox) -> (String, Value, String) {
    let (kind, payload, actor): (String, String, String) = sb
        .sql()
        .query_row(
            "SELECT kind, payload, actor FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    (kind, serde_json::from_str(&payload).unwrap(), actor)
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// `verify` replays the journal and finds the tables as the projection makes them.
fn verify_ok(sb: &Sandbox) {
    let report = sb.json(&["verify"]);
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
}

#[test]
fn withdraw_takes_a_claim_out_of_the_tables_and_restore_brings_it_back() {
    let (sb, _) = ledger();
    let out = sb.ok(&["claim", "withdraw", "C2", "--reason", "logged by mistake"]);
    assert!(out.starts_with("C2  withdrawn"), "{out}");
    let (kind, payload, actor) = last_entry(&sb);
    assert_eq!(kind, "claim.withdraw");
    assert_eq!(
        payload,
        serde_json::json!({"claim": "C2", "reason": "logged by mistake"})
    );
    assert_eq!(actor, "tester");

    assert_eq!(ids(&sb.json(&["list"])), ["C1"]);
    assert_eq!(ids(&sb.json(&["list", "--withdrawn"])), ["C2"]);
    assert_eq!(ids(&sb.json(&["list", "--all"])), ["C1", "C2"]);
    assert_eq!(sb.json(&["list", "--all"])[1]["withdrawn"], true);
    let table = sb.ok(&["list", "--all"]);
    assert!(table.contains("withdrawn (unverified)"), "{table}");
    assert!(!sb.ok(&["list"]).contains("Lantern"));
    let csv = sb.ok(&["list", "--all", "--csv"]);
    assert!(csv.lines().next().unwrap().ends_with(",withdrawn"), "{csv}");
    assert!(csv.contains(",true"), "{csv}");
    assert_eq!(sb.json(&["summary"])["total"], 1);
    assert_eq!(sb.json(&["summary", "--all"])["total"], 2);
    assert_eq!(sb.json(&["summary", "--withdrawn"])["total"], 1);
    assert!(!sb.ok(&["summary"]).contains("Lantern Maps"));
    // status set --all-matching never touches a withdrawn claim.
    sb.ok(&[
        "status",
        "set",
        "--all-matching",
        "--status",
        "unverified",
        "unconfirmed",
    ]);
    assert_eq!(sb.json(&["list", "--withdrawn"])[0]["status"], "unverified");

    let audit = sb.ok(&["audit", "C2"]);
    assert!(
        audit.contains("WITHDRAWN (not in list or summary): logged by mistake"),
        "{audit}"
    );
    assert!(audit.contains("withdrawn, by tester (#"), "{audit}");
    assert!(audit.contains("reason: logged by mistake"), "{audit}");
    assert!(audit.contains("claim.withdraw"), "{audit}");
    let json = sb.json(&["audit", "C2"]);
    assert_eq!(json["corrections"][0]["kind"], "claim.withdraw");
    assert_eq!(json["corrections"][0]["actor"], "tester");
    assert_eq!(json["corrections"][0]["changes"][0]["to"], "withdrawn");
    assert!(json["withdrawn_seq"].is_i64());
    verify_ok(&sb);

    sb.ok(&[
        "claim",
        "restore",
        "C2",
        "--reason",
        "it was a real claim after all",
    ]);
    let (kind, payload, _) = last_entry(&sb);
    assert_eq!(kind, "claim.restore");
    assert_eq!(payload["reason"], "it was a real claim after all");
    assert_eq!(ids(&sb.json(&["list"])), ["C1", "C2"]);
    assert!(
        sb.json(&["list", "--withdrawn"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let json = sb.json(&["audit", "C2"]);
    assert!(json["withdrawn_seq"].is_null());
    let kinds: Vec<&str> = json["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["claim.withdraw", "claim.restore"]);
    assert!(!sb.ok(&["audit", "C2"]).contains("WITHDRAWN"));
    verify_ok(&sb);
}

#[test]
fn bad_withdrawals_and_restores_change_nothing() {
    let (sb, sha) = ledger();
    sb.refuses(
        &["claim", "withdraw", "C9", "--reason", "x"],
        "claim 'C9' not found",
    );
    sb.refuses(&["claim", "withdraw", "C1", "--reason", "  "], "--reason");
    sb.refuses(
        &["claim", "restore", "C1", "--reason", "x"],
        "is not withdrawn",
    );
    sb.ok(&["claim", "withdraw", "C1", "--reason", "duplicate"]);
    sb.refuses(
        &["claim", "withdraw", "C1", "--reason", "again"],
        "already withdrawn",
    );
    // A withdrawn claim takes nothing but a restore.
    sb.refuses(
        &["claim", "amend", "C1", "--statement", "x", "--reason", "y"],
        "claim C1 is withdrawn; restore it first",
    );
    sb.refuses(
        &["status", "set", "C1", "confirmed"],
        "to set a status on it",
    );
    sb.refuses(
        &["claim", "cite", "C1", "--source", &sha, "--quote", CHAPEL],
        "is withdrawn",
    );
    sb.refuses(
        &["claim", "uncite", "C1", "1", "--reason", "x"],
        "is withdrawn",
    );
    // Usage: the reason is required.
    sb.fails(&["claim", "withdraw", "C2"], 2);
    verify_ok(&sb);
}

#[test]
fn amend_corrects_claimant_statement_conduits_and_date() {
    let (sb, _) = ledger();
    let out = sb.ok(&[
        "claim",
        "amend",
        "C2",
        "--claimant",
        "Valtrane",
        "--statement",
        "Lantern Maps placed the strike on the eastern span",
        "--reason",
        "wrong claimant: Valtrane repeated it",
    ]);
    assert!(
        out.contains("claimant: \"Lantern Maps\" → \"Valtrane\""),
        "{out}"
    );
    let (kind, payload, _) = last_entry(&sb);
    assert_eq!(kind, "claim.amend");
    assert_eq!(payload["claimant"]["as"], "Valtrane");
    assert_eq!(
        payload["statement"],
        "Lantern Maps placed the strike on the eastern span"
    );
    // Only what changes is recorded.
    assert!(
        payload.get("via").is_none() && payload.get("said").is_none(),
        "{payload}"
    );
    let row = &sb.json(&["list"])[1];
    assert_eq!(row["claimant"], "Valtrane");
    assert_eq!(row["via"], serde_json::json!(["Chirrup"]));
    assert_eq!(ids(&sb.json(&["list", "--claimant", "Valtrane"])), ["C2"]);
    assert!(
        sb.json(&["list", "--claimant", "Lantern Maps"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The search index follows the statement.
    assert_eq!(ids(&sb.json(&["list", "--search", "eastern span"])), ["C2"]);

    sb.ok(&[
        "claim",
        "amend",
        "C2",
        "--via",
        "Northgate Wire",
        "--via",
        "Chirrup",
        "--said",
        "2026-03-02",
        "--reason",
        "relayed by the wire first",
    ]);
    let row = &sb.json(&["list"])[1];
    assert_eq!(row["via"], serde_json::json!(["Northgate Wire", "Chirrup"]));
    assert_eq!(row["said"], "2026-03-02");
    sb.ok(&[
        "claim",
        "amend",
        "C2",
        "--no-via",
        "--reason",
        "said it directly",
    ]);
    let (_, payload, _) = last_entry(&sb);
    assert_eq!(payload["via"], serde_json::json!([]));
    assert_eq!(sb.json(&["list"])[1]["via"], serde_json::json!([]));

    let audit = sb.ok(&["audit", "C2"]);
    for line in [
        "amended, by tester",
        "claimant: \"Lantern Maps\" → \"Valtrane\"",
        "reason: wrong claimant: Valtrane repeated it",
        "via: \"Chirrup\" → \"Northgate Wire via Chirrup\"",
        "said: \"(unknown)\" → \"2026-03-02\"",
        "via: \"Northgate Wire via Chirrup\" → \"(none)\"",
        "reason: said it directly",
    ] {
        assert!(audit.contains(line), "{line:?} in {audit}");
    }
    let json = sb.json(&["audit", "C2"]);
    assert_eq!(json["corrections"].as_array().unwrap().len(), 3);
    // The entries that named the claimant and conduit it had before stay in its record.
    let named_before: Vec<i64> = sb
        .sql()
        .prepare(
            "SELECT p.seq FROM parties p JOIN party_names n ON n.party_id = p.id
             WHERE n.name IN ('Lantern Maps', 'Chirrup')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(named_before.len(), 2);
    let listed: Vec<i64> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    for seq in named_before {
        assert!(listed.contains(&seq), "#{seq} in {listed:?}");
    }
    assert_eq!(json["corrections"][0]["changes"][0]["field"], "statement");
    verify_ok(&sb);
}

#[test]
fn bad_amendments_change_nothing() {
    let (sb, _) = ledger();
    sb.refuses(
        &["claim", "amend", "C7", "--statement", "x", "--reason", "y"],
        "not found",
    );
    sb.refuses(
        &["claim", "amend", "C1", "--reason", "nothing"],
        "say what to change",
    );
    sb.refuses(
        &["claim", "amend", "C1", "--statement", "x", "--reason", ""],
        "--reason",
    );
    sb.refuses(
        &["claim", "amend", "C1", "--statement", "  ", "--reason", "y"],
        "statement is empty",
    );
    sb.refuses(
        &[
            "claim",
            "amend",
            "C1",
            "--claimant",
            "Orvenian MoD",
            "--reason",
            "same party",
        ],
        "already reads that way",
    );
    sb.refuses(
        &[
            "claim",
            "amend",
            "C2",
            "--claimant",
            "Chirrup",
            "--reason",
            "y",
        ],
        "cannot also be a conduit",
    );
    sb.refuses(
        &[
            "claim",
            "amend",
            "C1",
            "--said",
            "yesterday",
            "--reason",
            "y",
        ],
        "--said",
    );
    // A new claimant's party is not created when the amendment is refused.
    sb.refuses(
        &[
            "claim",
            "amend",
            "C2",
            "--claimant",
            "Brand New",
            "--via",
            "Brand New",
            "--reason",
            "y",
        ],
        "cannot also be a conduit",
    );
    sb.fails(
        &[
            "claim", "amend", "C1", "--via", "a", "--no-via", "--reason", "y",
        ],
        2,
    );
}

#[test]
fn uncite_takes_back_a_wrong_appearance() {
    let (sb, sha) = ledger();
    sb.ok(&["claim", "cite", "C2", "--source", &sha, "--quote", CHAPEL]);
    assert_eq!(sb.json(&["list"])[1]["appearances"], 2);
    assert_eq!(ids(&sb.json(&["list", "--search", "poplars"])), ["C2"]);
    let cited: i64 = sb.count("SELECT max(id) FROM appearances");

    let out = sb.ok(&[
        "claim",
        "uncite",
        "C2",
        "2",
        "--reason",
        "that passage is about the footage",
    ]);
    assert!(out.contains("appearance removed"), "{out}");
    let (kind, payload, _) = last_entry(&sb);
    assert_eq!(kind, "claim.uncite");
    assert_eq!(payload["appearance"], cited);
    assert_eq!(payload["source"], sha.as_str());
    assert_eq!(payload["reason"], "that passage is about the footage");
    assert_eq!(sb.json(&["list"])[1]["appearances"], 1);
    assert!(
        sb.json(&["list", "--search", "poplars"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(ids(&sb.json(&["list", "--search", "geolocated"])), ["C2"]);

    let audit = sb.ok(&["audit", "C2"]);
    assert!(audit.contains("appearance removed, by tester"), "{audit}");
    assert!(
        audit.contains("reason: that passage is about the footage"),
        "{audit}"
    );
    assert!(audit.contains("removed appearance (recorded #"), "{audit}");
    assert!(
        audit.contains("a roadside chapel"),
        "the removed text is shown: {audit}"
    );
    assert!(
        !audit.contains("\n2. in "),
        "one appearance is left: {audit}"
    );
    let json = sb.json(&["audit", "C2"]);
    assert_eq!(json["removed_appearances"][0]["id"], cited);
    assert_eq!(json["appearances"].as_array().unwrap().len(), 1);
    verify_ok(&sb);

    // Appearance ids are never reused: the journal names them.
    sb.ok(&["claim", "cite", "C2", "--source", &sha, "--quote", CHAPEL]);
    assert_eq!(sb.count("SELECT max(id) FROM appearances"), cited + 1);
    verify_ok(&sb);
}

#[test]
fn bad_uncites_change_nothing() {
    let (sb, sha) = ledger();
    sb.refuses(
        &["claim", "uncite", "C1", "1", "--reason", "x"],
        "the only appearance of claim C1",
    );
    sb.ok(&["claim", "cite", "C1", "--source", &sha, "--quote", CHAPEL]);
    sb.refuses(
        &["claim", "uncite", "C1", "3", "--reason", "x"],
        "has no appearance 3; it has 2",
    );
    sb.refuses(
        &["claim", "uncite", "C1", "0", "--reason", "x"],
        "has no appearance 0",
    );
    sb.refuses(
        &["claim", "uncite", "C1", "two", "--reason", "x"],
        "has no appearance two",
    );
    sb.refuses(&["claim", "uncite", "C1", "2", "--reason", " "], "--reason");
    sb.refuses(
        &["claim", "uncite", "C5", "2", "--reason", "x"],
        "not found",
    );
}

#[test]
fn unmerge_undoes_a_wrong_merge() {
    let (sb, sha) = ledger();
    // Valtrane denies C1; Lantern Maps is wrongly merged into the MoD.
    sb.ok(&["status", "set", "C2", "denied", "--by", "Lantern Maps"]);
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &sha,
        "--quote",
        CHAPEL,
        "--claimant",
        "the MoD",
        "--via",
        "Lantern Maps",
    ]);
    let before: Vec<Value> = sb.json(&["list"]).as_array().unwrap().clone();
    let parties_before = sb.json(&["party", "list"]);
    sb.ok(&["party", "merge", "Orvenian MoD", "Lantern Maps"]);
    let merged = sb.json(&["list"]);
    assert_eq!(merged[1]["claimant"], "Orvenian MoD");
    // C3 reached the page through its own claimant: the link collapsed.
    assert_eq!(merged[2]["via"], serde_json::json!([]));
    verify_ok(&sb);

    let out = sb.ok(&[
        "party",
        "unmerge",
        "lantern maps",
        "--reason",
        "two different parties",
    ]);
    assert!(out.starts_with("Lantern Maps\n"), "{out}");
    let (kind, payload, _) = last_entry(&sb);
    assert_eq!(kind, "party.unmerge");
    assert_eq!(payload["party"]["as"], "lantern maps");
    assert_eq!(payload["from"]["as"], "Orvenian MoD");
    assert_eq!(payload["reason"], "two different parties");
    // Everything the merge moved is back: claimant, status party, collapsed conduit.
    assert_eq!(sb.json(&["list"]).as_array().unwrap(), &before);
    assert_eq!(sb.json(&["party", "list"]), parties_before);
    assert_eq!(
        ids(&sb.json(&["list", "--claimant", "Lantern Maps"])),
        ["C2"]
    );
    let audit = sb.ok(&["audit", "C2"]);
    assert!(audit.contains("party unmerged, by tester"), "{audit}");
    assert!(
        audit.contains("party: \"Lantern Maps merged into Orvenian MoD (#"),
        "{audit}"
    );
    assert!(audit.contains("reason: two different parties"), "{audit}");
    assert_eq!(
        sb.json(&["audit", "C3"])["corrections"][0]["kind"],
        "party.unmerge"
    );
    assert!(
        sb.json(&["audit", "C1"])["corrections"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    verify_ok(&sb);

    sb.refuses(
        &["party", "unmerge", "Lantern Maps", "--reason", "again"],
        "nothing to unmerge",
    );
    sb.refuses(
        &["party", "unmerge", "the MoD", "--reason", "x"],
        "did not come to its party by a merge",
    );
    sb.refuses(
        &["party", "unmerge", "Nobody", "--reason", "x"],
        "party 'Nobody' not found",
    );
    sb.ok(&["party", "merge", "Orvenian MoD", "Lantern Maps"]);
    sb.refuses(
        &["party", "unmerge", "Lantern Maps", "--reason", ""],
        "--reason",
    );
}

#[test]
fn merges_of_merges_unmerge_one_at_a_time() {
    let (sb, _) = ledger();
    let before = sb.json(&["list"]);
    sb.ok(&["party", "merge", "Chirrup", "Lantern Maps"]);
    sb.ok(&["party", "merge", "Orvenian MoD", "Chirrup"]);
    assert_eq!(sb.json(&["list"])[1]["claimant"], "Orvenian MoD");
    // The latest merge that moved the name is undone first.
    sb.ok(&["party", "unmerge", "Lantern Maps", "--reason", "wrong"]);
    assert_eq!(sb.json(&["list"])[1]["claimant"], "Chirrup");
    sb.ok(&["party", "unmerge", "Lantern Maps", "--reason", "wrong too"]);
    assert_eq!(sb.json(&["list"]), before);
    verify_ok(&sb);
}

#[test]
fn a_ledger_merged_before_corrections_existed_can_be_unmerged() {
    let (sb, _) = ledger();
    sb.ok(&["party", "merge", "Orvenian MoD", "Lantern Maps"]);
    // The same ledger as the schema before the corrections migration (version 7) held it:
    // opening it migrates, and what the merge moved is rebuilt from the journal.
    let old = sb.dir.path().join("before-corrections.db");
    sb.sql()
        .execute("VACUUM INTO ?1", [old.to_str().unwrap()])
        .unwrap();
    let conn = rusqlite::Connection::open(&old).unwrap();
    common::downgrade(&conn, 6);
    drop(conn);
    let run = |args: &[&str]| {
        let out = sb.cmd(args).arg("--db").arg(&old).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {} {}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let report: Value = serde_json::from_str(&run(&["verify", "--json"])).unwrap();
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
    let moves: i64 = rusqlite::Connection::open(&old)
        .unwrap()
        .query_row("SELECT count(*) FROM party_moves", [], |r| r.get(0))
        .unwrap();
    assert!(moves >= 2, "the merge's moves were rebuilt ({moves})");
    run(&["party", "unmerge", "Lantern Maps", "--reason", "wrong"]);
    let list: Value = serde_json::from_str(&run(&["list", "--json"])).unwrap();
    assert_eq!(list[1]["claimant"], "Lantern Maps");
    let report: Value = serde_json::from_str(&run(&["verify", "--json"])).unwrap();
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
}

/// Runs a command that must succeed; returns (stdout, stderr).
fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn ok_both(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let out = sb.cmd(args).output().unwrap();
    common::assert_success(args, &out);
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn attach_makes_stored_bytes_a_version_and_reanchors() {
    let (sb, v1) = ledger();
    // The later capture was first stored on its own, as evidence.
    let path = sb.file("capture-2.txt", ARTICLE_V2);
    let v2 = sb.json(&["source", "add", &path])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    sb.ok(&["status", "set", "C1", "disputed", "--evidence", &v2]);
    assert_eq!(sb.json(&["source", "show", &v2])["document"], "capture-2");

    let (out, err) = ok_both(&sb, &["source", "attach", &v2, "--version-of", "report-v1"]);
    assert_eq!(out.trim(), v2);
    assert!(err.contains("attached as report-v1@2"), "{err}");
    assert!(err.contains("re-anchored 2 appearance(s)"), "{err}");
    let (kind, payload, _) = last_entry(&sb);
    assert_eq!(kind, "appearance.track");
    assert_eq!(payload["results"].as_array().unwrap().len(), 2);
    let attach: String = sb
        .sql()
        .query_row(
            "SELECT payload FROM journal WHERE kind = 'source.attach'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let attach: Value = serde_json::from_str(&attach).unwrap();
    assert_eq!(attach["sha256"], v2.as_str());
    assert_eq!(attach["document_name"], "report-v1");
    assert_eq!(attach["version"], 2);
    // report-v1@2 now means the attached capture; its old document is gone.
    assert_eq!(
        sb.json(&["source", "show", "report-v1@2"])["sha256"],
        v2.as_str()
    );
    sb.refuses(&["source", "show", "capture-2@1"], "not found");
    let sources = sb.json(&["source", "list"]);
    assert_eq!(sources.as_array().unwrap().len(), 2);
    // The claims' latest-version column follows; audit lists the version.
    assert!(sb.json(&["list"])[0]["latest"].is_string());
    let audit = sb.ok(&["audit", "C1"]);
    assert!(audit.contains("in report-v1@2"), "{audit}");
    verify_ok(&sb);

    // Refused: attaching again, or attaching a version of a document with several.
    sb.refuses(
        &["source", "attach", &v2, "--version-of", &v1],
        "already a version of document 'report-v1'",
    );
    let other = sb.add_source("other.txt", "An unrelated capture, stored on its own.");
    sb.refuses(
        &["source", "attach", &v1, "--version-of", &other],
        "one of 2 versions",
    );
    sb.refuses(
        &["source", "attach", "abcdef12", "--version-of", &v1],
        "not found",
    );
    sb.refuses(
        &["source", "attach", &other, "--version-of", "nosuch@1"],
        "not found",
    );
}

#[test]
fn adding_stored_bytes_again_attaches_or_says_what_to_do() {
    let (sb, _) = ledger();
    let path = sb.file("capture-2.txt", ARTICLE_V2);
    let v2 = sb.json(&["source", "add", &path, "--title", "Second capture"])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    // The same bytes with the same (or no) metadata: nothing to do, and it says so.
    let (_, err) = ok_both(&sb, &["source", "add", &path]);
    assert!(
        err.contains("already stored as second-capture@1; nothing written"),
        "{err}"
    );
    let (_, err) = ok_both(&sb, &["source", "add", &path, "--title", "Second capture"]);
    assert!(err.contains("nothing written"), "{err}");
    // Other metadata: refused, naming the field and the command that changes it.
    let stderr = sb.refuses(
        &["source", "add", &path, "--title", "Another title", "--url", "https://x.example/"],
        "with other --title, --url; nothing written: change it with `claimledger source set second-capture@1`",
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    sb.refuses(
        &["source", "add", &path, "--captured", "2020-01-01"],
        "cannot change",
    );
    sb.refuses(&["source", "add", &path, "--name", "elsewhere"], "--name");
    // --version-of with other metadata: refused too (attach, then `source set`).
    sb.refuses(
        &[
            "source",
            "add",
            &path,
            "--version-of",
            "report-v1@1",
            "--title",
            "Another title",
        ],
        "with other --title",
    );
    // --version-of attaches it.
    let (out, err) = ok_both(
        &sb,
        &["source", "add", &path, "--version-of", "report-v1@1"],
    );
    assert_eq!(out.trim(), v2);
    assert!(err.contains("attached as report-v1@2"), "{err}");
    assert_eq!(
        sb.json(&["source", "show", "report-v1@latest"])["sha256"],
        v2.as_str()
    );
    // Again: already a version of that document; nothing written.
    let before = sb.snapshot();
    let (_, err) = ok_both(
        &sb,
        &["source", "add", &path, "--version-of", "report-v1@1"],
    );
    assert!(
        err.contains("already stored as report-v1@2; nothing written"),
        "{err}"
    );
    assert_eq!(before, sb.snapshot());
    verify_ok(&sb);
}

#[test]
fn source_set_fills_metadata_later_and_name_chooses_the_document_name() {
    let (sb, v1) = ledger();
    let path = sb.file("capture-2.txt", ARTICLE_V2);
    let added = sb.json(&["source", "add", &path, "--version-of", &v1]);
    let v2 = added["sha256"].as_str().unwrap().to_string();
    assert!(sb.json(&["source", "show", &v2])["title"].is_null());
    let out = sb.ok(&[
        "source",
        "set",
        "report-v1@2",
        "--title",
        "Drone strike (updated)",
        "--url",
        "https://news.example/bridge",
        "--published",
        "2026-03-03",
    ]);
    assert!(out.contains("title: Drone strike (updated)"), "{out}");
    let (kind, payload, _) = last_entry(&sb);
    assert_eq!(kind, "source.update");
    assert_eq!(
        payload,
        serde_json::json!({"sha256": v2, "title": "Drone strike (updated)",
            "url": "https://news.example/bridge", "published": "2026-03-03"})
    );
    let shown = sb.json(&["source", "show", &v2]);
    assert_eq!(shown["title"], "Drone strike (updated)");
    assert_eq!(shown["url"], "https://news.example/bridge");
    assert_eq!(shown["published"], "2026-03-03");
    // Only the given fields change.
    sb.ok(&["source", "set", &v2, "--author", "N. Wire"]);
    assert_eq!(
        sb.json(&["source", "show", &v2])["title"],
        "Drone strike (updated)"
    );
    verify_ok(&sb);

    sb.refuses(&["source", "set", &v2], "say what to set");
    sb.refuses(
        &["source", "set", &v2, "--author", "N. Wire"],
        "already has that metadata",
    );
    sb.refuses(&["source", "set", "nosuch@1", "--title", "x"], "not found");
    sb.refuses(&["source", "set", &v2, "--url", " "], "URL is empty");
    sb.refuses(
        &["source", "set", &v2, "--published", "soon"],
        "--published",
    );

    // --name chooses the document name.
    let path = sb.file("third.txt", "A third capture, of something else entirely.");
    let added = sb.json(&["source", "add", &path, "--name", "ansel-basin"]);
    assert_eq!(added["document"], "ansel-basin");
    assert_eq!(
        sb.json(&["source", "show", "ansel-basin@1"])["sha256"],
        added["sha256"]
    );
    let path = sb.file("fourth.txt", "A fourth capture.");
    sb.refuses(
        &["source", "add", &path, "--name", "ansel-basin"],
        "another document has it",
    );
    sb.refuses(
        &["source", "add", &path, "--name", "my doc"],
        "cannot hold '@', spaces",
    );
    sb.refuses(
        &["source", "add", &path, "--name", "a@1"],
        "cannot hold '@'",
    );
    sb.refuses(
        &["source", "add", &path, "--name", "beef"],
        "SHA-256 prefix",
    );
    sb.refuses(
        &["source", "add", &path, "--name", "x", "--version-of", &v1],
        "keeps its name",
    );
    verify_ok(&sb);
}

#[test]
fn the_same_quote_by_the_same_claimant_is_refused_unless_meant() {
    let (sb, sha) = ledger();
    let add = |claimant: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            STRIKE,
            "--claimant",
            claimant,
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_string).collect()
    };

    // Any name of the same party, and the same span however the quote is typed.
    let stderr = sb.refuses(&strs(&add("ORVENIAN MOD", &[])), "already claim C1");
    assert!(stderr.contains("--duplicate"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    sb.refuses(
        &[
            "claim",
            "add",
            "--source",
            &sha,
            "--quote",
            "had destroyed at least 40 enemy fighters",
            "--claimant",
            "the MoD",
        ],
        "already claim C1",
    );
    // A new name is a new party: not a duplicate, and its party is not left behind when
    // a duplicate is refused.
    let (out, err) = ok_both(&sb, &strs(&add("Valtrane", &[])));
    assert!(out.starts_with("C3"), "{out}");
    assert!(
        err.contains("C1 has the same quote, by Orvenian MoD; if that is the same party"),
        "a possible mistyped claimant is pointed out: {err}"
    );
    // Meant: recorded.
    let out = sb.ok(&strs(&add("the MoD", &["--duplicate"])));
    assert!(out.starts_with("C4"), "{out}");
    // A withdrawn duplicate does not block the claim it duplicated from being re-logged.
    sb.ok(&["claim", "withdraw", "C4", "--reason", "duplicate of C1"]);
    sb.ok(&["claim", "withdraw", "C1", "--reason", "logged twice"]);
    let out = sb.ok(&strs(&add("the MoD", &[])));
    assert!(out.starts_with("C5"), "{out}");
    verify_ok(&sb);
}

#[test]
fn audit_and_proof_cover_the_correction_entries() {
    let (sb, _) = ledger();
    sb.ok(&[
        "claim",
        "amend",
        "C1",
        "--said",
        "2026-03-02",
        "--reason",
        "date from the briefing",
    ]);
    let amend: i64 = sb.count("SELECT seq FROM journal WHERE kind = 'claim.amend'");
    sb.ok(&["checkpoint"]);
    let out = sb.cmd(&["proof", "C1"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let proved: Vec<i64> = docs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["leaf_index"].as_i64())
        .collect();
    assert!(
        proved.contains(&amend),
        "{proved:?} should include #{amend}"
    );
    let entries = sb.json(&["audit", "C1"])["entries"].clone();
    assert!(
        entries
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["seq"] == amend && e["kind"] == "claim.amend"),
        "{entries}"
    );
    let log = sb.ok(&["log", "--limit", "2"]);
    assert!(
        log.contains("C1 amended (said 2026-03-02): date from the briefing"),
        "{log}"
    );
}

#[test]
fn an_attached_source_brings_its_own_claims_into_the_document() {
    let (sb, _) = ledger();
    // A claim recorded in a capture stored on its own; the capture is then attached.
    let path = sb.file("capture-2.txt", ARTICLE_V2);
    let v2 = sb.json(&["source", "add", &path])["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    sb.ok(&[
        "claim",
        "add",
        "--source",
        &v2,
        "--quote",
        CHAPEL,
        "--claimant",
        "Lantern Maps",
    ]);
    sb.ok(&[
        "source",
        "attach",
        "capture-2@1",
        "--version-of",
        "report-v1@1",
    ]);
    // C3 was followed into report-v1@1 as well.
    let tracked: i64 = sb.count(
        "SELECT count(*) FROM anchorings t JOIN appearances a ON a.id = t.appearance_id
         WHERE a.claim_id = 'C3'",
    );
    assert_eq!(tracked, 1);
    let audit = sb.ok(&["audit", "C3"]);
    assert!(audit.contains("in report-v1@1 ("), "{audit}");
    verify_ok(&sb);
}

#[test]
fn reasons_are_stored_exact_and_shown_safely() {
    let (sb, _) = ledger();
    let reason = "typo\u{1b}[2J in the claimant\u{202e}";
    sb.ok(&["claim", "withdraw", "C1", "--reason", reason]);
    let (_, payload, _) = last_entry(&sb);
    assert_eq!(payload["reason"], reason);
    assert_eq!(
        sb.json(&["audit", "C1"])["corrections"][0]["reason"],
        reason
    );
    let audit = sb.ok(&["audit", "C1"]);
    assert!(
        !audit.contains('\u{1b}') && !audit.contains('\u{202e}'),
        "{audit:?}"
    );
    assert!(
        audit.contains("typo\\u{1b}[2J in the claimant\\u{202e}"),
        "{audit}"
    );
    // The flags that pick withdrawn claims exclude each other.
    sb.fails(&["list", "--withdrawn", "--all"], 2);
    sb.fails(&["summary", "--withdrawn", "--all"], 2);
}

#[test]
fn a_withdrawn_claim_is_not_published_and_an_amended_one_is_published_corrected() {
    let (sb, _) = ledger();
    sb.ok(&["status", "set", "C1", "C2", "disputed"]);
    sb.ok(&[
        "claim",
        "amend",
        "C1",
        "--statement",
        "The ministry called it a precision strike",
        "--reason",
        "paraphrase",
    ]);
    sb.ok(&["claim", "withdraw", "C2", "--reason", "duplicate"]);
    let site = ["--publisher", "Desk", "--site", "https://desk.example"];
    // By default the exports and the report leave the withdrawn claim out...
    let reviews = sb.ok(&[&["export", "claimreview"][..], &site[..]].concat());
    let reviews: Value = serde_json::from_str(&reviews).unwrap();
    let reviewed: Vec<&str> = reviews
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["claimReviewed"].as_str().unwrap())
        .collect();
    assert_eq!(reviewed, ["The ministry called it a precision strike"]);
    let notes = sb.ok(&["export", "annotations"]);
    assert!(!notes.contains(CLIPS), "{notes}");
    assert!(notes.contains(STRIKE), "{notes}");
    sb.ok(&["report", "--out", "all.html"]);
    let html = std::fs::read_to_string(sb.dir.path().join("all.html")).unwrap();
    assert!(html.contains("The ministry called it a precision strike"));
    assert!(!html.contains(CLIPS));
    // ...and naming it is refused, writing nothing.
    for args in [
        &[&["export", "claimreview", "C2"][..], &site[..]].concat(),
        &["export", "annotations", "C2"][..].to_vec(),
        &["export", "prov", "C1", "C2"][..].to_vec(),
        &["report", "C2", "--out", "c2.html"][..].to_vec(),
    ] {
        sb.refuses(args, "claim C2 is withdrawn; restore it first");
    }
    assert!(!sb.dir.path().join("c2.html").exists());
    verify_ok(&sb);
    sb.ok(&["claim", "restore", "C2", "--reason", "not a duplicate"]);
    let reviews = sb.ok(&[&["export", "claimreview", "C2"][..], &site[..]].concat());
    assert!(reviews.contains("claimReviewed"), "{reviews}");
    verify_ok(&sb);
}
