//! Reads of the journal itself: entries by position or sequence number, the rows exactly as
//! stored (for bundles), its size, and which entries a claim rests on (for audit and proof).

use rusqlite::{Row, params};

use super::Tx;
use crate::error::{Error, Result};
use crate::journal::{Entry, Event};

/// One journal row exactly as stored.
#[derive(Debug, Clone)]
pub struct JournalRow {
    /// Sequence number.
    pub seq: i64,
    /// Time.
    pub time: String,
    /// Actor.
    pub actor: String,
    /// Kind.
    pub kind: String,
    /// Payload (canonical JSON).
    pub payload: String,
    /// The stored hash.
    pub hash: String,
}

/// The entries a claim rests on (see [`Tx::claim_entry_seqs`]); every table in it is read
/// by an index (src/store/query_plans.rs).
pub(super) const CLAIM_ENTRY_SEQS: &str = "WITH involved(id) AS (
        SELECT claimant_id FROM claims WHERE id = ?1
        UNION SELECT party_id FROM claim_conduits WHERE claim_id = ?1
        UNION SELECT party_id FROM status_events
              WHERE claim_id = ?1 AND party_id IS NOT NULL
     ), everyone(id) AS (
        SELECT id FROM involved
        UNION SELECT p.id FROM parties p WHERE p.merged_into IN (SELECT id FROM involved)
     )
     SELECT seq FROM claims WHERE id = ?1
     UNION SELECT seq FROM appearances WHERE claim_id = ?1
     UNION SELECT s.seq FROM sources s JOIN appearances a ON a.source = s.sha256 WHERE a.claim_id = ?1
     UNION SELECT seq FROM status_events WHERE claim_id = ?1
     UNION SELECT s.seq FROM sources s JOIN status_events e ON e.evidence = s.sha256 WHERE e.claim_id = ?1
     UNION SELECT t.seq FROM anchorings t JOIN appearances a ON a.id = t.appearance_id WHERE a.claim_id = ?1
     UNION SELECT s.seq FROM sources s JOIN anchorings t ON t.source = s.sha256 JOIN appearances a ON a.id = t.appearance_id WHERE a.claim_id = ?1
     UNION SELECT p.seq FROM parties p WHERE p.id IN (SELECT id FROM everyone)
     UNION SELECT p.merged_seq FROM parties p
           WHERE p.id IN (SELECT id FROM everyone) AND p.merged_seq IS NOT NULL
     UNION SELECT n.seq FROM party_names n WHERE n.party_id IN (SELECT id FROM involved)
     ORDER BY 1";

impl Tx<'_> {
    /// Journal entries, newest first; `limit` of None means all.
    pub fn entries(&self, limit: Option<i64>) -> Result<Vec<Entry>> {
        let mut stmt = self.prepare(
            "SELECT seq, time, actor, kind, payload FROM journal ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit.unwrap_or(-1)], entry_row)?;
        collect_entries(rows)
    }

    /// The entries with these sequence numbers, in order.
    pub fn entries_at(&self, seqs: &[i64]) -> Result<Vec<(Entry, String)>> {
        let mut stmt = self.prepare_cached(
            "SELECT seq, time, actor, kind, payload, hash FROM journal WHERE seq = ?1",
        )?;
        let mut out = Vec::with_capacity(seqs.len());
        for &seq in seqs {
            let (parts, hash) = stmt.query_row(params![seq], |r| {
                Ok((entry_row(r)?, r.get::<_, String>(5)?))
            })?;
            out.push((parts_to_entry(parts)?, hash));
        }
        Ok(out)
    }

    /// How many journal entries there are (sequence numbers run from 0 without gaps, so
    /// this is one more than the last; a lookup, not a count).
    pub fn journal_size(&self) -> Result<i64> {
        Ok(
            self.query_row("SELECT coalesce(max(seq) + 1, 0) FROM journal", [], |r| {
                r.get(0)
            })?,
        )
    }

    /// The sequence numbers of the entries a claim rests on, in order: its sources (and the
    /// versions it was followed into), its own entries and status events, and every entry
    /// that shaped its parties (their creation, names, and merges).
    pub fn claim_entry_seqs(&self, claim: &str) -> Result<Vec<i64>> {
        Ok(self
            .prepare(CLAIM_ENTRY_SEQS)?
            .query_map(params![claim], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Journal rows exactly as stored, from `from` on, in order, each handed to `f`.
    pub fn each_journal_row(
        &self,
        from: i64,
        mut f: impl FnMut(JournalRow) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.prepare(
            "SELECT seq, time, actor, kind, payload, hash FROM journal WHERE seq >= ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![from])?;
        while let Some(r) = rows.next()? {
            f(JournalRow {
                seq: r.get(0)?,
                time: r.get(1)?,
                actor: r.get(2)?,
                kind: r.get(3)?,
                payload: r.get(4)?,
                hash: r.get(5)?,
            })?;
        }
        Ok(())
    }
}

type EntryParts = (i64, String, String, String, String);

fn entry_row(r: &Row) -> rusqlite::Result<EntryParts> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn parts_to_entry((seq, time, actor, kind, payload): EntryParts) -> Result<Entry> {
    let event =
        Event::from_parts(&kind, &payload).map_err(|reason| Error::BadEntry { seq, reason })?;
    Ok(Entry {
        seq,
        time,
        actor,
        event,
    })
}

fn collect_entries(rows: impl Iterator<Item = rusqlite::Result<EntryParts>>) -> Result<Vec<Entry>> {
    rows.map(|r| parts_to_entry(r?)).collect()
}
