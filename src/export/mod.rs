//! Interchange formats: what leaves the ledger for other programs to read.
//!
//! Each submodule maps the plain records below to one format and knows no SQL; gathering
//! the records from a ledger is [`crate::ledger::Ledger::export_records`]'s job. The
//! records hold the ledger's facts about a claim, end to end: who made it and through
//! whom, where it appears (the exact source version and span), its status history and the
//! journal entries behind it.
//!
//! The JSON formats are written a claim at a time ([`pretty`]), byte for byte what
//! `serde_json::to_string_pretty` gives for the whole document, so that an export of a
//! million claims holds one claim's records at a time, not all of them.

pub mod annotations;
pub mod bundle;
pub mod claimreview;
pub mod pretty;
pub mod prov;

use serde::Serialize;

/// A party as an export names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyRecord {
    /// The party's id in the ledger.
    pub id: i64,
    /// Its display name.
    pub name: String,
    /// Its kind (person, government, outlet, ...).
    pub kind: String,
}

impl PartyRecord {
    /// Whether the party is one person (schema.org Person, PROV Person) rather than an
    /// organisation. Unnamed sources are people ("a senior official").
    pub fn is_person(&self) -> bool {
        matches!(self.kind.as_str(), "person" | "unnamed")
    }
}

/// A source version as an export names it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRecord {
    /// SHA-256 of the exact bytes, lowercase hex.
    pub sha256: String,
    /// Number of bytes.
    pub size: i64,
    /// Media type.
    pub media_type: String,
    /// The document's name, and this version's number in it.
    pub document: String,
    /// 1-based version number.
    pub version: i64,
    /// When it was captured (RFC 3339).
    pub captured_at: String,
    /// Where it was published, if known.
    pub url: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// The journal entry that stored it.
    pub seq: i64,
}

/// Where a claim appears: an exact span of an exact source version.
#[derive(Debug, Clone, Serialize)]
pub struct AppearanceRecord {
    /// The appearance's id.
    pub id: i64,
    /// The source version.
    pub source: SourceRecord,
    /// Start in Unicode code points.
    pub start: i64,
    /// End in code points, exclusive.
    pub end: i64,
    /// Start in UTF-16 code units (as Hypothesis and browsers count).
    pub start_utf16: i64,
    /// End in UTF-16 code units, exclusive.
    pub end_utf16: i64,
    /// The text at the span.
    pub exact: String,
    /// Up to 32 code points before it.
    pub prefix: String,
    /// Up to 32 code points after it.
    pub suffix: String,
    /// A wider passage around the quote, for people: (before, after), cut at word ends.
    pub context: (String, String),
    /// The journal entry that recorded it.
    pub seq: i64,
    /// When that entry was recorded.
    pub time: String,
    /// Who recorded it.
    pub actor: String,
}

/// One status event of a claim.
#[derive(Debug, Clone, Serialize)]
pub struct StatusRecord {
    /// The status name (`denied`).
    pub status: String,
    /// The phrase people read ("denied by Kyiv").
    pub phrase: String,
    /// The ClaimReview rating it maps to (falls back to the label).
    pub rating: String,
    /// The party it names, if any.
    pub by: Option<PartyRecord>,
    /// The evidence source version, if any.
    pub evidence: Option<SourceRecord>,
    /// The quote in the evidence, if any.
    pub evidence_quote: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// When it was recorded.
    pub time: String,
    /// Who recorded it.
    pub actor: String,
    /// Its journal entry.
    pub seq: i64,
}

/// A journal entry behind a claim.
#[derive(Debug, Clone, Serialize)]
pub struct EntryRecord {
    /// Sequence number (= Merkle leaf index).
    pub seq: i64,
    /// Kind (`claim.add`).
    pub kind: String,
    /// When.
    pub time: String,
    /// Who.
    pub actor: String,
    /// SHA-256 of the entry bytes.
    pub hash: String,
    /// One line saying what it did.
    pub summary: String,
}

/// The checkpoint that covers (or does not yet cover) a claim's entries.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointRecord {
    /// The note as recorded.
    pub note: String,
    /// Tree size.
    pub size: u64,
    /// Root, hex.
    pub root: String,
}

/// Everything an export says about one claim.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRecord {
    /// `C1`.
    pub id: String,
    /// The fact-checker's statement of it.
    pub statement: String,
    /// Who made it.
    pub claimant: PartyRecord,
    /// Through whom it reached the page, outermost last.
    pub via: Vec<PartyRecord>,
    /// When it was said, if known.
    pub said: Option<String>,
    /// When it was recorded.
    pub recorded: String,
    /// Who recorded it.
    pub actor: String,
    /// The journal entry that recorded it.
    pub seq: i64,
    /// The current status phrase ("not independently confirmed").
    pub status_phrase: String,
    /// The current status name.
    pub status: String,
    /// Where it appears, in the order recorded.
    pub appearances: Vec<AppearanceRecord>,
    /// Status events, oldest first (empty: never given a status).
    pub history: Vec<StatusRecord>,
    /// The journal entries it rests on.
    pub entries: Vec<EntryRecord>,
    /// The latest checkpoint, if any.
    pub checkpoint: Option<CheckpointRecord>,
}

impl ClaimRecord {
    /// "claimant via A via B": the chain as one phrase.
    pub fn chain(&self) -> String {
        let mut out = self.claimant.name.clone();
        for p in &self.via {
            out.push_str(" via ");
            out.push_str(&p.name);
        }
        out
    }

    /// The latest status event, if the claim was ever given a status.
    pub fn latest(&self) -> Option<&StatusRecord> {
        self.history.last()
    }
}

/// The ledger as a whole, for exports that name it.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRecord {
    /// The checkpoint origin line (the ledger's name).
    pub origin: String,
    /// Number of journal entries.
    pub size: i64,
}

/// A URI naming a ledger's thing: `urn:claimledger:<origin>:<what>`, the origin
/// percent-encoded where a URN may not hold it as it is.
pub fn ledger_urn(origin: &str, what: &str) -> String {
    let mut out = String::from("urn:claimledger:");
    for b in origin.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push(':');
    out.push_str(what);
    out
}

/// RFC 6920 name of bytes by their SHA-256: `ni:///sha-256;<base64url, no padding>`.
pub fn ni_name(sha256_hex: &str) -> String {
    use base64::Engine;
    let bytes = hex::decode(sha256_hex).unwrap_or_default();
    format!(
        "ni:///sha-256;{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The day of an RFC 3339 time or date (`2026-03-04`).
pub fn day(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_uris() {
        assert_eq!(
            ledger_urn("desk.example/fact check", "claim:C1"),
            "urn:claimledger:desk.example/fact%20check:claim:C1"
        );
        // RFC 6920 §3 example: sha-256 of "Hello World!".
        assert_eq!(
            ni_name("7f83b1657ff1fc53b92dc18148a1d65dfc2d4b1fa3d677284addd200126d9069"),
            "ni:///sha-256;f4OxZX_x_FO5LcGBSKHWXfwtSx-j1ncoSt3SABJtkGk"
        );
    }
}
