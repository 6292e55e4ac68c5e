//! `claimledger claim add|cite|amend|withdraw|restore|uncite`: record claims anchored in
//! sources, and correct them.

use std::process::ExitCode;

use super::safe::terminal;
use super::{Ctx, Format};
use crate::anchor::Options;
use crate::claim::Amendment;
use crate::ledger::{ClaimRecorded, Corrected, NewClaim, NewStatus};
use crate::source::short;

/// Claim subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a claim: a quote anchored in a source, its claimant and conduits
    #[command(
        after_help = "Examples:\n  claimledger claim add --source report@latest --claimant \"district council\" \\\n      --quote \"Three civilians were killed\"\n  claimledger claim add --source 3fa2c1 --claimant \"a senior official\" --via \"The Courier\" \\\n      --quote \"approved at the highest level\" --said 2026-03-03\n  claimledger claim add --source report@1 --claimant \"the MoD\" \\\n      --quote \"a precision strike\" --status denied --by Valtrane"
    )]
    Add(AddArgs),
    /// Record another appearance of a claim (the same claim in another place)
    Cite(CiteArgs),
    /// Correct a claim's statement, claimant, conduits or date said
    Amend(AmendArgs),
    /// Withdraw a claim logged by mistake or a duplicate (it leaves the tables)
    Withdraw(ReasonArgs),
    /// Restore a withdrawn claim
    Restore(ReasonArgs),
    /// Take back an appearance recorded by mistake (undoes a wrong `claim cite`)
    Uncite(UnciteArgs),
}

/// `claim amend`.
#[derive(Debug, clap::Args)]
pub struct AmendArgs {
    /// The claim id (C1, C2, ...)
    claim: String,
    /// The corrected wording of the claim
    #[arg(long)]
    statement: Option<String>,
    /// The right claimant (any name or alias; a new name creates a party)
    #[arg(long)]
    claimant: Option<String>,
    /// The whole corrected conduit chain, in order, outermost last (repeatable)
    #[arg(long = "via", value_name = "PARTY", conflicts_with = "no_via")]
    via: Vec<String>,
    /// The claim reached the page through nobody: remove its conduits
    #[arg(long)]
    no_via: bool,
    /// When it was said (YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    said: Option<String>,
    /// Why (recorded in the journal and shown by `audit`)
    #[arg(long)]
    reason: String,
}

/// `claim withdraw` and `claim restore`.
#[derive(Debug, clap::Args)]
pub struct ReasonArgs {
    /// The claim id (C1, C2, ...)
    claim: String,
    /// Why (recorded in the journal and shown by `audit`)
    #[arg(long)]
    reason: String,
}

/// `claim uncite`.
#[derive(Debug, clap::Args)]
pub struct UnciteArgs {
    /// The claim id (C1, C2, ...)
    claim: String,
    /// Which appearance, by its number in `claimledger audit CLAIM` (1, 2, ...)
    appearance: String,
    /// Why (recorded in the journal and shown by `audit`)
    #[arg(long)]
    reason: String,
}

/// `claim add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The source version: a SHA-256 prefix (6+ hex digits), DOC@latest or DOC@N
    #[arg(long)]
    source: String,
    /// The claim's words as they appear in the source (- reads them from standard input);
    /// `...` or `…` between fragments elides words
    #[arg(long)]
    quote: String,
    /// Who made the claim (any name or alias; a new name creates a party)
    #[arg(long)]
    claimant: String,
    /// Through whom it reached the page, in order, outermost last (repeatable)
    #[arg(long = "via", value_name = "PARTY")]
    via: Vec<String>,
    /// Your own wording of the claim (- reads it from standard input; default: the quote as
    /// found, without surrounding quotation marks)
    #[arg(long)]
    statement: Option<String>,
    /// When it was said (YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    said: Option<String>,
    /// A first status (see `claimledger status list`)
    #[arg(long)]
    status: Option<String>,
    /// The party the status names ("denied --by Kyiv")
    #[arg(long, requires = "status")]
    by: Option<String>,
    /// Evidence for the status: a source version
    #[arg(long, requires = "status")]
    evidence: Option<String>,
    /// A note on the status
    #[arg(long, requires = "status")]
    note: Option<String>,
    /// Which occurrence, when the quote occurs more than once (1, 2, ...)
    #[arg(long, value_name = "N")]
    occurrence: Option<usize>,
    /// Record it even though the same claimant already has a claim on this very quote
    #[arg(long)]
    duplicate: bool,
    /// Accept a quote that starts or ends inside a word ("Kreml" in "Kremlin")
    #[arg(long)]
    partial_word: bool,
}

/// `claim cite`.
#[derive(Debug, clap::Args)]
pub struct CiteArgs {
    /// The claim id (C1, C2, ...)
    claim: String,
    /// The source version: a SHA-256 prefix, DOC@latest or DOC@N
    #[arg(long)]
    source: String,
    /// The claim's words as they appear in that source (- reads them from standard input)
    #[arg(long)]
    quote: String,
    /// Which occurrence, when the quote occurs more than once
    #[arg(long, value_name = "N")]
    occurrence: Option<usize>,
    /// Accept a quote that starts or ends inside a word
    #[arg(long)]
    partial_word: bool,
}

/// Reads the value of an option given as `-` from standard input, once: as UTF-8 text
/// without its final line break. Other values are returned as they are. `--quote -` and
/// `--statement -` cannot both read it.
pub fn stdin_values(values: [(&str, Option<&mut String>); 2]) -> anyhow::Result<()> {
    let wanted: Vec<&str> = values
        .iter()
        .filter(|(_, v)| v.as_deref().is_some_and(|v| v == "-"))
        .map(|(name, _)| *name)
        .collect();
    if wanted.len() > 1 {
        return Err(crate::error::Error::Usage(format!(
            "only one option can read standard input, not both {}; give the other one as text",
            wanted.join(" and ")
        ))
        .into());
    }
    for (name, value) in values {
        if let Some(value) = value.filter(|v| *v == "-") {
            *value = read_stdin(name)?;
        }
    }
    Ok(())
}

