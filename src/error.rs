//! Typed errors of the library.
//!
//! Every variant renders as one line that says what was wrong and what to do about it.
//! Some errors carry more to show (the candidates of an ambiguous prefix, the places a
//! quote was found, the closest passage); [`Error::details`] gives those lines, which the
//! command line prints under the message. All of them mean "nothing was written".

use std::path::PathBuf;

/// The result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One place a quote was found, for messages that list several.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Site {
    /// Start in code points.
    pub start: usize,
    /// End in code points, exclusive.
    pub end: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in code points.
    pub column: usize,
    /// The match with a little context on each side, on one line.
    pub context: String,
}

/// What the library can refuse to do, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{} is not UTF-8 text ({media_type}), so it cannot be imported; save it as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`) and import that",
        path.display()
    )]
    ImportNotText { path: PathBuf, media_type: String },

    #[error("{0}")]
    ImportMapping(String),

    #[error(
        "no ledger at {}; create one with `claimledger init`, or point --db (or CLAIMLEDGER_DB) at an existing ledger",
        path.display()
    )]
    NoLedger { path: PathBuf },

    #[error(
        "a file already exists at {}; `init` never overwrites: pick another --db path",
        path.display()
    )]
    LedgerExists { path: PathBuf },

    #[error("cannot create a ledger at {}: {source}; check that the folder exists and is writable", path.display())]
    CreateLedger {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The write lock stayed taken for the whole wait ([`crate::store::BUSY_WAIT_SECS`], or
    /// `CLAIMLEDGER_LOCK_WAIT`): by one long write, or by many writers one after another.
    #[error(
        "could not get this ledger's write lock within {} seconds: other processes kept writing to it (one long write, or many short ones); nothing was written: try again when they are done, or wait longer with CLAIMLEDGER_LOCK_WAIT=SECONDS",
        crate::store::faults::lock_wait_secs()
    )]
    Busy,

    #[error("{} is not a claimledger ledger ({reason}); check the --db path", path.display())]
    NotALedger { path: PathBuf, reason: String },

    #[error(
        "the ledger at {} has schema version {found}, newer than this claimledger understands (up to {supported}); upgrade claimledger to open it",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("cannot read {}: {source}", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{} is a directory; give the path of a file, or - for standard input", path.display())]
    IsDirectory { path: PathBuf },

    #[error("{} is empty; there is nothing to record", path.display())]
    EmptySource { path: PathBuf },

    #[error("source '{0}' not found; `claimledger source list` shows the sources in this ledger")]
    UnknownSource(String),

    #[error(
        "source prefix '{prefix}' is ambiguous: it matches {} sources; give more hex digits",
        candidates.len()
    )]
    AmbiguousSource {
        prefix: String,
        candidates: Vec<String>,
    },

    #[error(
        "source prefix '{0}' is too short; give at least 6 hex digits of the SHA-256, or DOC@latest"
    )]
    ShortPrefix(String),

    #[error("document '{name}' has {count} version(s), so it has no version {wanted}")]
    NoSuchVersion {
        name: String,
        count: i64,
        wanted: i64,
    },

    #[error(
        "source {short} is {media_type}, not UTF-8 text; quotes can only be anchored in text (cite it as evidence with `status set --evidence`)"
    )]
    NotText { short: String, media_type: String },

    #[error(
        "source {short} is a PDF with no text layer (a scan?): there is no text to anchor a quote in; cite it as evidence with `status set --evidence`, or add a version with text"
    )]
    NoTextLayer { short: String },

    #[error(
        "source {short} is an MHTML archive whose page claimledger cannot read (its root part is not text/html, or is in a charset that does not decode): there is no text to anchor a quote in; cite it as evidence with `status set --evidence`, or add the page saved as HTML"
    )]
    UnreadableArchive { short: String },

    #[error("the quote is empty; pass the words of the claim with --quote")]
    EmptyQuote,

    #[error(
        "the quote was not found in source {short}; check it against `claimledger source show {short} --text`"
    )]
    QuoteNotFound {
        short: String,
        closest: Option<Box<Site>>,
        differences: Vec<String>,
        /// Another stored source the quote is in, as `DOC@N (sha256 prefix)`.
        elsewhere: Option<String>,
        /// Whether the source is a web page (its text derived from the saved markup).
        page: bool,
    },

    #[error(
        "the quote occurs {count} times in source {short}; pick one with --occurrence N (1 to {count}) or quote more words"
    )]
    QuoteAmbiguous {
        short: String,
        count: usize,
        sites: Vec<Site>,
    },

    #[error(
        "the quote starts or ends inside a word in source {short}: the whole words there are \"{whole}\"; quote whole words, or pass --partial-word if only part of the word is meant"
    )]
    QuoteMidWord {
        short: String,
        whole: String,
        count: usize,
        site: Box<Site>,
    },

    #[error(
        "--occurrence {wanted} is out of range: the quote occurs {count} time(s) in source {short}"
    )]
    OccurrenceOutOfRange {
        short: String,
        wanted: usize,
        count: usize,
        sites: Vec<Site>,
    },

    #[error(
        "claim {claim} already has that appearance (source {short}, code points {start}..{end})"
    )]
    DuplicateAppearance {
        claim: String,
        short: String,
        start: usize,
        end: usize,
    },

    #[error("claim '{0}' not found; `claimledger list` shows claim ids (C1, C2, ...)")]
    UnknownClaim(String),

    #[error("unknown status '{name}'; known statuses: {}", known.join(", "))]
    UnknownStatus { name: String, known: Vec<String> },

    #[error("status '{status}' needs a party: say who with --by (for example --by Kyiv)")]
    StatusNeedsParty { status: String },

    #[error("--quote needs --evidence: say which source the quote is in")]
    QuoteWithoutEvidence,

    #[error(
        "{what} \"{name}\" contains {found}; a name is one line of printable text: type it again without that character"
    )]
    BadName {
        what: String,
        name: String,
        found: String,
    },

    #[error("party name is empty; give a name")]
    EmptyPartyName,

    #[error("party '{0}' not found; `claimledger party list` shows the parties and their names")]
    UnknownParty(String),

    #[error("the name '{name}' already belongs to {party}; parties are matched case-insensitively")]
    NameTaken { name: String, party: String },

    #[error("unknown party kind '{kind}'; use one of: {}", known.join(", "))]
    UnknownPartyKind {
        kind: String,
        known: &'static [&'static str],
    },

    #[error(
        "the claimant cannot also be a conduit of the same claim ('{0}'); list conduits with --via only"
    )]
    ClaimantIsConduit(String),

    #[error("invalid {what} '{value}': {expected}")]
    InvalidValue {
        what: &'static str,
        value: String,
        expected: &'static str,
    },

    #[error(
        "{what} {value} is not a plausible date: it must be from {earliest}-01-01 to tomorrow ({latest}); check the year"
    )]
    ImplausibleDate {
        what: &'static str,
        value: String,
        earliest: i32,
        latest: String,
    },

    #[error(
        "--version-of names document '{version_of}' but --url belongs to document '{url}'; give one of them"
    )]
    DocumentConflict { version_of: String, url: String },

    #[error("'{a}' and '{b}' are already the same party ({party}); nothing to merge")]
    SameParty { a: String, b: String, party: String },

    #[error(
        "status '{name}' (\"{label}\") already exists; `claimledger status list` shows the vocabulary"
    )]
    StatusExists { name: String, label: String },

    #[error("no account named '{0}'; `claimledger user list` shows the accounts")]
    UnknownUser(String),

    #[error(
        "the account '{0}' already exists; revoke it first (`claimledger user revoke {0}`) to give it a new token"
    )]
    UserExists(String),

    #[error("no claim matches those filters; check them with `claimledger list` first")]
    NothingMatches,

    #[error("say why with --reason TEXT: every correction records its reason")]
    EmptyReason,

    #[error(
        "claim {claim} is withdrawn; restore it first (`claimledger claim restore {claim} --reason TEXT`) to {action} it"
    )]
    ClaimWithdrawn { claim: String, action: &'static str },

    #[error("claim {0} is already withdrawn; `claimledger audit {0}` shows when and why")]
    AlreadyWithdrawn(String),

    #[error("claim {0} is not withdrawn; there is nothing to restore")]
    NotWithdrawn(String),

    #[error("say what to change in claim {0}: --statement, --claimant, --via or --no-via, --said")]
    NothingToAmend(String),

    #[error("claim {0} already reads that way; nothing to amend")]
    AmendChangesNothing(String),

    #[error(
        "that is the only appearance of claim {0}; a claim stays anchored somewhere: withdraw it instead (`claimledger claim withdraw {0} --reason TEXT`)"
    )]
    LastAppearance(String),

    #[error(
        "claim {claim} has no appearance {wanted}; it has {count} (`claimledger audit {claim}` numbers them)"
    )]
    NoSuchAppearance {
        claim: String,
        wanted: String,
        count: usize,
    },

    #[error(
        "this quote by {claimant} is already claim {existing} (source {short}, code points {start}..{end}); pass --duplicate if it is meant to be another claim, or cite it with `claimledger claim cite {existing}`"
    )]
    DuplicateClaim {
        existing: String,
        claimant: String,
        short: String,
        start: usize,
        end: usize,
    },

    #[error(
        "the name '{0}' did not come to its party by a merge that still stands; nothing to unmerge (`claimledger party show` lists a party's names)"
    )]
    NotMerged(String),

    #[error(
        "{short} is already stored as {document}@{version} with other {fields}; nothing written: change it with `claimledger source set {document}@{version}`{hint}"
    )]
    StoredMetadataDiffers {
        short: String,
        document: String,
        version: i64,
        fields: String,
        hint: String,
    },

    #[error(
        "{short} is already a version of document '{document}' ({document}@{version}); nothing to attach"
    )]
    AlreadyAttached {
        short: String,
        document: String,
        version: i64,
    },

    #[error(
        "{short} is {document}@{version}, one of {count} versions of its document; only a source that is the only version of its document can be attached to another"
    )]
    AttachVersioned {
        short: String,
        document: String,
        version: i64,
        count: i64,
    },

    #[error("say what to set: --title, --url, --publisher, --author or --published")]
    NothingToSet,

    #[error("source {0} already has that metadata; nothing written")]
    MetadataUnchanged(String),

    #[error("document name '{name}' cannot be used: {why}")]
    BadDocumentName { name: String, why: &'static str },

    /// Arguments whose combination makes no sense (exit code 2, like clap's own).
    #[error("{0}")]
    Usage(String),

    #[error(
        "journal entry #{seq} cannot be read: {reason}; `claimledger verify` names what else is damaged"
    )]
    BadEntry { seq: i64, reason: String },

    #[error(
        "the ledger's Merkle tree node at level {level}, index {index} cannot be used ({reason}); run `claimledger verify` to see what is wrong"
    )]
    MerkleNode {
        level: u32,
        index: u64,
        reason: String,
    },

    #[error("cannot make the proof: {0}")]
    Proof(String),

    #[error("this ledger has no checkpoint yet; record one with `claimledger checkpoint`")]
    NoCheckpoint,

    #[error("{what} is not a usable checkpoint: {reason}")]
    BadCheckpoint { what: String, reason: String },

    #[error("{what} is not a usable key: {reason}")]
    BadKey { what: String, reason: String },

    #[error("{} already exists; `key generate` never overwrites a key: pick another --out", path.display())]
    KeyExists { path: PathBuf },

    #[error("cannot write {}: {source}", path.display())]
    WriteFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("the bundle is refused (nothing was written): {place}: {reason}")]
    BadBundle { place: String, reason: String },

    #[error("{0}; nothing was written")]
    BundleConflict(String),

    #[error("{} is not an empty folder; `export bundle` writes into a new or empty folder", path.display())]
    BundleDirNotEmpty { path: PathBuf },

    /// A check failed: the ledger and a checkpoint disagree (exit code 3).
    #[error("{0}")]
    CheckFailed(String),

    #[error("cannot write to standard output: {0}")]
    Output(#[source] std::io::Error),

    #[error("ledger database error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("ledger database error: {0}")]
    SqlValue(#[from] rusqlite::types::FromSqlError),

    /// A write to a ledger that can only be read (its file, folder or mount).
    #[error(
        "the ledger at {} can only be read: {reason}; reading commands (list, audit, log, verify, proof) work, to record ask for write access or copy the ledger somewhere writable",
        path.display()
    )]
    ReadOnly { path: PathBuf, reason: String },

    /// SQLite ran out of room.
    #[error(
        "the disk holding {} is full{free}; nothing was written: free some space and try again",
        path.display()
    )]
    DiskFull { path: PathBuf, free: String },

    /// The operating system reported an I/O error while the ledger was being written.
    #[error(
        "the disk reported an I/O error on {} ({detail}); the change was rolled back unless the error came after its commit: run `claimledger verify` and `claimledger log` to see, and check the disk",
        path.display()
    )]
    DiskError { path: PathBuf, detail: String },

    /// The file is an SQLite ledger whose bytes are damaged (truncated, overwritten).
    #[error(
        "the ledger file {} is damaged ({reason}); restore it from a backup",
        path.display()
    )]
    Damaged { path: PathBuf, reason: String },

    /// The tables do not fit the schema version the file says it has.
    #[error(
        "the ledger at {} says it has schema version {found}, but its tables do not fit that version ({reason}); its user_version was probably changed by hand: {advice}",
        path.display()
    )]
    SchemaMismatch {
        path: PathBuf,
        found: i64,
        reason: String,
        advice: String,
    },
}

