//! Who is asking: the API token of a request (`Authorization: Bearer`, or the web pages'
//! session cookie), checked against the accounts, and what their role allows.
//!
//! A token's Argon2 hash is checked once per server run; after that only its account row
//! is read again on each request, so a `claimledger user revoke` takes effect at once.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::state::AppState;
use crate::ledger::{Account, Role};

/// The cookie the web pages keep the token in.
pub const SESSION_COOKIE: &str = "claimledger_session";

/// The token of an `Authorization: Bearer` header, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    Some(value.strip_prefix("Bearer ")?.trim().to_string())
}

/// The token a read carries: the header, or the web pages' cookie (so a signed-in browser
/// can follow a link to a source's bytes). Writes take only the header: a cookie is sent
/// by the browser on its own, a header only by a program that holds the token.
pub fn token_of(headers: &HeaderMap) -> Option<String> {
    bearer(headers).or_else(|| cookie(headers, SESSION_COOKIE))
}

/// A cookie's value.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The account behind a token, if the token is valid and not revoked.
pub async fn account(state: &AppState, token: String) -> Result<Option<Account>, ApiError> {
    let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let known = state.was_verified(&digest);
    let found = state
        .read(move |ledger| ledger.authenticate(&token, known))
        .await?;
    if found.is_some() && !known {
        state.remember_verified(digest);
    }
    Ok(found)
}

/// Who may read: an account, or anybody under `--public-read` (None).
pub async fn reader(state: &AppState, headers: &HeaderMap) -> Result<Option<Account>, ApiError> {
    match token_of(headers) {
        Some(token) => match account(state, token).await? {
            Some(account) => Ok(Some(account)),
            None => Err(ApiError::unauthorized()),
        },
        None if state.public_read() => Ok(None),
        None => Err(ApiError::unauthorized()),
    }
}

/// An account whose role is at least `needed`, to do `what`.
pub async fn writer(
    state: &AppState,
    headers: &HeaderMap,
    needed: Role,
    what: &str,
) -> Result<Account, ApiError> {
    let token = bearer(headers).ok_or_else(ApiError::unauthorized)?;
    let account = account(state, token)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if account.role < needed {
        return Err(ApiError::forbidden(what, account.role.name()));
    }
    Ok(account)
}
