//! The journal's Merkle tree and its checkpoints, as stored.
//!
//! Design decisions:
//!
//! - `merkle_nodes` holds every *completed perfect subtree* (level, index, hash), including
//!   the leaves at level 0. An append writes the leaf and the parents it completes
//!   ([`crate::merkle::nodes_completed_by_append`]) in the entry's own transaction, so the
//!   tree can never lag behind the journal. Perfect subtrees never change once complete, so
//!   rows are only ever inserted. A root, an inclusion proof or a consistency proof at any
//!   size then reads O(log n) rows by primary key ([`SqlTree`]); nothing scans the journal.
//! - Hashes are 32-byte BLOBs in a table clustered on (level, idx) (WITHOUT ROWID, since
//!   version 12): about two rows per entry, so the tree was 280 bytes a claim as hex text in
//!   a rowid table with a second index. Reads also accept a hex text hash (what a ledger
//!   before version 12 holds until its migration, or a hand-edited row).
//! - A ledger created before version 3 gets its tree in the migration ([`backfill`]), from
//!   the journal entries it already has.
//! - `checkpoints` keeps each checkpoint note exactly as printed, with its size and root;
//!   `verify` recomputes the root at every recorded size and compares. Since schema version
//!   6 each row is the projection of a journal entry of kind `checkpoint` (its `seq`), so a
//!   checkpoint is part of the record: deleting or altering one fails `verify`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::journal::Event;
use crate::merkle::{self, Hash, SubtreeStore};

/// The Merkle tree stored in a ledger, read by primary key.
pub struct SqlTree<'c>(pub &'c Connection);

impl SubtreeStore for SqlTree<'_> {
    type Error = Error;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash> {
        let stored: Option<Option<Hash>> = self
            .0
            .prepare_cached("SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2")?
            .query_row(params![level, index as i64], |r| {
                Ok(stored_hash(r.get_ref(0)?))
            })
            .optional()?;
        let stored = stored.ok_or_else(|| Error::MerkleNode {
            level,
            index,
            reason: "it is missing".into(),
        })?;
        stored.ok_or_else(|| Error::MerkleNode {
            level,
            index,
            reason: "it is not a 32-byte hash".into(),
        })
    }
}

/// A stored node's hash: 32 bytes, or (as before version 12) 64 hex digits.
pub fn stored_hash(value: rusqlite::types::ValueRef<'_>) -> Option<Hash> {
    match value {
        rusqlite::types::ValueRef::Blob(b) => b.try_into().ok(),
        rusqlite::types::ValueRef::Text(t) => {
            let mut h = [0u8; 32];
            hex::decode_to_slice(t, &mut h).ok().map(|()| h)
        }
        _ => None,
    }
}

/// Stores the leaf of entry `seq` (whose canonical bytes are `entry`) and every subtree it
/// completes. Called by [`super::Tx::append`] in the entry's transaction.
pub fn append_leaf(conn: &Connection, seq: i64, entry: &[u8]) -> Result<()> {
    let leaf = merkle::leaf_hash(entry);
    let nodes = merkle::nodes_completed_by_append(&SqlTree(conn), seq as u64, leaf)?;
    insert_nodes(conn, &nodes)
}

/// Stores completed subtrees `(level, index, hash)`.
pub fn insert_nodes(conn: &Connection, nodes: &[(u32, u64, Hash)]) -> Result<()> {
    let mut insert =
        conn.prepare_cached("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?1, ?2, ?3)")?;
    for (level, index, hash) in nodes {
        insert.execute(params![level, *index as i64, &hash[..]])?;
    }
    Ok(())
}

/// Stores many completed subtrees at once (a bulk transaction's, held back): in key order,
/// [`ROWS_PER_INSERT`] rows per statement, so the rows land at the end of each level's
/// range and the statement's fixed cost is paid once per batch. Empties `nodes`.
pub fn insert_nodes_in_bulk(conn: &Connection, nodes: &mut Vec<(u32, u64, Hash)>) -> Result<()> {
    nodes.sort_unstable_by_key(|(level, index, _)| (*level, *index));
    let mut chunks = nodes.chunks_exact(ROWS_PER_INSERT);
    let sql = format!(
        "INSERT INTO merkle_nodes (level, idx, hash) VALUES {}",
        vec!["(?, ?, ?)"; ROWS_PER_INSERT].join(", ")
    );
    let mut many = conn.prepare_cached(&sql)?;
    let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(3 * ROWS_PER_INSERT);
    for chunk in &mut chunks {
        values.clear();
        for (level, index, hash) in chunk {
            values.push(i64::from(*level).into());
            values.push((*index as i64).into());
            values.push(hash.to_vec().into());
        }
        many.execute(rusqlite::params_from_iter(values.iter()))?;
    }
    insert_nodes(conn, chunks.remainder())?;
    nodes.clear();
    Ok(())
}

/// How many nodes [`insert_nodes_in_bulk`] writes with one statement.
const ROWS_PER_INSERT: usize = 64;

