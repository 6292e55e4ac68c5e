//! W3C Web Annotation (JSON-LD): one annotation per appearance of a claim.
//!
//! Design decisions:
//!
//! - The export is one `AnnotationCollection` whose `first` page holds every annotation, so
//!   it is a single JSON-LD document that annotation servers and the W3C tools read whole.
//! - An annotation's `motivation` is `oa:assessing` (see [`ASSESSING`]); its bodies are `TextualBody`s: the
//!   statement and the claimant chain (`describing`) and the status phrase (`oa:assessing`).
//! - The target is a `SpecificResource` whose `source` is the source's URL, or, without
//!   one, `urn:sha256:<hex>` (the bytes are then the resource). Its `state` is a
//!   `TimeState` whose `cached` names the exact bytes by hash (RFC 6920
//!   `ni:///sha-256;…`), with the capture time as `sourceDate`, so the bytes the selectors
//!   count in are named even when the page at the URL has changed since.
//! - Two selectors, a `TextQuoteSelector` (exact, with the stored 32 code points of context
//!   as prefix and suffix) and a `TextPositionSelector` (start, end in code points, the
//!   model's unit). `--utf16` counts the positions in UTF-16 code units instead, as
//!   Hypothesis and browsers do; the quote selector does not change.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::pretty::Open;
use super::{AppearanceRecord, ClaimRecord, LedgerRecord, ledger_urn, ni_name};

/// The motivation `assessing` as a compact IRI: the W3C context (anno.jsonld) defines a term
/// for every other motivation but not for this one, so a bare `assessing` would expand to
/// an IRI relative to the document, not to `http://www.w3.org/ns/oa#assessing`.
pub const ASSESSING: &str = "oa:assessing";

/// The W3C Web Annotation context.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// Writes the annotations of `claims` as one pretty-printed AnnotationCollection, a claim
/// at a time, and a final line break; returns how many annotations it holds. (Its keys in
/// serde_json's sorted order: the page, `first`, comes before the `total` it counts.)
pub fn write(
    out: &mut dyn Write,
    ledger: &LedgerRecord,
    claims: impl IntoIterator<Item = ClaimRecord>,
    utf16: bool,
) -> io::Result<usize> {
    let mut doc = Open::object(0);
    doc.field(out, "@context", &CONTEXT)?;
    doc.key(out, "first")?;
    let mut page = Open::object(1);
    page.field(out, "id", &ledger_urn(&ledger.origin, "annotations:page:1"))?;
    page.key(out, "items")?;
    let mut items = Open::array(2);
    for c in claims {
        for a in &c.appearances {
            items.element(out, &annotation(ledger, &c, a, utf16))?;
        }
    }
    let total = items.len();
    items.close(out)?;
    page.field(out, "startIndex", &0)?;
    page.field(out, "type", &"AnnotationPage")?;
    page.close(out)?;
    doc.field(out, "id", &ledger_urn(&ledger.origin, "annotations"))?;
    doc.field(
        out,
        "label",
        &format!("Claims recorded in {}", ledger.origin),
    )?;
    doc.field(out, "total", &total)?;
    doc.field(out, "type", &"AnnotationCollection")?;
    doc.close(out)?;
    out.write_all(b"\n")?;
    Ok(total)
}

/// The annotation of one appearance.
pub fn annotation(
    ledger: &LedgerRecord,
    c: &ClaimRecord,
    a: &AppearanceRecord,
    utf16: bool,
) -> Value {
    let s = &a.source;
    let source = s
        .url
        .clone()
        .unwrap_or_else(|| format!("urn:sha256:{}", s.sha256));
    let (start, end) = if utf16 {
        (a.start_utf16, a.end_utf16)
    } else {
        (a.start, a.end)
    };
    json!({
        "id": ledger_urn(&ledger.origin, &format!("appearance:{}", a.id)),
        "type": "Annotation",
        "motivation": ASSESSING,
        "created": a.time,
        "creator": {"type": "Person", "name": a.actor},
        "generator": {
            "type": "Software",
            "name": format!("claimledger {}", env!("CARGO_PKG_VERSION")),
        },
        "body": [
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "text/plain",
                "value": format!("{}: {}", c.id, c.statement),
            },
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "text/plain",
                "value": format!("claimed by {}", c.chain()),
            },
            {
                "type": "TextualBody",
                "purpose": ASSESSING,
                "format": "text/plain",
                "value": c.status_phrase,
            },
        ],
        "target": {
            "type": "SpecificResource",
            "source": source,
            "state": {
                "type": "TimeState",
                "cached": ni_name(&s.sha256),
                "sourceDate": s.captured_at,
            },
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": a.exact,
                    "prefix": a.prefix,
                    "suffix": a.suffix,
                },
                {
                    "type": "TextPositionSelector",
                    "start": start,
                    "end": end,
                },
            ],
        },
    })
}
