//! `claimledger status set|list`: status events and the vocabulary.

use std::process::ExitCode;

use super::output::or_dash;
use super::{Ctx, Format};
use crate::ledger::NewStatus;

/// Status subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a status event for a claim ("denied --by Kyiv")
    Set(SetArgs),
    /// The status vocabulary
    List,
}

/// `status set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The claim id (C1, C2, ...)
    claim: String,
    /// The status name or label (see `claimledger status list`)
    status: String,
    /// The party the status names (required by statuses that take one, such as denied)
    #[arg(long)]
    by: Option<String>,
    /// Evidence: a source version (SHA-256 prefix, DOC@latest or DOC@N)
    #[arg(long)]
    evidence: Option<String>,
    /// A quote in the evidence, anchored like a claim's
    #[arg(long, requires = "evidence")]
    quote: Option<String>,
    /// Which occurrence of the evidence quote
    #[arg(long, value_name = "N", requires = "quote")]
    occurrence: Option<usize>,
    /// A note
    #[arg(long)]
    note: Option<String>,
}

/// Runs a status subcommand.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Set(args) => {
            let recorded = ledger.set_status(
                &args.claim,
                NewStatus {
                    status: args.status,
                    by: args.by,
                    evidence: args.evidence,
                    quote: args.quote,
                    occurrence: args.occurrence,
                    note: args.note,
                },
            )?;
            for name in &recorded.new_parties {
                ctx.note(&format!("new party '{name}'"));
            }
            match ctx.format {
                Format::Json => ctx.emit_json(&recorded)?,
                _ if ctx.quiet => {}
                _ => ctx.emit(&format!("{}  {}\n", recorded.id, recorded.status_label))?,
            }
        }
        Command::List => {
            let statuses = ledger.statuses()?;
            let rows = statuses
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.label.clone(),
                        if s.takes_party { "yes" } else { "no" }.to_string(),
                        or_dash(s.rating.as_deref()),
                        if s.builtin { "built in" } else { "this ledger" }.to_string(),
                    ]
                })
                .collect();
            ctx.emit_rows(
                &statuses,
                &["status", "label", "takes --by", "rating", "from"],
                rows,
                |i, text| {
                    if i == 0 {
                        super::output::status_color(text)
                    } else {
                        None
                    }
                },
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
