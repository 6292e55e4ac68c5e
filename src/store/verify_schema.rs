//! `verify`'s checks of the schema itself, and of how much of the journal checkpoints cover.
//!
//! Design decisions:
//!
//! - The ledger's schema objects (tables, their columns, indexes, triggers, views) are
//!   compared with what schema.sql creates in an empty in-memory database (the test
//!   `migrating_a_version_1_ledger_gives_exactly_schema_sql` keeps the migrations equal to
//!   it). Objects are compared by type and name, tables by their columns, indexes by their
//!   table, uniqueness and columns, triggers and views by their SQL: the text of a table
//!   differs between a new and a migrated ledger (ALTER TABLE rewrites it), its shape does not.
//!   An object the schema does not create is a problem: a trigger can silently rewrite
//!   every later write, a view can shadow what a reader sees. Tables the schema lacks are
//!   reported by the table check (src/store/verify.rs); SQLite's statistics tables
//!   (`sqlite_stat*`, written by ANALYZE) are not part of the schema and are ignored.
//! - Coverage: the entries after the largest checkpoint the *journal* records are not yet
//!   covered by any checkpoint (from the journal, not the `checkpoints` table, which is
//!   derived and compared separately).

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::migrate;
use super::verify::{Problem, Report};
use crate::error::Result;

/// One schema object's shape: what must be equal between the ledger and schema.sql.
type Shapes = BTreeMap<(String, String), String>;

/// Runs the schema-object check and counts the entries no checkpoint covers.
pub fn check(conn: &Connection, report: &mut Report) -> Result<()> {
    let fresh = Connection::open_in_memory()?;
    migrate::create(&fresh)?;
    let want = shapes(&fresh)?;
    let have = shapes(conn)?;
    for ((kind, name), shape) in &have {
        match want.get(&(kind.clone(), name.clone())) {
            None if kind == "table" => {} // named by the table check
            None => report.problems.push(Problem {
                check: "schema",
                place: format!("{kind} {name}"),
                message: format!(
                    "is not part of claimledger's schema (schema.sql and its migrations create no such {kind}){}; remove it (DROP {} {name}) once you know who added it",
                    match kind.as_str() {
                        "trigger" => ": a trigger can rewrite or block later writes",
                        "view" => ": a view can show readers something other than the tables",
                        _ => "",
                    },
                    kind.to_uppercase()
                ),
            }),
            Some(expected) if expected != shape => report.problems.push(Problem {
                check: "schema",
                place: format!("{kind} {name}"),
                message: format!(
                    "differs from claimledger's schema: it is {shape}, schema.sql makes {expected}"
                ),
            }),
            Some(_) => {}
        }
    }
    for (kind, name) in want.keys() {
        if kind != "table" && !have.contains_key(&(kind.clone(), name.clone())) {
            report.problems.push(Problem {
                check: "schema",
                place: format!("{kind} {name}"),
                message: "is missing: schema.sql creates it".into(),
            });
        }
    }
    let covered: i64 = conn.query_row(
        "SELECT coalesce(max(json_extract(payload, '$.size')), 0) FROM journal WHERE kind = 'checkpoint'",
        [],
        |r| r.get(0),
    )?;
    report.uncovered = report.entries.saturating_sub(covered.max(0) as u64);
    Ok(())
}

/// Whether the ledger's schema objects are exactly those of schema.sql (the newest version).
pub fn is_current_schema(conn: &Connection) -> Result<bool> {
    let fresh = Connection::open_in_memory()?;
    migrate::create(&fresh)?;
    Ok(shapes(&fresh)? == shapes(conn)?)
}

