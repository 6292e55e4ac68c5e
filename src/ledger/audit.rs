//! Audit and log: a claim's provenance end to end, and the journal itself.

use serde::Serialize;

use super::*;
use crate::anchor::Text;
use crate::claim;
use crate::error::{Error, Result};
use crate::journal::Entry;
use crate::source;
use crate::store::corrections::RemovedAppearanceRow;
use crate::store::queries::{AppearanceRow, ClaimCore, SourceRow, StatusEventRow};

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
    /// Appearances taken back with `claim uncite`.
    pub removed_appearances: Vec<RemovedAppearanceRow>,
    /// Status events, oldest first.
    pub history: Vec<StatusEventRow>,
    /// Corrections (amended, withdrawn, restored, uncited, unmerged), oldest first.
    pub corrections: Vec<super::CorrectionOut>,
    /// The journal entries behind all of it.
    pub entries: Vec<AuditEntry>,
    /// For an imported claim: the file, row and column it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported: Option<crate::store::imports::ImportRow>,
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
    /// Where the quote sits in a web page's markup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markup: Option<crate::extract::html::MarkupRange>,
    /// The page of a PDF the quote starts on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
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

impl Ledger {
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
            let derived = tx.derived_text(&a.source)?;
            let pdf = source_info.media_type == "application/pdf";
            let markup = match (&derived, &bytes) {
                (Some(_), Some(b)) if !pdf => {
                    crate::extract::markup_of(&source_info.media_type, b, a.start, a.end)
                }
                _ => None,
            };
            let page = match &derived {
                Some((_, t)) if pdf => Some(crate::extract::pdf::page_of(t, a.start as usize)),
                _ => None,
            };
            let text = match derived {
                Some((_, derived)) => derived, // a web page: the text a reader sees
                None => bytes
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_default(),
            };
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
                markup,
                page,
            });
        }
        let history = tx.status_history(&core.id)?;
        let removed_appearances = tx.removed_appearances(&core.id)?;
        let checkpoint = crate::store::merkle::latest_checkpoint(&tx)?;
        // Its own entries, its corrections, and the appearances it no longer has.
        let all = tx.entries_at(&tx.claim_record_seqs(&core.id)?)?;
        let own: Vec<Entry> = all
            .iter()
            .filter(|(e, _)| {
                e.seq == core.seq
                    || matches!(
                        e.event,
                        crate::journal::Event::ClaimAmend { .. }
                            | crate::journal::Event::ClaimWithdraw { .. }
                            | crate::journal::Event::ClaimRestore { .. }
                            | crate::journal::Event::ClaimUncite { .. }
                            | crate::journal::Event::PartyUnmerge { .. }
                    )
            })
            .map(|(e, _)| e.clone())
            .collect();
        let corrections = super::corrections::history(&tx, &own)?;
        let entries = all
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
        let imported = tx.claim_import(&core.id)?;
        Ok(Audit {
            imported,
            claim: core,
            appearances,
            versions,
            removed_appearances,
            history,
            corrections,
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
