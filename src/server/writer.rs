//! The one writer: a thread that owns the ledger's only write connection and runs the
//! write jobs handlers send it, one at a time, in arrival order.
//!
//! Design decision: SQLite allows one writer at a time anyway; a single connection fed by a
//! queue (a tokio mpsc channel, each job answered on its own oneshot) means the server's
//! own writes never contend for the lock or wait in the busy handler, and their journal
//! order is the order they were queued. Only another process (the command line on the same
//! file) can make the writer wait, which the store's busy handler covers. On shutdown the
//! channel closes, the thread finishes every job already queued, and exits.

use std::path::Path;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::error::ApiError;
use crate::error::Result;
use crate::ledger::Ledger;

/// Jobs waiting beyond this many make senders wait their turn (backpressure).
const QUEUE: usize = 256;

type Work = Box<dyn FnOnce(&mut Ledger) + Send>;

struct Job {
    actor: String,
    work: Work,
}

/// A handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Opens the write connection (upgrading the schema if need be) and starts the thread.
    pub fn start(db: &Path) -> anyhow::Result<(Writer, JoinHandle<u64>)> {
        let mut ledger = Ledger::open(db, "serve")?;
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        let thread = std::thread::Builder::new()
            .name("claimledger-writer".into())
            .spawn(move || {
                let mut done = 0u64;
                while let Some(job) = queue.blocking_recv() {
                    ledger.set_actor(&job.actor);
                    // A panic is a bug; it must not take the server's only writer with it.
                    // Its transaction was rolled back when the panic dropped it.
                    let work = job.work;
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        work(&mut ledger)
                    }));
                    done += 1;
                }
                done
            })?;
        Ok((Writer { jobs }, thread))
    }

    /// Runs `work` on the write connection as `actor` and returns its result.
    pub async fn run<T, F>(&self, actor: &str, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Ledger) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            actor: actor.to_string(),
            work: Box::new(move |ledger| {
                let _ = reply.send(work(ledger));
            }),
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
        answer
            .await
            .map_err(|_| {
                ApiError::internal(
                    "the write failed inside the server (a bug): nothing was written",
                )
            })?
            .map_err(ApiError::from)
    }
}
