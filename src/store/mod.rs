//! Storage: the one place that speaks SQL.
//!
//! A ledger is one SQLite file. It is opened in WAL mode with `synchronous=FULL` (an
//! acknowledged write survives a power cut), foreign keys on, and a busy timeout. Every
//! user action is one IMMEDIATE transaction ([`Store::begin_write`]): it takes the write
//! lock up front, so two writers never interleave, and a command that fails or is killed
//! leaves the ledger exactly as it was. Dropping a [`Tx`] without committing rolls back.
//!
//! Submodules: [`migrate`] (schema versions), [`project`] (journal entries → derived
//! tables, with [`project_corrections`] for corrections), [`queries`] (reads, with
//! [`corrections`], [`imports`], `journal_reads` and `status_table`), [`blobs`] (source bytes), [`merkle`] (the journal's
//! Merkle tree and checkpoints), [`verify`] (checking all of it, with [`verify_schema`] for
//! the schema objects and checkpoint coverage), [`faults`] (storage failures in words, the
//! write lock, read-only opening).

mod append;
pub mod blobs;
mod bulk;
pub mod corrections;
pub mod derived;
pub mod faults;
pub mod imports;
mod journal_reads;
pub mod merkle;
pub mod migrate;
pub mod project;
mod project_corrections;
pub mod queries;
#[cfg(test)]
mod query_plans;
mod replay;
mod status_table;
pub mod users;
pub mod verify;
pub mod verify_derived;
pub mod verify_merkle;
pub mod verify_schema;
pub mod verify_sqlite;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};
use crate::journal::{Entry, Event};

pub use faults::BUSY_WAIT_SECS;

