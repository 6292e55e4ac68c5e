//! Projection: how each journal entry changes the derived tables.
//!
//! This is the only code that writes the derived tables, and it reads nothing but the
//! entry, so replaying the journal into an empty schema rebuilds them exactly (which is how
//! `verify` proves they were not edited behind the journal's back). Checks that can refuse
//! a user's action happen before an entry is appended, in src/ledger.rs; here a failure
//! means the journal itself is inconsistent.

use rusqlite::{Connection, params};

use crate::claim;
use crate::error::{Error, Result};
use crate::journal::{AppearanceRecord, Entry, Event};
use crate::party::name_key;

/// Runs one statement, prepared once per connection: replaying a journal runs the same
/// few statements for every entry.
fn run(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
    Ok(conn.prepare_cached(sql)?.execute(params)?)
}

/// Applies one entry to the derived tables.
pub fn apply(conn: &Connection, entry: &Entry) -> Result<()> {
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
            run(
                conn,
                "INSERT INTO claim_search (rowid, claim_id, statement, quotes) VALUES (?1, ?2, ?3, ?4)",
                params![number, id, statement, appearance.anchor.exact],
            )?;
        }
        Event::ClaimCite { claim, appearance } => {
            add_appearance(conn, claim, appearance, seq)?;
            run(
                conn,
                "UPDATE claim_search SET quotes = quotes || char(10) || ?2 WHERE rowid = ?1",
                params![claim::parse_id(claim)?, appearance.anchor.exact],
            )?;
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
            let changed = run(
                conn,
                "UPDATE claims SET status = ?2, status_party_id = ?3 WHERE id = ?1",
                params![claim, status, by.as_ref().map(|p| p.id)],
            )?;
            if changed != 1 {
                return Err(Error::BadEntry {
                    seq,
                    reason: format!("status for unknown claim {claim}"),
                });
            }
        }
        Event::ClaimWithdraw { claim, .. } => {
            one_claim(
                seq,
                claim,
                run(
                    conn,
                    "UPDATE claims SET withdrawn_seq = ?2 WHERE id = ?1",
                    params![claim, seq],
                )?,
            )?;
            correction(conn, seq, claim, entry)?;
        }
        Event::ClaimRestore { claim, .. } => {
            one_claim(
                seq,
                claim,
                run(
                    conn,
                    "UPDATE claims SET withdrawn_seq = NULL WHERE id = ?1",
                    params![claim],
                )?,
            )?;
            correction(conn, seq, claim, entry)?;
        }
        Event::ClaimAmend {
            claim,
            statement,
            claimant,
            via,
            said,
            ..
        } => {
            one_claim(
                seq,
                claim,
                run(
                    conn,
                    "UPDATE claims SET statement = coalesce(?2, statement),
                        claimant_id = coalesce(?3, claimant_id),
                        claimant_as = coalesce(?4, claimant_as), said = coalesce(?5, said)
                     WHERE id = ?1",
                    params![
                        claim,
                        statement,
                        claimant.as_ref().map(|p| p.id),
                        claimant.as_ref().map(|p| &p.typed),
                        said
                    ],
                )?,
            )?;
            if let Some(statement) = statement {
                run(
                    conn,
                    "UPDATE claim_search SET statement = ?2 WHERE rowid = ?1",
                    params![claim::parse_id(claim)?, statement],
                )?;
            }
            if let Some(via) = via {
                run(
                    conn,
                    "DELETE FROM claim_conduits WHERE claim_id = ?1",
                    params![claim],
                )?;
                let mut stmt = conn.prepare_cached(
                    "INSERT INTO claim_conduits (claim_id, position, party_id, party_as)
                     VALUES (?1, ?2, ?3, ?4)",
                )?;
                for (i, party) in via.iter().enumerate() {
                    stmt.execute(params![claim, i as i64 + 1, party.id, party.typed])?;
                }
            }
            correction(conn, seq, claim, entry)?;
        }
        Event::ClaimUncite {
            claim, appearance, ..
        } => {
            let moved = run(
                conn,
                "INSERT INTO removed_appearances (id, claim_id, source, start, end, exact, quote,
                    seq, removed_seq)
                 SELECT id, claim_id, source, start, end, exact, quote, seq, ?3
                 FROM appearances WHERE id = ?1 AND claim_id = ?2",
                params![appearance, claim, seq],
            )?;
            if moved != 1 {
                return Err(Error::BadEntry {
                    seq,
                    reason: format!("claim {claim} has no appearance {appearance}"),
                });
            }
            run(
                conn,
                "DELETE FROM anchorings WHERE appearance_id = ?1",
                params![appearance],
            )?;
            run(
                conn,
                "DELETE FROM appearances WHERE id = ?1",
                params![appearance],
            )?;
            run(
                conn,
                "UPDATE claim_search SET quotes = coalesce((SELECT group_concat(exact, char(10))
                    FROM (SELECT exact FROM appearances WHERE claim_id = ?2 ORDER BY id)), '')
                 WHERE rowid = ?1",
                params![claim::parse_id(claim)?, claim],
            )?;
            correction(conn, seq, claim, entry)?;
        }
        Event::PartyUnmerge {
            party, from, merge, ..
        } => unmerge(conn, seq, party.id, from.id, *merge)?,
        Event::SourceUpdate { sha256, meta } => {
            let changed = run(
                conn,
                "UPDATE sources SET title = coalesce(?2, title), url = coalesce(?3, url),
                    publisher = coalesce(?4, publisher), author = coalesce(?5, author),
                    published = coalesce(?6, published)
                 WHERE sha256 = ?1",
                params![
                    sha256,
                    meta.title,
                    meta.url,
                    meta.publisher,
                    meta.author,
                    meta.published
                ],
            )?;
            if changed != 1 {
                return Err(Error::BadEntry {
                    seq,
                    reason: format!("metadata for unknown source {sha256}"),
                });
            }
            if let Some(url) = &meta.url {
                run(
                    conn,
                    "UPDATE documents SET url = coalesce(url, ?2)
                     WHERE id = (SELECT document_id FROM sources WHERE sha256 = ?1)",
                    params![sha256, url],
                )?;
            }
        }
        Event::SourceAttach {
            sha256,
            document,
            version,
            from_document,
            ..
        } => {
            let changed = run(
                conn,
                "UPDATE sources SET document_id = ?2, version = ?3 WHERE sha256 = ?1 AND document_id = ?4",
                params![sha256, document, version, from_document],
            )?;
            if changed != 1 {
                return Err(Error::BadEntry {
                    seq,
                    reason: format!("{sha256} is not in document {from_document}"),
                });
            }
            // Its old document, left with no version, is gone (its name is free again).
            run(
                conn,
                "DELETE FROM documents WHERE id = ?1
                 AND NOT EXISTS (SELECT 1 FROM sources WHERE document_id = ?1)",
                params![from_document],
            )?;
        }
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

