//! `claimledger source add|list|show|diff|attach|set`: store documents, look at them, and
//! correct what was recorded about them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::output::or_dash;
use super::table::{Column, Fit};
use super::{Ctx, Format};
use crate::ledger::{Input, NewSource};
use crate::source::{SourceMeta, short};

/// Source subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Store a file's exact bytes (or stdin's, with -) and print its SHA-256
    Add(AddArgs),
    /// Documents and their versions
    List,
    /// One source version's record, and with --text its text with line numbers
    Show(ShowArgs),
    /// A unified line diff between two source versions
    Diff(DiffArgs),
    /// Make a stored source a version of a document (re-anchors its claims)
    Attach(AttachArgs),
    /// Fill in or correct a source version's metadata
    Set(SetArgs),
}

/// `source attach`.
#[derive(Debug, clap::Args)]
pub struct AttachArgs {
    /// The stored source version (SHA-256 prefix, DOC@N, DOC@latest)
    source: String,
    /// Any version of the document it becomes the latest version of
    #[arg(long, value_name = "DOC")]
    version_of: String,
}

/// `source set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The source version (SHA-256 prefix, DOC@N, DOC@latest)
    source: String,
    /// Title or headline
    #[arg(long)]
    title: Option<String>,
    /// Where it was captured from
    #[arg(long)]
    url: Option<String>,
    /// Who published it
    #[arg(long)]
    publisher: Option<String>,
    /// Who wrote it
    #[arg(long)]
    author: Option<String>,
    /// When it was published (YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    published: Option<String>,
}

/// `source diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The older version (SHA-256 prefix, DOC@N, DOC@latest)
    old: String,
    /// The newer version
    new: String,
    /// Lines of context around each change
    #[arg(long, default_value_t = 3)]
    context: usize,
}

/// `source add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The file to store, or - for standard input
    file: PathBuf,
    /// Title or headline
    #[arg(long)]
    title: Option<String>,
    /// Where it was captured from
    #[arg(long)]
    url: Option<String>,
    /// Who published it
    #[arg(long)]
    publisher: Option<String>,
    /// Who wrote it
    #[arg(long)]
    author: Option<String>,
    /// When it was published (YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    published: Option<String>,
    /// When it was captured (default: now)
    #[arg(long)]
    captured: Option<String>,
    /// Add it as a new version of the document this source version belongs to
    #[arg(long, value_name = "SOURCE")]
    version_of: Option<String>,
    /// The new document's name, typed in DOC@N (default: from the title or file name)
    #[arg(long)]
    name: Option<String>,
}

/// `source show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A SHA-256 prefix (6+ hex digits), DOC@latest or DOC@N
    source: String,
    /// Print the text with line numbers
    #[arg(long)]
    text: bool,
}

/// Runs a source subcommand.
pub fn run(cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Add(args) => add(args, ctx),
        Command::List => list(ctx),
        Command::Show(args) => show(args, ctx),
        Command::Diff(args) => diff(args, ctx),
        Command::Attach(args) => {
            let added = ctx.open()?.attach_source(&args.source, &args.version_of)?;
            report_added(&added, ctx)
        }
        Command::Set(args) => set(args, ctx),
    }
}

fn add(args: AddArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let published = args
        .published
        .as_deref()
        .map(|p| crate::dates::parse_date("--published", p))
        .transpose()?;
    let mut ledger = ctx.open()?;
    let stdin_path = Path::new("<stdin>");
    let input = if args.file.as_os_str() == "-" {
        Input::Reader(Box::new(std::io::stdin().lock()), stdin_path)
    } else {
        Input::File(&args.file)
    };
    let added = ledger.add_source(
        input,
        NewSource {
            meta: SourceMeta {
                title: args.title,
                url: args.url,
                publisher: args.publisher,
                author: args.author,
                published,
            },
            captured: args.captured,
            version_of: args.version_of,
            name: args.name,
            raw_text: false,
        },
    )?;
    report_added(&added, ctx)
}

