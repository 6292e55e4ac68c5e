//! Appending journal entries, fast enough for a million in one transaction.
//!
//! Design decisions (issue 12's profile):
//!
//! - Every entry is still its own journal row with its own canonical bytes, hash and Merkle
//!   leaf, written by [`Tx::append`]; what is fast is what it *remembers* within one
//!   transaction ([`State`]): the next sequence number (read once, not `max(seq)` per entry),
//!   the right edge of the Merkle tree (the last completed subtree of each level, so an
//!   append reads no stored node), and the full-text rows not yet written.
//! - Full-text rows are held back ([`project::SearchBuffer`]) and written together before
//!   the transaction commits (or when a few MB are pending): FTS5 flushes its pending terms
//!   as a new segment whenever any statement of the transaction opens a statement
//!   savepoint (an `UPDATE claims` for a status does), which made every status in a batch
//!   cost a segment write and merge.
//! - Statements are prepared once per connection (`prepare_cached`); the payload is
//!   serialized once per entry and its bytes built from it.
//! - The connection gets a page cache of [`CACHE_MIB`] MiB ([`tune`]) rather than SQLite's
//!   2 MB, so that inserts into the indexes of a large ledger do not spill and re-read pages
//!   mid-transaction. Memory stays bounded by the cache, whatever the batch size.
//!   Temporary storage stays on disk: a sort or temporary table of a million rows (a
//!   migration's, a `list --sort claimant`) must not have to fit in memory.
//!
//! The importer (or anything recording many entries) needs nothing else: call
//! [`Tx::append`] once per entry inside one [`super::Store::begin_write`] transaction and
//! [`Tx::commit`] at the end.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use super::{Tx, merkle, project};
use crate::error::{Error, Result};
use crate::journal::{Entry, Event};
use crate::merkle::{Hash, SubtreeStore};

/// The page cache each connection may use, in MiB (SQLite's default is 2).
pub const CACHE_MIB: i64 = 64;

/// The page size of a new ledger. A trade-off measured at 10,000 claims (issue 11): 64 KiB
/// pages store a 64 MB source fastest (1.7 s, against 2.1 s at 16 KiB and 3.1 s at 4 KiB)
/// but make an empty ledger 3.2 MB (16 KiB: 0.8 MB), and every small change copies whole
/// pages to the WAL and to statement journals (a status set copies 64 KiB per page it
/// touches, which spills the statement journal to a file). 16 KiB keeps most of the speed
/// for sources at a quarter of the cost per touched page. Existing ledgers keep theirs.
pub const PAGE_SIZE: i64 = 16384;

/// Prepared statements a connection keeps (rusqlite's default is 16): an export runs about
/// fifteen statements per claim, which beside its other reads would evict one another.
pub const STATEMENT_CACHE: usize = 64;

/// Sets the page cache of a ledger connection (bounded: memory stays flat in batch size),
/// its cache of prepared statements, and SQLite's query planner stability guarantee.
///
/// Without the guarantee SQLite marks a statement whose plan looked at a bound value (a
/// join or an `ORDER BY` beside `claim_id = ?1` is enough) to be prepared again when its
/// bindings are cleared, and rusqlite clears them whenever a cached statement goes back to
/// the cache: every cached read of an export was parsed and planned again for every claim
/// (`export claimreview` of 100,000 claims: 10.8 s, 3.4 s with the guarantee). A ledger has
/// no `ANALYZE` statistics, so the plan never depended on the value anyway.
pub(super) fn tune(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -CACHE_MIB * 1024)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// What appending remembers between the entries of one transaction.
#[derive(Default)]
pub(super) struct State {
    /// The sequence number of the next entry, once read.
    next_seq: Option<i64>,
    /// For each level, the last completed subtree (index, hash) this transaction knows.
    edge: Vec<Option<(u64, Hash)>>,
    /// Full-text rows not yet written.
    search: project::SearchBuffer,
    /// Secondary indexes dropped by [`Tx::expect_bulk`], built again at commit.
    pub(super) deferred: Option<super::bulk::Deferred>,
    /// In a bulk transaction: Merkle nodes not yet written (the right edge above is all
    /// an append reads), written in key order when many are held, before an entry of
    /// another kind, and at commit.
    pub(super) nodes: Option<Vec<(u32, u64, Hash)>>,
}

