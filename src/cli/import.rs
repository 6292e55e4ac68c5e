//! `claimledger import`: bringing records into a ledger from files.

use std::process::ExitCode;

use super::Ctx;

/// What to import.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Rebuild a ledger from a bundle (`export bundle`), or catch up a ledger that is a prefix of it
    Bundle(super::import_bundle::Args),
}

/// Runs `import`.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Bundle(args) => super::import_bundle::run(args, ctx),
    }
}
