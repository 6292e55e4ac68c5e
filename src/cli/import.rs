//! `claimledger import csv|claimreview|bundle`: claims from a tracking sheet or a
//! fact-check feed, or a whole ledger from a bundle.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::safe::terminal;
use super::{Ctx, Format};
use crate::error::Error;
use crate::import::csv::{Quoting, delimiter};
use crate::import::mapping::Options as MapOptions;
use crate::ledger::{ImportFormat, ImportOptions, ImportReport, Input};
use crate::source::short;

/// Import subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Claims from a tracking sheet (CSV or TSV): the file is stored as a source and each
    /// claim is anchored to its cell
    Csv(CsvArgs),
    /// Claims from schema.org ClaimReview JSON-LD: one object, an array, a DataFeed, an HTML
    /// page's JSON-LD blocks, or a Fact Check Tools claims:search response
    Claimreview(FeedArgs),
    /// Rebuild a ledger from a bundle (`export bundle`), or catch up a ledger that is a prefix of it
    Bundle(super::import_bundle::Args),
}

/// What both formats take.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// The file (- for standard input)
    file: PathBuf,
    /// Read a status word as one of the ledger's statuses (repeatable): "Pants on Fire"=false
    #[arg(long = "status-map", value_name = "VALUE=STATUS")]
    status_map: Vec<String>,
    /// Define the statuses the ledger does not know, instead of refusing the file
    #[arg(long)]
    define_statuses: bool,
    /// The claimant of rows or items that name none
    #[arg(long, value_name = "PARTY")]
    claimant_default: Option<String>,
    /// Check and count everything, print what would be imported, write nothing
    #[arg(long)]
    dry_run: bool,
}

/// `import csv`.
#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    #[command(flatten)]
    common: Common,
    /// The cell delimiter: one character, or `tab` (default: tab for .tsv, else comma)
    #[arg(long, value_name = "C")]
    delimiter: Option<String>,
    /// The first row is data, not column names (columns are then numbered from 1)
    #[arg(long)]
    no_header: bool,
    /// `none` for exports that never quote cells and have stray " in them
    #[arg(long, value_enum, default_value_t = QuotingArg::Standard)]
    quoting: QuotingArg,
    /// Which column holds a field (repeatable): FIELD is statement, claimant, via, status,
    /// by, said, url, note, id or quote; COLUMN a header name or a number from 1
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
    /// Split each via cell into several conduits on this
    #[arg(long, value_name = "SEP")]
    via_separator: Option<String>,
}

