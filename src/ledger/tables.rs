//! The status table and the summary: what an editor reads.

use serde::Serialize;

use super::*;
use crate::dates;
use crate::error::{Error, Result};
use crate::store::Tx;
use crate::store::queries::{ClaimFilter, ClaimRow, ClaimSort, Withdrawn};

/// What the status table shows: filters as the user typed them, and an order.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Status name or label.
    pub status: Option<String>,
    /// Claimant, by any name.
    pub claimant: Option<String>,
    /// Conduit, by any name.
    pub via: Option<String>,
    /// A source version.
    pub source: Option<String>,
    /// A document (any of its versions, or its name).
    pub document: Option<String>,
    /// Said (or recorded) on or after this date.
    pub since: Option<String>,
    /// Said (or recorded) on or before this date.
    pub until: Option<String>,
    /// Words that must occur in the statement or a quote.
    pub search: Option<String>,
    /// Only quotes missing from the latest version of their document.
    pub missing: bool,
    /// The order.
    pub sort: ClaimSort,
    /// Standing claims (the default), withdrawn ones, or both.
    pub withdrawn: Withdrawn,
}

/// Claims counted by status and claimant.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// All claims.
    pub total: i64,
    /// Each status in use, in vocabulary order, with its count.
    pub statuses: Vec<StatusCount>,
    /// Each claimant, most claims first, with counts by status name.
    pub claimants: Vec<ClaimantCount>,
}

/// One status's count.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCount {
    /// Name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Claims with it.
    pub count: i64,
}

/// One claimant's counts.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimantCount {
    /// Display name.
    pub claimant: String,
    /// All its claims.
    pub total: i64,
    /// By status name.
    pub counts: std::collections::BTreeMap<String, i64>,
}

impl Ledger {
    /// The status table. Party filters resolve through aliases; an unknown name is an error.
    pub fn list(&mut self, query: &ListQuery) -> Result<Vec<ClaimRow>> {
        let tx = self.store.begin_read()?;
        let filter = resolve_filter(&tx, query)?;
        tx.claims(&filter)
    }

    /// The status table, one row at a time (memory stays flat in the number of claims).
    pub fn list_each(
        &mut self,
        query: &ListQuery,
        each: impl FnMut(ClaimRow) -> Result<()>,
    ) -> Result<()> {
        let tx = self.store.begin_read()?;
        let filter = resolve_filter(&tx, query)?;
        tx.claims_each(&filter, each)
    }

    /// Claims counted by status and by claimant (standing claims, unless `withdrawn` says
    /// otherwise).
    pub fn summary(&mut self, withdrawn: Withdrawn) -> Result<Summary> {
        let tx = self.store.begin_read()?;
        let counts = tx.claim_counts(withdrawn)?;
        let vocabulary = tx.statuses()?;
        let mut statuses: Vec<StatusCount> = vocabulary
            .iter()
            .map(|s| StatusCount {
                name: s.name.clone(),
                label: s.label.clone(),
                count: counts.iter().filter(|c| c.1 == s.name).map(|c| c.2).sum(),
            })
            .collect();
        statuses.retain(|s| s.count > 0);
        let mut claimants: Vec<ClaimantCount> = Vec::new();
        for (claimant, status, n) in counts {
            match claimants.iter_mut().find(|c| c.claimant == claimant) {
                Some(c) => {
                    c.total += n;
                    c.counts.insert(status, n);
                }
                None => claimants.push(ClaimantCount {
                    claimant,
                    total: n,
                    counts: std::collections::BTreeMap::from([(status, n)]),
                }),
            }
        }
        claimants.sort_by(|a, b| b.total.cmp(&a.total).then(a.claimant.cmp(&b.claimant)));
        Ok(Summary {
            total: claimants.iter().map(|c| c.total).sum(),
            statuses,
            claimants,
        })
    }
}

/// Resolves what a user typed into a filter of the status table.
pub(super) fn resolve_filter(tx: &Tx, q: &ListQuery) -> Result<ClaimFilter> {
    let party = |name: &str| -> Result<i64> {
        tx.party_by_name(name)?
            .map(|(id, _)| id)
            .ok_or_else(|| Error::UnknownParty(name.to_string()))
    };
    let day = |what: &'static str, text: &Option<String>| -> Result<Option<String>> {
        text.as_deref()
            .map(|t| dates::parse_any_date(what, t).map(|d| d[..10].to_string()))
            .transpose()
    };
    Ok(ClaimFilter {
        status: q
            .status
            .as_deref()
            .map(|s| tx.status(s))
            .transpose()?
            .map(|s| s.name),
        claimant: q.claimant.as_deref().map(party).transpose()?,
        via: q.via.as_deref().map(party).transpose()?,
        source: q
            .source
            .as_deref()
            .map(|s| tx.resolve_source(s))
            .transpose()?
            .map(|s| s.sha256),
        missing_from_latest: q.missing,
        document: q
            .document
            .as_deref()
            .map(|d| tx.resolve_source(d))
            .transpose()?
            .map(|s| s.document_id),
        since: day("--since", &q.since)?,
        until: day("--until", &q.until)?,
        search: q.search.clone(),
        sort: q.sort,
        withdrawn: q.withdrawn,
    })
}
