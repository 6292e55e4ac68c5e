//! The lookups that must stay index lookups at a million claims (issue 12), checked by
//! SQLite's own query plan on the real schema. A ledger carries no `ANALYZE` statistics,
//! so the plan for an empty schema is the plan a million-claim ledger gets.

use rusqlite::Connection;

use super::corrections::{CLAIMS_AT_SPAN, DUPLICATE_CLAIM};
use super::status_table::{ClaimFilter, status_sql};

/// `EXPLAIN QUERY PLAN` of `sql`, one step a line.
fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let unbound = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
    let steps: Vec<String> = stmt
        .query_map(rusqlite::params_from_iter(unbound), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    steps.join("\n")
}

fn schema() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    super::migrate::create(&conn).unwrap();
    conn
}

#[test]
fn a_span_is_found_by_its_index_not_by_reading_the_source() {
    let conn = schema();
    for sql in [DUPLICATE_CLAIM, CLAIMS_AT_SPAN] {
        let plan = plan(&conn, sql);
        assert!(
            plan.contains(
                "SEARCH a USING INDEX appearances_by_source (source=? AND start=? AND end=?)"
            ),
            "{sql}\n{plan}"
        );
    }
}

#[test]
fn list_by_source_conduit_or_document_reads_only_the_claims_it_shows() {
    let conn = schema();
    let filters = [
        ClaimFilter {
            source: Some("0".repeat(64)),
            ..Default::default()
        },
        ClaimFilter {
            via: Some(1),
            ..Default::default()
        },
        ClaimFilter {
            document: Some(1),
            ..Default::default()
        },
    ];
    for filter in filters {
        for later in [false, true] {
            let (sql, _) = status_sql(&filter, later);
            let plan = plan(&conn, &sql);
            // Claims are found by id from the filter's index, never scanned.
            assert!(
                plan.contains("SEARCH c USING INDEX sqlite_autoindex_claims_1 (id=?)"),
                "{filter:?}\n{plan}"
            );
            assert!(!plan.contains("SCAN c"), "{filter:?}\n{plan}");
        }
    }
}

#[test]
fn a_claims_entries_are_found_by_index_lookups_alone() {
    use super::journal_reads::{CLAIM_OWN_SEQS, CLAIM_PARTIES, MERGED_INTO_SEQS, PARTY_SEQS};
    let conn = schema();
    // No table is read whole, and nothing is sorted or kept in a temporary b-tree: an
    // export runs these for every claim.
    for sql in [CLAIM_OWN_SEQS, CLAIM_PARTIES, PARTY_SEQS, MERGED_INTO_SEQS] {
        let plan = plan(&conn, sql);
        for step in plan.lines() {
            assert!(
                !step.starts_with("SCAN ") && !step.contains("TEMP B-TREE"),
                "{step}\n{plan}"
            );
        }
    }
    let plan = plan(&conn, MERGED_INTO_SEQS);
    assert!(
        plan.contains("parties_by_merged_into (merged_into=?)"),
        "{plan}"
    );
}

#[test]
fn a_cached_statement_is_not_prepared_again_for_each_claim() {
    let dir = tempfile::tempdir().unwrap();
    let store = super::Store::create(
        &dir.path().join("ledger.db"),
        "2026-01-01T00:00:00.000Z",
        "test",
        crate::journal::Event::LedgerInit {
            origin: "test.example/plans".into(),
            software: "test".into(),
        },
    )
    .unwrap();
    // Reads an export runs for every claim: a join, and an ORDER BY beside the binding.
    for sql in [
        "SELECT e.seq, p.id, p.name, p.kind FROM status_events e
         JOIN parties p ON p.id = e.party_id WHERE e.claim_id = ?1 ORDER BY e.seq",
        "SELECT seq FROM appearances WHERE claim_id = ?1 ORDER BY id",
    ] {
        for claim in ["C1", "C2", "C3"] {
            let mut stmt = store.conn.prepare_cached(sql).unwrap();
            let rows = stmt.query_map([claim], |r| r.get::<_, i64>(0)).unwrap();
            assert_eq!(rows.count(), 0);
            assert_eq!(
                stmt.get_status(rusqlite::StatementStatus::RePrepare),
                0,
                "{sql}"
            );
        }
    }
}
