//! `claimledger report`: the status table and each claim's provenance as one HTML page.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Ctx;
use super::export::{Records, check_site, stream_out};
use super::list::Filters;
use super::safe::terminal;
use crate::error::Error;
use crate::export::claimreview::Publisher;
use crate::ledger::Selection;
use crate::report::{self, ReportOptions};
use crate::store::queries::ClaimSort;

/// One self-contained HTML file (no network) an editor can open, attach or print: the
/// status table, and for each claim who said it through whom, the exact source version,
/// the quote in its context, the status over time and the journal entries behind it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Claims to report on (default: every claim the filters match)
    #[arg(value_name = "CLAIM")]
    claims: Vec<String>,
    #[command(flatten)]
    filters: Filters,
    /// The HTML file to write
    #[arg(long, value_name = "FILE.html")]
    out: PathBuf,
    /// Who publishes the report (the ClaimReview author in its JSON-LD; default: the ledger's origin)
    #[arg(long, value_name = "NAME")]
    publisher: Option<String>,
    /// The publisher's site, base of each ClaimReview's URL (default: https://ORIGIN)
    #[arg(long, value_name = "URL")]
    site: Option<String>,
}

/// Runs `report`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if !args.claims.is_empty() && !args.filters.is_empty() {
        return Err(Error::Usage(
            "give claims or list filters, not both (the filters choose the claims)".into(),
        )
        .into());
    }
    if let Some(site) = &args.site {
        check_site(site)?;
    }
    let selection = if args.claims.is_empty() {
        Selection::Matching(args.filters.query(ClaimSort::Id))
    } else {
        Selection::Ids(args.claims.clone())
    };
    let mut ledger = ctx.open()?;
    let mut records = Records::new(ledger.export_records(&selection)?, ctx);
    if records.inner().is_empty() && !args.filters.is_empty() {
        return Err(Error::NothingMatches.into());
    }
    let about = records.ledger().clone();
    let checkpoint = records.inner().checkpoint().cloned();
    let publisher = Publisher {
        name: args
            .publisher
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| about.origin.clone()),
        site: args
            .site
            .unwrap_or_else(|| format!("https://{}", about.origin)),
    };
    let options = ReportOptions {
        publisher,
        generated: crate::dates::now(),
        filters: args.filters.describe(),
    };
    // A template that fails is a bug to report as such, not as a file that could not be
    // written (the file is not replaced either way).
    let mut failed_render = None;
    let shown = stream_out(ctx, Some(&args.out), false, &mut records, |out, claims| {
        report::write(out, &about, claims, checkpoint.as_ref(), &options).map_err(|e| match e {
            report::ReportError::Io(e) => e,
            other => {
                failed_render = Some(other);
                std::io::Error::other("the report could not be rendered")
            }
        })
    });
    if let Some(e) = failed_render {
        return Err(e.into());
    }
    let shown = shown?;
    if ctx.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    ctx.note(&format!(
        "{} claim(s); open {} in a browser",
        shown,
        terminal(&args.out.display().to_string())
    ));
    Ok(ExitCode::SUCCESS)
}
