//! Accounts of a team server: adding one (a new API token, shown once and stored only as
//! an Argon2id hash), listing, revoking, and checking a token.
//!
//! Design decision: accounts are not journal entries. A token hash is a credential and the
//! journal is published (bundles, proofs), and accounts are who may write, not what was
//! found; the journal still names the account behind every write it holds (the entry's
//! actor). `user add`/`user revoke` are each one transaction on the `users` table, which
//! `verify` treats as a record table (not rebuilt from the journal).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::Ledger;
use crate::dates;
use crate::error::{Error, Result};
use crate::store::users::{self, UserRow};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads only.
    Reader,
    /// Reads, adds sources and claims, sets statuses.
    Checker,
    /// A checker who may also record (publish) checkpoints.
    Editor,
}

impl Role {
    /// Parses editor, checker or reader.
    pub fn parse(text: &str) -> Result<Role> {
        match text {
            "editor" => Ok(Role::Editor),
            "checker" => Ok(Role::Checker),
            "reader" => Ok(Role::Reader),
            _ => Err(Error::InvalidValue {
                what: "role",
                value: text.to_string(),
                expected: "expected editor, checker or reader",
            }),
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Checker => "checker",
            Role::Reader => "reader",
        }
    }
}

/// An account a token was checked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its name (the journal actor of its writes).
    pub name: String,
    /// What it may do.
    pub role: Role,
}

/// A new account and its token (shown once; only its hash is stored).
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserAdded {
    /// The account.
    #[serde(flatten)]
    pub user: UserRow,
    /// The API token.
    pub token: String,
}

/// The prefix of every token (so a leaked one is recognisable).
const TOKEN_PREFIX: &str = "clt_";

/// Checks an account name: 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
pub fn check_user_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            what: "account name",
            value: name.escape_debug().to_string(),
            expected: "expected 1 to 64 letters, digits, '.', '_', '-' or '@' (such as ana.k)",
        })
    }
}

fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    hex::encode(bytes)
}

/// Splits a token into its public lookup part, if it is shaped like one of ours.
fn token_id(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (id.len() == 16 && secret.len() == 64).then_some(id)
}

fn hash_token(token: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system provides random bytes");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    argon2::Argon2::default()
        .hash_password(token.as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any input")
        .to_string()
}

/// Whether `token` matches the stored PHC string `hash`.
pub fn token_matches(token: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(token.as_bytes(), &parsed)
            .is_ok()
    })
}

impl Ledger {
    /// Adds an account (or gives a revoked one a new token) and returns its token.
    pub fn add_user(&mut self, name: &str, role: Role) -> Result<UserAdded> {
        check_user_name(name)?;
        let token_id = random_hex(8);
        let token = format!("{TOKEN_PREFIX}{token_id}_{}", random_hex(32));
        let hash = hash_token(&token);
        let tx = self.store.begin_write()?;
        if users::get(&tx, name)?.is_some_and(|u| u.revoked_at.is_none()) {
            return Err(Error::UserExists(name.to_string()));
        }
        let user = UserRow {
            name: name.to_string(),
            role: role.name().to_string(),
            created_at: dates::now(),
            revoked_at: None,
        };
        users::upsert(&tx, &user, &token_id, &hash)?;
        tx.commit()?;
        Ok(UserAdded { user, token })
    }

    /// Every account.
    pub fn users(&mut self) -> Result<Vec<UserRow>> {
        let tx = self.store.begin_read()?;
        users::list(&tx)
    }

    /// Revokes an account's token: it is refused from now on.
    pub fn revoke_user(&mut self, name: &str) -> Result<UserRow> {
        let tx = self.store.begin_write()?;
        let time = dates::now();
        if !users::revoke(&tx, name, &time)? {
            return Err(match users::get(&tx, name)? {
                Some(_) => Error::InvalidValue {
                    what: "account",
                    value: name.to_string(),
                    expected: "it is already revoked",
                },
                None => Error::UnknownUser(name.to_string()),
            });
        }
        let user = users::get(&tx, name)?.expect("just revoked");
        tx.commit()?;
        Ok(user)
    }

    /// The account a token belongs to, if it is valid and not revoked. `known` says the
    /// token was checked against its hash before (a cache of the caller's), so that only the
    /// revocation and role are read again, not the slow hash recomputed.
    pub fn authenticate(&mut self, token: &str, known: bool) -> Result<Option<Account>> {
        let Some(id) = token_id(token) else {
            return Ok(None);
        };
        let tx = self.store.begin_read()?;
        let Some(cred) = users::by_token_id(&tx, id)? else {
            return Ok(None);
        };
        drop(tx);
        if cred.user.revoked_at.is_some() || !(known || token_matches(token, &cred.token_hash)) {
            return Ok(None);
        }
        Ok(Some(Account {
            name: cred.user.name,
            role: Role::parse(&cred.user.role)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_shaped_and_hashes_check() {
        let token = format!("{TOKEN_PREFIX}{}_{}", random_hex(8), random_hex(32));
        assert!(token_id(&token).is_some());
        assert_eq!(token_id("clt_short_x"), None);
        let hash = hash_token(&token);
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains(&token));
        assert!(token_matches(&token, &hash));
        let mut other = token.clone();
        other.pop();
        other.push(if token.ends_with('0') { '1' } else { '0' });
        assert!(!token_matches(&other, &hash));
        assert!(!token_matches(&token, "not a hash"));
    }

    #[test]
    fn names_and_roles() {
        assert!(check_user_name("ana.k@desk").is_ok());
        assert!(check_user_name("").is_err());
        assert!(check_user_name("a b").is_err());
        assert!(check_user_name("a\nb").is_err());
        assert_eq!(Role::parse("checker").unwrap(), Role::Checker);
        assert!(Role::parse("admin").is_err());
        assert!(Role::Reader < Role::Checker && Role::Checker < Role::Editor);
    }
}
