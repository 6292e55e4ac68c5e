//! Checkpoints and proofs of a ledger: recording a checkpoint, and making the inclusion and
//! consistency proofs a reader checks with [`crate::proof`].
//!
//! Design decisions:
//!
//! - Recording a checkpoint of the first N entries appends entry #N (kind `checkpoint`,
//!   holding the note as printed), so checkpoints are part of the record: deleting one, or
//!   swapping a signed one for an unsigned one, changes what the journal says and fails
//!   `verify`. The entry does not change the tree it describes (it is leaf N, outside the
//!   first N), and the next checkpoint covers it. Recording again when nothing but that
//!   entry came since reprints the same note rather than making a checkpoint of it.
//! - Roots and proofs come from the stored subtrees (`merkle_nodes`): O(log n) reads at any
//!   size. Before handing out anything, the stored root is compared with the checkpoint it
//!   is meant to match, so a damaged tree is reported rather than proved.
//! - `proof CLAIM` proves against the *latest recorded* checkpoint and refuses when there is
//!   none ("run `claimledger checkpoint` first"): a proof is only useful against a checkpoint
//!   that was published, and making one silently would hide that step. Entries recorded
//!   after that checkpoint are listed as not covered.
//! - A checkpoint given by a user (`--from`, `verify --checkpoint`) must name this ledger's
//!   origin and match its history; a mismatch is a failed check (exit 3), not bad input.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::merkle::{self, Hash, SubtreeStore};
use crate::note::{Checkpoint, Note, SignerKey, VerifierKey};
use crate::proof::ProofDoc;
use crate::store::Store;
use crate::store::merkle::{self as stored, StoredCheckpoint};

/// A checkpoint just recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// What it says.
    pub checkpoint: Checkpoint,
    /// The note as printed (signed if a key was given).
    pub note: String,
}

/// Records and returns the checkpoint of the whole journal, signed with `signer` if given,
/// as a journal entry by `actor`.
pub fn record(store: &mut Store, actor: &str, signer: Option<&SignerKey>) -> Result<Recorded> {
    let tx = store.begin_write()?;
    let origin = tx.meta("origin")?.ok_or_else(|| Error::BadEntry {
        seq: 0,
        reason: "the ledger has no origin line (meta 'origin')".into(),
    })?;
    let size = stored::tree_size(&tx)?;
    let entries: i64 = tx.journal_size()?;
    if size != entries as u64 {
        return Err(Error::CheckFailed(format!(
            "the Merkle tree has {size} leaves but the journal has {entries} entries; run `claimledger verify`"
        )));
    }
    let checkpoint = Checkpoint {
        origin,
        size,
        root: stored::root_at(&tx, size)?,
    };
    let text = checkpoint.body();
    let note = Note {
        signatures: signer.map(|k| vec![k.sign(&text)]).unwrap_or_default(),
        text,
    }
    .render();
    let key = signer.map(|k| k.verifier().encode());
    // Nothing new since the latest checkpoint but its own entry: print it again.
    if let Some(latest) = stored::latest_checkpoint(&tx)? {
        if latest
            .seq
            .is_some_and(|s| s as u64 + 1 == size && latest.size == s as u64)
            && latest.key == key
        {
            let previous = Checkpoint::parse_body(
                &Note::parse(&latest.note)
                    .map_err(|reason| Error::BadCheckpoint {
                        what: "the latest recorded checkpoint".into(),
                        reason,
                    })?
                    .text,
            )
            .map_err(|reason| Error::BadCheckpoint {
                what: "the latest recorded checkpoint".into(),
                reason,
            })?;
            return Ok(Recorded {
                checkpoint: previous,
                note: latest.note,
            });
        }
    }
    tx.append(
        &crate::dates::now(),
        actor,
        crate::journal::Event::Checkpoint {
            size,
            root: hex::encode(checkpoint.root),
            note: note.clone(),
            key,
            upgraded: false,
        },
    )?;
    tx.commit()?;
    Ok(Recorded { checkpoint, note })
}

/// A checkpoint note read from a file, and what it says.
#[derive(Debug, Clone)]
pub struct GivenCheckpoint {
    /// The note as read.
    pub note: Note,
    /// Its body.
    pub checkpoint: Checkpoint,
    /// The text as given.
    pub text: String,
}

/// Parses a checkpoint note (signed or not); `what` names it in messages. With a key, the
/// note must carry a valid signature by that key.
pub fn parse_given(text: &str, what: &str, key: Option<&VerifierKey>) -> Result<GivenCheckpoint> {
    let bad = |reason: String| Error::BadCheckpoint {
        what: what.to_string(),
        reason,
    };
    let note = Note::parse(text).map_err(bad)?;
    let checkpoint = Checkpoint::parse_body(&note.text).map_err(bad)?;
    if let Some(key) = key {
        key.verify(&note)
            .map_err(|e| Error::CheckFailed(format!("{what}: {e}")))?;
    }
    Ok(GivenCheckpoint {
        note,
        checkpoint,
        text: text.to_string(),
    })
}

