//! Anchoring quotes in stored source text, shared by every use case that takes a quote:
//! loading a version's text, keeping its normalized form, and following an appearance
//! into other versions of its document.

use super::*;
use crate::anchor::{Anchor, AnchorError, Options, Text, normalize};
use crate::error::{Error, Result};
use crate::journal::{Event, Tracked};
use crate::source::short;
use crate::store::Tx;
use crate::store::queries::{AppearanceRow, SourceRow};

/// Follows an appearance into another version's text.
pub(super) fn follow(text: &Text, a: &AppearanceRow, target: &str) -> Tracked {
    let old = Anchor {
        start: a.start as usize,
        end: a.end as usize,
        exact: a.exact.clone(),
        prefix: a.prefix.clone(),
        suffix: a.suffix.clone(),
        normalized: a.normalized,
        fragments: None,
    };
    let r = text.relocate(&old);
    Tracked {
        appearance: a.id,
        source: target.to_string(),
        state: r.state,
        start: r.span.map(|s| s.start),
        end: r.span.map(|s| s.end),
        exact: r.exact,
        score: r.score,
    }
}

/// After a claim is anchored in one version, records how it fares in every other text
/// version of the same document.
pub(super) fn track_in_other_versions(
    tx: &Tx,
    time: &str,
    actor: &str,
    source: &SourceRow,
    appearance: i64,
) -> Result<()> {
    if source.versions < 2 {
        return Ok(());
    }
    let row = tx
        .appearances_by_id(appearance)?
        .expect("the appearance was just added");
    let mut results = Vec::new();
    for version in tx.document_versions(source.document_id)? {
        if version.sha256 == source.sha256 || !follows_into(tx, &version)? {
            continue;
        }
        let text = load_text(tx, &version)?;
        results.push(with_text(tx, &version.sha256, &text, |t| {
            Ok(follow(t, &row, &version.sha256))
        })?);
    }
    if !results.is_empty() {
        tx.append(time, actor, Event::AppearanceTrack { results })?;
    }
    Ok(())
}

/// Whether claims are followed into a source version (and searched for in it).
pub(super) fn follows_into(tx: &Tx, source: &SourceRow) -> Result<bool> {
    let derived = tx.derived_text(&source.sha256)?.is_some();
    Ok(followable(&source.media_type, source.is_text, derived))
}

/// [`follows_into`] from what is known of a version: a text source, or a web page with a
/// derived text (an MHTML archive, a page not in UTF-8), but not an archive whose page
/// could not be read.
pub(super) fn followable(media_type: &str, is_text: bool, derived: bool) -> bool {
    match media_type {
        crate::extract::mhtml::MEDIA_TYPE => derived,
        "text/html" => is_text || derived,
        _ => is_text,
    }
}

/// The text of a source version, or why quotes cannot be anchored in it.
pub(super) fn load_text(tx: &Tx, source: &SourceRow) -> Result<String> {
    if let Some((_, text)) = tx.derived_text(&source.sha256)? {
        // A web page or PDF: quotes anchor in the text a reader sees.
        if source.media_type == "application/pdf" && !crate::extract::pdf::has_text_layer(&text) {
            return Err(Error::NoTextLayer {
                short: short(&source.sha256).to_string(),
            });
        }
        return Ok(text);
    }
    if source.media_type == crate::extract::mhtml::MEDIA_TYPE {
        // An archive with no derived text: its MIME text is not what a reader sees.
        return Err(Error::UnreadableArchive {
            short: short(&source.sha256).to_string(),
        });
    }
    if !source.is_text {
        return Err(Error::NotText {
            short: short(&source.sha256).to_string(),
            media_type: source.media_type.clone(),
        });
    }
    let bytes = tx
        .blob_bytes(&source.sha256)?
        .ok_or_else(|| Error::UnknownSource(source.sha256.clone()))?;
    String::from_utf8(bytes).map_err(|_| Error::NotText {
        short: short(&source.sha256).to_string(),
        media_type: source.media_type.clone(),
    })
}

