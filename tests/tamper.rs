//! A ledger edited behind the tool's back (plain SQL, as with the `sqlite3` shell) must fail
//! `verify`, which must name what was changed.
//!
//! One ledger with rows in every table is prepared once; each case copies its file, makes one
//! edit and runs the real `verify`. The property tests pick the table, row, column and new
//! value at random, over every table that has rows (the record, the Merkle tree, the
//! checkpoints and every derived table), and also delete or swap journal rows.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{ARTICLE_V1, ARTICLE_V2, Sandbox};
use proptest::prelude::*;
use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

const STRIKE: &str = "had destroyed at least 40\u{a0}enemy fighters";
const CASUALTIES: &str = "Three civilians were killed and 11 were injured";
const UNNAMED: &str = "approved in Lutrava at the highest level";

/// The prepared ledger (kept for the whole test run).
fn prepared() -> &'static PathBuf {
    static LEDGER: OnceLock<(Sandbox, PathBuf)> = OnceLock::new();
    &LEDGER
        .get_or_init(|| {
            let sb = Sandbox::new();
            let v1 = sb.add_source("report-v1.txt", ARTICLE_V1);
            let v2 = sb.add_source("report-v2.txt", ARTICLE_V2);
            sb.ok(&[
                "party",
                "add",
                "Ministry of Defence of Orvenia",
                "--kind",
                "government",
                "--alias",
                "the MoD",
            ]);
            sb.ok(&[
                "claim",
                "add",
                "--source",
                &v1,
                "--quote",
                STRIKE,
                "--claimant",
                "the MoD",
            ]);
            sb.ok(&[
                "claim",
                "add",
                "--source",
                &v1,
                "--quote",
                UNNAMED,
                "--claimant",
                "a senior Orvenian official",
                "--via",
                "The Meridian Courier",
                "--said",
                "2026-03-01",
            ]);
            sb.ok(&[
                "claim",
                "add",
                "--source",
                &v1,
                "--quote",
                CASUALTIES,
                "--claimant",
                "Haldmere district council",
            ]);
            sb.ok(&[
                "claim", "cite", "C3", "--source", &v2, "--quote", CASUALTIES,
            ]);
            sb.ok(&[
                "status", "set", "C1", "denied", "--by", "Valtrane", "--note", "briefing",
            ]);
            sb.ok(&[
                "status",
                "set",
                "C3",
                "confirmed",
                "--evidence",
                &v2,
                "--quote",
                CASUALTIES,
            ]);
            sb.ok(&["party", "alias", "Valtrane", "Government of Valtrane"]);
            let key = sb.dir.path().join("desk.key");
            sb.ok(&["key", "generate", "--out", key.to_str().unwrap()]);
            sb.ok(&["checkpoint"]);
            sb.ok(&["status", "set", "C2", "unconfirmed"]);
            sb.ok(&["checkpoint", "--sign", key.to_str().unwrap()]);
            sb.ok(&[
                "status",
                "set",
                "C2",
                "disputed",
                "--note",
                "after the last checkpoint",
            ]);
            sb.ok(&["verify"]);
            // One self-contained file to copy.
            sb.sql()
                .pragma_update(None, "journal_mode", "DELETE")
                .unwrap();
            let db = sb.db.clone();
            (sb, db)
        })
        .1
}

/// A copy of the prepared ledger in a fresh temp dir.
fn copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    std::fs::copy(prepared(), &db).unwrap();
    (dir, db)
}

/// A connection as a tamperer has it: foreign keys off.
fn tamper(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn
}

