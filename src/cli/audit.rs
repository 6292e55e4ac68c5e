//! `claimledger audit`: one claim's provenance, end to end.

use std::process::ExitCode;

use super::safe::terminal;
use super::{Ctx, Format};
use crate::anchor::one_line;
use crate::ledger::{Audit, Change};
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
    if c.withdrawn_seq.is_some() {
        let why = a
            .corrections
            .iter()
            .rev()
            .find(|k| k.kind == "claim.withdraw")
            .map(|k| format!(": {}", terminal(&k.reason)))
            .unwrap_or_default();
        out += &format!(
            "  {}{why}\n",
            ctx.paint("WITHDRAWN (not in list or summary)", "1;31")
        );
    }

    // Who said it, and through whom it reached the page.
    let mut who = c.claimant.clone();
    if let Some(typed) = c.claimant_as.as_deref().filter(|t| *t != c.claimant) {
        who += &format!(" (named \"{typed}\")");
    }
    for conduit in &c.via {
        who += &format!(" → via {conduit}");
    }
    out += &format!("  {who}\n");
    let said = c
        .said
        .as_deref()
        .map(|d| format!("said {d} · "))
        .unwrap_or_default();
    out += &format!("  {said}now {}\n", ctx.paint(&c.status_label, "1"));
    if let Some(i) = &a.imported {
        out += &imported_line(i);
    }

    // Where: each source version, the span, and whether the bytes still check out.
    for (i, ap) in a.appearances.iter().enumerate() {
        let s = &ap.source_info;
        let x = &ap.appearance;
        let title = s
            .title
            .as_deref()
            .map(|t| format!("\"{t}\" "))
            .unwrap_or_default();
        out += &format!(
            "\n{} in {title}{}@{}, captured {}\n",
            ctx.paint(&format!("{}.", i + 1), "1"),
            s.document,
            s.version,
            s.captured_at
        );
        if let Some(url) = &s.url {
            out += &format!("   {url}\n");
        }
        out += &format!(
            "   sha256 {}  {}\n",
            s.sha256,
            ok(
                ctx,
                ap.bytes_ok,
                "bytes check out",
                "BYTES DO NOT MATCH THIS HASH"
            )
        );
        if let Some(i) = a.imported.as_ref().filter(|i| i.source == x.source) {
            out += &cell_line(i);
        }
        out += &format!(
            "   {}line {}:{}, code points {}..{}{}  {}\n",
            ap.page.map(|p| format!("page {p}, ")).unwrap_or_default(),
            ap.line,
            ap.column,
            x.start,
            x.end,
            if x.normalized {
                " (normalized match)"
            } else {
                ""
            },
            ok(
                ctx,
                ap.span_ok,
                "quote is there",
                "QUOTE IS NOT AT THIS SPAN"
            )
        );
        out += &format!(
            "   …{}[{}]{}…\n",
            one_line(&x.prefix),
            ctx.paint(&one_line(&x.exact), "1"),
            one_line(&x.suffix)
        );
        if let Some(fragments) = &x.fragments {
            out += &format!("   elided: \"{}\"\n", elided(x, fragments));
        }
        if let Some(m) = &ap.markup {
            out += &format!(
                "   markup {} {} .. {} {}\n   in {}\n",
                m.start_xpath,
                m.start_offset,
                m.end_xpath,
                m.end_offset,
                one_line(&m.context)
            );
        }
        for v in a
            .versions
            .iter()
            .filter(|v| v.appearance == x.id && !v.recorded_here)
        {
            let span = match (v.start, v.end) {
                (Some(s), Some(e)) => format!(" at {s}..{e}"),
                _ => String::new(),
            };
            let now = v
                .exact
                .as_deref()
                .map(|t| format!(": \"{}\"", one_line(t)))
                .unwrap_or_default();
            let punctuation = v.state == "changed"
                && v.exact
                    .as_deref()
                    .is_some_and(|e| crate::anchor::punctuation_only(&x.exact, e));
            out += &format!(
                "   in {}@{} ({}): {}{}{span}{now}\n",
                s.document,
                v.version,
                short(&v.sha256),
                v.state,
                if punctuation {
                    " (punctuation only)"
                } else {
                    ""
                }
            );
        }
    }

    // What has been said about it since.
    out += &format!("\n{}\n", ctx.paint("Status", "1"));
    if a.history.is_empty() {
        out += "  no status set yet: unverified\n";
    }
    for e in &a.history {
        out += &format!(
            "  {}  {}, recorded by {} (#{})\n",
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
            out += &format!("      note: {note}\n");
        }
    }

    // Corrections: what changed, who, when, why.
    if !a.corrections.is_empty() || !a.removed_appearances.is_empty() {
        out += &format!("\n{}\n", ctx.paint("Corrections", "1"));
    }
    for k in &a.corrections {
        out += &format!(
            "  {}  {}, by {} (#{})\n",
            k.time,
            correction_verb(&k.kind),
            terminal(&k.actor),
            k.seq
        );
        for change in &k.changes {
            out += &format!("      {}\n", change_line(change));
        }
        out += &format!("      reason: {}\n", terminal(&k.reason));
    }
    for r in &a.removed_appearances {
        out += &format!(
            "  removed appearance (recorded #{}, removed #{}): {} at {}..{} \"{}\"\n",
            r.seq,
            r.removed_seq,
            short(&r.source),
            r.start,
            r.end,
            terminal(&one_line(&r.exact))
        );
    }

    // The record behind all of it.
    out += &format!(
        "\n{}\n",
        ctx.paint("Journal entries (seq, kind, time, leaf hash)", "1")
    );
    for e in &a.entries {
        let covered = match e.in_checkpoint {
            Some(true) => "in the latest checkpoint",
            Some(false) => "after the latest checkpoint",
            None => "no checkpoint yet",
        };
        out += &format!(
            "  #{:<5} {:<16} {}  {}  {}, {covered}\n",
            e.seq,
            e.kind,
            e.time,
            &e.leaf_hash[..16],
            ok(ctx, e.hash_ok, "bytes ok", "HASH MISMATCH")
        );
    }
    out
}

