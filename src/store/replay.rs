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
