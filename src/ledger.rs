//! The ledger: what users do, as operations that check their input, append journal
//! entries and return what happened. Each operation is one transaction.
//!
//! This module knows nothing of the terminal: it takes plain values and returns plain
//! values (which the command line renders as text, JSON or CSV).
//!
//! Every operation takes the time of its journal entries after it holds the write lock,
//! so journal times never run backwards, however long a writer waited.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::anchor::{Anchor, AnchorError, State, Text, normalize};
use crate::claim;
use crate::error::{Error, Result};
use crate::journal::{AppearanceRecord, Entry, Event, Evidence, PartyRef, Tracked};
use crate::party::{PartyKind, clean_name};
use crate::source::{SourceMeta, short};
use crate::store::queries::{
    AppearanceRow, ClaimCore, ClaimFilter, ClaimRow, ClaimSort, IdTable, PartyRow, SourceRow,
    StatusEventRow,
};
use crate::store::{Store, Tx};
use crate::{dates, source};

/// An open ledger and who is acting on it.
pub struct Ledger {
    store: Store,
    actor: String,
}

/// Where source bytes come from.
pub enum Input<'a> {
    /// A file.
    File(&'a Path),
    /// Standard input (or any reader), with a name for messages.
    Reader(Box<dyn Read + 'a>, &'a Path),
}

/// What `source add` needs besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct NewSource {
    /// Descriptive metadata.
    pub meta: SourceMeta,
    /// When it was captured (default: now).
    pub captured: Option<String>,
    /// A version of the document this is a new version of.
    pub version_of: Option<String>,
}

/// How one earlier appearance fares in a newly added version.
#[derive(Debug, Clone, Serialize)]
pub struct Reanchored {
    /// The claim.
    pub claim: String,
    /// The appearance.
    pub appearance: i64,
    /// The version it was recorded in.
    pub from: String,
    /// Its span there.
    pub old_start: i64,
    /// Its span end there.
    pub old_end: i64,
    /// unchanged, moved, changed or missing.
    pub state: State,
    /// Its span in the new version.
    pub start: Option<usize>,
    /// Its span end in the new version.
    pub end: Option<usize>,
    /// The text there, when it differs from the recorded quote.
    pub exact: Option<String>,
}

/// What `source add` did.
#[derive(Debug, Clone, Serialize)]
pub struct SourceAdded {
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Number of bytes.
    pub bytes: i64,
    /// Whether this added a version (false: the same bytes were already stored).
    pub new: bool,
    /// Media type.
    pub media_type: String,
    /// Whether quotes can be anchored in it.
    pub is_text: bool,
    /// Its document.
    pub document: String,
    /// Its version number in the document.
    pub version: i64,
    /// How each appearance in earlier versions of the document fares in this one.
    pub reanchored: Vec<Reanchored>,
}

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
}

/// Which claims a bulk action applies to.
#[derive(Debug, Clone)]
pub enum Targets {
    /// These ids.
    Ids(Vec<String>),
    /// Every claim the status table would show with these filters.
    Matching(ListQuery),
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

/// A claim's full provenance.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// The claim's own fields.
    #[serde(flatten)]
    pub claim: ClaimCore,
    /// Each appearance, with where it is and whether its source still checks out.
    pub appearances: Vec<AuditAppearance>,
    /// How each appearance fares in every version of its document.
    pub versions: Vec<VersionState>,
    /// Status events, oldest first.
    pub history: Vec<StatusEventRow>,
    /// The journal entries behind all of it.
    pub entries: Vec<AuditEntry>,
}

/// One appearance in an audit.
#[derive(Debug, Clone, Serialize)]
pub struct AuditAppearance {
    /// As stored.
    #[serde(flatten)]
    pub appearance: AppearanceRow,
    /// The source version's record.
    pub source_info: SourceRow,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in code points.
    pub column: usize,
    /// Whether the stored bytes still hash to the source's name.
    pub bytes_ok: bool,
    /// Whether the stored text between start and end is still `exact`.
    pub span_ok: bool,
}

