//! Parties: naming, aliasing, describing and merging who says, relays, confirms or denies.

use serde::Serialize;

use super::*;
use crate::claim;
use crate::dates;
use crate::error::{Error, Result};
use crate::journal::{Event, PartyRef};
use crate::party::{PartyKind, clean_name};
use crate::store::Tx;
use crate::store::queries::{IdTable, PartyRow};

/// A party and what it did.
#[derive(Debug, Clone, Serialize)]
pub struct PartyShown {
    /// The party.
    pub party: PartyRow,
    /// Every claim it made, relayed, or gave a status to.
    pub claims: Vec<PartyClaim>,
}

/// One claim in a party's record.
#[derive(Debug, Clone, Serialize)]
pub struct PartyClaim {
    /// The claim.
    pub id: String,
    /// made, relayed, or the status label it gave ("denied").
    pub role: String,
    /// The party's name as typed there.
    pub as_typed: Option<String>,
    /// The statement.
    pub statement: String,
    /// The claimant.
    pub claimant: String,
    /// The conduits.
    pub via: Vec<String>,
    /// The claim's current status phrase.
    pub status_label: String,
}

/// What `party unmerge` did.
#[derive(Debug, Clone, Serialize)]
pub struct PartyUnmerged {
    /// The party that stands on its own again.
    pub party: PartyRecorded,
    /// The party it had been merged into.
    pub from: PartyRecorded,
    /// The party.merge entry undone.
    pub merge: i64,
    /// The party.unmerge entry.
    pub seq: i64,
}

/// What `party add` / `party alias` did.
#[derive(Debug, Clone, Serialize)]
pub struct PartyRecorded {
    /// Party id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// All names it goes by now.
    pub names: Vec<String>,
}

impl Ledger {
    /// Names a new party.
    pub fn add_party(
        &mut self,
        name: &str,
        kind: Option<&str>,
        description: Option<String>,
        aliases: &[String],
    ) -> Result<PartyRecorded> {
        let name = clean_name(name)?;
        let kind = kind
            .map(PartyKind::parse)
            .transpose()?
            .unwrap_or(PartyKind::Unknown);
        // Repeated names (in any case or spacing) count once; a set keeps this linear.
        let mut keys = std::collections::HashSet::from([crate::party::name_key(&name)]);
        let mut names = vec![name.clone()];
        for alias in aliases {
            let alias = clean_name(alias)?;
            if keys.insert(crate::party::name_key(&alias)) {
                names.push(alias);
            }
        }
        let tx = self.store.begin_write()?;
        let time = dates::now();
        for n in &names {
            if let Some((_, owner)) = tx.party_by_name(n)? {
                return Err(Error::NameTaken {
                    name: n.clone(),
                    party: owner,
                });
            }
        }
        let id = tx.next_id(IdTable::Parties)?;
        tx.append(
            &time,
            &self.actor,
            Event::PartyAdd {
                id,
                name: name.clone(),
                kind,
                description,
                aliases: names[1..].to_vec(),
            },
        )?;
        tx.commit()?;
        Ok(PartyRecorded { id, name, names })
    }

