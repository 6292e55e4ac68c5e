//! `claimledger proof`: inclusion and consistency proofs of a claim's journal entries, and
//! `proof check`, which verifies proof documents with no ledger at all.

use std::path::PathBuf;
use std::process::ExitCode;

use super::checkpoint::read_text;
use super::{Ctx, Format};
use crate::error::Error;
use crate::note::VerifierKey;
use crate::proof::ProofDoc;
use crate::store::Store;

/// Proofs that a claim's journal entries are in the latest checkpoint (and, with --from,
/// that an older checkpoint is a prefix of it), as SPEC §8 JSON documents.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    check: Option<Sub>,
    /// The claim id (C1, C2, ...)
    #[arg(required = true)]
    claim: Option<String>,
    /// Also prove that this older checkpoint (a file holding its note) is a prefix of the latest
    #[arg(long, value_name = "CHECKPOINT")]
    from: Option<PathBuf>,
    /// Write one file per document into DIR instead of printing a JSON array
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Verify proof documents (one JSON object or an array per file) with no ledger; exit 3
    /// if any fails
    Check {
        /// Proof files, or directories (what `proof --out DIR` wrote: every *.json in
        /// them), or - for standard input
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// Also check the checkpoint notes in the documents are signed by this public key
        #[arg(long, value_name = "PUBKEYFILE")]
        key: Option<PathBuf>,
    },
}

/// Runs `proof`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if let Some(Sub::Check { files, key }) = args.check {
        return check(&files, key.as_deref(), ctx);
    }
    let claim = args.claim.expect("clap requires CLAIM");
    let from = match &args.from {
        Some(path) => Some(crate::checkpoint::parse_given(
            &read_text(path)?,
            &format!("--from {}", path.display()),
            None,
        )?),
        None => None,
    };
    let mut store = Store::open(&ctx.db)?;
    let proofs = crate::checkpoint::claim_proofs(&mut store, &claim, from.as_ref())?;
    let size = proofs
        .checkpoint
        .split('\n')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    if !proofs.uncovered.is_empty() {
        let list: Vec<String> = proofs.uncovered.iter().map(|s| format!("#{s}")).collect();
        ctx.warn(&format!(
            "entries {} of {claim} came after the latest checkpoint (size {size}) and are not proved; run `claimledger checkpoint` to cover them",
            list.join(", ")
        ));
    }
    match &args.out {
        None => ctx.emit_json(&proofs.documents)?,
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| Error::WriteFile {
                path: dir.clone(),
                source,
            })?;
            let mut written = String::new();
            for doc in &proofs.documents {
                let name = match doc {
                    ProofDoc::Inclusion { leaf_index, .. } => {
                        format!("inclusion-{leaf_index}.json")
                    }
                    ProofDoc::Consistency { size1, size2, .. } => {
                        format!("consistency-{size1}-{size2}.json")
                    }
                };
                let path = dir.join(name);
                let mut text = serde_json::to_string_pretty(doc)?;
                text.push('\n');
                std::fs::write(&path, text).map_err(|source| Error::WriteFile {
                    path: path.clone(),
                    source,
                })?;
                written += &format!("{}\n", path.display());
            }
            ctx.emit(&written)?;
        }
    }
    ctx.note(&format!(
        "{} document(s) against the checkpoint of size {size}; check them with `claimledger proof check FILE`",
        proofs.documents.len()
    ));
    Ok(ExitCode::SUCCESS)
}

/// One verdict and the file it is about.
#[derive(serde::Serialize)]
struct FileVerdict {
    file: String,
    #[serde(flatten)]
    verdict: crate::proof::Verdict,
}

/// The files to check: each file as given, each directory's *.json files in name order.
fn proof_files(paths: &[PathBuf]) -> crate::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let wrap = |source| Error::ReadFile {
            path: path.clone(),
            source,
        };
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(wrap)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(wrap)?;
        found.retain(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"));
        found.sort();
        if found.is_empty() {
            return Err(Error::ReadFile {
                path: path.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "the directory holds no .json proof files",
                ),
            });
        }
        files.extend(found);
    }
    Ok(files)
}

/// A file's bytes, or standard input's for `-`.
fn read_bytes(path: &std::path::Path) -> crate::Result<Vec<u8>> {
    let wrap = |source| Error::ReadFile {
        path: path.to_path_buf(),
        source,
    };
    if path == std::path::Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map_err(wrap)?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(wrap)
    }
}

fn check(paths: &[PathBuf], key: Option<&std::path::Path>, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let key = match key {
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
    let files = proof_files(paths)?;
    // One file named as such keeps the plain shape; several say which file each is from.
    let several = files.len() > 1 || paths.iter().any(|p| p.is_dir());
    let mut verdicts = Vec::new();
    for file in &files {
        for verdict in crate::proof::check_bytes(&read_bytes(file)?, key.as_ref()) {
            verdicts.push(FileVerdict {
                file: file.display().to_string(),
                verdict,
            });
        }
    }
    let invalid = verdicts.iter().filter(|v| !v.verdict.valid).count();
    match ctx.format {
        Format::Json if several => ctx.emit_json(&verdicts)?,
        Format::Json => {
            let plain: Vec<_> = verdicts.iter().map(|v| &v.verdict).collect();
            ctx.emit_json(&plain)?
        }
        _ => {
            let mut out = String::new();
            let per_file = |file: &str| verdicts.iter().filter(|v| v.file == file).count();
            for FileVerdict { file, verdict: v } in &verdicts {
                let label = if v.valid {
                    ctx.paint("valid", "32")
                } else {
                    ctx.paint("INVALID", "1;31")
                };
                let mut place = if several {
                    format!("{file}: ")
                } else {
                    String::new()
                };
                if per_file(file) > 1 {
                    place += &format!("document {}: ", v.document);
                }
                out += &format!("{place}{label} {}: {}\n", v.kind, v.detail);
            }
            ctx.emit(&out)?;
        }
    }
    if invalid > 0 {
        ctx.message(&format!(
            "proof check failed: {invalid} of {} document(s) invalid",
            verdicts.len()
        ));
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
