//! claimledger: a ledger for fact-checkers.
//!
//! It records claims found in sources, who made them and through whom they reached the
//! page, and their verification status over time. Every source is stored byte-exact under
//! its SHA-256, every claim is anchored to an exact span of an exact version, and every
//! change is an entry in a journal whose bytes are deterministic.
//!
//! Layout: the domain ([`source`], [`anchor`], [`party`], [`claim`], [`status`],
//! [`journal`]) knows nothing of storage or the terminal; [`store`] is the one place that
//! speaks SQL; [`ledger`] turns user actions into transactions; [`cli`] parses arguments and
//! renders results.

pub mod anchor;
pub mod canonical;
pub mod checkpoint;
pub mod claim;
pub mod cli;
pub mod dates;
pub mod error;
pub mod export;
pub mod extract;
pub mod import;
pub mod invisible;
pub mod journal;
pub mod ledger;
pub mod merkle;
pub mod note;
pub mod party;
pub mod proof;
pub mod report;
pub mod server;
pub mod source;
pub mod status;
pub mod store;

pub use error::{Error, Result};
pub use store::verify;