/// An open ledger database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened read-only: writes are refused with the reason.
    read_only: bool,
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
    ///
    /// Atomic: the ledger is built under a temporary name in the same folder, made durable,
    /// and only then linked into place (never over an existing file). A killed `init`
    /// leaves at most a hidden `.NAME.init-*` file, never a half-made ledger at `path`; of
    /// two `init`s racing for a path, exactly one wins and the other touches nothing.
    pub fn create(path: &Path, time: &str, actor: &str, genesis: Event) -> Result<Store> {
        faults::set_current(path);
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::LedgerExists {
                path: path.to_path_buf(),
            });
        }
        let create_error = |source| Error::CreateLedger {
            path: path.to_path_buf(),
            source,
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ledger".into());
        let dir = faults::folder(path);
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        {
            // As a plain create would: 0666 less the umask.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder
            .prefix(&format!(".{name}.init-"))
            .tempfile_in(&dir)
            .map_err(create_error)?;
        let built = build_ledger(tmp.path(), time, actor, genesis);
        if built.is_err() {
            let _ = remove_side_files(tmp.path());
        }
        built?;
        // Committing to the temporary file wrote nothing at `path` yet: only the link does.
        COMMITTED.store(false, std::sync::atomic::Ordering::SeqCst);
        tmp.as_file().sync_all().map_err(create_error)?;
        publish(tmp.path(), path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::LedgerExists {
                path: path.to_path_buf(),
            },
            _ => create_error(e),
        })?;
        COMMITTED.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(tmp); // removes the temporary name; the ledger keeps its inode
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Store::open(path)
    }

    /// Opens an existing ledger, upgrading an older schema and refusing a newer one. A
    /// ledger that cannot be written (its mode, folder or mount) is opened read-only:
    /// reading commands work, and a write says why it cannot be made.
    pub fn open(path: &Path) -> Result<Store> {
        faults::set_current(path);
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoLedger {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(Error::ReadFile {
                    path: path.to_path_buf(),
                    source,
                });
            }
            Ok(m) => {
                if let Some(reason) = faults::not_a_regular_file(&m) {
                    return Err(Error::NotALedger {
                        path: path.to_path_buf(),
                        reason: reason.into(),
                    });
                }
            }
        }
        if let Err(source) = std::fs::File::open(path) {
            return Err(Error::ReadFile {
                path: path.to_path_buf(),
                source,
            });
        }
        let (mut store, version) = match Store::open_as(path, false) {
            Err(e) if faults::is_cannot_open(&e) && !faults::has_wal(path) => {
                Store::open_as(path, true)?
            }
            Err(e) if faults::is_cannot_open(&e) => {
                return Err(Error::ReadOnly {
                    path: path.to_path_buf(),
                    reason: format!(
                        "{}, and a write-ahead log with writes not yet merged into it lies beside it (-wal), which SQLite cannot read without write access: open it once where it can be written",
                        faults::why_read_only(path)
                    ),
                });
            }
            other => other?,
        };
        if version < migrate::SCHEMA_VERSION {
            if store.read_only {
                return Err(Error::ReadOnly {
                    path: path.to_path_buf(),
                    reason: format!(
                        "{}, and its schema (version {version}) must first be upgraded to version {}, which writes",
                        faults::why_read_only(path),
                        migrate::SCHEMA_VERSION
                    ),
                });
            }
            store.upgrade(version)?;
        }
        Ok(store)
    }

    /// Opens the file (read-write as far as SQLite may, or read-only and `immutable`),
    /// and checks that it is a ledger this binary can read; returns its schema version.
    fn open_as(path: &Path, immutable: bool) -> Result<(Store, i64)> {
        let conn = if immutable {
            faults::open_immutable(path)
        } else {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        }
        .map_err(|e| open_error(path, e.into()))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            read_only: immutable,
        };
        store.configure().map_err(|e| open_error(path, e))?;
        let (app, version): (i64, i64) = store
            .conn
            .query_row(
                "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| open_error(path, e.into()))?;
        store.read_only |= store.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false);
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
        let has_journal: bool = store
            .conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'journal'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| open_error(path, e.into()))?;
        if !has_journal {
            return Err(Error::Damaged {
                path: path.to_path_buf(),
                reason: "it has claimledger's application id but no journal table: it was emptied, or is left over from an interrupted init of an older claimledger".into(),
            });
        }
        Ok((store, version))
    }

    /// Runs the migrations from `version`, in one transaction; a failure (tables that do
    /// not fit the version the file claims) is reported in words, not as SQL.
    fn upgrade(&mut self, version: i64) -> Result<()> {
        let path = self.path.clone();
        let tx = self.begin_write()?;
        match migrate::upgrade(&tx, version) {
            Ok(()) => {
                tx.commit()?;
                // A schema upgrade is not a user's change: a refused command after it still
                // recorded nothing.
                COMMITTED.store(false, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            }
            Err(Error::Sqlite(e)) => {
                drop(tx);
                let advice = if verify_schema::is_current_schema(&self.conn).unwrap_or(false) {
                    format!(
                        "its tables are exactly those of version {v}: set it back with `sqlite3 {} 'PRAGMA user_version = {v}'`, or restore it from a backup",
                        path.display(),
                        v = migrate::SCHEMA_VERSION
                    )
                } else {
                    "restore it from a backup, or set PRAGMA user_version back to the version its tables are".into()
                };
                Err(Error::SchemaMismatch {
                    path,
                    found: version,
                    reason: format!(
                        "upgrading it to version {} failed: {}",
                        migrate::SCHEMA_VERSION,
                        faults::sqlite_message(&e)
                    ),
                    advice,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Whether this ledger was opened read-only (its file, folder or mount cannot be written).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_handler(Some(faults::busy_handler()))?;
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
        if self.read_only {
            return Err(Error::ReadOnly {
                reason: faults::why_read_only(&self.path),
                path: self.path.clone(),
            });
        }
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

/// Set once a transaction that changed rows has committed in this process.
static COMMITTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this process has committed a change to a ledger: after that, a failure (say,
/// to print the result) must not be reported as "nothing written".
pub fn committed_a_change() -> bool {
    COMMITTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Appends a journal entry, its Merkle leaf and its projection on `conn` (the caller holds
/// the write transaction; the schema upgrade uses this too).
pub(crate) fn append_entry(
    conn: &Connection,
    time: &str,
    actor: &str,
    event: Event,
) -> Result<Entry> {
    {
        let seq: i64 =
            conn.query_row("SELECT coalesce(max(seq) + 1, 0) FROM journal", [], |r| {
                r.get(0)
            })?;
        let entry = Entry {
            seq,
            time: time.to_string(),
            actor: actor.to_string(),
            event,
        };
        conn.execute(
            "INSERT INTO journal (seq, time, actor, kind, payload, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                entry.seq,
                entry.time,
                entry.actor,
                entry.event.kind(),
                entry.event.payload_json(),
                entry.hash()
            ],
        )?;
        merkle::append_leaf(conn, entry.seq, &entry.bytes())?;
        project::apply(conn, &entry)?;
        Ok(entry)
    }
}

/// Builds a complete ledger at `tmp` (a fresh, empty file) and closes it: schema, genesis
/// entry, WAL mode, all durable.
fn build_ledger(tmp: &Path, time: &str, actor: &str, genesis: Event) -> Result<()> {
    let conn = Connection::open_with_flags(
        tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error(tmp, e.into()))?;
    // The page size is a trade-off between source bytes and small changes (append.rs).
    conn.pragma_update(None, "page_size", append::PAGE_SIZE)?;
    let mut store = Store {
        conn,
        path: tmp.to_path_buf(),
        read_only: false,
    };
    store.configure()?;
    let tx = store.begin_write()?;
    migrate::create(&tx)?;
    tx.append(time, actor, genesis)?;
    tx.commit()?;
    // WAL mode is recorded in the file's header; closing checkpoints and removes the log,
    // so the one file holds everything before it is linked into place.
    store.conn.pragma_update(None, "journal_mode", "WAL")?;
    store.conn.close().map_err(|(_, e)| Error::from(e))?;
    Ok(())
}

/// Gives the finished ledger at `tmp` its name `path`, never replacing a file there.
fn publish(tmp: &Path, path: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(tmp, path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            // A file system without hard links: check, then rename (a narrow race with
            // another init of the same path, which hard links exclude elsewhere).
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(std::io::ErrorKind::AlreadyExists.into());
            }
            std::fs::rename(tmp, path)
        }
        other => other,
    }
}

/// Removes the side files SQLite may leave beside a file it had open.
fn remove_side_files(path: &Path) -> std::io::Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    Ok(())
}

/// Turns "file is not a database" and friends into a message about the path: damaged if
/// the file starts like an SQLite database, not a ledger otherwise.
fn open_error(path: &Path, e: Error) -> Error {
    match e {
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            if faults::looks_like_sqlite(path) {
                Error::Damaged {
                    path: path.to_path_buf(),
                    reason:
                        "its header or first page cannot be read: it is truncated or overwritten"
                            .into(),
                }
            } else {
                Error::NotALedger {
                    path: path.to_path_buf(),
                    reason: "it is not an SQLite database".into(),
                }
            }
        }
        Error::Damaged { reason, .. } => Error::Damaged {
            path: path.to_path_buf(),
            reason,
        },
        other => other,
    }
}
