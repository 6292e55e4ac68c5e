//! Gathering what the exports and the report say about claims: plain records
//! ([`crate::export`]) read in one snapshot of the ledger.

use super::*;
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
    /// The records of the selected claims, read one claim at a time (memory stays flat in
    /// the number of claims) from one snapshot of the ledger, and the ledger's own record.
    /// Named claims are checked first: an unknown or withdrawn one is an error before any
    /// record is read.
    pub fn export_records(&mut self, selection: &Selection) -> Result<ExportRecords<'_>> {
        let tx = self.store.begin_read()?;
        let numbers: Vec<i64> = match selection {
            Selection::Ids(ids) => {
                let mut seen = std::collections::HashSet::new();
                let mut out = Vec::new();
                for id in ids {
                    let number = claim::parse_id(id)?;
                    let core = tx.claim(number, id)?;
                    // A withdrawn claim was logged by mistake: it is not published,
                    // not even when named.
                    if core.withdrawn_seq.is_some() {
                        return Err(Error::ClaimWithdrawn {
                            claim: core.id,
                            action: "export or report",
                        });
                    }
                    if seen.insert(number) {
                        out.push(number);
                    }
                }
                out
            }
            Selection::Matching(query) => {
                let filter = tables::resolve_filter(&tx, query)?;
                let mut out = Vec::new();
                tx.claims_each(&filter, |row| {
                    out.push(claim::parse_id(&row.id)?);
                    Ok(())
                })?;
                out
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
        Ok(ExportRecords {
            tx,
            ledger,
            count: numbers.len(),
            numbers: numbers.into_iter(),
            ratings,
            checkpoint,
            texts: TextCache::default(),
            sources: SourceCache::default(),
        })
    }
}

/// The records of an export's claims, in order, each read when it is asked for: an
/// iterator of [`ClaimRecord`]s over one read transaction. Only the claims' numbers are
/// held (8 bytes a claim) and the texts of recently quoted sources ([`TextCache`]).
pub struct ExportRecords<'l> {
    tx: Tx<'l>,
    /// The ledger as a whole.
    pub ledger: LedgerRecord,
    count: usize,
    numbers: std::vec::IntoIter<i64>,
    ratings: Vec<crate::status::Status>,
    checkpoint: Option<CheckpointRecord>,
    texts: TextCache,
    sources: SourceCache,
}

impl ExportRecords<'_> {
    /// How many claims the export covers.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether it covers none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The latest checkpoint, if any (the same for every claim).
    pub fn checkpoint(&self) -> Option<&CheckpointRecord> {
        self.checkpoint.as_ref()
    }
}

impl Iterator for ExportRecords<'_> {
    type Item = Result<ClaimRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        let number = self.numbers.next()?;
        Some(claim_record(
            &self.tx,
            &claim::id(number),
            &self.ratings,
            self.checkpoint.as_ref(),
            &mut self.texts,
            &mut self.sources,
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.numbers.size_hint()
    }
}

/// Most source records [`SourceCache`] keeps before it starts afresh.
const SOURCE_CACHE_RECORDS: usize = 4096;

/// Source records already read: most claims quote a source others quote too, and reading
/// one counts its appearances (which an export does not show), so each is read once.
#[derive(Default)]
struct SourceCache {
    sources: std::collections::HashMap<String, SourceRecord>,
}

impl SourceCache {
    fn get(&mut self, tx: &Tx, sha256: &str) -> Result<SourceRecord> {
        if let Some(s) = self.sources.get(sha256) {
            return Ok(s.clone());
        }
        let s = source_record(tx, sha256)?;
        if self.sources.len() >= SOURCE_CACHE_RECORDS {
            self.sources.clear();
        }
        self.sources.insert(sha256.to_string(), s.clone());
        Ok(s)
    }
}

/// Most bytes of source text (and its marks) [`TextCache`] keeps.
const TEXT_CACHE_BYTES: usize = 64 << 20;

/// Source texts already read, so that a source quoted by many claims is read (and indexed)
/// once; bounded by [`TEXT_CACHE_BYTES`], so that an export of claims quoting thousands of
/// long sources does not hold them all (past it, texts are dropped one by one).
#[derive(Default)]
struct TextCache {
    texts: std::collections::HashMap<String, Positions>,
    bytes: usize,
}