/// How one appearance fares in one version of its document.
#[derive(Debug, Clone, Serialize)]
pub struct VersionState {
    /// The appearance.
    pub appearance: i64,
    /// The version.
    pub sha256: String,
    /// Its number in the document.
    pub version: i64,
    /// Whether this is the version the appearance was recorded in.
    pub recorded_here: bool,
    /// unchanged, moved, changed or missing.
    pub state: String,
    /// Span in that version, if found.
    pub start: Option<i64>,
    /// Span end, if found.
    pub end: Option<i64>,
    /// The text found there, when it differs from the recorded quote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    /// Fuzzy similarity in per mille, for fuzzy matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
}

/// A journal entry behind a claim.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Sequence number (= Merkle leaf index).
    pub seq: i64,
    /// When.
    pub time: String,
    /// Who.
    pub actor: String,
    /// Kind.
    pub kind: String,
    /// SHA-256 of the entry bytes as stored.
    pub hash: String,
    /// Whether the stored hash is still the hash of the entry's bytes.
    pub hash_ok: bool,
    /// Its Merkle leaf hash, SHA-256(0x00 ‖ entry bytes).
    pub leaf_hash: String,
    /// Whether the latest recorded checkpoint covers it (None: no checkpoint yet).
    pub in_checkpoint: Option<bool>,
}

/// A source version and, if asked for, its text.
#[derive(Debug, Clone, Serialize)]
pub struct SourceShown {
    /// The record.
    #[serde(flatten)]
    pub source: SourceRow,
    /// Whether the stored bytes still hash to its name.
    pub bytes_ok: bool,
    /// The text, when asked for and the source is text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Ledger {
    /// Creates a ledger at `path`. `origin` is its checkpoint origin line (default: a
    /// random one).
    pub fn init(path: &Path, actor: &str, origin: Option<String>) -> Result<(Ledger, String)> {
        let origin = match origin {
            Some(o) => {
                let o = o.trim().to_string();
                if o.is_empty() || o.contains('\n') {
                    return Err(Error::InvalidValue {
                        what: "--origin",
                        value: o,
                        expected: "expected one non-empty line, such as example.org/factcheck",
                    });
                }
                o
            }
            None => default_origin(),
        };
        let store = Store::create(
            path,
            &dates::now(),
            actor,
            Event::LedgerInit {
                origin: origin.clone(),
                software: format!("claimledger {}", env!("CARGO_PKG_VERSION")),
            },
        )?;
        Ok((
            Ledger {
                store,
                actor: actor.to_string(),
            },
            origin,
        ))
    }

    /// Opens the ledger at `path`.
    pub fn open(path: &Path, actor: &str) -> Result<Ledger> {
        Ok(Ledger {
            store: Store::open(path)?,
            actor: actor.to_string(),
        })
    }

