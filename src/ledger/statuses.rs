//! Statuses: the vocabulary, and status events on one claim or many.

use serde::Serialize;

use super::anchoring::*;
use super::parties::party_for;
use super::tables::resolve_filter;
use super::*;
use crate::claim;
use crate::dates;
use crate::error::{Error, Result};
use crate::journal::{Event, Evidence, PartyRef};
use crate::store::Tx;

/// A status to set.
#[derive(Debug, Clone, Default)]
pub struct NewStatus {
    /// Status name or label.
    pub status: String,
    /// The party it names.
    pub by: Option<String>,
    /// Evidence source version.
    pub evidence: Option<String>,
    /// A quote in the evidence.
    pub quote: Option<String>,
    /// Which occurrence of that quote.
    pub occurrence: Option<usize>,
    /// A note.
    pub note: Option<String>,
}

/// Which claims a bulk action applies to.
#[derive(Debug, Clone)]
pub enum Targets {
    /// These ids.
    Ids(Vec<String>),
    /// Every claim the status table would show with these filters.
    Matching(ListQuery),
}

/// What `status set` did.
#[derive(Debug, Clone, Serialize)]
pub struct StatusRecorded {
    /// The claim.
    pub id: String,
    /// The status name.
    pub status: String,
    /// The phrase ("denied by Kyiv").
    pub status_label: String,
    /// Journal entry.
    pub seq: i64,
    /// Parties this action created.
    pub new_parties: Vec<String>,
}

impl Ledger {
    /// The status vocabulary.
    pub fn statuses(&mut self) -> Result<Vec<crate::status::Status>> {
        self.store.begin_read()?.statuses()
    }

    /// Defines one of the ledger's own statuses.
    pub fn define_status(
        &mut self,
        name: &str,
        label: &str,
        takes_party: bool,
        rating: Option<String>,
    ) -> Result<crate::status::Status> {
        let name = name.trim().to_lowercase();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(Error::InvalidValue {
                what: "status name",
                value: name,
                expected: "expected one word of letters, digits, - or _ (e.g. mostly-false)",
            });
        }
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        if label.is_empty() {
            return Err(Error::InvalidValue {
                what: "--label",
                value: label,
                expected: "expected the phrase people read, e.g. \"mostly false\"",
            });
        }
        let tx = self.store.begin_write()?;
        let time = dates::now();
        if let Some(existing) = tx
            .statuses()?
            .into_iter()
            .find(|s| s.name == name || s.label.eq_ignore_ascii_case(&label))
        {
            return Err(Error::StatusExists {
                name: existing.name,
                label: existing.label,
            });
        }
        let rating = rating.filter(|r| !r.trim().is_empty());
        tx.append(
            &time,
            &self.actor,
            Event::StatusDefine {
                name: name.clone(),
                label: label.clone(),
                takes_party,
                rating: rating.clone(),
            },
        )?;
        let status = tx.status(&name)?;
        tx.commit()?;
        Ok(status)
    }

    /// Records a status event.
    pub fn set_status(&mut self, claim_ref: &str, new: NewStatus) -> Result<StatusRecorded> {
        let mut recorded = self.set_status_many(&Targets::Ids(vec![claim_ref.to_string()]), new)?;
        Ok(recorded.remove(0))
    }

    /// Sets one status on several claims, each with its own journal entry, in one
    /// transaction: all of them or none.
    pub fn set_status_many(
        &mut self,
        targets: &Targets,
        new: NewStatus,
    ) -> Result<Vec<StatusRecorded>> {
        let actor = self.actor.clone();
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let ids: Vec<(i64, String)> = match targets {
            Targets::Ids(ids) => {
                let mut out: Vec<(i64, String)> = Vec::new();
                for id in ids {
                    let number = claim::parse_id(id)?;
                    let core = tx.claim(number, id)?;
                    crate::status::check_settable(&core.id, core.standing())?;
                    if !out.iter().any(|(n, _)| *n == number) {
                        out.push((number, id.clone()));
                    }
                }
                out
            }
            Targets::Matching(query) => {
                let filter = resolve_filter(&tx, query)?;
                tx.claims(&filter)?
                    .into_iter()
                    .map(|c| (claim::parse_id(&c.id).expect("stored ids parse"), c.id))
                    .collect()
            }
        };
        if ids.is_empty() {
            return Err(Error::NothingMatches);
        }
        let mut created = Vec::new();
        let status = StatusEvent::prepare(&tx, &time, &actor, &new, &mut created)?;
        let mut recorded = Vec::new();
        for (number, typed) in ids {
            let core = tx.claim(number, &typed)?;
            let entry = tx.append(&time, &actor, status.for_claim(&core.id))?;
            let after = tx.claim(number, &typed)?;
            recorded.push(StatusRecorded {
                id: core.id,
                status: status.status.clone(),
                status_label: after.status_label,
                seq: entry.seq,
                new_parties: std::mem::take(&mut created),
            });
        }
        tx.commit()?;
        Ok(recorded)
    }
}

/// A status event ready to record: its status checked, its party resolved (and named, if
/// new), its evidence quote anchored, its note trimmed. Shared by `claim add --status` and
/// `status set`.
pub(super) struct StatusEvent {
    status: String,
    by: Option<PartyRef>,
    evidence: Option<Evidence>,
    note: Option<String>,
}

impl StatusEvent {
    pub(super) fn prepare(
        tx: &Tx,
        time: &str,
        actor: &str,
        new: &NewStatus,
        created: &mut Vec<String>,
    ) -> Result<StatusEvent> {
        let status = check_status(tx, new)?;
        let evidence = evidence(tx, new)?;
        let by = new
            .by
            .as_deref()
            .map(|b| party_for(tx, time, actor, b, created))
            .transpose()?;
        Ok(StatusEvent {
            status,
            by,
            evidence,
            note: new.note.clone().filter(|n| !n.trim().is_empty()),
        })
    }

    /// The journal event that sets it on one claim.
    pub(super) fn for_claim(&self, claim: &str) -> Event {
        Event::StatusSet {
            claim: claim.to_string(),
            status: self.status.clone(),
            by: self.by.clone(),
            evidence: self.evidence.clone(),
            note: self.note.clone(),
        }
    }
}

/// Checks a status name and its party rule; returns the status's name.
pub(super) fn check_status(tx: &Tx, new: &NewStatus) -> Result<String> {
    let status = tx.status(&new.status)?;
    status.check_party(new.by.as_deref())?;
    Ok(status.name)
}

/// Resolves the evidence of a status (and anchors its quote, if any).
pub(super) fn evidence(tx: &Tx, new: &NewStatus) -> Result<Option<Evidence>> {
    let Some(reference) = &new.evidence else {
        if new.quote.is_some() {
            return Err(Error::QuoteWithoutEvidence);
        }
        return Ok(None);
    };
    let source = tx.resolve_source(reference)?;
    let anchor = match &new.quote {
        Some(quote) => {
            let text = load_text(tx, &source)?;
            Some(with_text(tx, &source.sha256, &text, |t| {
                anchor_quote(t, &source.sha256, quote, new.occurrence)
            })?)
        }
        None => None,
    };
    Ok(Some(Evidence {
        source: source.sha256,
        anchor,
    }))
}
