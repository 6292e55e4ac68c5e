//! `import csv`: tracking sheets become claims, each anchored to its cell in the stored
//! sheet. Every sheet here is written by the test itself.

mod common;

use common::{Sandbox, code_point_offset};

/// The stored bytes of a source, read straight from the ledger.
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

/// (claim, start, end, exact) of every appearance in `sha`, by claim number.
fn appearances(sb: &Sandbox, sha: &str) -> Vec<(String, usize, usize, String)> {
    let conn = sb.sql();
    let mut stmt = conn
        .prepare(
            "SELECT a.claim_id, a.start, a.end, a.exact FROM appearances a
             JOIN claims c ON c.id = a.claim_id WHERE a.source = ?1 ORDER BY c.number",
        )
        .unwrap();
    stmt.query_map([sha], |r| {
        Ok((
            r.get(0)?,
            r.get::<_, i64>(1)? as usize,
            r.get::<_, i64>(2)? as usize,
            r.get(3)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Runs a command expected to fail with exit 1 and print its JSON report on stdout.
fn failed_json(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = sb.cmd(&all).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

const TRACKER: &str = "id\tstatement\tclaimant\tvia\tstatus\tby\tsaid\turl\tdesk\n\
T-1\tThe ferry sank with 40 aboard\tHarbour Authority of Vell\tCoast Radio\tunconfirmed\t\t2026-02-03\thttps://news.example/ferry\tmetro\n\
T-2\tNo ship left port that night  \tPort Union\t\tdenied\tHarbour Authority of Vell\t\t\tmetro\n\
\n\
T-3\tThe ferry sank with 40 aboard\tCoast Radio listeners\t\t\t\t\t\tsports\n";

#[test]
fn a_tracking_sheet_becomes_claims_anchored_to_their_cells() {
    let sb = Sandbox::new();
    let file = sb.file("tracker.tsv", TRACKER);
    let out = sb.json(&["import", "csv", &file]);
    assert_eq!(out["rows"], 3, "{out}");
    assert_eq!(out["imported"], 3);
    assert_eq!(out["skipped"], 0);
    assert_eq!(out["errors"], serde_json::json!([]));
    let sha = out["source"].as_str().unwrap().to_string();
    // The sheet is a source like any other: its exact bytes under their SHA-256.
    let text = stored_text(&sb, &sha);
    assert_eq!(text, TRACKER);
    assert_eq!(
        sha,
        sb.json(&["source", "show", &sha[..12]])["sha256"]
            .as_str()
            .unwrap()
    );
    // Each appearance slices the stored file to exactly its statement cell.
    let cells = [
        ("The ferry sank with 40 aboard", 1),
        ("No ship left port that night  ", 1),
        ("The ferry sank with 40 aboard", 2),
    ];
    let found = appearances(&sb, &sha);
    assert_eq!(found.len(), 3);
    for ((claim, start, end, exact), (cell, n)) in found.iter().zip(cells) {
        assert_eq!(*start, code_point_offset(TRACKER, cell, n), "{claim}");
        assert_eq!(exact, cell);
        assert_eq!(slice(&text, *start, *end), cell);
    }
    // Duplicate statements under different ids are distinct claims; the statement is trimmed.
    let list = sb.json(&["list"]);
    assert_eq!(list[0]["statement"], "The ferry sank with 40 aboard");
    assert_eq!(list[2]["statement"], "The ferry sank with 40 aboard");
    assert_eq!(list[1]["statement"], "No ship left port that night");
    assert_eq!(list[0]["via"], serde_json::json!(["Coast Radio"]));
    assert_eq!(list[0]["status"], "unconfirmed");
    assert_eq!(
        list[1]["status_label"],
        "denied by Harbour Authority of Vell"
    );
    assert_eq!(list[2]["status"], "unverified");
    // audit names the row and column of the cell, the sheet's id and the article URL.
    let audit = sb.ok(&["audit", "C1"]);
    assert!(
        audit.contains(&format!(
            "row 2, column `statement` of tracker.tsv (sha256 {})",
            &sha[..12]
        )),
        "{audit}"
    );
    assert!(audit.contains("imported as T-1"), "{audit}");
    assert!(audit.contains("https://news.example/ferry"), "{audit}");
    assert!(audit.contains("desk: metro"), "{audit}");
    let third = sb.ok(&["audit", "C3"]);
    assert!(third.contains("row 5, column `statement`"), "{third}");
    let json = sb.json(&["audit", "C1"]);
    assert_eq!(json["imported"]["external_id"], "T-1");
    assert_eq!(json["imported"]["url"], "https://news.example/ferry");
    assert_eq!(
        json["imported"]["record"],
        serde_json::json!({"desk": "metro"})
    );
    assert_eq!(json["said"], "2026-02-03");
    let verify = sb.cmd(&["verify"]).output().unwrap();
    assert!(verify.status.success());
    let said = String::from_utf8_lossy(&verify.stderr);
    assert!(said.contains("3 appearance(s)"), "{said}");
}

#[test]
fn verify_rechecks_the_cells() {
    let sb = Sandbox::new();
    let file = sb.file("tracker.tsv", TRACKER);
    sb.ok(&["import", "csv", &file]);
    // A span moved behind the tool's back no longer slices the stored file to its cell.
    sb.sql()
        .execute(
            "UPDATE appearances SET start = start + 1 WHERE claim_id = 'C2'",
            [],
        )
        .unwrap();
    let out = sb.cmd(&["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("table appearances: row id=2"), "{stdout}");
}

#[test]
fn importing_the_same_file_again_writes_nothing_and_says_so() {
    let sb = Sandbox::new();
    let file = sb.file("tracker.tsv", TRACKER);
    sb.ok(&["import", "csv", &file]);
    let before = sb.snapshot();
    let again = sb.ok(&["import", "csv", &file]);
    assert!(
        again.contains("was imported before: nothing written"),
        "{again}"
    );
    let json = sb.json(&["import", "csv", &file]);
    assert_eq!(json["already_imported"], true);
    assert_eq!(json["imported"], 0);
    assert_eq!(before, sb.snapshot());
    // The sheet grew: only the rows with new ids come in.
    let grown = format!("{TRACKER}T-4\tA fourth claim\tPort Union\t\t\t\t\t\t\n");
    let file2 = sb.file("tracker-later.tsv", &grown);
    let out = sb.json(&["import", "csv", &file2]);
    assert_eq!(
        (
            out["rows"].as_u64(),
            out["imported"].as_u64(),
            out["skipped"].as_u64()
        ),
        (Some(4), Some(1), Some(3))
    );
    assert_eq!(sb.count("SELECT count(*) FROM claims"), 4);
    sb.ok(&["verify"]);
    // A copy with no new ids writes nothing, not even the file.
    let before = sb.snapshot();
    let copy = sb.file("tracker-copy.tsv", TRACKER.replace("metro", "Metro"));
    let out = sb.ok(&["import", "csv", &copy]);
    assert!(
        out.contains("nothing to import (3 rows, 3 skipped"),
        "{out}"
    );
    assert_eq!(before, sb.snapshot());
}

#[test]
fn a_file_that_is_not_utf8_is_refused() {
    let sb = Sandbox::new();
    let file = sb.file(
        "latin1.csv",
        b"statement,claimant\nCaf\xe9 owners said so,Vell Council\n",
    );
    sb.refuses(&["import", "csv", &file], "is not UTF-8 text");
}

#[test]
fn a_dry_run_counts_and_writes_nothing() {
    let sb = Sandbox::new();
    let file = sb.file("tracker.tsv", TRACKER);
    let before = sb.snapshot();
    let out = sb.ok(&["import", "csv", &file, "--dry-run"]);
    assert!(
        out.contains("would import 3 claims from 3 rows; nothing written"),
        "{out}"
    );
    assert!(out.contains("unconfirmed 1"), "{out}");
    assert!(out.contains("Port Union 1"), "{out}");
    let json = sb.json(&["import", "csv", &file, "--dry-run"]);
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["by_status"]["denied"], 1);
    assert_eq!(json["by_claimant"]["Harbour Authority of Vell"], 1);
    assert_eq!(before, sb.snapshot());
    // A dry run shows the first problems too, and fails like the import would.
    let bad = sb.file("bad.tsv", "statement\tclaimant\nA claim\t\n");
    let err = sb.fails(&["import", "csv", &bad, "--dry-run"], 1);
    assert!(err.contains("row 2, column `claimant`"), "{err}");
    assert_eq!(before, sb.snapshot());
}

#[test]
fn no_header_columns_are_numbered_from_one() {
    let sb = Sandbox::new();
    let file = sb.file(
        "sheet.csv",
        "Vell Council,The dam is safe,confirmed\nA local engineer,The dam is cracked,\n",
    );
    let err = sb.refuses(
        &["import", "csv", &file, "--no-header"],
        "--map statement=N",
    );
    assert!(err.contains("numbered from 1"), "{err}");
    let out = sb.json(&[
        "import",
        "csv",
        &file,
        "--no-header",
        "--map",
        "statement=2",
        "--map",
        "claimant=1",
        "--map",
        "status=3",
    ]);
    assert_eq!(out["imported"], 2);
    let list = sb.json(&["list"]);
    assert_eq!(list[0]["statement"], "The dam is safe");
    assert_eq!(list[0]["claimant"], "Vell Council");
    assert_eq!(list[0]["status"], "confirmed");
    assert_eq!(list[1]["claimant"], "A local engineer");
    let audit = sb.ok(&["audit", "C2"]);
    assert!(audit.contains("row 2, column `2` of sheet.csv"), "{audit}");
}

#[test]
fn map_names_columns_by_header_and_refuses_unknown_ones() {
    let sb = Sandbox::new();
    let file = sb.file(
        "desk.csv",
        "Claim Text,Who said it,Relayed,Relayed 2,Rating\nThe vote was rigged,Party of Order,Radio Vell; Vell Post,Night Wire,false\n",
    );
    sb.refuses(
        &["import", "csv", &file, "--map", "speaker=Who said it"],
        "no field `speaker`",
    );
    sb.refuses(
        &["import", "csv", &file, "--map", "claimant=Nobody"],
        "the header does not have",
    );
    sb.refuses(&["import", "csv", &file], "no column holds the claimants");
    let out = sb.json(&[
        "import",
        "csv",
        &file,
        "--map",
        "claimant=who said it",
        "--map",
        "via=Relayed",
        "--map",
        "via=4",
        "--via-separator",
        ";",
    ]);
    assert_eq!(out["imported"], 1, "{out}");
    let list = sb.json(&["list"]);
    assert_eq!(list[0]["statement"], "The vote was rigged");
    assert_eq!(
        list[0]["via"],
        serde_json::json!(["Radio Vell", "Vell Post", "Night Wire"])
    );
    assert_eq!(list[0]["status"], "false");
}

#[test]
fn quoted_cells_keep_their_raw_text_as_the_appearance() {
    let sb = Sandbox::new();
    let sheet = "statement,claimant,note\r\n\"He said \"\"never\"\", twice\",\"Mayor Tolv\",\"two\r\nlines\"\r\nPlain one,Vell Council,\r\n";
    let file = sb.file("quoted.csv", sheet);
    let out = sb.json(&["import", "csv", &file]);
    assert_eq!(out["imported"], 2, "{out}");
    let sha = out["source"].as_str().unwrap();
    let text = stored_text(&sb, sha);
    let found = appearances(&sb, sha);
    // The appearance is the raw text between the quotes, as the stored file holds it.
    let raw = "He said \"\"never\"\", twice";
    assert_eq!(found[0].3, raw);
    assert_eq!(found[0].1, code_point_offset(sheet, raw, 1));
    assert_eq!(slice(&text, found[0].1, found[0].2), raw);
    // The statement is the cell's value.
    assert_eq!(
        sb.json(&["list"])[0]["statement"],
        "He said \"never\", twice"
    );
    // The row after a cell that spans two lines starts on line 4.
    assert!(
        sb.ok(&["audit", "C2"])
            .contains("row 4, column `statement`")
    );
    assert_eq!(found[1].3, "Plain one");
    sb.ok(&["verify"]);
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_refused_naming_it() {
    let sb = Sandbox::new();
    // An export that never quotes: the stray " starts a "quoted" cell that swallows lines.
    let sheet = "statement,claimant,status\nThe 5\" shell hit,Vell Army,unverified\n\"Big\" crowds came,Vell Council,unverified\nThe roads are open,Vell Police,unverified\n";
    let file = sb.file("raw.csv", sheet);
    let err = sb.refuses(&["import", "csv", &file], "nothing was imported");
    assert!(err.contains("row 3"), "{err}");
    assert!(err.contains("--quoting none"), "{err}");
    let json = failed_json(&sb, &["import", "csv", &file]);
    assert_eq!(json["imported"], 2);
    assert_eq!(json["errors"][0]["row"], 3, "{json}");
    assert_eq!(sb.count("SELECT count(*) FROM sources"), 0);
    // With --quoting none every line is a row and " is a character.
    let out = sb.json(&["import", "csv", &file, "--quoting", "none"]);
    assert_eq!(out["imported"], 3, "{out}");
    let list = sb.json(&["list"]);
    assert_eq!(list[0]["statement"], "The 5\" shell hit");
    assert_eq!(list[1]["statement"], "\"Big\" crowds came");
    // A quote that opens a cell and closes on a later line joins the rows: the joined row has
    // the wrong number of cells, and is refused naming the line it starts on.
    let joined = sb.file(
        "joined.csv",
        "statement,claimant,status\nSteady,Vell Army,unverified\n\"Unclosed start,Vell Army,unverified\nnext 5\",Vell Police\n",
    );
    let err = sb.refuses(
        &["import", "csv", &joined],
        "row 3: this row has 2 cells where the header has 3",
    );
    assert!(err.contains("from line 3 to line 4"), "{err}");
    assert!(err.contains("--quoting none"), "{err}");
    // A row with too many cells is refused in either mode.
    let extra = sb.file("extra.csv", "statement,claimant\nOne,Two,Three\n");
    let err = sb.refuses(&["import", "csv", &extra, "--quoting", "none"], "row 2");
    assert!(err.contains("3 cells where the header has 2"), "{err}");
}

#[test]
fn unknown_statuses_are_listed_with_counts_or_defined() {
    let sb = Sandbox::new();
    let sheet = "statement,claimant,status\nA,Vell Council,Pants on Fire\nB,Vell Council,Mostly True\nC,Vell Council,pants on fire\nD,Vell Council,FALSE\nE,Vell Council,not independently confirmed\n";
    let file = sb.file("ratings.csv", sheet);
    let err = sb.refuses(&["import", "csv", &file], "nothing was imported");
    assert!(err.contains("\"Pants on Fire\" (2)"), "{err}");
    assert!(err.contains("\"Mostly True\" (1)"), "{err}");
    assert!(err.contains("status define"), "{err}");
    assert!(err.contains("--define-statuses"), "{err}");
    let json = failed_json(&sb, &["import", "csv", &file]);
    assert_eq!(json["unknown_statuses"][0]["count"], 2);
    assert_eq!(json["errors"][0]["column"], "status");
    // --status-map reads a sheet's word as a ledger status.
    let out = sb.json(&[
        "import",
        "csv",
        &file,
        "--status-map",
        "Pants on Fire=false",
        "--status-map",
        "mostly true=confirmed",
        "--dry-run",
    ]);
    assert_eq!(out["by_status"]["false"], 3, "{out}");
    // --define-statuses creates the ones the ledger lacks.
    let out = sb.json(&["import", "csv", &file, "--define-statuses"]);
    assert_eq!(
        out["new_statuses"],
        serde_json::json!(["pants-on-fire", "mostly-true"])
    );
    let list = sb.json(&["list"]);
    assert_eq!(list[0]["status"], "pants-on-fire");
    assert_eq!(list[0]["status_label"], "Pants on Fire");
    assert_eq!(list[2]["status"], "pants-on-fire");
    assert_eq!(list[3]["status"], "false");
    assert_eq!(list[4]["status"], "unconfirmed");
    let statuses = sb.ok(&["status", "list"]);
    assert!(statuses.contains("mostly-true"), "{statuses}");
    sb.ok(&["verify"]);
}

#[test]
fn an_unknown_status_with_a_control_character_is_shown_escaped_once() {
    let sb = Sandbox::new();
    let file = sb.file(
        "ctl.tsv",
        "statement\tclaimant\tstatus\nA\tVell Council\tfa\u{1b}lse\n",
    );
    let err = sb.refuses(&["import", "csv", &file], "nothing was imported");
    assert!(!err.contains('\u{1b}'), "{err}");
    // The same spelling in the row's problem and in the list of unknown statuses.
    assert!(err.contains("the status \"fa\\u{1b}lse\""), "{err}");
    assert!(
        err.contains("unknown statuses: \"fa\\u{1b}lse\" (1)"),
        "{err}"
    );
}

#[test]
fn a_status_that_names_a_party_needs_the_by_column() {
    let sb = Sandbox::new();
    let file = sb.file(
        "d.csv",
        "statement,claimant,status\nA,Vell Council,denied\n",
    );
    let err = sb.refuses(&["import", "csv", &file], "row 2, column `status`");
    assert!(err.contains("needs a party"), "{err}");
}

#[test]
fn bom_crlf_blank_lines_and_trailing_spaces() {
    let sb = Sandbox::new();
    let sheet = "\u{feff}ID,Statement,Claimant \r\n\r\nR1,Émile said the road is shut ,Émile Vass\r\n\r\n\r\nR2,Second,Vell Council\r\n";
    let file = sb.file("excel.csv", sheet);
    let out = sb.json(&["import", "csv", &file]);
    assert_eq!(out["rows"], 2, "{out}");
    assert_eq!(out["imported"], 2);
    let sha = out["source"].as_str().unwrap();
    let found = appearances(&sb, sha);
    // The byte-order mark counts as a code point; CRLF ends are not part of any cell.
    assert_eq!(found[0].1, code_point_offset(sheet, "Émile said", 1));
    assert_eq!(found[0].3, "Émile said the road is shut ");
    assert_eq!(found[1].3, "Second");
    assert_eq!(
        slice(&stored_text(&sb, sha), found[1].1, found[1].2),
        "Second"
    );
    let audit = sb.json(&["audit", "C1"]);
    assert_eq!(audit["imported"]["external_id"], "R1");
    assert_eq!(audit["imported"]["row"], 3);
    assert_eq!(sb.json(&["list"])[1]["claimant"], "Vell Council");
    sb.ok(&["verify"]);
}

#[test]
fn control_and_bidi_characters_are_stored_exact_and_shown_safely() {
    let sb = Sandbox::new();
    // In a statement they are stored exact and shown escaped.
    let sheet = "statement,claimant\nThe \u{1b}[31mred\u{202e}\u{7} claim,Vell Council\n";
    let file = sb.file("evil.csv", sheet);
    let out = sb.ok(&["import", "csv", &file]);
    let listed = sb.ok(&["list"]);
    for shown in [&out, &listed] {
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{202e}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
    }
    assert!(listed.contains("\\u{1b}[31mred\\u{202e}\\u{7}"), "{listed}");
    let stored: String = sb
        .sql()
        .query_row("SELECT statement FROM claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, "The \u{1b}[31mred\u{202e}\u{7} claim");
    let exact: String = sb
        .sql()
        .query_row("SELECT exact FROM appearances", [], |r| r.get(0))
        .unwrap();
    assert_eq!(exact, "The \u{1b}[31mred\u{202e}\u{7} claim");
    // In a name they are refused, as every name with them is, naming the row and column,
    // and nothing is written.
    let before = sb.snapshot();
    let bad = sb.file(
        "evil-name.csv",
        "statement,claimant\nA claim,Vell Council\nAnother claim,Evil\u{202e}Party\u{7}\n",
    );
    let err = sb.fails(&["import", "csv", &bad], 1);
    assert!(err.contains("row 3, column `claimant`"), "{err}");
    assert!(err.contains("U+202E"), "{err}");
    assert!(
        !err.contains('\u{202e}') && !err.contains('\u{7}'),
        "{err:?}"
    );
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn empty_claimants_are_refused_or_defaulted() {
    let sb = Sandbox::new();
    let file = sb.file(
        "e.csv",
        "statement,claimant\nOne,Vell Council\nTwo,  \nThree,\n",
    );
    let err = sb.refuses(&["import", "csv", &file], "2 problems");
    assert!(
        err.contains("row 3, column `claimant`: the claimant is empty"),
        "{err}"
    );
    assert!(err.contains("row 4, column `claimant`"), "{err}");
    assert!(err.contains("--claimant-default"), "{err}");
    let out = sb.json(&[
        "import",
        "csv",
        &file,
        "--claimant-default",
        "Unknown Desk Source",
    ]);
    assert_eq!(out["imported"], 3);
    assert_eq!(sb.json(&["list"])[2]["claimant"], "Unknown Desk Source");
    assert_eq!(sb.json(&["list"])[0]["claimant"], "Vell Council");
}

#[test]
fn duplicate_ids_in_one_file_are_refused() {
    let sb = Sandbox::new();
    let file = sb.file(
        "dup.csv",
        "id,statement,claimant\nX1,One,Vell Council\nX1,Two,Vell Council\n",
    );
    let json = failed_json(&sb, &["import", "csv", &file]);
    assert_eq!(json["errors"][0]["row"], 3, "{json}");
    assert_eq!(json["errors"][0]["column"], "id");
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("row 2")
    );
    assert_eq!(sb.count("SELECT count(*) FROM journal"), 1);
}

#[test]
fn standard_input_and_errors_with_json() {
    let sb = Sandbox::new();
    let out = sb
        .cmd(&["import", "csv", "-", "--json"])
        .write_stdin("statement,claimant,said\nFrom a pipe,Vell Council,2026-13-01\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["source", "rows", "imported", "skipped", "errors"] {
        assert!(json.get(key).is_some(), "{key} missing: {json}");
    }
    assert_eq!(json["errors"][0]["row"], 2);
    assert_eq!(json["errors"][0]["column"], "said");
    assert_eq!(sb.count("SELECT count(*) FROM sources"), 0);
    let out = sb
        .cmd(&["import", "csv", "-", "--json"])
        .write_stdin("statement,claimant\nFrom a pipe,Vell Council\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(sb.count("SELECT count(*) FROM claims"), 1);
    assert!(
        sb.ok(&["audit", "C1"])
            .contains("row 2, column `statement` of <stdin>")
    );
}

#[test]
fn a_killed_import_leaves_the_ledger_as_it_was() {
    let sb = Sandbox::new();
    sb.ok(&["party", "add", "Vell Council"]);
    let mut sheet = String::from("id\tstatement\tclaimant\tstatus\n");
    for i in 0..300_000 {
        sheet.push_str(&format!(
            "K{i}\tClaim number {i} about the dam\tSpeaker {}\tunconfirmed\n",
            i % 50
        ));
    }
    let file = sb.file("big.tsv", &sheet);
    let before = sb.snapshot();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("claimledger"))
        .env("CLAIMLEDGER_USER", "tester")
        .arg("--db")
        .arg(&sb.db)
        .args(["import", "csv", &file])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it is writing (the write-ahead log grows past the sheet's first pages).
    // The bulk path keeps its pages in its page cache until that is full, so the first
    // write comes after some tens of thousands of rows: a slow debug build on a loaded
    // machine may take minutes to get there.
    let wal = sb.db.with_extension("db-wal");
    let started = std::time::Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 4_000_000 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed; make the sheet bigger"
        );
        assert!(
            started.elapsed().as_secs() < 900,
            "the import never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        before,
        sb.snapshot(),
        "a killed import left something behind"
    );
    sb.ok(&["verify"]);
}

#[test]
fn the_shipped_examples_import() {
    let sb = Sandbox::new();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = sb.json(&[
        "import",
        "csv",
        &format!("{root}/examples/tracker.tsv"),
        "--status-map",
        "Pants on Fire=false",
    ]);
    assert_eq!(out["imported"], 4, "{out}");
    let out = sb.json(&[
        "import",
        "claimreview",
        &format!("{root}/examples/factchecks.json"),
    ]);
    assert_eq!(out["imported"], 2, "{out}");
    let audit = sb.ok(&["audit", "C3"]);
    assert!(
        audit.contains("row 4, column `statement` of tracker.tsv"),
        "{audit}"
    );
    assert_eq!(
        sb.json(&["list"])[2]["statement"],
        "Two \"drone teams\" were seen near the bank"
    );
    sb.ok(&["verify"]);
}

#[test]
fn delimiters_default_by_extension_or_are_named() {
    let sb = Sandbox::new();
    let semi = sb.file(
        "eu.csv",
        "statement;claimant\nPrices rose 3,5 %;Vell Bank\n",
    );
    // Read with commas, the one column is "statement;claimant".
    sb.refuses(
        &["import", "csv", &semi],
        "(the columns are `statement;claimant`)",
    );
    let out = sb.json(&["import", "csv", &semi, "--delimiter", ";"]);
    assert_eq!(out["imported"], 1, "{out}");
    assert_eq!(sb.json(&["list"])[0]["statement"], "Prices rose 3,5 %");
    let tabs = sb.file(
        "tabs.txt",
        "statement\tclaimant\nA, with commas\tVell Bank\n",
    );
    sb.json(&["import", "csv", &tabs, "--delimiter", "tab"]);
    assert_eq!(sb.json(&["list"])[1]["statement"], "A, with commas");
    let bad = sb.fails(&["import", "csv", &tabs, "--delimiter", "ab"], 2);
    assert!(bad.contains("--delimiter"), "{bad}");
}

#[test]
fn a_url_column_leads_to_the_captured_article() {
    let sb = Sandbox::new();
    let file = sb.file("tracker.tsv", TRACKER);
    sb.ok(&["import", "csv", &file]);
    let audit = sb.ok(&["audit", "C1"]);
    assert!(
        audit.contains("appeared in https://news.example/ferry (capture it"),
        "{audit}"
    );
    // Once the article is captured from that URL, audit names it, and the claim can be
    // anchored in it.
    let page = sb.file(
        "ferry.txt",
        "Radio report: The ferry sank with 40 aboard, officials said.",
    );
    sb.ok(&[
        "source",
        "add",
        &page,
        "--url",
        "https://news.example/ferry",
    ]);
    let audit = sb.ok(&["audit", "C1"]);
    assert!(audit.contains("(captured as ferry:"), "{audit}");
    sb.ok(&[
        "claim",
        "cite",
        "C1",
        "--source",
        "ferry@latest",
        "--quote",
        "The ferry sank with 40 aboard",
    ]);
    assert_eq!(
        sb.json(&["audit", "C1"])["appearances"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    sb.ok(&["verify"]);
}

/// The ledger's indexes, by name, with their SQL.
fn indexes(sb: &Sandbox) -> Vec<(String, String)> {
    let conn = sb.sql();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_large_import_takes_the_bulk_path_and_leaves_the_schema_whole() {
    // More rows than the ledger holds claims: the bulk path builds the claim tables'
    // indexes once at commit. Afterwards the schema is exactly as before, the ledger
    // verifies, and queries by those indexes see every row.
    let sb = Sandbox::new();
    let file = sb.file("tracker.tsv", TRACKER);
    sb.ok(&["import", "csv", &file]);
    let before = indexes(&sb);
    assert!(
        before.iter().any(|(n, _)| n == "claims_by_status"),
        "{before:?}"
    );
    let mut sheet = String::from("id\tstatement\tclaimant\tvia\tstatus\n");
    for i in 0..1500 {
        sheet.push_str(&format!(
            "B{i}\tBulk claim {i} about the bridge\tSpeaker {}\t{}\t{}\n",
            i % 7,
            if i % 3 == 0 { "Relay Radio" } else { "" },
            ["confirmed", "", "false"][i % 3]
        ));
    }
    let big = sb.file("big.tsv", &sheet);
    let out = sb.json(&["import", "csv", &big]);
    assert_eq!(out["imported"], 1500, "{out}");
    assert_eq!(indexes(&sb), before);
    sb.ok(&["verify"]);
    assert_eq!(
        sb.count(
            "SELECT count(*) FROM claims INDEXED BY claims_by_status WHERE status = 'confirmed'"
        ),
        500
    );
    assert_eq!(
        sb.count(
            "SELECT count(*) FROM claim_imports INDEXED BY claim_imports_by_external_id
             WHERE external_id >= 'B' AND external_id < 'C'"
        ),
        1500
    );
    // A later, smaller sheet (row by row, indexes kept) skips the rows it shares by id.
    let later = format!("{sheet}B1500\tOne more\tSpeaker 1\t\t\n");
    let file = sb.file("big-later.tsv", &later);
    let out = sb.json(&["import", "csv", &file]);
    assert_eq!(
        (out["imported"].as_u64(), out["skipped"].as_u64()),
        (Some(1), Some(1500)),
        "{out}"
    );
    assert_eq!(indexes(&sb), before);
    sb.ok(&["verify"]);
}
