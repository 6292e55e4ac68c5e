//! The command line: argument parsing, dispatch, and rendering results.
//!
//! One module per command; each has an `Args` (clap derive) and a `run` that calls the
//! library and renders what it returns. Data goes to stdout, messages to stderr. Errors
//! print as `error: ...` with any details and causes under it, and map to the exit codes
//! of SPEC §4: 0 success, 1 error (nothing written), 2 usage, 3 a check failed, and one of
//! our own: 4 ([`EXIT_RECORDED`]) when a change was committed but something after it failed
//! (printing the result to a full stdout): a retry would record it twice. A closed pipe on
//! stdout (`claimledger log | head`) ends the program quietly; a closed or full stderr is
//! ignored (never a panic).
//!
//! Everything printed for people goes through [`safe::terminal`] in [`output`]; CSV cells
//! through [`safe::spreadsheet`]. Commands never escape text themselves.

mod audit;
mod checkpoint;
mod claim;
mod completions;
mod export;
mod import;
mod import_bundle;
mod init;
mod key;
mod list;
mod log;
mod output;
mod party;
mod proof;
mod report;
pub mod safe;
mod serve;
mod source;
mod status;
mod summary;
mod table;
mod user;
mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

pub use output::Ctx;

/// claimledger: a ledger for fact-checkers.
///
/// Records claims found in sources, who made them and through whom they reached the page,
/// and their verification status over time; every source is stored byte-exact under its
/// SHA-256 and every change is journaled.
#[derive(Debug, Parser)]
#[command(
    name = "claimledger",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes (shown after each command's own, under their own heading).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Global options")]
struct Global {
    /// The ledger file
    #[arg(
        long,
        env = "CLAIMLEDGER_DB",
        default_value = "claimledger.db",
        global = true
    )]
    db: PathBuf,
    /// Who is recording (default: your login name)
    #[arg(
        long = "as",
        value_name = "NAME",
        env = "CLAIMLEDGER_USER",
        global = true
    )]
    actor: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    format: Format,
    /// Shorthand for --format json
    #[arg(long, global = true, conflicts_with = "csv")]
    json: bool,
    /// Shorthand for --format csv
    #[arg(long, global = true)]
    csv: bool,
    /// Print only ids and hashes (or nothing) on success
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Tables: print every cell whole, wrapping long ones, instead of cutting them to fit
    #[arg(long, global = true)]
    wide: bool,
    /// When to use colour (auto honours NO_COLOR; always wins over it)
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text and tables for people
    Table,
    /// JSON for scripts
    Json,
    /// CSV for spreadsheets
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new ledger (refuses if the file exists)
    Init(init::Args),
    /// Store source documents and look at them
    #[command(subcommand)]
    Source(source::Command),
    /// Name parties (claimants, conduits, deniers) and their aliases
    #[command(subcommand)]
    Party(party::Command),
    /// Record claims anchored in sources
    #[command(subcommand)]
    Claim(claim::Command),
    /// Set a claim's status, or see the status vocabulary
    #[command(subcommand)]
    Status(status::Command),
    /// The status table: claims, who made them, where they stand
    List(list::Args),
    /// Claims counted by status and by claimant
    Summary(summary::Args),
    /// A claim's full provenance
    Audit(audit::Args),
    /// Journal entries, newest first
    Log(log::Args),
    /// Record and print the journal's checkpoint (C2SP tlog-checkpoint), optionally signed
    Checkpoint(checkpoint::Args),
    /// Make the key pair that signs checkpoints
    #[command(subcommand)]
    Key(key::Command),
    /// Inclusion and consistency proofs of a claim's entries; `proof check` verifies them
    Proof(proof::Args),
    /// Check everything: sources, appearances, journal, Merkle tree, checkpoints, tables
    Verify(verify::Args),
    /// The ledger in formats other programs read (ClaimReview, Web Annotation, PROV, bundle)
    #[command(subcommand)]
    Export(export::Command),
    /// The status table and each claim's provenance as one self-contained HTML page
    Report(report::Args),
    /// Bring records in: claims from a tracking sheet or a fact-check feed (each anchored to
    /// its cell), or a whole ledger from a bundle
    #[command(subcommand)]
    Import(import::Command),
    /// The accounts of a team server: add one (prints its API token), list, revoke
    #[command(subcommand)]
    User(user::Command),
    /// Run the team server: the JSON API and the web pages, for many accounts at once
    Serve(serve::Args),
    /// Print shell completions (bash, zsh, fish, powershell, elvish)
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff)
    Man(completions::ManArgs),
}

/// The exit code when a change was recorded but something after it failed (most often,
/// printing the result to a full or closed stdout): the change is in the ledger, so a
/// script must not retry it.
pub const EXIT_RECORDED: u8 = 4;

