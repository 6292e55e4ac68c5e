-- Version 3 -> 4: attribution as newsrooms write it.
--
-- Parties can be merged (the merged one keeps its row, pointing at the survivor); claims
-- and conduits keep the names as they were typed; claims get full-text search.

ALTER TABLE parties ADD COLUMN merged_into INTEGER REFERENCES parties (id);
ALTER TABLE claims ADD COLUMN claimant_as TEXT;
ALTER TABLE claim_conduits ADD COLUMN party_as TEXT;

UPDATE claims SET claimant_as = (
    SELECT json_extract(j.payload, '$.claimant.as') FROM journal j
    WHERE j.kind = 'claim.add' AND json_extract(j.payload, '$.id') = claims.id
);
UPDATE claim_conduits SET party_as = (
    SELECT json_extract(j.payload, '$.via[' || (claim_conduits.position - 1) || '].as')
    FROM journal j
    WHERE j.kind = 'claim.add' AND json_extract(j.payload, '$.id') = claim_conduits.claim_id
);

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
