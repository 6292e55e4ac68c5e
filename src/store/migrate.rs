//! Schema versions and migrations, keyed on `PRAGMA user_version`.
//!
//! A new ledger gets the whole of schema.sql, which always describes the newest version.
//! An older ledger is brought up to date by running, in order, the migrations from its
//! version to [`SCHEMA_VERSION`], in the same IMMEDIATE transaction. A ledger newer than
//! this binary is refused, never guessed at.

use rusqlite::Connection;

use crate::error::Result;

/// The whole schema, applied by `init`.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = 14;

/// `PRAGMA application_id` of every ledger ("CLEL").
pub const APPLICATION_ID: i64 = 0x434C_454C;

/// `MIGRATIONS[i]` takes a ledger from version `i + 1` to `i + 2`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/002-anchorings.sql"),
    include_str!("../../migrations/003-merkle.sql"),
    include_str!("../../migrations/004-attribution.sql"),
    include_str!("../../migrations/005-normalized-texts.sql"),
    include_str!("../../migrations/006-checkpoint-entries.sql"),
    CORRECTIONS,
    include_str!("../../migrations/008-elided-appearances.sql"),
    include_str!("../../migrations/010-imports.sql"),
    include_str!("../../migrations/011-derived-texts.sql"),
    include_str!("../../migrations/012-users.sql"),
    MERKLE_BLOBS,
    include_str!("../../migrations/014-lookups.sql"),
    include_str!("../../migrations/015-search-sizes.sql"),
];

/// The version 12 migration: the Merkle tree's hashes as BLOBs (run first, see [`upgrade`]).
const MERKLE_BLOBS: &str = include_str!("../../migrations/013-merkle-blobs.sql");

/// The corrections migration (claims withdrawn, appearances removed, merges undone).
const CORRECTIONS: &str = include_str!("../../migrations/007-corrections.sql");

