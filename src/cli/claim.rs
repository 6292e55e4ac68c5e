//! `claimledger claim add|cite`: record claims anchored in sources.

use std::process::ExitCode;

use super::{Ctx, Format};
use crate::anchor::Options;
use crate::ledger::{ClaimRecorded, NewClaim, NewStatus};
use crate::source::short;

/// Claim subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a claim: a quote anchored in a source, its claimant and conduits
    Add(AddArgs),
    /// Record another appearance of a claim (the same claim in another place)
    Cite(CiteArgs),
}

/// `claim add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The source version: a SHA-256 prefix (6+ hex digits), DOC@latest or DOC@N
    #[arg(long)]
    source: String,
    /// The claim's words as they appear in the source (- reads them from standard input);
    /// `...` or `…` between fragments elides words
    #[arg(long)]
    quote: String,
    /// Who made the claim (any name or alias; a new name creates a party)
    #[arg(long)]
    claimant: String,
    /// Through whom it reached the page, in order, outermost last (repeatable)
    #[arg(long = "via", value_name = "PARTY")]
    via: Vec<String>,
    /// Your own wording of the claim (- reads it from standard input; default: the quote as
    /// found, without surrounding quotation marks)
    #[arg(long)]
    statement: Option<String>,
    /// When it was said (YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    said: Option<String>,
    /// A first status (see `claimledger status list`)
    #[arg(long)]
    status: Option<String>,
    /// The party the status names ("denied --by Kyiv")
    #[arg(long, requires = "status")]
    by: Option<String>,
    /// Evidence for the status: a source version
    #[arg(long, requires = "status")]
    evidence: Option<String>,
    /// A note on the status
    #[arg(long, requires = "status")]
    note: Option<String>,
    /// Which occurrence, when the quote occurs more than once (1, 2, ...)
    #[arg(long, value_name = "N")]
    occurrence: Option<usize>,
    /// Accept a quote that starts or ends inside a word ("Kreml" in "Kremlin")
    #[arg(long)]
    partial_word: bool,
}

/// `claim cite`.
#[derive(Debug, clap::Args)]
pub struct CiteArgs {
    /// The claim id (C1, C2, ...)
    claim: String,
    /// The source version: a SHA-256 prefix, DOC@latest or DOC@N
    #[arg(long)]
    source: String,
    /// The claim's words as they appear in that source (- reads them from standard input)
    #[arg(long)]
    quote: String,
    /// Which occurrence, when the quote occurs more than once
    #[arg(long, value_name = "N")]
    occurrence: Option<usize>,
    /// Accept a quote that starts or ends inside a word
    #[arg(long)]
    partial_word: bool,
}

/// Reads the value of an option given as `-` from standard input, once: as UTF-8 text
/// without its final line break. Other values are returned as they are. `--quote -` and
/// `--statement -` cannot both read it.
pub fn stdin_values(values: [(&str, Option<&mut String>); 2]) -> anyhow::Result<()> {
    let wanted: Vec<&str> = values
        .iter()
        .filter(|(_, v)| v.as_deref().is_some_and(|v| v == "-"))
        .map(|(name, _)| *name)
        .collect();
    if wanted.len() > 1 {
        return Err(crate::error::Error::Usage(format!(
            "only one option can read standard input, not both {}; give the other one as text",
            wanted.join(" and ")
        ))
        .into());
    }
    for (name, value) in values {
        if let Some(value) = value.filter(|v| *v == "-") {
            *value = read_stdin(name)?;
        }
    }
    Ok(())
}

fn read_stdin(option: &str) -> anyhow::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|source| crate::error::Error::ReadFile {
            path: "<stdin>".into(),
            source,
        })?;
    let mut text = String::from_utf8(bytes).map_err(|_| {
        crate::error::Error::Usage(format!(
            "{option} -: standard input is not UTF-8 text; convert it first"
        ))
    })?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// Runs a claim subcommand.
pub fn run(mut cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match &mut cmd {
        Command::Add(args) => stdin_values([
            ("--quote", Some(&mut args.quote)),
            ("--statement", args.statement.as_mut()),
        ])?,
        Command::Cite(args) => stdin_values([("--quote", Some(&mut args.quote)), ("", None)])?,
    }
    let mut ledger = ctx.open()?;
    let recorded = match cmd {
        Command::Add(args) => ledger.add_claim(NewClaim {
            source: args.source,
            quote: args.quote,
            occurrence: args.occurrence,
            partial_word: args.partial_word,
            claimant: args.claimant,
            via: args.via,
            statement: args.statement,
            said: args.said,
            status: args.status.map(|status| NewStatus {
                status,
                by: args.by,
                evidence: args.evidence,
                quote: None,
                occurrence: None,
                note: args.note,
            }),
        })?,
        Command::Cite(args) => ledger.cite_claim(
            &args.claim,
            &args.source,
            &args.quote,
            &Options {
                occurrence: args.occurrence,
                partial_word: args.partial_word,
            },
        )?,
    };
    print_recorded(&recorded, ctx)?;
    Ok(ExitCode::SUCCESS)
}

fn print_recorded(r: &ClaimRecorded, ctx: &Ctx) -> anyhow::Result<()> {
    for name in &r.new_parties {
        ctx.note(&format!(
            "new party '{name}' (say what it is with `claimledger party set \"{name}\" --kind K`)"
        ));
    }
    match ctx.format {
        Format::Json => ctx.emit_json(r),
        _ if ctx.quiet => ctx.emit(&format!("{}\n", r.id)),
        _ => {
            let mut out = format!("{}  {}\n", ctx.paint(&r.id, "1"), r.statement);
            let mut who = r.claimant.clone();
            for conduit in &r.via {
                who += &format!(" via {conduit}");
            }
            out += &format!("    claimant: {who}\n");
            for a in &r.appearances {
                out += &format!(
                    "    anchored: {} line {}:{}, code points {}..{}{}\n",
                    short(&a.source),
                    a.line,
                    a.column,
                    a.start,
                    a.end,
                    if a.normalized {
                        " (normalized match)"
                    } else {
                        ""
                    }
                );
                if let Some(fragments) = &a.fragments {
                    out += &format!(
                        "    elided: {} fragments, from the first to the last\n",
                        fragments.len()
                    );
                }
            }
            out += &format!("    status: {}\n", r.status_label);
            ctx.emit(&out)
        }
    }
}
