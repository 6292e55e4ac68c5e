//! `claimledger log`: the journal, newest first.

use std::process::ExitCode;

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
    hash: String,
    payload: serde_json::Value,
}

/// Runs `log`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let entries = ctx.open()?.log(args.limit.map(i64::from))?;
    let entries: Vec<LogEntry> = entries
        .into_iter()
        .map(|(e, hash)| LogEntry {
            seq: e.seq,
            time: e.time.clone(),
            actor: e.actor.clone(),
            kind: e.event.kind().to_string(),
            summary: e.event.summary(),
            payload: serde_json::from_str(&e.event.payload_json()).expect("payload is JSON"),
            hash,
        })
        .collect();
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.time.clone(),
                e.actor.clone(),
                e.kind.clone(),
                e.summary.clone(),
                if ctx.format == Format::Table {
                    e.hash[..12].to_string()
                } else {
                    e.hash.clone()
                },
            ]
        })
        .collect();
    ctx.emit_rows(
        &entries,
        &["seq", "time", "actor", "kind", "what", "hash"],
        rows,
        |_, _| None,
    )?;
    Ok(ExitCode::SUCCESS)
}
