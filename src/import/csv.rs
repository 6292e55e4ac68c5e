//! CSV and TSV rows with where each cell's bytes are.
//!
//! The `csv` crate gives cell values but not where each cell's raw bytes are in the file,
//! which the appearance of an imported claim needs (its span is the cell, in the stored
//! file), so rows are split here: RFC 4180 with a chosen delimiter, `\n` or `\r\n` line
//! ends, and two quoting modes. [`Quoting::Standard`] reads a cell that starts with `"` up
//! to the closing `"` (a doubled `""` inside is one `"`; delimiters and line breaks inside
//! are part of the cell); a `"` elsewhere in a cell is a plain character. [`Quoting::None`]
//! never quotes: every line is a row and every `"` is a plain character, as some exports
//! write them. Blank lines are not rows. A byte-order mark at the start is not part of the
//! first cell (but stays a code point of the file, so spans count it).
//!
//! Rows are read one at a time from the text; nothing is kept between them.

use std::borrow::Cow;
use std::ops::Range;

use super::Problem;

/// How cells are quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// RFC 4180: a cell may be enclosed in `"`, with `""` for a `"` inside.
    Standard,
    /// Nothing is quoted: `"` is a character like any other.
    None,
}

/// How a file separates its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The cell delimiter (an ASCII character: `,`, tab, `;`, `|`).
    pub delimiter: u8,
    /// How cells are quoted.
    pub quoting: Quoting,
}

/// One cell: where its raw text is, and whether it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The raw text's byte range (for a quoted cell, between the quotes).
    pub raw: Range<usize>,
    /// Whether the cell was enclosed in quotes.
    pub quoted: bool,
}

impl Cell {
    /// The cell's value: its raw text, with `""` read as `"` if it was quoted.
    pub fn value<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let raw = &text[self.raw.clone()];
        if self.quoted && raw.contains("\"\"") {
            Cow::Owned(raw.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(raw)
        }
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line it starts on (1-based).
    pub line: u64,
    /// The line it ends on (a quoted cell may span lines).
    pub last_line: u64,
    /// Its cells.
    pub cells: Vec<Cell>,
}

/// The rows of a text, in order; a malformed row is a [`Problem`], and reading goes on at
/// the next line (except after a quote that is never closed, which ends the file).
pub struct Rows<'t> {
    text: &'t str,
    pos: usize,
    line: u64,
    dialect: Dialect,
}

