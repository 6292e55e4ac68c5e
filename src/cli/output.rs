//! Rendering: the context every command gets, and the shared ways of printing.
//!
//! Every byte of human-readable output passes through [`crate::cli::safe::terminal`] here,
//! not in the commands: [`Ctx::emit`] (free text), [`Ctx::emit_rows`] (each table cell,
//! before widths are measured) and the stderr messages ([`Ctx::note`], [`Ctx::warn`],
//! [`Ctx::report_error`]). Our own colours must survive that pass while an ESC in stored
//! text must not, so [`Ctx::paint`] does not write ESC: it writes a marker holding a random
//! token made at start-up, which `emit` turns into ESC after escaping everything else.
//! Stored text cannot forge the marker without knowing the token. `--json` and `--csv`
//! bypass the pass (JSON escapes controls itself; CSV cells go through
//! [`crate::cli::safe::spreadsheet`] in [`Ctx::emit_csv`]).
//!
//! Nothing here panics when stdout or stderr is closed or full: stdout failures become
//! [`Error::Output`] (the caller decides the exit code), stderr failures are ignored.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{
    Cell, CellAlignment, Color as CellColor, ColumnConstraint, ContentArrangement, Row, Table,
    Width,
};
use serde::Serialize;

use super::table::{self, Column, Fit};
use super::{Format, safe};
use crate::error::Error;
use crate::ledger::Ledger;

