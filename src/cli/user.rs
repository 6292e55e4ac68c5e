//! `claimledger user add|list|revoke`: the accounts of a team server (`serve`).

use std::process::ExitCode;

use super::output::or_dash;
use super::table::{Column, Fit};
use super::{Ctx, Format};
use crate::ledger::Role;

/// User subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an account and print its API token (once: only its hash is stored)
    #[command(
        after_help = "Examples:\n  claimledger user add ana --role checker\n  claimledger user add desk-editor --role editor"
    )]
    Add(AddArgs),
    /// The accounts, their roles, and whether they are revoked
    List,
    /// Revoke an account's token: the server refuses it from the next request on
    Revoke(RevokeArgs),
}

/// `user add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The account name, recorded as the actor of its writes (letters, digits, . _ - @)
    name: String,
    /// What it may do: reader (reads), checker (adds sources and claims, sets statuses),
    /// editor (a checker who may also record checkpoints)
    #[arg(long, value_enum, default_value_t = RoleArg::Checker)]
    role: RoleArg,
}

/// `user revoke`.
#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The account name
    name: String,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Editor,
    Checker,
    Reader,
}

/// Runs a user subcommand.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Add(args) => {
            let role = match args.role {
                RoleArg::Editor => Role::Editor,
                RoleArg::Checker => Role::Checker,
                RoleArg::Reader => Role::Reader,
            };
            let added = ledger.add_user(&args.name, role)?;
            ctx.recorded(format!("account {}", added.user.name));
            match ctx.format {
                Format::Json => ctx.emit_json(&added)?,
                _ => {
                    ctx.emit(&format!("{}\n", added.token))?;
                    ctx.note(&format!(
                        "account {} ({}): the token above is shown only now; give it to them (the server takes it as `Authorization: Bearer TOKEN`, or on its login page)",
                        added.user.name, added.user.role
                    ));
                }
            }
        }
        Command::List => {
            let users = ledger.users()?;
            if ctx.format == Format::Table && users.is_empty() {
                ctx.note(
                    "no accounts yet; add one with `claimledger user add NAME --role checker`",
                );
                return Ok(ExitCode::SUCCESS);
            }
            let rows = users
                .iter()
                .map(|u| {
                    vec![
                        u.name.clone(),
                        u.role.clone(),
                        u.created_at.clone(),
                        or_dash(u.revoked_at.as_deref()),
                    ]
                })
                .collect();
            ctx.emit_table(
                &users,
                &[
                    Column::new("account", Fit::Name),
                    Column::new("role", Fit::Whole),
                    Column::new("token since", Fit::Whole),
                    Column::new("revoked", Fit::Whole),
                ],
                rows,
                |_, _| None,
            )?;
        }
        Command::Revoke(args) => {
            let user = ledger.revoke_user(&args.name)?;
            ctx.recorded(format!("the revocation of {}", user.name));
            match ctx.format {
                Format::Json => ctx.emit_json(&user)?,
                _ => ctx.note(&format!("revoked the token of {}", user.name)),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
