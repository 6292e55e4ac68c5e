//! The journal: every change to a ledger, in order, as hashable entries.
//!
//! An entry is a sequence number, a time, an actor, a kind and a payload. Its *bytes* are
//! the canonical JSON (see [`crate::canonical`]) of the object
//! `{"actor","kind","payload","seq","time"}`, so the same entry always hashes the same, on
//! any machine, with any build. The entries are the record: the tables people query are
//! derived from them (src/store/project.rs) and can be rebuilt from them. Sequence numbers
//! start at 0, so an entry's sequence number is its leaf index in the Merkle tree.
//!
//! Payloads name parties by id and also keep the name as the user typed it (`as`), so
//! history reads as it was written even after names change.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::anchor::Anchor;
use crate::canonical;
use crate::source::SourceMeta;

/// One journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Position in the journal, from 0.
    pub seq: i64,
    /// When it was recorded (RFC 3339 UTC).
    pub time: String,
    /// Who recorded it.
    pub actor: String,
    /// What changed.
    pub event: Event,
}

/// A party as an entry names it: its id, and the name the user typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyRef {
    /// The party's id.
    pub id: i64,
    /// The name as typed.
    #[serde(rename = "as")]
    pub typed: String,
}

/// An appearance of a claim as an entry records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppearanceRecord {
    /// The appearance id.
    pub id: i64,
    /// The source version (full SHA-256).
    pub source: String,
    /// The quote as the user typed it.
    pub quote: String,
    /// Where it was anchored.
    #[serde(flatten)]
    pub anchor: Anchor,
}

/// Where an imported claim came from: the cell of the imported file its appearance spans
/// (the file itself is the appearance's source), and the rest of its row or item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// `csv` or `claimreview`.
    pub format: String,
    /// CSV: the line the row starts on (the header is line 1); ClaimReview: the item's
    /// 1-based number in the file.
    pub row: u64,
    /// The column (header name, or number without a header) or JSON key of the cell.
    pub column: String,
    /// The sheet's or feed's own id for the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The article the claim appeared in, for capturing and citing later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Everything else the row or item held (unmapped columns; the whole ClaimReview item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<serde_json::Value>,
}

/// Evidence for a status: a source version, optionally a quote in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The source version (full SHA-256).
    pub source: String,
    /// The quote in it, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
}

/// Where one appearance was found in one other version of its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracked {
    /// The appearance.
    pub appearance: i64,
    /// The other version (full SHA-256).
    pub source: String,
    /// unchanged, moved, changed or missing.
    pub state: crate::anchor::State,
    /// Start of the span found there.
    pub start: Option<usize>,
    /// End of the span found there.
    pub end: Option<usize>,
    /// The text at that span.
    pub exact: Option<String>,
    /// Fuzzy similarity in per mille, for fuzzy matches.
    pub score: Option<u32>,
}

/// Metadata fields a `source.update` entry sets; fields not given are left as they were.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaUpdate {
    /// The headline or title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where it was captured from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Who published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// When it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

impl MetaUpdate {
    /// `field=value` for each field given, in a fixed order.
    pub fn fields(&self) -> Vec<String> {
        [
            ("title", &self.title),
            ("url", &self.url),
            ("publisher", &self.publisher),
            ("author", &self.author),
            ("published", &self.published),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} \"{v}\"")))
        .collect()
    }

    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        self.fields().is_empty()
    }
}

