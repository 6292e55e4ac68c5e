//! The HTML report: one self-contained page an editor can open, attach or print.
//!
//! Design decisions:
//!
//! - The page is rendered by minijinja from `templates/report.html` with HTML
//!   auto-escaping on, so every piece of stored text (article text, names, notes) reaches
//!   the page as text, never as markup. The only value marked safe is the JSON-LD, which is
//!   serialized here with `<`, `>` and `&` (and U+2028/U+2029) written as `\u` escapes, so
//!   no string in it can close the `<script>` element that holds it.
//! - Nothing is fetched: styles are inline, there are no images, fonts or scripts to load
//!   (the one `<script>` is JSON-LD data, which browsers do not run). Links to sources are
//!   plain links.
//! - This module maps records to a page and knows no SQL; the records come from
//!   [`crate::ledger::Ledger::export_records`].

use serde::Serialize;

use crate::export::claimreview::{self, Publisher};
use crate::export::{ClaimRecord, LedgerRecord, day};
use crate::invisible::is_unsafe;

const TEMPLATE: &str = include_str!("../../templates/report.html");

/// What the page says about the whole report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Who publishes it (the ClaimReview author).
    pub publisher: Publisher,
    /// When it was made (RFC 3339).
    pub generated: String,
    /// The filters the status table was made with, as typed, for the page to say.
    pub filters: Vec<String>,
}

#[derive(Serialize)]
struct Page<'a> {
    title: String,
    origin: &'a str,
    size: i64,
    generated: &'a str,
    publisher: &'a str,
    filters: &'a [String],
    claims: Vec<ClaimView<'a>>,
    counts: Vec<(String, usize, &'static str)>,
    checkpoint: Option<CheckpointView<'a>>,
    jsonld: minijinja::Value,
}

#[derive(Serialize)]
struct CheckpointView<'a> {
    note: &'a str,
    size: u64,
    root: &'a str,
}

#[derive(Serialize)]
struct ClaimView<'a> {
    id: &'a str,
    statement: &'a str,
    claimant: &'a str,
    claimant_kind: &'a str,
    via: Vec<&'a str>,
    chain: String,
    said: Option<&'a str>,
    recorded: &'a str,
    status: &'a str,
    status_class: &'static str,
    status_phrase: &'a str,
    appearances: Vec<AppearanceView<'a>>,
    history: Vec<StatusView<'a>>,
    entries: Vec<EntryView<'a>>,
    uncovered: usize,
    proof: String,
}

#[derive(Serialize)]
struct AppearanceView<'a> {
    title: Option<&'a str>,
    document: &'a str,
    version: i64,
    url: Option<&'a str>,
    /// The URL again when it is http(s), and so safe to link (never `javascript:`).
    link: Option<&'a str>,
    publisher: Option<&'a str>,
    sha256: &'a str,
    captured: &'a str,
    size: i64,
    start: i64,
    end: i64,
    before: &'a str,
    exact: &'a str,
    after: &'a str,
    cut_before: bool,
    cut_after: bool,
}

#[derive(Serialize)]
struct StatusView<'a> {
    time: &'a str,
    day: &'a str,
    phrase: &'a str,
    class: &'static str,
    note: Option<&'a str>,
    evidence: Option<String>,
    evidence_sha: Option<&'a str>,
    evidence_quote: Option<&'a str>,
    actor: &'a str,
    seq: i64,
}

#[derive(Serialize)]
struct EntryView<'a> {
    seq: i64,
    kind: &'a str,
    time: &'a str,
    hash: &'a str,
    summary: &'a str,
    covered: Option<bool>,
}

/// The CSS class of a status: how alarming it is.
fn status_class(status: &str) -> &'static str {
    match status {
        "confirmed" => "good",
        "denied" | "false" | "contradicted" | "retracted" => "bad",
        "disputed" | "unconfirmed" => "doubt",
        "unverified" => "none",
        _ => "other",
    }
}

/// JSON for a `<script>` element: valid JSON, with nothing in it that could end the
/// element or start markup.
pub fn script_json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            // Only inside strings (serde_json escapes the C0 controls; these are all in the
            // BMP), so `\uXXXX` is the same value: the file stays harmless to `cat`.
            c if is_unsafe(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// minijinja's HTML escaping, with every unsafe character ([`crate::invisible`]) of a
/// value shown as a visible `\u{…}` marker instead of raw: a page must not hide or reorder
/// what a quote says (a bidi override), and its file must stay harmless to `cat`.
pub fn visible_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let text = match value.as_str() {
        Some(text) if !value.is_safe() && text.chars().any(is_unsafe) => text,
        _ => return minijinja::escape_formatter(out, state, value),
    };
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_unsafe(c) {
            minijinja::escape_formatter(out, state, &minijinja::Value::from(&text[start..i]))?;
            write!(
                out,
                "<span class=\"ctl\" title=\"U+{:04X}, a control character\">{}</span>",
                c as u32,
                crate::invisible::escape(c)
            )
            .map_err(|_| minijinja::Error::from(minijinja::ErrorKind::WriteFailure))?;
            start = i + c.len_utf8();
        }
    }
    minijinja::escape_formatter(out, state, &minijinja::Value::from(&text[start..]))
}