/// Builds the tree of every journal entry already written (the version 2 -> 3 migration).
pub fn backfill(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM merkle_nodes", [])?;
    let mut stmt =
        conn.prepare("SELECT seq, time, actor, kind, payload FROM journal ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut expected = 0i64;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        if seq != expected {
            return Err(Error::BadEntry {
                seq: expected,
                reason: format!("the journal jumps from #{} to #{seq}", expected - 1),
            });
        }
        let kind: String = row.get(3)?;
        let payload: String = row.get(4)?;
        let event =
            Event::from_parts(&kind, &payload).map_err(|reason| Error::BadEntry { seq, reason })?;
        let entry = crate::journal::Entry {
            seq,
            time: row.get(1)?,
            actor: row.get(2)?,
            event,
        };
        append_leaf(conn, seq, &entry.bytes())?;
        expected += 1;
    }
    Ok(())
}

/// The number of leaves in the stored tree (O(log n): the primary key's last level-0 row).
pub fn tree_size(conn: &Connection) -> Result<u64> {
    let size: i64 = conn.query_row(
        "SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0",
        [],
        |r| r.get(0),
    )?;
    Ok(size as u64)
}

/// The root of the first `size` leaves, from O(log n) stored nodes.
pub fn root_at(conn: &Connection, size: u64) -> Result<Hash> {
    merkle::root(&SqlTree(conn), size)
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves.
pub fn inclusion_proof(conn: &Connection, index: u64, size: u64) -> Result<Vec<Hash>> {
    merkle::inclusion_proof(&SqlTree(conn), index, size).map_err(proof_error)
}

/// The consistency proof from `size1` to `size2` leaves.
pub fn consistency_proof(conn: &Connection, size1: u64, size2: u64) -> Result<Vec<Hash>> {
    merkle::consistency_proof(&SqlTree(conn), size1, size2).map_err(proof_error)
}

fn proof_error(e: merkle::ProofError<Error>) -> Error {
    match e {
        merkle::ProofError::Store(e) => e,
        other => Error::Proof(other.to_string()),
    }
}

/// A checkpoint as recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// The note exactly as printed.
    pub note: String,
    /// Tree size.
    pub size: u64,
    /// Root, hex.
    pub root: String,
    /// The verifier key of its signature, if signed.
    pub key: Option<String>,
    /// The journal entry that records it.
    pub seq: Option<i64>,
}

fn stored_checkpoint(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCheckpoint> {
    Ok(StoredCheckpoint {
        note: r.get(0)?,
        size: r.get::<_, i64>(1)?.max(0) as u64,
        root: r.get(2)?,
        key: r.get(3)?,
        seq: r.get(4)?,
    })
}

/// Every recorded checkpoint, oldest first.
pub fn checkpoints(conn: &Connection) -> Result<Vec<StoredCheckpoint>> {
    let mut stmt =
        conn.prepare("SELECT note, size, root, key, seq FROM checkpoints ORDER BY size, rowid")?;
    let rows = stmt.query_map([], stored_checkpoint)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The checkpoint of the largest size (the latest recorded among equals), if any.
pub fn latest_checkpoint(conn: &Connection) -> Result<Option<StoredCheckpoint>> {
    Ok(conn
        .query_row(
            "SELECT note, size, root, key, seq FROM checkpoints ORDER BY size DESC, rowid DESC LIMIT 1",
            [],
            stored_checkpoint,
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MemoryTree;

    fn ledger_with(n: i64) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        super::super::migrate::create(&conn).unwrap();
        for seq in 0..n {
            let bytes = format!("entry {seq}");
            append_leaf(&conn, seq, bytes.as_bytes()).unwrap();
        }
        conn
    }

    #[test]
    fn stored_tree_matches_the_memory_tree_at_every_size() {
        let conn = ledger_with(70);
        let mut mem = MemoryTree::new();
        assert_eq!(root_at(&conn, 0).unwrap(), merkle::empty_root());
        for seq in 0..70u64 {
            mem.push(merkle::leaf_hash(format!("entry {seq}").as_bytes()));
            assert_eq!(root_at(&conn, seq + 1).unwrap(), mem.root());
        }
        assert_eq!(tree_size(&conn).unwrap(), 70);
        assert_eq!(
            inclusion_proof(&conn, 13, 70).unwrap(),
            merkle::inclusion_proof(&mem, 13, 70).unwrap()
        );
        assert_eq!(
            consistency_proof(&conn, 13, 70).unwrap(),
            merkle::consistency_proof(&mem, 13, 70).unwrap()
        );
        // About 2n nodes: n leaves and n - popcount(n) parents.
        let nodes: i64 = conn
            .query_row("SELECT count(*) FROM merkle_nodes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(nodes, 70 + 70 - 3);
    }

    #[test]
    fn a_missing_or_bad_node_is_an_error_not_a_panic() {
        let conn = ledger_with(4);
        conn.execute("DELETE FROM merkle_nodes WHERE level = 2", [])
            .unwrap();
        let err = root_at(&conn, 4).unwrap_err();
        assert!(err.to_string().contains("level 2, index 0"), "{err}");
        // A hash of the wrong length (the table's CHECK would refuse it: switched off, as
        // a hand edit with the sqlite3 shell could).
        conn.pragma_update(None, "ignore_check_constraints", true)
            .unwrap();
        conn.execute(
            "UPDATE merkle_nodes SET hash = ?1 WHERE level = 1 AND idx = 1",
            params![vec![7u8; 31]],
        )
        .unwrap();
        assert!(root_at(&conn, 4).is_err());
        assert!(root_at(&conn, 9).is_err());
    }
}