/// Columns no wider than this keep their full width when a table must shrink (for
/// [`Ctx::emit_rows`], which guesses).
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
    /// Tables show every cell whole, wrapping.
    pub wide: bool,
    color_out: bool,
    color_err: bool,
    /// Stands for ESC in painted text until [`Ctx::emit`] has escaped everything else.
    mark: String,
    /// What this run recorded, once it has (for the exit-code-4 message).
    recorded: std::cell::RefCell<Option<String>>,
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
            wide: false,
            color_out: color.0,
            color_err: color.1,
            mark: {
                let mut token = [0u8; 12];
                // Without random bytes the marker is still one no name is likely to hold.
                let _ = getrandom::fill(&mut token);
                format!("\u{E000}{}\u{E001}", hex::encode(token))
            },
            recorded: std::cell::RefCell::new(None),
        }
    }

    /// Says what this run has recorded (`"C5"`, `"source 3fa2c1…"`), for the message when
    /// printing the result fails afterwards (exit code 4).
    pub fn recorded(&self, what: impl Into<String>) {
        *self.recorded.borrow_mut() = Some(what.into());
    }

    /// What this run recorded, if a command said so.
    pub fn recorded_what(&self) -> Option<String> {
        self.recorded.borrow().clone()
    }

    /// Opens the ledger.
    pub fn open(&self) -> crate::Result<Ledger> {
        Ledger::open(&self.db, &self.actor)
    }

    /// Writes text for people to stdout, safe for a terminal: stored text's control
    /// characters are shown escaped, and only [`Ctx::paint`]'s colours are real.
    ///
    /// Under `--csv` this refuses (a usage error): a command that prints only text must not
    /// pass text off as CSV.
    pub fn emit(&self, text: &str) -> anyhow::Result<()> {
        if self.format == Format::Csv {
            return Err(Error::Usage(
                "this command does not print CSV; use --json, or leave out --csv".into(),
            )
            .into());
        }
        self.emit_raw(&self.for_terminal(text))
    }

    /// Writes serialized JSON (an export) to stdout, exact (see [`safe::json`]).
    pub fn emit_json_text(&self, text: &str) -> anyhow::Result<()> {
        if self.format == Format::Csv {
            return Err(Error::Usage(
                "this command does not print CSV; use --json, or leave out --csv".into(),
            )
            .into());
        }
        self.emit_raw(&safe::json(text))
    }

    /// Writes generated text (a completion script, a man page) to stdout exactly.
    pub fn emit_data(&self, text: &str) -> anyhow::Result<()> {
        self.emit_raw(text)
    }

    /// Writes bytes to stdout exactly.
    fn emit_raw(&self, text: &str) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).map_err(Error::Output)?;
        out.flush().map_err(Error::Output)?;
        Ok(())
    }

    /// `text` through [`safe::terminal`], with [`Ctx::paint`]'s markers turned into ESC.
    fn for_terminal(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find(&self.mark) {
            out.push_str(&safe::terminal(&rest[..i]));
            out.push('\x1b');
            rest = &rest[i + self.mark.len()..];
        }
        out.push_str(&safe::terminal(rest));
        out
    }

    /// Writes a value as pretty JSON to stdout (exact: control and bidi characters are JSON
    /// escapes, see [`safe::json`]).
    pub fn emit_json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.emit_raw(&safe::json(&text))
    }

    /// Writes rows as CSV (with a header) to stdout, each cell through
    /// [`safe::spreadsheet`] so that no cell is run as a formula.
    pub fn emit_csv(&self, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header.iter().map(|h| safe::spreadsheet(h).into_owned()))?;
        for row in rows {
            w.write_record(row.iter().map(|c| safe::spreadsheet(c).into_owned()))?;
        }
        let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        self.emit_raw(&String::from_utf8(bytes)?)
    }

    /// Writes rows in the chosen format: a table, JSON (of `json`) or CSV. Each column's
    /// [`Fit`] is guessed from its cells: numbers and short cells stay whole, long ones are
    /// prose; [`Ctx::emit_table`] says it instead.
    pub fn emit_rows<T: Serialize + ?Sized>(
        &self,
        json: &T,
        header: &[&str],
        rows: Vec<Vec<String>>,
        style: impl Fn(usize, &str) -> Option<CellColor>,
    ) -> anyhow::Result<()> {
        let columns: Vec<Column> = (0..header.len())
            .map(|i| {
                let widest = rows
                    .iter()
                    .map(|r| table::width(&r[i]))
                    .chain([table::width(header[i])])
                    .max()
                    .unwrap_or(0);
                let fit = if widest <= SHORT_COLUMN {
                    Fit::Whole
                } else {
                    Fit::Text
                };
                Column::new(header[i], fit)
            })
            .collect();
        self.emit_table(json, &columns, rows, style)
    }

    /// Writes rows in the chosen format: a table laid out by [`table::layout`] to fit the
    /// terminal (each cell through [`safe::terminal`] first), JSON (of `json`) or CSV.
    pub fn emit_table<T: Serialize + ?Sized>(
        &self,
        json: &T,
        columns: &[Column],
        rows: Vec<Vec<String>>,
        style: impl Fn(usize, &str) -> Option<CellColor>,
    ) -> anyhow::Result<()> {
        let header: Vec<&str> = columns.iter().map(|c| c.header).collect();
        match self.format {
            Format::Json => self.emit_json(json),
            Format::Csv => self.emit_csv(&header, &rows),
            Format::Table => {
                // What is shown: escaped, on one line. The style sees the stored text.
                let shown: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| safe::terminal(&crate::anchor::one_line(c)).into_owned())
                            .collect()
                    })
                    .collect();
                let total = terminal_width().map(usize::from);
                let layout = table::layout(columns, &shown, total, self.wide);
                let visible: Vec<usize> = (0..columns.len())
                    .filter(|&i| layout.widths[i].is_some())
                    .collect();
                let mut t = self.table(&visible.iter().map(|&i| header[i]).collect::<Vec<_>>());
                let sum: usize = visible.iter().map(|&i| layout.widths[i].unwrap_or(0)).sum();
                t.set_width(
                    u16::try_from(sum + table::overhead(visible.len())).unwrap_or(u16::MAX),
                );
                t.set_content_arrangement(ContentArrangement::Dynamic);
                for (k, &i) in visible.iter().enumerate() {
                    let w = layout.widths[i].unwrap_or(0);
                    if let Some(column) = t.column_mut(k) {
                        column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
                            u16::try_from(w + 2).unwrap_or(u16::MAX),
                        )));
                        let numeric = !rows.is_empty()
                            && rows
                                .iter()
                                .all(|r| r[i].is_empty() || r[i].parse::<i64>().is_ok());
                        if numeric {
                            column.set_cell_alignment(CellAlignment::Right);
                        }
                    }
                }
                for (row, shown) in rows.iter().zip(&shown) {
                    let cells: Vec<Cell> = visible
                        .iter()
                        .map(|&i| {
                            let w = layout.widths[i].unwrap_or(0);
                            let cell =
                                Cell::new(table::fit_cell(&shown[i], columns[i].fit, w, self.wide));
                            match style(i, &row[i]) {
                                Some(color) if self.color_out => cell.fg(color),
                                _ => cell,
                            }
                        })
                        .collect();
                    t.add_row(Row::from(cells));
                }
                // The cells are escaped already; the table's own colours are real.
                self.emit_raw(&format!("{t}\n"))
            }
        }
    }

    /// A table in the house style (borders, colour or not), not yet laid out.
    fn table(&self, header: &[&str]) -> Table {
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED.with_rounded_corners());
        if self.color_out {
            // crossterm, which colours the cells, obeys NO_COLOR on its own; --color always
            // is the later, more specific word (no-color.org: flags override NO_COLOR).
            crossterm::style::force_color_output(true);
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table.set_header(header.to_vec());
        table
    }

    /// A message for people, on stderr (silenced by --quiet).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            self.message(text);
        }
    }

    /// Where a progress bar draws: stderr (indicatif draws only when it is a terminal),
    /// nowhere with --quiet.
    pub fn progress_target(&self) -> indicatif::ProgressDrawTarget {
        if self.quiet {
            indicatif::ProgressDrawTarget::hidden()
        } else {
            indicatif::ProgressDrawTarget::stderr()
        }
    }

    /// A warning on stderr (always shown).
    pub fn warn(&self, text: &str) {
        self.message(&format!("{} {text}", self.paint_err("warning:", "33")));
    }

    /// A line on stderr, safe for a terminal. A closed or full stderr is ignored: there is
    /// nowhere left to say so, and it must not turn a result into a panic.
    pub fn message(&self, text: &str) {
        let mut line = self.for_terminal(text);
        line.push('\n');
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    /// Prints an error with its details and causes (`prefix` goes before the message).
    pub fn report_error(&self, e: &anyhow::Error, prefix: &str) {
        let top = e.to_string();
        let mut text = format!("{} {prefix}{top}", self.paint_err("error:", "1;31"));
        if let Some(lib) = e.downcast_ref::<Error>() {
            for line in lib.details() {
                text += &format!("\n  {line}");
            }
        }
        let mut seen = top;
        for cause in e.chain().skip(1) {
            let cause = cause.to_string();
            if !seen.contains(&cause) {
                text += &format!("\n  caused by: {cause}");
                seen.push_str(&cause);
            }
        }
        self.message(&text);
    }

    /// Colours `text` with an SGR code, if stdout is coloured. The result is for
    /// [`Ctx::emit`], which turns the marker into ESC.
    pub fn paint(&self, text: &str, sgr: &str) -> String {
        self.painted(self.color_out, text, sgr)
    }

    /// Colours `text` for a message on stderr ([`Ctx::note`]), if stderr is coloured.
    pub fn paint_message(&self, text: &str, sgr: &str) -> String {
        self.paint_err(text, sgr)
    }

    fn paint_err(&self, text: &str, sgr: &str) -> String {
        self.painted(self.color_err, text, sgr)
    }

    fn painted(&self, on: bool, text: &str, sgr: &str) -> String {
        if on {
            let mark = &self.mark;
            format!("{mark}[{sgr}m{text}{mark}[0m")
        } else {
            text.to_string()
        }
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

/// A recorded time as tables show it: `2026-03-03 14:30` (UTC, to the minute); a day
/// stays a day. `--json`, `--csv` and `--wide` keep the full time.
pub fn short_time(time: &str) -> String {
    match time.get(..16) {
        Some(t) if time.len() > 16 && t.as_bytes()[10] == b'T' => t.replacen('T', " ", 1),
        _ => time.to_string(),
    }
}

/// "—" for nothing.
pub fn or_dash(value: Option<&str>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or("—").to_string()
}
