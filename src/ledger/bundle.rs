//! Bundles: writing a whole ledger out as plain files, and rebuilding (or catching up) a
//! ledger from one ([`crate::export::bundle`] is the format).
//!
//! Rebuilding appends each entry with [`crate::store::Tx::append`], so it goes through the
//! same projection as every user action, and each rebuilt entry must hash as in the
//! bundle. Everything happens in one transaction after the bundle was checked in full: a
//! refused bundle writes nothing, and a new ledger file that fails half-way is removed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::*;
use crate::error::{Error, Result};
use crate::export::bundle::{self, Bundle, CheckpointLine, Manifest};
use crate::journal::{Event, entry_bytes};
use crate::merkle::{self, MemoryTree};
use crate::source::{CHUNK_SIZE, sha256_hex};
use crate::store::merkle as stored;
use crate::store::{Store, Tx};

/// What `export bundle` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BundleWritten {
    /// Journal entries.
    pub size: u64,
    /// Their root, hex.
    pub root: String,
    /// Blobs.
    pub blobs: usize,
    /// Checkpoints.
    pub checkpoints: usize,
}

/// What `import bundle` did.
#[derive(Debug, Clone, Serialize)]
pub struct BundleImported {
    /// Whether a new ledger was made (else an existing one caught up).
    pub created: bool,
    /// Entries the ledger had before.
    pub before: u64,
    /// Entries appended.
    pub appended: u64,
    /// Entries now.
    pub size: u64,
    /// Root now, hex.
    pub root: String,
    /// Checkpoints recorded that the ledger did not have.
    pub checkpoints: usize,
}

impl Ledger {
    /// Writes the whole ledger as a bundle into `dir` (new, or an empty folder).
    pub fn export_bundle(&mut self, dir: &Path) -> Result<BundleWritten> {
        let existed = dir.exists();
        if existed {
            let empty = std::fs::read_dir(dir)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty {
                return Err(Error::BundleDirNotEmpty {
                    path: dir.to_path_buf(),
                });
            }
        }
        let tx = self.store.begin_read()?;
        let mut journal = Vec::new();
        let mut hashes = Vec::new();
        let mut blobs = BTreeMap::new();
        let mut tree = MemoryTree::new();
        tx.each_journal_row(0, |row| {
            let bytes = entry_bytes(row.seq, &row.time, &row.actor, &row.kind, &row.payload);
            let hash = sha256_hex(&bytes);
            if hash != row.hash || row.seq != hashes.len() as i64 {
                return Err(Error::CheckFailed(format!(
                    "journal entry #{} does not match its stored hash; run `claimledger verify`",
                    row.seq
                )));
            }
            if row.kind == "source.add" {
                if let Ok(Event::SourceAdd { sha256, size, .. }) =
                    Event::from_parts(&row.kind, &row.payload)
                {
                    blobs.insert(sha256, size);
                }
            }
            tree.push(merkle::leaf_hash(&bytes));
            journal.extend_from_slice(&bytes);
            journal.push(b'\n');
            hashes.push(hash);
            Ok(())
        })?;
        let size = tree.len();
        if stored::root_at(&tx, size)? != tree.root() {
            return Err(Error::CheckFailed(
                "the stored Merkle tree does not match the journal; run `claimledger verify`"
                    .into(),
            ));
        }
        for sha256 in blobs.keys() {
            if !tx.has_blob(sha256)? {
                return Err(Error::CheckFailed(format!(
                    "the bytes of source {sha256} are not stored; run `claimledger verify`"
                )));
            }
        }
        let checkpoints: Vec<CheckpointLine> = stored::checkpoints(&tx)?
            .into_iter()
            .map(|c| CheckpointLine {
                key: c.key,
                note: c.note,
            })
            .collect();
        let manifest = Manifest {
            format: bundle::FORMAT.to_string(),
            origin: tx.meta("origin")?.unwrap_or_default(),
            size,
            root: hex::encode(tree.root()),
            entries: hashes,
            blobs,
            checkpoints: checkpoints.len(),
        };
        let written = bundle::write(dir, &manifest, &journal, &checkpoints, |sha256| {
            tx.blob_bytes(sha256)
                .ok()
                .flatten()
                .ok_or_else(|| std::io::Error::other(format!("source {sha256} is not stored")))
        });
        if let Err(source) = written {
            // Leave nothing half-written behind.
            if existed {
                for name in ["manifest.json", "journal.jsonl", "checkpoints.jsonl"] {
                    let _ = std::fs::remove_file(dir.join(name));
                }
                let _ = std::fs::remove_dir_all(dir.join("blobs"));
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
            return Err(Error::WriteFile {
                path: dir.to_path_buf(),
                source,
            });
        }
        Ok(BundleWritten {
            size,
            root: manifest.root,
            blobs: manifest.blobs.len(),
            checkpoints: checkpoints.len(),
        })
    }
}

/// Rebuilds a ledger at `db` from the bundle in `dir`, or, when `db` is a ledger whose
/// journal is a prefix of the bundle's, appends the rest.
pub fn import_bundle(db: &Path, dir: &Path) -> Result<BundleImported> {
    let bundle = bundle::read(dir).map_err(|r| Error::BadBundle {
        place: r.place,
        reason: r.reason,
    })?;
    if db.exists() {
        return catch_up(db, &bundle);
    }
    let first = &bundle.entries[0];
    let mut store = Store::create(db, &first.time, &first.actor, first.event.clone())?;
    let result = (|| {
        let tx = store.begin_write()?;
        let got = tx.entries_at(&[0])?;
        if got.first().map(|(_, h)| h.as_str()) != Some(bundle.manifest.entries[0].as_str()) {
            return Err(rebuilt_differs(0));
        }
        let imported = append_rest(&tx, &bundle, 1)?;
        tx.commit()?;
        Ok(imported)
    })();
    match result {
        Ok(checkpoints) => Ok(BundleImported {
            created: true,
            before: 0,
            appended: bundle.manifest.size,
            size: bundle.manifest.size,
            root: bundle.manifest.root.clone(),
            checkpoints,
        }),
        Err(e) => {
            drop(store);
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = db.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(std::path::PathBuf::from(p));
            }
            Err(e)
        }
    }
}

