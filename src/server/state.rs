//! What every handler shares: the writer, a pool of read connections, the accounts checked
//! so far, and the server's options.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::error::ApiError;
use super::writer::Writer;
use crate::error::Result;
use crate::ledger::Ledger;

/// Shared by the handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    /// The write queue.
    pub writer: Writer,
}

struct Inner {
    db: PathBuf,
    public_read: bool,
    /// Read connections not in use.
    readers: Mutex<Vec<Ledger>>,
    /// SHA-256 of tokens whose Argon2 hash was checked (revocation is still read each time).
    verified: Mutex<HashSet<[u8; 32]>>,
}

/// Most read connections kept open when idle.
const IDLE_READERS: usize = 8;

impl AppState {
    /// The state of a server on `db`.
    pub fn new(db: PathBuf, public_read: bool, writer: Writer) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                db,
                public_read,
                readers: Mutex::new(Vec::new()),
                verified: Mutex::new(HashSet::new()),
            }),
            writer,
        }
    }

    /// Whether reads need no token.
    pub fn public_read(&self) -> bool {
        self.inner.public_read
    }

    /// Runs `read` on a read connection, on a blocking thread.
    pub async fn read<T, F>(&self, read: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Ledger) -> Result<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = state.inner.readers.lock().ok().and_then(|mut p| p.pop());
            let mut ledger = match pooled {
                Some(ledger) => ledger,
                None => Ledger::open(&state.inner.db, "serve")?,
            };
            let result = read(&mut ledger);
            if let Ok(mut pool) = state.inner.readers.lock() {
                if pool.len() < IDLE_READERS {
                    pool.push(ledger);
                }
            }
            result
        })
        .await
        .map_err(|_| ApiError::internal("a read failed inside the server (a bug)"))?
        .map_err(ApiError::from)
    }

    /// Whether this token (by its SHA-256) was checked against its hash before.
    pub fn was_verified(&self, digest: &[u8; 32]) -> bool {
        self.inner
            .verified
            .lock()
            .map(|v| v.contains(digest))
            .unwrap_or(false)
    }

    /// Remembers that this token matched its hash.
    pub fn remember_verified(&self, digest: [u8; 32]) {
        if let Ok(mut v) = self.inner.verified.lock() {
            v.insert(digest);
        }
    }
}
