//! `claimledger log`: the journal, newest first.
//!
//! An entry has two hashes: its `hash` (SHA-256 of the entry's canonical bytes, stored with
//! it) and its `leaf hash` (SHA-256 of 0x00 and the same bytes, RFC 9162), which is what
//! checkpoints, proofs and `audit` use. The table shows the leaf hash under that name, so
//! that `log` and `audit` agree; `--json` and `--csv` give both.

use std::process::ExitCode;

use super::table::{Column, Fit};
use super::{Ctx, Format};

/// Journal entries, newest first.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show at most N entries
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
}

#[derive(serde::Serialize)]
struct LogEntry {
    seq: i64,
    time: String,
    actor: String,
    kind: String,
    summary: String,
    /// SHA-256 of the entry's canonical bytes.
    hash: String,
    /// SHA-256(0x00 || bytes): the Merkle leaf, as in `audit` and proofs.
    leaf_hash: String,
    payload: serde_json::Value,
}

/// Runs `log`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let entries = ctx.open()?.log(args.limit.map(i64::from))?;
    let entries: Vec<LogEntry> = entries
        .into_iter()
        .map(|(e, hash)| LogEntry {
            leaf_hash: hex::encode(crate::merkle::leaf_hash(&e.bytes())),
            seq: e.seq,
            time: e.time.clone(),
            actor: e.actor.clone(),
            kind: e.event.kind().to_string(),
            summary: e.event.summary(),
            payload: serde_json::from_str(&e.event.payload_json())
                .unwrap_or_else(|_| serde_json::Value::String(e.event.payload_json())),
            hash,
        })
        .collect();
    let table = ctx.format == Format::Table;
    let rows = entries
        .iter()
        .map(|e| {
            let mut row = vec![
                e.seq.to_string(),
                if table && !ctx.wide {
                    super::output::short_time(&e.time)
                } else {
                    e.time.clone()
                },
                e.actor.clone(),
                e.kind.clone(),
                e.summary.clone(),
            ];
            if table {
                row.push(e.leaf_hash[..if ctx.wide { 16 } else { 8 }].to_string());
            } else {
                row.push(e.leaf_hash.clone());
                row.push(e.hash.clone());
            }
            row
        })
        .collect();
    let mut columns = vec![
        Column::new("seq", Fit::Whole),
        Column::new("time", Fit::Whole),
        Column::new("actor", Fit::Name),
        Column::new("kind", Fit::Whole),
        Column::new("what", Fit::Text),
        Column::optional("leaf hash", Fit::Whole, 1),
    ];
    if !table {
        columns[5].header = "leaf_hash";
        columns.push(Column::new("hash", Fit::Whole));
    }
    ctx.emit_table(&entries, &columns, rows, |_, _| None)?;
    Ok(ExitCode::SUCCESS)
}