/// Reads a key file (`-` for standard input is not allowed for keys: it would be ambiguous
/// with the data).
pub fn read_key_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        path: path.to_path_buf(),
        source,
    })
}

/// The proofs behind a claim.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimProofs {
    /// The documents: one inclusion proof per covered entry, then the consistency proof.
    pub documents: Vec<ProofDoc>,
    /// The latest checkpoint, which the proofs are against.
    pub checkpoint: String,
    /// Entries of the claim recorded after that checkpoint (not covered).
    pub uncovered: Vec<i64>,
}

/// Inclusion proofs of a claim's journal entries against the latest checkpoint, and the
/// consistency proof from `from` (an older checkpoint) if given.
pub fn claim_proofs(
    store: &mut Store,
    claim_ref: &str,
    from: Option<&GivenCheckpoint>,
) -> Result<ClaimProofs> {
    let tx = store.begin_read()?;
    let number = crate::claim::parse_id(claim_ref)?;
    let claim = tx.claim(number, claim_ref)?;
    let latest = stored::latest_checkpoint(&tx)?.ok_or(Error::NoCheckpoint)?;
    let size = latest.size;
    let root = tree_root_matching(&tx, &latest)?;
    let seqs = tx.claim_record_seqs(&claim.id)?;
    let (covered, uncovered): (Vec<i64>, Vec<i64>) =
        seqs.into_iter().partition(|&s| (s as u64) < size);
    let mut documents = Vec::new();
    for (entry, _) in tx.entries_at(&covered)? {
        let bytes = entry.bytes();
        let leaf = merkle::leaf_hash(&bytes);
        let index = entry.seq as u64;
        if stored::SqlTree(&tx).perfect(0, index)? != leaf {
            return Err(Error::CheckFailed(format!(
                "journal entry #{index} does not match its Merkle leaf; run `claimledger verify`"
            )));
        }
        let proof = stored::inclusion_proof(&tx, index, size)?;
        documents.push(ProofDoc::Inclusion {
            leaf_index: index,
            tree_size: size,
            leaf_hash: hex::encode(leaf),
            root: hex::encode(root),
            proof: proof.iter().map(hex::encode).collect(),
            entry: Some(String::from_utf8(bytes).expect("canonical JSON is UTF-8")),
            checkpoint: Some(latest.note.clone()),
        });
    }
    if let Some(old) = from {
        let origin = tx.meta("origin")?.unwrap_or_default();
        let c = &old.checkpoint;
        if c.origin != origin {
            return Err(Error::CheckFailed(format!(
                "the --from checkpoint is of another ledger: its origin is '{}', this ledger's is '{origin}'",
                c.origin
            )));
        }
        if c.size == 0 {
            return Err(Error::BadCheckpoint {
                what: "the --from checkpoint".into(),
                reason: "it is of the empty tree (size 0), from which no consistency proof exists"
                    .into(),
            });
        }
        if c.size > size {
            return Err(Error::CheckFailed(format!(
                "the --from checkpoint (size {}) is newer than the latest checkpoint (size {size}); run `claimledger checkpoint` first",
                c.size
            )));
        }
        if stored::root_at(&tx, c.size)? != c.root {
            return Err(Error::CheckFailed(format!(
                "the --from checkpoint does not match this ledger's history: its root for the first {} entries differs, so they were rewritten since",
                c.size
            )));
        }
        let proof = stored::consistency_proof(&tx, c.size, size)?;
        documents.push(ProofDoc::Consistency {
            size1: c.size,
            size2: size,
            root1: hex::encode(c.root),
            root2: hex::encode(root),
            proof: proof.iter().map(hex::encode).collect(),
            checkpoint1: Some(old.text.clone()),
            checkpoint2: Some(latest.note.clone()),
        });
    }
    Ok(ClaimProofs {
        documents,
        checkpoint: latest.note,
        uncovered,
    })
}

/// The stored tree's root at a recorded checkpoint's size, which must match it.
fn tree_root_matching(conn: &rusqlite::Connection, c: &StoredCheckpoint) -> Result<Hash> {
    let size = stored::tree_size(conn)?;
    if c.size > size {
        return Err(Error::CheckFailed(format!(
            "the latest checkpoint is of {} entries but the journal's tree has {size}; run `claimledger verify`",
            c.size
        )));
    }
    let root = stored::root_at(conn, c.size)?;
    if hex::encode(root) != c.root {
        return Err(Error::CheckFailed(format!(
            "the latest checkpoint (size {}) does not match the journal's tree; run `claimledger verify`",
            c.size
        )));
    }
    Ok(root)
}
