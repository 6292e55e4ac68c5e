//! `claimledger audit`: one claim's provenance, end to end.

use std::process::ExitCode;

use super::output::or_dash;
use super::{Ctx, Format};
use crate::anchor::one_line;
use crate::ledger::Audit;
use crate::source::short;

/// A claim's full provenance: where it appears, whether the bytes still check out, its
/// status history and the journal entries behind it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The claim id (C1, C2, ...)
    claim: String,
}

/// Runs `audit`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let audit = ctx.open()?.audit(&args.claim)?;
    match ctx.format {
        Format::Json => ctx.emit_json(&audit)?,
        _ => ctx.emit(&render(&audit, ctx))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn ok(ctx: &Ctx, good: bool, yes: &str, no: &str) -> String {
    if good {
        ctx.paint(yes, "32")
    } else {
        ctx.paint(no, "1;31")
    }
}

fn render(a: &Audit, ctx: &Ctx) -> String {
    let c = &a.claim;
    let mut out = format!("{}  {}\n", ctx.paint(&c.id, "1"), c.statement);
    let mut chain = c.claimant.clone();
    for conduit in &c.via {
        chain += &format!(" via {conduit}");
    }
    out += &format!("  claimed by  {chain}\n");
    out += &format!("  said        {}\n", or_dash(c.said.as_deref()));
    out += &format!("  status      {}\n", c.status_label);

    out += &format!("\n{}\n", ctx.paint("Appearances", "1"));
    for (i, ap) in a.appearances.iter().enumerate() {
        let s = &ap.source_info;
        let a_ = &ap.appearance;
        out += &format!(
            "  {}. {}@{}  sha256 {}\n",
            i + 1,
            s.document,
            s.version,
            s.sha256
        );
        if let Some(title) = &s.title {
            out += &format!("     title     {title}\n");
        }
        if let Some(url) = &s.url {
            out += &format!("     url       {url}\n");
        }
        out += &format!("     captured  {}\n", s.captured_at);
        out += &format!(
            "     at        line {}:{}, code points {}..{}{}\n",
            ap.line,
            ap.column,
            a_.start,
            a_.end,
            if a_.normalized {
                " (normalized match)"
            } else {
                ""
            }
        );
        out += &format!(
            "     quote     …{}[{}]{}…\n",
            one_line(&a_.prefix),
            one_line(&a_.exact),
            one_line(&a_.suffix)
        );
        out += &format!(
            "     bytes     {}\n",
            ok(
                ctx,
                ap.bytes_ok,
                "ok: the stored bytes still hash to this SHA-256",
                "FAILED: the stored bytes no longer hash to this SHA-256"
            )
        );
        out += &format!(
            "     span      {}\n",
            ok(
                ctx,
                ap.span_ok,
                "ok: the stored text at these code points is the quote",
                "FAILED: the stored text at these code points is not the recorded quote"
            )
        );
    }

    out += &format!(
        "\n{}\n",
        ctx.paint("The quote in every version of its document", "1")
    );
    for (i, ap) in a.appearances.iter().enumerate() {
        for v in a
            .versions
            .iter()
            .filter(|v| v.appearance == ap.appearance.id)
        {
            let span = match (v.start, v.end) {
                (Some(s), Some(e)) => format!("{s}..{e}"),
                _ => "—".to_string(),
            };
            let state = if v.recorded_here {
                "recorded here".to_string()
            } else {
                v.state.clone()
            };
            let mut line = format!(
                "  {}. {}@{}  {}  {:<13} {}",
                i + 1,
                ap.source_info.document,
                v.version,
                short(&v.sha256),
                state,
                span
            );
            if let Some(text) = &v.exact {
                line += &format!("  now: \"{}\"", one_line(text));
            }
            out += &line;
            out.push('\n');
        }
    }

    out += &format!("\n{}\n", ctx.paint("Status history", "1"));
    if a.history.is_empty() {
        out += "  no status set: unverified\n";
    }
    for e in &a.history {
        out += &format!(
            "  {}  {}  (recorded by {}, entry #{})\n",
            e.time, e.label, e.actor, e.seq
        );
        if let Some(evidence) = &e.evidence {
            let quote = e
                .evidence_quote
                .as_deref()
                .map(|q| format!(": \"{}\"", one_line(q)))
                .unwrap_or_default();
            out += &format!("      evidence {}{quote}\n", short(evidence));
        }
        if let Some(note) = &e.note {
            out += &format!("      note     {note}\n");
        }
    }

    out += &format!("\n{}\n", ctx.paint("Journal entries", "1"));
    for e in &a.entries {
        out += &format!(
            "  #{:<5} {}  {:<11} {:<12} sha256 {}  {}\n",
            e.seq,
            e.time,
            e.kind,
            e.actor,
            e.hash,
            ok(ctx, e.hash_ok, "ok", "HASH MISMATCH")
        );
    }
    out
}