/// Runs the program with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let actor = match cli.global.actor.filter(|a| !a.trim().is_empty()) {
        Some(actor) => match crate::party::check_name("--as", &actor) {
            Ok(()) => actor,
            Err(e) => return clap_usage(&e.to_string()),
        },
        None => login_name(),
    };
    let mut ctx = Ctx::new(
        cli.global.db,
        actor,
        if cli.global.json {
            Format::Json
        } else if cli.global.csv {
            Format::Csv
        } else {
            cli.global.format
        },
        cli.global.quiet,
        color_choice(cli.global.color),
    );
    ctx.wide = cli.global.wide;
    if let Some(refusal) = unsupported_format(&cli.command, ctx.format) {
        ctx.report_error(&crate::Error::Usage(refusal).into(), "");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Init(args) => init::run(args, &ctx),
        Command::Source(cmd) => source::run(cmd, &ctx),
        Command::Party(cmd) => party::run(cmd, &ctx),
        Command::Claim(cmd) => claim::run(cmd, &ctx),
        Command::Status(cmd) => status::run(cmd, &ctx),
        Command::List(args) => list::run(args, &ctx),
        Command::Summary(args) => summary::run(args, &ctx),
        Command::Audit(args) => audit::run(args, &ctx),
        Command::Log(args) => log::run(args, &ctx),
        Command::Checkpoint(args) => checkpoint::run(args, &ctx),
        Command::Key(cmd) => key::run(cmd, &ctx),
        Command::Proof(args) => proof::run(args, &ctx),
        Command::Verify(args) => verify::run(args, &ctx),
        Command::Export(cmd) => export::run(cmd, &ctx),
        Command::Import(cmd) => import::run(cmd, &ctx),
        Command::Report(args) => report::run(args, &ctx),
        Command::User(cmd) => user::run(cmd, &ctx),
        Command::Serve(args) => serve::run(args, &ctx),
        Command::Completions(args) => completions::completions(args, &ctx),
        Command::Man(args) => completions::man(args, &ctx),
    };
    match result {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let recorded = ctx
                .recorded_what()
                .or_else(|| crate::store::committed_a_change().then(|| "the change".to_string()));
            if let Some(what) = recorded {
                let output = matches!(
                    e.downcast_ref::<crate::Error>(),
                    Some(crate::Error::Output(_))
                );
                let then = if output {
                    "could not print the result"
                } else {
                    "then failed"
                };
                ctx.report_error(&e, &format!("recorded {what}, but {then}: "));
                return ExitCode::from(EXIT_RECORDED);
            }
            ctx.report_error(&e, "");
            ExitCode::from(
                e.downcast_ref::<crate::Error>()
                    .map_or(1, crate::Error::exit_code),
            )
        }
    }
}

/// Why `format` cannot be honoured by `command`, if it cannot: a format flag that would be
/// ignored is refused (exit 2) before anything runs, so a command that writes never writes
/// and then fails to print. Commands not named here print their tables as CSV; a command
/// that does not, and is missed here, still refuses in [`Ctx::emit`].
fn unsupported_format(command: &Command, format: Format) -> Option<String> {
    let name = match command {
        Command::Completions(_) | Command::Man(_) if format == Format::Table => return None,
        Command::Completions(_) => "completions",
        Command::Man(_) => "man",
        _ if format != Format::Csv => return None,
        Command::Init(_) => "init",
        Command::Source(source::Command::List) => return None,
        Command::Source(_) => "source (other than source list)",
        Command::Party(party::Command::List | party::Command::Show(_)) => return None,
        Command::Party(_) => "party (other than party list and party show)",
        Command::Claim(_) => "claim",
        Command::Status(status::Command::List) => return None,
        Command::Status(_) => "status (other than status list)",
        Command::Audit(_) => "audit",
        Command::Checkpoint(_) => "checkpoint",
        Command::Key(_) => "key",
        Command::Proof(_) => "proof",
        Command::Verify(_) => "verify",
        Command::Export(_) => "export",
        Command::Import(_) => "import",
        Command::Report(_) => "report",
        Command::User(user::Command::List) => return None,
        Command::User(_) => "user (other than user list)",
        Command::Serve(_) => "serve",
        _ => return None,
    };
    Some(match format {
        Format::Csv => format!(
            "`{name}` does not print CSV (only tables do: list, summary, log, source list, party list, party show, status list); use --json, or leave out --csv"
        ),
        _ => format!("`{name}` prints only its own format; leave out --json/--format"),
    })
}

/// Prints clap's message (help and version to stdout, errors to stderr) and gives its exit
/// code. Errors echo what was typed, so they are rendered plain and through
/// [`safe::terminal`]; a closed or full stream is ignored.
fn clap_error(e: &clap::Error) -> ExitCode {
    use std::io::Write;
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let text = e.render().to_string();
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(safe::terminal(&text).as_bytes());
    let _ = err.flush();
    ExitCode::from(2)
}

/// A usage error found after parsing, printed like clap's own (exit code 2).
fn clap_usage(message: &str) -> ExitCode {
    let e = Cli::command().error(clap::error::ErrorKind::InvalidValue, message);
    clap_error(&e)
}

/// Whether to colour (stdout, stderr).
fn color_choice(choice: Color) -> (bool, bool) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        Color::Always => (true, true),
        Color::Never => (false, false),
        Color::Auto if no_color => (false, false),
        Color::Auto => (
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
        ),
    }
}

/// The login name: $USER or $LOGNAME, else the passwd entry of the process's user.
fn login_name() -> String {
    if let Some(name) = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
    {
        return name;
    }
    passwd_name().unwrap_or_else(|| "unknown".to_string())
}

#[cfg(unix)]
fn passwd_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_string())
    })
}

#[cfg(not(unix))]
fn passwd_name() -> Option<String> {
    None
}