impl<'t> Rows<'t> {
    /// The rows of `text`.
    pub fn new(text: &'t str, dialect: Dialect) -> Rows<'t> {
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Rows {
            text,
            pos,
            line: 1,
            dialect,
        }
    }

    /// How far reading has got, in bytes.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Skips to the start of the next line.
    fn skip_line(&mut self) {
        let bytes = self.text.as_bytes();
        match memchr::memchr(b'\n', &bytes[self.pos..]) {
            Some(i) => {
                self.pos += i + 1;
                self.line += 1;
            }
            None => self.pos = bytes.len(),
        }
    }

    fn read_row(&mut self) -> Result<Row, Problem> {
        let bytes = self.text.as_bytes();
        let start_line = self.line;
        let delim = self.dialect.delimiter;
        let mut cells = Vec::new();
        loop {
            let pos = self.pos;
            if self.dialect.quoting == Quoting::Standard && bytes.get(pos) == Some(&b'"') {
                // A quoted cell: up to a `"` that is not doubled.
                let mut i = pos + 1;
                let close = loop {
                    match memchr::memchr(b'"', &bytes[i..]) {
                        None => {
                            self.pos = bytes.len();
                            return Err(Problem::cell(
                                start_line,
                                &(cells.len() + 1).to_string(),
                                "a quote opens this cell and is never closed, so the rest of the file would be one cell; if the file does not quote its cells, use --quoting none",
                            ));
                        }
                        Some(q) if bytes.get(i + q + 1) == Some(&b'"') => i += q + 2,
                        Some(q) => break i + q,
                    }
                };
                self.line += memchr::memchr_iter(b'\n', &bytes[pos..close]).count() as u64;
                cells.push(Cell {
                    raw: pos + 1..close,
                    quoted: true,
                });
                let after = close + 1;
                match bytes.get(after) {
                    Some(&b) if b == delim => self.pos = after + 1,
                    None => {
                        self.pos = after;
                        break;
                    }
                    Some(b'\n') => {
                        self.pos = after + 1;
                        self.line += 1;
                        break;
                    }
                    Some(b'\r') if bytes.get(after + 1) == Some(&b'\n') => {
                        self.pos = after + 2;
                        self.line += 1;
                        break;
                    }
                    Some(_) => {
                        let column = cells.len().to_string();
                        self.pos = after;
                        self.skip_line();
                        return Err(Problem::cell(
                            start_line,
                            &column,
                            "text follows the closing quote of this cell; if the file does not quote its cells, use --quoting none",
                        ));
                    }
                }
            } else {
                // A plain cell: up to the delimiter or the end of the line.
                let end =
                    memchr::memchr2(delim, b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
                let mut raw_end = end;
                let at_line_end = bytes.get(end) != Some(&delim);
                if at_line_end && raw_end > pos && bytes[raw_end - 1] == b'\r' {
                    raw_end -= 1;
                }
                cells.push(Cell {
                    raw: pos..raw_end,
                    quoted: false,
                });
                if !at_line_end {
                    self.pos = end + 1;
                } else {
                    self.pos = (end + 1).min(bytes.len());
                    if end < bytes.len() {
                        self.line += 1;
                    }
                    break;
                }
            }
        }
        Ok(Row {
            line: start_line,
            last_line: self.line.saturating_sub(1).max(start_line),
            cells,
        })
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        // Blank lines are not rows.
        loop {
            match bytes.get(self.pos..self.pos + 1) {
                None | Some([]) => return None,
                Some(b"\n") => {
                    self.pos += 1;
                    self.line += 1;
                }
                Some(b"\r") if bytes.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                Some(_) => break,
            }
        }
        Some(self.read_row())
    }
}

/// The delimiter a user named: one ASCII character, or `tab` / `\t` for a tab.
pub fn delimiter(text: &str) -> Option<u8> {
    match text {
        "tab" | "\\t" | "\t" => Some(b'\t'),
        t if t.len() == 1 && t.is_ascii() && !matches!(t, "\"" | "\n" | "\r") => {
            Some(t.as_bytes()[0])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, quoting: Quoting) -> Vec<Result<(u64, Vec<String>), Problem>> {
        Rows::new(
            text,
            Dialect {
                delimiter: b',',
                quoting,
            },
        )
        .map(|r| {
            r.map(|row| {
                (
                    row.line,
                    row.cells
                        .iter()
                        .map(|c| c.value(text).into_owned())
                        .collect(),
                )
            })
        })
        .collect()
    }

    fn ok(text: &str, quoting: Quoting) -> Vec<(u64, Vec<String>)> {
        rows(text, quoting)
            .into_iter()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn quoted_cells_hold_delimiters_quotes_and_lines() {
        let text = "a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\r\n\r\nlast,\n";
        assert_eq!(
            ok(text, Quoting::Standard),
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x, \"y\"".into(), "two\nlines".into()]),
                (5, vec!["last".into(), "".into()]),
            ]
        );
        // The raw range of a quoted cell is between its quotes, as the file holds it.
        let row = Rows::new(
            text,
            Dialect {
                delimiter: b',',
                quoting: Quoting::Standard,
            },
        )
        .nth(1)
        .unwrap()
        .unwrap();
        assert_eq!(&text[row.cells[0].raw.clone()], "x, \"\"y\"\"");
    }

    #[test]
    fn no_quoting_reads_quotes_as_characters() {
        let text = "\u{feff}a,b\n\"odd,5\" tall\n";
        assert_eq!(
            ok(text, Quoting::None),
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["\"odd".into(), "5\" tall".into()])
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_a_problem_naming_the_row() {
        let r = rows("a,b\n\"never,closed\nc,d\n", Quoting::Standard);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].as_ref().unwrap_err().row, 2);
        let r = rows("a,b\n\"x\"y,z\nc,d\n", Quoting::Standard);
        assert_eq!(r[1].as_ref().unwrap_err().row, 2);
        assert_eq!(r[2].as_ref().unwrap().0, 3);
    }

    #[test]
    fn delimiters_by_name() {
        assert_eq!(delimiter("tab"), Some(b'\t'));
        assert_eq!(delimiter("\\t"), Some(b'\t'));
        assert_eq!(delimiter(";"), Some(b';'));
        assert_eq!(delimiter("ab"), None);
        assert_eq!(delimiter("\""), None);
    }
}
