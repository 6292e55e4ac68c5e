//! `claimledger status set|list`: status events and the vocabulary.

use std::process::ExitCode;

use super::output::or_dash;
use super::table::{Column, Fit};
use super::{Ctx, Format};
use crate::ledger::{NewStatus, Targets};

/// Status subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a status event for one or more claims ("denied --by Kyiv")
    #[command(
        after_help = "Examples:\n  claimledger status set C3 denied --by Kyiv --note \"statement on Telegram\"\n  claimledger status set C1 C2 C5 unconfirmed\n  claimledger status set --all-matching --claimant \"Russian MOD\" --status unverified \\\n      unconfirmed"
    )]
    Set(Box<SetArgs>),
    /// Define one of this ledger's own statuses (a newsroom's scale, an import's labels)
    Define(DefineArgs),
    /// The status vocabulary
    List,
}

/// `status define`.
#[derive(Debug, clap::Args)]
pub struct DefineArgs {
    /// The name people type (one word, e.g. mostly-false)
    name: String,
    /// The phrase people read ("mostly false")
    #[arg(long)]
    label: String,
    /// The status names a party, given with --by ("refuted by the ministry")
    #[arg(long)]
    takes_party: bool,
    /// The ClaimReview rating it maps to (alternateName, e.g. "Mostly False")
    #[arg(long)]
    rating: Option<String>,
}

/// `status set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The claim ids (C1 C2 ...) then the status name or label; with --all-matching, only
    /// the status
    #[arg(required = true, value_name = "CLAIM... STATUS")]
    items: Vec<String>,
    /// Set the status on every claim the filters below match (as `list` would show them)
    #[arg(long)]
    all_matching: bool,
    #[command(flatten)]
    filters: super::list::Filters,
    /// The party the status names (required by statuses that take one, such as denied)
    #[arg(long)]
    by: Option<String>,
    /// Evidence: a source version (SHA-256 prefix, DOC@latest or DOC@N)
    #[arg(long)]
    evidence: Option<String>,
    /// A quote in the evidence, anchored like a claim's (- reads it from standard input)
    #[arg(long, requires = "evidence")]
    quote: Option<String>,
    /// Which occurrence of the evidence quote
    #[arg(long, value_name = "N", requires = "quote")]
    occurrence: Option<usize>,
    /// A note
    #[arg(long)]
    note: Option<String>,
}

/// Runs a status subcommand.
pub fn run(mut cmd: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if let Command::Set(args) = &mut cmd {
        super::claim::stdin_values([("--quote", args.quote.as_mut()), ("", None)])?;
    }
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Set(args) => {
            let mut args = *args;
            let status = args.items.pop().expect("clap requires one item");
            let looks_like_claim = |t: &str| crate::claim::parse_id(t).is_ok();
            let targets = if args.all_matching {
                if !args.items.is_empty() {
                    return Err(usage(
                        "with --all-matching give only the status; the filters pick the claims",
                    ));
                }
                if args.filters.is_empty() {
                    return Err(usage(
                        "--all-matching needs at least one filter (such as --status unverified or --claimant NAME), so that a forgotten filter cannot change every claim",
                    ));
                }
                Targets::Matching(args.filters.query(Default::default()))
            } else {
                if !args.filters.is_empty() {
                    return Err(usage(
                        "filters pick claims only with --all-matching; add it, or name the claims",
                    ));
                }
                if args.items.is_empty() {
                    return Err(usage(
                        "give the claims and then the status, as in: claimledger status set C1 denied --by Kyiv",
                    ));
                }
                if looks_like_claim(&status) && !args.items.iter().all(|i| looks_like_claim(i)) {
                    return Err(usage(format!(
                        "the status comes last, after the claims: claimledger status set {status} {}",
                        args.items.join(" ")
                    )));
                }
                Targets::Ids(args.items)
            };
            let single = matches!(&targets, Targets::Ids(ids) if ids.len() == 1);
            let recorded = ledger.set_status_many(
                &targets,
                NewStatus {
                    status,
                    by: args.by,
                    evidence: args.evidence,
                    quote: args.quote,
                    occurrence: args.occurrence,
                    note: args.note,
                },
            )?;
            let ids: Vec<&str> = recorded.iter().map(|r| r.id.as_str()).collect();
            ctx.recorded(format!("the status of {}", ids.join(", ")));
            for name in recorded.iter().flat_map(|r| &r.new_parties) {
                ctx.note(&format!("new party '{name}'"));
            }
            match ctx.format {
                // One named claim gives one object; several, or --all-matching, an array
                // (so a script's shape does not depend on how many claims matched).
                Format::Json if single => ctx.emit_json(&recorded[0])?,
                Format::Json => ctx.emit_json(&recorded)?,
                _ if ctx.quiet => {}
                _ => {
                    let mut out = String::new();
                    for r in &recorded {
                        out += &format!("{}  {}\n", r.id, r.status_label);
                    }
                    ctx.emit(&out)?;
                    if recorded.len() > 1 {
                        ctx.note(&format!("set on {} claims", recorded.len()));
                    }
                }
            }
        }
        Command::Define(args) => {
            let status =
                ledger.define_status(&args.name, &args.label, args.takes_party, args.rating)?;
            ctx.recorded(format!("status {}", status.name));
            match ctx.format {
                Format::Json => ctx.emit_json(&status)?,
                _ if ctx.quiet => {}
                _ => ctx.emit(&format!(
                    "defined status {}: \"{}\"{}\n",
                    status.name,
                    status.label,
                    if status.takes_party {
                        ", takes --by"
                    } else {
                        ""
                    }
                ))?,
            }
        }
        Command::List => {
            let statuses = ledger.statuses()?;
            let rows = statuses
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.label.clone(),
                        if s.takes_party { "yes" } else { "no" }.to_string(),
                        or_dash(s.rating.as_deref()),
                        if s.builtin { "built in" } else { "this ledger" }.to_string(),
                    ]
                })
                .collect();
            ctx.emit_table(
                &statuses,
                &[
                    Column::new("status", Fit::Whole),
                    Column::new("label", Fit::Wrap),
                    Column::new("takes --by", Fit::Whole),
                    Column::new("rating", Fit::Text),
                    Column::new("from", Fit::Wrap),
                ],
                rows,
                |i, text| {
                    if i == 0 {
                        super::output::status_color(text)
                    } else {
                        None
                    }
                },
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn usage(message: impl Into<String>) -> anyhow::Error {
    crate::Error::Usage(message.into()).into()
}
