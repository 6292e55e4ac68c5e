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

/// The entries of a claim's own rows (see [`Tx::claim_entry_seqs`]): the claim, its
/// appearances and status events, the sources they quote or rest on, and the anchorings
/// of its appearances. Every part is an index lookup, and `UNION ALL` without `ORDER BY`
/// needs no temporary b-tree (one `UNION` query with them was two thirds of an export's
/// time); the caller sorts and removes repeats.
pub(super) const CLAIM_OWN_SEQS: &str = "SELECT seq FROM claims WHERE id = ?1
     UNION ALL SELECT seq FROM appearances WHERE claim_id = ?1
     UNION ALL SELECT s.seq FROM appearances a JOIN sources s ON s.sha256 = a.source
               WHERE a.claim_id = ?1
     UNION ALL SELECT seq FROM status_events WHERE claim_id = ?1
     UNION ALL SELECT s.seq FROM status_events e JOIN sources s ON s.sha256 = e.evidence
               WHERE e.claim_id = ?1
     UNION ALL SELECT t.seq FROM appearances a JOIN anchorings t ON t.appearance_id = a.id
               WHERE a.claim_id = ?1
     UNION ALL SELECT s.seq FROM appearances a JOIN anchorings t ON t.appearance_id = a.id
               JOIN sources s ON s.sha256 = t.source WHERE a.claim_id = ?1";

/// The parties a claim involves: its claimant, its conduits, the parties its status
/// events name.
pub(super) const CLAIM_PARTIES: &str = "SELECT claimant_id FROM claims WHERE id = ?1
     UNION ALL SELECT party_id FROM claim_conduits WHERE claim_id = ?1
     UNION ALL SELECT party_id FROM status_events WHERE claim_id = ?1 AND party_id IS NOT NULL";

/// The entries that shaped a party: its creation, its merge, its names.
pub(super) const PARTY_SEQS: &str = "SELECT seq FROM parties WHERE id = ?1
     UNION ALL SELECT merged_seq FROM parties WHERE id = ?1 AND merged_seq IS NOT NULL
     UNION ALL SELECT seq FROM party_names WHERE party_id = ?1";

/// The parties merged into a party, by their creation and merge entries (the partial
/// index `parties_by_merged_into` holds only merged parties).
pub(super) const MERGED_INTO_SEQS: &str =
    "SELECT seq, merged_seq FROM parties WHERE merged_into = ?1";

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
        let mut seqs = std::collections::BTreeSet::new();
        let mut own = self.prepare_cached(CLAIM_OWN_SEQS)?;
        for seq in own.query_map(params![claim], |r| r.get::<_, i64>(0))? {
            seqs.insert(seq?);
        }
        let mut involved: Vec<i64> = self
            .prepare_cached(CLAIM_PARTIES)?
            .query_map(params![claim], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        involved.sort_unstable();
        involved.dedup();
        let mut party = self.prepare_cached(PARTY_SEQS)?;
        let mut merged = self.prepare_cached(MERGED_INTO_SEQS)?;
        for id in involved {
            for seq in party.query_map(params![id], |r| r.get::<_, i64>(0))? {
                seqs.insert(seq?);
            }
            // Parties merged into it: their creation and merge (not their names).
            let rows = merged.query_map(params![id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
            })?;
            for row in rows {
                let (seq, merged_seq) = row?;
                seqs.insert(seq);
                seqs.extend(merged_seq);
            }
        }
        Ok(seqs.into_iter().collect())
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
