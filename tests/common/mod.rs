//! A small builder that runs the real `claimledger` binary on a temporary ledger.
//!
//! `Sandbox::new()` makes a temp dir with an initialized ledger; `sb.ok(&[...])` runs a
//! command that must succeed and returns its stdout; `sb.fails(&[...], code)` runs one
//! that must fail with that exit code and returns its stderr. `sb.snapshot()` dumps every
//! table, so a test can check that a refused command left the ledger exactly as it was.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use rusqlite::types::ValueRef;

pub mod server;

/// The fictional article every test quotes from (written for these tests).
pub const ARTICLE_V1: &str = include_str!("../../examples/articles/report-v1.txt");
/// A later capture of the same article.
pub const ARTICLE_V2: &str = include_str!("../../examples/articles/report-v2.txt");

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Sandbox {
    /// A temp dir with an initialized ledger in it.
    pub fn new() -> Sandbox {
        let sb = Sandbox::empty();
        sb.ok(&["init", "--origin", "test.example/ledger"]);
        sb
    }

    /// A temp dir with no ledger yet.
    pub fn empty() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("ledger.db");
        Sandbox { dir, db }
    }

    /// A command with --db set, a fixed actor, no colour, and no ambient configuration.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("claimledger").expect("binary built");
        cmd.env_remove("CLAIMLEDGER_DB")
            .env_remove("COLUMNS")
            .env("CLAIMLEDGER_USER", "tester")
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path())
            .arg("--db")
            .arg(&self.db)
            .args(args);
        cmd
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().expect("runs");
        assert_success(args, &out);
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Runs a command that must succeed with `--json`; returns the parsed output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let text = self.ok(&all);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }

    /// Runs a command that must fail with `code`; returns its stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd(args).output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?} should exit {code}; stdout: {} stderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            out.stdout.is_empty(),
            "{args:?} printed data on failure: {:?}",
            out.stdout
        );
        stderr
    }

    /// Runs a command that must fail with exit 1, and checks the ledger did not change and
    /// the message starts with `error:` and contains `expected`. Returns stderr.
    pub fn refuses(&self, args: &[&str], expected: &str) -> String {
        let before = self.snapshot();
        let stderr = self.fails(args, 1);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected {expected:?} in: {stderr}"
        );
        assert_eq!(before, self.snapshot(), "{args:?} changed the ledger");
        stderr
    }

    /// Writes a file in the sandbox and returns its path as a string.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path.to_str().expect("UTF-8 path").to_string()
    }

    /// Adds a source and returns its SHA-256.
    pub fn add_source(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.file(name, contents);
        self.json(&["source", "add", &path])["sha256"]
            .as_str()
            .expect("sha256")
            .to_string()
    }

    /// Every row of every table (and the schema pragmas), as text, for comparison.
    pub fn snapshot(&self) -> Vec<String> {
        snapshot(&self.db)
    }

    /// Opens the ledger directly (for checks and for tampering).
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open ledger")
    }

    /// A copy of this ledger as schema version 1 would hold it: the schema as version 1
    /// shipped it (tests/data/schema-v1.sql) and every row of every table it had, column by
    /// column. Opening it runs every migration since.
    pub fn copy_as_version_1(&self) -> PathBuf {
        let old = self.dir.path().join("v1.db");
        let v1 = rusqlite::Connection::open(&old).unwrap();
        v1.execute_batch(include_str!("../data/schema-v1.sql"))
            .unwrap();
        v1.execute("ATTACH DATABASE ?1 AS cur", [self.db.to_str().unwrap()])
            .unwrap();
        let tables: Vec<String> = v1
            .prepare(
                "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name <> 'statuses'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for table in tables {
            let columns: Vec<String> = v1
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let columns = columns.join(", ");
            v1.execute_batch(&format!(
                "INSERT INTO main.{table} ({columns}) SELECT {columns} FROM cur.{table}"
            ))
            .unwrap();
        }
        v1.execute_batch("DETACH DATABASE cur").unwrap();
        old
    }

    /// One integer from a query.
    pub fn count(&self, sql: &str) -> i64 {
        self.sql().query_row(sql, [], |r| r.get(0)).expect(sql)
    }
}

