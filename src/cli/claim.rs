//! `claimledger claim add|cite`: record claims anchored in sources.

use std::process::ExitCode;

use super::{Ctx, Format};
use crate::ledger::{ClaimRecorded, NewClaim, NewStatus};
use crate::source::short;

/// Claim subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a claim: a quote anchored in a source, its claimant and conduits
    #[command(
        after_help = "Examples:\n  claimledger claim add --source report@latest --claimant \"district council\" \\\n      --quote \"Three civilians were killed\"\n  claimledger claim add --source 3fa2c1 --claimant \"a senior official\" --via \"The Courier\" \\\n      --quote \"approved at the highest level\" --said 2026-03-03\n  claimledger claim add --source report@1 --claimant \"the MoD\" \\\n      --quote \"a precision strike\" --status denied --by Valtrane"
    )]
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
    /// The claim's words as they appear in the source
    #[arg(long)]
    quote: String,
    /// Who made the claim (any name or alias; a new name creates a party)
    #[arg(long)]
    claimant: String,
    /// Through whom it reached the page, in order, outermost last (repeatable)
    #[arg(long = "via", value_name = "PARTY")]
    via: Vec<String>,
    /// Your own wording of the claim (default: the quote as found)
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
}

/// `claim cite`.
#[derive(Debug, clap::Args)]
pub struct CiteArgs {
    /// The claim id (C1, C2, ...)
    claim: String,
    /// The source version: a SHA-256 prefix, DOC@latest or DOC@N
    #[arg(long)]
    source: String,
    /// The claim's words as they appear in that source
    #[arg(long)]
    quote: String,
    /// Which occurrence, when the quote occurs more than once
    #[arg(long, value_name = "N")]
    occurrence: Option<usize>,
}

/// Runs a claim subcommand.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut ledger = ctx.open()?;
    let recorded = match cmd {
        Command::Add(args) => ledger.add_claim(NewClaim {
            source: args.source,
            quote: args.quote,
            occurrence: args.occurrence,
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
        Command::Cite(args) => {
            ledger.cite_claim(&args.claim, &args.source, &args.quote, args.occurrence)?
        }
    };
    print_recorded(&recorded, ctx)?;
    Ok(ExitCode::SUCCESS)
}

fn print_recorded(r: &ClaimRecorded, ctx: &Ctx) -> anyhow::Result<()> {
    ctx.recorded(&r.id);
    for name in &r.new_parties {
        ctx.note(&format!(
            "new party '{name}' (say what it is with `claimledger party set \"{name}\" --kind K`)"
        ));
    }
    match ctx.format {
        Format::Json => ctx.emit_json(r),
        // The id is the data (stdout); what was recorded is a message (stderr, -q silences).
        _ => {
            ctx.emit(&format!("{}\n", r.id))?;
            let mut out = format!("{}  {}\n", ctx.paint_message(&r.id, "1"), r.statement);
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
            }
            out += &format!("    status: {}", r.status_label);
            ctx.note(&out);
            Ok(())
        }
    }
}
