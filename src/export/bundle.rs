//! Journal bundles: a whole ledger as plain files another newsroom or an auditor can hold.
//!
//! ```text
//! DIR/manifest.json      what the bundle holds: origin, size, root, each entry's hash, each blob's size
//! DIR/journal.jsonl      one line per journal entry: its exact canonical bytes
//! DIR/checkpoints.jsonl  one line per recorded checkpoint: {"key":…,"note":…}
//! DIR/blobs/<sha256>     every source's exact bytes
//! ```
//!
//! Design decisions:
//!
//! - Every file is in one exact form (the manifest as claimledger pretty-prints it, entries
//!   and checkpoint lines canonical), so *any* changed byte is found: a file that does not
//!   re-render to itself is refused, and so is anything that does not match what the rest
//!   says (an entry's hash, the Merkle root, a blob's hash or size, a checkpoint's root or
//!   signature). [`read`] checks all of it before anything is written anywhere, and names
//!   the place (file and line, or blob name).
//! - Entries are rebuilt from their parts and must give back their exact bytes, so a ledger
//!   rebuilt by appending them (through the same projection as every append) has the same
//!   entries, tree and root.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical;
use crate::journal::{Entry, Event};
use crate::merkle::{self, Hash, MemoryTree};
use crate::note::VerifierKey;
use crate::source::sha256_hex;

/// The bundle format this claimledger writes and reads.
pub const FORMAT: &str = "claimledger-bundle/1";

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The ledger's checkpoint origin line.
    pub origin: String,
    /// Number of journal entries.
    pub size: u64,
    /// RFC 6962 root of the entries, hex.
    pub root: String,
    /// SHA-256 of each entry's bytes, hex, in order.
    pub entries: Vec<String>,
    /// Each blob's size, by SHA-256.
    pub blobs: BTreeMap<String, u64>,
    /// Number of checkpoints.
    pub checkpoints: usize,
}

impl Manifest {
    /// The manifest's exact bytes.
    pub fn render(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("manifests serialize");
        text.push('\n');
        text
    }
}

/// A recorded checkpoint, as a bundle line holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointLine {
    /// The verifier key of its signature, if signed.
    pub key: Option<String>,
    /// The note exactly as recorded.
    pub note: String,
}

impl CheckpointLine {
    /// The line's exact bytes (canonical JSON).
    pub fn render(&self) -> String {
        canonical::to_string(&serde_json::to_value(self).expect("lines serialize"))
    }
}

/// A checked checkpoint of a bundle.
#[derive(Debug, Clone)]
pub struct BundleCheckpoint {
    /// As the bundle holds it.
    pub line: CheckpointLine,
    /// Its tree size.
    pub size: u64,
    /// Its root.
    pub root: Hash,
}

/// A bundle read and checked in full.
#[derive(Debug)]
pub struct Bundle {
    /// Where it is.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Every entry, in order, rebuilt from its bytes.
    pub entries: Vec<Entry>,
    /// The Merkle tree of the entries.
    pub tree: MemoryTree,
    /// Its checkpoints.
    pub checkpoints: Vec<BundleCheckpoint>,
}

impl Bundle {
    /// The path of a blob's bytes (checked by [`read`]).
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        self.dir.join("blobs").join(sha256)
    }
}

/// Why a bundle is refused: the place and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The file (and line) or blob.
    pub place: String,
    /// What is wrong.
    pub reason: String,
}

fn refuse<T>(place: impl Into<String>, reason: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal {
        place: place.into(),
        reason: reason.into(),
    })
}

/// Reads an entry from its exact bytes: they must be the canonical bytes of an entry this
/// claimledger knows, at position `seq`.
pub fn parse_entry(bytes: &[u8], seq: i64) -> Result<Entry, String> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not a JSON object: {e}"))?;
    let field = |name: &str| value.get(name).ok_or(format!("no \"{name}\" field"));
    let text = |name: &str| -> Result<String, String> {
        field(name)?
            .as_str()
            .map(str::to_string)
            .ok_or(format!("\"{name}\" is not a string"))
    };
    let at = field("seq")?
        .as_i64()
        .ok_or("\"seq\" is not a number".to_string())?;
    if at != seq {
        return Err(format!("it says it is entry #{at}, but it is at #{seq}"));
    }
    let kind = text("kind")?;
    let payload = canonical::to_string(field("payload")?);
    let event = Event::from_parts(&kind, &payload)?;
    let entry = Entry {
        seq,
        time: text("time")?,
        actor: text("actor")?,
        event,
    };
    if entry.bytes() != bytes {
        return Err(
            "its bytes are not the canonical form of the entry they describe (edited, or written by another program)".into(),
        );
    }
    Ok(entry)
}

