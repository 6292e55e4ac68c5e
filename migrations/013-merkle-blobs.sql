-- Version 11 -> 12: the Merkle tree's hashes as 32-byte BLOBs, in a table clustered on its
-- key (issue 12: a lean ledger).
--
-- Every appended entry writes about two nodes; as 64-digit hex text in a rowid table with a
-- separate index on (level, idx), they took 281 bytes a claim (measured at 100,000 claims).
-- As BLOBs in a WITHOUT ROWID table keyed on (level, idx) the key is the table: no second
-- b-tree to insert into, half the bytes per hash. Read them in the sqlite3 shell with hex(hash).
-- A ledger migrated from before version 3 already has this shape (003-merkle.sql creates
-- it); a ledger at versions 3 to 11 runs this script before its other migrations (one of
-- them appends entries, whose nodes are written in this shape: src/store/migrate.rs).
-- Hex hashes are converted, and one that is not hex becomes 32 zero bytes, which
-- `verify` reports as the wrong node it is (nothing is dropped).
CREATE TABLE merkle_nodes_v12 (
    level INTEGER NOT NULL CHECK (level >= 0),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
INSERT INTO merkle_nodes_v12 (level, idx, hash)
    SELECT level, idx,
           CASE
               WHEN typeof(hash) = 'blob' AND length(hash) = 32 THEN hash
               WHEN typeof(hash) = 'text' AND length(unhex(hash)) = 32 THEN unhex(hash)
               ELSE zeroblob(32)
           END
      FROM merkle_nodes ORDER BY level, idx;
DROP TABLE merkle_nodes;
ALTER TABLE merkle_nodes_v12 RENAME TO merkle_nodes;
