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

use serde_json::{Value, json};

use super::{AppearanceRecord, ClaimRecord, LedgerRecord, ledger_urn, ni_name};

/// The motivation `assessing` as a compact IRI: the W3C context (anno.jsonld) defines a term
/// for every other motivation but not for this one, so a bare `assessing` would expand to
/// an IRI relative to the document, not to `http://www.w3.org/ns/oa#assessing`.
pub const ASSESSING: &str = "oa:assessing";

/// The W3C Web Annotation context.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// The annotations of `claims`, as one AnnotationCollection.
pub fn collection(ledger: &LedgerRecord, claims: &[ClaimRecord], utf16: bool) -> Value {
    let items: Vec<Value> = claims
        .iter()
        .flat_map(|c| {
            c.appearances
                .iter()
                .map(move |a| annotation(ledger, c, a, utf16))
        })
        .collect();
    json!({
        "@context": CONTEXT,
        "id": ledger_urn(&ledger.origin, "annotations"),
        "type": "AnnotationCollection",
        "label": format!("Claims recorded in {}", ledger.origin),
        "total": items.len(),
        "first": {
            "id": ledger_urn(&ledger.origin, "annotations:page:1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    })
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
