//! Projection of the corrections (issue 10): how amend, withdraw, restore, uncite, unmerge,
//! source.update and source.attach entries change the derived tables. Like the rest of the
//! projection it reads nothing but the entry and the tables the journal made, so a replay
//! rebuilds the same rows.

use rusqlite::{Connection, params};

use super::project::run;
use crate::claim;
use crate::error::{Error, Result};
use crate::journal::{Entry, Event};

/// Applies one correction entry (other kinds are not corrections and change nothing here).
pub(super) fn apply(conn: &Connection, entry: &Entry) -> Result<()> {
    let seq = entry.seq;
    match &entry.event {
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
        _ => {}
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
