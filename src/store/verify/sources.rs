//! Checks 5 and 6 of [`super`]: source bytes (chunks, sizes, hashes), and every appearance
//! and evidence quote against the stored text, in source order so that each source's text
//! is read once.

use super::*;

impl Verifier<'_> {
    /// 5. Source bytes.
    pub(super) fn sources(
        &mut self,
        quick: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<()> {
        let total: u64 = self.sources.iter().map(|(_, size, _)| size).sum();
        progress(Progress::Stage(
            if quick {
                "sources (sizes)"
            } else {
                "sources (hashing)"
            },
            if quick {
                self.sources.len() as u64
            } else {
                total
            },
        ));
        let sources = std::mem::take(&mut self.sources);
        for (sha256, size, seq) in &sources {
            self.report.sources += 1;
            let place = format!("source {sha256} (journal entry #{seq})");
            let blob: Option<(i64, i64)> = self
                .conn
                .prepare_cached("SELECT id, size FROM blobs WHERE sha256 = ?1")?
                .query_row(params![sha256], |r| Ok((r.get(0)?, r.get(1)?)))
                .ok();
            let Some((id, blob_size)) = blob else {
                self.problem(
                    "source",
                    place,
                    "has no stored bytes: no blobs row is named by its SHA-256",
                );
                continue;
            };
            if blob_size != *size as i64 {
                self.problem(
                    "source",
                    &place,
                    format!("its blobs row says {blob_size} bytes, the journal says {size}"),
                );
            }
            let mut hasher = Sha256::new();
            let mut length = 0u64;
            let mut next_chunk = 0i64;
            let mut gaps = false;
            let sql = if quick {
                "SELECT chunk, length(data), NULL FROM blob_chunks WHERE blob_id = ?1 ORDER BY chunk"
            } else {
                "SELECT chunk, length(data), data FROM blob_chunks WHERE blob_id = ?1 ORDER BY chunk"
            };
            let mut stmt = self.conn.prepare_cached(sql)?;
            let mut rows = stmt.query(params![id])?;
            while let Some(row) = rows.next()? {
                let chunk: i64 = row.get(0)?;
                let len: i64 = row.get(1)?;
                if chunk != next_chunk {
                    gaps = true;
                }
                next_chunk = chunk + 1;
                length += len as u64;
                if !quick {
                    hasher.update(row.get_ref(2)?.as_blob()?);
                    self.report.bytes_hashed += len as u64;
                    progress(Progress::Advance(len as u64));
                }
            }
            drop(rows);
            drop(stmt);
            if quick {
                progress(Progress::Advance(1));
            }
            if gaps {
                self.problem(
                    "source",
                    &place,
                    "its blob_chunks are not numbered 0, 1, 2, ... without gaps",
                );
            }
            if length != *size {
                self.problem(
                    "source",
                    &place,
                    format!("its blob_chunks hold {length} bytes, the journal says {size}"),
                );
            }
            if !quick {
                let got = hex::encode(hasher.finalize());
                if &got != sha256 {
                    self.problem(
                        "source",
                        &place,
                        format!("its stored bytes (blob_chunks) hash to {got}, not to its name"),
                    );
                }
            }
        }
        // Stored bytes that no source in the journal names.
        let mut stmt = self
            .conn
            .prepare("SELECT id, sha256 FROM blobs ORDER BY id")?;
        let blobs: Vec<(i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let named: std::collections::HashSet<&str> =
            sources.iter().map(|(s, _, _)| s.as_str()).collect();
        for (id, sha) in blobs {
            if !named.contains(sha.as_str()) {
                self.problem(
                    "source",
                    format!("blobs row {id}"),
                    format!("is named {sha}, which no source in the journal is"),
                );
            }
        }
        self.sources = sources;
        Ok(())
    }

    /// Check 6, appearances and evidence quotes against the stored text, on the main
    /// connection; [`Appearances`] runs the same check on a thread of its own.
    pub(super) fn appearances(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<()> {
        let replayed = self.replayed();
        progress(Progress::Stage("appearances", count_spans(replayed)?));
        let (checked, found) =
            check_appearances(self.conn, replayed, &mut || progress(Progress::Advance(1)))?;
        self.report_appearances(checked, found);
        Ok(())
    }

    /// Adds the outcome of check 6 to the report.
    pub(super) fn report_appearances(&mut self, checked: u64, found: Vec<(String, String)>) {
        self.report.appearances += checked;
        for (place, message) in found {
            self.problem("appearance", place, message);
        }
    }

    /// The kept normalized forms of text sources: each must be exactly what the source's
    /// bytes normalize to today, under the rule it names (a stale rule is rebuilt on use).
    pub(super) fn normalized_texts(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<()> {
        let rows: Vec<(String, String, String, Vec<u8>)> = self
            .conn
            .prepare("SELECT sha256, rule, normalized, map FROM normalized_texts ORDER BY sha256")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        progress(Progress::Stage("normalized texts", rows.len() as u64));
        let rule = crate::anchor::normalize::rule_tag();
        for (sha256, stored_rule, normalized, map) in rows {
            progress(Progress::Advance(1));
            if stored_rule != rule {
                continue;
            }
            let at = format!(
                "normalized_texts row sha256={}",
                crate::source::short(&sha256)
            );
            let Some(text) = self.stored_text(&sha256)? else {
                self.problem("normalized_texts", at, "belongs to no stored text");
                continue;
            };
            let fresh = crate::anchor::normalize::NormalizedText::from_source(text.as_str());
            if fresh.as_str() != normalized || fresh.map_bytes() != map {
                self.problem(
                    "normalized_texts",
                    at,
                    "is not what the source's bytes normalize to",
                );
            }
        }
        Ok(())
    }

    pub(super) fn stored_text(&self, sha256: &str) -> Result<Option<String>> {
        stored_text(self.conn, sha256)
    }
}

/// Check 6 running on a thread of its own, on second connections to the ledger (seeing the
/// same snapshot) and to the replayed tables, while the main thread compares the tables.
pub(super) struct Appearances {
    running: std::thread::JoinHandle<Result<Found>>,
}

/// What check 6 found: how many spans it checked, and each problem (place, message).
type Found = (u64, Vec<(String, String)>);

impl Appearances {
    /// Starts the check.
    pub(super) fn start(ledger: Connection, replayed: Connection) -> Appearances {
        Appearances {
            running: std::thread::spawn(move || check_appearances(&ledger, &replayed, &mut || {})),
        }
    }

    /// Waits for it: how many spans were checked, and what was found (place, message).
    pub(super) fn finish(self) -> Result<Found> {
        self.running.join().unwrap_or_else(|_| {
            Err(crate::error::Error::CheckFailed(
                "the thread of the appearance check panicked".into(),
            ))
        })
    }
}

/// How many spans (appearances and evidence quotes) check 6 looks at.
fn count_spans(replayed: &Connection) -> Result<u64> {
    Ok(replayed.query_row(
        "SELECT (SELECT count(*) FROM appearances) + (SELECT count(*) FROM status_events WHERE evidence_exact IS NOT NULL)",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Every appearance and evidence quote of the replayed tables (exactly what the journal
/// says) against the ledger's stored text: how many were checked, and what was found.
fn check_appearances(
    ledger: &Connection,
    replayed: &Connection,
    tick: &mut dyn FnMut(),
) -> Result<Found> {
    // One pass in source order, sorted by SQLite (spilling to disk when large), rather
    // than an index lookup per appearance: each source's text is read once.
    let mut stmt = replayed.prepare(
        "SELECT source, what, start, end, exact, prefix, suffix, fragments FROM (
            SELECT source, 0 AS kind, id, 'appearance ' || id || ' of claim ' || claim_id AS what,
                   start, end, exact, prefix, suffix, fragments
              FROM appearances
            UNION ALL
            SELECT evidence, 1, id, 'evidence of status event ' || id || ' of claim ' || claim_id,
                   evidence_start, evidence_end, evidence_exact, NULL, NULL, NULL
              FROM status_events WHERE evidence_exact IS NOT NULL)
         ORDER BY +source, kind, id",
    )?;
    let mut rows = stmt.query([])?;
    let mut current: Option<String> = None;
    let mut text: Option<String> = None;
    let mut offsets: Vec<usize> = Vec::new();
    let mut found: Vec<(String, String)> = Vec::new();
    let mut checked = 0u64;
    while let Some(row) = rows.next()? {
        let sha: String = row.get(0)?;
        let what: String = row.get(1)?;
        let (start, end): (i64, i64) = (row.get(2)?, row.get(3)?);
        let exact: String = row.get(4)?;
        let prefix: Option<String> = row.get(5)?;
        let suffix: Option<String> = row.get(6)?;
        let fragments: Option<String> = row.get(7)?;
        if current.as_deref() != Some(sha.as_str()) {
            text = stored_text(ledger, &sha)?;
            offsets = text
                .as_ref()
                .map(|t| t.char_indices().map(|(b, _)| b).chain([t.len()]).collect())
                .unwrap_or_default();
            current = Some(sha.clone());
        }
        checked += 1;
        tick();
        let place = format!("{what} in source {sha}");
        let Some(text) = &text else {
            found.push((place, "its source has no stored UTF-8 text".into()));
            continue;
        };
        if let Some(message) = check_span(text, &offsets, start, end, &exact, prefix, suffix) {
            found.extend(message.into_iter().map(|m| (place.clone(), m)));
        }
        if let Some(fragments) = fragments
            && let Err(why) =
                check_fragments(&fragments, start.max(0) as usize, end.max(0) as usize)
        {
            found.push((place.clone(), why));
        }
    }
    Ok((checked, found))
}

/// A source's text as quotes anchor in it: a web page's derived text, else its bytes when
/// they are UTF-8 (`None` when it has neither).
fn stored_text(conn: &Connection, sha256: &str) -> Result<Option<String>> {
    if let Some(text) = crate::store::verify_derived::derived_text(conn, sha256)? {
        return Ok(Some(text)); // a web page's quotes are in its derived text
    }
    let mut stmt = conn.prepare_cached(
        "SELECT c.data FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id
          WHERE b.sha256 = ?1 ORDER BY c.chunk",
    )?;
    let mut rows = stmt.query(params![sha256])?;
    let mut bytes = Vec::new();
    let mut any = false;
    while let Some(row) = rows.next()? {
        any = true;
        bytes.extend_from_slice(row.get_ref(0)?.as_blob()?);
    }
    Ok(if any {
        String::from_utf8(bytes).ok()
    } else {
        None
    })
}

/// What is wrong with a span of `text` (`offsets`: the byte offset of each code point, and
/// of the end): its exact text, and the context before and after it.
fn check_span(
    text: &str,
    offsets: &[usize],
    start: i64,
    end: i64,
    exact: &str,
    prefix: Option<String>,
    suffix: Option<String>,
) -> Option<Vec<String>> {
    let chars = offsets.len() - 1;
    let (start, end) = (start.max(0) as usize, end.max(0) as usize);
    if start > end || end > chars {
        return Some(vec![format!(
            "its span {start}..{end} is outside the text ({chars} code points)"
        )]);
    }
    let mut found = Vec::new();
    let at = &text[offsets[start]..offsets[end]];
    if at != exact {
        found.push(format!(
            "the text at {start}..{end} is {:?}, not {:?}",
            clip(at),
            clip(exact)
        ));
    }
    let context = crate::anchor::CONTEXT;
    if let Some(prefix) = prefix {
        if text[offsets[start.saturating_sub(context)]..offsets[start]] != prefix {
            found.push("its prefix is not the text before it".into());
        }
    }
    if let Some(suffix) = suffix {
        if text[offsets[end]..offsets[(end + context).min(chars)]] != suffix {
            found.push("its suffix is not the text after it".into());
        }
    }
    (!found.is_empty()).then_some(found)
}

/// An elided appearance's fragments must be spans in order, not overlapping, the first
/// starting where the appearance starts and the last ending where it ends.
fn check_fragments(json: &str, start: usize, end: usize) -> std::result::Result<(), String> {
    let spans: Vec<crate::anchor::Span> =
        serde_json::from_str(json).map_err(|e| format!("its fragments cannot be read ({e})"))?;
    let ordered = spans.windows(2).all(|w| w[0].end <= w[1].start);
    let whole = spans.iter().all(|s| s.start < s.end);
    if spans.len() < 2
        || !ordered
        || !whole
        || spans.first().map(|s| s.start) != Some(start)
        || spans.last().map(|s| s.end) != Some(end)
    {
        return Err(format!(
            "its fragments {json} are not ordered spans from {start} to {end}"
        ));
    }
    Ok(())
}