    /// Where the ledger is.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Stores a source version. The same bytes again return the existing version and write
    /// nothing.
    pub fn add_source(&mut self, input: Input<'_>, mut new: NewSource) -> Result<SourceAdded> {
        new.meta = clean_meta(new.meta)?;
        let captured = match &new.captured {
            Some(c) => dates::parse_date("--captured", c)?,
            None => dates::now(),
        };
        let (reader, path, origin): (Box<dyn Read>, &Path, Option<String>) = match input {
            Input::File(path) => {
                let meta = std::fs::metadata(path).map_err(|source| Error::ReadFile {
                    path: path.to_path_buf(),
                    source,
                })?;
                if meta.is_dir() {
                    return Err(Error::IsDirectory {
                        path: path.to_path_buf(),
                    });
                }
                let file = std::fs::File::open(path).map_err(|source| Error::ReadFile {
                    path: path.to_path_buf(),
                    source,
                })?;
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                (Box::new(file), path, name)
            }
            Input::Reader(mut reader, path) => {
                // Read it all before taking the write lock (a pipe can take its time, and a
                // terminal waits for Ctrl-D); a temporary file keeps memory flat.
                let mut spool = || -> std::io::Result<std::fs::File> {
                    let mut file = tempfile::tempfile()?;
                    std::io::copy(&mut reader, &mut file)?;
                    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0))?;
                    Ok(file)
                };
                let file = spool().map_err(|source| Error::ReadFile {
                    path: path.to_path_buf(),
                    source,
                })?;
                (Box::new(file) as Box<dyn Read>, path, None)
            }
        };
        let tx = self.store.begin_write()?;
        let blob = tx.begin_blob()?;
        let print = source::stream(reader, path, |i, chunk| tx.write_chunk(blob, i, chunk))?;
        // Taken holding the write lock, so journal times never run backwards.
        let time = dates::now();
        if print.size == 0 {
            return Err(Error::EmptySource {
                path: path.to_path_buf(),
            });
        }
        if let Some(existing) = tx.source(&print.sha256)? {
            // Known bytes: dropping the transaction discards the chunks just written.
            return Ok(SourceAdded {
                sha256: existing.sha256,
                bytes: existing.bytes,
                new: false,
                media_type: existing.media_type,
                is_text: existing.is_text,
                document: existing.document,
                version: existing.version,
                reanchored: Vec::new(),
            });
        }
        tx.finish_blob(blob, &print.sha256, print.size)?;
        let joined = join_document(&tx, new.version_of.as_deref(), new.meta.url.as_deref())?;
        let (document, document_name, version) = match &joined {
            Some(versions) => {
                let last = versions.last().expect("a document has a version");
                (last.document_id, last.document.clone(), last.version + 1)
            }
            None => (
                tx.next_id(IdTable::Documents)?,
                unique_document_name(&tx, &new.meta, origin.as_deref())?,
                1,
            ),
        };
        tx.append(
            &time,
            &self.actor,
            Event::SourceAdd {
                sha256: print.sha256.clone(),
                size: print.size,
                media_type: print.media_type.clone(),
                is_text: print.is_text,
                captured_at: captured,
                origin,
                document,
                document_name: document_name.clone(),
                version,
                meta: new.meta,
            },
        )?;
        let mut reanchored = Vec::new();
        if joined.is_some() && print.is_text {
            let target = tx
                .source(&print.sha256)?
                .expect("the version was just added");
            let text = load_text(&tx, &target)?;
            let appearances: Vec<(String, AppearanceRow)> = tx
                .document_appearances(document)?
                .into_iter()
                .filter(|(_, a)| a.source != print.sha256)
                .collect();
            let (found, results): (Vec<Reanchored>, Vec<Tracked>) =
                with_text(&tx, &print.sha256, &text, |t| {
                    Ok(appearances
                        .iter()
                        .map(|(claim, a)| {
                            let r = follow(t, a, &print.sha256);
                            let report = Reanchored {
                                claim: claim.clone(),
                                appearance: a.id,
                                from: a.source.clone(),
                                old_start: a.start,
                                old_end: a.end,
                                state: r.state,
                                start: r.start,
                                end: r.end,
                                exact: r.exact.clone().filter(|e| *e != a.exact),
                            };
                            (report, r)
                        })
                        .unzip())
                })?;
            reanchored = found;
            if !results.is_empty() {
                tx.append(&time, &self.actor, Event::AppearanceTrack { results })?;
            }
        }
        tx.commit()?;
        Ok(SourceAdded {
            sha256: print.sha256,
            bytes: print.size as i64,
            new: true,
            media_type: print.media_type,
            is_text: print.is_text,
            document: document_name,
            version,
            reanchored,
        })
    }

    /// Every source version.
    pub fn sources(&mut self) -> Result<Vec<SourceRow>> {
        self.store.begin_read()?.sources()
    }

    /// One source version, with its text if `with_text`.
    pub fn show_source(&mut self, reference: &str, with_text: bool) -> Result<SourceShown> {
        let tx = self.store.begin_read()?;
        let source = tx.resolve_source(reference)?;
        let bytes_ok = tx
            .rehash_blob(&source.sha256)?
            .is_some_and(|(hash, _)| hash == source.sha256);
        let text = if with_text {
            Some(load_text(&tx, &source)?)
        } else {
            None
        };
        Ok(SourceShown {
            source,
            bytes_ok,
            text,
        })
    }

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
        let mut names = vec![name.clone()];
        for alias in aliases {
            let alias = clean_name(alias)?;
            if !names
                .iter()
                .any(|n| crate::party::name_key(n) == crate::party::name_key(&alias))
            {
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

    /// The status vocabulary.
    pub fn statuses(&mut self) -> Result<Vec<crate::status::Status>> {
        self.store.begin_read()?.statuses()
    }

    /// Every party.
    pub fn parties(&mut self) -> Result<Vec<PartyRow>> {
        self.store.begin_read()?.parties()
    }

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

    /// Records a status event.
    pub fn set_status(&mut self, claim_ref: &str, new: NewStatus) -> Result<StatusRecorded> {
        let mut recorded = self.set_status_many(&Targets::Ids(vec![claim_ref.to_string()]), new)?;
        Ok(recorded.remove(0))
    }

    /// The status table. Party filters resolve through aliases; an unknown name is an error.
    pub fn list(&mut self, query: &ListQuery) -> Result<Vec<ClaimRow>> {
        let tx = self.store.begin_read()?;
        let filter = resolve_filter(&tx, query)?;
        tx.claims(&filter)
    }

    /// Claims counted by status and by claimant.
    pub fn summary(&mut self) -> Result<Summary> {
        let tx = self.store.begin_read()?;
        let counts = tx.claim_counts()?;
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
                    tx.claim(number, id)?;
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

    /// A claim's full provenance.
    pub fn audit(&mut self, claim_ref: &str) -> Result<Audit> {
        let number = claim::parse_id(claim_ref)?;
        let tx = self.store.begin_read()?;
        let core = tx.claim(number, claim_ref)?;
        let mut appearances = Vec::new();
        let mut versions = Vec::new();
        for a in tx.appearances(&core.id)? {
            let source_info = tx
                .source(&a.source)?
                .ok_or_else(|| Error::UnknownSource(a.source.clone()))?;
            let bytes = tx.blob_bytes(&a.source)?;
            let bytes_ok = bytes
                .as_deref()
                .is_some_and(|b| source::sha256_hex(b) == a.source);
            let text = bytes
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
            let t = Text::new(&text);
            let (line, column) = t.line_column(a.start as usize);
            let span_ok = (a.end as usize) <= text.chars().count()
                && t.slice(a.start as usize, a.end as usize) == a.exact;
            let tracked = tx.anchorings(a.id)?;
            // Versions that are not text (a PDF of the article) cannot hold a quote: they
            // are not listed.
            for v in tx
                .document_versions(source_info.document_id)?
                .into_iter()
                .filter(|v| v.is_text)
            {
                let state = if v.sha256 == a.source {
                    VersionState {
                        appearance: a.id,
                        sha256: v.sha256.clone(),
                        version: v.version,
                        recorded_here: true,
                        state: if span_ok { "unchanged" } else { "missing" }.to_string(),
                        start: Some(a.start),
                        end: Some(a.end),
                        exact: None,
                        score: None,
                    }
                } else {
                    let t = tracked.iter().find(|t| t.source == v.sha256);
                    VersionState {
                        appearance: a.id,
                        sha256: v.sha256.clone(),
                        version: v.version,
                        recorded_here: false,
                        state: t.map_or("missing", |t| t.state.as_str()).to_string(),
                        start: t.and_then(|t| t.start),
                        end: t.and_then(|t| t.end),
                        exact: t.and_then(|t| t.exact.clone()).filter(|e| *e != a.exact),
                        score: t.and_then(|t| t.score),
                    }
                };
                versions.push(state);
            }
            appearances.push(AuditAppearance {
                appearance: a,
                source_info,
                line,
                column,
                bytes_ok,
                span_ok,
            });
        }
        let history = tx.status_history(&core.id)?;
        let checkpoint = crate::store::merkle::latest_checkpoint(&tx)?;
        let entries = tx
            .entries_at(&tx.claim_entry_seqs(&core.id)?)?
            .into_iter()
            .map(|(entry, hash)| AuditEntry {
                hash_ok: entry.hash() == hash,
                leaf_hash: hex::encode(crate::merkle::leaf_hash(&entry.bytes())),
                in_checkpoint: checkpoint.as_ref().map(|c| (entry.seq as u64) < c.size),
                seq: entry.seq,
                time: entry.time.clone(),
                actor: entry.actor.clone(),
                kind: entry.event.kind().to_string(),
                hash,
            })
            .collect();
        Ok(Audit {
            claim: core,
            appearances,
            versions,
            history,
            entries,
        })
    }

    /// Journal entries, newest first.
    pub fn log(&mut self, limit: Option<i64>) -> Result<Vec<(Entry, String)>> {
        let tx = self.store.begin_read()?;
        let seqs: Vec<i64> = tx.entries(limit)?.iter().map(|e| e.seq).collect();
        tx.entries_at(&seqs)
    }
}

/// Trims the metadata a user typed; an empty title or author is no title or author, but an
/// empty URL is refused (it would join every capture given one into one document).
fn clean_meta(meta: SourceMeta) -> Result<SourceMeta> {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if meta.url.as_deref().is_some_and(|u| u.trim().is_empty()) {
        return Err(Error::InvalidValue {
            what: "--url",
            value: meta.url.unwrap_or_default(),
            expected: "the URL is empty; give the address the source was captured from, or leave --url out",
        });
    }
    Ok(SourceMeta {
        title: clean(meta.title),
        url: clean(meta.url),
        publisher: clean(meta.publisher),
        author: clean(meta.author),
        published: meta.published,
    })
}

/// Resolves what a user typed into a filter of the status table.
fn resolve_filter(tx: &Tx, q: &ListQuery) -> Result<ClaimFilter> {
    let party = |name: &str| -> Result<i64> {
        tx.party_by_name(name)?
            .map(|(id, _)| id)
            .ok_or_else(|| Error::UnknownParty(name.to_string()))
    };
    let day = |what: &'static str, text: &Option<String>| -> Result<Option<String>> {
        text.as_deref()
            .map(|t| dates::parse_date(what, t).map(|d| d[..10].to_string()))
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
    })
}

