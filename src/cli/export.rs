//! `claimledger export`: the ledger in formats other programs read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Ctx;
use super::safe::terminal;
use crate::error::Error;
use crate::export::{annotations, claimreview};
use crate::ledger::{ListQuery, Selection};

/// Export formats.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// schema.org ClaimReview JSON-LD (Google's fact-check markup), one per claim with a status
    Claimreview(ClaimReviewArgs),
    /// W3C Web Annotation JSON-LD: an AnnotationCollection, one annotation per appearance
    Annotations(AnnotationArgs),
}

/// `export annotations`.
#[derive(Debug, clap::Args)]
pub struct AnnotationArgs {
    /// Claims to export (default: every claim)
    #[arg(value_name = "CLAIM")]
    claims: Vec<String>,
    /// Count TextPositionSelector offsets in UTF-16 code units, as Hypothesis does
    #[arg(long)]
    utf16: bool,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// `export claimreview`.
#[derive(Debug, clap::Args)]
pub struct ClaimReviewArgs {
    /// Claims to export (default: every claim)
    #[arg(value_name = "CLAIM")]
    claims: Vec<String>,
    /// The organisation publishing the reviews (the ClaimReview author)
    #[arg(long, value_name = "NAME")]
    publisher: String,
    /// The publisher's site; each review's URL is SITE/claims/ID
    #[arg(long, value_name = "URL")]
    site: String,
    /// A schema.org DataFeed of the reviews instead of a JSON array
    #[arg(long)]
    feed: bool,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `export`.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Claimreview(args) => claimreview_run(args, ctx),
        Command::Annotations(args) => annotations_run(args, ctx),
    }
}

/// The claims named, or all of them.
pub(super) fn selection(claims: &[String]) -> Selection {
    if claims.is_empty() {
        Selection::Matching(ListQuery::default())
    } else {
        Selection::Ids(claims.to_vec())
    }
}

/// Writes `text` to `out`, or to standard output.
pub(super) fn write_out(ctx: &Ctx, out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match out {
        None => ctx.emit(text),
        Some(path) => {
            std::fs::write(path, text).map_err(|source| Error::WriteFile {
                path: path.to_path_buf(),
                source,
            })?;
            ctx.note(&format!("wrote {}", terminal(&path.display().to_string())));
            Ok(())
        }
    }
}

/// Checks a --site value: an absolute http(s) URL.
pub(super) fn check_site(site: &str) -> Result<(), Error> {
    let ok = (site.starts_with("https://") || site.starts_with("http://"))
        && site.len() > "https://".len()
        && !site.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            what: "--site",
            value: site.to_string(),
            expected: "expected an absolute http(s) URL such as https://factcheck.example",
        })
    }
}

fn claimreview_run(args: ClaimReviewArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    check_site(&args.site)?;
    if args.publisher.trim().is_empty() {
        return Err(Error::InvalidValue {
            what: "--publisher",
            value: args.publisher,
            expected: "expected the name of the organisation publishing the reviews",
        }
        .into());
    }
    let (_, claims) = ctx.open()?.export_records(&selection(&args.claims))?;
    let publisher = claimreview::Publisher {
        name: args.publisher.trim().to_string(),
        site: args.site,
    };
    let export = claimreview::export(&claims, &publisher, args.feed);
    for w in &export.warnings {
        ctx.warn(&terminal(w));
    }
    let mut text = serde_json::to_string_pretty(&export.document)?;
    text.push('\n');
    write_out(ctx, args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn annotations_run(args: AnnotationArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let (ledger, claims) = ctx.open()?.export_records(&selection(&args.claims))?;
    let doc = annotations::collection(&ledger, &claims, args.utf16);
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    write_out(ctx, args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}