/// Checks that an entry about one claim changed exactly one claim row.
fn one_claim(seq: i64, claim: &str, changed: usize) -> Result<()> {
    if changed != 1 {
        return Err(Error::BadEntry {
            seq,
            reason: format!("correction of unknown claim {claim}"),
        });
    }
    Ok(())
}

/// Files a correction entry under the claim it corrects.
fn correction(conn: &Connection, seq: i64, claim: &str, entry: &Entry) -> Result<()> {
    run(
        conn,
        "INSERT OR IGNORE INTO corrections (seq, claim_id, kind) VALUES (?1, ?2, ?3)",
        params![seq, claim, entry.event.kind()],
    )?;
    Ok(())
}

/// Undoes the party merge recorded at `merge`: moves back what it moved (see party_moves),
/// where it has not changed since, and files the entry under every claim it touches.
/// Parameters: ?1 the party restored, ?2 the party it leaves, ?3 the merge entry.
fn unmerge(conn: &Connection, seq: i64, party: i64, from: i64, merge: i64) -> Result<()> {
    let moved = |what: &str| {
        format!("SELECT target FROM party_moves WHERE merge_seq = ?3 AND what = '{what}'")
    };
    let claim_of = "substr(target, 1, instr(target, ':') - 1)";
    run(
        conn,
        &format!(
            "INSERT OR IGNORE INTO corrections (seq, claim_id, kind)
             SELECT ?1, id, 'party.unmerge' FROM claims WHERE id IN ({})
                OR id IN (SELECT {claim_of} FROM party_moves
                          WHERE merge_seq = ?2 AND what IN ('conduit', 'dropped_conduit'))
                OR id IN (SELECT claim_id FROM status_events
                          WHERE id IN (SELECT CAST(target AS INTEGER) FROM party_moves
                                       WHERE merge_seq = ?2 AND what = 'status_event'))",
            moved("claimant").replace("?3", "?2")
        ),
        params![seq, merge],
    )?;
    let statements = [
        format!(
            "UPDATE party_names SET party_id = ?1 WHERE party_id = ?2 AND key IN ({})",
            moved("name")
        ),
        format!(
            "UPDATE claims SET claimant_id = ?1 WHERE claimant_id = ?2 AND id IN ({})",
            moved("claimant")
        ),
        format!(
            "UPDATE claim_conduits SET party_id = ?1
             WHERE party_id = ?2 AND claim_id || ':' || position IN ({})",
            moved("conduit")
        ),
        format!(
            "UPDATE status_events SET party_id = ?1
             WHERE party_id = ?2 AND id IN (SELECT CAST(target AS INTEGER) FROM ({}))",
            moved("status_event")
        ),
        format!(
            "UPDATE parties SET merged_into = ?1
             WHERE merged_into = ?2 AND id IN (SELECT CAST(target AS INTEGER) FROM ({}))",
            moved("merged_party")
        ),
    ];
    for sql in &statements {
        run(conn, sql, params![party, from, merge])?;
    }
    // Conduit links the merge collapsed come back where their place is still free.
    run(
        conn,
        &format!(
            "INSERT OR IGNORE INTO claim_conduits (claim_id, position, party_id, party_as)
             SELECT {claim_of}, CAST(substr(target, instr(target, ':') + 1) AS INTEGER),
                party_id, party_as
             FROM party_moves WHERE merge_seq = ?1 AND what = 'dropped_conduit'
                AND {claim_of} IN (SELECT id FROM claims)"
        ),
        params![merge],
    )?;
    // A claim's status party is its latest status event's.
    run(
        conn,
        "UPDATE claims SET status_party_id = (SELECT e.party_id FROM status_events e
            WHERE e.claim_id = claims.id ORDER BY e.seq DESC LIMIT 1)
         WHERE status_party_id = ?1",
        params![from],
    )?;
    let changed = run(
        conn,
        "UPDATE parties SET merged_into = NULL, merged_seq = NULL WHERE id = ?1 AND merged_seq = ?2",
        params![party, merge],
    )?;
    if changed != 1 {
        return Err(Error::BadEntry {
            seq,
            reason: format!("party {party} was not merged by entry #{merge}"),
        });
    }
    run(
        conn,
        "DELETE FROM party_moves WHERE merge_seq = ?1",
        params![merge],
    )?;
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
            normalized, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
        seq
    ])?;
    Ok(())
}
