//! Schema versions and migrations, keyed on `PRAGMA user_version`.
//!
//! A new ledger gets the whole of schema.sql, which always describes the newest version.
//! An older ledger is brought up to date by running, in order, the migrations from its
//! version to [`SCHEMA_VERSION`], in the same IMMEDIATE transaction. A ledger newer than
//! this binary is refused, never guessed at.

use rusqlite::Connection;

use crate::error::Result;

/// The whole schema, applied by `init`.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = 1;

/// `PRAGMA application_id` of every ledger ("CLEL").
pub const APPLICATION_ID: i64 = 0x434C_454C;

/// `MIGRATIONS[i]` takes a ledger from version `i + 1` to `i + 2`.
const MIGRATIONS: &[&str] = &[];

/// Creates the schema in an empty database.
pub fn create(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

/// Brings a ledger at `version` up to [`SCHEMA_VERSION`]; the caller holds the transaction.
pub fn upgrade(conn: &Connection, version: i64) -> Result<()> {
    for (i, script) in MIGRATIONS.iter().enumerate() {
        let from = i as i64 + 1;
        if from >= version {
            conn.execute_batch(script)?;
            conn.pragma_update(None, "user_version", from + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_sql_declares_the_version_this_binary_writes() {
        let conn = Connection::open_in_memory().unwrap();
        create(&conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        let app: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        assert_eq!(app, APPLICATION_ID);
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION - 1);
    }
}
