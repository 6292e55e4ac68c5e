//! Sources: storing exact bytes as document versions, re-anchoring earlier claims in a new
//! version, and showing a version.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::anchoring::*;
use super::*;
use crate::anchor::State;
use crate::error::{Error, Result};
use crate::journal::{Event, MetaUpdate, Tracked};
use crate::source::SourceMeta;
use crate::store::Tx;
use crate::store::queries::{AppearanceRow, IdTable, SourceRow};
use crate::{dates, source};

/// What `source add` needs besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct NewSource {
    /// Descriptive metadata.
    pub meta: SourceMeta,
    /// When it was captured (default: now).
    pub captured: Option<String>,
    /// A version of the document this is a new version of.
    pub version_of: Option<String>,
    /// The name of the new document (default: from the title or file name).
    pub name: Option<String>,
    /// Anchor in the bytes as they are, even in a web page or PDF (an imported file: its
    /// claims point at cells and JSON strings in the markup, not at the text a reader sees).
    pub raw_text: bool,
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
    /// `changed`, but only in typographic punctuation, whitespace or invisible characters
    /// (it reads the same).
    pub punctuation_only: bool,
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
    /// Whether stored bytes became a version of another document (`source attach`, or
    /// `source add --version-of` of bytes already stored).
    pub attached: bool,
    /// For a web page or PDF just added: the extractor whose text its quotes anchor in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_extractor: Option<String>,
    /// For a PDF just added: whether it has a text layer (a scan has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_layer: Option<bool>,
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
    /// For a web page: the extractor that derived the text its quotes anchor in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_derived_by: Option<String>,
}

impl Ledger {
    /// Stores a source version. The same bytes again return the existing version and write
    /// nothing.
    pub fn add_source(&mut self, input: Input<'_>, mut new: NewSource) -> Result<SourceAdded> {
        new.meta = clean_meta(new.meta)?;
        let captured = match &new.captured {
            Some(c) => dates::parse_date("--captured", c)?,
            None => dates::now(),
        };
        let (reader, path, origin) = open_input(input)?;
        let (version_of, asked) = (new.version_of.clone(), new.clone());
        let tx = self.store.begin_write()?;
        let added = store_source(
            &tx,
            &self.actor,
            reader,
            path,
            origin,
            captured.clone(),
            new,
        )?;
        if added.new {
            tx.commit()?;
        } else {
            // Known bytes: the chunks just written were rolled back. What else was asked is
            // done (--version-of attaches), or refused with what to do; never silently
            // ignored.
            let existing = tx
                .source(&added.sha256)?
                .ok_or_else(|| Error::UnknownSource(added.sha256.clone()))?;
            let attach = match &version_of {
                Some(reference) => {
                    let target = tx.resolve_source(reference)?;
                    target.document_id != existing.document_id
                }
                None => false,
            };
            check_same_metadata(&existing, &asked, &captured)?;
            drop(tx);
            if attach {
                let reference = version_of.as_deref().expect("checked above");
                return self.attach_source(&existing.sha256, reference);
            }
        }
        Ok(added)
    }

    /// Makes a stored source version (first stored on its own, as evidence or by mistake)
    /// a version of the document `version_of` belongs to: it becomes that document's
    /// latest version, and the claims are re-anchored both ways, as adding a version does.
    pub fn attach_source(&mut self, reference: &str, version_of: &str) -> Result<SourceAdded> {
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let source = tx.resolve_source(reference)?;
        let target = tx.resolve_source(version_of)?;
        if source.document_id == target.document_id {
            return Err(Error::AlreadyAttached {
                short: source::short(&source.sha256).to_string(),
                document: source.document,
                version: source.version,
            });
        }
        if source.versions > 1 {
            return Err(Error::AttachVersioned {
                short: source::short(&source.sha256).to_string(),
                document: source.document,
                version: source.version,
                count: source.versions,
            });
        }
        let versions = tx.document_versions(target.document_id)?;
        let last = versions.last().expect("a document has a version");
        let version = last.version + 1;
        tx.append(
            &time,
            &self.actor,
            Event::SourceAttach {
                sha256: source.sha256.clone(),
                document: target.document_id,
                document_name: target.document.clone(),
                version,
                from_document: source.document_id,
            },
        )?;
        let mut reanchored = Vec::new();
        if follows_into(&tx, &source)? {
            // The document's claims, followed into the source...
            reanchored =
                reanchor_into(&tx, &time, &self.actor, target.document_id, &source.sha256)?;
            // ...and the source's own claims, followed into the document's other versions.
            let moved = tx
                .source(&source.sha256)?
                .expect("the source was just attached");
            for a in tx.document_appearances(target.document_id)? {
                if a.1.source == source.sha256 {
                    track_in_other_versions(&tx, &time, &self.actor, &moved, a.1.id)?;
                }
            }
        }
        tx.commit()?;
        Ok(SourceAdded {
            sha256: source.sha256,
            bytes: source.bytes,
            new: false,
            media_type: source.media_type,
            is_text: source.is_text,
            document: target.document,
            version,
            reanchored,
            attached: true,
            text_extractor: None,
            text_layer: None,
        })
    }

