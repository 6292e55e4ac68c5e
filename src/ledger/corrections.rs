//! Corrections: amending, withdrawing and restoring a claim, and taking back an appearance.
//!
//! Nothing is edited in place: each correction is a new journal entry that says what
//! changed and why, checked by the rules in [`crate::claim`] and [`crate::status`]. What
//! changed is read back from the journal itself ([`history`]), so `audit` shows each
//! correction with the values before and after, as they were typed.

use serde::Serialize;

use super::parties::party_for;
use super::*;
use crate::claim::{self, Amendment, Fields};
use crate::dates;
use crate::error::{Error, Result};
use crate::journal::{Entry, Event, PartyRef};
use crate::source::short;

/// One field a correction changed, before and after (names as typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// statement, claimant, via, said, standing, appearance or party.
    pub field: &'static str,
    /// Before.
    pub from: String,
    /// After.
    pub to: String,
}

/// One correction in a claim's history.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionOut {
    /// Its journal entry.
    pub seq: i64,
    /// When.
    pub time: String,
    /// Who.
    pub actor: String,
    /// claim.amend, claim.withdraw, claim.restore, claim.uncite or party.unmerge.
    pub kind: String,
    /// Why.
    pub reason: String,
    /// What changed.
    pub changes: Vec<Change>,
}

/// What a correction did.
#[derive(Debug, Clone, Serialize)]
pub struct Corrected {
    /// The claim.
    pub id: String,
    /// The correction, as `audit` shows it.
    pub correction: CorrectionOut,
    /// The claim's statement now.
    pub statement: String,
    /// Its claimant now.
    pub claimant: String,
    /// Its conduits now.
    pub via: Vec<String>,
    /// Its status phrase.
    pub status_label: String,
    /// Whether it is withdrawn now.
    pub withdrawn: bool,
    /// Parties this action created because their names were new.
    pub new_parties: Vec<String>,
}

impl Ledger {
    /// Withdraws a claim logged by mistake (or a duplicate): it leaves the tables, and
    /// stays in the journal and in `audit`.
    pub fn withdraw_claim(&mut self, claim_ref: &str, reason: &str) -> Result<Corrected> {
        let reason = claim::reason(reason)?;
        self.correct(claim_ref, |_, core| {
            core.standing().check_withdraw(&core.id)?;
            Ok(Event::ClaimWithdraw {
                claim: core.id.clone(),
                reason,
            })
        })
    }

    /// Restores a withdrawn claim.
    pub fn restore_claim(&mut self, claim_ref: &str, reason: &str) -> Result<Corrected> {
        let reason = claim::reason(reason)?;
        self.correct(claim_ref, |_, core| {
            core.standing().check_restore(&core.id)?;
            Ok(Event::ClaimRestore {
                claim: core.id.clone(),
                reason,
            })
        })
    }

