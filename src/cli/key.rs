//! `claimledger key generate`: an Ed25519 key pair for signing checkpoints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{Ctx, Format};
use crate::error::Error;
use crate::note::SignerKey;
use crate::store::Store;

/// Keys that sign checkpoints.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make an Ed25519 key pair: FILE holds the private key, FILE.pub the public key
    Generate(GenerateArgs),
}

/// `key generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The key's name (default: the ledger's origin line)
    #[arg(long)]
    name: Option<String>,
    /// Where to write the private key; the public key goes to FILE.pub
    #[arg(long, value_name = "FILE", default_value = "claimledger.key")]
    out: PathBuf,
}

/// Runs `key`.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let Command::Generate(args) = cmd;
    let name = match args.name {
        Some(name) => name,
        None => ledger_origin(ctx)?,
    };
    let signer = SignerKey::generate(&name).map_err(|reason| Error::BadKey {
        what: format!("the key name '{name}'"),
        reason: format!("{reason}; pick one with --name"),
    })?;
    let public_path = {
        let mut p = args.out.clone().into_os_string();
        p.push(".pub");
        PathBuf::from(p)
    };
    for path in [&args.out, &public_path] {
        if path.symlink_metadata().is_ok() {
            return Err(Error::KeyExists { path: path.clone() }.into());
        }
    }
    let verifier = signer.verifier().encode();
    write_new(&args.out, &format!("{}\n", signer.encode()), true)?;
    if let Err(e) = write_new(&public_path, &format!("{verifier}\n"), false) {
        let _ = std::fs::remove_file(&args.out);
        return Err(e.into());
    }
    ctx.recorded(format!("the key pair {}", args.out.display()));
    match ctx.format {
        Format::Json => ctx.emit_json(&serde_json::json!({
            "name": signer.name(),
            "key_id": format!("{:08x}", signer.key_id()),
            "public_key": verifier,
            "private_key_file": args.out.display().to_string(),
            "public_key_file": public_path.display().to_string(),
        }))?,
        _ => {
            ctx.emit(&format!("{verifier}\n"))?;
            ctx.note(&format!(
                "private key written to {} (keep it secret; sign with `claimledger checkpoint --sign {}`)\npublic key written to {} (give it to readers)",
                args.out.display(),
                args.out.display(),
                public_path.display()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ledger_origin(ctx: &Ctx) -> anyhow::Result<String> {
    if !ctx.db.exists() {
        anyhow::bail!(
            "no ledger at {} to take the key name from; give the key a name with --name",
            ctx.db.display()
        );
    }
    let mut store = Store::open(&ctx.db)?;
    let tx = store.begin_read()?;
    Ok(tx.meta("origin")?.unwrap_or_default())
}

/// Writes a file that must not exist yet (private: readable by its owner only).
fn write_new(path: &Path, text: &str, private: bool) -> crate::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let wrap = |source| Error::WriteFile {
        path: path.to_path_buf(),
        source,
    };
    let mut file = options.open(path).map_err(wrap)?;
    file.write_all(text.as_bytes()).map_err(wrap)?;
    file.sync_all().map_err(wrap)?;
    Ok(())
}