/// What a correction entry did, in words.
pub(super) fn correction_verb(kind: &str) -> &'static str {
    match kind {
        "claim.amend" => "amended",
        "claim.withdraw" => "withdrawn",
        "claim.restore" => "restored",
        "claim.uncite" => "appearance removed",
        "party.unmerge" => "party unmerged",
        _ => "corrected",
    }
}

/// One change on one line: `claimant: "Russian MOD" → "Ukrainian MOD"`.
pub(super) fn change_line(c: &Change) -> String {
    format!(
        "{}: \"{}\" → \"{}\"",
        c.field,
        terminal(&one_line(&c.from)),
        terminal(&one_line(&c.to))
    )
}

/// The fragments of an elided appearance joined by " … ", safe for a terminal.
fn elided(x: &crate::store::queries::AppearanceRow, fragments: &[crate::anchor::Span]) -> String {
    let start = x.start.max(0) as usize;
    let parts: Vec<String> = fragments
        .iter()
        .map(|f| {
            let text: String = x
                .exact
                .chars()
                .skip(f.start.saturating_sub(start))
                .take(f.len())
                .collect();
            super::safe::terminal(&one_line(&text)).into_owned()
        })
        .collect();
    parts.join(" … ")
}

/// "row 1,204, column `statement` of tracker.tsv (sha256 …)" for an imported claim's cell.
fn cell_line(i: &crate::store::imports::ImportRow) -> String {
    let place = match i.format.as_str() {
        "csv" => format!("row {}, column `{}`", thousands(i.row), terminal(&i.column)),
        _ => format!("item {}, `{}`", thousands(i.row), terminal(&i.column)),
    };
    let file = i.origin.as_deref().map_or("<stdin>".into(), terminal);
    format!("   {place} of {file} (sha256 {})\n", short(&i.source))
}

/// The sheet's own id for an imported claim, the article it names, and the rest of its row.
fn imported_line(i: &crate::store::imports::ImportRow) -> String {
    let mut out = String::new();
    if let Some(id) = &i.external_id {
        out += &format!("  imported as {}\n", terminal(id));
    }
    match (&i.url, &i.captured_as) {
        (Some(url), Some(doc)) => {
            out += &format!(
                "  appeared in {} (captured as {}: anchor it there with `claim cite CLAIM --source {}@latest --quote …`)\n",
                terminal(url),
                terminal(doc),
                terminal(doc)
            )
        }
        (Some(url), None) => {
            out += &format!(
                "  appeared in {} (capture it with `source add FILE --url URL`, then `claim cite`)\n",
                terminal(url)
            )
        }
        _ => {}
    }
    if let Some(serde_json::Value::Object(record)) = &i.record {
        if i.format == "csv" {
            for (k, v) in record {
                let v = v.as_str().map_or_else(|| v.to_string(), String::from);
                out += &format!("  {}: {}\n", terminal(k), terminal(&one_line(&v)));
            }
        } else {
            out += "  the feed's item is kept whole (audit --json shows it)\n";
        }
    }
    out
}

fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
