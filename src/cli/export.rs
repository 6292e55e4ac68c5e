//! `claimledger export`: the ledger in formats other programs read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Ctx;
use super::safe::terminal;
use crate::error::Error;
use crate::export::{annotations, claimreview, prov};
use crate::ledger::{ListQuery, Selection};

/// Export formats.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// schema.org ClaimReview JSON-LD (Google's fact-check markup), one per claim with a status
    Claimreview(ClaimReviewArgs),
    /// W3C Web Annotation JSON-LD: an AnnotationCollection, one annotation per appearance
    Annotations(AnnotationArgs),
    /// W3C PROV-JSON of the claims' provenance; --dot for Graphviz, --svg to render it
    Prov(ProvArgs),
    /// The whole ledger as plain files: journal entries, source bytes, checkpoints
    Bundle(BundleArgs),
}

/// `export bundle`.
#[derive(Debug, clap::Args)]
pub struct BundleArgs {
    /// A new (or empty) folder to write the bundle into
    dir: PathBuf,
}

/// `export prov`.
#[derive(Debug, clap::Args)]
pub struct ProvArgs {
    /// Claims to export (default: every claim)
    #[arg(value_name = "CLAIM")]
    claims: Vec<String>,
    /// Print the graph as Graphviz DOT instead of PROV-JSON
    #[arg(long)]
    dot: bool,
    /// Render the graph to this SVG file with Graphviz `dot`
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    svg: Option<PathBuf>,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
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
        Command::Prov(args) => prov_run(args, ctx),
        Command::Bundle(args) => bundle_run(args, ctx),
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
/// `json`: the text is serialized JSON, printed exact to stdout (see [`safe::json`]);
/// other text (DOT) is printed with [`terminal`]'s escapes.
pub(super) fn write_out(
    ctx: &Ctx,
    out: Option<&Path>,
    text: &str,
    json: bool,
) -> anyhow::Result<()> {
    match out {
        None if json => ctx.emit_json_text(text),
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
    write_out(ctx, args.out.as_deref(), &text, true)?;
    Ok(ExitCode::SUCCESS)
}

fn annotations_run(args: AnnotationArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let (ledger, claims) = ctx.open()?.export_records(&selection(&args.claims))?;
    let doc = annotations::collection(&ledger, &claims, args.utf16);
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    write_out(ctx, args.out.as_deref(), &text, true)?;
    Ok(ExitCode::SUCCESS)
}

fn prov_run(args: ProvArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let (ledger, claims) = ctx.open()?.export_records(&selection(&args.claims))?;
    let graph = prov::graph(&ledger, &claims);
    if let Some(svg) = &args.svg {
        render_svg(&prov::dot(&graph), svg)?;
        ctx.note(&format!("wrote {}", terminal(&svg.display().to_string())));
        return Ok(ExitCode::SUCCESS);
    }
    let text = if args.dot {
        prov::dot(&graph)
    } else {
        let mut text = serde_json::to_string_pretty(&prov::prov_json(&graph))?;
        text.push('\n');
        text
    };
    write_out(ctx, args.out.as_deref(), &text, !args.dot)?;
    Ok(ExitCode::SUCCESS)
}

/// Renders DOT to an SVG file with Graphviz `dot`.
fn render_svg(dot: &str, svg: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .arg("-o")
        .arg(svg)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "Graphviz `dot` is not on the PATH, so --svg cannot render; install Graphviz (Debian: apt-get install graphviz) or use --dot and render the DOT elsewhere"
        ),
        Err(e) => anyhow::bail!("cannot run Graphviz `dot`: {e}"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(dot.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        anyhow::bail!(
            "Graphviz `dot` could not render the graph: {}",
            terminal(String::from_utf8_lossy(&out.stderr).trim())
        );
    }
    Ok(())
}

fn bundle_run(args: BundleArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let written = ctx.open()?.export_bundle(&args.dir)?;
    // The bundle is on disk now: a stdout that cannot take the summary must not look like
    // nothing was written (exit 4, as for a recorded change).
    ctx.recorded(format!(
        "the bundle in {}",
        terminal(&args.dir.display().to_string())
    ));
    if ctx.format == super::Format::Json {
        ctx.emit_json(&written)?;
    } else if ctx.quiet {
        ctx.emit(&format!("{}\n", written.root))?;
    } else {
        ctx.emit(&format!(
            "{}: {} entries, root {}, {} source(s), {} checkpoint(s)\n",
            terminal(&args.dir.display().to_string()),
            written.size,
            written.root,
            written.blobs,
            written.checkpoints
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