impl Error {
    /// The process exit code for this error (SPEC §4): 3 when a check failed, else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::CheckFailed(_) => 3,
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    /// Lines to print under the message: candidates, matches, the closest passage.
    pub fn details(&self) -> Vec<String> {
        match self {
            Error::AmbiguousSource { candidates, .. } => candidates.clone(),
            Error::QuoteAmbiguous { sites, count, .. }
            | Error::OccurrenceOutOfRange { sites, count, .. } => {
                let mut lines: Vec<String> = sites
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        format!(
                            "--occurrence {}: line {}:{}  {}",
                            i + 1,
                            s.line,
                            s.column,
                            s.context
                        )
                    })
                    .collect();
                if *count > sites.len() {
                    lines.push(format!(
                        "… and {} more; a longer quote will narrow it down",
                        count - sites.len()
                    ));
                }
                lines
            }
            Error::QuoteMidWord { site, count, .. } => {
                let mut lines = vec![format!(
                    "inside a word at line {}:{}: {}",
                    site.line, site.column, site.context
                )];
                if *count > 1 {
                    lines.push(format!("… and {} more inside words", count - 1));
                }
                lines
            }
            Error::QuoteNotFound {
                closest,
                differences,
                elsewhere,
                page,
                ..
            } => {
                let mut lines = Vec::new();
                if *page && closest.is_none() {
                    lines.push("a web page's text is what its saved markup shows: words a script writes as the page loads (a date, a byline) are not in it, and letters a style sheet capitalizes keep the case they have in the markup".to_string());
                }
                if let Some(other) = elsewhere {
                    lines.push(format!(
                        "the quote is in another stored source, {other}: did you mean --source {}?",
                        other.split(' ').next().unwrap_or(other)
                    ));
                }
                if let Some(site) = closest {
                    lines.push(format!(
                        "closest passage, line {}:{}: {}",
                        site.line, site.column, site.context
                    ));
                    lines.extend(differences.iter().map(|d| format!("  {d}")));
                }
                lines
            }
            _ => Vec::new(),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        crate::store::faults::classify(e)
    }
}