/// The document a new version joins (its versions so far), if `--version-of` or `--url`
/// names one.
fn join_document(
    tx: &Tx,
    version_of: Option<&str>,
    url: Option<&str>,
) -> Result<Option<Vec<SourceRow>>> {
    let by_version = version_of
        .map(|r| tx.resolve_source(r))
        .transpose()?
        .map(|s| s.document_id);
    let by_url = match url {
        Some(url) => tx.document_by_url(url)?,
        None => None,
    };
    let document = match (by_version, by_url) {
        (Some(a), Some(b)) if a != b => {
            let name = |id| -> Result<String> { Ok(tx.document_versions(id)?[0].document.clone()) };
            return Err(Error::DocumentConflict {
                version_of: name(a)?,
                url: name(b)?,
            });
        }
        (Some(doc), _) | (None, Some(doc)) => doc,
        (None, None) => return Ok(None),
    };
    Ok(Some(tx.document_versions(document)?))
}

/// Follows an appearance into another version's text.
fn follow(text: &Text, a: &AppearanceRow, target: &str) -> Tracked {
    let old = Anchor {
        start: a.start as usize,
        end: a.end as usize,
        exact: a.exact.clone(),
        prefix: a.prefix.clone(),
        suffix: a.suffix.clone(),
        normalized: a.normalized,
    };
    let r = text.relocate(&old);
    Tracked {
        appearance: a.id,
        source: target.to_string(),
        state: r.state,
        start: r.span.map(|s| s.start),
        end: r.span.map(|s| s.end),
        exact: r.exact,
        score: r.score,
    }
}