/// Creates the schema in an empty database.
pub fn create(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

/// Brings a ledger at `version` up to [`SCHEMA_VERSION`]; the caller holds the transaction.
pub fn upgrade(conn: &Connection, version: i64) -> Result<()> {
    // Migrations that append journal entries (version 6's) write Merkle nodes the way this
    // binary does: a ledger that has the tree already (version 3 and up) gets its newest
    // shape first. (Below version 3, 003-merkle.sql creates it in that shape.)
    let tree_first = (3..12).contains(&version);
    if tree_first {
        conn.execute_batch(MERKLE_BLOBS)?;
    }
    for (i, script) in MIGRATIONS.iter().enumerate() {
        let from = i as i64 + 1;
        if from >= version {
            if !(tree_first && *script == MERKLE_BLOBS) {
                conn.execute_batch(script)?;
            }
            if from + 1 == 3 {
                // SQL cannot hash: build the Merkle tree of the entries written so far.
                super::merkle::backfill(conn)?;
            }
            if *script == CORRECTIONS {
                // What earlier merges moved comes from replaying them (SQL cannot).
                backfill_party_moves(conn)?;
            }
            if from + 1 == 4 {
                // Version 4 folds apostrophes, quotes, dashes and ß in name lookup keys.
                rekey_party_names(conn)?;
            }
            if from + 1 == 6 {
                // Version 6 binds checkpoints into the journal: enter the ones recorded so far.
                journal_checkpoints(conn)?;
            }
            conn.pragma_update(None, "user_version", from + 1)?;
        }
    }
    Ok(())
}

/// Fills `party_moves` for the merges a ledger recorded before it existed: the journal is
/// replayed into a private in-memory ledger (only when there is a merge to replay) and
/// the table copied from it.
fn backfill_party_moves(conn: &Connection) -> Result<()> {
    let merges: i64 = conn.query_row(
        "SELECT count(*) FROM journal WHERE kind = 'party.merge'",
        [],
        |r| r.get(0),
    )?;
    if merges == 0 {
        return Ok(());
    }
    let replay = Connection::open_in_memory()?;
    replay.pragma_update(None, "foreign_keys", "OFF")?;
    create(&replay)?;
    replay.execute_batch("BEGIN")?;
    let mut stmt =
        conn.prepare("SELECT seq, time, actor, kind, payload FROM journal ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let kind: String = row.get(3)?;
        let payload: String = row.get(4)?;
        let event = crate::journal::Event::from_parts(&kind, &payload)
            .map_err(|reason| crate::error::Error::BadEntry { seq, reason })?;
        let entry = crate::journal::Entry {
            seq,
            time: row.get(1)?,
            actor: row.get(2)?,
            event,
        };
        super::project::apply(&replay, &entry)?;
    }
    type Move = (i64, String, String, Option<i64>, Option<String>);
    let moves: Vec<Move> = replay
        .prepare("SELECT merge_seq, what, target, party_id, party_as FROM party_moves")?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert = conn.prepare(
        "INSERT INTO party_moves (merge_seq, what, target, party_id, party_as) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for m in moves {
        insert.execute(rusqlite::params![m.0, m.1, m.2, m.3, m.4])?;
    }
    Ok(())
}

/// Turns every checkpoint recorded before version 6 into a journal entry, oldest first
/// (see migrations/006-checkpoint-entries.sql).
fn journal_checkpoints(conn: &Connection) -> Result<()> {
    let rows: Vec<(String, i64, String, Option<String>)> = conn
        .prepare("SELECT note, size, root, key FROM checkpoints ORDER BY size, rowid")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    conn.execute("DELETE FROM checkpoints", [])?;
    let time = crate::dates::now();
    let actor = format!("claimledger {} (schema upgrade)", env!("CARGO_PKG_VERSION"));
    for (note, size, root, key) in rows {
        let event = crate::journal::Event::Checkpoint {
            size: size.max(0) as u64,
            root,
            note,
            key,
            upgraded: true,
        };
        super::append_entry(conn, &time, &actor, event)?;
    }
    Ok(())
}

/// Recomputes every party name's lookup key with the current [`name_key`].
fn rekey_party_names(conn: &Connection) -> Result<()> {
    let names: Vec<(String, String)> = conn
        .prepare("SELECT key, name FROM party_names")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare("UPDATE party_names SET key = ?2 WHERE key = ?1")?;
    for (key, name) in names {
        let new = crate::party::name_key(&name);
        if new != key {
            update.execute(rusqlite::params![key, new])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_sql_declares_the_version_this_binary_writes() {
        let conn = Connection::open_in_memory().unwrap();
        create(&conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        let app: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        assert_eq!(app, APPLICATION_ID);
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION - 1);
    }

    /// The shape of every table, index and the pragmas, for comparing schemas.
    fn shape(conn: &Connection) -> Vec<String> {
        let mut out: Vec<String> = conn
            .prepare("SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name")
            .unwrap()
            .query_map([], |r| {
                Ok(format!(
                    "{}:{}:{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for table in tables {
            let mut stmt = conn
                .prepare(&format!("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')"))
                .unwrap();
            let cols = stmt
                .query_map([], |r| {
                    Ok(format!(
                        "{table}.{}:{}:{}:{:?}:{}",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)?
                    ))
                })
                .unwrap();
            for col in cols {
                out.push(col.unwrap());
            }
        }
        // Each index's columns in order: an index of the same name may key other columns.
        let indexes: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for index in indexes {
            let columns: Vec<String> = conn
                .prepare("SELECT coalesce(name, '') FROM pragma_index_info(?1) ORDER BY seqno")
                .unwrap()
                .query_map([&index], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            out.push(format!("{index}({})", columns.join(", ")));
        }
        for pragma in ["user_version", "application_id"] {
            let v: i64 = conn.pragma_query_value(None, pragma, |r| r.get(0)).unwrap();
            out.push(format!("{pragma}={v}"));
        }
        out
    }

    #[test]
    fn migrating_a_version_1_ledger_gives_exactly_schema_sql() {
        let fresh = Connection::open_in_memory().unwrap();
        create(&fresh).unwrap();
        let old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1_SCHEMA).unwrap();
        upgrade(&old, 1).unwrap();
        assert_eq!(shape(&fresh), shape(&old));
    }

    /// schema.sql as version 1 shipped it.
    const V1_SCHEMA: &str = include_str!("../../tests/data/schema-v1.sql");
}
