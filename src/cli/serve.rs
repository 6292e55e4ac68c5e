//! `claimledger serve`: the team server (see [`crate::server`]).

use std::process::ExitCode;

use super::Ctx;

/// Serve this ledger to a team: a JSON API (the CLI's JSON keys) and web pages, with
/// accounts from `claimledger user add`. Stops cleanly on Ctrl-C or SIGTERM.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  claimledger user add ana --role checker\n  claimledger serve --listen 127.0.0.1:8080\n  claimledger serve --listen 0.0.0.0:8080 --public-read"
)]
pub struct Args {
    /// Where to listen, HOST:PORT (port 0 picks a free one; the address is printed)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Let anybody read (list, audit, sources, checkpoint, proofs) without a token
    #[arg(long)]
    public_read: bool,
    /// The largest request body taken, in bytes (a source upload included)
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    max_body: usize,
}

/// Runs `serve`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let options = crate::server::Options {
        db: ctx.db.clone(),
        listen: args.listen,
        public_read: args.public_read,
        max_body: args.max_body,
    };
    let writes = crate::server::run(options, |addr| {
        ctx.message(&format!("listening on http://{addr}"));
    })?;
    ctx.message(&format!("stopped after {writes} write(s)"));
    Ok(ExitCode::SUCCESS)
}
