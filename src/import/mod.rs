//! Import formats: tracking sheets (CSV and TSV) and ClaimReview feeds, read into plain
//! records ([`Item`]) that the ledger then resolves and records (src/ledger/import.rs).
//! These modules parse and map; they know nothing of SQL.
//!
//! Every item carries the byte range of one cell of the file (the statement cell, the quote
//! cell, or the `claimReviewed`/`text` string): the imported file is stored as a source and
//! that range becomes the claim's appearance in it. The range is the cell's *raw* text as
//! the file holds it: for a CSV cell in quotes, the bytes between the quotes (a doubled `""`
//! stays doubled); for a JSON string, the bytes between its quotes (escapes stay escaped).
//! So the appearance's exact text is always a slice of the stored bytes, and `verify` can
//! check it there; the claim's statement is the cell's decoded value.

pub mod claimreview;
pub mod csv;
pub mod mapping;

use std::ops::Range;

use serde::Serialize;

use crate::party::PartyKind;

/// One claim as a file gives it, before party names and statuses are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// CSV: the line its row starts on; ClaimReview: its 1-based number in the file.
    pub row: u64,
    /// The column (or JSON key) of the cell the appearance spans.
    pub column: String,
    /// That cell's raw text, as a byte range of the file.
    pub cell: Range<usize>,
    /// The statement (the cell's value, trimmed; or the statement column beside a quote).
    pub statement: String,
    /// Who made the claim.
    pub claimant: String,
    /// The claimant's kind, when the file says (ClaimReview `@type`).
    pub claimant_kind: Option<PartyKind>,
    /// Through whom it reached the page, outermost last.
    pub via: Vec<String>,
    /// When it was said (checked: a day or an RFC 3339 time).
    pub said: Option<String>,
    /// Status events to record, in order.
    pub statuses: Vec<StatusItem>,
    /// The article it appeared in.
    pub url: Option<String>,
    /// The file's own id for it.
    pub id: Option<String>,
    /// Everything else the row or item held.
    pub record: Option<serde_json::Value>,
}

/// A status the file gives a claim, as a word still to be matched to the vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusItem {
    /// The status word or rating as written ("Pants on Fire").
    pub value: String,
    /// The column or key it came from, for messages.
    pub column: String,
    /// The party it names (a `by` column; a ClaimReview's reviewing organisation).
    pub by: Option<String>,
    /// That party's kind, when the file says.
    pub by_kind: Option<PartyKind>,
    /// A note (a `note` column; the review's URL and date).
    pub note: Option<String>,
}

/// A problem with one row or item: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// CSV: the line the row starts on; ClaimReview: the item number (0: the whole file).
    pub row: u64,
    /// The column or key, when one cell is at fault.
    pub column: Option<String>,
    /// What is wrong, and what to do.
    pub message: String,
}

impl Problem {
    /// A problem with one cell.
    pub fn cell(row: u64, column: &str, message: impl Into<String>) -> Problem {
        Problem {
            row,
            column: Some(column.to_string()),
            message: message.into(),
        }
    }

    /// A problem with a whole row.
    pub fn row(row: u64, message: impl Into<String>) -> Problem {
        Problem {
            row,
            column: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "row {}, column `{c}`: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

/// A date as a file writes it: a day or an RFC 3339 time, or an RFC 3339-like time without
/// a zone (common in feeds), of which the day is kept.
pub fn date(value: &str) -> Option<String> {
    let value = value.trim();
    crate::dates::parse_date("date", value).ok().or_else(|| {
        value
            .get(..10)
            .and_then(|day| crate::dates::parse_date("date", day).ok())
            .filter(|_| value.as_bytes().get(10) == Some(&b'T'))
    })
}
