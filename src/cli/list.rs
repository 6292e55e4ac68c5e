//! `claimledger list`: the status table.

use std::process::ExitCode;

use super::Ctx;
use super::output::status_color;

/// The status table: every claim with its claimant, conduits and current status.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only claims with this status (name or label)
    #[arg(long)]
    status: Option<String>,
    /// Only claims made by this party (any of its names)
    #[arg(long)]
    claimant: Option<String>,
    /// Only claims relayed through this party
    #[arg(long)]
    via: Option<String>,
    /// Only claims that appear in this source version
    #[arg(long)]
    source: Option<String>,
    /// Only claims whose quote is missing from the latest version of its document
    #[arg(long)]
    missing: bool,
}

/// Runs `list`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let claims = ctx.open()?.list(
        args.status.as_deref(),
        args.claimant.as_deref(),
        args.via.as_deref(),
        args.source.as_deref(),
        args.missing,
    )?;
    if ctx.format == super::Format::Table && claims.is_empty() {
        ctx.note("no claims match");
        return Ok(ExitCode::SUCCESS);
    }
    // A "latest version" column only once some document has a later version.
    let show_latest = claims.iter().any(|c| c.latest.is_some());
    let rows = claims
        .iter()
        .map(|c| {
            let mut row = vec![
                c.id.clone(),
                c.statement.clone(),
                c.claimant.clone(),
                if c.via.is_empty() {
                    "—".to_string()
                } else {
                    c.via.join(" → ")
                },
                c.status_label.clone(),
            ];
            if show_latest {
                row.push(c.latest.clone().unwrap_or_else(|| "—".to_string()));
            }
            row
        })
        .collect();
    let statuses: Vec<&str> = claims.iter().map(|c| c.status.as_str()).collect();
    let by_label = |label: &str| {
        claims
            .iter()
            .zip(&statuses)
            .find(|(c, _)| c.status_label == label)
            .and_then(|(_, s)| status_color(s))
    };
    let mut header = vec!["id", "statement", "claimant", "via", "status"];
    if show_latest {
        header.push("latest version");
    }
    ctx.emit_rows(&claims, &header, rows, |i, text| match i {
        4 => by_label(text),
        5 if text == "missing" => Some(comfy_table::Color::Red),
        5 if text == "changed" => Some(comfy_table::Color::Yellow),
        _ => None,
    })?;
    Ok(ExitCode::SUCCESS)
}