/// Every kind of change, with its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum Event {
    /// The ledger was created.
    #[serde(rename = "ledger.init")]
    LedgerInit {
        /// The checkpoint origin line.
        origin: String,
        /// The program that created it.
        software: String,
    },
    /// A source version was stored.
    #[serde(rename = "source.add")]
    SourceAdd {
        /// SHA-256 of the bytes.
        sha256: String,
        /// Number of bytes.
        size: u64,
        /// Sniffed media type.
        media_type: String,
        /// Whether the bytes are UTF-8 text.
        is_text: bool,
        /// When it was captured.
        captured_at: String,
        /// The file name it was read from (None for standard input).
        origin: Option<String>,
        /// The document it is a version of.
        document: i64,
        /// The document's name.
        document_name: String,
        /// Its 1-based number among the document's versions.
        version: i64,
        /// Descriptive metadata.
        #[serde(flatten)]
        meta: SourceMeta,
        /// For a web page: the extractor (name/version) whose text of it quotes anchor in
        /// (absent: quotes anchor in the bytes as text, as in entries before it existed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text_extractor: Option<String>,
    },
    /// A party was named.
    #[serde(rename = "party.add")]
    PartyAdd {
        /// Its id.
        id: i64,
        /// Its display name.
        name: String,
        /// Its kind.
        kind: crate::party::PartyKind,
        /// A description ("a senior Ukrainian official").
        description: Option<String>,
        /// Other names it goes by.
        aliases: Vec<String>,
    },
    /// A party got another name.
    #[serde(rename = "party.alias")]
    PartyAlias {
        /// The party.
        party: PartyRef,
        /// The new name.
        alias: String,
    },
    /// What a party is became known: its kind, or a description.
    #[serde(rename = "party.update")]
    PartyUpdate {
        /// The party.
        party: PartyRef,
        /// Its kind, if given.
        kind: Option<crate::party::PartyKind>,
        /// Its description, if given.
        description: Option<String>,
    },
    /// Two parties turned out to be one: `merged` is folded into `into`, and all its names
    /// and references move with it.
    #[serde(rename = "party.merge")]
    PartyMerge {
        /// The party that remains.
        into: PartyRef,
        /// The party folded into it.
        merged: PartyRef,
    },
    /// A ledger's own status was defined.
    #[serde(rename = "status.define")]
    StatusDefine {
        /// The name users type.
        name: String,
        /// The phrase people read.
        label: String,
        /// Whether it needs a party (`--by`).
        takes_party: bool,
        /// The ClaimReview rating it maps to.
        rating: Option<String>,
    },
    /// A claim was recorded.
    #[serde(rename = "claim.add")]
    ClaimAdd {
        /// Its id (`C1`).
        id: String,
        /// The fact-checker's wording of it.
        statement: String,
        /// Who made it.
        claimant: PartyRef,
        /// Through whom it reached the page, outermost last.
        via: Vec<PartyRef>,
        /// When it was said, if known.
        said: Option<String>,
        /// Where it appears.
        appearance: AppearanceRecord,
        /// For a claim brought in by `import`: the cell it came from and what else the row
        /// said (absent for claims recorded one by one, whose entry bytes it leaves as they were).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        imported: Option<Imported>,
    },
    /// Another appearance of a claim.
    #[serde(rename = "claim.cite")]
    ClaimCite {
        /// The claim.
        claim: String,
        /// Where it appears.
        appearance: AppearanceRecord,
    },
    /// Appearances followed into other versions of their documents (when a version is
    /// added, or a claim is anchored in a document that has other versions).
    #[serde(rename = "appearance.track")]
    AppearanceTrack {
        /// One result per (appearance, version).
        results: Vec<Tracked>,
    },
    /// A status event.
    #[serde(rename = "status.set")]
    StatusSet {
        /// The claim.
        claim: String,
        /// The status name.
        status: String,
        /// The party it names ("by Kyiv").
        by: Option<PartyRef>,
        /// What it rests on.
        evidence: Option<Evidence>,
        /// A note.
        note: Option<String>,
    },
    /// A claim was withdrawn: logged by mistake, or a duplicate. It stays in the ledger
    /// (and in `audit`), out of the tables.
    #[serde(rename = "claim.withdraw")]
    ClaimWithdraw {
        /// The claim.
        claim: String,
        /// Why.
        reason: String,
    },
    /// A withdrawn claim stands again.
    #[serde(rename = "claim.restore")]
    ClaimRestore {
        /// The claim.
        claim: String,
        /// Why.
        reason: String,
    },
    /// A claim's own fields were corrected; only the fields given change.
    #[serde(rename = "claim.amend")]
    ClaimAmend {
        /// The claim.
        claim: String,
        /// The new statement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        statement: Option<String>,
        /// The new claimant.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        claimant: Option<PartyRef>,
        /// The new conduit chain, outermost last (empty: none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<Vec<PartyRef>>,
        /// The new date said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        said: Option<String>,
        /// Why.
        reason: String,
    },
    /// An appearance recorded by mistake was taken back.
    #[serde(rename = "claim.uncite")]
    ClaimUncite {
        /// The claim.
        claim: String,
        /// The appearance removed.
        appearance: i64,
        /// Its source version (full SHA-256).
        source: String,
        /// Its span start, in code points.
        start: usize,
        /// Its span end.
        end: usize,
        /// Why.
        reason: String,
    },
    /// A party merge was undone: the merged party's names, claims, conduit links and status
    /// events that the merge moved go back to it.
    #[serde(rename = "party.unmerge")]
    PartyUnmerge {
        /// The party that stands on its own again.
        party: PartyRef,
        /// The party it had been merged into.
        from: PartyRef,
        /// The party.merge entry undone.
        merge: i64,
        /// Why.
        reason: String,
    },
    /// A source version's metadata was filled in or corrected; only the fields given change.
    #[serde(rename = "source.update")]
    SourceUpdate {
        /// The source version (full SHA-256).
        sha256: String,
        /// The fields that change.
        #[serde(flatten)]
        meta: MetaUpdate,
    },
    /// A stored source version became a version of another document.
    #[serde(rename = "source.attach")]
    SourceAttach {
        /// The source version (full SHA-256).
        sha256: String,
        /// The document it joins.
        document: i64,
        /// That document's name.
        document_name: String,
        /// Its number among that document's versions.
        version: i64,
        /// The document it leaves (which, left with no version, is gone).
        from_document: i64,
    },
    /// A checkpoint was recorded: the note printed for the first `size` entries (the ones
    /// before this entry). Being an entry binds it into the record: deleting or altering a
    /// recorded checkpoint changes the journal, which `verify` sees.
    #[serde(rename = "checkpoint")]
    Checkpoint {
        /// Tree size it describes.
        size: u64,
        /// Its root, hex.
        root: String,
        /// The note exactly as printed (signed or not).
        note: String,
        /// The verifier key of its signature, if signed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        /// Set when the checkpoint was recorded before schema version 6 and entered into
        /// the journal by the upgrade.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        upgraded: bool,
    },
}