    /// Corrects a claim's statement, claimant, conduits or date said.
    pub fn amend_claim(
        &mut self,
        claim_ref: &str,
        amendment: Amendment,
        reason: &str,
    ) -> Result<Corrected> {
        let reason = claim::reason(reason)?;
        let mut amendment = amendment.checked(claim_ref)?;
        amendment.said = amendment
            .said
            .as_deref()
            .map(|s| dates::parse_date("--said", s))
            .transpose()?;
        let actor = self.actor.clone();
        let mut created = Vec::new();
        self.correct(claim_ref, |tx, core| {
            core.standing().check_open(&core.id, "amend")?;
            let time = dates::now();
            let claimant = amendment
                .claimant
                .as_deref()
                .map(|c| party_for(tx, &time, &actor, c, &mut created))
                .transpose()?;
            let via: Option<Vec<PartyRef>> = amendment
                .via
                .as_ref()
                .map(|names| {
                    names
                        .iter()
                        .map(|n| party_for(tx, &time, &actor, n, &mut created))
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?;
            let before = Fields {
                statement: core.statement.clone(),
                claimant: core.claimant_id,
                via: tx.conduit_ids(&core.id)?,
                said: core.said.clone(),
            };
            let after = Fields {
                statement: amendment
                    .statement
                    .clone()
                    .unwrap_or_else(|| before.statement.clone()),
                claimant: claimant.as_ref().map_or(before.claimant, |p| p.id),
                via: via
                    .as_ref()
                    .map_or(before.via.clone(), |v| v.iter().map(|p| p.id).collect()),
                said: amendment.said.clone().or_else(|| before.said.clone()),
            };
            let claimant_name = claimant
                .as_ref()
                .map_or(core.claimant.clone(), |p| p.typed.clone());
            claim::check_amended(&core.id, &claimant_name, &before, &after)?;
            Ok(Event::ClaimAmend {
                claim: core.id.clone(),
                statement: Some(after.statement.clone()).filter(|s| *s != before.statement),
                claimant: claimant.filter(|p| p.id != before.claimant),
                via: via.filter(|_| after.via != before.via),
                said: after.said.clone().filter(|_| after.said != before.said),
                reason,
            })
        })
        .map(|mut c| {
            c.new_parties = created;
            c
        })
    }

    /// Takes back an appearance recorded by mistake (`claim cite` of the wrong passage).
    /// `which` is its number as `audit` lists the claim's appearances (1, 2, ...).
    pub fn uncite_claim(
        &mut self,
        claim_ref: &str,
        which: &str,
        reason: &str,
    ) -> Result<Corrected> {
        let reason = claim::reason(reason)?;
        self.correct(claim_ref, |tx, core| {
            core.standing()
                .check_open(&core.id, "change the appearances of")?;
            let appearances = tx.appearances(&core.id)?;
            let no_such = || Error::NoSuchAppearance {
                claim: core.id.clone(),
                wanted: which.to_string(),
                count: appearances.len(),
            };
            let n: usize = which.trim().parse().map_err(|_| no_such())?;
            let a = n
                .checked_sub(1)
                .and_then(|i| appearances.get(i))
                .ok_or_else(no_such)?;
            claim::check_uncite(&core.id, appearances.len())?;
            Ok(Event::ClaimUncite {
                claim: core.id.clone(),
                appearance: a.id,
                source: a.source.clone(),
                start: a.start as usize,
                end: a.end as usize,
                reason,
            })
        })
    }

    /// One correction: finds the claim, lets `make` check it and build the entry, appends
    /// it, and reports the claim as it is after it. One transaction.
    fn correct(
        &mut self,
        claim_ref: &str,
        make: impl FnOnce(&crate::store::Tx, &crate::store::queries::ClaimCore) -> Result<Event>,
    ) -> Result<Corrected> {
        let number = claim::parse_id(claim_ref)?;
        let actor = self.actor.clone();
        let tx = self.store.begin_write()?;
        let core = tx.claim(number, claim_ref)?;
        let event = make(&tx, &core)?;
        let time = dates::now();
        let entry = tx.append(&time, &actor, event)?;
        let after = tx.claim(number, claim_ref)?;
        // What changed, read back from the claim's own entries like `audit` does.
        let seqs = claim_history_seqs(&tx, &after)?;
        let entries: Vec<Entry> = tx.entries_at(&seqs)?.into_iter().map(|(e, _)| e).collect();
        let correction = history(&tx, &entries)?
            .into_iter()
            .find(|c| c.seq == entry.seq)
            .expect("the correction was just recorded");
        tx.commit()?;
        Ok(Corrected {
            id: after.id.clone(),
            correction,
            withdrawn: after.withdrawn_seq.is_some(),
            statement: after.statement,
            claimant: after.claimant,
            via: after.via,
            status_label: after.status_label,
            new_parties: Vec::new(),
        })
    }
}

/// The entries that make a claim's own history: its claim.add and its corrections.
pub(super) fn claim_history_seqs(
    tx: &crate::store::Tx,
    core: &crate::store::queries::ClaimCore,
) -> Result<Vec<i64>> {
    let mut seqs = vec![core.seq];
    seqs.extend(tx.correction_seqs(&core.id)?);
    Ok(seqs)
}

/// The corrections among a claim's entries (its claim.add first, then in order), each with
/// the values before and after it.
pub(super) fn history(tx: &crate::store::Tx, entries: &[Entry]) -> Result<Vec<CorrectionOut>> {
    let mut statement = String::new();
    let mut claimant = String::new();
    let mut via: Vec<String> = Vec::new();
    let mut said: Option<String> = None;
    let mut out = Vec::new();
    let join = |v: &[String]| {
        if v.is_empty() {
            "(none)".to_string()
        } else {
            v.join(" via ")
        }
    };
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unknown)".to_string());
    for e in entries {
        let mut changes = Vec::new();
        let reason = match &e.event {
            Event::ClaimAdd {
                statement: s,
                claimant: c,
                via: v,
                said: d,
                ..
            } => {
                statement = s.clone();
                claimant = c.typed.clone();
                via = v.iter().map(|p| p.typed.clone()).collect();
                said = d.clone();
                continue;
            }
            Event::ClaimAmend {
                statement: s,
                claimant: c,
                via: v,
                said: d,
                reason,
                ..
            } => {
                if let Some(s) = s {
                    changes.push(Change {
                        field: "statement",
                        from: std::mem::replace(&mut statement, s.clone()),
                        to: s.clone(),
                    });
                }
                if let Some(c) = c {
                    changes.push(Change {
                        field: "claimant",
                        from: std::mem::replace(&mut claimant, c.typed.clone()),
                        to: c.typed.clone(),
                    });
                }
                if let Some(v) = v {
                    let new: Vec<String> = v.iter().map(|p| p.typed.clone()).collect();
                    changes.push(Change {
                        field: "via",
                        from: join(&via),
                        to: join(&new),
                    });
                    via = new;
                }
                if let Some(d) = d {
                    changes.push(Change {
                        field: "said",
                        from: or_none(&said),
                        to: d.clone(),
                    });
                    said = Some(d.clone());
                }
                reason.clone()
            }
            Event::ClaimWithdraw { reason, .. } => {
                changes.push(Change {
                    field: "standing",
                    from: "standing".into(),
                    to: "withdrawn".into(),
                });
                reason.clone()
            }
            Event::ClaimRestore { reason, .. } => {
                changes.push(Change {
                    field: "standing",
                    from: "withdrawn".into(),
                    to: "standing".into(),
                });
                reason.clone()
            }
            Event::ClaimUncite {
                source,
                start,
                end,
                reason,
                ..
            } => {
                let place = match tx.source(source)? {
                    Some(s) => format!("{}@{} ({})", s.document, s.version, short(source)),
                    None => short(source).to_string(),
                };
                changes.push(Change {
                    field: "appearance",
                    from: format!("in {place} at {start}..{end}"),
                    to: "removed".into(),
                });
                reason.clone()
            }
            Event::PartyUnmerge {
                party,
                from,
                merge,
                reason,
            } => {
                let name = |id| -> Result<String> { Ok(tx.party_name(id)?.unwrap_or_default()) };
                changes.push(Change {
                    field: "party",
                    from: format!(
                        "{} merged into {} (#{merge})",
                        name(party.id)?,
                        name(from.id)?
                    ),
                    to: format!("{} on its own", name(party.id)?),
                });
                reason.clone()
            }
            _ => continue,
        };
        out.push(CorrectionOut {
            seq: e.seq,
            time: e.time.clone(),
            actor: e.actor.clone(),
            kind: e.event.kind().to_string(),
            reason,
            changes,
        });
    }
    Ok(out)
}
