//! `verify`'s check of derived texts: each must be what its extractor derives from the
//! source's bytes today. A text recorded by another extractor version is reported (its
//! quotes' spans count in that text), never silently re-derived or accepted.

use rusqlite::{Connection, params};

use super::verify::{Problem, Report};
use crate::error::Result;
use crate::extract;

/// Checks every row of `derived_texts` against the bytes it was derived from.
pub fn check(conn: &Connection, report: &mut Report) -> Result<()> {
    let rows: Vec<(String, String, String, Option<String>)> = conn
        .prepare(
            "SELECT d.sha256, d.extractor, d.text, s.media_type
               FROM derived_texts d LEFT JOIN sources s ON s.sha256 = d.sha256
              ORDER BY d.sha256",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // What the journal says each web page's quotes anchor in.
    let mut named = std::collections::BTreeMap::new();
    let mut entries = conn.prepare("SELECT payload FROM journal WHERE kind = 'source.add'")?;
    let mut all = entries.query([])?;
    while let Some(row) = all.next()? {
        let payload: String = row.get(0)?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&payload) else {
            continue; // an unreadable entry is reported by the journal check
        };
        if let (Some(sha), Some(by)) = (v["sha256"].as_str(), v["text_extractor"].as_str()) {
            named.insert(sha.to_string(), by.to_string());
        }
    }
    let stored: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for (sha256, by) in &named {
        if !stored.contains(sha256.as_str()) {
            report.problems.push(Problem {
                check: "derived",
                place: format!("source {}", crate::source::short(sha256)),
                message: format!(
                    "its source.add entry says quotes anchor in the text {by} derives, and the ledger has no such text (derived_texts row deleted?)"
                ),
            });
        }
    }
    let mut chunks = conn.prepare_cached(
        "SELECT c.data FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id
          WHERE b.sha256 = ?1 ORDER BY c.chunk",
    )?;
    for (sha256, extractor, text, media_type) in rows {
        let place = format!("derived_texts row sha256={}", crate::source::short(&sha256));
        let mut problem = |message: String| {
            report.problems.push(Problem {
                check: "derived",
                place: place.clone(),
                message,
            })
        };
        match named.get(&sha256) {
            Some(by) if *by == extractor => {}
            Some(by) => problem(format!(
                "was derived by {extractor}, and its source.add entry names {by}"
            )),
            None => problem("belongs to no source.add entry that names an extractor".into()),
        }
        let Some(media_type) = media_type else {
            problem("belongs to no stored source".into());
            continue;
        };
        let Some(current) = extract::current_extractor(&media_type) else {
            problem(if extract::derives(&media_type) {
                format!(
                    "cannot be checked: {} is not installed (run `bash scripts/deps/poppler.sh`, or install poppler-utils)",
                    extract::pdf::PROGRAM
                )
            } else {
                format!("no text is derived from a source of type {media_type}")
            });
            continue;
        };
        if current != extractor {
            problem(format!(
                "was derived by {extractor}, and this claimledger derives with {current}: its quotes' spans count in the old text; use the claimledger version that made it"
            ));
            continue;
        }
        let mut bytes = Vec::new();
        let mut rows = chunks.query(params![sha256])?;
        while let Some(row) = rows.next()? {
            bytes.extend_from_slice(row.get_ref(0)?.as_blob()?);
        }
        match extract::derive(&media_type, &bytes) {
            Some(fresh) if fresh.text == text => {}
            _ => problem(format!(
                "is not the text {extractor} derives from the source's bytes (edited behind claimledger's back?)"
            )),
        }
    }
    Ok(())
}

/// The derived text of a source, when it has one (what its quotes' spans count in).
pub fn derived_text(conn: &Connection, sha256: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT text FROM derived_texts WHERE sha256 = ?1")?
        .query_row(params![sha256], |r| r.get(0))
        .optional()?)
}
