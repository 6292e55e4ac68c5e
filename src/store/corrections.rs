//! Reads for corrections (issue 10): a claim's correction entries, its removed
//! appearances, duplicates of a quote, and what a party merge moved.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::Tx;
use crate::error::Result;
use crate::party::name_key;

/// An appearance taken back with `claim uncite`.
#[derive(Debug, Clone, Serialize)]
pub struct RemovedAppearanceRow {
    /// Its id.
    pub id: i64,
    /// Source version.
    pub source: String,
    /// Start, in code points.
    pub start: i64,
    /// End, exclusive.
    pub end: i64,
    /// Exact text.
    pub exact: String,
    /// The entry that recorded it.
    pub seq: i64,
    /// The entry that removed it.
    pub removed_seq: i64,
}

/// The standing claim of a claimant at an exact span of a source (src/store/query_plans.rs
/// checks that it is one index lookup, not a read of every appearance in the source).
pub(super) const DUPLICATE_CLAIM: &str =
    "SELECT c.id FROM appearances a JOIN claims c ON c.id = a.claim_id
     WHERE a.source = ?1 AND a.start = ?2 AND a.end = ?3 AND c.claimant_id = ?4
        AND c.withdrawn_seq IS NULL
     ORDER BY c.number LIMIT 1";

/// The standing claims at an exact span of a source, with their claimants' names.
pub(super) const CLAIMS_AT_SPAN: &str =
    "SELECT c.id, p.name FROM appearances a JOIN claims c ON c.id = a.claim_id
     JOIN parties p ON p.id = c.claimant_id
     WHERE a.source = ?1 AND a.start = ?2 AND a.end = ?3 AND c.withdrawn_seq IS NULL
     ORDER BY c.number";

impl Tx<'_> {
    /// The correction entries filed under a claim (amend, withdraw, restore, uncite,
    /// unmerge), in order.
    pub fn correction_seqs(&self, claim: &str) -> Result<Vec<i64>> {
        Ok(self
            .prepare_cached("SELECT seq FROM corrections WHERE claim_id = ?1 ORDER BY seq")?
            .query_map(params![claim], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Every entry a claim's record rests on ([`Tx::claim_entry_seqs`]) with its
    /// corrections, the appearances it no longer has and the parties it was attributed to
    /// before an amendment: what `audit` lists and `proof` proves. In order, each once.
    pub fn claim_record_seqs(&self, claim: &str) -> Result<Vec<i64>> {
        let mut seqs = self.claim_entry_seqs(claim)?;
        seqs.extend(self.correction_seqs(claim)?);
        seqs.extend(
            self.prepare_cached("SELECT seq FROM removed_appearances WHERE claim_id = ?1")?
                .query_map(params![claim], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        );
        // The parties it was attributed to before an amendment: their entries too.
        seqs.extend(
            self.prepare_cached(
                "WITH own(payload) AS (
                    SELECT j.payload FROM journal j JOIN claims c ON c.seq = j.seq
                    WHERE c.id = ?1
                    UNION ALL SELECT j.payload FROM journal j JOIN corrections k ON k.seq = j.seq
                    WHERE k.claim_id = ?1 AND k.kind = 'claim.amend'
                 ), named(id) AS (
                    SELECT json_extract(payload, '$.claimant.id') FROM own
                    UNION SELECT json_extract(v.value, '$.id') FROM own, json_each(own.payload, '$.via') v
                 )
                 SELECT p.seq FROM parties p WHERE p.id IN (SELECT id FROM named)",
            )?
            .query_map(params![claim], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        );
        seqs.sort_unstable();
        seqs.dedup();
        Ok(seqs)
    }

    /// A claim's removed appearances, in the order they were recorded.
    pub fn removed_appearances(&self, claim: &str) -> Result<Vec<RemovedAppearanceRow>> {
        Ok(self
            .prepare_cached(
                "SELECT id, source, start, end, exact, seq, removed_seq FROM removed_appearances
                 WHERE claim_id = ?1 ORDER BY id",
            )?
            .query_map(params![claim], |r| {
                Ok(RemovedAppearanceRow {
                    id: r.get(0)?,
                    source: r.get(1)?,
                    start: r.get(2)?,
                    end: r.get(3)?,
                    exact: r.get(4)?,
                    seq: r.get(5)?,
                    removed_seq: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A standing claim by this claimant with an appearance at exactly this span.
    pub fn duplicate_claim(
        &self,
        claimant: i64,
        source: &str,
        start: usize,
        end: usize,
    ) -> Result<Option<String>> {
        Ok(self
            .query_row(
                DUPLICATE_CLAIM,
                params![source, start as i64, end as i64, claimant],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Standing claims with an appearance at exactly this span: (id, claimant's name).
    pub fn claims_at_span(
        &self,
        source: &str,
        start: usize,
        end: usize,
    ) -> Result<Vec<(String, String)>> {
        Ok(self
            .prepare_cached(CLAIMS_AT_SPAN)?
            .query_map(params![source, start as i64, end as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The latest standing merge that brought the name (by its key) to its party now:
    /// (merge entry, the party merged then, the party it was merged into).
    pub fn merge_of_name(&self, name: &str) -> Result<Option<(i64, i64, i64)>> {
        Ok(self
            .query_row(
                "SELECT m.merge_seq, p.id, p.merged_into FROM party_moves m
                 JOIN parties p ON p.merged_seq = m.merge_seq
                 WHERE m.what = 'name' AND m.target = ?1
                 ORDER BY m.merge_seq DESC LIMIT 1",
                params![name_key(name)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// A party's display name by id, merged or not.
    pub fn party_name(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .query_row("SELECT name FROM parties WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The ids of a claim's conduits, outermost last.
    pub fn conduit_ids(&self, claim: &str) -> Result<Vec<i64>> {
        Ok(self
            .prepare_cached(
                "SELECT party_id FROM claim_conduits WHERE claim_id = ?1 ORDER BY position",
            )?
            .query_map(params![claim], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }
}
