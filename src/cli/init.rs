//! `claimledger init`: create a ledger.

use std::process::ExitCode;

use super::{Ctx, Format};
use crate::ledger::Ledger;

/// Create a new ledger at --db; refuses if anything exists there.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The checkpoint origin line that names this ledger (default: a random one)
    #[arg(long)]
    origin: Option<String>,
}

/// Runs `init`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let (ledger, origin) = Ledger::init(&ctx.db, &ctx.actor, args.origin)?;
    let path = ledger.path().display().to_string();
    ctx.recorded(format!("the new ledger {path}"));
    match ctx.format {
        Format::Json => ctx.emit_json(&serde_json::json!({ "path": path, "origin": origin }))?,
        // A message, not data: stderr, silenced by -q.
        _ => ctx.note(&format!("created ledger {path} (origin: {origin})")),
    }
    Ok(ExitCode::SUCCESS)
}
