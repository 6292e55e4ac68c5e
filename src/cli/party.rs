//! `claimledger party add|alias|list`: parties and the names they go by.

use std::process::ExitCode;

use super::output::or_dash;
use super::{Ctx, Format};

/// Party subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Name a party
    Add(AddArgs),
    /// Give a party another name (any of its names finds it, in any case)
    Alias(AliasArgs),
    /// Parties, their names, and how often they appear
    List,
}

/// `party add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The display name
    name: String,
    /// person, government, military, outlet, account, unnamed, organisation or unknown
    #[arg(long)]
    kind: Option<String>,
    /// Another name it goes by (repeatable)
    #[arg(long = "alias", value_name = "NAME")]
    aliases: Vec<String>,
    /// Who this is, for an unnamed source ("a senior official in the defence ministry")
    #[arg(long)]
    description: Option<String>,
}

/// `party alias`.
#[derive(Debug, clap::Args)]
pub struct AliasArgs {
    /// Any name the party already has
    name: String,
    /// The new name
    alias: String,
}

/// Runs a party subcommand.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Add(args) => {
            let party = ledger.add_party(
                &args.name,
                args.kind.as_deref(),
                args.description,
                &args.aliases,
            )?;
            match ctx.format {
                Format::Json => ctx.emit_json(&party)?,
                _ if ctx.quiet => ctx.emit(&format!("{}\n", party.name))?,
                _ => ctx.emit(&format!("added party {}\n", party.names.join(" = ")))?,
            }
        }
        Command::Alias(args) => {
            let party = ledger.alias_party(&args.name, &args.alias)?;
            match ctx.format {
                Format::Json => ctx.emit_json(&party)?,
                _ if ctx.quiet => ctx.emit(&format!("{}\n", party.name))?,
                _ => ctx.emit(&format!("{}\n", party.names.join(" = ")))?,
            }
        }
        Command::List => {
            let parties = ledger.parties()?;
            if ctx.format == Format::Table && parties.is_empty() {
                ctx.note("no parties yet; they are named by `claim add --claimant` or `party add`");
                return Ok(ExitCode::SUCCESS);
            }
            let rows = parties
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.kind.clone(),
                        or_dash(Some(&p.aliases.join("; "))),
                        p.claims.to_string(),
                        p.relayed.to_string(),
                        p.statuses.to_string(),
                        or_dash(p.description.as_deref()),
                    ]
                })
                .collect();
            ctx.emit_rows(
                &parties,
                &[
                    "party",
                    "kind",
                    "also known as",
                    "claims",
                    "relayed",
                    "statuses",
                    "description",
                ],
                rows,
                |_, _| None,
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
