//! The accounts of a team server (the `users` table): SQL only. Hashing and tokens are in
//! [`crate::ledger`]'s `users`.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::Result;

/// One account, without its token hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    /// The account name (the journal actor of its writes).
    pub name: String,
    /// editor, checker or reader.
    pub role: String,
    /// When it was added (or last given a new token).
    pub created_at: String,
    /// When its token was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// What authenticating a token needs: the account and its stored hash.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The account.
    pub user: UserRow,
    /// The Argon2 PHC string of the whole token.
    pub token_hash: String,
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        name: r.get(0)?,
        role: r.get(1)?,
        created_at: r.get(2)?,
        revoked_at: r.get(3)?,
    })
}

/// Every account, by name.
pub fn list(conn: &Connection) -> Result<Vec<UserRow>> {
    Ok(conn
        .prepare("SELECT name, role, created_at, revoked_at FROM users ORDER BY name")?
        .query_map([], user_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// One account by name.
pub fn get(conn: &Connection, name: &str) -> Result<Option<UserRow>> {
    Ok(conn
        .query_row(
            "SELECT name, role, created_at, revoked_at FROM users WHERE name = ?1",
            params![name],
            user_row,
        )
        .optional()?)
}

/// The account a token's public part names, with its hash.
pub fn by_token_id(conn: &Connection, token_id: &str) -> Result<Option<Credential>> {
    Ok(conn
        .query_row(
            "SELECT name, role, created_at, revoked_at, token_hash FROM users WHERE token_id = ?1",
            params![token_id],
            |r| {
                Ok(Credential {
                    user: user_row(r)?,
                    token_hash: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Adds an account, or gives a revoked one a new token and role (the caller checked).
pub fn upsert(conn: &Connection, user: &UserRow, token_id: &str, token_hash: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO users (name, role, token_id, token_hash, created_at, revoked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL)
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, token_id = excluded.token_id,
           token_hash = excluded.token_hash, created_at = excluded.created_at, revoked_at = NULL",
        params![user.name, user.role, token_id, token_hash, user.created_at],
    )?;
    Ok(())
}

/// Marks an account's token revoked at `time`; whether there was an active one.
pub fn revoke(conn: &Connection, name: &str, time: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE users SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
        params![name, time],
    )? == 1)
}
