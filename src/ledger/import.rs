//! Import: claims from a tracking sheet (CSV/TSV) or a ClaimReview feed.
//!
//! **One transaction for the whole import: all or nothing.** The file is stored as a
//! source (the same code path as `source add`), then read twice: the first pass maps and
//! checks every row (cells, dates, statuses, duplicate ids) and writes nothing; only if
//! every row is good does the second pass append the claims. A refused, failed or killed
//! import leaves the ledger exactly as it was; there are no batches to resume.
//!
//! **Idempotent.** A file whose bytes were imported before writes nothing. A row whose
//! external id (`id` column; a ClaimReview's `@id` or URL) was imported before, from any
//! file, is skipped, so a sheet that grew since the last import brings in only its new
//! rows.
//!
//! **Memory.** The file's text is held once; CSV rows are parsed one at a time, in each
//! pass, and nothing per row is kept but a hash of its id (to find duplicates). Feeds are
//! small and read at once.
//!
//! Every journal append goes through [`Appender`], the one place to switch to a bulk path.

mod vocabulary;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::parties::party_with_kind;
use super::sources::{open_input, store_source};
use super::*;
use crate::anchor::anchor_between;
use crate::claim;
use crate::error::{Error, Result};
use crate::import::csv::{Dialect, Quoting, Rows};
use crate::import::mapping::{Columns, Options as MapOptions};
use crate::import::{Item, Problem, claimreview};
use crate::journal::{AppearanceRecord, Event, Imported, PartyRef};
use crate::party::{PartyKind, name_key};
use crate::store::Tx;
use crate::store::queries::IdTable;
use vocabulary::Vocabulary;

/// The page cache an import may use, in MiB (beside the file's text, held once).
const IMPORT_CACHE_MIB: i64 = 64;

/// At most this many problems are listed (all are counted).
pub const MAX_PROBLEMS: usize = 1000;

/// What kind of file, and how to read it.
#[derive(Debug, Clone)]
pub enum ImportFormat {
    /// A sheet.
    Csv {
        /// The cell delimiter (None: tab for a `.tsv` file, else comma).
        delimiter: Option<u8>,
        /// How cells are quoted.
        quoting: Quoting,
        /// Which columns hold what.
        mapping: MapOptions,
    },
    /// A ClaimReview feed or page.
    ClaimReview,
}

/// What an import does besides reading the file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `--status-map VALUE=STATUS`.
    pub status_map: Vec<(String, String)>,
    /// Define statuses the ledger does not know instead of refusing.
    pub define_statuses: bool,
    /// Check and count everything, write nothing.
    pub dry_run: bool,
    /// The claimant of rows or items that name none.
    pub claimant_default: Option<String>,
}

/// A status word the ledger does not know.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownStatus {
    /// As written.
    pub value: String,
    /// How many rows give it.
    pub count: u64,
    /// The first row that does.
    pub first_row: u64,
    /// Its column.
    pub column: String,
}

/// What an import did (or, with errors or a dry run, would have done: then nothing was
/// written).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// The imported file as a source version (its SHA-256).
    pub source: String,
    /// Its document and version (`tracker@1`), empty when nothing was written.
    pub document: String,
    /// The rows (or items) read, blank lines not counted.
    pub rows: u64,
    /// Claims recorded (with a dry run or errors: that would have been).
    pub imported: u64,
    /// Rows skipped because their id was imported before.
    pub skipped: u64,
    /// What is wrong, row by row (at most [`MAX_PROBLEMS`]); not empty means nothing was
    /// written.
    pub errors: Vec<Problem>,
    /// How many problems there were in all.
    pub error_count: u64,
    /// Status words the ledger does not know.
    pub unknown_statuses: Vec<UnknownStatus>,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Whether the file's bytes were imported before (nothing was written).
    pub already_imported: bool,
    /// Claims by status (as they would read after the import).
    pub by_status: BTreeMap<String, u64>,
    /// Claims by claimant (as the file names them).
    pub by_claimant: BTreeMap<String, u64>,
    /// The first and last claim ids recorded.
    pub first: Option<String>,
    /// The last claim id recorded.
    pub last: Option<String>,
    /// Parties named for the first time.
    pub new_parties: Vec<String>,
    /// Statuses defined by `--define-statuses`.
    pub new_statuses: Vec<String>,
    /// Notes on how the file was read.
    pub warnings: Vec<String>,
}

