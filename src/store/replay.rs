//! The replay `verify` makes of the journal into an empty schema, fast at a million entries.
//!
//! Design decision: the replayed database is built without its secondary indexes (those
//! declared by `CREATE INDEX`; the primary keys and UNIQUE constraints stay, as the
//! projection looks rows up by them and `verify` compares tables in their order). Inserting
//! a million rows into seven randomly ordered indexes cost more than the rows themselves;
//! building each index once at the end is a sort. An entry whose projection may look rows
//! up by a secondary index (a party merge, or any kind not listed in
//! [`needs_no_secondary_index`]) gets the indexes built before it is applied, so the replay
//! stays exactly the projection that wrote the ledger.
//!
//! Design decision: a full-text index (an FTS5 virtual table) is replayed as a plain table
//! of the same name and columns, without an inverted index. The projection writes its rows
//! with the same statements (by rowid), so the plain table holds exactly the rows the
//! ledger's index keeps in its content table (`<name>_content`), which `verify` compares
//! with it; its settings (`<name>_config`) are copied from the fresh index, to be compared
//! like any table; its inverted index is proven consistent with that content by `PRAGMA
//! integrity_check` (FTS5's own check). The schema keeps no per-row token counts
//! (`columnsize = 0`, version 14), which only tokenizing again could check. Tokenizing every
//! statement and quote again was about a fifth of the replay at a million claims.

use rusqlite::Connection;

use crate::error::Result;
use crate::journal::Event;

/// Secondary indexes dropped from the replayed schema, to be built again.
#[derive(Debug, Default)]
pub struct DeferredIndexes {
    indexes: Vec<(String, String)>,
}

impl DeferredIndexes {
    /// Drops every `CREATE INDEX` index of a freshly created schema, remembering its SQL.
    pub fn defer(conn: &Connection) -> Result<DeferredIndexes> {
        let indexes: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        Ok(DeferredIndexes { indexes })
    }

    /// Builds the indexes again before `event` if its projection may need them.
    pub fn before(&mut self, conn: &Connection, event: &Event) -> Result<()> {
        if !needs_no_secondary_index(event) {
            self.restore(conn)?;
        }
        Ok(())
    }

    /// Builds every dropped index (once).
    pub fn restore(&mut self, conn: &Connection) -> Result<()> {
        for (_, sql) in self.indexes.drain(..) {
            conn.execute_batch(&sql)?;
        }
        Ok(())
    }
}

/// The kinds whose projection finds rows only by primary key or UNIQUE constraint.
fn needs_no_secondary_index(event: &Event) -> bool {
    matches!(
        event,
        Event::SourceAdd { .. }
            | Event::PartyAdd { .. }
            | Event::PartyAlias { .. }
            | Event::PartyUpdate { .. }
            | Event::StatusDefine { .. }
            | Event::ClaimAdd { .. }
            | Event::ClaimCite { .. }
            | Event::AppearanceTrack { .. }
            | Event::StatusSet { .. }
    )
}

/// Entries sent to the replay thread at a time.
pub const BATCH: usize = 512;

/// What the replay thread gives back: the rebuilt tables, and the entries that could not be
/// applied onto the ones before them (with why).
pub struct Replayed {
    /// The temporary database holding the replayed tables.
    pub conn: Connection,
    /// Its file (deleted when this is dropped).
    file: tempfile::TempPath,
    /// The tables of the schema, as created (before any full-text index was made plain).
    pub tables: Vec<String>,
    /// The full-text indexes replayed as plain tables.
    pub plain_search: Vec<PlainSearch>,
    /// `(seq, why)` of each entry the projection refused.
    pub refused: Vec<(i64, String)>,
}

impl Replayed {
    /// A second, read-only connection to the replayed tables, for a check that runs on
    /// another thread beside the table comparison.
    pub fn reader(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.pragma_update(None, "cache_size", -READER_CACHE_MIB * 1024)?;
        Ok(conn)
    }
}

