//! Reads: the questions the commands ask of a ledger.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::Tx;
pub use super::journal_reads::JournalRow;
pub use super::status_table::{ClaimFilter, ClaimRow, ClaimSort, Withdrawn, fts_query};
use crate::error::{Error, Result};

use crate::party::name_key;
use crate::source::{SourceRef, VersionPick};
use crate::status::Status;

/// A source version as the ledger knows it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Number of bytes.
    pub bytes: i64,
    /// Media type.
    pub media_type: String,
    /// Whether quotes can be anchored in it.
    pub is_text: bool,
    /// The document it is a version of.
    pub document: String,
    /// Its number among the document's versions.
    pub version: i64,
    /// How many versions the document has.
    pub versions: i64,
    /// When it was captured.
    pub captured_at: String,
    /// The file it was read from.
    pub origin: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Published date.
    pub published: Option<String>,
    /// Journal entry that added it.
    pub seq: i64,
    /// Appearances of claims in it.
    pub appearances: i64,
    /// The document's id.
    #[serde(skip)]
    pub document_id: i64,
}

const SOURCE_COLUMNS: &str = "s.sha256, s.size, s.media_type, s.is_text, d.name, s.version,
    (SELECT count(*) FROM sources v WHERE v.document_id = s.document_id),
    s.captured_at, s.origin, s.url, s.title, s.publisher, s.author, s.published, s.seq,
    (SELECT count(*) FROM appearances a WHERE a.source = s.sha256), s.document_id";

/// The day a claim was said, or, when that is unknown, the day it was recorded.
const APPEARANCE_COLUMNS: &str =
    "a.id, a.source, a.start, a.end, a.exact, a.prefix, a.suffix, a.quote, a.normalized, a.seq,
     a.fragments";

fn appearance_row(r: &Row) -> rusqlite::Result<AppearanceRow> {
    Ok(AppearanceRow {
        id: r.get(0)?,
        source: r.get(1)?,
        start: r.get(2)?,
        end: r.get(3)?,
        exact: r.get(4)?,
        prefix: r.get(5)?,
        suffix: r.get(6)?,
        quote: r.get(7)?,
        normalized: r.get(8)?,
        seq: r.get(9)?,
        fragments: r
            .get::<_, Option<String>>(10)?
            .map(|json| {
                serde_json::from_str(&json).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        10,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })
            })
            .transpose()?,
    })
}

fn source_row(r: &Row) -> rusqlite::Result<SourceRow> {
    Ok(SourceRow {
        sha256: r.get(0)?,
        bytes: r.get(1)?,
        media_type: r.get(2)?,
        is_text: r.get(3)?,
        document: r.get(4)?,
        version: r.get(5)?,
        versions: r.get(6)?,
        captured_at: r.get(7)?,
        origin: r.get(8)?,
        url: r.get(9)?,
        title: r.get(10)?,
        publisher: r.get(11)?,
        author: r.get(12)?,
        published: r.get(13)?,
        seq: r.get(14)?,
        appearances: r.get(15)?,
        document_id: r.get(16)?,
    })
}

/// A party and its names.
#[derive(Debug, Clone, Serialize)]
pub struct PartyRow {
    /// Its id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Description.
    pub description: Option<String>,
    /// Other names, in the order they were added.
    pub aliases: Vec<String>,
    /// Claims it made.
    pub claims: i64,
    /// Claims it relayed.
    pub relayed: i64,
    /// Status events that name it.
    pub statuses: i64,
}

/// An appearance as stored.
#[derive(Debug, Clone, Serialize)]
pub struct AppearanceRow {
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
    /// Context before.
    pub prefix: String,
    /// Context after.
    pub suffix: String,
    /// The quote as typed.
    pub quote: String,
    /// Found by normalized matching.
    pub normalized: bool,
    /// Journal entry.
    pub seq: i64,
    /// For an elided quote, the fragments it matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragments: Option<Vec<crate::anchor::Span>>,
}