pub fn assert_success(args: &[&str], out: &Output) {
    assert!(
        out.status.success(),
        "{args:?} failed ({:?}); stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Dumps a ledger: pragmas, then each table's rows in rowid order.
pub fn snapshot(db: &Path) -> Vec<String> {
    if !db.exists() {
        return vec!["<no file>".to_string()];
    }
    let conn = rusqlite::Connection::open(db).expect("open ledger");
    let mut out = Vec::new();
    for pragma in ["user_version", "application_id"] {
        let v: i64 = conn
            .pragma_query_value(None, pragma, |r| r.get(0))
            .expect("pragma");
        out.push(format!("{pragma}={v}"));
    }
    let tables: Vec<String> = conn
        .prepare(
            // Full-text search keeps its index in shadow tables; its rows are compared
            // through the virtual table itself.
            "SELECT name FROM sqlite_master t WHERE type = 'table' AND NOT EXISTS (
                SELECT 1 FROM sqlite_master v WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%'
                AND t.name LIKE v.name || '\\_%' ESCAPE '\\')
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        // A WITHOUT ROWID table (merkle_nodes) in the order of its key, its first columns.
        let mut stmt = conn
            .prepare(&format!("SELECT rowid, * FROM \"{table}\" ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2")))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Null => "NULL".to_string(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => {
                        use sha2::Digest;
                        format!("blob:{}:{}", b.len(), hex::encode(sha2::Sha256::digest(b)))
                    }
                })
                .collect();
            out.push(format!("{table}: {}", cells.join(" | ")));
        }
    }
    out
}

/// The code-point offset of the `n`-th (1-based) occurrence of `needle` in `text`,
/// computed independently of the tool.
pub fn code_point_offset(text: &str, needle: &str, n: usize) -> usize {
    let (byte, _) = text
        .match_indices(needle)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("{needle:?} occurs fewer than {n} times"));
    text[..byte].chars().count()
}

/// Undoes, on a copy of a current ledger, what the migrations after version `to` added,
/// and sets its user_version to `to`: an older ledger holding the same entries, for tests
/// that the upgrade rebuilds what they need. Each new migration adds its undo here.
#[allow(dead_code)]
pub fn downgrade(conn: &rusqlite::Connection, to: i64) {
    const UNDO: &[(i64, &str)] = &[
        (
            7,
            "DROP TABLE party_moves; DROP TABLE corrections; DROP TABLE removed_appearances;
             ALTER TABLE claims DROP COLUMN withdrawn_seq;",
        ),
        (8, "ALTER TABLE appearances DROP COLUMN fragments;"),
        (9, "DROP TABLE claim_imports;"),
        (10, "DROP TABLE derived_texts;"),
        (11, "DROP TABLE users;"),
        (
            12,
            "CREATE TABLE merkle_nodes_v11 (
                 level INTEGER NOT NULL CHECK (level >= 0),
                 idx   INTEGER NOT NULL CHECK (idx >= 0),
                 hash  TEXT    NOT NULL CHECK (length(hash) = 64),
                 PRIMARY KEY (level, idx)
             ) STRICT;
             INSERT INTO merkle_nodes_v11 SELECT level, idx, lower(hex(hash)) FROM merkle_nodes;
             DROP TABLE merkle_nodes;
             ALTER TABLE merkle_nodes_v11 RENAME TO merkle_nodes;",
        ),
        (
            13,
            "DROP INDEX appearances_by_source;
             CREATE INDEX appearances_by_source ON appearances (source);
             DROP INDEX parties_by_merged_into;",
        ),
        (
            14,
            "CREATE TEMP TABLE search_rows AS
                 SELECT rowid AS number, claim_id, statement, quotes FROM claim_search;
             DROP TABLE claim_search;
             CREATE VIRTUAL TABLE claim_search USING fts5 (
                 claim_id UNINDEXED,
                 statement,
                 quotes,
                 tokenize = 'unicode61 remove_diacritics 2'
             );
             INSERT INTO claim_search (rowid, claim_id, statement, quotes)
                 SELECT number, claim_id, statement, quotes FROM search_rows;
             DROP TABLE search_rows;",
        ),
    ];
    let current = claimledger::store::migrate::SCHEMA_VERSION;
    assert!(
        UNDO.last().map(|u| u.0) == Some(current),
        "tests/common/mod.rs: downgrade() has no undo for schema version {current}"
    );
    for (version, sql) in UNDO.iter().rev() {
        if *version > to {
            conn.execute_batch(sql).unwrap();
        }
    }
    conn.pragma_update(None, "user_version", to).unwrap();
}