/// Runs `verify` on a ledger and returns (exit code, stdout).
fn verify(db: &Path) -> (i32, String) {
    let out = assert_cmd::Command::cargo_bin("claimledger")
        .unwrap()
        .env("NO_COLOR", "1")
        .env_remove("CLAIMLEDGER_DB")
        .arg("--db")
        .arg(db)
        .arg("verify")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// What `verify` must mention for an edit of `table`.
fn named(table: &str) -> String {
    match table {
        "journal" => "journal entry #".into(),
        "merkle_nodes" => "merkle_nodes".into(),
        "checkpoints" => "checkpoints".into(),
        "blobs" => "blobs".into(),
        "blob_chunks" => "blob_chunks".into(),
        "normalized_texts" => "normalized_texts".into(),
        // The full-text index: its shadow tables are checked by SQLite's integrity_check,
        // which names the index.
        "claim_search_data" | "claim_search_idx" => "claim_search".into(),
        derived => format!("table {derived}"),
    }
}

fn tables_with_rows(conn: &Connection) -> Vec<String> {
    let all: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    all.into_iter()
        .filter(|t| {
            conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
                > 0
        })
        // The full-text index's WITHOUT ROWID shadow tables (claim_search_idx and
        // claim_search_config) have no rowid to pick a row by; edits to them are covered by
        // `full_text_index_edits_fail_verify` below. merkle_nodes (WITHOUT ROWID too) is
        // edited by its key.
        .filter(|t| {
            t == "merkle_nodes"
                || conn
                    .query_row(
                        &format!("SELECT rowid FROM \"{t}\" LIMIT 1"),
                        [],
                        |_| Ok(()),
                    )
                    .is_ok()
        })
        .collect()
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .unwrap()
        .query_map([table], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Other values for `old`, the first of which that the schema accepts is used.
fn replacements(old: &SqlValue, seed: usize) -> Vec<SqlValue> {
    match old {
        SqlValue::Integer(i) => [1, -1, 1000, 7919]
            .iter()
            .map(|d| SqlValue::Integer(i + d))
            .chain([SqlValue::Integer(0), SqlValue::Integer(1)])
            .filter(|v| v != old)
            .collect(),
        SqlValue::Text(t) => {
            let chars: Vec<char> = t.chars().collect();
            let mut out = Vec::new();
            if !chars.is_empty() {
                // Change one character to another of the same kind (keeps hex hex).
                let at = seed % chars.len();
                let mut c = chars.clone();
                c[at] = match c[at] {
                    '0'..='8' | 'a'..='e' | 'A'..='E' => char::from(c[at] as u8 + 1),
                    '9' => '0',
                    'f' => 'a',
                    'F' => 'A',
                    _ => 'x',
                };
                if c[at] == chars[at] {
                    c[at] = 'y';
                }
                out.push(SqlValue::Text(c.into_iter().collect()));
            }
            out.push(SqlValue::Text(format!("{t}x")));
            out.push(SqlValue::Text(String::new()));
            out.push(SqlValue::Null);
            out
        }
        SqlValue::Blob(b) => {
            let mut flipped = b.clone();
            if !flipped.is_empty() {
                let at = seed % flipped.len();
                flipped[at] ^= 1 << (seed % 8);
            } else {
                flipped.push(0);
            }
            vec![SqlValue::Blob(flipped)]
        }
        SqlValue::Null => vec![
            SqlValue::Integer(1),
            SqlValue::Text("x".into()),
            SqlValue::Text("unverified".into()),
        ],
        SqlValue::Real(r) => vec![SqlValue::Real(r + 1.0)],
    }
}

/// Changes one field of one row; returns a description, or None if the schema accepted no
/// other value for it.
fn edit_field(db: &Path, table_pick: usize, row_pick: usize, column_pick: usize) -> Option<String> {
    let conn = tamper(db);
    let tables = tables_with_rows(&conn);
    let table = &tables[table_pick % tables.len()];
    let cols = columns(&conn, table);
    let column = &cols[column_pick % cols.len()];
    let rows: i64 = conn
        .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })
        .unwrap();
    // A row is picked by its rowid, or in a WITHOUT ROWID table (merkle_nodes) by its key.
    let key = if table == "merkle_nodes" {
        "level || ',' || idx"
    } else {
        "rowid"
    };
    let row_key: SqlValue = conn
        .query_row(
            &format!("SELECT {key} FROM \"{table}\" ORDER BY {key} LIMIT 1 OFFSET ?1"),
            [row_pick as i64 % rows],
            |r| r.get(0),
        )
        .unwrap();
    let old: SqlValue = conn
        .query_row(
            &format!("SELECT \"{column}\" FROM \"{table}\" WHERE {key} = ?1"),
            [&row_key],
            |r| r.get(0),
        )
        .unwrap();
    for new in replacements(&old, row_pick ^ column_pick) {
        let sql = format!("UPDATE \"{table}\" SET \"{column}\" = ?1 WHERE {key} = ?2");
        if let Ok(1) = conn.execute(&sql, rusqlite::params![new, row_key]) {
            return Some(format!(
                "{table}.{column} row {row_key:?}: {old:?} -> {new:?}"
            ));
        }
    }
    None
}

fn check_fails(db: &Path, table: &str, what: &str) {
    let (code, stdout) = verify(db);
    assert_eq!(code, 3, "verify missed {what}:\n{stdout}");
    assert!(
        stdout.contains(&named(table)),
        "verify did not name {table} for {what}:\n{stdout}"
    );
}

#[test]
fn the_prepared_ledger_is_clean_and_every_table_has_rows() {
    let (_dir, db) = copy();
    let (code, stdout) = verify(&db);
    assert_eq!(code, 0, "{stdout}");
    let conn = tamper(&db);
    let with_rows = tables_with_rows(&conn);
    for t in [
        "journal",
        "blobs",
        "blob_chunks",
        "merkle_nodes",
        "checkpoints",
        "meta",
        "documents",
        "sources",
        "parties",
        "party_names",
        "statuses",
        "claims",
        "claim_conduits",
        "appearances",
        "status_events",
        "claim_search",
        "claim_search_data",
        "claim_search_content",
    ] {
        assert!(with_rows.iter().any(|w| w == t), "{t} has no rows");
    }
}

#[test]
fn named_edits_fail() {
    let edits: &[(&str, &str)] = &[
        (
            "blob_chunks",
            "UPDATE blob_chunks SET data = CAST(replace(CAST(data AS TEXT), 'Corrin', 'Carrin') AS BLOB) WHERE blob_id = 1",
        ),
        (
            "blob_chunks",
            "UPDATE blob_chunks SET chunk = 1 WHERE blob_id = 1",
        ),
        ("blobs", "UPDATE blobs SET size = size + 1 WHERE id = 2"),
        (
            "claims",
            "UPDATE claims SET status = 'confirmed' WHERE id = 'C1'",
        ),
        (
            "status_events",
            "UPDATE status_events SET status = 'false' WHERE id = 1",
        ),
        (
            "parties",
            "UPDATE parties SET name = 'Ministry of Peace' WHERE id = 1",
        ),
        (
            "party_names",
            "UPDATE party_names SET name = 'the MoP' WHERE key = 'the mod'",
        ),
        (
            "journal",
            "UPDATE journal SET payload = replace(payload, 'briefing', 'Briefing') WHERE kind = 'status.set'",
        ),
        (
            "journal",
            "UPDATE journal SET payload = replace(payload, '{', '{ ') WHERE seq = 3",
        ),
        (
            "journal",
            "UPDATE journal SET actor = 'someone else' WHERE seq = 2",
        ),
        ("journal", "DELETE FROM journal WHERE seq = 4"),
        (
            "journal",
            "DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)",
        ),
        (
            "merkle_nodes",
            "DELETE FROM merkle_nodes WHERE level = 1 AND idx = 0",
        ),
        ("checkpoints", "UPDATE checkpoints SET key = NULL"),
        (
            "checkpoints",
            "UPDATE checkpoints SET size = size - 1 WHERE key IS NULL",
        ),
        (
            "appearances",
            "UPDATE appearances SET start = start + 1 WHERE id = 1",
        ),
        (
            "statuses",
            "UPDATE statuses SET label = 'verified' WHERE name = 'confirmed'",
        ),
        (
            "meta",
            "UPDATE meta SET value = 'elsewhere.example/log' WHERE key = 'origin'",
        ),
    ];
    for (table, sql) in edits {
        let (_dir, db) = copy();
        let conn = tamper(&db);
        conn.execute_batch(sql).unwrap();
        assert!(conn.changes() > 0, "{sql} changed nothing");
        drop(conn);
        check_fails(&db, table, sql);
    }
}

/// Every (term, claim, column, offset) the ledger's full-text index decodes to, or the
/// error it gives when it cannot be read.
fn index_instances(db: &Path) -> Result<Vec<(String, i64, String, i64)>, String> {
    let conn = Connection::open(db).map_err(|e| e.to_string())?;
    conn.execute_batch(
        "CREATE VIRTUAL TABLE temp.instances USING fts5vocab(main, claim_search, instance)",
    )
    .map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare("SELECT term, doc, col, offset FROM temp.instances ORDER BY 1, 2, 3, 4")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(rows)
}

/// Swaps columns `cols` between journal rows `a` and `b` (seq stays).
fn swap_journal(db: &Path, a: i64, b: i64, cols: &[&str]) {
    let conn = tamper(db);
    for col in cols {
        let va: SqlValue = conn
            .query_row(
                &format!("SELECT {col} FROM journal WHERE seq = ?1"),
                [a],
                |r| r.get(0),
            )
            .unwrap();
        let vb: SqlValue = conn
            .query_row(
                &format!("SELECT {col} FROM journal WHERE seq = ?1"),
                [b],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            &format!("UPDATE journal SET {col} = ?1 WHERE seq = ?2"),
            rusqlite::params![vb, a],
        )
        .unwrap();
        conn.execute(
            &format!("UPDATE journal SET {col} = ?1 WHERE seq = ?2"),
            rusqlite::params![va, b],
        )
        .unwrap();
    }
}

#[test]
fn swapping_two_journal_rows_fails() {
    let (_dir, db) = copy();
    swap_journal(&db, 5, 6, &["payload"]);
    check_fails(&db, "journal", "swapped payloads");
    let (_dir, db) = copy();
    swap_journal(&db, 3, 8, &["time", "actor", "kind", "payload", "hash"]);
    check_fails(&db, "journal", "swapped rows");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_one_field_changed_with_sql_fails_verify(
        table in any::<usize>(),
        row in any::<usize>(),
        column in any::<usize>(),
    ) {
        let (_dir, db) = copy();
        let table_name = {
            let conn = tamper(&db);
            let tables = tables_with_rows(&conn);
            tables[table % tables.len()].clone()
        };
        let Some(what) = edit_field(&db, table, row, column) else {
            // The schema refused every other value (a CHECK or UNIQUE): nothing changed.
            eprintln!("tamper: the schema refused every edit of {table_name} (table {table}, column {column}); case skipped");
            return Ok(());
        };
        let (code, stdout) = verify(&db);
        if code == 0 && table_name == "claim_search_data" {
            // The inverted index is derived; verify checks what it means (SQLite's
            // integrity_check and the content it indexes), not its byte layout. An edit that
            // leaves every (term, claim, column, offset) the index decodes to as it was
            // changed nothing anyone can read: only such an edit may pass.
            let (_orig_dir, orig) = copy();
            prop_assert_eq!(
                index_instances(&orig),
                index_instances(&db),
                "verify missed {}, which changed what the full-text index says:\n{}",
                what,
                stdout
            );
            eprintln!("tamper: {what} changed no entry of the full-text index; case skipped");
            return Ok(());
        }
        prop_assert_eq!(code, 3, "verify missed {}:\n{}", what, stdout);
        eprintln!("tamper: caught {what}");
        prop_assert!(
            stdout.contains(&named(&table_name)),
            "verify did not name {} for {}:\n{}",
            table_name,
            what,
            stdout
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn deleting_or_swapping_journal_rows_fails_verify(
        a in any::<u16>(),
        b in any::<u16>(),
        delete in any::<bool>(),
        whole_rows in any::<bool>(),
    ) {
        let (_dir, db) = copy();
        let size = tamper(&db)
            .query_row("SELECT count(*) FROM journal", [], |r| r.get::<_, i64>(0))
            .unwrap();
        let a = i64::from(a) % size;
        if delete {
            tamper(&db).execute("DELETE FROM journal WHERE seq = ?1", [a]).unwrap();
        } else {
            // Two different rows (entries never have equal payloads here: seqs differ).
            let b = (a + 1 + i64::from(b) % (size - 1)) % size;
            let cols: &[&str] = if whole_rows {
                &["time", "actor", "kind", "payload", "hash"]
            } else {
                &["payload"]
            };
            swap_journal(&db, a, b, cols);
        }
        let (code, stdout) = verify(&db);
        prop_assert_eq!(code, 3, "verify missed a journal edit:\n{}", stdout);
        prop_assert!(stdout.contains("journal entry #"), "{}", stdout);
    }
}

#[test]
fn full_text_index_edits_fail_verify() {
    for (table, edit) in [
        (
            "claim_search_idx",
            "UPDATE claim_search_idx SET pgno = pgno + 1",
        ),
        (
            "claim_search_config",
            "UPDATE claim_search_config SET v = 99 WHERE k = 'version'",
        ),
        (
            "claim_search_data",
            "DELETE FROM claim_search_data WHERE id = (SELECT max(id) FROM claim_search_data)",
        ),
    ] {
        let (_dir, db) = copy();
        tamper(&db).execute_batch(edit).unwrap();
        check_fails(&db, table, edit);
    }
}

/// `verify` replays the full-text index as plain rows (it does not tokenize again): the
/// rows are compared with the index's content, its settings with a fresh index's, and a
/// table the schema does not have (version 13's per-row token counts) is named.
#[test]
fn full_text_settings_and_a_sizes_table_are_checked_without_tokenizing() {
    let (_dir, db) = copy();
    tamper(&db)
        .execute_batch("INSERT INTO claim_search_config (k, v) VALUES ('automerge', 2)")
        .unwrap();
    let (code, stdout) = verify(&db);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains(
            "table claim_search_config: row k=\"automerge\" is not backed by any journal entry"
        ),
        "{stdout}"
    );

    let (_dir, db) = copy();
    tamper(&db)
        .execute_batch(
            "CREATE TABLE claim_search_docsize (id INTEGER PRIMARY KEY, sz BLOB);
             INSERT INTO claim_search_docsize SELECT rowid, x'000707' FROM claim_search;",
        )
        .unwrap();
    let (code, stdout) = verify(&db);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("table claim_search_docsize: is not part of the schema"),
        "{stdout}"
    );
}

/// Version 13 -> 14 rebuilds the full-text index without its token-count table: the same
/// claims match the same words, and the ledger verifies.
#[test]
fn a_version_13_search_index_becomes_one_without_sizes_and_finds_the_same_claims() {
    let (_dir, db) = copy();
    let search = |db: &Path, words: &str| -> String {
        let out = assert_cmd::Command::cargo_bin("claimledger")
            .unwrap()
            .env("NO_COLOR", "1")
            .env_remove("CLAIMLEDGER_DB")
            .args(["--db"])
            .arg(db)
            .args(["list", "--search", words, "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let before = search(&db, "civilians");
    assert!(
        before.contains("\"id\"") && !before.contains("fighters"),
        "one claim of the fixture is about civilians: {before}"
    );
    {
        let conn = tamper(&db);
        common::downgrade(&conn, 13);
        let sizes: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'claim_search_docsize'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(sizes, 1, "version 13 keeps token counts");
    }
    assert_eq!(search(&db, "civilians"), before);
    let conn = tamper(&db);
    let (version, sizes): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_master WHERE name = 'claim_search_docsize')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, sizes), (14, 0));
    drop(conn);
    let (code, stdout) = verify(&db);
    assert_eq!(code, 0, "{stdout}");
}
