//! `claimledger summary`: claims counted by status and by claimant.

use std::process::ExitCode;

use super::table::{Column, Fit};
use super::{Ctx, Format};

/// Claims by status × claimant, with totals.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    shown: super::list::Shown,
}

/// Runs `summary`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let summary = ctx.open()?.summary(args.shown.pick())?;
    if ctx.format == Format::Json {
        ctx.emit_json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    if summary.total == 0 && ctx.format == Format::Table {
        ctx.note("no claims yet");
        return Ok(ExitCode::SUCCESS);
    }
    let mut columns = vec![Column::new("claimant", Fit::Name)];
    // Status names, not labels, head the columns: they are short, and the claimants need
    // the width.
    columns.extend(
        summary
            .statuses
            .iter()
            .map(|s| Column::new(s.name.as_str(), Fit::Whole)),
    );
    columns.push(Column::new("total", Fit::Whole));
    let mut rows: Vec<Vec<String>> = summary
        .claimants
        .iter()
        .map(|c| {
            let mut row = vec![c.claimant.clone()];
            for s in &summary.statuses {
                row.push(c.counts.get(&s.name).map_or(String::new(), i64::to_string));
            }
            row.push(c.total.to_string());
            row
        })
        .collect();
    let mut totals = vec!["all claimants".to_string()];
    totals.extend(summary.statuses.iter().map(|s| s.count.to_string()));
    totals.push(summary.total.to_string());
    rows.push(totals);
    ctx.emit_table(&summary, &columns, rows, |_, _| None)?;
    Ok(ExitCode::SUCCESS)
}