fn rebuilt_differs(seq: usize) -> Error {
    Error::BundleConflict(format!(
        "entry #{seq} of the bundle does not hash the same when appended by this claimledger"
    ))
}

/// Appends the bundle's entries from `from` on (with the bytes of the sources they add),
/// records its checkpoints, and checks the root; returns how many checkpoints were new.
fn append_rest(tx: &Tx, bundle: &Bundle, from: usize) -> Result<usize> {
    for (i, e) in bundle.entries.iter().enumerate().skip(from) {
        if let Event::SourceAdd { sha256, size, .. } = &e.event {
            if !tx.has_blob(sha256)? {
                let path = bundle.blob_path(sha256);
                let bytes = std::fs::read(&path).map_err(|source| Error::ReadFile {
                    path: path.clone(),
                    source,
                })?;
                let blob = tx.begin_blob()?;
                for (n, chunk) in bytes.chunks(CHUNK_SIZE).enumerate() {
                    tx.write_chunk(blob, n, chunk)?;
                }
                tx.finish_blob(blob, &sha256_hex(&bytes), *size)?;
            }
        }
        let got = tx.append(&e.time, &e.actor, e.event.clone())?;
        if let Event::SourceAdd {
            sha256,
            media_type,
            text_extractor: Some(_),
            ..
        } = &e.event
        {
            // A web page: derive the text its quotes anchor in (verify checks the names).
            if let Some(d) = super::sources::derive_text(tx, sha256, media_type)? {
                tx.store_derived(sha256, &d.extractor, &d.text)?;
            }
        }
        if got.seq != e.seq || got.hash() != bundle.manifest.entries[i] {
            return Err(rebuilt_differs(i));
        }
    }
    let before = stored::checkpoints(tx)?
        .iter()
        .filter(|c| (c.seq.unwrap_or(0) as usize) < from)
        .count();
    // Checkpoints are journal entries: the ones the bundle lists must be the ones its
    // journal recorded (a checkpoints.jsonl that adds or drops one is refused).
    let held = stored::checkpoints(tx)?;
    for c in &bundle.checkpoints {
        if !held.iter().any(|h| h.note == c.line.note) {
            return Err(Error::BundleConflict(format!(
                "checkpoints.jsonl lists the checkpoint of size {} that the bundle's journal does not record",
                c.size
            )));
        }
    }
    if held.len() != bundle.checkpoints.len() {
        return Err(Error::BundleConflict(format!(
            "the bundle's journal records {} checkpoint(s) but checkpoints.jsonl lists {}",
            held.len(),
            bundle.checkpoints.len()
        )));
    }
    let size = bundle.manifest.size;
    if hex::encode(stored::root_at(tx, size)?) != bundle.manifest.root {
        return Err(Error::BundleConflict(
            "the rebuilt journal's Merkle root differs from the bundle's".into(),
        ));
    }
    Ok(held.len() - before)
}

/// Catches an existing ledger up with a bundle it is a prefix of.
fn catch_up(db: &Path, bundle: &Bundle) -> Result<BundleImported> {
    let mut store = Store::open(db)?;
    let tx = store.begin_write()?;
    let n = bundle.manifest.size;
    let m = tx.journal_size()? as u64;
    if m > n {
        return Err(Error::BundleConflict(format!(
            "the ledger has {m} entries and the bundle {n}: the ledger is not a prefix of the bundle"
        )));
    }
    let mut differs = None;
    tx.each_journal_row(0, |row| {
        if differs.is_none() && bundle.manifest.entries.get(row.seq as usize) != Some(&row.hash) {
            differs = Some(row.seq);
        }
        Ok(())
    })?;
    if let Some(seq) = differs {
        return Err(Error::BundleConflict(format!(
            "entry #{seq} of the ledger differs from the bundle's: the ledger is not a prefix of the bundle (another ledger, or history rewritten)"
        )));
    }
    // Consistency: the bundle's tree proves it extends the ledger's root.
    let ledger_root = stored::root_at(&tx, m)?;
    if m < n {
        let proof = merkle::consistency_proof(&bundle.tree, m, n)
            .map_err(|e| Error::Proof(format!("{e:?}")))?;
        merkle::verify_consistency(m, n, &proof, &ledger_root, &bundle.tree.root()).map_err(
            |e| {
                Error::BundleConflict(format!(
                    "the bundle is not consistent with the ledger's root at {m} entries ({e:?})"
                ))
            },
        )?;
    } else if ledger_root != bundle.tree.root() {
        return Err(Error::BundleConflict(
            "the ledger's Merkle root differs from the bundle's".into(),
        ));
    }
    let checkpoints = append_rest(&tx, bundle, m as usize)?;
    tx.commit()?;
    Ok(BundleImported {
        created: false,
        before: m,
        appended: n - m,
        size: n,
        root: bundle.manifest.root.clone(),
        checkpoints,
    })
}