impl TextCache {
    fn get(&mut self, tx: &Tx, sha256: &str) -> Result<&Positions> {
        if !self.texts.contains_key(sha256) {
            let text = match tx.derived_text(sha256)? {
                Some((_, derived)) => derived, // a web page: the text a reader sees
                None => {
                    let bytes = tx
                        .blob_bytes(sha256)?
                        .ok_or_else(|| Error::UnknownSource(sha256.to_string()))?;
                    String::from_utf8(bytes).unwrap_or_default()
                }
            };
            // Over budget, some other texts make room (whichever the map gives first):
            // dropping them all would read a whole working set of sources again.
            let size = Positions::size_of(&text);
            while self.bytes + size > TEXT_CACHE_BYTES {
                let Some(other) = self.texts.keys().next().cloned() else {
                    break;
                };
                if let Some(p) = self.texts.remove(&other) {
                    self.bytes -= Positions::size_of(&p.text);
                }
            }
            self.bytes += size;
            self.texts.insert(sha256.to_string(), Positions::new(text));
        }
        Ok(&self.texts[sha256])
    }
}

/// Code points between two marks of [`Positions`].
const MARK_EVERY: usize = 256;

/// A source text with marks every [`MARK_EVERY`] code points (byte offset, UTF-16 offset),
/// so that a code point offset becomes a byte or UTF-16 offset in at most that many steps
/// instead of a scan from the start: a long source quoted by many claims is scanned once.
struct Positions {
    text: String,
    marks: Vec<(usize, usize)>,
    chars: usize,
}

impl Positions {
    fn new(text: String) -> Self {
        let mut marks = Vec::with_capacity(text.len() / MARK_EVERY + 1);
        let (mut chars, mut utf16) = (0, 0);
        for (byte, c) in text.char_indices() {
            if chars % MARK_EVERY == 0 {
                marks.push((byte, utf16));
            }
            chars += 1;
            utf16 += c.len_utf16();
        }
        marks.push((text.len(), utf16));
        Positions { text, marks, chars }
    }

    /// About how many bytes the positions of `text` take: the text and its marks.
    fn size_of(text: &str) -> usize {
        text.len() + (text.len() / MARK_EVERY + 1) * std::mem::size_of::<(usize, usize)>()
    }

    /// The byte and UTF-16 offsets of code point `cp` (the end, past the last).
    fn at(&self, cp: usize) -> (usize, usize) {
        if cp >= self.chars {
            return *self.marks.last().expect("a mark at the end");
        }
        let (mut byte, mut utf16) = self.marks[cp / MARK_EVERY];
        for c in self.text[byte..].chars().take(cp % MARK_EVERY) {
            byte += c.len_utf8();
            utf16 += c.len_utf16();
        }
        (byte, utf16)
    }

    /// The text between two code point offsets.
    fn slice(&self, from: usize, to: usize) -> &str {
        &self.text[self.at(from).0..self.at(to.max(from)).0]
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
    sources: &mut SourceCache,
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
        let src = sources.get(tx, &a.source)?;
        let text = texts.get(tx, &a.source)?;
        let (start, end) = (a.start as usize, a.end as usize);
        let utf16 = |cp: usize| text.at(cp).1 as i64;
        let before_from = start.saturating_sub(PASSAGE);
        let total = text.chars;
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
                .map(|s| sources.get(tx, s))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_agree_with_counting_from_the_start() {
        // ASCII, two-byte, three-byte and astral (two UTF-16 units) characters, past
        // several marks.
        let text: String = "aé€🇰x".repeat(MARK_EVERY / 2 + 7);
        let p = Positions::new(text.clone());
        let total = text.chars().count();
        assert_eq!(p.chars, total);
        for cp in (0..=total + 2)
            .step_by(3)
            .chain([MARK_EVERY, MARK_EVERY - 1, total])
        {
            let prefix: String = text.chars().take(cp).collect();
            assert_eq!(
                p.at(cp),
                (prefix.len(), prefix.encode_utf16().count()),
                "code point {cp}"
            );
        }
        let slice: String = text.chars().skip(250).take(20).collect();
        assert_eq!(p.slice(250, 270), slice);
        assert_eq!(p.slice(270, 250), "");
    }
}