impl Event {
    /// The entry kind, as the journal's `kind` column holds it.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::LedgerInit { .. } => "ledger.init",
            Event::SourceAdd { .. } => "source.add",
            Event::PartyAdd { .. } => "party.add",
            Event::PartyAlias { .. } => "party.alias",
            Event::PartyMerge { .. } => "party.merge",
            Event::PartyUpdate { .. } => "party.update",
            Event::StatusDefine { .. } => "status.define",
            Event::ClaimAdd { .. } => "claim.add",
            Event::ClaimCite { .. } => "claim.cite",
            Event::AppearanceTrack { .. } => "appearance.track",
            Event::StatusSet { .. } => "status.set",
            Event::Checkpoint { .. } => "checkpoint",
            Event::ClaimWithdraw { .. } => "claim.withdraw",
            Event::ClaimRestore { .. } => "claim.restore",
            Event::ClaimAmend { .. } => "claim.amend",
            Event::ClaimUncite { .. } => "claim.uncite",
            Event::PartyUnmerge { .. } => "party.unmerge",
            Event::SourceUpdate { .. } => "source.update",
            Event::SourceAttach { .. } => "source.attach",
        }
    }

    /// One line saying what the entry did, for `log`.
    pub fn summary(&self) -> String {
        match self {
            Event::LedgerInit { origin, .. } => format!("ledger created, origin {origin}"),
            Event::SourceAdd {
                sha256,
                size,
                document_name,
                version,
                ..
            } => format!(
                "{}@{version} {} ({size} bytes)",
                document_name,
                crate::source::short(sha256)
            ),
            Event::PartyAdd { name, aliases, .. } if aliases.is_empty() => name.clone(),
            Event::PartyAdd { name, aliases, .. } => format!("{name} = {}", aliases.join(" = ")),
            Event::PartyAlias { party, alias } => format!("{} = {alias}", party.typed),
            Event::PartyUpdate {
                party,
                kind,
                description,
            } => {
                let mut what = Vec::new();
                if let Some(kind) = kind {
                    what.push(format!("kind {}", kind.as_str()));
                }
                if let Some(d) = description {
                    what.push(format!("\"{d}\""));
                }
                format!("{}: {}", party.typed, what.join(", "))
            }
            Event::PartyMerge { into, merged } => {
                format!("{} merged into {}", merged.typed, into.typed)
            }
            Event::StatusDefine {
                name,
                label,
                takes_party,
                ..
            } => format!(
                "status {name}: \"{label}\"{}",
                if *takes_party { " (takes a party)" } else { "" }
            ),
            Event::ClaimAdd {
                id,
                claimant,
                appearance,
                ..
            } => format!(
                "{id} by {} in {} at {}..{}",
                claimant.typed,
                crate::source::short(&appearance.source),
                appearance.anchor.start,
                appearance.anchor.end
            ),
            Event::ClaimCite { claim, appearance } => format!(
                "{claim} also in {} at {}..{}",
                crate::source::short(&appearance.source),
                appearance.anchor.start,
                appearance.anchor.end
            ),
            Event::AppearanceTrack { results } => {
                let count = |state| results.iter().filter(|r| r.state == state).count();
                use crate::anchor::State;
                format!(
                    "{} followed: {} unchanged, {} moved, {} changed, {} missing",
                    results.len(),
                    count(State::Unchanged),
                    count(State::Moved),
                    count(State::Changed),
                    count(State::Missing)
                )
            }
            Event::StatusSet {
                claim, status, by, ..
            } => match by {
                Some(by) => format!("{claim} {status} by {}", by.typed),
                None => format!("{claim} {status}"),
            },
            Event::ClaimWithdraw { claim, reason } => format!("{claim} withdrawn: {reason}"),
            Event::ClaimRestore { claim, reason } => format!("{claim} restored: {reason}"),
            Event::ClaimAmend {
                claim,
                statement,
                claimant,
                via,
                said,
                reason,
            } => {
                let mut what = Vec::new();
                if statement.is_some() {
                    what.push("statement".to_string());
                }
                if let Some(c) = claimant {
                    what.push(format!("claimant {}", c.typed));
                }
                if via.is_some() {
                    what.push("conduits".to_string());
                }
                if let Some(d) = said {
                    what.push(format!("said {d}"));
                }
                format!("{claim} amended ({}): {reason}", what.join(", "))
            }
            Event::ClaimUncite {
                claim,
                source,
                start,
                end,
                reason,
                ..
            } => format!(
                "{claim} no longer in {} at {start}..{end}: {reason}",
                crate::source::short(source)
            ),
            Event::PartyUnmerge {
                party,
                from,
                reason,
                ..
            } => format!("{} unmerged from {}: {reason}", party.typed, from.typed),
            Event::SourceUpdate { sha256, meta } => format!(
                "{} metadata: {}",
                crate::source::short(sha256),
                meta.fields().join(", ")
            ),
            Event::SourceAttach {
                sha256,
                document_name,
                version,
                ..
            } => format!(
                "{} attached as {document_name}@{version}",
                crate::source::short(sha256)
            ),
            Event::Checkpoint {
                size,
                key,
                upgraded,
                ..
            } => format!(
                "checkpoint of {size} entries{}{}",
                if key.is_some() { ", signed" } else { "" },
                if *upgraded {
                    " (recorded earlier, entered by the schema upgrade)"
                } else {
                    ""
                }
            ),
        }
    }

    /// The payload as canonical JSON.
    pub fn payload_json(&self) -> String {
        // The tagged form `{"kind":…,"payload":…}` written canonically ("kind" sorts first),
        // with the payload cut out of it: no JSON tree is built.
        let whole = canonical::to_vec(self);
        let mut head = b"{\"kind\":".to_vec();
        serde_json::to_writer(&mut head, self.kind()).expect("writing to a Vec cannot fail");
        head.extend_from_slice(b",\"payload\":");
        let payload = match whole.strip_prefix(head.as_slice()) {
            Some(rest) => &rest[..rest.len() - 1],
            None => b"null".as_slice(),
        };
        String::from_utf8(payload.to_vec()).expect("canonical JSON is UTF-8")
    }

    /// Rebuilds an event from its kind and payload, as stored.
    pub fn from_parts(kind: &str, payload: &str) -> Result<Event, String> {
        // The tagged form, as text: serde reads it in one pass, with no JSON tree between.
        let kind_json = serde_json::to_string(kind).expect("strings serialize");
        let tagged = format!("{{\"kind\":{kind_json},\"payload\":{payload}}}");
        serde_json::from_str(&tagged).map_err(|e| {
            if serde_json::from_str::<serde_json::Value>(payload).is_err() {
                format!("payload is not JSON: {e}")
            } else {
                format!("not a {kind} payload: {e}")
            }
        })
    }
}

