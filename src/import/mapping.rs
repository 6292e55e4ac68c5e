//! Which column of a sheet holds what: `--map FIELD=COLUMN`, defaults from the header's
//! names, and turning one row into an [`Item`].

use super::csv::Row;
use super::{Item, Problem, StatusItem};

/// The fields a sheet's columns can map to.
pub const FIELDS: &[&str] = &[
    "statement",
    "claimant",
    "via",
    "status",
    "by",
    "said",
    "url",
    "note",
    "id",
    "quote",
];

/// Header names each field is found under when no `--map` names its column (compared
/// case-insensitively, with `_` and `-` read as spaces).
const DEFAULTS: &[(&str, &[&str])] = &[
    (
        "statement",
        &["statement", "claim", "claim text", "claim reviewed"],
    ),
    ("claimant", &["claimant", "claimed by", "speaker", "who"]),
    ("via", &["via", "conduit", "conduits", "relayed by"]),
    ("status", &["status", "rating", "verdict"]),
    ("by", &["by", "status by", "rated by"]),
    ("said", &["said", "date", "said on", "claim date"]),
    ("url", &["url", "link", "article", "article url"]),
    ("note", &["note", "notes", "comment", "comments"]),
    ("id", &["id", "claim id", "ref", "reference"]),
    ("quote", &["quote", "exact words", "verbatim"]),
];

/// How rows map to claims.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Whether the first row names the columns.
    pub header: bool,
    /// `--map FIELD=COLUMN`, in order (COLUMN a header name or a 1-based number).
    pub map: Vec<(String, String)>,
    /// Split each `via` cell on this.
    pub via_separator: Option<String>,
    /// The claimant of rows whose claimant cell is empty.
    pub claimant_default: Option<String>,
}

/// The columns each field is read from, resolved against a header.
#[derive(Debug, Clone)]
pub struct Columns {
    names: Vec<String>,
    statement: usize,
    claimant: Option<usize>,
    via: Vec<usize>,
    status: Option<usize>,
    by: Option<usize>,
    said: Option<usize>,
    url: Option<usize>,
    note: Option<usize>,
    id: Option<usize>,
    quote: Option<usize>,
    via_separator: Option<String>,
    claimant_default: Option<String>,
}

