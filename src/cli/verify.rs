//! `claimledger verify`: check everything (SPEC §7); each problem on its own line on
//! stdout, a summary on stderr, exit 3 if anything is wrong.

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::checkpoint::read_text;
use super::{Ctx, Format};
use crate::error::Error;
use crate::note::VerifierKey;
use crate::store::Store;
use crate::verify::{Options, Progress};

/// Check the ledger: re-hash the sources, re-check the appearances, recompute the journal's
/// leaves, Merkle tree and checkpoints, rebuild the tables from the journal and compare, and
/// run SQLite's integrity and foreign-key checks. Exits 3 if anything is wrong.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skip re-hashing the source bytes (sizes, chunks and everything else are still checked)
    #[arg(long)]
    quick: bool,
    /// Also check that this checkpoint, published earlier, is a prefix of the ledger
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Check the --checkpoint's signature with this public key
    #[arg(long, value_name = "PUBKEYFILE", requires = "checkpoint")]
    key: Option<PathBuf>,
}

/// Runs `verify`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let key = match &args.key {
        Some(path) => Some(
            VerifierKey::parse(&crate::checkpoint::read_key_file(path)?).map_err(|reason| {
                Error::BadKey {
                    what: path.display().to_string(),
                    reason,
                }
            })?,
        ),
        None => None,
    };
    let given = match &args.checkpoint {
        Some(path) => Some(crate::checkpoint::parse_given(
            &read_text(path)?,
            &format!("--checkpoint {}", path.display()),
            key.as_ref(),
        )?),
        None => None,
    };
    let mut store = Store::open(&ctx.db).map_err(damaged_fails)?;
    let bar = ProgressBar::with_draw_target(None, ctx.progress_target());
    let mut progress = |p: Progress| match p {
        Progress::Stage(name, total) => {
            bar.set_position(0);
            bar.set_length(total);
            let template = if name.starts_with("sources (hashing") {
                "{msg:>20} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}"
            } else if total == 0 {
                "{msg:>20} {spinner}"
            } else {
                "{msg:>20} [{bar:30}] {pos}/{len} {eta}"
            };
            bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_message(name.to_string());
        }
        Progress::Advance(n) => bar.inc(n),
    };
    let options = Options {
        quick: args.quick,
        checkpoint: given.as_ref(),
    };
    let report =
        crate::verify::verify(&mut store, &options, &mut progress).map_err(damaged_fails)?;
    bar.finish_and_clear();
    let ok = report.problems.is_empty();
    match ctx.format {
        Format::Json => ctx.emit_json(&serde_json::json!({
            "ok": ok,
            "problems": report.problems,
            "uncovered": report.uncovered,
            "checked": {
                "entries": report.entries,
                "root": report.root,
                "checkpoints": report.checkpoints,
                "tables": report.tables,
                "sources": report.sources,
                "bytes_hashed": report.bytes_hashed,
                "appearances": report.appearances,
                "quick": args.quick,
            },
        }))?,
        _ => {
            let mut out = String::new();
            for p in &report.problems {
                out += &format!("{p}\n");
            }
            ctx.emit(&out)?;
        }
    }
    let summary = format!(
        "{} journal entries, {} checkpoint(s), {} derived tables, {} source(s){}, {} appearance(s)",
        report.entries,
        report.checkpoints,
        report.tables,
        report.sources,
        if args.quick {
            " (not re-hashed: --quick)".to_string()
        } else {
            format!(" ({} bytes re-hashed)", report.bytes_hashed)
        },
        report.appearances
    );
    let coverage = match report.uncovered {
        0 => "every entry is covered by a checkpoint".to_string(),
        1 => "1 entry is not yet covered by any checkpoint".to_string(),
        n => format!("{n} entries are not yet covered by any checkpoint"),
    };
    let summary = format!("{summary}; {coverage}");
    if ok {
        ctx.note(&format!("verify: ok: {summary}"));
        Ok(ExitCode::SUCCESS)
    } else {
        ctx.message(&format!(
            "verify failed: {} problem(s) found in {} ({summary})",
            report.problems.len(),
            ctx.db.display()
        ));
        Ok(ExitCode::from(3))
    }
}

/// A damaged file fails the check (exit 3), like any other damage verify finds.
fn damaged_fails(e: Error) -> Error {
    match e {
        Error::Damaged { .. } => Error::CheckFailed(e.to_string()),
        other => other,
    }
}