/// A status event as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StatusEventRow {
    /// Status name.
    pub status: String,
    /// The phrase ("denied by Kyiv").
    pub label: String,
    /// The party's display name.
    pub by: Option<String>,
    /// The party's name as typed when the event was recorded.
    pub by_as_typed: Option<String>,
    /// Evidence source version.
    pub evidence: Option<String>,
    /// Evidence quote, if any.
    pub evidence_quote: Option<String>,
    /// Evidence quote span.
    pub evidence_start: Option<i64>,
    /// Evidence quote span end.
    pub evidence_end: Option<i64>,
    /// Note.
    pub note: Option<String>,
    /// When.
    pub time: String,
    /// Who recorded it.
    pub actor: String,
    /// Journal entry.
    pub seq: i64,
}

/// How an appearance fares in one other version of its document.
#[derive(Debug, Clone, Serialize)]
pub struct AnchoringRow {
    /// The version.
    pub source: String,
    /// unchanged, moved, changed or missing.
    pub state: String,
    /// Span there.
    pub start: Option<i64>,
    /// Span end there.
    pub end: Option<i64>,
    /// Text there.
    pub exact: Option<String>,
    /// Fuzzy similarity in per mille.
    pub score: Option<i64>,
    /// Journal entry that recorded it.
    pub seq: i64,
}

/// One thing a party did to a claim.
#[derive(Debug, Clone, Serialize)]
pub struct PartyRole {
    /// The claim.
    pub claim: String,
    /// made, relayed, or the status label it gave ("denied").
    pub role: String,
    /// The party's name as typed there.
    pub as_typed: Option<String>,
}

/// A claim's own fields.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCore {
    /// `C1`.
    pub id: String,
    /// The statement.
    pub statement: String,
    /// Claimant's display name.
    pub claimant: String,
    /// Claimant's id.
    pub claimant_id: i64,
    /// The claimant's name as typed when the claim was recorded.
    pub claimant_as: Option<String>,
    /// Conduits' display names, outermost last.
    pub via: Vec<String>,
    /// When it was said.
    pub said: Option<String>,
    /// Current status name.
    pub status: String,
    /// Current status phrase.
    pub status_label: String,
    /// Journal entry that recorded it.
    pub seq: i64,
    /// The claim.withdraw entry, while the claim is withdrawn.
    pub withdrawn_seq: Option<i64>,
}

impl ClaimCore {
    /// Whether the claim stands or was withdrawn.
    pub fn standing(&self) -> crate::claim::Standing {
        crate::claim::Standing::of(self.withdrawn_seq.is_some())
    }
}