impl State {
    /// The most Merkle nodes held back.
    const MAX_NODES: usize = 1 << 16;

    /// Writes the held-back Merkle nodes.
    pub(super) fn flush_nodes(&mut self, conn: &Connection) -> Result<()> {
        match &mut self.nodes {
            Some(nodes) if !nodes.is_empty() => merkle::insert_nodes_in_bulk(conn, nodes),
            _ => Ok(()),
        }
    }
}

/// The stored tree, with the right edge remembered in front of it.
struct Edge<'a> {
    conn: &'a Connection,
    edge: &'a [Option<(u64, Hash)>],
}

impl SubtreeStore for Edge<'_> {
    type Error = Error;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash> {
        match self.edge.get(level as usize) {
            Some(Some((i, hash))) if *i == index => Ok(*hash),
            _ => merkle::SqlTree(self.conn).perfect(level, index),
        }
    }
}

impl Tx<'_> {
    /// Makes the transaction's writes durable (writing any held-back full-text rows first).
    pub fn commit(self) -> Result<()> {
        {
            let mut state = self.appending.borrow_mut();
            state.search.flush(&self.tx)?;
            state.flush_nodes(&self.tx)?;
            if let Some(mut deferred) = state.deferred.take() {
                deferred.restore(&self.tx)?;
            }
        }
        let wrote = self.tx.total_changes() > 0;
        self.tx.commit()?;
        if wrote {
            super::COMMITTED.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(())
    }

    /// Appends a journal entry and applies it to the derived tables, in this transaction.
    pub fn append(&self, time: &str, actor: &str, event: Event) -> Result<Entry> {
        let mut state = self.appending.borrow_mut();
        let result = self.append_with(&mut state, time, actor, event);
        if result.is_err() {
            // Whatever failed may have written part of the entry: read everything afresh.
            // Held-back nodes are those of entries written: store them, as the tree is
            // read from the table from now on (a failure here surfaces at commit).
            let _ = state.flush_nodes(self);
            state.next_seq = None;
            state.edge.clear();
        }
        result
    }

    fn append_with(
        &self,
        state: &mut State,
        time: &str,
        actor: &str,
        event: Event,
    ) -> Result<Entry> {
        let seq = match state.next_seq {
            Some(seq) => seq,
            None => self.query_row("SELECT coalesce(max(seq) + 1, 0) FROM journal", [], |r| {
                r.get(0)
            })?,
        };
        if let Some(deferred) = &mut state.deferred {
            deferred.before(self, &event)?;
        }
        if !super::bulk::is_bulk_kind(&event) {
            state.flush_nodes(self)?;
        }
        let kind = event.kind();
        let payload = event.payload_json();
        let bytes = crate::journal::entry_bytes(seq, time, actor, kind, &payload);
        self.prepare_cached(
            "INSERT INTO journal (seq, time, actor, kind, payload, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            seq,
            time,
            actor,
            kind,
            payload,
            hex::encode(Sha256::digest(&bytes))
        ])?;
        let leaf = crate::merkle::leaf_hash(&bytes);
        let nodes = crate::merkle::nodes_completed_by_append(
            &Edge {
                conn: self,
                edge: &state.edge,
            },
            seq as u64,
            leaf,
        )?;
        match &mut state.nodes {
            Some(held) => {
                held.extend_from_slice(&nodes);
                if held.len() >= State::MAX_NODES {
                    merkle::insert_nodes_in_bulk(self, held)?;
                }
            }
            None => merkle::insert_nodes(self, &nodes)?,
        }
        for (level, index, hash) in nodes {
            let level = level as usize;
            if state.edge.len() <= level {
                state.edge.resize(level + 1, None);
            }
            state.edge[level] = Some((index, hash));
        }
        let entry = Entry {
            seq,
            time: time.to_string(),
            actor: actor.to_string(),
            event,
        };
        project::apply_buffered(self, &entry, &mut state.search)?;
        state.next_seq = Some(seq + 1);
        Ok(entry)
    }
}
