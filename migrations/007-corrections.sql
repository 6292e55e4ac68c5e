-- Corrections (issue 10): a claim can be amended, withdrawn and restored, a wrong
-- appearance removed, a wrong party merge undone. The journal stays append-only: each
-- correction is a new entry, and these derived tables say where the claims stand now.

-- Set when the claim was withdrawn (the claim.withdraw entry); NULL while it stands.
ALTER TABLE claims ADD COLUMN withdrawn_seq INTEGER REFERENCES journal (seq);

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
