//! Check 4 of [`super`]: the derived tables, compared with the replayed journal as two
//! sorted streams (a merge by primary key), column by column, differences capped per table.

use super::*;

impl Verifier<'_> {
    /// 4. Every derived table against the replayed journal.
    pub(super) fn tables(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<()> {
        let replayed = self.rebuilt.as_mut().expect("the replay is done");
        let schema_tables = std::mem::take(&mut replayed.tables);
        let search = std::mem::take(&mut replayed.plain_search);
        let ledger_tables = derived_and_record_tables(self.conn)?;
        for t in &ledger_tables {
            if !schema_tables.contains(t) {
                self.problem("table", format!("table {t}"), "is not part of the schema");
            }
        }
        let derived: Vec<String> = schema_tables
            .into_iter()
            .filter(|t| !RECORD_TABLES.contains(&t.as_str()))
            .collect();
        // A full-text index was replayed as a plain table (src/store/replay.rs): its rows
        // are compared with the ledger's content table, its settings like any table, and
        // its inverted index is checked against that content by integrity_check.
        progress(Progress::Stage("tables", derived.len() as u64));
        for table in derived {
            self.report.tables += 1;
            progress(Progress::Advance(1));
            if !ledger_tables.contains(&table) {
                self.problem("table", format!("table {table}"), "is missing");
                continue;
            }
            let compared = if let Some(index) = search.iter().find(|s| s.name == table) {
                self.compare_search(&index.name, &index.columns)
            } else if search
                .iter()
                .any(|s| table.strip_suffix("_content") == Some(s.name.as_str()))
            {
                continue; // compared with the index itself
            } else {
                self.compare_table(&table)
            };
            if let Err(e) = compared {
                // A table SQLite cannot even read (a corrupt full-text index) is a finding.
                self.problem(
                    "table",
                    format!("table {table}"),
                    format!("cannot be read: {e}"),
                );
            }
        }
        Ok(())
    }

    /// A full-text index's content table (FTS5's `id, c0, c1, ...`) against the plain table
    /// the replay wrote in its place.
    fn compare_search(&mut self, name: &str, columns: &[String]) -> Result<()> {
        let content = format!("{name}_content");
        let mut names = vec!["id".to_string()];
        names.extend((0..columns.len()).map(|i| format!("c{i}")));
        let ours = format!("SELECT {} FROM \"{content}\" ORDER BY id", names.join(", "));
        let replayed: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        let theirs = format!(
            "SELECT rowid, {} FROM \"{name}\" ORDER BY rowid",
            replayed.join(", ")
        );
        self.compare_rows(&content, &ours, &theirs, &names, &[0])
    }

    pub(super) fn compare_table(&mut self, table: &str) -> Result<()> {
        let mut columns: Vec<(String, i64)> = self
            .replayed()
            .prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map(params![table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
        columns.retain(|(_, pk)| *pk > 0);
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
        self.compare_rows(table, &sql, &sql, &names, &key_cols)
    }

    /// Merges the ledger's rows (`ours`) with the replayed ones (`theirs`), both sorted by
    /// the columns `key_cols` of `names`, and reports each difference under `table`.
    fn compare_rows(
        &mut self,
        table: &str,
        ours: &str,
        theirs: &str,
        names: &[String],
        key_cols: &[usize],
    ) -> Result<()> {
        let mut ours = self.conn.prepare(ours)?;
        let mut theirs = self.replayed().prepare(theirs)?;
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
