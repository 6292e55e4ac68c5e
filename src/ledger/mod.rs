//! The ledger: what users do, as operations that check their input, append journal
//! entries and return what happened. Each operation is one transaction.
//!
//! This module knows nothing of the terminal: it takes plain values and returns plain
//! values (which the command line renders as text, JSON or CSV).
//!
//! Every operation takes the time of its journal entries after it holds the write lock,
//! so journal times never run backwards, however long a writer waited.

mod anchoring;
mod audit;
mod bundle;
mod claims;
mod corrections;
mod export;
mod import;
mod parties;
mod served;
mod sources;
mod statuses;
mod tables;
mod users;

use std::io::Read;
use std::path::Path;

pub use audit::{Audit, AuditAppearance, AuditEntry, VersionState};
pub use bundle::{BundleImported, BundleWritten, import_bundle};
pub use claims::{AppearanceOut, ClaimRecorded, NewClaim};
pub use corrections::{Change, Corrected, CorrectionOut};
pub use export::{ExportRecords, Selection};
pub use import::{ImportFormat, ImportOptions, ImportReport, MAX_PROBLEMS, UnknownStatus};
pub use parties::{PartyClaim, PartyRecorded, PartyShown, PartyUnmerged};
pub use sources::{NewSource, Reanchored, SourceAdded, SourceShown};
pub use statuses::{NewStatus, StatusRecorded, Targets};
pub use tables::{ClaimantCount, ListQuery, StatusCount, Summary};
pub use users::{Account, Role, UserAdded, check_user_name};

use crate::dates;
use crate::error::{Error, Result};
use crate::journal::Event;
use crate::store::Store;

/// An open ledger and who is acting on it.
pub struct Ledger {
    store: Store,
    actor: String,
}

/// Where source bytes come from.
pub enum Input<'a> {
    /// A file.
    File(&'a Path),
    /// Standard input (or any reader), with a name for messages.
    Reader(Box<dyn Read + 'a>, &'a Path),
}

impl Ledger {
    /// Creates a ledger at `path`. `origin` is its checkpoint origin line (default: a
    /// random one).
    pub fn init(path: &Path, actor: &str, origin: Option<String>) -> Result<(Ledger, String)> {
        let origin = match origin {
            Some(o) => {
                let o = o.trim().to_string();
                if o.is_empty() || o.contains('\n') {
                    return Err(Error::InvalidValue {
                        what: "--origin",
                        value: o,
                        expected: "expected one non-empty line, such as example.org/factcheck",
                    });
                }
                o
            }
            None => default_origin(),
        };
        let store = Store::create(
            path,
            &dates::now(),
            actor,
            Event::LedgerInit {
                origin: origin.clone(),
                software: format!("claimledger {}", env!("CARGO_PKG_VERSION")),
            },
        )?;
        Ok((
            Ledger {
                store,
                actor: actor.to_string(),
            },
            origin,
        ))
    }

    /// Opens the ledger at `path`.
    pub fn open(path: &Path, actor: &str) -> Result<Ledger> {
        Ok(Ledger {
            store: Store::open(path)?,
            actor: actor.to_string(),
        })
    }

    /// Where the ledger is.
    pub fn path(&self) -> &Path {
        self.store.path()
    }
}

/// A random origin line for a ledger that was not given one.
fn default_origin() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    format!("claimledger.local/{}", hex::encode(bytes))
}
