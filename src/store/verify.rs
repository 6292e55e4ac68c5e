//! `verify`: check a whole ledger against itself, and against a checkpoint published earlier.
//!
//! What it checks (SPEC §7), each problem named by the entry, table row or source it is in:
//!
//! 1. **The journal**: sequence numbers run 0, 1, 2, ... with no gap; every entry can be read
//!    as its kind; its payload is stored in canonical form; its stored hash is the SHA-256 of
//!    its bytes; entry #0 is the ledger's genesis.
//! 2. **The Merkle tree**: every leaf and every completed subtree is recomputed from the
//!    entries and compared with `merkle_nodes`, node by node, in the same pass.
//! 3. **Checkpoints**: each recorded checkpoint's note is re-read; its origin, size and root
//!    must be the ledger's, its root the recomputed root at its size, and a signed one must
//!    verify with the key stored beside it. With `--checkpoint FILE`, an older published
//!    checkpoint must be a prefix of today's tree (a consistency proof is made and checked).
//! 4. **Derived tables**: the journal is replayed into an empty schema (in a temporary
//!    database) by the same projection that wrote the ledger, and every derived table is
//!    compared row by row, by primary key, column by column (the full-text index by its
//!    content rows and settings; its inverted index is SQLite's check 7).
//! 5. **Sources**: every source in the journal has stored bytes whose chunks are numbered
//!    from 0 without gaps, whose size is the recorded size and (unless `--quick`) whose
//!    SHA-256 is the source's name; stored bytes no source refers to are reported too.
//! 6. **Appearances**: every appearance's exact text, prefix and suffix are found at its
//!    code-point span in the stored text; so is every status's evidence quote.
//! 7. **SQLite**: `PRAGMA integrity_check` and `PRAGMA foreign_key_check`.
//!
//! Design decisions: it reads the ledger in one read transaction (one snapshot) and streams
//! the journal once, on three threads (2 cores at least are worth it at a million entries):
//! this one reads, parses and hashes the entries, checks each payload's canonical form
//! (`canonical::try_to_vec`, no JSON tree) and compares each Merkle subtree with its
//! stored node as it completes (src/store/verify_merkle.rs: memory flat in the journal's
//! length); a second replays the entries it is sent, in batches, into a temporary database
//! (src/store/replay.rs); a third runs SQLite's own checks on a connection of its own that
//! sees the same ledger (src/store/verify_sqlite.rs). Tables are then compared as two
//! sorted streams (merge by primary key) while, on that third connection and a second one
//! to the replayed tables, appearances are re-checked in source order on another thread,
//! each source's text read once (when there is no third connection, one after the
//! other). Differences are capped per table so one broken column does not bury the rest. A report is data: the command prints one problem per line
//! on stdout.

use std::fmt;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::checkpoint::GivenCheckpoint;
use crate::error::Result;
use crate::journal::{Entry, Event};
use crate::merkle;
use crate::note::{Checkpoint, Note, VerifierKey};
use crate::store::Store;

mod sources;
mod tables;

/// Tables that are the record (not derived from the journal by the projection).
pub const RECORD_TABLES: &[&str] = &[
    "journal",
    "blobs",
    "blob_chunks",
    "merkle_nodes",
    "normalized_texts",
    "derived_texts",
    "users",
];