impl ImportReport {
    fn problem(&mut self, p: Problem) {
        self.error_count += 1;
        if self.errors.len() < MAX_PROBLEMS {
            self.errors.push(p);
        }
    }
}

/// The rows of a file, readable any number of times.
enum Items<'t> {
    Csv {
        text: &'t str,
        dialect: Dialect,
        columns: Columns,
        header: bool,
    },
    Feed(claimreview::Feed),
}

impl Items<'_> {
    /// Calls `f` with each row's claim (None: a blank row), or its problems, and how far into
    /// the file it is.
    fn each(
        &self,
        mut f: impl FnMut(Result<Option<&Item>, Vec<Problem>>, usize) -> Result<()>,
    ) -> Result<()> {
        match self {
            Items::Csv {
                text,
                dialect,
                columns,
                header,
            } => {
                let mut rows = Rows::new(text, *dialect);
                if *header {
                    rows.next();
                }
                let pad = dialect.quoting == Quoting::None;
                while let Some(row) = rows.next() {
                    let at = rows.position();
                    match row
                        .map_err(|p| vec![p])
                        .and_then(|r| columns.item(text, &r, pad))
                    {
                        Ok(Some(item)) => f(Ok(Some(&item)), at)?,
                        Ok(None) => f(Ok(None), at)?,
                        Err(p) => f(Err(p), at)?,
                    }
                }
                Ok(())
            }
            Items::Feed(feed) => {
                for item in &feed.items {
                    f(Ok(Some(item)), item.cell.end)?;
                }
                Ok(())
            }
        }
    }
}

/// The one place an import appends journal entries.
struct Appender<'a, 't> {
    tx: &'a Tx<'t>,
    time: String,
    actor: String,
}

impl Appender<'_, '_> {
    fn append(&mut self, event: Event) -> Result<()> {
        self.tx.append(&self.time, &self.actor, event)?;
        Ok(())
    }
}

fn id_hash(id: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Walks a text once, turning increasing byte offsets into code-point offsets.
struct Cursor {
    byte: usize,
    cp: usize,
}

impl Cursor {
    fn code_point(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            (self.byte, self.cp) = (0, 0);
        }
        self.cp += text[self.byte..byte].chars().count();
        self.byte = byte;
        self.cp
    }
}