fn fold(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Columns {
    /// Resolves the columns against the header's names (None: no header, `width` columns
    /// numbered from 1). Fails with a message saying what to `--map`.
    pub fn resolve(
        header: Option<&[String]>,
        width: usize,
        options: &Options,
    ) -> Result<Columns, String> {
        let names: Vec<String> = match header {
            Some(h) => h.iter().map(|n| n.trim().to_string()).collect(),
            None => (1..=width).map(|i| i.to_string()).collect(),
        };
        let listed = || {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let find = |column: &str| -> Result<usize, String> {
            if let Ok(n) = column.trim().parse::<usize>() {
                if n >= 1 && n <= names.len() {
                    return Ok(n - 1);
                }
                return Err(format!(
                    "--map names column {n}, but the rows have {} columns",
                    names.len()
                ));
            }
            names
                .iter()
                .position(|h| h == column.trim())
                .or_else(|| names.iter().position(|h| fold(h) == fold(column)))
                .ok_or_else(|| {
                    format!(
                        "--map names a column `{column}` the header does not have; its columns are {}",
                        listed()
                    )
                })
        };
        let mut mapped: Vec<(&str, usize)> = Vec::new();
        for (field, column) in &options.map {
            let field = FIELDS
                .iter()
                .find(|f| **f == field.trim().to_lowercase())
                .ok_or_else(|| {
                    format!(
                        "--map {field}={column}: there is no field `{field}`; the fields are {}",
                        FIELDS.join(", ")
                    )
                })?;
            mapped.push((field, find(column)?));
        }
        let get = |field: &str| -> Vec<usize> {
            let given: Vec<usize> = mapped
                .iter()
                .filter(|(f, _)| *f == field)
                .map(|(_, c)| *c)
                .collect();
            if !given.is_empty() || header.is_none() {
                return given;
            }
            let wanted = DEFAULTS
                .iter()
                .find(|(f, _)| *f == field)
                .map_or(&[][..], |(_, n)| *n);
            let taken = |i: usize| mapped.iter().any(|(_, c)| *c == i);
            let found: Vec<usize> = (0..names.len())
                .filter(|&i| !taken(i) && wanted.contains(&fold(&names[i]).as_str()))
                .collect();
            if field == "via" {
                found
            } else {
                found.into_iter().take(1).collect()
            }
        };
        let one = |field: &str| get(field).first().copied();
        let statement = one("statement").ok_or_else(|| match header {
            Some(_) => format!(
                "no column holds the statements: name it with --map statement=COLUMN (the columns are {})",
                listed()
            ),
            None => "with --no-header, say which columns hold what: --map statement=N --map claimant=N (columns are numbered from 1)".to_string(),
        })?;
        let claimant = one("claimant");
        if claimant.is_none() && options.claimant_default.is_none() {
            return Err(match header {
                Some(_) => format!(
                    "no column holds the claimants: name it with --map claimant=COLUMN, or give every row one with --claimant-default PARTY (the columns are {})",
                    listed()
                ),
                None => "with --no-header, say which column holds the claimants: --map claimant=N, or --claimant-default PARTY".to_string(),
            });
        }
        Ok(Columns {
            statement,
            claimant,
            via: get("via"),
            status: one("status"),
            by: one("by"),
            said: one("said"),
            url: one("url"),
            note: one("note"),
            id: one("id"),
            quote: one("quote"),
            names,
            via_separator: options.via_separator.clone().filter(|s| !s.is_empty()),
            claimant_default: options.claimant_default.clone(),
        })
    }

    /// How many columns the header has.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// The name of column `i` (0-based) as messages and records show it.
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// One row as a claim; None for a row whose cells are all empty. A row with the wrong
    /// number of cells is a problem (with `pad`, missing trailing cells read as empty).
    pub fn item(&self, text: &str, row: &Row, pad: bool) -> Result<Option<Item>, Vec<Problem>> {
        let line = row.line;
        let value = |i: Option<usize>| -> Option<String> {
            let cell = row.cells.get(i?)?;
            let v = cell.value(text);
            let v = v.trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        if row
            .cells
            .iter()
            .all(|c| text[c.raw.clone()].trim().is_empty())
        {
            return Ok(None);
        }
        let n = row.cells.len();
        if n > self.width() || (n < self.width() && !pad) {
            let lines = if row.last_line > row.line {
                format!(
                    " (it runs from line {} to line {})",
                    row.line, row.last_line
                )
            } else {
                String::new()
            };
            let hint = if text[row.cells[0].raw.start..row.cells[n - 1].raw.end].contains('"') {
                "; a stray \" may have joined lines into one row: if the file does not quote its cells, use --quoting none"
            } else {
                ""
            };
            return Err(vec![Problem::row(
                line,
                format!(
                    "this row has {n} cells where the header has {}{lines}{hint}",
                    self.width()
                ),
            )]);
        }
        let mut problems = Vec::new();
        let col = |i: usize| self.names[i].clone();
        let statement = value(Some(self.statement));
        if statement.is_none() {
            problems.push(Problem::cell(
                line,
                &col(self.statement),
                "the statement is empty",
            ));
        }
        // The appearance spans the quote cell when there is one, else the statement cell.
        let (anchor, column) = match self.quote.filter(|&q| value(Some(q)).is_some()) {
            Some(q) => (q, col(q)),
            None => (self.statement, col(self.statement)),
        };
        let claimant = value(self.claimant).or_else(|| self.claimant_default.clone());
        if claimant.is_none() {
            problems.push(Problem::cell(
                line,
                &self.claimant.map(col).unwrap_or_else(|| "claimant".into()),
                "the claimant is empty; fill it in, or give such rows one with --claimant-default PARTY",
            ));
        }
        // A name is one line of printable text (crate::party::check_name), here as everywhere.
        for (i, name) in self
            .claimant
            .iter()
            .chain(self.via.iter())
            .chain(self.by.iter())
            .filter_map(|&i| value(Some(i)).map(|v| (i, v)))
        {
            if let Err(e) = crate::party::check_name("the name", &name) {
                problems.push(Problem::cell(line, &col(i), e.to_string()));
            }
        }
        let mut via = Vec::new();
        for &i in &self.via {
            if let Some(v) = value(Some(i)) {
                match &self.via_separator {
                    Some(sep) => via.extend(
                        v.split(sep.as_str())
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(String::from),
                    ),
                    None => via.push(v),
                }
            }
        }
        let said = match value(self.said) {
            Some(s) => match crate::dates::parse_date("said", &s) {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(Problem::cell(
                        line,
                        &col(self.said.expect("a value has a column")),
                        format!("{s:?} is not a date; write YYYY-MM-DD or an RFC 3339 time"),
                    ));
                    None
                }
            },
            None => None,
        };
        let note = value(self.note);
        let by = value(self.by);
        let statuses = match value(self.status) {
            Some(v) => vec![StatusItem {
                value: v,
                column: col(self.status.expect("a value has a column")),
                by,
                by_kind: None,
                note: note.clone(),
            }],
            None => Vec::new(),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        // Columns no field reads are kept in the claim's imported record, as are a note and
        // a `by` party with no status to carry them.
        let used: Vec<usize> = [
            Some(self.statement),
            self.claimant,
            self.status,
            self.said,
            self.url,
            self.id,
            self.quote,
        ]
        .into_iter()
        .flatten()
        .chain(self.via.iter().copied())
        .chain(self.note.filter(|_| !statuses.is_empty()))
        .chain(self.by.filter(|_| !statuses.is_empty()))
        .collect();
        let mut record = serde_json::Map::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let v = cell.value(text);
            if !used.contains(&i) && !v.trim().is_empty() {
                record.insert(
                    self.names[i].clone(),
                    serde_json::Value::String(v.into_owned()),
                );
            }
        }
        Ok(Some(Item {
            row: line,
            column,
            cell: row.cells[anchor].raw.clone(),
            statement: statement.expect("checked above"),
            claimant: claimant.expect("checked above"),
            claimant_kind: None,
            via,
            said,
            statuses,
            url: value(self.url),
            id: value(self.id),
            record: (!record.is_empty()).then_some(serde_json::Value::Object(record)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::csv::{Dialect, Quoting, Rows};
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_come_from_the_header_and_map_overrides() {
        let h = header(&["ID", "Claim", "Claimed_By", "Via", "Via", "Rating"]);
        let c = Columns::resolve(
            Some(&h),
            6,
            &Options {
                header: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (c.statement, c.claimant, c.via.clone(), c.status, c.id),
            (1, Some(2), vec![3, 4], Some(5), Some(0))
        );
        let o = Options {
            header: true,
            map: vec![
                ("statement".into(), "6".into()),
                ("claimant".into(), "id".into()),
            ],
            ..Default::default()
        };
        let c = Columns::resolve(Some(&h), 6, &o).unwrap();
        assert_eq!((c.statement, c.claimant), (5, Some(0)));
        let bad = Options {
            header: true,
            map: vec![("speaker".into(), "ID".into())],
            ..Default::default()
        };
        assert!(
            Columns::resolve(Some(&h), 6, &bad)
                .unwrap_err()
                .contains("no field `speaker`")
        );
        assert!(
            Columns::resolve(None, 3, &Options::default())
                .unwrap_err()
                .contains("--no-header")
        );
    }

    #[test]
    fn a_row_becomes_an_item_with_its_cell() {
        let text = "statement,claimant,via,extra\n\"He said \"\"no\"\"\",A,\"B; C\",kept\n";
        let rows: Vec<_> = Rows::new(
            text,
            Dialect {
                delimiter: b',',
                quoting: Quoting::Standard,
            },
        )
        .collect();
        let h = header(&["statement", "claimant", "via", "extra"]);
        let o = Options {
            header: true,
            via_separator: Some(";".into()),
            ..Default::default()
        };
        let c = Columns::resolve(Some(&h), 4, &o).unwrap();
        let item = c
            .item(text, rows[1].as_ref().unwrap(), false)
            .unwrap()
            .unwrap();
        assert_eq!(item.statement, "He said \"no\"");
        assert_eq!(&text[item.cell.clone()], "He said \"\"no\"\"");
        assert_eq!(item.via, vec!["B", "C"]);
        assert_eq!(item.record, Some(serde_json::json!({"extra": "kept"})));
    }
}