/// After a claim is anchored in one version, records how it fares in every other text
/// version of the same document.
fn track_in_other_versions(
    tx: &Tx,
    time: &str,
    actor: &str,
    source: &SourceRow,
    appearance: i64,
) -> Result<()> {
    if source.versions < 2 {
        return Ok(());
    }
    let row = tx
        .appearances_by_id(appearance)?
        .expect("the appearance was just added");
    let mut results = Vec::new();
    for version in tx.document_versions(source.document_id)? {
        if version.sha256 == source.sha256 || !version.is_text {
            continue;
        }
        let text = load_text(tx, &version)?;
        results.push(with_text(tx, &version.sha256, &text, |t| {
            Ok(follow(t, &row, &version.sha256))
        })?);
    }
    if !results.is_empty() {
        tx.append(time, actor, Event::AppearanceTrack { results })?;
    }
    Ok(())
}

/// The text of a source version, or why quotes cannot be anchored in it.
fn load_text(tx: &Tx, source: &SourceRow) -> Result<String> {
    if !source.is_text {
        return Err(Error::NotText {
            short: short(&source.sha256).to_string(),
            media_type: source.media_type.clone(),
        });
    }
    let bytes = tx
        .blob_bytes(&source.sha256)?
        .ok_or_else(|| Error::UnknownSource(source.sha256.clone()))?;
    String::from_utf8(bytes).map_err(|_| Error::NotText {
        short: short(&source.sha256).to_string(),
        media_type: source.media_type.clone(),
    })
}