fn set(args: SetArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let published = args
        .published
        .as_deref()
        .map(|p| crate::dates::parse_date("--published", p))
        .transpose()?;
    let row = ctx.open()?.set_source(
        &args.source,
        SourceMeta {
            title: args.title,
            url: args.url,
            publisher: args.publisher,
            author: args.author,
            published,
        },
    )?;
    ctx.recorded(format!("the metadata of {}@{}", row.document, row.version));
    match ctx.format {
        Format::Json => ctx.emit_json(&row)?,
        _ if ctx.quiet => ctx.emit(&format!("{}\n", row.sha256))?,
        _ => {
            let mut out = format!("{}@{} {}\n", row.document, row.version, short(&row.sha256));
            for (key, value) in [
                ("title", &row.title),
                ("url", &row.url),
                ("publisher", &row.publisher),
                ("author", &row.author),
                ("published", &row.published),
            ] {
                out += &format!(
                    "{key:>11}: {}\n",
                    super::safe::terminal(&or_dash(value.as_deref()))
                );
            }
            ctx.emit(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `source add` or `source attach` did: the SHA-256 on stdout, the rest on stderr.
fn report_added(added: &crate::ledger::SourceAdded, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if added.new {
        ctx.recorded(format!("{}@{}", added.document, added.version));
    }
    match ctx.format {
        Format::Json => ctx.emit_json(added)?,
        _ => {
            ctx.emit(&format!("{}\n", added.sha256))?;
            if added.new {
                ctx.note(&format!(
                    "stored {} bytes ({}) as {}@{}",
                    added.bytes, added.media_type, added.document, added.version
                ));
                match (&added.text_extractor, added.text_layer) {
                    (Some(_), Some(false)) => ctx.note("a PDF with no text layer (a scan?): it can be cited as evidence, but quotes cannot be anchored in it"),
                    (Some(by), _) => ctx.note(&format!("quotes anchor in the text a reader sees, derived by {by}")),
                    (None, _) if added.media_type == crate::extract::mhtml::MEDIA_TYPE => ctx.note("an MHTML archive whose page cannot be read (no text/html root part, or a charset that does not decode): it can be cited as evidence, but quotes cannot be anchored in it"),
                    (None, _) if !added.is_text => ctx.note("not UTF-8 text: it can be cited as evidence, but quotes cannot be anchored in it"),
                    (None, _) => {}
                }
                report_reanchoring(added, ctx);
            } else if added.attached {
                ctx.note(&format!(
                    "attached as {}@{}",
                    super::safe::terminal(&added.document),
                    added.version
                ));
                report_reanchoring(added, ctx);
            } else {
                ctx.note(&format!(
                    "already stored as {}@{}; nothing written",
                    added.document, added.version
                ));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Tells how each earlier claim fares in the new version, one line each and a summary.
fn report_reanchoring(added: &crate::ledger::SourceAdded, ctx: &Ctx) {
    use crate::anchor::State;
    if added.reanchored.is_empty() {
        return;
    }
    for r in &added.reanchored {
        let now = match (r.start, r.end) {
            (Some(s), Some(e)) => format!("{s}..{e}"),
            _ => "—".to_string(),
        };
        let state = if r.punctuation_only {
            "changed (punctuation only)"
        } else {
            r.state.as_str()
        };
        let mut line = format!(
            "  {:<5} {:<9} {}..{} in {} → {}",
            r.claim,
            state,
            r.old_start,
            r.old_end,
            short(&r.from),
            now
        );
        if let (State::Changed, Some(text)) = (r.state, &r.exact) {
            line += &format!(
                "  now: \"{}\"",
                super::safe::terminal(&crate::anchor::one_line(text))
            );
        }
        ctx.note(&line);
    }
    let count = |s: State| added.reanchored.iter().filter(|r| r.state == s).count();
    let punctuation = added
        .reanchored
        .iter()
        .filter(|r| r.punctuation_only)
        .count();
    let of_which = if punctuation > 0 {
        format!(" ({punctuation} in punctuation only)")
    } else {
        String::new()
    };
    ctx.note(&format!(
        "re-anchored {} appearance(s) from earlier versions: {} unchanged, {} moved, {} changed{of_which}, {} missing",
        added.reanchored.len(),
        count(State::Unchanged),
        count(State::Moved),
        count(State::Changed),
        count(State::Missing)
    ));
}

fn diff(args: DiffArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut ledger = ctx.open()?;
    let old = ledger.show_source(&args.old, true)?;
    let new = ledger.show_source(&args.new, true)?;
    let name = |s: &crate::ledger::SourceShown| {
        format!(
            "{}@{} {}",
            s.source.document,
            s.source.version,
            short(&s.source.sha256)
        )
    };
    let (a, b) = (
        old.text.as_deref().unwrap_or(""),
        new.text.as_deref().unwrap_or(""),
    );
    let diff = similar::TextDiff::from_lines(a, b);
    let mut out = diff
        .unified_diff()
        .context_radius(args.context)
        .missing_newline_hint(true)
        .header(&name(&old), &name(&new))
        .to_string();
    if ctx.format == Format::Json {
        ctx.emit_json(&serde_json::json!({
            "old": old.source.sha256,
            "new": new.source.sha256,
            "identical": a == b,
            "diff": out,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if a == b {
        ctx.note("the two versions have the same text");
        return Ok(ExitCode::SUCCESS);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    ctx.emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let sources = ctx.open()?.sources()?;
    if ctx.format == Format::Table && sources.is_empty() {
        ctx.note("no sources yet; add one with `claimledger source add FILE`");
        return Ok(ExitCode::SUCCESS);
    }
    let table = ctx.format == Format::Table && !ctx.wide;
    let rows = sources
        .iter()
        .map(|s| {
            vec![
                format!("{}@{}", s.document, s.version),
                if table {
                    short(&s.sha256).to_string()
                } else {
                    s.sha256.clone()
                },
                s.bytes.to_string(),
                s.media_type.clone(),
                if table {
                    super::output::short_time(&s.captured_at)
                } else {
                    s.captured_at.clone()
                },
                or_dash(s.title.as_deref()),
                or_dash(s.url.as_deref()),
                s.appearances.to_string(),
            ]
        })
        .collect();
    // The DOC@N people type is never cut; the media type, size, URL and then the hash give
    // way first (`source show` has them all).
    ctx.emit_table(
        &sources,
        &[
            Column::new("version", Fit::Whole),
            Column::optional("sha256", Fit::Whole, 0),
            Column::optional("bytes", Fit::Whole, 2),
            Column::optional("type", Fit::Whole, 3),
            Column::new("captured", Fit::Wrap),
            Column::new("title", Fit::Text),
            Column::optional("url", Fit::Text, 1),
            Column::new("quotes", Fit::Whole),
        ],
        rows,
        |_, _| None,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn show(args: ShowArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let shown = ctx.open()?.show_source(&args.source, args.text)?;
    if ctx.format == Format::Json {
        ctx.emit_json(&shown)?;
        return Ok(ExitCode::SUCCESS);
    }
    let s = &shown.source;
    let mut out = String::new();
    if !args.text || !ctx.quiet {
        let fields: [(&str, String); 13] = [
            ("sha256", s.sha256.clone()),
            (
                "document",
                format!("{} (version {} of {})", s.document, s.version, s.versions),
            ),
            ("bytes", s.bytes.to_string()),
            ("type", s.media_type.clone()),
            ("captured", s.captured_at.clone()),
            ("file", or_dash(s.origin.as_deref())),
            ("url", or_dash(s.url.as_deref())),
            ("title", or_dash(s.title.as_deref())),
            ("publisher", or_dash(s.publisher.as_deref())),
            ("author", or_dash(s.author.as_deref())),
            ("published", or_dash(s.published.as_deref())),
            ("quotes", s.appearances.to_string()),
            (
                "bytes check",
                if shown.bytes_ok {
                    "ok: the stored bytes hash to this name".to_string()
                } else {
                    "FAILED: the stored bytes no longer hash to this name".to_string()
                },
            ),
        ];
        for (key, value) in fields {
            out += &format!("{key:>11}: {value}\n");
        }
        if let Some(by) = &shown.text_derived_by {
            out += &format!("{:>11}: the text a reader sees, derived by {by}\n", "text");
        }
    }
    if let Some(text) = &shown.text {
        if !out.is_empty() {
            out.push('\n');
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let width = lines.len().to_string().len();
        for (i, line) in lines.iter().enumerate() {
            out += &format!("{:>width$} │ {}\n", i + 1, line.trim_end_matches('\r'));
        }
    }
    ctx.emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
