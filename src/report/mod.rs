//! The HTML report: one self-contained page an editor can open, attach or print.
//!
//! Design decisions:
//!
//! - The page is rendered by minijinja from the parts in `templates/report/` with HTML
//!   auto-escaping on, so every piece of stored text (article text, names, notes) reaches
//!   the page as text, never as markup. The only text written around the templates is the
//!   JSON-LD, which is serialized here with `<`, `>` and `&` (and U+2028/U+2029) written as `\u` escapes, so
//!   no string in it can close the `<script>` element that holds it.
//! - Nothing is fetched: styles are inline, there are no images, fonts or scripts to load
//!   (the one `<script>` is JSON-LD data, which browsers do not run). Links to sources are
//!   plain links.
//! - This module maps records to a page and knows no SQL; the records come from
//!   [`crate::ledger::Ledger::export_records`], one claim at a time: the page is written as
//!   they are read (see [`write`]), so a report of 100,000 claims holds one claim's records.

use serde::Serialize;

use std::io::Write;

use crate::export::claimreview::{self, Publisher};
use crate::export::pretty::Open;
use crate::export::{CheckpointRecord, ClaimRecord, LedgerRecord, day};
use crate::invisible::is_unsafe;

/// The page's parts (templates/report/): the top of `<head>` up to the JSON-LD, the page
/// header and the status table's head, one table row, the table's end, one claim's
/// article, and the checkpoint and footer.
const PARTS: [(&str, &str); 6] = [
    (
        "head.html",
        include_str!("../../templates/report/head.html"),
    ),
    ("top.html", include_str!("../../templates/report/top.html")),
    ("row.html", include_str!("../../templates/report/row.html")),
    (
        "middle.html",
        include_str!("../../templates/report/middle.html"),
    ),
    (
        "claim.html",
        include_str!("../../templates/report/claim.html"),
    ),
    (
        "foot.html",
        include_str!("../../templates/report/foot.html"),
    ),
];

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A template failed (a bug).
    #[error("cannot render the report: {0}")]
    Render(#[from] minijinja::Error),
    /// Writing it failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

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
    count: usize,
    counts: Vec<(String, usize, &'static str)>,
    checkpoint: Option<CheckpointView<'a>>,
}

/// What a row or an article is rendered from.
#[derive(Serialize)]
struct Part<'a> {
    c: ClaimView<'a>,
    checkpoint: Option<CheckpointView<'a>>,
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

/// Serialized JSON with `<`, `>`, `&`, U+2028, U+2029 and every unsafe character written
/// as `\u` escapes (only ever inside strings, so the same JSON value).
fn script_escape(text: &str) -> String {
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

/// A writer that passes JSON on through [`script_escape`] (every piece written is whole
/// UTF-8 text: the pretty writer writes whole strings).
struct ScriptJson<'w>(&'w mut dyn Write);

impl Write for ScriptJson<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(script_escape(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
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

/// Writes the report of `claims` to `out`, a claim at a time: each claim's ClaimReview
/// goes into the page's JSON-LD as it is read, and its table row and article into two
/// temporary files, which follow the page header (the counts, known at the end). Memory
/// stays flat in the number of claims. Returns how many claims it shows.
pub fn write(
    out: &mut dyn Write,
    ledger: &LedgerRecord,
    claims: impl IntoIterator<Item = ClaimRecord>,
    checkpoint: Option<&CheckpointRecord>,
    options: &ReportOptions,
) -> Result<usize, ReportError> {
    let mut env = minijinja::Environment::new();
    env.set_formatter(visible_formatter);
    env.set_keep_trailing_newline(true);
    for (name, text) in PARTS {
        env.add_template(name, text)?;
    }
    let mut page = Page {
        title: format!("Fact-check report: {}", ledger.origin),
        origin: &ledger.origin,
        size: ledger.size,
        generated: &options.generated,
        publisher: &options.publisher.name,
        filters: &options.filters,
        count: 0,
        counts: Vec::new(),
        checkpoint: None,
    };
    env.get_template("head.html")?
        .render_captured_to(&page, &mut *out)?;
    let mut rows = std::io::BufWriter::new(tempfile::tempfile()?);
    let mut articles = std::io::BufWriter::new(tempfile::tempfile()?);
    let (row, article) = (
        env.get_template("row.html")?,
        env.get_template("claim.html")?,
    );
    let mut reviews = Open::array(0);
    for c in claims {
        if let Some(mut review) = claimreview::review(&c, &options.publisher) {
            claimreview::with_context(&mut review);
            reviews.element(&mut ScriptJson(out), &review)?;
        }
        match page
            .counts
            .iter_mut()
            .find(|(p, _, _)| *p == c.status_phrase)
        {
            Some((_, n, _)) => *n += 1,
            None => page
                .counts
                .push((c.status_phrase.clone(), 1, status_class(&c.status))),
        }
        page.count += 1;
        let part = Part {
            c: claim_view(&c),
            checkpoint: checkpoint.map(checkpoint_view),
        };
        row.render_captured_to(&part, &mut rows)?;
        article.render_captured_to(&part, &mut articles)?;
    }
    reviews.close(&mut ScriptJson(out))?;
    // As before streaming: the checkpoint section shows only beside some claim.
    page.checkpoint = checkpoint.filter(|_| page.count > 0).map(checkpoint_view);
    env.get_template("top.html")?
        .render_captured_to(&page, &mut *out)?;
    append(out, rows)?;
    env.get_template("middle.html")?
        .render_captured_to(&page, &mut *out)?;
    append(out, articles)?;
    env.get_template("foot.html")?
        .render_captured_to(&page, &mut *out)?;
    Ok(page.count)
}

fn checkpoint_view(c: &CheckpointRecord) -> CheckpointView<'_> {
    CheckpointView {
        note: &c.note,
        size: c.size,
        root: &c.root,
    }
}

/// Copies a temporary file's content to `out`.
fn append(out: &mut dyn Write, file: std::io::BufWriter<std::fs::File>) -> std::io::Result<()> {
    use std::io::Seek;
    let mut file = file.into_inner().map_err(|e| e.into_error())?;
    file.rewind()?;
    std::io::copy(&mut file, out)?;
    Ok(())
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
        let text = script_escape(&serde_json::to_string_pretty(&v).unwrap());
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