    /// Says what a party is: its kind, or a description.
    pub fn update_party(
        &mut self,
        name: &str,
        kind: Option<&str>,
        description: Option<String>,
    ) -> Result<PartyRow> {
        let kind = kind.map(PartyKind::parse).transpose()?;
        let description = description
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|d| !d.is_empty());
        if kind.is_none() && description.is_none() {
            return Err(Error::Usage(
                "say what to set: --kind K, --description TEXT, or both".to_string(),
            ));
        }
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let (id, _) = tx
            .party_by_name(name)?
            .ok_or_else(|| Error::UnknownParty(name.to_string()))?;
        tx.append(
            &time,
            &self.actor,
            Event::PartyUpdate {
                party: PartyRef {
                    id,
                    typed: name.to_string(),
                },
                kind,
                description,
            },
        )?;
        let party = tx
            .party(id)?
            .ok_or_else(|| Error::UnknownParty(name.to_string()))?;
        tx.commit()?;
        Ok(party)
    }

    /// Gives a party another name.
    pub fn alias_party(&mut self, name: &str, alias: &str) -> Result<PartyRecorded> {
        let alias = clean_name(alias)?;
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let (id, display) = tx
            .party_by_name(name)?
            .ok_or_else(|| Error::UnknownParty(name.to_string()))?;
        if let Some((_, owner)) = tx.party_by_name(&alias)? {
            return Err(Error::NameTaken {
                name: alias,
                party: owner,
            });
        }
        tx.append(
            &time,
            &self.actor,
            Event::PartyAlias {
                party: PartyRef {
                    id,
                    typed: name.to_string(),
                },
                alias: alias.clone(),
            },
        )?;
        let names = party_names(&tx, id)?;
        tx.commit()?;
        Ok(PartyRecorded {
            id,
            name: display,
            names,
        })
    }

    /// Every party.
    pub fn parties(&mut self) -> Result<Vec<PartyRow>> {
        self.store.begin_read()?.parties()
    }

    /// Folds party `merged` into party `into`: its names become aliases of `into`, and its
    /// claims, conduits and status events move with it. History keeps names as typed.
    pub fn merge_parties(&mut self, into: &str, merged: &str) -> Result<PartyRecorded> {
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let find = |name: &str| -> Result<(i64, String)> {
            tx.party_by_name(name)?
                .ok_or_else(|| Error::UnknownParty(name.to_string()))
        };
        let (into_id, into_name) = find(into)?;
        let (merged_id, _) = find(merged)?;
        if into_id == merged_id {
            return Err(Error::SameParty {
                a: into.to_string(),
                b: merged.to_string(),
                party: into_name,
            });
        }
        tx.append(
            &time,
            &self.actor,
            Event::PartyMerge {
                into: PartyRef {
                    id: into_id,
                    typed: into.to_string(),
                },
                merged: PartyRef {
                    id: merged_id,
                    typed: merged.to_string(),
                },
            },
        )?;
        let names = party_names(&tx, into_id)?;
        tx.commit()?;
        Ok(PartyRecorded {
            id: into_id,
            name: into_name,
            names,
        })
    }

    /// Undoes a wrong merge: `name` is one of the names the merged party brought with it;
    /// the latest merge that still stands and moved that name is undone, and the names,
    /// claims, conduit links and status events it moved go back.
    pub fn unmerge_party(&mut self, name: &str, reason: &str) -> Result<PartyUnmerged> {
        let reason = claim::reason(reason)?;
        let tx = self.store.begin_write()?;
        let time = dates::now();
        if tx.party_by_name(name)?.is_none() {
            return Err(Error::UnknownParty(name.to_string()));
        }
        let (merge, merged, into) = tx
            .merge_of_name(name)?
            .ok_or_else(|| Error::NotMerged(name.to_string()))?;
        let into_name = tx.party_name(into)?.unwrap_or_default();
        let entry = tx.append(
            &time,
            &self.actor,
            Event::PartyUnmerge {
                party: PartyRef {
                    id: merged,
                    typed: name.to_string(),
                },
                from: PartyRef {
                    id: into,
                    typed: into_name.clone(),
                },
                merge,
                reason,
            },
        )?;
        let recorded = |id: i64| -> Result<PartyRecorded> {
            let names = party_names(&tx, id)?;
            Ok(PartyRecorded {
                id,
                name: names.first().cloned().unwrap_or_default(),
                names,
            })
        };
        let out = PartyUnmerged {
            party: recorded(merged)?,
            from: recorded(into)?,
            merge,
            seq: entry.seq,
        };
        tx.commit()?;
        Ok(out)
    }

    /// A party and everything it did: claims made, relayed, confirmed, denied...
    pub fn show_party(&mut self, name: &str) -> Result<PartyShown> {
        let tx = self.store.begin_read()?;
        let (id, _) = tx
            .party_by_name(name)?
            .ok_or_else(|| Error::UnknownParty(name.to_string()))?;
        let party = tx
            .party(id)?
            .ok_or_else(|| Error::UnknownParty(name.to_string()))?;
        let mut claims = Vec::new();
        for role in tx.party_roles(id)? {
            let core = tx.claim(claim::parse_id(&role.claim)?, &role.claim)?;
            claims.push(PartyClaim {
                id: core.id,
                role: role.role,
                as_typed: role.as_typed,
                statement: core.statement,
                claimant: core.claimant,
                via: core.via,
                status_label: core.status_label,
            });
        }
        Ok(PartyShown { party, claims })
    }
}

/// Resolves a party name, naming a new party (kind unknown) if nobody has that name yet.
pub(super) fn party_for(
    tx: &Tx,
    time: &str,
    actor: &str,
    name: &str,
    created: &mut Vec<String>,
) -> Result<PartyRef> {
    party_with_kind(tx, time, actor, name, None, created)
}

/// [`party_for`], giving a party named for the first time the kind a file says it is.
pub(super) fn party_with_kind(
    tx: &Tx,
    time: &str,
    actor: &str,
    name: &str,
    known_kind: Option<PartyKind>,
    created: &mut Vec<String>,
) -> Result<PartyRef> {
    if let Some((id, _)) = tx.party_by_name(name)? {
        return Ok(PartyRef {
            id,
            typed: name.to_string(),
        });
    }
    let clean = clean_name(name)?;
    let id = tx.next_id(IdTable::Parties)?;
    let kind = known_kind.unwrap_or_else(|| PartyKind::of_new_name(&clean));
    tx.append(
        time,
        actor,
        Event::PartyAdd {
            id,
            name: clean.clone(),
            kind,
            description: None,
            aliases: Vec::new(),
        },
    )?;
    created.push(clean);
    Ok(PartyRef {
        id,
        typed: name.to_string(),
    })
}

pub(super) fn party_names(tx: &Tx, id: i64) -> Result<Vec<String>> {
    Ok(tx
        .party(id)?
        .map(|p| std::iter::once(p.name).chain(p.aliases).collect())
        .unwrap_or_default())
}
