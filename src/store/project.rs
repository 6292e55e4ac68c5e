//! Projection: how each journal entry changes the derived tables.
//!
//! This is the only code that writes the derived tables, and it reads nothing but the
//! entry, so replaying the journal into an empty schema rebuilds them exactly (which is how
//! `verify` proves they were not edited behind the journal's back). Checks that can refuse
//! a user's action happen before an entry is appended, in src/ledger.rs; here a failure
//! means the journal itself is inconsistent.
//!
//! Full-text rows (`claim_search`) may be held back in a [`SearchBuffer`] and written in a
//! burst (see src/store/append.rs for why). A new arm that reads or writes `claim_search`
//! needs nothing special: any kind not listed in [`holds_search_rows`] flushes the buffer
//! before it runs, so it sees the table as if every row had been written at once.

use rusqlite::{Connection, params};

use crate::claim;
use crate::error::{Error, Result};
use crate::journal::{AppearanceRecord, Entry, Event};
use crate::party::name_key;

/// Runs one statement, prepared once per connection: replaying a journal runs the same
/// few statements for every entry.
pub(super) fn run(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
    Ok(conn.prepare_cached(sql)?.execute(params)?)
}

/// Applies one entry to the derived tables.
pub fn apply(conn: &Connection, entry: &Entry) -> Result<()> {
    let mut search = SearchBuffer::default();
    apply_buffered(conn, entry, &mut search)?;
    search.flush(conn)
}

/// Full-text rows of claims not yet written to `claim_search`: a claim's statement and its
/// quotes, one per line. Written by [`SearchBuffer::flush`], when more than
/// [`SearchBuffer::MAX_BYTES`] are held, and before any entry that may use the table.
#[derive(Debug, Default)]
pub struct SearchBuffer {
    rows: Vec<(i64, String, String, String)>,
    at: std::collections::HashMap<i64, usize>,
    bytes: usize,
}

impl SearchBuffer {
    /// How much text is held back at most.
    pub const MAX_BYTES: usize = 8 << 20;

    fn add(&mut self, number: i64, id: &str, statement: &str, quote: &str) {
        self.bytes += statement.len() + quote.len() + 64;
        self.at.insert(number, self.rows.len());
        self.rows.push((
            number,
            id.to_string(),
            statement.to_string(),
            quote.to_string(),
        ));
    }

    /// Adds a quote to a claim's row, held back or written.
    fn cite(&mut self, conn: &Connection, number: i64, quote: &str) -> Result<()> {
        match self.at.get(&number) {
            Some(&i) => {
                self.bytes += quote.len() + 1;
                let quotes = &mut self.rows[i].3;
                quotes.push('\n');
                quotes.push_str(quote);
            }
            None => {
                run(
                    conn,
                    "UPDATE claim_search SET quotes = quotes || char(10) || ?2 WHERE rowid = ?1",
                    params![number, quote],
                )?;
            }
        }
        Ok(())
    }

    /// Writes every held-back row.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut stmt = conn.prepare_cached(
            "INSERT INTO claim_search (rowid, claim_id, statement, quotes) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (number, id, statement, quotes) in self.rows.drain(..) {
            stmt.execute(params![number, id, statement, quotes])?;
        }
        self.at.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// The kinds whose projection is known to touch `claim_search` only through the buffer
/// (or not at all). Any other kind gets the table fully written before it is applied.
fn holds_search_rows(event: &Event) -> bool {
    matches!(
        event,
        Event::SourceAdd { .. }
            | Event::PartyAdd { .. }
            | Event::PartyAlias { .. }
            | Event::PartyUpdate { .. }
            | Event::PartyMerge { .. }
            | Event::StatusDefine { .. }
            | Event::ClaimAdd { .. }
            | Event::ClaimCite { .. }
            | Event::AppearanceTrack { .. }
            | Event::StatusSet { .. }
    )
}

