//! `claimledger export`: the ledger in formats other programs read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::Ctx;
use super::safe::terminal;
use crate::error::Error;
use crate::export::{ClaimRecord, annotations, claimreview, prov};
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

/// How many warnings of one kind `export claimreview` shows before it counts the rest.
const WARNINGS_SHOWN: usize = 10;

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

/// Writes an export as `write` produces it, piece by piece: to `out` (a new file beside it,
/// renamed over it once complete, so a failed export leaves what was there), or to standard
/// output (`json`: serialized JSON, each piece through [`safe::json`] so no raw control
/// character reaches a terminal). `write` reads the claims' records from `records` as it
/// writes them; the first error reading one stops the output where it is (a document left
/// unfinished, not closed as if whole) and ends the export with that error.
pub(super) fn stream_out<T>(
    ctx: &Ctx,
    out: Option<&Path>,
    json: bool,
    records: &mut Records<'_>,
    write: impl FnOnce(&mut dyn Write, &mut Records<'_>) -> std::io::Result<T>,
) -> anyhow::Result<T> {
    if out.is_none() && ctx.format == super::Format::Csv {
        return Err(Error::Usage(
            "this command does not print CSV; use --json, or leave out --csv".into(),
        )
        .into());
    }
    let stop = records.stop.clone();
    let result = match out {
        None => {
            let mut sink = Stoppable {
                out: super::safe::Terminal::stdout(json),
                stop,
            };
            write(&mut sink, records)
                .and_then(|t| sink.flush().map(|()| t))
                .map_err(|e| anyhow::Error::from(Error::Output(e)))
        }
        Some(path) => write_file(path, stop, |file| write(file, records)).map_err(|source| {
            Error::WriteFile {
                path: path.to_path_buf(),
                source,
            }
            .into()
        }),
    };
    records.finish()?;
    let t = result?;
    if let Some(path) = out {
        ctx.note(&format!("wrote {}", terminal(&path.display().to_string())));
    }
    Ok(t)
}

/// Writes a file by way of a temporary one in the same folder, renamed over `path` once
/// `write` succeeded and the bytes are on disk; on failure (or once `stop` is set) the
/// temporary file is removed and `path` keeps what it held.
fn write_file<T>(
    path: &Path,
    stop: std::rc::Rc<std::cell::Cell<bool>>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> std::io::Result<T> {
    use std::os::unix::fs::PermissionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".claimledger-")
        .suffix(".part")
        // As File::create: 0666 less the umask.
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    let mut file = Stoppable {
        out: std::io::BufWriter::with_capacity(1 << 16, temp),
        stop,
    };
    let t = write(&mut file)?;
    if file.stop.get() {
        return Err(std::io::Error::other("the export stopped"));
    }
    let temp = file.out.into_inner().map_err(|e| e.into_error())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(t)
}

/// A writer that refuses to go on once its records failed, so that no document is closed
/// as if it were whole.
struct Stoppable<W> {
    out: W,
    stop: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<W: Write> Write for Stoppable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.stop.get() {
            return Err(std::io::Error::other("the export stopped"));
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// An export's records as the formats take them: plain [`ClaimRecord`]s, each counted on
/// a progress bar. The first error ends the iteration (and stops the output, see
/// [`Stoppable`]); [`Records::finish`] returns it.
pub(super) struct Records<'l> {
    records: crate::ledger::ExportRecords<'l>,
    failed: Option<Error>,
    stop: std::rc::Rc<std::cell::Cell<bool>>,
    bar: ProgressBar,
}

impl<'l> Records<'l> {
    /// The records, with a progress bar on stderr (a terminal only, and not with --quiet).
    pub(super) fn new(records: crate::ledger::ExportRecords<'l>, ctx: &Ctx) -> Self {
        let bar = ProgressBar::with_draw_target(Some(records.len() as u64), ctx.progress_target());
        bar.set_style(
            ProgressStyle::with_template("exporting [{bar:30}] {pos}/{len} claims {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Records {
            records,
            failed: None,
            stop: Default::default(),
            bar,
        }
    }

    /// The ledger's own record.
    pub(super) fn ledger(&self) -> &crate::export::LedgerRecord {
        &self.records.ledger
    }

    /// The underlying records (their count, the checkpoint).
    pub(super) fn inner(&self) -> &crate::ledger::ExportRecords<'l> {
        &self.records
    }

    /// Clears the progress bar; the error that ended the records early, if one did.
    pub(super) fn finish(&mut self) -> Result<(), Error> {
        self.bar.finish_and_clear();
        self.failed.take().map_or(Ok(()), Err)
    }
}

impl Iterator for Records<'_> {
    type Item = ClaimRecord;

    fn next(&mut self) -> Option<ClaimRecord> {
        if self.failed.is_some() {
            return None;
        }
        match self.records.next()? {
            Ok(record) => {
                self.bar.inc(1);
                Some(record)
            }
            Err(e) => {
                self.failed = Some(e);
                self.stop.set(true);
                None
            }
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
    let mut ledger = ctx.open()?;
    let mut records = Records::new(ledger.export_records(&selection(&args.claims))?, ctx);
    let publisher = claimreview::Publisher {
        name: args.publisher.trim().to_string(),
        site: args.site,
    };
    // The first few warnings of each kind, then a count: a ledger of a million claims has
    // half a million without a status.
    let (mut no_status, mut long) = (0usize, 0usize);
    let mut warn = |w: claimreview::Warning| {
        let seen = match w {
            claimreview::Warning::NoStatus(_) => &mut no_status,
            claimreview::Warning::Long { .. } => &mut long,
        };
        *seen += 1;
        if *seen <= WARNINGS_SHOWN {
            ctx.warn(&terminal(&w.to_string()));
        }
    };
    stream_out(
        ctx,
        args.out.as_deref(),
        true,
        &mut records,
        |out, claims| claimreview::write(out, claims, &publisher, args.feed, &mut warn),
    )?;
    if no_status > WARNINGS_SHOWN {
        ctx.warn(&format!(
            "and {} more claims with no status yet, so without a ClaimReview (`claimledger list --status unverified` lists them)",
            no_status - WARNINGS_SHOWN
        ));
    }
    if long > WARNINGS_SHOWN {
        ctx.warn(&format!(
            "and {} more statements longer than the {} characters Google shows",
            long - WARNINGS_SHOWN,
            claimreview::CLAIM_REVIEWED_MAX
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn annotations_run(args: AnnotationArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut ledger = ctx.open()?;
    let mut records = Records::new(ledger.export_records(&selection(&args.claims))?, ctx);
    let about = records.ledger().clone();
    stream_out(
        ctx,
        args.out.as_deref(),
        true,
        &mut records,
        |out, claims| annotations::write(out, &about, claims, args.utf16),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn prov_run(args: ProvArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut ledger = ctx.open()?;
    let mut records = Records::new(ledger.export_records(&selection(&args.claims))?, ctx);
    // The graph is built a claim at a time; the claims' records are not kept.
    let about = records.ledger().clone();
    let graph = prov::graph(&about, &mut records);
    records.finish()?;
    if let Some(svg) = &args.svg {
        render_svg(&prov::dot(&graph), svg)?;
        ctx.note(&format!("wrote {}", terminal(&svg.display().to_string())));
        return Ok(ExitCode::SUCCESS);
    }
    if args.dot {
        write_out(ctx, args.out.as_deref(), &prov::dot(&graph), false)?;
    } else {
        stream_out(ctx, args.out.as_deref(), true, &mut records, |out, _| {
            prov::write_json(out, &graph)
        })?;
    }
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
