//! `verify` reads the journal once and checks the Merkle tree node by node as it completes,
//! with SQLite's own checks on a thread of their own (src/store/verify*.rs): each kind of
//! damage to the tree is named, checkpoints are still judged against the recomputed tree,
//! and a foreign-key violation found by the other connection is reported.

mod common;

use common::Sandbox;

/// A ledger of 1 + 20 entries, and a checkpoint of them (its own entry is the 22nd).
fn ledger() -> Sandbox {
    let sb = Sandbox::new();
    for i in 0..20 {
        sb.ok(&["party", "add", &format!("Party number {i}")]);
    }
    sb.ok(&["checkpoint"]);
    sb
}

/// `verify`'s exit code and stdout.
fn verify(sb: &Sandbox) -> (i32, String) {
    let out = sb.cmd(&["verify"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn wrong_missing_and_extra_merkle_nodes_are_each_named() {
    let sb = ledger();
    assert_eq!(verify(&sb).0, 0, "{}", verify(&sb).1);
    let conn = sb.sql();
    let hash = vec![0xabu8; 32];
    let changed = conn
        .execute(
            "UPDATE merkle_nodes SET hash = ?1 WHERE level = 2 AND idx = 1",
            [&hash],
        )
        .unwrap()
        + conn
            .execute("DELETE FROM merkle_nodes WHERE level = 3 AND idx = 0", [])
            .unwrap()
        + conn
            .execute(
                "INSERT INTO merkle_nodes (level, idx, hash) VALUES (0, 1000, ?1), (9, 0, ?1)",
                [&hash],
            )
            .unwrap();
    assert_eq!(changed, 4);
    drop(conn);
    let (code, stdout) = verify(&sb);
    assert_eq!(code, 3, "{stdout}");
    for want in [
        "merkle_nodes level 2, index 1: is not the hash of journal entries #4..#7",
        "merkle_nodes level 3, index 0: is missing",
        "merkle_nodes level 0, index 1000: is beyond the journal's 22 entries",
        "merkle_nodes level 9, index 0: is beyond the journal's 22 entries",
        "journal entry #22: is missing: the Merkle tree has 1001 leaves",
    ] {
        assert!(stdout.contains(want), "{want:?} not in:\n{stdout}");
    }
    // The recorded checkpoint is judged against the recomputed tree, not the damaged one.
    assert!(!stdout.contains("checkpoints row"), "{stdout}");
}

#[test]
fn a_changed_leaf_is_named_and_the_checkpoint_still_holds() {
    let sb = ledger();
    let conn = sb.sql();
    let hash = vec![0xcdu8; 32];
    assert_eq!(
        conn.execute(
            "UPDATE merkle_nodes SET hash = ?1 WHERE level = 0 AND idx = 20",
            [&hash],
        )
        .unwrap(),
        1
    );
    drop(conn);
    let (code, stdout) = verify(&sb);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout
            .contains("merkle_nodes level 0, index 20: is not the leaf hash of journal entry #20"),
        "{stdout}"
    );
    // The checkpoint of 21 entries is the hash of nodes (4, 0), (2, 4) and leaf 20: it is
    // judged with the recomputed leaf, so only the leaf is named.
    assert!(!stdout.contains("checkpoints row"), "{stdout}");
}

#[test]
fn a_foreign_key_violation_is_found_by_sqlites_checks() {
    let sb = ledger();
    let conn = sb.sql();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn.execute(
        "INSERT INTO blob_chunks (blob_id, chunk, data) VALUES (999, 0, x'00')",
        [],
    )
    .unwrap();
    drop(conn);
    let (code, stdout) = verify(&sb);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("refers to a row of blobs that does not exist (foreign_key_check)"),
        "{stdout}"
    );
}

/// The stored tree as (level, idx, hex of the hash), whatever the column holds.
fn tree(sb: &Sandbox) -> Vec<(i64, i64, String)> {
    sb.sql()
        .prepare("SELECT level, idx, lower(hex(hash)), typeof(hash) FROM merkle_nodes ORDER BY level, idx")
        .unwrap()
        .query_map([], |r| {
            let kind: String = r.get(3)?;
            assert_eq!(kind, "blob", "every hash is stored as bytes");
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_version_11_tree_of_hex_text_becomes_bytes_and_still_verifies() {
    let sb = ledger();
    let before = tree(&sb);
    assert_eq!(
        before.len(),
        22 + 22 - 3,
        "22 leaves and their completed parents"
    );
    {
        let conn = sb.sql();
        common::downgrade(&conn, 11);
        let stored: String = conn
            .query_row(
                "SELECT hash FROM merkle_nodes WHERE level = 0 AND idx = 0",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, before[0].2, "version 11 keeps hashes as hex text");
    }
    // Any command brings the ledger up to date; the tree is the same hashes, as bytes.
    let (code, stdout) = verify(&sb);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        sb.count("PRAGMA user_version"),
        claimledger::store::migrate::SCHEMA_VERSION
    );
    assert_eq!(tree(&sb), before);
    // New entries add their nodes as bytes beside the converted ones, and all verify.
    sb.ok(&["party", "add", "One more party"]);
    let after = tree(&sb);
    assert!(before.iter().all(|node| after.contains(node)));
    assert_eq!(
        after.len(),
        23 + 23 - 4,
        "23 leaves and their completed parents"
    );
    assert_eq!(verify(&sb).0, 0);
}

#[test]
fn a_version_11_node_that_is_not_hex_is_kept_as_damage_verify_names() {
    let sb = ledger();
    {
        let conn = sb.sql();
        common::downgrade(&conn, 11);
        // 64 characters, as version 11's CHECK wants, but not hex.
        conn.execute(
            "UPDATE merkle_nodes SET hash = ?1 WHERE level = 1 AND idx = 2",
            ["zz".repeat(32)],
        )
        .unwrap();
    }
    let (code, stdout) = verify(&sb);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("merkle_nodes level 1, index 2: is not the hash of journal entries #4..#5"),
        "{stdout}"
    );
    let zeros: i64 = sb.count(
        "SELECT count(*) FROM merkle_nodes WHERE level = 1 AND idx = 2 AND hash = zeroblob(32)",
    );
    assert_eq!(
        zeros, 1,
        "the damaged node is kept (as 32 zero bytes), not dropped"
    );
}