impl Tx<'_> {
    /// Resolves a user's reference to one source version.
    pub fn resolve_source(&self, text: &str) -> Result<SourceRow> {
        match SourceRef::parse(text)? {
            SourceRef::Prefix(prefix) => {
                let sql = format!(
                    "SELECT {SOURCE_COLUMNS} FROM sources s JOIN documents d ON d.id = s.document_id
                     WHERE s.sha256 >= ?1 AND s.sha256 < ?1 || 'g' ORDER BY s.sha256 LIMIT 11"
                );
                let rows: Vec<SourceRow> = self
                    .prepare(&sql)?
                    .query_map(params![prefix], source_row)?
                    .collect::<rusqlite::Result<_>>()?;
                match rows.len() {
                    0 => Err(Error::UnknownSource(text.to_string())),
                    1 => Ok(rows.into_iter().next().expect("one row")),
                    _ => Err(Error::AmbiguousSource {
                        prefix: text.to_string(),
                        candidates: rows
                            .iter()
                            .take(10)
                            .map(|r| {
                                format!(
                                    "{}  {}@{}  {}",
                                    r.sha256,
                                    r.document,
                                    r.version,
                                    r.title.as_deref().unwrap_or("")
                                )
                            })
                            .collect(),
                    }),
                }
            }
            SourceRef::Document { name, version } => {
                let count: Option<i64> = self
                    .query_row(
                        "SELECT (SELECT count(*) FROM sources s WHERE s.document_id = d.id)
                         FROM documents d WHERE d.name = ?1",
                        params![name],
                        |r| r.get(0),
                    )
                    .optional()?;
                let Some(count) = count else {
                    return Err(Error::UnknownSource(text.to_string()));
                };
                let wanted = match version {
                    VersionPick::Latest => count,
                    VersionPick::Number(n) if n <= count => n,
                    VersionPick::Number(n) => {
                        return Err(Error::NoSuchVersion {
                            name,
                            count,
                            wanted: n,
                        });
                    }
                };
                let sql = format!(
                    "SELECT {SOURCE_COLUMNS} FROM sources s JOIN documents d ON d.id = s.document_id
                     WHERE d.name = ?1 AND s.version = ?2"
                );
                Ok(self.query_row(&sql, params![name, wanted], source_row)?)
            }
        }
    }

    /// The source version with this exact SHA-256, if stored.
    pub fn source(&self, sha256: &str) -> Result<Option<SourceRow>> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM sources s JOIN documents d ON d.id = s.document_id
             WHERE s.sha256 = ?1"
        );
        Ok(self
            .prepare_cached(&sql)?
            .query_row(params![sha256], source_row)
            .optional()?)
    }

    /// Every source version, grouped by document (in order of creation) and capture order.
    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM sources s JOIN documents d ON d.id = s.document_id
             ORDER BY d.id, s.version"
        );
        Ok(self
            .prepare(&sql)?
            .query_map([], source_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The versions of a document, in order.
    pub fn document_versions(&self, document: i64) -> Result<Vec<SourceRow>> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM sources s JOIN documents d ON d.id = s.document_id
             WHERE s.document_id = ?1 ORDER BY s.version"
        );
        Ok(self
            .prepare(&sql)?
            .query_map(params![document], source_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The document a URL belongs to: one whose URL, or one of whose versions' URL, it is.
    pub fn document_by_url(&self, url: &str) -> Result<Option<i64>> {
        Ok(self
            .query_row(
                "SELECT id FROM documents WHERE url = ?1
                 UNION SELECT document_id FROM sources WHERE url = ?1
                 ORDER BY 1 LIMIT 1",
                params![url],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every appearance recorded in a version of this document, with its claim.
    pub fn document_appearances(&self, document: i64) -> Result<Vec<(String, AppearanceRow)>> {
        let sql = format!(
            "SELECT {APPEARANCE_COLUMNS}, a.claim_id
             FROM appearances a JOIN sources s ON s.sha256 = a.source
             WHERE s.document_id = ?1 ORDER BY a.id"
        );
        Ok(self
            .prepare(&sql)?
            .query_map(params![document], |r| Ok((r.get(11)?, appearance_row(r)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// How an appearance fares in the other versions of its document, by version SHA-256.
    pub fn anchorings(&self, appearance: i64) -> Result<Vec<AnchoringRow>> {
        Ok(self
            .prepare_cached(
                "SELECT source, state, start, end, exact, score, seq FROM anchorings
                 WHERE appearance_id = ?1",
            )?
            .query_map(params![appearance], |r| {
                Ok(AnchoringRow {
                    source: r.get(0)?,
                    state: r.get(1)?,
                    start: r.get(2)?,
                    end: r.get(3)?,
                    exact: r.get(4)?,
                    score: r.get(5)?,
                    seq: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Whether a document of this name exists.
    pub fn document_exists(&self, name: &str) -> Result<bool> {
        Ok(self
            .query_row(
                "SELECT 1 FROM documents WHERE name = ?1",
                params![name],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The next free id in `table` (for ids recorded in journal payloads).
    pub fn next_id(&self, table: IdTable) -> Result<i64> {
        let sql = match table {
            IdTable::Documents => "SELECT coalesce(max(id), 0) + 1 FROM documents",
            IdTable::Parties => "SELECT coalesce(max(id), 0) + 1 FROM parties",
            IdTable::Claims => "SELECT coalesce(max(number), 0) + 1 FROM claims",
            // Removed appearances keep their ids: the journal names them.
            IdTable::Appearances => {
                "SELECT max(coalesce((SELECT max(id) FROM appearances), 0),
                            coalesce((SELECT max(id) FROM removed_appearances), 0)) + 1"
            }
        };
        Ok(self.query_row(sql, [], |r| r.get(0))?)
    }

    /// The party a name (or alias) belongs to: (id, display name).
    pub fn party_by_name(&self, name: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .prepare_cached(
                "SELECT p.id, p.name FROM party_names n JOIN parties p ON p.id = n.party_id
                 WHERE n.key = ?1",
            )?
            .query_row(params![name_key(name)], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Every party with its names and how often it appears.
    pub fn parties(&self) -> Result<Vec<PartyRow>> {
        self.parties_where(None)
    }

    /// One party with its names and how often it appears.
    pub fn party(&self, id: i64) -> Result<Option<PartyRow>> {
        Ok(self.parties_where(Some(id))?.into_iter().next())
    }

    fn parties_where(&self, id: Option<i64>) -> Result<Vec<PartyRow>> {
        let mut stmt = self.prepare(
            "SELECT p.id, p.name, p.kind, p.description,
                (SELECT count(*) FROM claims c WHERE c.claimant_id = p.id),
                (SELECT count(DISTINCT claim_id) FROM claim_conduits v WHERE v.party_id = p.id),
                (SELECT count(*) FROM status_events e WHERE e.party_id = p.id)
             FROM parties p WHERE p.merged_into IS NULL AND (?1 IS NULL OR p.id = ?1)
             ORDER BY p.name COLLATE NOCASE, p.id",
        )?;
        let mut parties: Vec<PartyRow> = stmt
            .query_map(params![id], |r| {
                Ok(PartyRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    description: r.get(3)?,
                    aliases: Vec::new(),
                    claims: r.get(4)?,
                    relayed: r.get(5)?,
                    statuses: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut names = self.prepare(
            "SELECT n.name FROM party_names n JOIN parties p ON p.id = n.party_id
             WHERE n.party_id = ?1 AND n.name <> p.name ORDER BY n.rowid",
        )?;
        for party in &mut parties {
            party.aliases = names
                .query_map(params![party.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(parties)
    }

    /// What a party did: every claim it made, relayed, or gave a status to.
    pub fn party_roles(&self, party: i64) -> Result<Vec<PartyRole>> {
        Ok(self
            .prepare(
                "SELECT * FROM (
                    SELECT c.number, c.id, 'made' AS role, c.claimant_as AS typed, c.seq AS seq
                    FROM claims c WHERE c.claimant_id = ?1
                    UNION ALL
                    SELECT c.number, c.id, 'relayed', v.party_as, c.seq
                    FROM claim_conduits v JOIN claims c ON c.id = v.claim_id WHERE v.party_id = ?1
                    UNION ALL
                    SELECT c.number, c.id, s.label, e.party_as, e.seq
                    FROM status_events e JOIN claims c ON c.id = e.claim_id
                    JOIN statuses s ON s.name = e.status WHERE e.party_id = ?1
                 ) ORDER BY 1, seq",
            )?
            .query_map(params![party], |r| {
                Ok(PartyRole {
                    claim: r.get(1)?,
                    role: r.get(2)?,
                    as_typed: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Claims counted by claimant and status: (claimant, status name, count).
    pub fn claim_counts(&self, withdrawn: Withdrawn) -> Result<Vec<(String, String, i64)>> {
        Ok(self
            .prepare(&format!(
                "SELECT p.name, c.status, count(*) FROM claims c JOIN parties p ON p.id = c.claimant_id
                 WHERE 1 = 1{}
                 GROUP BY p.id, c.status ORDER BY p.name COLLATE NOCASE, c.status",
                withdrawn.condition()
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The vocabulary, built-ins first.
    pub fn statuses(&self) -> Result<Vec<Status>> {
        Ok(self
            .prepare("SELECT name, label, takes_party, rating, builtin FROM statuses ORDER BY builtin DESC, rowid")?
            .query_map([], |r| {
                Ok(Status {
                    name: r.get(0)?,
                    label: r.get(1)?,
                    takes_party: r.get(2)?,
                    rating: r.get(3)?,
                    builtin: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Finds a status by its name or its label, case-insensitively.
    pub fn status(&self, text: &str) -> Result<Status> {
        let wanted = text.trim().to_lowercase();
        let all = self.statuses()?;
        let known = all.iter().map(|s| s.name.clone()).collect();
        all.into_iter()
            .find(|s| s.name.to_lowercase() == wanted || s.label.to_lowercase() == wanted)
            .ok_or(Error::UnknownStatus {
                name: text.to_string(),
                known,
            })
    }

    /// A claim's own fields, or an error naming the id.
    pub fn claim(&self, number: i64, as_typed: &str) -> Result<ClaimCore> {
        let core = self
            .prepare_cached(
                "SELECT c.id, c.statement, p.name, p.id, c.said, c.status, s.label, bp.name, c.seq,
                    c.claimant_as, c.withdrawn_seq
                 FROM claims c JOIN parties p ON p.id = c.claimant_id
                 JOIN statuses s ON s.name = c.status
                 LEFT JOIN parties bp ON bp.id = c.status_party_id
                 WHERE c.number = ?1",
            )?
            .query_row(params![number], |r| {
                let label: String = r.get(6)?;
                let by: Option<String> = r.get(7)?;
                Ok(ClaimCore {
                    id: r.get(0)?,
                    statement: r.get(1)?,
                    claimant: r.get(2)?,
                    claimant_id: r.get(3)?,
                    claimant_as: r.get(9)?,
                    via: Vec::new(),
                    said: r.get(4)?,
                    status: r.get(5)?,
                    status_label: crate::status::phrase(&label, by.as_deref()),
                    seq: r.get(8)?,
                    withdrawn_seq: r.get(10)?,
                })
            })
            .optional()?;
        let mut core = core.ok_or_else(|| Error::UnknownClaim(as_typed.to_string()))?;
        core.via = self.conduits(&core.id)?;
        Ok(core)
    }

    fn conduits(&self, claim: &str) -> Result<Vec<String>> {
        Ok(self
            .prepare_cached(
                "SELECT p.name FROM claim_conduits v JOIN parties p ON p.id = v.party_id
                 WHERE v.claim_id = ?1 ORDER BY v.position",
            )?
            .query_map(params![claim], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A claim's appearances, in the order they were recorded.
    pub fn appearances(&self, claim: &str) -> Result<Vec<AppearanceRow>> {
        let sql = format!(
            "SELECT {APPEARANCE_COLUMNS} FROM appearances a WHERE a.claim_id = ?1 ORDER BY a.id"
        );
        Ok(self
            .prepare_cached(&sql)?
            .query_map(params![claim], appearance_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// One appearance by id.
    pub fn appearances_by_id(&self, id: i64) -> Result<Option<AppearanceRow>> {
        let sql = format!("SELECT {APPEARANCE_COLUMNS} FROM appearances a WHERE a.id = ?1");
        Ok(self
            .query_row(&sql, params![id], appearance_row)
            .optional()?)
    }

    /// Whether the claim already has an appearance at exactly this span.
    pub fn has_appearance(
        &self,
        claim: &str,
        source: &str,
        start: usize,
        end: usize,
    ) -> Result<bool> {
        Ok(self
            .query_row(
                "SELECT 1 FROM appearances WHERE claim_id = ?1 AND source = ?2 AND start = ?3 AND end = ?4",
                params![claim, source, start as i64, end as i64],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// A claim's status events, oldest first.
    pub fn status_history(&self, claim: &str) -> Result<Vec<StatusEventRow>> {
        Ok(self
            .prepare_cached(
                "SELECT e.status, s.label, p.name, e.party_as, e.evidence, e.evidence_exact,
                    e.evidence_start, e.evidence_end, e.note, e.time, e.actor, e.seq
                 FROM status_events e JOIN statuses s ON s.name = e.status
                 LEFT JOIN parties p ON p.id = e.party_id
                 WHERE e.claim_id = ?1 ORDER BY e.seq",
            )?
            .query_map(params![claim], |r| {
                let label: String = r.get(1)?;
                let by: Option<String> = r.get(2)?;
                Ok(StatusEventRow {
                    status: r.get(0)?,
                    label: crate::status::phrase(&label, by.as_deref()),
                    by,
                    by_as_typed: r.get(3)?,
                    evidence: r.get(4)?,
                    evidence_quote: r.get(5)?,
                    evidence_start: r.get(6)?,
                    evidence_end: r.get(7)?,
                    note: r.get(8)?,
                    time: r.get(9)?,
                    actor: r.get(10)?,
                    seq: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A value from the ledger's meta table.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }
}

/// Tables whose ids the ledger assigns and the journal records.
#[derive(Debug, Clone, Copy)]
pub enum IdTable {
    /// Documents.
    Documents,
    /// Parties.
    Parties,
    /// Claims (their number).
    Claims,
    /// Appearances.
    Appearances,
}

/// A party in brief, for exports: id, display name, kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyBrief {
    /// Its id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: String,
}

fn party_brief(r: &Row) -> rusqlite::Result<PartyBrief> {
    Ok(PartyBrief {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
    })
}

// Reads for the exports (src/ledger/export.rs) and bundles (src/ledger/bundle.rs).
impl Tx<'_> {
    /// A party's id, display name and kind.
    pub fn party_brief(&self, id: i64) -> Result<Option<PartyBrief>> {
        Ok(self
            .prepare_cached("SELECT id, name, kind FROM parties WHERE id = ?1")?
            .query_row(params![id], party_brief)
            .optional()?)
    }

    /// A claim's conduits, outermost last.
    pub fn conduit_parties(&self, claim: &str) -> Result<Vec<PartyBrief>> {
        Ok(self
            .prepare_cached(
                "SELECT p.id, p.name, p.kind FROM claim_conduits v JOIN parties p ON p.id = v.party_id
                 WHERE v.claim_id = ?1 ORDER BY v.position",
            )?
            .query_map(params![claim], party_brief)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The party each of a claim's status events names, by the event's journal entry.
    pub fn status_parties(&self, claim: &str) -> Result<Vec<(i64, PartyBrief)>> {
        Ok(self
            .prepare_cached(
                "SELECT e.seq, p.id, p.name, p.kind FROM status_events e
                 JOIN parties p ON p.id = e.party_id WHERE e.claim_id = ?1 ORDER BY e.seq",
            )?
            .query_map(params![claim], |r| {
                Ok((
                    r.get(0)?,
                    PartyBrief {
                        id: r.get(1)?,
                        name: r.get(2)?,
                        kind: r.get(3)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Whether bytes named `sha256` are stored.
    pub fn has_blob(&self, sha256: &str) -> Result<bool> {
        Ok(self
            .prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?1")?
            .query_row(params![sha256], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The names (SHA-256) of every stored blob, in order.
    pub fn blob_names(&self) -> Result<Vec<String>> {
        Ok(self
            .prepare("SELECT sha256 FROM blobs ORDER BY sha256")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }
}