/// `import claimreview`.
#[derive(Debug, clap::Args)]
pub struct FeedArgs {
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum QuotingArg {
    /// RFC 4180: cells may be enclosed in "…", with "" for a quote inside
    Standard,
    /// Nothing is quoted: every line is a row, " is a plain character
    None,
}

/// KEY=VALUE, split at the first `=` (`first`) or the last.
fn pair(what: &str, text: &str, first: bool) -> anyhow::Result<(String, String)> {
    let at = if first {
        text.find('=')
    } else {
        text.rfind('=')
    };
    match at {
        Some(i) if i > 0 && i + 1 < text.len() => Ok((
            text[..i].trim().to_string(),
            text[i + 1..].trim().to_string(),
        )),
        _ => Err(Error::Usage(format!(
            "{what} {text:?}: expected {}",
            if first {
                "FIELD=COLUMN"
            } else {
                "VALUE=STATUS"
            }
        ))
        .into()),
    }
}

/// Runs an import subcommand.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let (common, format) = match cmd {
        Command::Bundle(args) => return super::import_bundle::run(args, ctx),
        Command::Csv(args) => {
            let delimiter = match args.delimiter.as_deref() {
                Some(d) => Some(delimiter(d).ok_or_else(|| {
                    Error::Usage(format!(
                        "--delimiter {d:?}: give one ASCII character (, ; |) or `tab`"
                    ))
                })?),
                None => None,
            };
            let map = args
                .map
                .iter()
                .map(|m| pair("--map", m, true))
                .collect::<anyhow::Result<_>>()?;
            (
                args.common,
                ImportFormat::Csv {
                    delimiter,
                    quoting: match args.quoting {
                        QuotingArg::Standard => Quoting::Standard,
                        QuotingArg::None => Quoting::None,
                    },
                    mapping: MapOptions {
                        header: !args.no_header,
                        map,
                        via_separator: args.via_separator,
                        claimant_default: None,
                    },
                },
            )
        }
        Command::Claimreview(args) => (args.common, ImportFormat::ClaimReview),
    };
    let options = ImportOptions {
        status_map: common
            .status_map
            .iter()
            .map(|m| pair("--status-map", m, false))
            .collect::<anyhow::Result<_>>()?,
        define_statuses: common.define_statuses,
        dry_run: common.dry_run,
        claimant_default: common.claimant_default.filter(|c| !c.trim().is_empty()),
    };
    let mut ledger = ctx.open()?;
    let stdin_path = Path::new("<stdin>");
    let input = if common.file.as_os_str() == "-" {
        Input::Reader(Box::new(std::io::stdin().lock()), stdin_path)
    } else {
        Input::File(&common.file)
    };
    let name = if common.file.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        common.file.file_name().map_or_else(
            || common.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let bar = ProgressBar::with_draw_target(None, ctx.progress_target());
    bar.set_style(
        ProgressStyle::with_template("importing [{bar:30}] {bytes}/{total_bytes} {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let report = ledger.import(input, format, options, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    let report = report?;
    let failed = report.error_count > 0;
    if ctx.format == Format::Json {
        ctx.emit_json(&report)?;
    } else if failed {
        say(&problems(&report, &name));
    } else if !ctx.quiet || report.dry_run {
        ctx.emit(&summary(&report, &name))?;
    }
    if failed {
        if ctx.format == Format::Json {
            say(&format!(
                "error: {}: {} problem(s); nothing was imported\n",
                terminal(&name),
                report.error_count
            ));
        }
        return Ok(ExitCode::from(1));
    }
    for w in &report.warnings {
        say(&format!("note: {}\n", terminal(w)));
    }
    if !report.new_parties.is_empty() && !ctx.quiet {
        say(&format!(
            "note: {} new part{} named: {}\n",
            report.new_parties.len(),
            if report.new_parties.len() == 1 {
                "y"
            } else {
                "ies"
            },
            report
                .new_parties
                .iter()
                .take(10)
                .map(|p| terminal(p).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
                + if report.new_parties.len() > 10 {
                    ", …"
                } else {
                    ""
                }
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// A message on stderr; a closed or broken stderr is no reason to fail (or panic).
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The refusal: every problem (up to the listed number), then what to do about statuses.
fn problems(r: &ImportReport, name: &str) -> String {
    let mut out = format!(
        "error: {}: {} problem{} in {} row{}; nothing was imported{}\n",
        terminal(name),
        r.error_count,
        if r.error_count == 1 { "" } else { "s" },
        r.rows,
        if r.rows == 1 { "" } else { "s" },
        if r.dry_run { " (dry run)" } else { "" }
    );
    for p in r.errors.iter().take(20) {
        out += &format!("  {}\n", terminal(&p.to_string()));
    }
    if r.error_count > 20 {
        out += &format!(
            "  … and {} more (--json lists up to {})\n",
            r.error_count - 20,
            crate::ledger::MAX_PROBLEMS
        );
    }
    if !r.unknown_statuses.is_empty() {
        let list = r
            .unknown_statuses
            .iter()
            .map(|u| format!("\"{}\" ({})", terminal(&u.value), u.count))
            .collect::<Vec<_>>()
            .join(", ");
        out += &format!(
            "  unknown statuses: {list}\n  map each to a status with --status-map VALUE=STATUS, define it first with `claimledger status define NAME --label LABEL`, or pass --define-statuses\n"
        );
    }
    out
}

fn counts(map: &std::collections::BTreeMap<String, u64>) -> String {
    let mut v: Vec<(&String, &u64)> = map.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = v
        .iter()
        .take(10)
        .map(|(k, n)| format!("{} {n}", terminal(k)))
        .collect();
    if v.len() > 10 {
        parts.push(format!("… {} more", v.len() - 10));
    }
    parts.join(", ")
}

fn summary(r: &ImportReport, name: &str) -> String {
    let name = terminal(name);
    if r.already_imported {
        return format!(
            "{name} (sha256 {}) was imported before: nothing written\n",
            short(&r.source)
        );
    }
    if !r.dry_run && r.imported == 0 {
        return format!(
            "{name}: nothing to import ({} row{}, {} skipped: their ids were imported before); nothing written\n",
            r.rows,
            if r.rows == 1 { "" } else { "s" },
            r.skipped
        );
    }
    let mut out = if r.dry_run {
        format!(
            "dry run: {name} would import {} claim{} from {} row{}; nothing written\n",
            r.imported,
            if r.imported == 1 { "" } else { "s" },
            r.rows,
            if r.rows == 1 { "" } else { "s" }
        )
    } else {
        let ids = match (&r.first, &r.last) {
            (Some(a), Some(b)) if a != b => format!(": {a}..{b}"),
            (Some(a), _) => format!(": {a}"),
            _ => String::new(),
        };
        format!(
            "imported {} claim{} from {} row{} of {name} (sha256 {}, {}){ids}\n",
            r.imported,
            if r.imported == 1 { "" } else { "s" },
            r.rows,
            if r.rows == 1 { "" } else { "s" },
            short(&r.source),
            terminal(&r.document)
        )
    };
    if r.skipped > 0 {
        out += &format!(
            "  skipped {} row{} whose id was imported before\n",
            r.skipped,
            if r.skipped == 1 { "" } else { "s" }
        );
    }
    if r.imported > 0 {
        out += &format!("  by status: {}\n", counts(&r.by_status));
        out += &format!("  by claimant: {}\n", counts(&r.by_claimant));
    }
    if !r.new_statuses.is_empty() {
        out += &format!("  defined statuses: {}\n", r.new_statuses.join(", "));
    } else if r.dry_run && !r.unknown_statuses.is_empty() {
        out += &format!(
            "  would define statuses: {}\n",
            r.unknown_statuses
                .iter()
                .map(|u| format!("{:?}", terminal(&u.value)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}
