//! Rendering: the context every command gets, and the shared ways of printing.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{
    Cell, CellAlignment, Color as CellColor, ColumnConstraint, ContentArrangement, Row, Table,
};
use serde::Serialize;

use super::Format;
use crate::error::Error;
use crate::ledger::Ledger;

/// Columns no wider than this keep their full width when a table must shrink.
const SHORT_COLUMN: usize = 28;

/// What every command needs: where the ledger is, who acts, and how to print.
pub struct Ctx {
    /// The ledger path.
    pub db: PathBuf,
    /// Recorded as the actor of journal entries.
    pub actor: String,
    /// Output format.
    pub format: Format,
    /// Print only ids on success.
    pub quiet: bool,
    color_out: bool,
    color_err: bool,
}

impl Ctx {
    /// A context; `color` is (stdout, stderr).
    pub fn new(
        db: PathBuf,
        actor: String,
        format: Format,
        quiet: bool,
        color: (bool, bool),
    ) -> Ctx {
        Ctx {
            db,
            actor,
            format,
            quiet,
            color_out: color.0,
            color_err: color.1,
        }
    }

    /// Opens the ledger.
    pub fn open(&self) -> crate::Result<Ledger> {
        Ledger::open(&self.db, &self.actor)
    }

    /// Writes data to stdout.
    pub fn emit(&self, text: &str) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).map_err(Error::Output)?;
        out.flush().map_err(Error::Output)?;
        Ok(())
    }

    /// Writes a value as pretty JSON to stdout.
    pub fn emit_json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.emit(&text)
    }

    /// Writes rows as CSV (with a header) to stdout.
    pub fn emit_csv(&self, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header)?;
        for row in rows {
            w.write_record(row)?;
        }
        let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        self.emit(&String::from_utf8(bytes)?)
    }

    /// Writes rows in the chosen format: a table, JSON (of `json`) or CSV.
    pub fn emit_rows<T: Serialize + ?Sized>(
        &self,
        json: &T,
        header: &[&str],
        rows: Vec<Vec<String>>,
        style: impl Fn(usize, &str) -> Option<CellColor>,
    ) -> anyhow::Result<()> {
        match self.format {
            Format::Json => self.emit_json(json),
            Format::Csv => self.emit_csv(header, &rows),
            Format::Table => {
                let mut table = self.table(header);
                // Short columns (ids, statuses) are never cut; long ones give way.
                let widest = |i: usize| {
                    rows.iter()
                        .map(|r| r[i].chars().count())
                        .chain([header[i].len()])
                        .max()
                        .unwrap_or(0)
                };
                let numeric = |i: usize| {
                    !rows.is_empty()
                        && rows
                            .iter()
                            .all(|r| r[i].is_empty() || r[i].parse::<i64>().is_ok())
                };
                for i in 0..header.len() {
                    let (short, numeric) = (widest(i) <= SHORT_COLUMN, numeric(i));
                    if let Some(column) = table.column_mut(i) {
                        if short {
                            column.set_constraint(ColumnConstraint::ContentWidth);
                        }
                        if numeric {
                            column.set_cell_alignment(CellAlignment::Right);
                        }
                    }
                }
                for row in rows {
                    let cells: Vec<Cell> = row
                        .iter()
                        .enumerate()
                        .map(|(i, text)| {
                            let cell = Cell::new(crate::anchor::one_line(text));
                            match style(i, text) {
                                Some(color) if self.color_out => cell.fg(color),
                                _ => cell,
                            }
                        })
                        .collect();
                    let mut row = Row::from(cells);
                    row.max_height(1);
                    table.add_row(row);
                }
                self.emit(&format!("{table}\n"))
            }
        }
    }

    /// A table that fits the terminal: as wide as the terminal (or `COLUMNS`) with long cells
    /// cut with …, or unbounded one-line rows when piped.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED.with_rounded_corners());
        if self.color_out {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        if let Some(width) = terminal_width() {
            table
                .set_width(width)
                .set_content_arrangement(ContentArrangement::Dynamic);
        } else {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
        table.set_truncation_indicator("…");
        table.set_header(header.to_vec());
        table
    }

    /// A message for people, on stderr (silenced by --quiet).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A warning on stderr (always shown).
    pub fn warn(&self, text: &str) {
        eprintln!("{} {text}", self.paint_err("warning:", "33"));
    }

    /// Prints an error with its details and causes.
    pub fn report_error(&self, e: &anyhow::Error) {
        let top = e.to_string();
        eprintln!(
            "{} {}",
            self.paint_err("error:", "1;31"),
            super::safe::terminal(&top)
        );
        if let Some(lib) = e.downcast_ref::<Error>() {
            for line in lib.details() {
                eprintln!("  {}", super::safe::terminal(&line));
            }
        }
        let mut seen = top;
        for cause in e.chain().skip(1) {
            let text = cause.to_string();
            if !seen.contains(&text) {
                eprintln!("  caused by: {text}");
                seen.push_str(&text);
            }
        }
    }

    /// Colours `text` with an SGR code, if stdout is coloured.
    pub fn paint(&self, text: &str, sgr: &str) -> String {
        paint(self.color_out, text, sgr)
    }

    fn paint_err(&self, text: &str, sgr: &str) -> String {
        paint(self.color_err, text, sgr)
    }
}

fn paint(on: bool, text: &str, sgr: &str) -> String {
    if on {
        format!("\x1b[{sgr}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The width to fit tables to: the terminal's, or `COLUMNS` when set; None when piped.
fn terminal_width() -> Option<u16> {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
    {
        return Some(cols.max(20));
    }
    if std::io::stdout().is_terminal() {
        return crossterm_width();
    }
    None
}

fn crossterm_width() -> Option<u16> {
    // comfy-table asks the terminal itself when no width is set.
    let probe = Table::new();
    probe.width()
}

/// Whether an error is stdout being closed under us (`| head`): not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A status phrase's colour in tables.
pub fn status_color(status: &str) -> Option<CellColor> {
    match status {
        "confirmed" => Some(CellColor::Green),
        "denied" | "false" | "contradicted" | "retracted" => Some(CellColor::Red),
        "disputed" | "unconfirmed" => Some(CellColor::Yellow),
        _ => None,
    }
}

/// "—" for nothing.
pub fn or_dash(value: Option<&str>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or("—").to_string()
}
