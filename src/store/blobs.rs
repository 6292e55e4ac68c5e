//! Source bytes, stored in chunks under a blob row named by their SHA-256.
//!
//! Bytes are written while they are read and hashed, so the blob row starts with a
//! placeholder name and gets its real one when the last chunk is in. All of it happens in
//! the action's transaction: if the bytes turn out to be known already, rolling back
//! leaves no trace.

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::Tx;
use crate::error::Result;

const PENDING: &str = "pending";

impl Tx<'_> {
    /// Starts a blob whose name is not known yet; returns its row id.
    pub fn begin_blob(&self) -> Result<i64> {
        self.execute(
            "INSERT INTO blobs (sha256, size) VALUES (?1, 0)",
            params![PENDING],
        )?;
        Ok(self.last_insert_rowid())
    }

    /// Stores chunk number `index` of blob `blob`.
    pub fn write_chunk(&self, blob: i64, index: usize, data: &[u8]) -> Result<()> {
        self.prepare_cached("INSERT INTO blob_chunks (blob_id, chunk, data) VALUES (?1, ?2, ?3)")?
            .execute(params![blob, index as i64, data])?;
        Ok(())
    }

    /// Gives a finished blob its name and size.
    pub fn finish_blob(&self, blob: i64, sha256: &str, size: u64) -> Result<()> {
        self.execute(
            "UPDATE blobs SET sha256 = ?2, size = ?3 WHERE id = ?1",
            params![blob, sha256, size as i64],
        )?;
        Ok(())
    }

    /// The stored bytes named `sha256`, or None if there are none.
    pub fn blob_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let Some(id) = self.blob_id(sha256)? else {
            return Ok(None);
        };
        // Sized up front: growing a buffer by doubling would briefly hold a long text twice.
        let size: i64 =
            self.query_row("SELECT size FROM blobs WHERE id = ?1", params![id], |r| {
                r.get(0)
            })?;
        let mut bytes = Vec::with_capacity(size.max(0) as usize);
        let mut stmt =
            self.prepare_cached("SELECT data FROM blob_chunks WHERE blob_id = ?1 ORDER BY chunk")?;
        let mut rows = stmt.query(params![id])?;
        while let Some(row) = rows.next()? {
            bytes.extend_from_slice(row.get_ref(0)?.as_blob()?);
        }
        Ok(Some(bytes))
    }

    /// Re-hashes the stored bytes named `sha256` chunk by chunk (memory stays flat); None if
    /// there are no stored bytes under that name.
    pub fn rehash_blob(&self, sha256: &str) -> Result<Option<(String, u64)>> {
        let Some(id) = self.blob_id(sha256)? else {
            return Ok(None);
        };
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut stmt =
            self.prepare_cached("SELECT data FROM blob_chunks WHERE blob_id = ?1 ORDER BY chunk")?;
        let mut rows = stmt.query(params![id])?;
        while let Some(row) = rows.next()? {
            let data = row.get_ref(0)?.as_blob()?;
            hasher.update(data);
            size += data.len() as u64;
        }
        Ok(Some((hex::encode(hasher.finalize()), size)))
    }

    /// The stored normalized form of a text source: (rule tag, normalized text, map).
    pub fn stored_normalized(&self, sha256: &str) -> Result<Option<(String, String, Vec<u8>)>> {
        Ok(self
            .prepare_cached("SELECT rule, normalized, map FROM normalized_texts WHERE sha256 = ?1")?
            .query_row(params![sha256], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    /// Keeps the normalized form of a text source (replacing one built under another rule).
    pub fn store_normalized(
        &self,
        sha256: &str,
        rule: &str,
        normalized: &str,
        map: &[u8],
    ) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO normalized_texts (sha256, rule, normalized, map) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sha256) DO UPDATE SET rule = excluded.rule,
                normalized = excluded.normalized, map = excluded.map",
        )?
        .execute(params![sha256, rule, normalized, map])?;
        Ok(())
    }

    fn blob_id(&self, sha256: &str) -> Result<Option<i64>> {
        Ok(self
            .prepare_cached("SELECT id FROM blobs WHERE sha256 = ?1")?
            .query_row(params![sha256], |r| r.get(0))
            .optional()?)
    }
}