/// Runs `f` on a source's text, giving it the kept normalized form when one fits; if `f`
/// made the text build its normalized form, keeps it for the next quote. A kept form can
/// at worst miss a match (every match is checked against the text itself), so when `f`
/// finds nothing with it, `f` runs once more on a fresh one, which replaces it.
fn with_text<T>(tx: &Tx, sha256: &str, text: &str, f: impl Fn(&Text) -> Result<T>) -> Result<T> {
    let rule = normalize::rule_tag();
    let kept = tx
        .stored_normalized(sha256)?
        .filter(|(r, _, _)| *r == rule)
        .and_then(|(_, normalized, map)| {
            normalize::NormalizedText::from_stored(text, normalized, &map)
        });
    let keep =
        |t: &Text| tx.store_normalized(sha256, &rule, t.index().as_str(), &t.index().map_bytes());
    match kept {
        Some(index) => match f(&Text::with_index(text, index)) {
            Err(Error::QuoteNotFound { .. }) => {
                let fresh = Text::new(text);
                let out = f(&fresh);
                if fresh.has_index() {
                    keep(&fresh)?;
                }
                out
            }
            other => other,
        },
        None => {
            let t = Text::new(text);
            let out = f(&t)?;
            if t.has_index() {
                keep(&t)?;
            }
            Ok(out)
        }
    }
}

