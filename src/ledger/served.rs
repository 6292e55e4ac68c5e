//! What a long-running server needs of a ledger besides the user actions: one open ledger
//! acting for many accounts in turn, and reads the command line does not make.

use super::Ledger;
use crate::error::{Error, Result};
use crate::store::merkle;

impl Ledger {
    /// Acts, from now on, as `actor` (the journal actor of the next writes).
    pub fn set_actor(&mut self, actor: &str) {
        actor.clone_into(&mut self.actor);
    }

    /// A stored version's media type and exact bytes, by its full SHA-256.
    pub fn source_bytes(&mut self, sha256: &str) -> Result<(String, Vec<u8>)> {
        let tx = self.store.begin_read()?;
        let row = tx
            .source(sha256)?
            .ok_or_else(|| Error::UnknownSource(sha256.to_string()))?;
        let bytes = tx
            .blob_bytes(sha256)?
            .ok_or_else(|| Error::UnknownSource(sha256.to_string()))?;
        Ok((row.media_type, bytes))
    }

    /// The latest recorded checkpoint note, if any.
    pub fn latest_checkpoint_note(&mut self) -> Result<Option<String>> {
        let tx = self.store.begin_read()?;
        Ok(merkle::latest_checkpoint(&tx)?.map(|c| c.note))
    }

    /// Records the journal's checkpoint (unsigned) as this ledger's actor; its note.
    pub fn record_checkpoint(&mut self) -> Result<String> {
        Ok(crate::checkpoint::record(&mut self.store, &self.actor, None)?.note)
    }

    /// The proofs of a claim's entries against the latest checkpoint.
    pub fn claim_proofs(&mut self, claim: &str) -> Result<crate::checkpoint::ClaimProofs> {
        crate::checkpoint::claim_proofs(&mut self.store, claim, None)
    }
}