fn read_stdin(option: &str) -> anyhow::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|source| crate::error::Error::ReadFile {
            path: "<stdin>".into(),
            source,
        })?;
    let mut text = String::from_utf8(bytes).map_err(|_| {
        crate::error::Error::Usage(format!(
            "{option} -: standard input is not UTF-8 text; convert it first"
        ))
    })?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// Runs a claim subcommand.
pub fn run(mut cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match &mut cmd {
        Command::Add(args) => stdin_values([
            ("--quote", Some(&mut args.quote)),
            ("--statement", args.statement.as_mut()),
        ])?,
        Command::Cite(args) => stdin_values([("--quote", Some(&mut args.quote)), ("", None)])?,
        Command::Amend(args) => {
            stdin_values([("--statement", args.statement.as_mut()), ("", None)])?
        }
        Command::Withdraw(_) | Command::Restore(_) | Command::Uncite(_) => {}
    }
    let mut ledger = ctx.open()?;
    let recorded = match cmd {
        Command::Add(args) => ledger.add_claim(NewClaim {
            source: args.source,
            quote: args.quote,
            occurrence: args.occurrence,
            partial_word: args.partial_word,
            claimant: args.claimant,
            via: args.via,
            statement: args.statement,
            said: args.said,
            status: args.status.map(|status| NewStatus {
                status,
                by: args.by,
                evidence: args.evidence,
                quote: None,
                occurrence: None,
                note: args.note,
            }),
            duplicate: args.duplicate,
        })?,
        Command::Cite(args) => ledger.cite_claim(
            &args.claim,
            &args.source,
            &args.quote,
            &Options {
                occurrence: args.occurrence,
                partial_word: args.partial_word,
            },
        )?,
        Command::Amend(args) => {
            let amendment = Amendment {
                statement: args.statement,
                claimant: args.claimant,
                via: if args.no_via {
                    Some(Vec::new())
                } else if args.via.is_empty() {
                    None
                } else {
                    Some(args.via)
                },
                said: args.said,
            };
            let done = ledger.amend_claim(&args.claim, amendment, &args.reason)?;
            return print_corrected(&done, ctx);
        }
        Command::Withdraw(args) => {
            let done = ledger.withdraw_claim(&args.claim, &args.reason)?;
            return print_corrected(&done, ctx);
        }
        Command::Restore(args) => {
            let done = ledger.restore_claim(&args.claim, &args.reason)?;
            return print_corrected(&done, ctx);
        }
        Command::Uncite(args) => {
            let done = ledger.uncite_claim(&args.claim, &args.appearance, &args.reason)?;
            return print_corrected(&done, ctx);
        }
    };
    print_recorded(&recorded, ctx)?;
    Ok(ExitCode::SUCCESS)
}

fn print_recorded(r: &ClaimRecorded, ctx: &Ctx) -> anyhow::Result<()> {
    ctx.recorded(&r.id);
    for name in &r.new_parties {
        ctx.note(&format!(
            "new party '{name}' (say what it is with `claimledger party set \"{name}\" --kind K`)"
        ));
    }
    for (id, claimant) in &r.same_quote {
        ctx.note(&format!(
            "{id} has the same quote, by {}; if that is the same party, fix this claim with `claimledger claim amend` or withdraw it with `claimledger claim withdraw {} --reason TEXT`",
            terminal(claimant),
            r.id
        ));
    }
    match ctx.format {
        Format::Json => ctx.emit_json(r),
        // The id is the data (stdout); what was recorded is a message (stderr, -q silences).
        _ => {
            ctx.emit(&format!("{}\n", r.id))?;
            let mut out = format!("{}  {}\n", ctx.paint_message(&r.id, "1"), r.statement);
            let mut who = r.claimant.clone();
            for conduit in &r.via {
                who += &format!(" via {conduit}");
            }
            out += &format!("    claimant: {who}\n");
            for a in &r.appearances {
                out += &format!(
                    "    anchored: {} line {}:{}, code points {}..{}{}\n",
                    short(&a.source),
                    a.line,
                    a.column,
                    a.start,
                    a.end,
                    if a.normalized {
                        " (normalized match)"
                    } else {
                        ""
                    }
                );
                if let Some(fragments) = &a.fragments {
                    out += &format!(
                        "    elided: {} fragments, from the first to the last\n",
                        fragments.len()
                    );
                }
            }
            out += &format!("    status: {}", r.status_label);
            ctx.note(&out);
            Ok(())
        }
    }
}

/// What a correction did: the claim and each change, before → after.
fn print_corrected(c: &Corrected, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    for name in &c.new_parties {
        ctx.note(&format!(
            "new party '{}' (say what it is with `claimledger party set \"{}\" --kind K`)",
            terminal(name),
            terminal(name)
        ));
    }
    match ctx.format {
        Format::Json => ctx.emit_json(c)?,
        _ if ctx.quiet => ctx.emit(&format!("{}\n", c.id))?,
        _ => {
            let what = super::audit::correction_verb(&c.correction.kind);
            let mut out = format!("{}  {what}\n", ctx.paint(&c.id, "1"));
            for change in &c.correction.changes {
                out += &format!("    {}\n", super::audit::change_line(change));
            }
            out += &format!("    reason: {}\n", terminal(&c.correction.reason));
            out += &format!("    journal entry #{}\n", c.correction.seq);
            ctx.emit(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