/// Anchors a quote, turning anchoring failures into errors that name the source.
fn anchor_quote(
    text: &Text,
    sha256: &str,
    quote: &str,
    occurrence: Option<usize>,
) -> Result<Anchor> {
    let short = short(sha256).to_string();
    text.anchor(quote, occurrence).map_err(|e| match e {
        AnchorError::Empty => Error::EmptyQuote,
        AnchorError::NotFound {
            closest,
            differences,
        } => Error::QuoteNotFound {
            short,
            closest: closest.map(Box::new),
            differences,
        },
        AnchorError::Ambiguous { count, sites } => Error::QuoteAmbiguous {
            short,
            count,
            sites,
        },
        AnchorError::OccurrenceOutOfRange {
            wanted,
            count,
            sites,
        } => Error::OccurrenceOutOfRange {
            short,
            wanted,
            count,
            sites,
        },
    })
}

fn appearance_out(text: &str, sha256: &str, a: &Anchor) -> AppearanceOut {
    let (line, column) = Text::new(text).line_column(a.start);
    AppearanceOut {
        source: sha256.to_string(),
        start: a.start,
        end: a.end,
        exact: a.exact.clone(),
        prefix: a.prefix.clone(),
        suffix: a.suffix.clone(),
        normalized: a.normalized,
        line,
        column,
    }
}

/// A status event ready to record: its status checked, its party resolved (and named, if
/// new), its evidence quote anchored, its note trimmed. Shared by `claim add --status` and
/// `status set`.
struct StatusEvent {
    status: String,
    by: Option<PartyRef>,
    evidence: Option<Evidence>,
    note: Option<String>,
}

impl StatusEvent {
    fn prepare(
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
    fn for_claim(&self, claim: &str) -> Event {
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
fn check_status(tx: &Tx, new: &NewStatus) -> Result<String> {
    let status = tx.status(&new.status)?;
    let has_party = new.by.as_deref().is_some_and(|b| !b.trim().is_empty());
    if status.takes_party && !has_party {
        return Err(Error::StatusNeedsParty {
            status: status.name,
        });
    }
    Ok(status.name)
}

/// Resolves the evidence of a status (and anchors its quote, if any).
fn evidence(tx: &Tx, new: &NewStatus) -> Result<Option<Evidence>> {
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

/// Resolves a party name, naming a new party (kind unknown) if nobody has that name yet.
fn party_for(
    tx: &Tx,
    time: &str,
    actor: &str,
    name: &str,
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
    // "a senior official", "an aide": an unnamed source, described rather than named.
    let lower = clean.to_lowercase();
    let kind = if lower.starts_with("a ") || lower.starts_with("an ") {
        PartyKind::Unnamed
    } else {
        PartyKind::Unknown
    };
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

fn party_names(tx: &Tx, id: i64) -> Result<Vec<String>> {
    Ok(tx
        .party(id)?
        .map(|p| std::iter::once(p.name).chain(p.aliases).collect())
        .unwrap_or_default())
}

/// A document name from the title or file name, made unique with -2, -3, ...
fn unique_document_name(tx: &Tx, meta: &SourceMeta, origin: Option<&str>) -> Result<String> {
    let base = meta
        .title
        .as_deref()
        .map(slug)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            origin
                .map(|o| {
                    slug(
                        Path::new(o)
                            .file_stem()
                            .and_then(|s| s.to_str())
                            .unwrap_or(o),
                    )
                })
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "doc".to_string());
    let mut name = base.clone();
    let mut n = 2;
    while tx.document_exists(&name)? || is_hex_like(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    Ok(name)
}

/// Hex-only names would read as hash prefixes.
fn is_hex_like(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_hexdigit())
}

/// Lowercase words joined by '-', at most 40 characters.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        if !out.is_empty() {
            if out.chars().count() + 1 + word.chars().count() > 40 {
                break;
            }
            out.push('-');
        }
        out.push_str(&word);
    }
    out.chars().take(40).collect()
}

/// A random origin line for a ledger that was not given one.
fn default_origin() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    format!("claimledger.local/{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_short_and_plain() {
        assert_eq!(
            super::slug("Drone strike: Corrin Bridge!"),
            "drone-strike-corrin-bridge"
        );
        assert_eq!(super::slug("  "), "");
    }
}
