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
    /// The private temporary database holding the replayed tables.
    pub conn: Connection,
    /// `(seq, why)` of each entry the projection refused.
    pub refused: Vec<(i64, String)>,
}

/// Replays the entries it receives, in order, into an empty schema in a private temporary
/// database, on a thread of its own (`verify` parses and hashes the journal on another
/// while SQLite writes here). The tables are complete when the sender is dropped and the
/// thread is joined; their secondary indexes are built only if an entry's projection needed
/// them (see [`DeferredIndexes`]).
pub fn spawn(
    entries: std::sync::mpsc::Receiver<Vec<crate::journal::Entry>>,
) -> std::thread::JoinHandle<Result<Replayed>> {
    std::thread::spawn(move || {
        let conn = Connection::open("")?;
        // The replay holds no journal rows for `seq` columns to refer to; the ledger's own
        // foreign keys are checked by foreign_key_check.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        // Memory: this cache, the ledger's and the kept part of the tree stay well under
        // 200 MB at a million claims.
        // (SQLite's default 4 KiB pages: with 16 KiB ones the cache of a long transaction
        // grew to twice its size, measured at 100,000 claims.)
        conn.pragma_update(None, "cache_size", -CACHE_MIB * 1024)?;
        super::migrate::create(&conn)?;
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
        Ok(Replayed { conn, refused })
    })
}

/// The page cache of the replayed database, in MiB.
const CACHE_MIB: i64 = 32;