    /// Fills in or corrects a source version's metadata; fields not given stay as they are.
    pub fn set_source(&mut self, reference: &str, meta: SourceMeta) -> Result<SourceRow> {
        let meta = clean_meta(meta)?;
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let source = tx.resolve_source(reference)?;
        let changed =
            |given: Option<String>, now: &Option<String>| given.filter(|g| Some(g) != now.as_ref());
        let update = MetaUpdate {
            title: changed(meta.title.clone(), &source.title),
            url: changed(meta.url.clone(), &source.url),
            publisher: changed(meta.publisher.clone(), &source.publisher),
            author: changed(meta.author.clone(), &source.author),
            published: changed(meta.published.clone(), &source.published),
        };
        if meta == SourceMeta::default() {
            return Err(Error::NothingToSet);
        }
        if update.is_empty() {
            return Err(Error::MetadataUnchanged(format!(
                "{}@{}",
                source.document, source.version
            )));
        }
        tx.append(
            &time,
            &self.actor,
            Event::SourceUpdate {
                sha256: source.sha256.clone(),
                meta: update,
            },
        )?;
        let row = tx
            .source(&source.sha256)?
            .expect("the source was just updated");
        tx.commit()?;
        Ok(row)
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
        let text_derived_by = tx.derived_text(&source.sha256)?.map(|(by, _)| by);
        Ok(SourceShown {
            source,
            bytes_ok,
            text,
            text_derived_by,
        })
    }
}

/// Follows every appearance recorded in the document's other versions into version
/// `sha256` (a text version just added or attached), and records how each fares.
pub(super) fn reanchor_into(
    tx: &Tx,
    time: &str,
    actor: &str,
    document: i64,
    sha256: &str,
) -> Result<Vec<Reanchored>> {
    let target = tx.source(sha256)?.expect("the version is stored");
    let text = load_text(tx, &target)?;
    let appearances: Vec<(String, AppearanceRow)> = tx
        .document_appearances(document)?
        .into_iter()
        .filter(|(_, a)| a.source != sha256)
        .collect();
    let (found, results): (Vec<Reanchored>, Vec<Tracked>) = with_text(tx, sha256, &text, |t| {
        Ok(appearances
            .iter()
            .map(|(claim, a)| {
                let r = follow(t, a, sha256);
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
                    punctuation_only: r.state == State::Changed
                        && r.exact
                            .as_deref()
                            .is_some_and(|e| crate::anchor::punctuation_only(&a.exact, e)),
                };
                (report, r)
            })
            .unzip())
    })?;
    if !results.is_empty() {
        tx.append(time, actor, Event::AppearanceTrack { results })?;
    }
    Ok(found)
}

/// Known bytes added again: any metadata given must be what is stored, or the user is told
/// how to change it (`source set`), never silently ignored.
fn check_same_metadata(existing: &SourceRow, new: &NewSource, captured: &str) -> Result<()> {
    let m = &new.meta;
    let mut differ = Vec::new();
    let mut check = |field: &'static str, given: &Option<String>, now: &Option<String>| {
        if given.is_some() && given != now {
            differ.push(field);
        }
    };
    check("--title", &m.title, &existing.title);
    check("--url", &m.url, &existing.url);
    check("--publisher", &m.publisher, &existing.publisher);
    check("--author", &m.author, &existing.author);
    check("--published", &m.published, &existing.published);
    let mut hint = String::new();
    if new.captured.is_some() && captured != existing.captured_at {
        differ.push("--captured");
        hint += "; the capture time of stored bytes cannot change";
    }
    if new.name.as_ref().is_some_and(|n| *n != existing.document) {
        differ.push("--name");
        hint += "; a document keeps the name it was given";
    }
    if differ.is_empty() {
        return Ok(());
    }
    Err(Error::StoredMetadataDiffers {
        short: source::short(&existing.sha256).to_string(),
        document: existing.document.clone(),
        version: existing.version,
        fields: differ.join(", "),
        hint,
    })
}

/// A document name the user chose with `--name`: one word people can type in `DOC@N`.
fn chosen_document_name(tx: &Tx, name: &str) -> Result<String> {
    let name = name.trim();
    let bad = |why| {
        Err(Error::BadDocumentName {
            name: name.to_string(),
            why,
        })
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.contains('@') || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it is typed in DOC@N, so it cannot hold '@', spaces or control characters");
    }
    if is_hex_like(name) {
        return bad("it would read as a SHA-256 prefix; add a letter beyond a-f");
    }
    if tx.document_exists(name)? {
        return bad("another document has it (`claimledger source list` shows them)");
    }
    Ok(name.to_string())
}

