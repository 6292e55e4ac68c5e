-- Version 3 -> 4: attribution as newsrooms write it.
--
-- Parties can be merged (the merged one keeps its row, pointing at the survivor); claims
-- and conduits keep the names as they were typed; claims get full-text search.

ALTER TABLE parties ADD COLUMN merged_into INTEGER REFERENCES parties (id);
ALTER TABLE parties ADD COLUMN merged_seq INTEGER REFERENCES journal (seq);
ALTER TABLE claims ADD COLUMN claimant_as TEXT;
ALTER TABLE claim_conduits ADD COLUMN party_as TEXT;
CREATE INDEX status_events_by_party ON status_events (party_id);
CREATE INDEX claims_by_status_party ON claims (status_party_id);

-- The names as typed come from the claim.add payloads, read once through a temporary
-- table keyed by claim id (not once per claim).
CREATE TEMP TABLE claim_payloads AS
    SELECT json_extract(payload, '$.id') AS id, payload FROM journal WHERE kind = 'claim.add';
CREATE INDEX temp.claim_payloads_by_id ON claim_payloads (id);
UPDATE claims SET claimant_as = (
    SELECT json_extract(p.payload, '$.claimant.as') FROM claim_payloads p WHERE p.id = claims.id
);
UPDATE claim_conduits SET party_as = (
    SELECT json_extract(p.payload, '$.via[' || (claim_conduits.position - 1) || '].as')
    FROM claim_payloads p WHERE p.id = claim_conduits.claim_id
);
DROP TABLE claim_payloads;

-- Full-text search over each claim's statement and quotes (rowid = the claim's number).
CREATE VIRTUAL TABLE claim_search USING fts5 (
    claim_id UNINDEXED,
    statement,
    quotes,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO claim_search (rowid, claim_id, statement, quotes)
SELECT c.number, c.id, c.statement,
       coalesce((SELECT group_concat(a.exact, char(10)) FROM
                    (SELECT exact FROM appearances WHERE claim_id = c.id ORDER BY id) a), '')
FROM claims c ORDER BY c.number;
