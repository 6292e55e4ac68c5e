//! Gathering what the exports and the report say about claims: plain records
//! ([`crate::export`]) read in one snapshot of the ledger.

use super::*;
use crate::anchor::Text;
use crate::claim;
use crate::error::{Error, Result};
use crate::export::{
    AppearanceRecord, CheckpointRecord, ClaimRecord, EntryRecord, LedgerRecord, PartyRecord,
    SourceRecord, StatusRecord,
};
use crate::store::Tx;
use crate::store::queries::{PartyBrief, SourceRow};

/// Code points of context either side of a quote in the report's passage.
const PASSAGE: usize = 160;

/// Which claims an export covers.
#[derive(Debug, Clone)]
pub enum Selection {
    /// These claims, in this order.
    Ids(Vec<String>),
    /// The claims the status table shows for this query.
    Matching(ListQuery),
}

impl Ledger {
    /// The records of the selected claims, and of the ledger itself.
    pub fn export_records(
        &mut self,
        selection: &Selection,
    ) -> Result<(LedgerRecord, Vec<ClaimRecord>)> {
        let tx = self.store.begin_read()?;
        let ids: Vec<String> = match selection {
            Selection::Ids(ids) => {
                let mut out: Vec<String> = Vec::new();
                for id in ids {
                    let core = tx.claim(claim::parse_id(id)?, id)?;
                    // A withdrawn claim was logged by mistake: it is not published,
                    // not even when named.
                    if core.withdrawn_seq.is_some() {
                        return Err(Error::ClaimWithdrawn {
                            claim: core.id,
                            action: "export or report",
                        });
                    }
                    if !out.contains(&core.id) {
                        out.push(core.id);
                    }
                }
                out
            }
            Selection::Matching(query) => {
                let filter = tables::resolve_filter(&tx, query)?;
                tx.claims(&filter)?.into_iter().map(|c| c.id).collect()
            }
        };
        let ledger = LedgerRecord {
            origin: tx.meta("origin")?.unwrap_or_default(),
            size: tx.journal_size()?,
        };
        let ratings: Vec<crate::status::Status> = tx.statuses()?;
        let checkpoint = crate::store::merkle::latest_checkpoint(&tx)?.map(|c| CheckpointRecord {
            note: c.note,
            size: c.size,
            root: c.root,
        });
        let mut texts = TextCache::default();
        let mut claims = Vec::with_capacity(ids.len());
        for id in ids {
            claims.push(claim_record(
                &tx,
                &id,
                &ratings,
                checkpoint.as_ref(),
                &mut texts,
            )?);
        }
        Ok((ledger, claims))
    }
}

/// Source texts already read, so that a source quoted by many claims is read once.
#[derive(Default)]
struct TextCache {
    texts: Vec<(String, String)>,
}

impl TextCache {
    fn get(&mut self, tx: &Tx, sha256: &str) -> Result<&str> {
        if let Some(i) = self.texts.iter().position(|(s, _)| s == sha256) {
            return Ok(&self.texts[i].1);
        }
        let text = match tx.derived_text(sha256)? {
            Some((_, derived)) => derived, // a web page: the text a reader sees
            None => {
                let bytes = tx
                    .blob_bytes(sha256)?
                    .ok_or_else(|| Error::UnknownSource(sha256.to_string()))?;
                String::from_utf8(bytes).unwrap_or_default()
            }
        };
        self.texts.push((sha256.to_string(), text));
        Ok(&self.texts.last().expect("just pushed").1)
    }
}

fn party(p: PartyBrief) -> PartyRecord {
    PartyRecord {
        id: p.id,
        name: p.name,
        kind: p.kind,
    }
}

fn source(s: SourceRow) -> SourceRecord {
    SourceRecord {
        sha256: s.sha256,
        size: s.bytes,
        media_type: s.media_type,
        document: s.document,
        version: s.version,
        captured_at: s.captured_at,
        url: s.url,
        title: s.title,
        publisher: s.publisher,
        author: s.author,
        published: s.published,
        seq: s.seq,
    }
}

fn source_record(tx: &Tx, sha256: &str) -> Result<SourceRecord> {
    tx.source(sha256)?
        .map(source)
        .ok_or_else(|| Error::UnknownSource(sha256.to_string()))
}

