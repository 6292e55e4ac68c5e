//! `claimledger party add|alias|list`: parties and the names they go by.

use std::process::ExitCode;

use super::output::or_dash;
use super::table::{Column, Fit};
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
    /// Two names turned out to be one party: fold the second into the first
    Merge(MergeArgs),
    /// Undo a wrong merge: the merged party, its names and its claims stand apart again
    Unmerge(UnmergeArgs),
    /// Say what a party is: its kind, or a description
    Set(SetArgs),
    /// A party, and every claim it made, relayed, confirmed or denied
    Show(ShowArgs),
}

/// `party merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The party that remains (any of its names)
    into: String,
    /// The party folded into it: its names become aliases, its claims move
    merged: String,
}

/// `party unmerge`.
#[derive(Debug, clap::Args)]
pub struct UnmergeArgs {
    /// A name the merged party brought with it (its own name, or one of its aliases)
    name: String,
    /// Why (recorded in the journal and shown by `audit` of the claims it moves back)
    #[arg(long)]
    reason: String,
}

/// `party set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// Any of the party's names
    name: String,
    /// person, government, military, outlet, account, unnamed, organisation or unknown
    #[arg(long)]
    kind: Option<String>,
    /// Who this is ("a senior official in the defence ministry")
    #[arg(long)]
    description: Option<String>,
}

/// `party show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Any of the party's names
    name: String,
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
            ctx.recorded(format!("party {}", party.name));
            match ctx.format {
                Format::Json => ctx.emit_json(&party)?,
                // The name is the data; the rest is a message (stderr, silenced by -q).
                _ => {
                    ctx.emit(&format!("{}\n", party.name))?;
                    ctx.note(&format!("added party {}", party.names.join(" = ")));
                }
            }
        }
        Command::Alias(args) => {
            let party = ledger.alias_party(&args.name, &args.alias)?;
            ctx.recorded(format!("party {}", party.name));
            match ctx.format {
                Format::Json => ctx.emit_json(&party)?,
                _ if ctx.quiet => ctx.emit(&format!("{}\n", party.name))?,
                _ => ctx.emit(&format!("{}\n", party.names.join(" = ")))?,
            }
        }
        Command::Merge(args) => {
            let party = ledger.merge_parties(&args.into, &args.merged)?;
            ctx.recorded(format!("party {}", party.name));
            match ctx.format {
                Format::Json => ctx.emit_json(&party)?,
                _ if ctx.quiet => ctx.emit(&format!("{}\n", party.name))?,
                _ => ctx.emit(&format!("{}\n", party.names.join(" = ")))?,
            }
        }
        Command::Unmerge(args) => {
            let done = ledger.unmerge_party(&args.name, &args.reason)?;
            match ctx.format {
                Format::Json => ctx.emit_json(&done)?,
                _ if ctx.quiet => ctx.emit(&format!("{}\n", done.party.name))?,
                _ => ctx.emit(&format!(
                    "{}\n{}\n",
                    super::safe::terminal(&done.party.names.join(" = ")),
                    super::safe::terminal(&done.from.names.join(" = "))
                ))?,
            }
        }
        Command::Set(args) => {
            let party = ledger.update_party(&args.name, args.kind.as_deref(), args.description)?;
            ctx.recorded(format!("party {}", party.name));
            match ctx.format {
                Format::Json => ctx.emit_json(&party)?,
                _ if ctx.quiet => {}
                _ => ctx.emit(&format!(
                    "{}  ({}){}\n",
                    party.name,
                    party.kind,
                    party
                        .description
                        .as_deref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ))?,
            }
        }
        Command::Show(args) => {
            let shown = ledger.show_party(&args.name)?;
            if ctx.format != Format::Table {
                let rows = shown
                    .claims
                    .iter()
                    .map(|c| {
                        vec![
                            c.id.clone(),
                            c.role.clone(),
                            c.as_typed.clone().unwrap_or_default(),
                            c.statement.clone(),
                            c.status_label.clone(),
                        ]
                    })
                    .collect();
                ctx.emit_rows(
                    &shown,
                    &["id", "role", "named as", "statement", "status"],
                    rows,
                    |_, _| None,
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            let p = &shown.party;
            let mut out = format!("{}  ({})\n", ctx.paint(&p.name, "1"), p.kind);
            if let Some(d) = &p.description {
                out += &format!("  {d}\n");
            }
            if !p.aliases.is_empty() {
                out += &format!("  also known as: {}\n", p.aliases.join("; "));
            }
            out += &format!(
                "  made {} claim(s), relayed {}, named in {} status event(s)\n",
                p.claims, p.relayed, p.statuses
            );
            ctx.emit(&out)?;
            if shown.claims.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            let rows = shown
                .claims
                .iter()
                .map(|c| {
                    let mut who = c.claimant.clone();
                    for v in &c.via {
                        who += &format!(" via {v}");
                    }
                    let role = match c.as_typed.as_deref() {
                        Some(typed) if typed != p.name => format!("{} (as {typed})", c.role),
                        _ => c.role.clone(),
                    };
                    vec![
                        c.id.clone(),
                        role,
                        c.statement.clone(),
                        who,
                        c.status_label.clone(),
                    ]
                })
                .collect();
            ctx.emit("\n")?;
            ctx.emit_table(
                &shown,
                &[
                    Column::new("id", Fit::Whole),
                    Column::new("role", Fit::Wrap),
                    Column::new("statement", Fit::Text),
                    Column::new("claimed by", Fit::Name),
                    Column::new("status", Fit::Wrap),
                ],
                rows,
                |_, _| None,
            )?;
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
            ctx.emit_table(
                &parties,
                &[
                    Column::new("party", Fit::Name),
                    Column::new("kind", Fit::Whole),
                    Column::new("also known as", Fit::Text),
                    Column::new("claims", Fit::Whole),
                    Column::new("relayed", Fit::Whole),
                    Column::new("statuses", Fit::Whole),
                    Column::optional("description", Fit::Text, 1),
                ],
                rows,
                |_, _| None,
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