/// Every schema object but SQLite's statistics, with its shape.
fn shapes(conn: &Connection) -> Result<Shapes> {
    let objects: Vec<(String, String, String, Option<String>)> = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_master
              WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\' ORDER BY type, name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Shapes::new();
    for (kind, name, table, sql) in objects {
        let shape = match kind.as_str() {
            "table" => {
                let cols: rusqlite::Result<Vec<String>> = conn
                    .prepare(
                        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid",
                    )?
                    .query_map([&name], |r| {
                        Ok(format!(
                            "{} {}{}{}{}",
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            if r.get::<_, i64>(2)? != 0 { " NOT NULL" } else { "" },
                            r.get::<_, Option<String>>(3)?
                                .map(|d| format!(" DEFAULT {d}"))
                                .unwrap_or_default(),
                            match r.get::<_, i64>(4)? {
                                0 => String::new(),
                                k => format!(" PK{k}"),
                            }
                        ))
                    })
                    .and_then(|rows| rows.collect());
                match cols {
                    Ok(cols) => format!("table ({})", cols.join(", ")),
                    // A virtual table whose module refuses its own data (the table check
                    // names the damage too).
                    Err(e) => format!(
                        "a table SQLite cannot read ({})",
                        super::faults::sqlite_message(&e)
                    ),
                }
            }
            "index" => {
                let unique: bool = conn
                    .query_row(
                        "SELECT \"unique\" FROM pragma_index_list(?1) WHERE name = ?2",
                        [&table, &name],
                        |r| r.get(0),
                    )
                    .unwrap_or(false);
                let cols: Vec<String> = conn
                    .prepare(
                        "SELECT coalesce(name, '<expr>'), \"desc\" FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
                    )?
                    .query_map([&name], |r| {
                        Ok(format!(
                            "{}{}",
                            r.get::<_, String>(0)?,
                            if r.get::<_, i64>(1)? != 0 { " DESC" } else { "" }
                        ))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                // A partial or expression index shows in its SQL.
                let partial = sql
                    .as_deref()
                    .map(normalize_sql)
                    .filter(|s| s.contains(" where "))
                    .unwrap_or_default();
                format!(
                    "{}index on {table} ({}){}",
                    if unique { "unique " } else { "" },
                    cols.join(", "),
                    if partial.is_empty() {
                        String::new()
                    } else {
                        format!(" [{partial}]")
                    }
                )
            }
            _ => format!(
                "{kind} on {table}: {}",
                sql.as_deref().map(normalize_sql).unwrap_or_default()
            ),
        };
        out.insert((kind, name), shape);
    }
    Ok(out)
}

/// SQL with runs of whitespace as one space, lowercased, for comparing definitions.
fn normalize_sql(sql: &str) -> String {
    sql.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        migrate::create(&conn).unwrap();
        conn
    }

    fn problems(conn: &Connection) -> Vec<String> {
        let mut report = Report::default();
        check(conn, &mut report).unwrap();
        report
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.place, p.message))
            .collect()
    }

    #[test]
    fn the_schema_itself_passes() {
        assert_eq!(problems(&fresh()), Vec::<String>::new());
    }

    #[test]
    fn added_triggers_views_and_indexes_and_changed_indexes_are_named() {
        let conn = fresh();
        conn.execute_batch(
            "CREATE TRIGGER t AFTER INSERT ON claims BEGIN UPDATE claims SET status = 'false'; END;
             CREATE VIEW v AS SELECT 1;
             CREATE INDEX extra ON claims (said);
             DROP INDEX claims_by_status; CREATE INDEX claims_by_status ON claims (statement);
             DROP INDEX party_names_by_party;
             ANALYZE;",
        )
        .unwrap();
        let found = problems(&conn);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("trigger t: is not part")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.starts_with("view v: is not part")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("index extra: is not part")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("index claims_by_status: differs")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("index party_names_by_party: is missing")),
            "{found:?}"
        );
        assert_eq!(found.len(), 5, "{found:?}");
    }

    #[test]
    fn a_changed_column_is_named() {
        let conn = fresh();
        conn.execute_batch("ALTER TABLE claims ADD COLUMN extra TEXT")
            .unwrap();
        let found = problems(&conn);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("table claims: differs"), "{found:?}");
    }
}
