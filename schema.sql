-- claimledger schema, version 14.
--
-- This file is the whole schema. `claimledger init` applies it to a new ledger; later
-- versions of the schema are reached by numbered migrations keyed on PRAGMA user_version
-- (migrations/NNN-*.sql, applied by src/store/migrate.rs), and this file always shows the
-- newest shape in full. A test checks that migrating a version-1 ledger gives exactly this.
--
-- Two kinds of table live here:
--
--  * The record: `journal` (one row per change, in order) and the source bytes
--    (`blobs`, `blob_chunks`), which are named by their SHA-256 and so check themselves;
--    with the journal's Merkle tree (`merkle_nodes`, written with each entry), which
--    `verify` recomputes and compares.
--  * Derived tables (everything else): what people query. Every row in them is written by
--    applying a journal entry (src/store/project.rs), in the same transaction as the entry,
--    and `verify` rebuilds them from the journal to prove they still agree.
--
-- Times are RFC 3339 UTC text; hashes are lowercase hex text, so the file stays readable
-- with the plain sqlite3 shell, except the Merkle tree's (32-byte BLOBs: hex(hash) in the
-- shell), which are two or more per entry.

PRAGMA application_id = 1129071948; -- 0x434C454C, "CLEL"
PRAGMA user_version = 14;

-- ---------------------------------------------------------------- the record

-- One row per change. The entry bytes are the canonical JSON object
-- {"actor","kind","payload","seq","time"} (src/journal.rs); `hash` is their SHA-256.
CREATE TABLE journal (
    seq     INTEGER PRIMARY KEY CHECK (seq >= 0), -- 0-based, equal to the Merkle leaf index
    time    TEXT    NOT NULL,                      -- when it was recorded, RFC 3339 UTC
    actor   TEXT    NOT NULL,                      -- who recorded it (--as)
    kind    TEXT    NOT NULL,                      -- e.g. 'source.add', 'claim.add'
    payload TEXT    NOT NULL,                      -- canonical JSON
    hash    TEXT    NOT NULL CHECK (length(hash) = 64)
) STRICT;

-- Stored source bytes, split into chunks so that memory stays flat in file size.
CREATE TABLE blobs (
    id     INTEGER PRIMARY KEY,
    sha256 TEXT    NOT NULL UNIQUE,
    size   INTEGER NOT NULL CHECK (size >= 0)
) STRICT;

CREATE TABLE blob_chunks (
    blob_id INTEGER NOT NULL REFERENCES blobs (id),
    chunk   INTEGER NOT NULL CHECK (chunk >= 0),
    data    BLOB    NOT NULL,
    PRIMARY KEY (blob_id, chunk)
) STRICT;