/// The tables of a ledger that `verify` compares or checks: all but SQLite's own, a
/// full-text index's inverted index (`_data`, `_idx`: their bytes depend on the order of
/// writes, and SQLite's integrity_check proves them consistent with the index's content)
/// and Litestream's bookkeeping (`_litestream_*`, README's Team use: not ours).
pub(crate) fn derived_and_record_tables(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT name FROM sqlite_master t WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\'
             AND NOT EXISTS (SELECT 1 FROM sqlite_master v
                 WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%'
                 AND (t.name = v.name || '_data' OR t.name = v.name || '_idx'))
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Most differences reported per table (or per kind of check) before summing up the rest.
const MAX_PER_TABLE: usize = 10;

/// One thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Which check found it: journal, merkle, checkpoint, table, source, appearance, sqlite.
    pub check: &'static str,
    /// Where: the entry, table row or source.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// What was checked, and what was found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Everything found wrong.
    pub problems: Vec<Problem>,
    /// Journal entries read.
    pub entries: u64,
    /// Recomputed root of the whole journal, hex.
    pub root: String,
    /// Checkpoints checked (recorded ones, plus the one given).
    pub checkpoints: usize,
    /// Derived tables compared.
    pub tables: usize,
    /// Sources checked.
    pub sources: usize,
    /// Source bytes re-hashed.
    pub bytes_hashed: u64,
    /// Appearances and evidence quotes checked.
    pub appearances: u64,
    /// Journal entries after the largest checkpoint the journal records (not yet covered).
    pub uncovered: u64,
}

/// What to check beyond the ledger itself.
#[derive(Debug, Default)]
pub struct Options<'a> {
    /// Skip re-hashing source bytes.
    pub quick: bool,
    /// A checkpoint published earlier, which must be a prefix of the ledger.
    pub checkpoint: Option<&'a GivenCheckpoint>,
}

/// Progress reports for long runs: a stage starts (with a total, 0 if unknown) or advances.
pub enum Progress<'a> {
    /// A stage begins.
    Stage(&'a str, u64),
    /// Work done in the current stage.
    Advance(u64),
}

/// Checks the ledger; problems are in the report (an `Err` means the check itself could
/// not run, e.g. the file cannot be read).
pub fn verify(
    store: &mut Store,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report> {
    let (path, read_only) = (store.path().to_path_buf(), store.is_read_only());
    let tx = store.begin_read()?;
    // The ledger is read in order, once: a small cache will do, leaving memory to the
    // replay's (memory stays under 200 MB at a million claims).
    tx.pragma_update(None, "cache_size", -16 * 1024)?;
    // SQLite's own checks read the whole file on a second connection, on another thread.
    let sqlite_checks = super::verify_sqlite::Checks::start(&tx, &path, read_only)?;
    let (send, receive) = std::sync::mpsc::sync_channel(8);
    let replay = super::replay::spawn(receive);
    let mut v = Verifier {
        conn: &tx,
        report: Report::default(),
        tree: Default::default(),
        rebuilt: None,
        sources: Vec::new(),
        origin: None,
    };
    let streamed = v.journal(progress, send);
    let replayed = replay.join().unwrap_or_else(|_| {
        Err(crate::error::Error::CheckFailed(
            "the replay thread panicked".into(),
        ))
    });
    streamed?;
    let mut replayed = replayed?;
    for (seq, why) in std::mem::take(&mut replayed.refused) {
        v.problem(
            "journal",
            format!("journal entry #{seq}"),
            format!("cannot be replayed onto the entries before it: {why}"),
        );
    }
    v.checkpoints(options.checkpoint)?;
    // SQLite's checks are done long before the replay is; their connection (same snapshot)
    // and a second one to the replayed tables let the appearances be checked on another
    // core while the tables are compared here.
    progress(Progress::Stage("sqlite checks", 0));
    let (sqlite_found, second) = sqlite_checks.finish(v.conn)?;
    let beside = match (second, replayed.reader()) {
        (Some(ledger), Ok(reader)) => Some(sources::Appearances::start(ledger, reader)),
        _ => None,
    };
    v.rebuilt = Some(replayed);
    v.tables(progress)?;
    v.sources(options.quick, progress)?;
    match beside {
        Some(check) => {
            progress(Progress::Stage("appearances", 0));
            let (checked, found) = check.finish()?;
            v.report_appearances(checked, found);
        }
        None => v.appearances(progress)?,
    }
    v.normalized_texts(progress)?;
    super::verify_derived::check(v.conn, &mut v.report)?;
    v.report.problems.extend(sqlite_found);
    super::verify_schema::check(v.conn, &mut v.report)?;
    Ok(v.report)
}

struct Verifier<'c> {
    conn: &'c Connection,
    report: Report,
    /// The recomputed Merkle tree, as far as it is kept (src/store/verify_merkle.rs).
    tree: super::verify_merkle::Tree,
    /// The replayed tables, once the journal is through.
    rebuilt: Option<super::replay::Replayed>,
    /// (sha256, size, seq) of every source the journal adds.
    sources: Vec<(String, u64, i64)>,
    /// The origin line of the genesis entry.
    origin: Option<String>,
}