/// Runs `f` on a source's text, giving it the kept normalized form when one fits; if `f`
/// made the text build its normalized form, keeps it for the next quote. A kept form can
/// at worst miss a match (every match is checked against the text itself), so when `f`
/// finds nothing with it, `f` runs once more on a fresh one, which replaces it.
pub(super) fn with_text<T>(
    tx: &Tx,
    sha256: &str,
    text: &str,
    f: impl Fn(&Text) -> Result<T>,
) -> Result<T> {
    let rule = normalize::rule_tag();
    let kept = tx
        .stored_normalized(sha256)?
        .filter(|(r, _, _)| *r == rule)
        .and_then(|(_, normalized, map)| {
            normalize::NormalizedText::from_stored(text, normalized, &map)
        });
    let keep =
        |t: &Text| tx.store_normalized(sha256, &rule, t.index().as_str(), &t.index().map_bytes());
    match kept {
        Some(index) => match f(&Text::with_index(text, index)) {
            Err(Error::QuoteNotFound { .. }) => {
                let fresh = Text::new(text);
                let out = f(&fresh);
                if fresh.has_index() {
                    keep(&fresh)?;
                }
                out
            }
            other => other,
        },
        None => {
            let t = Text::new(text);
            let out = f(&t)?;
            if t.has_index() {
                keep(&t)?;
            }
            Ok(out)
        }
    }
}

/// Anchors a quote, turning anchoring failures into errors that name the source.
pub(super) fn anchor_quote(
    text: &Text,
    sha256: &str,
    quote: &str,
    occurrence: Option<usize>,
) -> Result<Anchor> {
    let options = Options {
        occurrence,
        ..Options::default()
    };
    anchor_quote_with(text, sha256, quote, &options)
}

/// [`anchor_quote`] with every anchoring option.
pub(super) fn anchor_quote_with(
    text: &Text,
    sha256: &str,
    quote: &str,
    options: &Options,
) -> Result<Anchor> {
    let short = short(sha256).to_string();
    text.anchor_with(quote, options).map_err(|e| match e {
        AnchorError::Empty => Error::EmptyQuote,
        AnchorError::MidWord { site, whole, count } => Error::QuoteMidWord {
            short,
            whole,
            count,
            site: Box::new(site),
        },
        AnchorError::NotFound {
            closest,
            differences,
        } => Error::QuoteNotFound {
            short,
            closest: closest.map(Box::new),
            differences,
            elsewhere: None,
            page: false,
        },
        AnchorError::Ambiguous { count, sites } => Error::QuoteAmbiguous {
            short,
            count,
            sites,
        },
        AnchorError::OccurrenceOutOfRange {
            wanted,
            count,
            sites,
        } => Error::OccurrenceOutOfRange {
            short,
            wanted,
            count,
            sites,
        },
    })
}

/// Most bytes of other sources searched for a quote that is not in the named one.
const ELSEWHERE_BUDGET: usize = 64 << 20;

/// When a quote is not in the source named, looks for it (as it would be anchored) in the
/// other stored text sources, newest first, and names the first that has it in the error.
/// Searches at most [`ELSEWHERE_BUDGET`] bytes; any other error passes unchanged.
pub(super) fn say_where_else(
    tx: &Tx,
    named: &SourceRow,
    quote: &str,
    options: &Options,
    error: Error,
) -> Error {
    let Error::QuoteNotFound {
        short,
        closest,
        differences,
        elsewhere: None,
        ..
    } = error
    else {
        return error;
    };
    let elsewhere = find_elsewhere(tx, named, quote, options).ok().flatten();
    Error::QuoteNotFound {
        short,
        closest,
        differences,
        elsewhere,
        page: matches!(
            named.media_type.as_str(),
            "text/html" | crate::extract::mhtml::MEDIA_TYPE
        ),
    }
}

fn find_elsewhere(
    tx: &Tx,
    named: &SourceRow,
    quote: &str,
    options: &Options,
) -> Result<Option<String>> {
    let mut sources = tx.sources()?;
    sources.sort_by_key(|s| std::cmp::Reverse(s.seq));
    let mut budget = ELSEWHERE_BUDGET;
    for source in sources {
        if source.sha256 == named.sha256 || !follows_into(tx, &source)? {
            continue;
        }
        let Some(left) = budget.checked_sub(source.bytes.max(0) as usize) else {
            break;
        };
        budget = left;
        let Ok(text) = load_text(tx, &source) else {
            continue;
        };
        let options = Options {
            occurrence: None,
            ..*options
        };
        match Text::new(&text).anchor_with(quote, &options) {
            Ok(_) | Err(AnchorError::Ambiguous { .. }) => {
                return Ok(Some(format!(
                    "{}@{} ({})",
                    source.document,
                    source.version,
                    short(&source.sha256)
                )));
            }
            Err(_) => {}
        }
    }
    Ok(None)
}

pub(super) fn appearance_out(text: &str, sha256: &str, a: &Anchor) -> AppearanceOut {
    let (line, column) = Text::new(text).line_column(a.start);
    AppearanceOut {
        source: sha256.to_string(),
        start: a.start,
        end: a.end,
        exact: a.exact.clone(),
        prefix: a.prefix.clone(),
        suffix: a.suffix.clone(),
        normalized: a.normalized,
        line,
        column,
        fragments: a.fragments.clone(),
    }
}