fn read_file(dir: &Path, name: &str) -> Result<Vec<u8>, Refusal> {
    std::fs::read(dir.join(name)).or_else(|e| refuse(name, format!("cannot be read: {e}")))
}

/// Reads and checks a whole bundle; nothing is written.
pub fn read(dir: &Path) -> Result<Bundle, Refusal> {
    if !dir.is_dir() {
        return refuse(dir.display().to_string(), "is not a folder");
    }
    // Nothing but the bundle's own files.
    for item in std::fs::read_dir(dir).or_else(|e| refuse(".", e.to_string()))? {
        let item = item.or_else(|e| refuse(".", e.to_string()))?;
        let name = item.file_name().to_string_lossy().into_owned();
        if ![
            "manifest.json",
            "journal.jsonl",
            "checkpoints.jsonl",
            "blobs",
        ]
        .contains(&name.as_str())
        {
            return refuse(name, "is not part of a claimledger bundle");
        }
    }

    let raw = read_file(dir, "manifest.json")?;
    let manifest: Manifest = serde_json::from_slice(&raw)
        .or_else(|e| refuse("manifest.json", format!("not a bundle manifest: {e}")))?;
    if manifest.format != FORMAT {
        return refuse(
            "manifest.json",
            format!("format '{}' is not {FORMAT}", manifest.format),
        );
    }
    if manifest.render().as_bytes() != raw {
        return refuse(
            "manifest.json",
            "its bytes are not the form claimledger writes (edited?)",
        );
    }
    if manifest.entries.len() as u64 != manifest.size {
        return refuse(
            "manifest.json",
            format!(
                "size is {} but it lists {} entry hashes",
                manifest.size,
                manifest.entries.len()
            ),
        );
    }

    // The journal: every line an exact entry whose hash the manifest lists.
    let journal = read_file(dir, "journal.jsonl")?;
    if !journal.is_empty() && !journal.ends_with(b"\n") {
        return refuse(
            "journal.jsonl",
            "the last line has no line break (cut short?)",
        );
    }
    let mut entries = Vec::new();
    let mut tree = MemoryTree::new();
    for (i, line) in journal.split(|b| *b == b'\n').enumerate() {
        if i as u64 == manifest.size {
            if !line.is_empty() {
                return refuse(
                    format!("journal.jsonl line {}", i + 1),
                    format!(
                        "the manifest lists {} entries, the journal has more",
                        manifest.size
                    ),
                );
            }
            break;
        }
        let place = format!("journal.jsonl line {} (entry #{i})", i + 1);
        let entry = parse_entry(line, i as i64).or_else(|r| refuse(&place, r))?;
        let hash = sha256_hex(line);
        if hash != manifest.entries[i] {
            return refuse(
                place,
                format!(
                    "its SHA-256 is {hash}, but manifest.json lists {}",
                    manifest.entries[i]
                ),
            );
        }
        if i == 0 {
            match &entry.event {
                Event::LedgerInit { origin, .. } if *origin == manifest.origin => {}
                Event::LedgerInit { origin, .. } => {
                    return refuse(
                        place,
                        format!(
                            "the ledger's origin is '{origin}', manifest.json says '{}'",
                            manifest.origin
                        ),
                    );
                }
                _ => return refuse(place, "the first entry must be ledger.init"),
            }
        }
        tree.push(merkle::leaf_hash(line));
        entries.push(entry);
    }
    if (entries.len() as u64) < manifest.size {
        return refuse(
            "journal.jsonl",
            format!(
                "it has {} entries, the manifest lists {}",
                entries.len(),
                manifest.size
            ),
        );
    }
    if hex::encode(tree.root()) != manifest.root {
        return refuse(
            "manifest.json",
            format!(
                "root is {}, but the journal's entries give {}",
                manifest.root,
                hex::encode(tree.root())
            ),
        );
    }

    // Blobs: exactly the sources the journal adds, each hashing to its name.
    let mut wanted: BTreeMap<String, u64> = BTreeMap::new();
    for e in &entries {
        if let Event::SourceAdd { sha256, size, .. } = &e.event {
            wanted.insert(sha256.clone(), *size);
        }
    }
    if wanted != manifest.blobs {
        return refuse(
            "manifest.json",
            "its blob list is not the sources the journal adds",
        );
    }
    let blobs = dir.join("blobs");
    let mut present = Vec::new();
    if blobs.exists() {
        for item in std::fs::read_dir(&blobs).or_else(|e| refuse("blobs", e.to_string()))? {
            let item = item.or_else(|e| refuse("blobs", e.to_string()))?;
            present.push(item.file_name().to_string_lossy().into_owned());
        }
    }
    for name in &present {
        if !wanted.contains_key(name) {
            return refuse(
                format!("blobs/{name}"),
                "is not the bytes of any source the journal adds",
            );
        }
    }
    for (sha256, size) in &wanted {
        let place = format!("blobs/{sha256}");
        let bytes = std::fs::read(blobs.join(sha256))
            .or_else(|e| refuse(&place, format!("cannot be read: {e}")))?;
        let got = sha256_hex(&bytes);
        if got != *sha256 {
            return refuse(place, format!("its bytes hash to {got}, not to its name"));
        }
        if bytes.len() as u64 != *size {
            return refuse(
                place,
                format!("{} bytes, the journal says {size}", bytes.len()),
            );
        }
    }

    // Checkpoints: each of this ledger, its root that of the entries at its size, and its
    // signature valid by the key it names.
    let text = read_file(dir, "checkpoints.jsonl")?;
    let text = String::from_utf8(text).or_else(|_| refuse("checkpoints.jsonl", "not UTF-8"))?;
    let mut checkpoints = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let place = format!("checkpoints.jsonl line {}", i + 1);
        let parsed: CheckpointLine = serde_json::from_str(line)
            .or_else(|e| refuse(&place, format!("not a checkpoint line: {e}")))?;
        if parsed.render() != line {
            return refuse(&place, "its bytes are not canonical JSON (edited?)");
        }
        let key = parsed
            .key
            .as_deref()
            .map(VerifierKey::parse)
            .transpose()
            .or_else(|e| refuse(&place, format!("its key is not usable: {e}")))?;
        let given = crate::checkpoint::parse_given(&parsed.note, "its note", key.as_ref())
            .or_else(|e| refuse(&place, e.to_string()))?;
        let c = given.checkpoint;
        if c.origin != manifest.origin {
            return refuse(&place, format!("it is of another ledger ('{}')", c.origin));
        }
        if c.size > manifest.size {
            return refuse(
                &place,
                format!(
                    "its size {} is past the journal's {}",
                    c.size, manifest.size
                ),
            );
        }
        let root = merkle::root(&tree, c.size).or_else(|e| refuse(&place, format!("{e:?}")))?;
        if root != c.root {
            return refuse(
                &place,
                format!(
                    "its root does not match the journal's first {} entries",
                    c.size
                ),
            );
        }
        checkpoints.push(BundleCheckpoint {
            line: parsed,
            size: c.size,
            root,
        });
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return refuse(
            "checkpoints.jsonl",
            "the last line has no line break (cut short?)",
        );
    }
    if checkpoints.len() != manifest.checkpoints {
        return refuse(
            "checkpoints.jsonl",
            format!(
                "it has {} checkpoints, manifest.json says {}",
                checkpoints.len(),
                manifest.checkpoints
            ),
        );
    }
    Ok(Bundle {
        dir: dir.to_path_buf(),
        manifest,
        entries,
        tree,
        checkpoints,
    })
}

/// Writes a bundle's files: `journal` gives each entry's exact bytes in order, `blob` the
/// bytes of each blob named in the manifest.
pub fn write(
    dir: &Path,
    manifest: &Manifest,
    journal: &[u8],
    checkpoints: &[CheckpointLine],
    mut blob: impl FnMut(&str) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("blobs"))?;
    std::fs::write(dir.join("journal.jsonl"), journal)?;
    let mut lines = String::new();
    for c in checkpoints {
        lines.push_str(&c.render());
        lines.push('\n');
    }
    std::fs::write(dir.join("checkpoints.jsonl"), lines)?;
    for sha256 in manifest.blobs.keys() {
        std::fs::write(dir.join("blobs").join(sha256), blob(sha256)?)?;
    }
    // The manifest last: a bundle cut short by a crash has none, and is refused.
    std::fs::write(dir.join("manifest.json"), manifest.render())?;
    Ok(())
}
