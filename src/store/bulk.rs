//! The bulk path: a transaction that appends many claims at once (an import).
//!
//! Design decisions (issue 12's profile: at a million claims, inserting into the randomly
//! ordered secondary indexes cost more than the rows themselves):
//!
//! - [`Tx::expect_bulk`] declares how many claims a transaction is about to append. When
//!   that is at least as many as the ledger already holds, the secondary indexes (those of
//!   `CREATE INDEX`) of the tables an import writes are dropped in the transaction and built
//!   again, each in one sort, just before it commits ([`Tx::commit`]). DDL is transactional
//!   in SQLite: a failed or killed import leaves the indexes exactly as they were, and a
//!   committed one has them exactly as schema.sql declares them (the same SQL text).
//!   Primary keys and UNIQUE constraints stay: the projection finds rows by them.
//! - An entry whose projection may look rows up by a secondary index (a party merge, any
//!   kind not listed in [`needs_no_secondary_index`]) gets the indexes built before it is
//!   applied, so the projection is the same with or without the bulk path; a query the
//!   caller makes meanwhile is answered correctly, only without the index.
//! - Foreign keys are checked at commit (`PRAGMA defer_foreign_keys`), not per statement:
//!   an immediate foreign key makes every `UPDATE claims SET status` open a statement
//!   journal, copying each page it touches. A violation still fails the commit, and with it
//!   the whole import.

use rusqlite::Connection;

use super::Tx;
use crate::error::Result;
use crate::journal::Event;

/// The tables whose secondary indexes a bulk transaction defers: those an import writes.
const BULK_TABLES: &[&str] = &[
    "claims",
    "claim_conduits",
    "appearances",
    "status_events",
    "claim_imports",
];

/// The page cache (and so the sorter's memory) while the deferred indexes are built, MiB.
const SORT_CACHE_MIB: i64 = 16;

/// Secondary indexes dropped for a bulk transaction, with the SQL that builds each.
#[derive(Debug, Default)]
pub(super) struct Deferred {
    indexes: Vec<String>,
}

impl Deferred {
    /// Builds the indexes again before `event` if its projection may need them.
    pub(super) fn before(&mut self, conn: &Connection, event: &Event) -> Result<()> {
        if !needs_no_secondary_index(event) {
            self.restore(conn)?;
        }
        Ok(())
    }

    /// Builds every dropped index (once), with the page cache narrowed to
    /// [`SORT_CACHE_MIB`] meanwhile: SQLite's sorter may hold as much as the page cache
    /// besides it, which would double the memory a bulk transaction peaks at.
    pub(super) fn restore(&mut self, conn: &Connection) -> Result<()> {
        if self.indexes.is_empty() {
            return Ok(());
        }
        let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -SORT_CACHE_MIB * 1024)?;
        for sql in self.indexes.drain(..) {
            conn.execute_batch(&sql)?;
        }
        conn.pragma_update(None, "cache_size", cache)?;
        Ok(())
    }
}

/// The kinds a bulk transaction appends (the only ones for which it holds Merkle nodes
/// back: any other kind may read the stored tree).
pub(super) fn is_bulk_kind(event: &Event) -> bool {
    matches!(
        event,
        Event::PartyAdd { .. }
            | Event::PartyAlias { .. }
            | Event::StatusDefine { .. }
            | Event::ClaimAdd { .. }
            | Event::StatusSet { .. }
    )
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
            | Event::StatusSet { .. }
    )
}

impl Tx<'_> {
    /// Declares that this transaction is about to append about `claims` claims (with their
    /// statuses): when that is at least as many as the ledger holds, the secondary indexes
    /// of the claim tables are built once at commit instead of row by row. Foreign keys are
    /// checked at commit. Call it before the appends; calling it again does nothing more.
    pub fn expect_bulk(&self, claims: u64) -> Result<()> {
        self.pragma_update(None, "defer_foreign_keys", "ON")?;
        let mut state = self.appending.borrow_mut();
        state.nodes.get_or_insert_with(Vec::new);
        if state.deferred.is_some() || claims < 1000 {
            return Ok(());
        }
        let held: i64 = self.query_row("SELECT coalesce(max(number), 0) FROM claims", [], |r| {
            r.get(0)
        })?;
        if (claims as i64) < held {
            return Ok(());
        }
        let mut deferred = Deferred::default();
        let mut stmt = self.prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name = ?1 ORDER BY name",
        )?;
        for table in BULK_TABLES {
            let indexes: Vec<(String, String)> = stmt
                .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (name, sql) in indexes {
                self.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
                deferred.indexes.push(sql);
            }
        }
        state.deferred = Some(deferred);
        Ok(())
    }
}
