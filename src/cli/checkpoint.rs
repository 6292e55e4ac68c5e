//! `claimledger checkpoint`: record and print the journal's checkpoint.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{Ctx, Format};
use crate::error::Error;
use crate::note::SignerKey;
use crate::store::Store;

/// Record the journal's checkpoint (origin, size, Merkle root) and print it as a C2SP
/// tlog-checkpoint note.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sign it with this private key (from `claimledger key generate`)
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
}

/// Runs `checkpoint`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let signer = match &args.sign {
        Some(path) => {
            let text = crate::checkpoint::read_key_file(path)?;
            Some(SignerKey::parse(&text).map_err(|reason| Error::BadKey {
                what: path.display().to_string(),
                reason,
            })?)
        }
        None => None,
    };
    let mut store = Store::open(&ctx.db)?;
    let made = crate::checkpoint::record(&mut store, &ctx.actor, signer.as_ref())?;
    ctx.recorded(format!("the checkpoint of size {}", made.checkpoint.size));
    match ctx.format {
        Format::Json => ctx.emit_json(&serde_json::json!({
            "origin": made.checkpoint.origin,
            "size": made.checkpoint.size,
            "root": hex::encode(made.checkpoint.root),
            "note": made.note,
        }))?,
        _ => ctx.emit(&made.note)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a text file, or standard input for `-`.
pub(super) fn read_text(path: &Path) -> crate::Result<String> {
    let wrap = |source| Error::ReadFile {
        path: path.to_path_buf(),
        source,
    };
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(wrap)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(wrap)
    }
}