/// Opens the bytes of a source: a file as it is, standard input spooled to a temporary
/// file first (a pipe can take its time, and a terminal waits for Ctrl-D, so all of it is
/// read before the write lock is taken; the file keeps memory flat). Returns the reader, the
/// path for messages, and the file name to record as the origin (None for standard input).
pub(super) fn open_input(input: Input<'_>) -> Result<(Box<dyn Read + '_>, &Path, Option<String>)> {
    Ok(match input {
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
            (Box::new(file) as Box<dyn Read>, path, name)
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
    })
}

/// Stores a source version in the caller's transaction, as `source add` does: streams and
/// hashes the bytes into blob chunks, and appends its `source.add` entry (re-anchoring
/// earlier claims of the document it joins). The same bytes again write nothing and come
/// back with `new: false`. The entry's time is taken here, after the bytes are in.
pub(super) fn store_source(
    tx: &Tx,
    actor: &str,
    reader: Box<dyn Read + '_>,
    path: &Path,
    origin: Option<String>,
    captured: String,
    new: NewSource,
) -> Result<SourceAdded> {
    // Known bytes roll back to here, leaving no trace of the chunks just written.
    tx.execute_batch("SAVEPOINT store_source")?;
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
        tx.execute_batch("ROLLBACK TO store_source; RELEASE store_source")?;
        return Ok(SourceAdded {
            sha256: existing.sha256,
            bytes: existing.bytes,
            new: false,
            media_type: existing.media_type,
            is_text: existing.is_text,
            document: existing.document,
            version: existing.version,
            reanchored: Vec::new(),
            attached: false,
            text_extractor: None,
            text_layer: None,
        });
    }
    tx.finish_blob(blob, &print.sha256, print.size)?;
    let derived = if new.raw_text {
        None
    } else {
        derive_text(tx, &print.sha256, &print.media_type)?
    };
    let joined = join_document(tx, new.version_of.as_deref(), new.meta.url.as_deref())?;
    let (document, document_name, version) = match &joined {
        Some(versions) => {
            let last = versions.last().expect("a document has a version");
            if let Some(name) = &new.name {
                return Err(Error::BadDocumentName {
                    name: name.clone(),
                    why: "this capture joins an existing document (by --version-of or --url), which keeps its name; leave --name out",
                });
            }
            (last.document_id, last.document.clone(), last.version + 1)
        }
        None => (
            tx.next_id(IdTable::Documents)?,
            match &new.name {
                Some(name) => chosen_document_name(tx, name)?,
                None => unique_document_name(tx, &new.meta, origin.as_deref())?,
            },
            1,
        ),
    };
    tx.append(
        &time,
        actor,
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
            text_extractor: derived.as_ref().map(|d| d.extractor.to_string()),
        },
    )?;
    if let Some(d) = &derived {
        tx.store_derived(&print.sha256, &d.extractor, &d.text)?;
    }
    let into = followable(&print.media_type, print.is_text, derived.is_some());
    let reanchored = if joined.is_some() && into {
        reanchor_into(tx, &time, actor, document, &print.sha256)?
    } else {
        Vec::new()
    };
    tx.execute_batch("RELEASE store_source")?;
    let text_layer = derived
        .as_ref()
        .filter(|_| print.media_type == "application/pdf")
        .map(|d| crate::extract::pdf::has_text_layer(&d.text));
    Ok(SourceAdded {
        sha256: print.sha256,
        bytes: print.size as i64,
        new: true,
        media_type: print.media_type,
        is_text: print.is_text,
        document: document_name,
        version,
        reanchored,
        attached: false,
        text_layer,
        text_extractor: derived.map(|d| d.extractor),
    })
}

/// Trims the metadata a user typed; an empty title or author is no title or author, but an
/// empty URL is refused (it would join every capture given one into one document).
pub(super) fn clean_meta(meta: SourceMeta) -> Result<SourceMeta> {
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

/// The document a new version joins (its versions so far), if `--version-of` or `--url`
/// names one.
pub(super) fn join_document(
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

/// A document name from the title or file name, made unique with -2, -3, ...
pub(super) fn unique_document_name(
    tx: &Tx,
    meta: &SourceMeta,
    origin: Option<&str>,
) -> Result<String> {
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
pub(super) fn is_hex_like(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_hexdigit())
}

/// Lowercase words joined by '-', at most 40 characters.
pub(super) fn slug(text: &str) -> String {
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

/// Derives the text a reader sees in a source just stored, for the formats that have one
/// (web pages); quotes in it anchor in that text.
pub(super) fn derive_text(
    tx: &Tx,
    sha256: &str,
    media_type: &str,
) -> Result<Option<crate::extract::Extracted>> {
    if !crate::extract::derives(media_type) {
        return Ok(None);
    }
    let bytes = tx
        .blob_bytes(sha256)?
        .ok_or_else(|| Error::UnknownSource(sha256.to_string()))?;
    Ok(crate::extract::derive(media_type, &bytes))
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