/// Applies one entry to the derived tables, holding its full-text rows in `search`; the
/// caller flushes `search` before it commits.
pub fn apply_buffered(conn: &Connection, entry: &Entry, search: &mut SearchBuffer) -> Result<()> {
    if !holds_search_rows(&entry.event) {
        search.flush(conn)?;
    }
    let seq = entry.seq;
    match &entry.event {
        Event::LedgerInit { origin, software } => {
            let mut stmt = conn.prepare_cached("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
            stmt.execute(params!["origin", origin])?;
            stmt.execute(params!["created_at", entry.time])?;
            stmt.execute(params!["created_by", software])?;
        }
        Event::SourceAdd {
            sha256,
            size,
            media_type,
            is_text,
            captured_at,
            origin,
            document,
            document_name,
            version,
            meta,
            ..
        } => {
            run(
                conn,
                "INSERT INTO documents (id, name, url) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET url = coalesce(documents.url, excluded.url)",
                params![document, document_name, meta.url],
            )?;
            run(
                conn,
                "INSERT INTO sources (sha256, document_id, version, size, media_type, is_text,
                    captured_at, origin, url, title, publisher, author, published, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    sha256,
                    document,
                    version,
                    *size as i64,
                    media_type,
                    is_text,
                    captured_at,
                    origin,
                    meta.url,
                    meta.title,
                    meta.publisher,
                    meta.author,
                    meta.published,
                    seq
                ],
            )?;
        }
        Event::PartyAdd {
            id,
            name,
            kind,
            description,
            aliases,
        } => {
            run(
                conn,
                "INSERT INTO parties (id, name, kind, description, seq) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, name, kind.as_str(), description, seq],
            )?;
            for n in std::iter::once(name).chain(aliases) {
                add_name(conn, *id, n, seq)?;
            }
        }
        Event::PartyAlias { party, alias } => add_name(conn, party.id, alias, seq)?,
        Event::PartyUpdate {
            party,
            kind,
            description,
        } => {
            run(
                conn,
                "UPDATE parties SET kind = coalesce(?2, kind), description = coalesce(?3, description)
                 WHERE id = ?1",
                params![party.id, kind.map(|k| k.as_str()), description],
            )?;
        }
        Event::PartyMerge { into, merged } => {
            let (into, merged) = (into.id, merged.id);
            // What the merge moves, so that `party unmerge` can move it back.
            for sql in [
                "INSERT INTO party_moves (merge_seq, what, target)
                 SELECT ?3, 'name', key FROM party_names WHERE party_id = ?2",
                "INSERT INTO party_moves (merge_seq, what, target)
                 SELECT ?3, 'claimant', id FROM claims WHERE claimant_id = ?2",
                "INSERT INTO party_moves (merge_seq, what, target)
                 SELECT ?3, 'conduit', claim_id || ':' || position FROM claim_conduits
                 WHERE party_id = ?2",
                "INSERT INTO party_moves (merge_seq, what, target)
                 SELECT ?3, 'status_event', CAST(id AS TEXT) FROM status_events WHERE party_id = ?2",
                "INSERT INTO party_moves (merge_seq, what, target)
                 SELECT ?3, 'merged_party', CAST(id AS TEXT) FROM parties WHERE merged_into = ?2",
            ] {
                run(conn, sql, params![into, merged, seq])?;
            }
            for sql in [
                "UPDATE party_names SET party_id = ?1 WHERE party_id = ?2",
                "UPDATE claims SET claimant_id = ?1 WHERE claimant_id = ?2",
                "UPDATE claims SET status_party_id = ?1 WHERE status_party_id = ?2",
                "UPDATE claim_conduits SET party_id = ?1 WHERE party_id = ?2",
                "UPDATE status_events SET party_id = ?1 WHERE party_id = ?2",
                "UPDATE parties SET merged_into = ?1 WHERE merged_into = ?2",
            ] {
                run(conn, sql, params![into, merged])?;
            }
            run(
                conn,
                "UPDATE parties SET merged_into = ?1, merged_seq = ?3 WHERE id = ?2",
                params![into, merged, seq],
            )?;
            // A claim cannot reach the page through its own claimant, or through the same
            // party twice: once two names are one party, such links collapse (the journal
            // keeps the chain as typed).
            run(
                conn,
                "INSERT INTO party_moves (merge_seq, what, target, party_id, party_as)
                 SELECT ?2, 'dropped_conduit', claim_id || ':' || position,
                    CASE WHEN EXISTS (SELECT 1 FROM party_moves m WHERE m.merge_seq = ?2
                        AND m.what = 'conduit' AND m.target = claim_id || ':' || position)
                    THEN ?3 ELSE ?1 END, party_as
                 FROM claim_conduits WHERE party_id = ?1 AND (
                    party_id = (SELECT c.claimant_id FROM claims c WHERE c.id = claim_id)
                    OR position > (SELECT min(v.position) FROM claim_conduits v
                                   WHERE v.claim_id = claim_conduits.claim_id AND v.party_id = ?1))",
                params![into, seq, merged],
            )?;
            run(
                conn,
                "DELETE FROM claim_conduits WHERE party_id = ?1 AND (
                    party_id = (SELECT c.claimant_id FROM claims c WHERE c.id = claim_id)
                    OR position > (SELECT min(v.position) FROM claim_conduits v
                                   WHERE v.claim_id = claim_conduits.claim_id AND v.party_id = ?1))",
                params![into],
            )?;
        }
        Event::StatusDefine {
            name,
            label,
            takes_party,
            rating,
        } => {
            run(
                conn,
                "INSERT INTO statuses (name, label, takes_party, rating, builtin, seq)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                params![name, label, takes_party, rating, seq],
            )?;
        }
        Event::ClaimAdd {
            id,
            statement,
            claimant,
            via,
            said,
            appearance,
            imported,
        } => {
            let number = claim::parse_id(id)?;
            run(
                conn,
                "INSERT INTO claims (id, number, statement, claimant_id, said, seq, claimant_as)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id,
                    number,
                    statement,
                    claimant.id,
                    said,
                    seq,
                    claimant.typed
                ],
            )?;
            let mut stmt = conn.prepare_cached(
                "INSERT INTO claim_conduits (claim_id, position, party_id, party_as)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, party) in via.iter().enumerate() {
                stmt.execute(params![id, i as i64 + 1, party.id, party.typed])?;
            }
            add_appearance(conn, id, appearance, seq)?;
            search.add(number, id, statement, &appearance.anchor.exact);
            if search.bytes > SearchBuffer::MAX_BYTES {
                search.flush(conn)?;
            }
            if let Some(imported) = imported {
                run(
                    conn,
                    "INSERT INTO claim_imports (claim_id, source, format, cell_row, cell_column,
                        external_id, url, record, seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        id,
                        appearance.source,
                        imported.format,
                        imported.row as i64,
                        imported.column,
                        imported.id,
                        imported.url,
                        imported.record.as_ref().map(crate::canonical::to_string),
                        seq
                    ],
                )?;
            }
        }
        Event::ClaimCite { claim, appearance } => {
            add_appearance(conn, claim, appearance, seq)?;
            search.cite(conn, claim::parse_id(claim)?, &appearance.anchor.exact)?;
        }
        Event::AppearanceTrack { results } => {
            let mut stmt = conn.prepare_cached(
                "INSERT INTO anchorings (appearance_id, source, state, start, end, exact, score, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (appearance_id, source) DO UPDATE SET state = excluded.state,
                    start = excluded.start, end = excluded.end, exact = excluded.exact,
                    score = excluded.score, seq = excluded.seq",
            )?;
            for r in results {
                stmt.execute(params![
                    r.appearance,
                    r.source,
                    r.state.as_str(),
                    r.start.map(|v| v as i64),
                    r.end.map(|v| v as i64),
                    r.exact,
                    r.score,
                    seq
                ])?;
            }
        }
        Event::StatusSet {
            claim,
            status,
            by,
            evidence,
            note,
        } => {
            let anchor = evidence.as_ref().and_then(|e| e.anchor.as_ref());
            run(
                conn,
                "INSERT INTO status_events (claim_id, status, party_id, party_as, evidence,
                    evidence_start, evidence_end, evidence_exact, note, time, actor, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    claim,
                    status,
                    by.as_ref().map(|p| p.id),
                    by.as_ref().map(|p| &p.typed),
                    evidence.as_ref().map(|e| &e.source),
                    anchor.map(|a| a.start as i64),
                    anchor.map(|a| a.end as i64),
                    anchor.map(|a| &a.exact),
                    note,
                    entry.time,
                    entry.actor,
                    seq
                ],
            )?;
            // Most status events name the same party as the last (usually none): then the
            // claims_by_status_party index is left alone.
            let by_id = by.as_ref().map(|p| p.id);
            let mut changed = run(
                conn,
                "UPDATE claims SET status = ?2 WHERE id = ?1 AND status_party_id IS ?3",
                params![claim, status, by_id],
            )?;
            if changed == 0 {
                changed = run(
                    conn,
                    "UPDATE claims SET status = ?2, status_party_id = ?3 WHERE id = ?1",
                    params![claim, status, by_id],
                )?;
            }
            if changed != 1 {
                return Err(Error::BadEntry {
                    seq,
                    reason: format!("status for unknown claim {claim}"),
                });
            }
        }
        Event::ClaimWithdraw { .. }
        | Event::ClaimRestore { .. }
        | Event::ClaimAmend { .. }
        | Event::ClaimUncite { .. }
        | Event::PartyUnmerge { .. }
        | Event::SourceUpdate { .. }
        | Event::SourceAttach { .. } => super::project_corrections::apply(conn, entry)?,
        Event::Checkpoint {
            size,
            root,
            note,
            key,
            upgraded: _,
        } => {
            // A checkpoint describes entries recorded before it, never itself or later ones.
            if *size as i64 > seq {
                return Err(Error::BadEntry {
                    seq,
                    reason: format!(
                        "a checkpoint of {size} entries recorded as entry #{seq}, when only {seq} came before it"
                    ),
                });
            }
            run(
                conn,
                "INSERT INTO checkpoints (note, size, root, key, seq) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![note, *size as i64, root, key, seq],
            )?;
        }
    }
    Ok(())
}

fn add_name(conn: &Connection, party: i64, name: &str, seq: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO party_names (key, name, party_id, seq) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![name_key(name), name, party, seq])?;
    Ok(())
}

fn add_appearance(conn: &Connection, claim: &str, a: &AppearanceRecord, seq: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO appearances (id, claim_id, source, start, end, exact, prefix, suffix, quote,
            normalized, seq, fragments)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        a.id,
        claim,
        a.source,
        a.anchor.start as i64,
        a.anchor.end as i64,
        a.anchor.exact,
        a.anchor.prefix,
        a.anchor.suffix,
        a.quote,
        a.anchor.normalized,
        seq,
        a.anchor
            .fragments
            .as_ref()
            .map(|f| serde_json::to_string(f).expect("spans serialize"))
    ])?;
    Ok(())
}
