-- Version 13 -> 14: the full-text index keeps no per-claim token counts (issue 12).
--
-- FTS5 keeps, beside its index, a table of every row's token count per column
-- (`claim_search_docsize`), which only its ranking functions (bm25) read; claimledger asks
-- the index which claims match and never ranks. `columnsize = 0` drops that table: one
-- b-tree insert less per claim, and no table `verify` could only check by tokenizing every
-- statement and quote again. The index is rebuilt from its own content, row for row.
CREATE TEMP TABLE search_rows AS
    SELECT rowid AS number, claim_id, statement, quotes FROM claim_search;
DROP TABLE claim_search;
CREATE VIRTUAL TABLE claim_search USING fts5 (
    claim_id UNINDEXED,
    statement,
    quotes,
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);
INSERT INTO claim_search (rowid, claim_id, statement, quotes)
    SELECT number, claim_id, statement, quotes FROM search_rows ORDER BY number;
DROP TABLE search_rows;