/// The canonical bytes of an entry from its parts, `payload` being canonical JSON already:
/// `{"actor":…,"kind":…,"payload":…,"seq":…,"time":…}` (keys in order, no whitespace), the
/// same bytes [`crate::canonical`] gives for the whole object, built without parsing.
pub fn entry_bytes(seq: i64, time: &str, actor: &str, kind: &str, payload: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + actor.len() + 96);
    out.extend_from_slice(b"{\"actor\":");
    serde_json::to_writer(&mut out, actor).expect("writing to a Vec cannot fail");
    out.extend_from_slice(b",\"kind\":");
    serde_json::to_writer(&mut out, kind).expect("writing to a Vec cannot fail");
    out.extend_from_slice(b",\"payload\":");
    out.extend_from_slice(payload.as_bytes());
    out.extend_from_slice(b",\"seq\":");
    out.extend_from_slice(seq.to_string().as_bytes());
    out.extend_from_slice(b",\"time\":");
    serde_json::to_writer(&mut out, time).expect("writing to a Vec cannot fail");
    out.push(b'}');
    out
}

impl Entry {
    /// The entry's canonical bytes: what is hashed and what the Merkle leaf covers.
    pub fn bytes(&self) -> Vec<u8> {
        entry_bytes(
            self.seq,
            &self.time,
            &self.actor,
            self.event.kind(),
            &self.event.payload_json(),
        )
    }

