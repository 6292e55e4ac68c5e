//! Reads about imported claims: where each came from, and which ids are known.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::Tx;
use crate::error::Result;

/// Where an imported claim came from.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRow {
    /// The imported file (a source version).
    pub source: String,
    /// The file name it was read from, if known.
    pub origin: Option<String>,
    /// `csv` or `claimreview`.
    pub format: String,
    /// CSV: the line its row starts on; ClaimReview: its item number.
    pub row: i64,
    /// The column or key of its cell.
    pub column: String,
    /// The file's own id for it.
    pub external_id: Option<String>,
    /// The article it appeared in.
    pub url: Option<String>,
    /// The rest of its row or item (canonical JSON).
    pub record: Option<serde_json::Value>,
    /// The document captured from `url` since, if any (to `claim cite` the claim in).
    pub captured_as: Option<String>,
}

impl Tx<'_> {
    /// Where claim `claim` was imported from, if it was imported.
    pub fn claim_import(&self, claim: &str) -> Result<Option<ImportRow>> {
        Ok(self
            .query_row(
                "SELECT i.source, s.origin, i.format, i.cell_row, i.cell_column, i.external_id,
                    i.url, i.record,
                    (SELECT d.name FROM documents d WHERE d.url = i.url ORDER BY d.id LIMIT 1)
                 FROM claim_imports i JOIN sources s ON s.sha256 = i.source
                 WHERE i.claim_id = ?1",
                params![claim],
                |r| {
                    let record: Option<String> = r.get(7)?;
                    Ok(ImportRow {
                        source: r.get(0)?,
                        origin: r.get(1)?,
                        format: r.get(2)?,
                        row: r.get(3)?,
                        column: r.get(4)?,
                        external_id: r.get(5)?,
                        url: r.get(6)?,
                        record: record.and_then(|t| serde_json::from_str(&t).ok()),
                        captured_as: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether claims were imported from this file already.
    pub fn imported_from(&self, source: &str) -> Result<u64> {
        Ok(self.query_row(
            "SELECT count(*) FROM claim_imports WHERE source = ?1",
            params![source],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Lets this connection's page cache grow to `mib` MiB for the rest of the transaction.
    /// A large import touches the same pages (the journal's and the indexes' last leaves)
    /// again and again; with the default 2 MiB cache they are spilled into the write-ahead
    /// log over and over before the commit.
    pub fn widen_cache(&self, mib: i64) -> Result<()> {
        self.pragma_update(None, "cache_size", -(mib * 1024))?;
        Ok(())
    }

    /// The claim imported under an external id, if any.
    pub fn claim_by_external_id(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .prepare_cached("SELECT claim_id FROM claim_imports WHERE external_id = ?1 LIMIT 1")?
            .query_row(params![id], |r| r.get(0))
            .optional()?)
    }
}