impl Verifier<'_> {
    /// The replayed tables (once the journal is through).
    fn replayed(&self) -> &Connection {
        &self.rebuilt.as_ref().expect("the replay is done").conn
    }

    fn problem(
        &mut self,
        check: &'static str,
        place: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.report.problems.push(Problem {
            check,
            place: place.into(),
            message: message.into(),
        });
    }

    /// 1 and 2. The journal, streamed once: entries, hashes, the Merkle tree node by node
    /// as it completes, and the replay (entries go to the replay thread in batches).
    fn journal(
        &mut self,
        progress: &mut dyn FnMut(Progress),
        replay: std::sync::mpsc::SyncSender<Vec<Entry>>,
    ) -> Result<()> {
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM journal", [], |r| r.get(0))?;
        progress(Progress::Stage("journal", total as u64));
        let mut merkle = super::verify_merkle::Check::new(self.conn);
        let mut stmt = self
            .conn
            .prepare("SELECT seq, time, actor, kind, payload, hash FROM journal ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut expected = 0i64;
        let mut batch = Vec::with_capacity(super::replay::BATCH);
        let mut replaying = true;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let time: String = row.get(1)?;
            let actor: String = row.get(2)?;
            let kind: String = row.get(3)?;
            let payload: String = row.get(4)?;
            let hash = row.get_ref(5)?;
            if seq != expected {
                self.problem(
                    "journal",
                    format!("journal entry #{seq}"),
                    if seq > expected {
                        format!(
                            "the journal jumps from #{} to #{seq}: entries are missing",
                            expected - 1
                        )
                    } else {
                        format!("is out of order (expected #{expected})")
                    },
                );
            }
            expected = seq + 1;
            let leaf = match Event::from_parts(&kind, &payload) {
                Ok(event) => {
                    let place = || format!("journal entry #{seq}");
                    if seq == 0 {
                        match &event {
                            Event::LedgerInit { origin, .. } => self.origin = Some(origin.clone()),
                            _ => self.problem(
                                "journal",
                                place(),
                                format!("the first entry is {kind}, not the ledger's genesis (ledger.init)"),
                            ),
                        }
                    } else if matches!(event, Event::LedgerInit { .. }) {
                        self.problem("journal", place(), "a second ledger.init entry");
                    }
                    // The bytes as stored (for a canonical payload, exactly Entry::bytes).
                    let bytes = crate::journal::entry_bytes(seq, &time, &actor, &kind, &payload);
                    if !payload_is_canonical(&event, &kind, &payload) {
                        self.problem(
                            "journal",
                            place(),
                            "its payload is not stored in canonical form (it was edited, or has fields its kind does not have)",
                        );
                    }
                    if !hash_is(hash, &Sha256::digest(&bytes).into()) {
                        self.problem(
                            "journal",
                            place(),
                            "its stored hash is not the SHA-256 of its bytes: the entry (or its hash) was changed",
                        );
                    }
                    if let Event::SourceAdd { sha256, size, .. } = &event {
                        self.sources.push((sha256.clone(), *size, seq));
                    }
                    batch.push(Entry {
                        seq,
                        time,
                        actor,
                        event,
                    });
                    if batch.len() == super::replay::BATCH {
                        let full =
                            std::mem::replace(&mut batch, Vec::with_capacity(super::replay::BATCH));
                        // A closed channel: the replay stopped on an error, given at join.
                        replaying = replaying && replay.send(full).is_ok();
                    }
                    merkle::leaf_hash(&bytes)
                }
                Err(reason) => {
                    self.problem(
                        "journal",
                        format!("journal entry #{seq}"),
                        format!("cannot be read: {reason}"),
                    );
                    // Still give it a leaf, so that later leaves keep their positions.
                    merkle::leaf_hash(
                        format!("{seq}\n{time}\n{actor}\n{kind}\n{payload}").as_bytes(),
                    )
                }
            };
            merkle.push(leaf)?;
            progress(Progress::Advance(1));
        }
        if replaying && !batch.is_empty() {
            let _ = replay.send(batch);
        }
        drop(replay);
        drop(rows);
        drop(stmt);
        let (tree, problems) = merkle.finish()?;
        self.tree = tree;
        self.report.problems.extend(problems);
        self.report.entries = self.tree.len();
        self.report.root = hex::encode(
            merkle::root(&self.tree.store(self.conn), self.tree.len())
                .expect("the kept tree holds every subtree of its own size"),
        );
        if self.tree.is_empty() {
            self.problem(
                "journal",
                "journal",
                "is empty: a ledger starts with its genesis entry",
            );
        }
        Ok(())
    }

    /// 3. Recorded checkpoints, and the one given.
    fn checkpoints(&mut self, given: Option<&GivenCheckpoint>) -> Result<()> {
        let n = self.tree.len();
        let origin = self.origin.clone().unwrap_or_default();
        let mut stmt = self
            .conn
            .prepare("SELECT rowid, note, size, root, key FROM checkpoints ORDER BY rowid")?;
        let rows: Vec<(i64, String, i64, String, Option<String>)> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (rowid, note_text, size, root, key) in rows {
            self.report.checkpoints += 1;
            let place = format!("checkpoints row {rowid} (size {size})");
            let note = match Note::parse(&note_text) {
                Ok(note) => note,
                Err(e) => {
                    self.problem("checkpoint", place, format!("its note cannot be read: {e}"));
                    continue;
                }
            };
            let c = match Checkpoint::parse_body(&note.text) {
                Ok(c) => c,
                Err(e) => {
                    self.problem(
                        "checkpoint",
                        place,
                        format!("its note is not a checkpoint: {e}"),
                    );
                    continue;
                }
            };
            if c.origin != origin {
                self.problem(
                    "checkpoint",
                    &place,
                    format!(
                        "its note names origin '{}', the ledger's is '{origin}'",
                        c.origin
                    ),
                );
            }
            if c.size as i64 != size || hex::encode(c.root) != root {
                self.problem(
                    "checkpoint",
                    &place,
                    format!(
                        "its size or root column ({size}, {root}) is not what its note says ({}, {})",
                        c.size,
                        hex::encode(c.root)
                    ),
                );
            }
            if c.size > n {
                self.problem(
                    "checkpoint",
                    &place,
                    format!(
                        "is of {} entries but the journal has only {n}: entries were deleted",
                        c.size
                    ),
                );
            } else if merkle::root(&self.tree.store(self.conn), c.size).ok() != Some(c.root) {
                self.problem(
                    "checkpoint",
                    &place,
                    format!(
                        "its root is not the root of the journal's first {} entries: the journal was changed after it was recorded",
                        c.size
                    ),
                );
            }
            match (&key, note.signatures.is_empty()) {
                (None, true) => {}
                (None, false) => self.problem(
                    "checkpoint",
                    &place,
                    "its note is signed but no key is stored to check the signature with",
                ),
                (Some(key), _) => match VerifierKey::parse(key) {
                    Err(e) => {
                        self.problem("checkpoint", &place, format!("its key cannot be read: {e}"))
                    }
                    Ok(key) => {
                        if let Err(e) = key.verify(&note) {
                            self.problem("checkpoint", &place, format!("signature: {e}"));
                        }
                    }
                },
            }
        }
        if let Some(given) = given {
            self.report.checkpoints += 1;
            let c = &given.checkpoint;
            let place = format!("the given checkpoint (size {})", c.size);
            if c.origin != origin {
                self.problem(
                    "checkpoint",
                    &place,
                    format!(
                        "is of another ledger: its origin is '{}', this ledger's is '{origin}'",
                        c.origin
                    ),
                );
            } else if c.size > n {
                self.problem(
                    "checkpoint",
                    &place,
                    format!(
                        "is of {} entries but the journal has only {n}: entries were deleted",
                        c.size
                    ),
                );
            } else if c.size == 0 {
                if c.root != merkle::empty_root() {
                    self.problem("checkpoint", &place, "its root is not the empty tree's");
                }
            } else {
                let tree = self.tree.store(self.conn);
                let proof = merkle::consistency_proof(&tree, c.size, n)
                    .expect("the recomputed tree holds every subtree");
                let root = merkle::root(&tree, n).expect("the recomputed tree holds its root");
                if let Err(e) = merkle::verify_consistency(c.size, n, &proof, &c.root, &root) {
                    self.problem(
                        "checkpoint",
                        &place,
                        format!(
                            "the ledger is not an extension of it ({e}): its first {} entries were rewritten",
                            c.size
                        ),
                    );
                }
            }
        }
        Ok(())
    }
}

