//! Storage: the one place that speaks SQL.
//!
//! A ledger is one SQLite file. It is opened in WAL mode with `synchronous=FULL` (an
//! acknowledged write survives a power cut), foreign keys on, and a busy timeout. Every
//! user action is one IMMEDIATE transaction ([`Store::begin_write`]): it takes the write
//! lock up front, so two writers never interleave, and a command that fails or is killed
//! leaves the ledger exactly as it was. Dropping a [`Tx`] without committing rolls back.
//!
//! Submodules: [`migrate`] (schema versions), [`project`] (journal entries → derived
//! tables), [`queries`] (reads), [`blobs`] (source bytes), [`merkle`] (the journal's Merkle
//! tree and checkpoints), [`verify`] (checking all of it).

mod append;
pub mod blobs;
pub mod merkle;
pub mod migrate;
pub mod project;
pub mod queries;
mod replay;
pub mod verify;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};
use crate::journal::Event;

/// An open ledger database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A transaction on a ledger. Dropping it without [`Tx::commit`] rolls it back.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    /// What appending remembers between entries of this transaction (see [`append`]).
    appending: std::cell::RefCell<append::State>,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl Store {
    /// Creates a new ledger at `path`, refusing if anything already exists there. `genesis`
    /// is the first journal entry's event (the ledger's origin).
    pub fn create(path: &Path, time: &str, actor: &str, genesis: Event) -> Result<Store> {
        // Claim the path atomically: of two `init`s racing for it, exactly one gets it, and
        // the other never touches (or cleans up) the winner's files.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::LedgerExists {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(Error::CreateLedger {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        let result = (|| {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| open_error(path, e))?;
            conn.pragma_update(None, "page_size", append::PAGE_SIZE)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            let mut store = Store {
                conn,
                path: path.to_path_buf(),
            };
            store.configure()?;
            let tx = store.begin_write()?;
            migrate::create(&tx)?;
            tx.append(time, actor, genesis)?;
            tx.commit()?;
            Ok(store)
        })();
        if result.is_err() {
            // This process created the file a moment ago: leave nothing behind.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        result
    }

    /// Opens an existing ledger, upgrading an older schema and refusing a newer one.
    pub fn open(path: &Path) -> Result<Store> {
        match path.metadata() {
            Err(_) => {
                return Err(Error::NoLedger {
                    path: path.to_path_buf(),
                });
            }
            Ok(m) if m.is_dir() => {
                return Err(Error::NotALedger {
                    path: path.to_path_buf(),
                    reason: "it is a directory".into(),
                });
            }
            Ok(_) => {}
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure().map_err(|e| not_a_ledger(path, e))?;
        let (app, version): (i64, i64) = store
            .conn
            .query_row(
                "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| not_a_ledger(path, Error::Sqlite(e)))?;
        if app != migrate::APPLICATION_ID {
            return Err(Error::NotALedger {
                path: path.to_path_buf(),
                reason: if app == 0 {
                    "it is an SQLite database without claimledger's application id".into()
                } else {
                    format!("its application id is {app:#x}")
                },
            });
        }
        if version > migrate::SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: migrate::SCHEMA_VERSION,
            });
        }
        if version < 1 {
            return Err(Error::NotALedger {
                path: path.to_path_buf(),
                reason: format!("its schema version is {version}"),
            });
        }
        if version < migrate::SCHEMA_VERSION {
            let tx = store.begin_write()?;
            migrate::upgrade(&tx, version)?;
            tx.commit()?;
        }
        Ok(store)
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        append::tune(&self.conn)?;
        Ok(())
    }

    /// Where the ledger is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts the one write transaction of a user action (IMMEDIATE: the write lock is
    /// taken now, not at the first write).
    pub fn begin_write(&mut self) -> Result<Tx<'_>> {
        Ok(Tx {
            tx: self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?,
            appending: Default::default(),
        })
    }

    /// Starts a read transaction: every query in it sees the same snapshot.
    pub fn begin_read(&mut self) -> Result<Tx<'_>> {
        Ok(Tx {
            tx: self
                .conn
                .transaction_with_behavior(TransactionBehavior::Deferred)?,
            appending: Default::default(),
        })
    }
}

fn open_error(path: &Path, e: rusqlite::Error) -> Error {
    not_a_ledger(path, Error::Sqlite(e))
}

/// Turns "file is not a database" and friends into a message about the path.
fn not_a_ledger(path: &Path, e: Error) -> Error {
    match e {
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Error::NotALedger {
                path: path.to_path_buf(),
                reason: "it is not an SQLite database".into(),
            }
        }
        other => other,
    }
}
