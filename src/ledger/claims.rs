//! Claims: recording a claim anchored in a source, and more appearances of it.

use serde::Serialize;

use super::anchoring::*;
use super::parties::party_for;
use super::statuses::StatusEvent;
use super::*;
use crate::claim;
use crate::dates;
use crate::error::{Error, Result};
use crate::journal::{AppearanceRecord, Event};
use crate::source::short;
use crate::store::queries::IdTable;

/// What `claim add` needs.
#[derive(Debug, Clone, Default)]
pub struct NewClaim {
    /// The source version, as the user referred to it.
    pub source: String,
    /// The quote.
    pub quote: String,
    /// Which occurrence, if the quote occurs more than once.
    pub occurrence: Option<usize>,
    /// Who made the claim.
    pub claimant: String,
    /// Through whom it reached the page, outermost last.
    pub via: Vec<String>,
    /// The fact-checker's wording (default: the quote as found).
    pub statement: Option<String>,
    /// When it was said.
    pub said: Option<String>,
    /// An initial status.
    pub status: Option<NewStatus>,
}

/// An appearance as reported to the user.
#[derive(Debug, Clone, Serialize)]
pub struct AppearanceOut {
    /// Source version (full SHA-256).
    pub source: String,
    /// Start in code points.
    pub start: usize,
    /// End in code points, exclusive.
    pub end: usize,
    /// Exact text.
    pub exact: String,
    /// Context before.
    pub prefix: String,
    /// Context after.
    pub suffix: String,
    /// Found only after normalization.
    pub normalized: bool,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start, in code points.
    pub column: usize,
}

/// What `claim add` and `claim cite` did.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRecorded {
    /// The claim id.
    pub id: String,
    /// The statement.
    pub statement: String,
    /// The claimant's display name.
    pub claimant: String,
    /// Conduits' display names.
    pub via: Vec<String>,
    /// The appearances recorded by this action.
    pub appearances: Vec<AppearanceOut>,
    /// The claim's status as one phrase.
    pub status_label: String,
    /// Parties this action created because their names were new.
    pub new_parties: Vec<String>,
}

impl Ledger {
    /// Records a claim anchored in a source, with its claimant, conduits and (optionally) a
    /// first status.
    pub fn add_claim(&mut self, new: NewClaim) -> Result<ClaimRecorded> {
        let said = new
            .said
            .as_deref()
            .map(|s| dates::parse_date("--said", s))
            .transpose()?;
        let actor = self.actor.clone();
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let source = tx.resolve_source(&new.source)?;
        let text = load_text(&tx, &source)?;
        let anchor = with_text(&tx, &source.sha256, &text, |t| {
            anchor_quote(t, &source.sha256, &new.quote, new.occurrence)
        })?;
        let mut created = Vec::new();
        let claimant = party_for(&tx, &time, &actor, &new.claimant, &mut created)?;
        let mut via = Vec::new();
        for name in &new.via {
            let party = party_for(&tx, &time, &actor, name, &mut created)?;
            if party.id == claimant.id {
                return Err(Error::ClaimantIsConduit(name.clone()));
            }
            via.push(party);
        }
        let number = tx.next_id(IdTable::Claims)?;
        let id = claim::id(number);
        let statement = new
            .statement
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| anchor.exact.clone());
        let appearance = AppearanceRecord {
            id: tx.next_id(IdTable::Appearances)?,
            source: source.sha256.clone(),
            quote: new.quote.clone(),
            anchor: anchor.clone(),
        };
        let appearance_id = appearance.id;
        tx.append(
            &time,
            &actor,
            Event::ClaimAdd {
                id: id.clone(),
                statement,
                claimant,
                via,
                said,
                appearance,
                imported: None,
            },
        )?;
        track_in_other_versions(&tx, &time, &actor, &source, appearance_id)?;
        if let Some(new_status) = &new.status {
            let status = StatusEvent::prepare(&tx, &time, &actor, new_status, &mut created)?;
            tx.append(&time, &actor, status.for_claim(&id))?;
        }
        let core = tx.claim(number, &id)?;
        tx.commit()?;
        Ok(ClaimRecorded {
            id,
            statement: core.statement,
            claimant: core.claimant,
            via: core.via,
            appearances: vec![appearance_out(&text, &source.sha256, &anchor)],
            status_label: core.status_label,
            new_parties: created,
        })
    }

    /// Records one more appearance of a claim.
    pub fn cite_claim(
        &mut self,
        claim_ref: &str,
        source_ref: &str,
        quote: &str,
        occurrence: Option<usize>,
    ) -> Result<ClaimRecorded> {
        let number = claim::parse_id(claim_ref)?;
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let core = tx.claim(number, claim_ref)?;
        let source = tx.resolve_source(source_ref)?;
        let text = load_text(&tx, &source)?;
        let anchor = with_text(&tx, &source.sha256, &text, |t| {
            anchor_quote(t, &source.sha256, quote, occurrence)
        })?;
        if tx.has_appearance(&core.id, &source.sha256, anchor.start, anchor.end)? {
            return Err(Error::DuplicateAppearance {
                claim: core.id,
                short: short(&source.sha256).to_string(),
                start: anchor.start,
                end: anchor.end,
            });
        }
        let appearance = AppearanceRecord {
            id: tx.next_id(IdTable::Appearances)?,
            source: source.sha256.clone(),
            quote: quote.to_string(),
            anchor: anchor.clone(),
        };
        let appearance_id = appearance.id;
        tx.append(
            &time,
            &self.actor,
            Event::ClaimCite {
                claim: core.id.clone(),
                appearance,
            },
        )?;
        track_in_other_versions(&tx, &time, &self.actor, &source, appearance_id)?;
        tx.commit()?;
        Ok(ClaimRecorded {
            id: core.id,
            statement: core.statement,
            claimant: core.claimant,
            via: core.via,
            appearances: vec![appearance_out(&text, &source.sha256, &anchor)],
            status_label: core.status_label,
            new_parties: Vec::new(),
        })
    }
}