-- The journal's RFC 6962 Merkle tree: every completed perfect subtree. The subtree at
-- `level` and `idx` covers entries [idx << level, (idx + 1) << level); level 0 holds the leaf
-- hashes SHA-256(0x00 || entry bytes). Written in the same transaction as each entry, so a
-- root or a proof at any size reads O(log n) rows (src/store/merkle.rs). Clustered on its
-- key (WITHOUT ROWID) with BLOB hashes: about two rows per entry, so bytes count here.
CREATE TABLE merkle_nodes (
    level INTEGER NOT NULL CHECK (level >= 0),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- Checkpoints recorded by `claimledger checkpoint`: the note exactly as printed (C2SP
-- tlog-checkpoint "<origin>\n<size>\n<base64 root>\n", with a C2SP signed-note signature line
-- when signed), its size and root (hex), and the verifier key of its signature, if any.
-- Derived (since version 6): each row is written by the journal entry of kind 'checkpoint'
-- that records it (`seq`), so deleting or altering one fails `verify`.
CREATE TABLE checkpoints (
    note TEXT    PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    root TEXT    NOT NULL CHECK (length(root) = 64),
    key  TEXT,                             -- '<name>+<hex key id>+<base64 key>' when signed
    seq  INTEGER REFERENCES journal (seq)  -- the entry that records it
) STRICT;
CREATE INDEX checkpoints_by_size ON checkpoints (size);

-- The normalized form of each text source, kept for normalized matching (a cache of the
-- bytes: written the first time a source needs it, rebuilt when the rule tag changes,
-- checked against the bytes by `verify`).
CREATE TABLE normalized_texts (
    sha256     TEXT PRIMARY KEY REFERENCES blobs (sha256),
    rule       TEXT NOT NULL,
    normalized TEXT NOT NULL,
    map        BLOB NOT NULL
) STRICT;

-- The text a reader sees in a web page, derived from its bytes when it is added (the bytes
-- stay the record): quotes in it anchor in this text. `extractor` is the name/version that
-- derived it; `verify` derives it again and compares.
CREATE TABLE derived_texts (
    sha256    TEXT PRIMARY KEY REFERENCES blobs (sha256),
    extractor TEXT NOT NULL,
    text      TEXT NOT NULL
) STRICT;

-- ---------------------------------------------------------------- derived tables

-- Facts about the ledger itself (its checkpoint origin line, when it was created).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A logical work (an article at a URL) that groups its versions in capture order.
CREATE TABLE documents (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE,
    url  TEXT
) STRICT;

-- One exact version of a source: its bytes are the blob of the same sha256.
CREATE TABLE sources (
    sha256      TEXT    PRIMARY KEY CHECK (length(sha256) = 64),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    version     INTEGER NOT NULL CHECK (version >= 1), -- 1-based, in capture order
    size        INTEGER NOT NULL CHECK (size >= 0),
    media_type  TEXT    NOT NULL,
    is_text     INTEGER NOT NULL CHECK (is_text IN (0, 1)), -- valid UTF-8: quotes can be anchored
    captured_at TEXT    NOT NULL,
    origin      TEXT,                                      -- the file name it was read from
    url         TEXT,
    title       TEXT,
    publisher   TEXT,
    author      TEXT,
    published   TEXT,
    seq         INTEGER NOT NULL REFERENCES journal (seq),
    UNIQUE (document_id, version)
) STRICT;

-- Anyone who says, relays, confirms or denies.
CREATE TABLE parties (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,          -- the display name
    kind        TEXT    NOT NULL,          -- person, government, military, outlet, ...
    description TEXT,
    seq         INTEGER NOT NULL REFERENCES journal (seq),
    merged_into INTEGER REFERENCES parties (id), -- set when merged into another party
    merged_seq  INTEGER REFERENCES journal (seq)   -- the journal entry of that merge
) STRICT;
-- The parties merged into each party (only those: the others are not in it).
CREATE INDEX parties_by_merged_into ON parties (merged_into) WHERE merged_into IS NOT NULL;

-- Every name a party goes by, including its display name. `key` is the name folded for
-- lookup (NFKC, lowercase, single spaces), so names resolve case-insensitively.
CREATE TABLE party_names (
    key      TEXT    PRIMARY KEY,
    name     TEXT    NOT NULL,
    party_id INTEGER NOT NULL REFERENCES parties (id),
    seq      INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE INDEX party_names_by_party ON party_names (party_id);

-- The status vocabulary. The built-in statuses are part of the schema.
CREATE TABLE statuses (
    name        TEXT    PRIMARY KEY,
    label       TEXT    NOT NULL,
    takes_party INTEGER NOT NULL CHECK (takes_party IN (0, 1)),
    rating      TEXT,                      -- the ClaimReview alternateName it maps to
    builtin     INTEGER NOT NULL CHECK (builtin IN (0, 1)),
    seq         INTEGER REFERENCES journal (seq)
) STRICT;

INSERT INTO statuses (name, label, takes_party, rating, builtin) VALUES
    ('unverified',   'unverified',                  0, 'Unverified',         1),
    ('unconfirmed',  'not independently confirmed', 0, 'Unproven',           1),
    ('confirmed',    'confirmed',                   0, 'True',               1),
    ('disputed',     'disputed',                    0, 'Disputed',           1),
    ('denied',       'denied',                      1, 'Denied',             1),
    ('contradicted', 'contradicted',                0, 'Contradicted',       1),
    ('false',        'false',                       0, 'False',              1),
    ('retracted',    'retracted',                   0, 'Retracted',          1);

-- A claim: the fact-checker's statement of it, its claimant, and its current status
-- (the latest status event, kept here so that the status table is one indexed query).
CREATE TABLE claims (
    id              TEXT    PRIMARY KEY,   -- 'C1', 'C2', ...
    number          INTEGER NOT NULL UNIQUE,
    statement       TEXT    NOT NULL,
    claimant_id     INTEGER NOT NULL REFERENCES parties (id),
    said            TEXT,                  -- when it was said, if known
    status          TEXT    NOT NULL DEFAULT 'unverified' REFERENCES statuses (name),
    status_party_id INTEGER REFERENCES parties (id),
    seq             INTEGER NOT NULL REFERENCES journal (seq),
    claimant_as     TEXT,                  -- the claimant's name as the user typed it
    withdrawn_seq   INTEGER REFERENCES journal (seq) -- the claim.withdraw entry, while withdrawn
) STRICT;
CREATE INDEX claims_by_status ON claims (status);
CREATE INDEX claims_by_claimant ON claims (claimant_id);
CREATE INDEX claims_by_status_party ON claims (status_party_id);

-- The conduit chain: through whom the claim reached the page, outermost last.
CREATE TABLE claim_conduits (
    claim_id TEXT    NOT NULL REFERENCES claims (id),
    position INTEGER NOT NULL CHECK (position >= 1),
    party_id INTEGER NOT NULL REFERENCES parties (id),
    party_as TEXT,                     -- the name as the user typed it
    PRIMARY KEY (claim_id, position)
) STRICT;
CREATE INDEX claim_conduits_by_party ON claim_conduits (party_id);

-- Where a claim is in a source version: start/end in Unicode code points, end exclusive
-- (W3C TextPositionSelector), with up to 32 code points of context (TextQuoteSelector).
CREATE TABLE appearances (
    id         INTEGER PRIMARY KEY,
    claim_id   TEXT    NOT NULL REFERENCES claims (id),
    source     TEXT    NOT NULL REFERENCES sources (sha256),
    start      INTEGER NOT NULL CHECK (start >= 0),
    end        INTEGER NOT NULL CHECK (end > start),
    exact      TEXT    NOT NULL,
    prefix     TEXT    NOT NULL,
    suffix     TEXT    NOT NULL,
    quote      TEXT    NOT NULL,          -- the quote as the user typed it
    normalized INTEGER NOT NULL CHECK (normalized IN (0, 1)),
    seq        INTEGER NOT NULL REFERENCES journal (seq),
    fragments  TEXT,                      -- an elided quote's fragments (JSON spans), else NULL
    UNIQUE (claim_id, source, start, end)
) STRICT;
-- By span: a claim add asks whether its claimant already has a claim at this exact span.
CREATE INDEX appearances_by_source ON appearances (source, start, end);

-- A status event. Never edited: the current status is the latest event.
CREATE TABLE status_events (
    id                INTEGER PRIMARY KEY,
    claim_id          TEXT    NOT NULL REFERENCES claims (id),
    status            TEXT    NOT NULL REFERENCES statuses (name),
    party_id          INTEGER REFERENCES parties (id),
    party_as          TEXT,               -- the party's name as the user typed it
    evidence          TEXT    REFERENCES sources (sha256),
    evidence_start    INTEGER,
    evidence_end      INTEGER,
    evidence_exact    TEXT,
    note              TEXT,
    time              TEXT    NOT NULL,
    actor             TEXT    NOT NULL,
    seq               INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE INDEX status_events_by_claim ON status_events (claim_id, seq);
CREATE INDEX status_events_by_party ON status_events (party_id);

-- How each appearance fares in the other versions of its document (SPEC §5): written when
-- a new version arrives and every earlier appearance is looked up in it.
CREATE TABLE anchorings (
    appearance_id INTEGER NOT NULL REFERENCES appearances (id),
    source        TEXT    NOT NULL REFERENCES sources (sha256),
    state         TEXT    NOT NULL CHECK (state IN ('unchanged', 'moved', 'changed', 'missing')),
    start         INTEGER,
    end           INTEGER,
    exact         TEXT,
    score         INTEGER,                -- fuzzy similarity in per mille, for 'changed'
    seq           INTEGER NOT NULL REFERENCES journal (seq),
    PRIMARY KEY (appearance_id, source)
) STRICT;
CREATE INDEX anchorings_by_source ON anchorings (source);

-- Claims brought in by `import`: where in the imported file (a source) each one's cell is,
-- the sheet's or feed's own id for it, the article URL the row named, and the rest of the
-- row or item as canonical JSON.
CREATE TABLE claim_imports (
    claim_id    TEXT    PRIMARY KEY REFERENCES claims (id),
    source      TEXT    NOT NULL REFERENCES sources (sha256), -- the imported file
    format      TEXT    NOT NULL CHECK (format IN ('csv', 'claimreview')),
    cell_row    INTEGER NOT NULL CHECK (cell_row >= 1), -- CSV: the row's first line; JSON: item number
    cell_column TEXT    NOT NULL,                       -- header name, column number or JSON key
    external_id TEXT,                                   -- the sheet's or feed's id for the claim
    url         TEXT,                                   -- the article the claim appeared in
    record      TEXT,                                   -- everything else, canonical JSON
    seq         INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE INDEX claim_imports_by_source ON claim_imports (source);
CREATE INDEX claim_imports_by_external_id ON claim_imports (external_id);
CREATE INDEX claim_imports_by_url ON claim_imports (url);

-- Full-text search (SQLite FTS5) over each claim's statement and quotes; rowid = the
-- claim's number. Derived like every table here: written by the projection. No per-row
-- token counts (`columnsize = 0`): they serve only ranking, which nothing here does.
CREATE VIRTUAL TABLE claim_search USING fts5 (
    claim_id UNINDEXED,
    statement,
    quotes,
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);

-- ---------------------------------------------------------------- corrections

-- Every correction entry that touched a claim, so `audit` finds a claim's history.
CREATE TABLE corrections (
    seq      INTEGER NOT NULL REFERENCES journal (seq),
    claim_id TEXT    NOT NULL REFERENCES claims (id),
    kind     TEXT    NOT NULL,            -- claim.amend, claim.withdraw, ..., party.unmerge
    PRIMARY KEY (claim_id, seq)
) STRICT;

-- Appearances taken back with `claim uncite`: the row as it was, and the entry that
-- removed it (appearance ids are never reused).
CREATE TABLE removed_appearances (
    id         INTEGER PRIMARY KEY,
    claim_id   TEXT    NOT NULL REFERENCES claims (id),
    source     TEXT    NOT NULL REFERENCES sources (sha256),
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    exact      TEXT    NOT NULL,
    quote      TEXT    NOT NULL,
    seq        INTEGER NOT NULL REFERENCES journal (seq),
    removed_seq INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;

-- What each standing party merge moved, so that `party unmerge` can move it back: the
-- merged party's names (by key), the claims it made, its conduit links ('C3:2'), its
-- status events, the parties merged into it before, and the conduit links the merge
-- collapsed (with the party and name they had).
CREATE TABLE party_moves (
    merge_seq INTEGER NOT NULL REFERENCES journal (seq),
    what      TEXT    NOT NULL CHECK (what IN ('name', 'claimant', 'conduit', 'status_event',
                                               'merged_party', 'dropped_conduit')),
    target    TEXT    NOT NULL,
    party_id  INTEGER REFERENCES parties (id),
    party_as  TEXT,
    PRIMARY KEY (merge_seq, what, target)
) STRICT;

-- ---------------------------------------------------------------- accounts

-- The accounts of a team server (`claimledger user add`, `serve`). Neither the record nor
-- derived: a token's hash is a credential, and the journal is published, so accounts are
-- never journal entries (each entry's actor is still the account's name). `token_id` is
-- the public part of a token (its lookup key); `token_hash` the Argon2id PHC string of the
-- whole token.
CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('editor', 'checker', 'reader')),
    token_id   TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
