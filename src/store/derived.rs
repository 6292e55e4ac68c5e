//! Derived texts of web pages: written when the source is added, read to anchor quotes.

use rusqlite::{OptionalExtension, params};

use super::Tx;
use crate::error::Result;

impl Tx<'_> {
    /// The derived text of a source, with the extractor that made it.
    pub fn derived_text(&self, sha256: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .prepare_cached("SELECT extractor, text FROM derived_texts WHERE sha256 = ?1")?
            .query_row(params![sha256], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Records the derived text of a source just stored.
    pub fn store_derived(&self, sha256: &str, extractor: &str, text: &str) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO derived_texts (sha256, extractor, text) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![sha256, extractor, text])?;
        Ok(())
    }
}