impl Ledger {
    /// Imports the claims of a sheet or feed, in one transaction. Problems with the file
    /// come back in the report's `errors` (with nothing written); errors of the ledger or
    /// the command (a bad `--map`, an unreadable file) are errors. `progress` is called with
    /// (bytes done, bytes in all) as rows are recorded.
    pub fn import(
        &mut self,
        input: Input<'_>,
        format: ImportFormat,
        options: ImportOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportReport> {
        let tsv = match &input {
            Input::File(p) | Input::Reader(_, p) => p
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab")),
        };
        let (reader, path, origin) = open_input(input)?;
        let path = path.to_path_buf();
        let actor = self.actor.clone();
        let tx = self.store.begin_write()?;
        let added = store_source(
            &tx,
            &actor,
            reader,
            &path,
            origin,
            dates::now(),
            NewSource {
                raw_text: true,
                ..NewSource::default()
            },
        )?;
        let time = dates::now();
        let mut report = ImportReport {
            source: added.sha256.clone(),
            dry_run: options.dry_run,
            ..Default::default()
        };
        if !added.new && tx.imported_from(&added.sha256)? > 0 {
            report.already_imported = true;
            return Ok(report);
        }
        if !added.is_text {
            return Err(Error::ImportNotText {
                path,
                media_type: added.media_type,
            });
        }
        let bytes = tx
            .blob_bytes(&added.sha256)?
            .ok_or_else(|| Error::UnknownSource(added.sha256.clone()))?;
        let text = String::from_utf8(bytes).map_err(|_| Error::ImportNotText {
            path: path.clone(),
            media_type: added.media_type.clone(),
        })?;
        let items = match format {
            ImportFormat::Csv {
                delimiter,
                quoting,
                mut mapping,
            } => {
                let dialect = Dialect {
                    delimiter: delimiter.unwrap_or(if tsv { b'\t' } else { b',' }),
                    quoting,
                };
                mapping.claimant_default = options.claimant_default.clone();
                let first = Rows::new(&text, dialect).next();
                let (header, width) = match &first {
                    None => return Err(Error::ImportMapping("the file has no rows".into())),
                    Some(Err(p)) => {
                        report.problem(p.clone());
                        return Ok(report);
                    }
                    Some(Ok(row)) => {
                        let names: Vec<String> = row
                            .cells
                            .iter()
                            .map(|c| c.value(&text).into_owned())
                            .collect();
                        (mapping.header.then_some(names), row.cells.len())
                    }
                };
                let columns = Columns::resolve(header.as_deref(), width, &mapping)
                    .map_err(Error::ImportMapping)?;
                Items::Csv {
                    text: &text,
                    dialect,
                    columns,
                    header: mapping.header,
                }
            }
            ImportFormat::ClaimReview => {
                let feed = claimreview::read(&text, options.claimant_default.as_deref());
                for p in &feed.problems {
                    report.problem(p.clone());
                }
                report.warnings = feed.warnings.clone();
                Items::Feed(feed)
            }
        };

        // Pass 1: map and check every row, writing nothing.
        let mut vocabulary = Vocabulary::new(&tx, &options.status_map)?;
        let mut unknown: Vec<UnknownStatus> = Vec::new();
        let mut ids: HashMap<u64, u64> = HashMap::new();
        // The rows whose id was imported before: pass 2 skips them without asking again
        // (with the bulk path's deferred indexes, asking would scan the table per row).
        let mut seen_before: std::collections::HashSet<u64> = Default::default();
        items.each(|item, _| {
            let item = match item {
                Ok(None) => return Ok(()),
                Ok(Some(item)) => item,
                Err(problems) => {
                    report.rows += 1;
                    for p in problems {
                        report.problem(p);
                    }
                    return Ok(());
                }
            };
            report.rows += 1;
            if let Some(id) = &item.id {
                if tx.claim_by_external_id(id)?.is_some() {
                    report.skipped += 1;
                    seen_before.insert(item.row);
                    return Ok(());
                }
                if let Some(first) = ids.insert(id_hash(id), item.row) {
                    report.problem(Problem::cell(
                        item.row,
                        "id",
                        format!("the id {id:?} was given to row {first} already; give each claim its own id"),
                    ));
                }
            }
            if let Some(v) = item.via.iter().find(|v| name_key(v) == name_key(&item.claimant)) {
                report.problem(Problem::row(
                    item.row,
                    format!("the claimant {v:?} is also named as a conduit: a claim does not reach the page through its own claimant"),
                ));
            }
            let mut label = crate::status::DEFAULT_STATUS.to_string();
            for s in &item.statuses {
                match vocabulary.find(&s.value) {
                    Some(status) => {
                        if status.takes_party && s.by.is_none() {
                            report.problem(Problem::cell(
                                item.row,
                                &s.column,
                                format!("the status {} needs a party (\"denied by …\"): fill in the `by` column", status.name),
                            ));
                        }
                        label = status.name.clone();
                    }
                    None => match unknown.iter_mut().find(|u| u.value.to_lowercase() == s.value.to_lowercase()) {
                        Some(u) => u.count += 1,
                        None => unknown.push(UnknownStatus {
                            value: s.value.clone(),
                            count: 1,
                            first_row: item.row,
                            column: s.column.clone(),
                        }),
                    },
                }
                if vocabulary.find(&s.value).is_none() {
                    label = s.value.clone();
                }
            }
            report.imported += 1;
            *report.by_status.entry(label).or_default() += 1;
            *report.by_claimant.entry(item.claimant.clone()).or_default() += 1;
            Ok(())
        })?;
        drop(ids);
        if !options.define_statuses {
            for u in &unknown {
                report.problem(Problem::cell(
                    u.first_row,
                    &u.column,
                    format!(
                        "the status {:?} ({} row{}) is not one the ledger knows",
                        u.value,
                        u.count,
                        if u.count == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
        report.unknown_statuses = unknown;
        // Nothing to write (or not allowed to): the transaction is dropped, so not even the
        // file is stored.
        if report.error_count > 0 || options.dry_run || report.imported == 0 {
            return Ok(report);
        }

        // Pass 2: record every claim.
        tx.widen_cache(IMPORT_CACHE_MIB)?;
        tx.expect_bulk(report.imported)?;
        let mut out = Appender {
            tx: &tx,
            time,
            actor,
        };
        for u in &report.unknown_statuses {
            let event = vocabulary.define(&u.value);
            if let Event::StatusDefine { name, .. } = &event {
                report.new_statuses.push(name.clone());
            }
            out.append(event)?;
        }
        let mut parties: HashMap<String, PartyRef> = HashMap::new();
        let mut created = Vec::new();
        let mut party =
            |name: &str, kind: Option<PartyKind>, out: &mut Appender| -> Result<PartyRef> {
                if let Some(p) = parties.get(name) {
                    return Ok(p.clone());
                }
                let p = party_with_kind(out.tx, &out.time, &out.actor, name, kind, &mut created)?;
                parties.insert(name.to_string(), p.clone());
                Ok(p)
            };
        let mut number = tx.next_id(IdTable::Claims)?;
        let mut appearance_id = tx.next_id(IdTable::Appearances)?;
        let mut cursor = Cursor { byte: 0, cp: 0 };
        let total = text.len() as u64;
        let mut done = 0u64;
        items.each(|item, at| {
            let Ok(Some(item)) = item else { return Ok(()) };
            if seen_before.contains(&item.row) {
                return Ok(());
            }
            let claimant = party(&item.claimant, item.claimant_kind, &mut out)?;
            let mut via = Vec::new();
            for v in &item.via {
                let p = party(v, None, &mut out)?;
                if p.id == claimant.id {
                    return Err(Error::ClaimantIsConduit(v.clone()));
                }
                via.push(p);
            }
            let start = cursor.code_point(&text, item.cell.start);
            let anchor = anchor_between(&text, item.cell.start, item.cell.end, start);
            let id = claim::id(number);
            number += 1;
            let appearance = AppearanceRecord {
                id: appearance_id,
                source: added.sha256.clone(),
                quote: anchor.exact.clone(),
                anchor,
            };
            appearance_id += 1;
            out.append(Event::ClaimAdd {
                id: id.clone(),
                statement: item.statement.clone(),
                claimant,
                via,
                said: item.said.clone(),
                appearance,
                imported: Some(Imported {
                    format: match items {
                        Items::Csv { .. } => "csv",
                        Items::Feed(_) => "claimreview",
                    }
                    .to_string(),
                    row: item.row,
                    column: item.column.clone(),
                    id: item.id.clone(),
                    url: item.url.clone(),
                    record: item.record.clone(),
                }),
            })?;
            for s in &item.statuses {
                let status = vocabulary
                    .find(&s.value)
                    .expect("checked in the first pass")
                    .name
                    .clone();
                let by =
                    s.by.as_deref()
                        .map(|b| party(b, s.by_kind, &mut out))
                        .transpose()?;
                out.append(Event::StatusSet {
                    claim: id.clone(),
                    status,
                    by,
                    evidence: None,
                    note: s.note.clone(),
                })?;
            }
            report.first.get_or_insert_with(|| id.clone());
            report.last = Some(id);
            done += 1;
            if done.is_multiple_of(1024) {
                progress(at as u64, total);
            }
            Ok(())
        })?;
        progress(total, total);
        report.new_parties = created;
        report.document = format!("{}@{}", added.document, added.version);
        // The file's text is not needed to commit: memory peaks at commit (the bulk path
        // builds its indexes then), so it goes first.
        drop(items);
        drop(text);
        tx.commit()?;
        Ok(report)
    }
}