    /// SHA-256 of the entry bytes, in lowercase hex.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            seq: 4,
            time: "2026-01-02T03:04:05.006Z".into(),
            actor: "ana".into(),
            event: Event::StatusSet {
                claim: "C1".into(),
                status: "denied".into(),
                by: Some(PartyRef {
                    id: 2,
                    typed: "kyiv".into(),
                }),
                evidence: None,
                note: Some("said on TV".into()),
            },
        }
    }

    #[test]
    fn entry_bytes_are_canonical_and_stable() {
        let bytes = String::from_utf8(entry().bytes()).unwrap();
        assert_eq!(
            bytes,
            r#"{"actor":"ana","kind":"status.set","payload":{"by":{"as":"kyiv","id":2},"claim":"C1","evidence":null,"note":"said on TV","status":"denied"},"seq":4,"time":"2026-01-02T03:04:05.006Z"}"#
        );
        // The hash is the SHA-256 of exactly those bytes.
        assert_eq!(entry().hash(), crate::source::sha256_hex(bytes.as_bytes()));
    }

    #[test]
    fn entry_bytes_from_parts_are_the_canonical_object() {
        let e = entry();
        let whole = serde_json::json!({
            "actor": e.actor,
            "kind": e.event.kind(),
            "payload": serde_json::from_str::<serde_json::Value>(&e.event.payload_json()).unwrap(),
            "seq": e.seq,
            "time": e.time,
        });
        assert_eq!(e.bytes(), canonical::to_vec(&whole));
    }

    #[test]
    fn a_correction_records_only_what_changes() {
        let amend = Event::ClaimAmend {
            claim: "C2".into(),
            statement: None,
            claimant: Some(PartyRef {
                id: 7,
                typed: "Valtrane".into(),
            }),
            via: Some(Vec::new()),
            said: None,
            reason: "wrong claimant".into(),
        };
        assert_eq!(
            amend.payload_json(),
            r#"{"claim":"C2","claimant":{"as":"Valtrane","id":7},"reason":"wrong claimant","via":[]}"#
        );
        assert_eq!(
            Event::from_parts("claim.amend", &amend.payload_json()).unwrap(),
            amend
        );
        let update = Event::SourceUpdate {
            sha256: "ab".into(),
            meta: MetaUpdate {
                title: Some("T".into()),
                ..MetaUpdate::default()
            },
        };
        assert_eq!(update.payload_json(), r#"{"sha256":"ab","title":"T"}"#);
        assert_eq!(
            Event::from_parts("source.update", &update.payload_json()).unwrap(),
            update
        );
    }

    #[test]
    fn payloads_round_trip_through_storage() {
        let e = entry();
        let back = Event::from_parts(e.event.kind(), &e.event.payload_json()).unwrap();
        assert_eq!(back, e.event);
    }
}
