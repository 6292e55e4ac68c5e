//! `verify`'s use of SQLite's own checks (`PRAGMA integrity_check`, `foreign_key_check`).
//!
//! Design decision: `integrity_check` reads every page of the file, which at a million
//! claims takes as long as everything else `verify` does; it runs on a second connection, on
//! a thread of its own, while the journal is replayed. That connection must see the same
//! ledger as the main one: both read transactions are started, and then the last journal
//! entry (its number and hash) and the schema version are compared — every change
//! claimledger makes appends an entry, so equal ones mean the same state. If they differ (a
//! write landed between the two starts), or the second connection cannot be opened, the
//! checks run afterwards on the main connection, as they always did.

use std::path::Path;
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use super::verify::Problem;
use crate::error::Result;

/// SQLite's checks, running or to be run.
pub struct Checks {
    running: Option<JoinHandle<Result<Done>>>,
}

/// What the checks found, and the connection they ran on.
type Done = (Vec<Problem>, Connection);

/// The last entry and the schema version, as one connection's snapshot has them.
fn marker(conn: &Connection) -> rusqlite::Result<(Option<i64>, Option<String>, i64)> {
    let (seq, hash) = conn
        .query_row(
            "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1).ok().flatten())),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok((None, None)),
            e => Err(e),
        })?;
    let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    Ok((seq, hash, version))
}

impl Checks {
    /// Starts the checks on a connection of their own when it sees what `main` (in its
    /// read transaction) sees; otherwise leaves them for [`Checks::finish`].
    pub fn start(main: &Connection, path: &Path, immutable: bool) -> Result<Checks> {
        let ours = marker(main)?; // also fixes the main connection's snapshot
        let open = || -> rusqlite::Result<Connection> {
            let conn = if immutable {
                super::faults::open_immutable(path)?
            } else {
                Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?
            };
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            conn.execute_batch("BEGIN")?;
            Ok(conn)
        };
        let second = open().ok().filter(|c| marker(c).ok() == Some(ours.clone()));
        Ok(Checks {
            running: second.map(|conn| std::thread::spawn(move || Ok((run(&conn)?, conn)))),
        })
    }

    /// The problems SQLite's checks found (waiting for them, or running them on `main`),
    /// and the second connection they ran on, if they had one: it is still in its read
    /// transaction, so it sees what `main` sees, for other checks to run beside `main`.
    pub fn finish(self, main: &Connection) -> Result<(Vec<Problem>, Option<Connection>)> {
        match self.running {
            Some(handle) => {
                let (found, conn) = handle.join().unwrap_or_else(|_| {
                    Err(crate::error::Error::CheckFailed(
                        "the thread of SQLite's checks panicked".into(),
                    ))
                })?;
                Ok((found, Some(conn)))
            }
            None => Ok((run(main)?, None)),
        }
    }
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`, as problems.
fn run(conn: &Connection) -> Result<Vec<Problem>> {
    let mut found = Vec::new();
    let integrity: Vec<String> = match conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
    {
        Ok(lines) => lines,
        Err(e) => vec![format!("could not run: {e}")],
    };
    for line in integrity {
        if line != "ok" {
            found.push(Problem {
                check: "sqlite",
                place: "integrity_check".into(),
                message: line,
            });
        }
    }
    let fks: Vec<(String, Option<i64>, String)> = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (table, rowid, parent) in fks {
        found.push(Problem {
            check: "sqlite",
            place: format!(
                "table {table}, rowid {}",
                rowid.map_or("?".into(), |r| r.to_string())
            ),
            message: format!("refers to a row of {parent} that does not exist (foreign_key_check)"),
        });
    }
    Ok(found)
}