/// Renders the report of `claims`.
pub fn render(
    ledger: &LedgerRecord,
    claims: &[ClaimRecord],
    options: &ReportOptions,
) -> Result<String, minijinja::Error> {
    let reviews = claimreview::export(claims, &options.publisher, false).document;
    let mut counts: Vec<(String, usize, &'static str)> = Vec::new();
    for c in claims {
        match counts.iter_mut().find(|(p, _, _)| *p == c.status_phrase) {
            Some((_, n, _)) => *n += 1,
            None => counts.push((c.status_phrase.clone(), 1, status_class(&c.status))),
        }
    }
    let checkpoint = claims.first().and_then(|c| c.checkpoint.as_ref());
    let page = Page {
        title: format!("Fact-check report: {}", ledger.origin),
        origin: &ledger.origin,
        size: ledger.size,
        generated: &options.generated,
        publisher: &options.publisher.name,
        filters: &options.filters,
        claims: claims.iter().map(claim_view).collect(),
        counts,
        checkpoint: checkpoint.map(|c| CheckpointView {
            note: &c.note,
            size: c.size,
            root: &c.root,
        }),
        jsonld: minijinja::Value::from_safe_string(script_json(&reviews)),
    };
    let mut env = minijinja::Environment::new();
    env.set_formatter(visible_formatter);
    env.add_template("report.html", TEMPLATE)?;
    env.get_template("report.html")?.render(&page)
}

fn claim_view(c: &ClaimRecord) -> ClaimView<'_> {
    let covered = |seq: i64| c.checkpoint.as_ref().map(|k| (seq as u64) < k.size);
    ClaimView {
        id: &c.id,
        statement: &c.statement,
        claimant: &c.claimant.name,
        claimant_kind: &c.claimant.kind,
        via: c.via.iter().map(|p| p.name.as_str()).collect(),
        chain: c.chain(),
        said: c.said.as_deref(),
        recorded: &c.recorded,
        status: &c.status,
        status_class: status_class(&c.status),
        status_phrase: &c.status_phrase,
        appearances: c
            .appearances
            .iter()
            .map(|a| AppearanceView {
                title: a.source.title.as_deref(),
                document: &a.source.document,
                version: a.source.version,
                url: a.source.url.as_deref(),
                link: a.source.url.as_deref().filter(|u| {
                    let lower = u.to_ascii_lowercase();
                    lower.starts_with("https://") || lower.starts_with("http://")
                }),
                publisher: a.source.publisher.as_deref(),
                sha256: &a.source.sha256,
                captured: &a.source.captured_at,
                size: a.source.size,
                start: a.start,
                end: a.end,
                before: &a.context.0,
                exact: &a.exact,
                after: &a.context.1,
                cut_before: a.start as usize > a.context.0.chars().count(),
                cut_after: !a.context.1.is_empty(),
            })
            .collect(),
        history: c
            .history
            .iter()
            .map(|s| StatusView {
                time: &s.time,
                day: day(&s.time),
                phrase: &s.phrase,
                class: status_class(&s.status),
                note: s.note.as_deref(),
                evidence: s.evidence.as_ref().map(|e| {
                    e.title
                        .clone()
                        .unwrap_or_else(|| format!("{}@{}", e.document, e.version))
                }),
                evidence_sha: s.evidence.as_ref().map(|e| e.sha256.as_str()),
                evidence_quote: s.evidence_quote.as_deref(),
                actor: &s.actor,
                seq: s.seq,
            })
            .collect(),
        entries: c
            .entries
            .iter()
            .map(|e| EntryView {
                seq: e.seq,
                kind: &e.kind,
                time: &e.time,
                hash: &e.hash,
                summary: &e.summary,
                covered: covered(e.seq),
            })
            .collect(),
        uncovered: c
            .entries
            .iter()
            .filter(|e| covered(e.seq) == Some(false))
            .count(),
        proof: format!("claimledger proof {} --out proof-{}", c.id, c.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script> & \u{2028}"});
        let text = script_json(&v);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