fn claim_record(
    tx: &Tx,
    id: &str,
    ratings: &[crate::status::Status],
    checkpoint: Option<&CheckpointRecord>,
    texts: &mut TextCache,
) -> Result<ClaimRecord> {
    let core = tx.claim(claim::parse_id(id)?, id)?;
    let claimant = tx
        .party_brief(core.claimant_id)?
        .ok_or_else(|| Error::UnknownParty(core.claimant.clone()))?;
    let via = tx
        .conduit_parties(&core.id)?
        .into_iter()
        .map(party)
        .collect();
    let entries: Vec<EntryRecord> = tx
        .entries_at(&tx.claim_entry_seqs(&core.id)?)?
        .into_iter()
        .map(|(e, hash)| EntryRecord {
            seq: e.seq,
            kind: e.event.kind().to_string(),
            time: e.time.clone(),
            actor: e.actor.clone(),
            summary: e.event.summary(),
            hash,
        })
        .collect();
    let entry = |seq: i64| entries.iter().find(|e| e.seq == seq);
    let mut appearances = Vec::new();
    for a in tx.appearances(&core.id)? {
        let src = source_record(tx, &a.source)?;
        let text = Text::new(texts.get(tx, &a.source)?);
        let (start, end) = (a.start as usize, a.end as usize);
        let utf16 = |cp: usize| text.slice(0, cp).encode_utf16().count() as i64;
        let before_from = start.saturating_sub(PASSAGE);
        let total = text.as_str().chars().count();
        let after_to = (end + PASSAGE).min(total);
        let context = (
            word_cut_front(text.slice(before_from, start), before_from > 0),
            word_cut_back(text.slice(end, after_to), after_to < total),
        );
        let (time, actor) = entry(a.seq)
            .map(|e| (e.time.clone(), e.actor.clone()))
            .unwrap_or_default();
        appearances.push(AppearanceRecord {
            id: a.id,
            source: src,
            start: a.start,
            end: a.end,
            start_utf16: utf16(start),
            end_utf16: utf16(end),
            exact: a.exact,
            prefix: a.prefix,
            suffix: a.suffix,
            context,
            seq: a.seq,
            time,
            actor,
        });
    }
    let parties = tx.status_parties(&core.id)?;
    let mut history = Vec::new();
    for e in tx.status_history(&core.id)? {
        let status = ratings.iter().find(|s| s.name == e.status);
        history.push(StatusRecord {
            rating: status
                .and_then(|s| s.rating.clone())
                .or_else(|| status.map(|s| s.label.clone()))
                .unwrap_or_else(|| e.status.clone()),
            status: e.status,
            phrase: e.label,
            by: parties
                .iter()
                .find(|(seq, _)| *seq == e.seq)
                .map(|(_, p)| party(p.clone())),
            evidence: e
                .evidence
                .as_deref()
                .map(|s| source_record(tx, s))
                .transpose()?,
            evidence_quote: e.evidence_quote,
            note: e.note,
            time: e.time,
            actor: e.actor,
            seq: e.seq,
        });
    }
    let (recorded, actor) = entry(core.seq)
        .map(|e| (e.time.clone(), e.actor.clone()))
        .unwrap_or_default();
    Ok(ClaimRecord {
        id: core.id,
        statement: core.statement,
        claimant: party(claimant),
        via,
        said: core.said,
        recorded,
        actor,
        seq: core.seq,
        status_phrase: core.status_label,
        status: core.status,
        appearances,
        history,
        entries,
        checkpoint: checkpoint.cloned(),
    })
}

/// The passage before a quote, starting at a word when it was cut.
fn word_cut_front(text: &str, cut: bool) -> String {
    let text = if cut {
        text.find(char::is_whitespace)
            .map_or(text, |i| &text[i..])
            .trim_start()
    } else {
        text
    };
    text.to_string()
}

/// The passage after a quote, ending at a word when it was cut.
fn word_cut_back(text: &str, cut: bool) -> String {
    let text = if cut {
        text.rfind(char::is_whitespace)
            .map_or(text, |i| &text[..i])
            .trim_end()
    } else {
        text
    };
    text.to_string()
}
