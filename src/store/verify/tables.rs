//! Check 4 of [`super`]: the derived tables, compared with the replayed journal as two
//! sorted streams (a merge by primary key), column by column, differences capped per table.

use super::*;

impl Verifier<'_> {
    /// 4. Every derived table against the replayed journal.
    pub(super) fn tables(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<()> {
        let list = |conn: &Connection| -> Result<Vec<String>> {
            Ok(conn
                .prepare(
                    // A full-text index keeps its inverted index in shadow tables (_data,
                    // _idx) whose bytes depend on the order of writes: SQLite's
                    // integrity_check proves them consistent with the index's content, which
                    // is compared here like any table (as are _docsize and _config).
                    // Litestream keeps its own bookkeeping in `_litestream_*` tables of the
                    // ledger it replicates (README, Team use): not ours, not compared.
                    "SELECT name FROM sqlite_master t WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                     AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\'
                     AND NOT EXISTS (SELECT 1 FROM sqlite_master v
                         WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%'
                         AND (t.name = v.name || '_data' OR t.name = v.name || '_idx'))
                     ORDER BY name",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        };
        let schema_tables = list(self.rebuilt.as_ref().expect("the replay is done"))?;
        let ledger_tables = list(self.conn)?;
        for t in &ledger_tables {
            if !schema_tables.contains(t) {
                self.problem("table", format!("table {t}"), "is not part of the schema");
            }
        }
        let derived: Vec<String> = schema_tables
            .into_iter()
            .filter(|t| !RECORD_TABLES.contains(&t.as_str()))
            .collect();
        progress(Progress::Stage("tables", derived.len() as u64));
        for table in derived {
            if !ledger_tables.contains(&table) {
                self.problem("table", format!("table {table}"), "is missing");
                continue;
            }
            if let Err(e) = self.compare_table(&table) {
                // A table SQLite cannot even read (a corrupt full-text index) is a finding.
                self.problem(
                    "table",
                    format!("table {table}"),
                    format!("cannot be read: {e}"),
                );
            }
            self.report.tables += 1;
            progress(Progress::Advance(1));
        }
        Ok(())
    }

    pub(super) fn compare_table(&mut self, table: &str) -> Result<()> {
        let mut columns: Vec<(String, i64)> = self
            .rebuilt
            .as_ref()
            .expect("the replay is done")
            .prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map(params![table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
        columns.retain(|(_, pk)| *pk > 0);
        if columns.is_empty() {
            // No declared key (a full-text index): its rowid is the key.
            names.insert(0, "rowid".to_string());
            columns.push(("rowid".to_string(), 1));
        }
        columns.sort_by_key(|(_, pk)| *pk);
        let key_cols: Vec<usize> = if columns.is_empty() {
            (0..names.len()).collect()
        } else {
            columns
                .iter()
                .map(|(n, _)| names.iter().position(|m| m == n).expect("a column"))
                .collect()
        };
        let order: Vec<String> = key_cols
            .iter()
            .map(|&i| format!("\"{}\"", names[i]))
            .collect();
        let select: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        let sql = format!(
            "SELECT {} FROM \"{table}\" ORDER BY {}",
            select.join(", "),
            order.join(", ")
        );
        let mut ours = self.conn.prepare(&sql)?;
        let mut theirs = self
            .rebuilt
            .as_ref()
            .expect("the replay is done")
            .prepare(&sql)?;
        let width = names.len();
        let read = |row: &rusqlite::Row| -> rusqlite::Result<Vec<SqlValue>> {
            (0..width).map(|i| row.get::<_, SqlValue>(i)).collect()
        };
        let mut a = ours.query([])?;
        let mut b = theirs.query([])?;
        let mut left = a.next()?.map(read).transpose()?;
        let mut right = b.next()?.map(read).transpose()?;
        let mut found: Vec<String> = Vec::new();
        let mut more = 0usize;
        let key_of = |row: &[SqlValue]| -> Vec<SqlValue> {
            key_cols.iter().map(|&i| row[i].clone()).collect()
        };
        let describe = |row: &[SqlValue]| -> String {
            key_cols
                .iter()
                .map(|&i| format!("{}={}", names[i], show(&row[i])))
                .collect::<Vec<_>>()
                .join(", ")
        };
        loop {
            let (message, step_left, step_right) = match (&left, &right) {
                (None, None) => break,
                (Some(l), None) => (
                    Some(format!(
                        "row {} is not backed by any journal entry",
                        describe(l)
                    )),
                    true,
                    false,
                ),
                (None, Some(r)) => (
                    Some(format!(
                        "row {} is missing (the journal has it)",
                        describe(r)
                    )),
                    false,
                    true,
                ),
                (Some(l), Some(r)) => match compare_keys(&key_of(l), &key_of(r)) {
                    std::cmp::Ordering::Less => (
                        Some(format!(
                            "row {} is not backed by any journal entry",
                            describe(l)
                        )),
                        true,
                        false,
                    ),
                    std::cmp::Ordering::Greater => (
                        Some(format!(
                            "row {} is missing (the journal has it)",
                            describe(r)
                        )),
                        false,
                        true,
                    ),
                    std::cmp::Ordering::Equal => {
                        let diffs: Vec<String> = (0..width)
                            .filter(|&i| l[i] != r[i])
                            .map(|i| {
                                format!(
                                    "column {} is {}, the journal says {}",
                                    names[i],
                                    show(&l[i]),
                                    show(&r[i])
                                )
                            })
                            .collect();
                        let message = (!diffs.is_empty())
                            .then(|| format!("row {}: {}", describe(l), diffs.join("; ")));
                        (message, true, true)
                    }
                },
            };
            if let Some(m) = message {
                if found.len() < MAX_PER_TABLE {
                    found.push(m);
                } else {
                    more += 1;
                }
            }
            if step_left {
                left = a.next()?.map(read).transpose()?;
            }
            if step_right {
                right = b.next()?.map(read).transpose()?;
            }
        }
        drop((a, b));
        drop((ours, theirs));
        for m in found {
            self.problem("table", format!("table {table}"), m);
        }
        if more > 0 {
            self.problem(
                "table",
                format!("table {table}"),
                format!("{more} more row(s) differ from the journal"),
            );
        }
        Ok(())
    }
}

/// Orders primary keys as SQLite does for the STRICT columns of this schema: NULL first,
/// numbers by value, text and blobs by their bytes.
fn compare_keys(a: &[SqlValue], b: &[SqlValue]) -> std::cmp::Ordering {
    fn rank(v: &SqlValue) -> u8 {
        match v {
            SqlValue::Null => 0,
            SqlValue::Integer(_) | SqlValue::Real(_) => 1,
            SqlValue::Text(_) => 2,
            SqlValue::Blob(_) => 3,
        }
    }
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (SqlValue::Integer(x), SqlValue::Integer(y)) => x.cmp(y),
            (SqlValue::Real(x), SqlValue::Real(y)) => x.total_cmp(y),
            (SqlValue::Integer(x), SqlValue::Real(y)) => (*x as f64).total_cmp(y),
            (SqlValue::Real(x), SqlValue::Integer(y)) => x.total_cmp(&(*y as f64)),
            (SqlValue::Text(x), SqlValue::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
            (SqlValue::Blob(x), SqlValue::Blob(y)) => x.cmp(y),
            _ => rank(x).cmp(&rank(y)),
        };
        if order.is_ne() {
            return order;
        }
    }
    std::cmp::Ordering::Equal
}

/// A value for a message: text quoted and clipped, blobs by size.
fn show(v: &SqlValue) -> String {
    match v {
        SqlValue::Null => "NULL".into(),
        SqlValue::Integer(i) => i.to_string(),
        SqlValue::Real(r) => r.to_string(),
        SqlValue::Text(t) => format!("{:?}", clip(t)),
        SqlValue::Blob(b) => format!("<{} bytes>", b.len()),
    }
}
