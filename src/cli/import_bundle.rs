//! `claimledger import bundle DIR`: rebuild a ledger from a bundle, or catch one up.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Ctx;
use super::safe::terminal;

/// Rebuilds the ledger at --db from a bundle: a new file gets the bundle's whole journal
/// (same entries, same Merkle root); an existing ledger whose journal is a prefix of the
/// bundle's gets the rest appended. Anything else is refused, and nothing is written.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle folder (written by `claimledger export bundle`)
    dir: PathBuf,
}

/// Runs `import bundle`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let done = crate::ledger::import_bundle(&ctx.db, &args.dir).map_err(|e| match e {
        // The place and reason quote the bundle's own bytes (file names, an origin line):
        // shown, not obeyed, on a terminal.
        crate::Error::BadBundle { place, reason } => crate::Error::BadBundle {
            place: terminal(&place).into_owned(),
            reason: terminal(&reason).into_owned(),
        },
        crate::Error::BundleConflict(what) => {
            crate::Error::BundleConflict(terminal(&what).into_owned())
        }
        other => other,
    })?;
    if ctx.format == super::Format::Json {
        ctx.emit_json(&done)?;
        return Ok(ExitCode::SUCCESS);
    }
    let db = terminal(&ctx.db.display().to_string()).into_owned();
    let what = if done.created {
        format!("{db}: rebuilt {} entries", done.size)
    } else if done.appended == 0 {
        format!("{db}: already has all {} entries", done.size)
    } else {
        format!(
            "{db}: appended {} entries to the {} it had",
            done.appended, done.before
        )
    };
    if ctx.quiet {
        ctx.emit(&format!("{}\n", done.root))?;
    } else {
        ctx.emit(&format!(
            "{what}, root {}, {} new checkpoint(s)\n",
            done.root, done.checkpoints
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