fn clip(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// Whether a stored hash (lowercase hex text) is `want`.
fn hash_is(stored: rusqlite::types::ValueRef<'_>, want: &[u8; 32]) -> bool {
    let mut hex = [0u8; 64];
    hex::encode_to_slice(want, &mut hex).expect("64 digits for 32 bytes");
    match stored {
        rusqlite::types::ValueRef::Text(t) => t == hex,
        rusqlite::types::ValueRef::Blob(b) => b == want,
        _ => false,
    }
}

/// Whether `payload` is exactly the canonical payload of `event` (of kind `kind`): the
/// event, tagged, is written canonically (no JSON tree; an edited payload holding a float
/// is an error, not a panic) and compared with `{"kind":…,"payload":…}` built from the
/// stored text (`"kind"` sorts before `"payload"`).
fn payload_is_canonical(event: &Event, kind: &str, payload: &str) -> bool {
    let Ok(bytes) = crate::canonical::try_to_vec(event) else {
        return false;
    };
    let mut stored = Vec::with_capacity(payload.len() + kind.len() + 24);
    stored.extend_from_slice(b"{\"kind\":");
    serde_json::to_writer(&mut stored, kind).expect("writing to a Vec cannot fail");
    stored.extend_from_slice(b",\"payload\":");
    stored.extend_from_slice(payload.as_bytes());
    stored.push(b'}');
    bytes == stored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_payloads_pass_and_edited_ones_do_not_panic_or_pass() {
        let payload = crate::canonical::to_string(&serde_json::json!({
            "id": "C1", "statement": "s", "claimant": {"id": 2, "as": "the MoD"}, "via": [],
            "said": null, "appearance": {"id": 1, "source": "ab", "quote": "q", "start": 0,
            "end": 1, "exact": "q", "prefix": "", "suffix": "", "normalized": false},
            "imported": {"format": "csv", "row": 2, "column": "c", "record": {"a": "b"}}
        }));
        let event = Event::from_parts("claim.add", &payload).unwrap();
        assert!(payload_is_canonical(&event, "claim.add", &payload));
        assert!(!payload_is_canonical(
            &event,
            "claim.add",
            &format!(" {payload}")
        ));
        assert!(!payload_is_canonical(&event, "claim.cite", &payload));
        // A float only an edited payload can hold: not canonical, and no panic.
        let edited = payload.replace(r#""a":"b""#, r#""a":1.5"#);
        assert_ne!(edited, payload);
        let event = Event::from_parts("claim.add", &edited).unwrap();
        assert!(!payload_is_canonical(&event, "claim.add", &edited));
    }
}
