-- Version 10 -> 11: the accounts of a team server (`claimledger user add`, `serve`).
--
-- Not derived from the journal and never written to it: a token's hash is a credential,
-- and the journal is published (bundles, proofs). What accounts did is in the journal all
-- the same, as each entry's actor is the account's name. `token_id` is the public part of
-- a token (its lookup key); `token_hash` is the Argon2id PHC string of the whole token.
CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('editor', 'checker', 'reader')),
    token_id   TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