/// Replays the entries it receives, in order, into an empty schema in a temporary database
/// (a file of its own in the temporary directory, which a second connection can read once
/// the replay is done), on a thread of its own (`verify` parses and hashes the journal on another
/// while SQLite writes here). The tables are complete when the sender is dropped and the
/// thread is joined; their secondary indexes are built only if an entry's projection needed
/// them (see [`DeferredIndexes`]).
pub fn spawn(
    entries: std::sync::mpsc::Receiver<Vec<crate::journal::Entry>>,
) -> std::thread::JoinHandle<Result<Replayed>> {
    std::thread::spawn(move || {
        let file = tempfile::Builder::new()
            .prefix("claimledger-verify-")
            .suffix(".db")
            .tempfile()
            .map_err(|source| crate::error::Error::WriteFile {
                path: std::env::temp_dir(),
                source,
            })?
            .into_temp_path();
        let conn = Connection::open(&file)?;
        // A scratch copy: nothing to keep across a crash. The rollback journal stays (in
        // memory) so that an entry the projection refuses is undone statement by statement.
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.pragma_update(None, "journal_mode", "MEMORY")?;
        // The replay holds no journal rows for `seq` columns to refer to; the ledger's own
        // foreign keys are checked by foreign_key_check.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        // Memory: this cache, the ledger's and the kept part of the tree stay well under
        // 200 MB at a million claims.
        // (SQLite's default 4 KiB pages: with 16 KiB ones the cache of a long transaction
        // grew to twice its size, measured at 100,000 claims.)
        conn.pragma_update(None, "cache_size", -CACHE_MIB * 1024)?;
        super::migrate::create(&conn)?;
        let tables = super::verify::derived_and_record_tables(&conn)?;
        let plain_search = plain_full_text(&conn)?;
        let mut indexes = DeferredIndexes::defer(&conn)?;
        let mut search = super::project::SearchBuffer::default();
        let mut refused = Vec::new();
        conn.execute_batch("BEGIN")?;
        for batch in entries {
            for entry in &batch {
                if let Err(e) = indexes
                    .before(&conn, &entry.event)
                    .and_then(|()| super::project::apply_buffered(&conn, entry, &mut search))
                {
                    refused.push((entry.seq, e.to_string()));
                }
            }
        }
        search.flush(&conn)?;
        // Not `indexes.restore`: verify reads the replay in primary-key order, or sorted by
        // SQLite, never by a secondary index, so building them now would be work thrown away
        // (the ledger's own indexes are checked against its tables by integrity_check).
        drop(indexes);
        conn.execute_batch("COMMIT")?;
        Ok(Replayed {
            conn,
            file,
            tables,
            plain_search,
            refused,
        })
    })
}

/// A full-text index the replay wrote as a plain table of the same name and columns.
#[derive(Debug, Clone)]
pub struct PlainSearch {
    /// The index's name (and the plain table's).
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
}

/// Replaces each full-text index of a fresh schema with a plain table of the same name and
/// columns (see the module's notes).
fn plain_full_text(conn: &Connection) -> Result<Vec<PlainSearch>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut plain = Vec::new();
    for name in names {
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([&name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let config = quoted(&format!("{name}_config"));
        // FTS5's own shape of its settings table; its rows are the fresh index's.
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE fresh_config AS SELECT k, v FROM {config};
             DROP TABLE {0};
             CREATE TABLE {0} ({1});
             CREATE TABLE {config} (k PRIMARY KEY, v) WITHOUT ROWID;
             INSERT INTO {config} SELECT k, v FROM fresh_config;
             DROP TABLE fresh_config;",
            quoted(&name),
            list.join(", ")
        ))?;
        plain.push(PlainSearch { name, columns });
    }
    Ok(plain)
}

/// The page cache of the replayed database, in MiB.
const CACHE_MIB: i64 = 32;

/// The page cache of a second connection reading it, in MiB.
const READER_CACHE_MIB: i64 = 8;
