//! The status table: the one query `list`, `status set --all-matching`, the exports and the
//! report share, with its filters and orders, streamed a row at a time (memory stays flat in
//! the number of claims). Columns no filter or order needs are not computed.

use serde::Serialize;

use super::Tx;
use crate::error::Result;

const DAY_SAID: &str =
    "substr(coalesce(c.said, (SELECT j.time FROM journal j WHERE j.seq = c.seq)), 1, 10)";

/// How a claim's quotes fare in the latest version of their documents: the worst state
/// over its appearances (3 missing, 2 changed, 1 moved, 0 unchanged), NULL when none is
/// in a document with a later version.
const LATEST: &str = "(SELECT max(CASE coalesce(t.state, 'missing') WHEN 'missing' THEN 3
            WHEN 'changed' THEN 2 WHEN 'moved' THEN 1 ELSE 0 END)
     FROM appearances a JOIN sources s ON s.sha256 = a.source
     JOIN sources ls ON ls.document_id = s.document_id AND ls.sha256 <> a.source
        AND ls.version = (SELECT max(x.version) FROM sources x
              WHERE x.document_id = s.document_id AND x.is_text)
     LEFT JOIN anchorings t ON t.appearance_id = a.id AND t.source = ls.sha256
     WHERE a.claim_id = c.id)";

/// One row of the status table.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    /// `C1`.
    pub id: String,
    /// The statement.
    pub statement: String,
    /// The claimant's display name.
    pub claimant: String,
    /// Conduits' display names, outermost last.
    pub via: Vec<String>,
    /// The status name.
    pub status: String,
    /// The status as one phrase ("denied by Kyiv").
    pub status_label: String,
    /// When it was said.
    pub said: Option<String>,
    /// How many appearances.
    pub appearances: i64,
    /// How the claim's quote fares in the latest version of its document, when that is not
    /// the version it was recorded in (the worst over its appearances); None otherwise.
    pub latest: Option<String>,
    /// Whether the claim was withdrawn (shown only with `list --withdrawn` or `--all`).
    pub withdrawn: bool,
}

/// Filters of the status table; all given ones must hold.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    /// Status name.
    pub status: Option<String>,
    /// Claimant party id.
    pub claimant: Option<i64>,
    /// Conduit party id.
    pub via: Option<i64>,
    /// Source version (full SHA-256).
    pub source: Option<String>,
    /// Only claims whose quote is missing from the latest version of its document.
    pub missing_from_latest: bool,
    /// Only claims with an appearance in some version of this document (its id).
    pub document: Option<i64>,
    /// Only claims said (or, when that is unknown, recorded) on or after this day.
    pub since: Option<String>,
    /// Only claims said (or, when that is unknown, recorded) on or before this day.
    pub until: Option<String>,
    /// Full-text search over statements and quotes (every word must occur).
    pub search: Option<String>,
    /// Order of the rows.
    pub sort: ClaimSort,
    /// Standing claims, withdrawn ones, or both.
    pub withdrawn: Withdrawn,
}

/// Which claims the tables show, by whether they were withdrawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Withdrawn {
    /// Claims that stand (the default).
    #[default]
    Excluded,
    /// Only withdrawn claims.
    Only,
    /// Both.
    Included,
}

impl Withdrawn {
    /// The SQL condition on claims `c`.
    pub(super) fn condition(self) -> &'static str {
        match self {
            Withdrawn::Excluded => " AND c.withdrawn_seq IS NULL",
            Withdrawn::Only => " AND c.withdrawn_seq IS NOT NULL",
            Withdrawn::Included => "",
        }
    }
}

/// Orders of the status table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClaimSort {
    /// By claim number.
    #[default]
    Id,
    /// By status name, then number.
    Status,
    /// By claimant name, then number.
    Claimant,
    /// By when said (or recorded), then number.
    Said,
}

/// Turns what a user typed into an FTS5 query: every word must occur, as a word prefix,
/// and FTS syntax in the input is taken literally.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{t}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Tx<'_> {
    /// The status table.
    pub fn claims(&self, filter: &ClaimFilter) -> Result<Vec<ClaimRow>> {
        let mut rows = Vec::new();
        self.claims_each(filter, |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    /// Whether some document has more than one text version (only then can a quote fare
    /// differently in the latest version: [`ClaimRow::latest`] is None for every claim
    /// otherwise). One pass over `sources`, which holds a row per source, not per claim.
    pub fn has_later_versions(&self) -> Result<bool> {
        Ok(self.query_row(
            "SELECT EXISTS (SELECT 1 FROM sources WHERE is_text GROUP BY document_id HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The status table, one row at a time to `each` (memory stays flat in the row count).
    /// The latest-version column and the date said are computed only when some row can
    /// have one or a filter or the order needs it.
    pub fn claims_each(
        &self,
        filter: &ClaimFilter,
        mut each: impl FnMut(ClaimRow) -> Result<()>,
    ) -> Result<()> {
        let later = filter.missing_from_latest || self.has_later_versions()?;
        let (sql, args) = status_sql(filter, later);
        let mut stmt = self.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            let label: String = r.get(4)?;
            let by: Option<String> = r.get(5)?;
            let via: Option<String> = r.get(7)?;
            Ok(ClaimRow {
                id: r.get(0)?,
                statement: r.get(1)?,
                claimant: r.get(2)?,
                via: via
                    .map(|v| v.split('\u{1f}').map(str::to_string).collect())
                    .unwrap_or_default(),
                status: r.get(3)?,
                status_label: crate::status::phrase(&label, by.as_deref()),
                said: r.get(6)?,
                appearances: r.get(8)?,
                latest: r.get::<_, Option<i64>>(9)?.map(|l| {
                    match l {
                        0 => "unchanged",
                        1 => "moved",
                        2 => "changed",
                        _ => "missing",
                    }
                    .to_string()
                }),
                withdrawn: r.get(11)?,
            })
        })?;
        for row in rows {
            each(row?)?;
        }
        Ok(())
    }
}

/// The status table's SQL and its arguments for `filter`; `later` says whether some
/// document has a later version (else the latest-version column is NULL, not computed).
pub(super) fn status_sql(
    filter: &ClaimFilter,
    later: bool,
) -> (String, Vec<rusqlite::types::Value>) {
    let latest = if later { LATEST } else { "NULL" };
    let day_said = if filter.sort == ClaimSort::Said {
        DAY_SAID
    } else {
        "NULL"
    };
    let mut sql = format!(
        "SELECT c.id, c.statement, p.name, c.status, s.label, bp.name, c.said,
            (SELECT group_concat(vp.name, char(31)) FROM
                (SELECT vp.name FROM claim_conduits v JOIN parties vp ON vp.id = v.party_id
                 WHERE v.claim_id = c.id ORDER BY v.position) vp),
            (SELECT count(*) FROM appearances a WHERE a.claim_id = c.id),
            {latest} AS latest,
            {day_said} AS day_said, c.withdrawn_seq IS NOT NULL
         FROM claims c JOIN parties p ON p.id = c.claimant_id
         JOIN statuses s ON s.name = c.status
         LEFT JOIN parties bp ON bp.id = c.status_party_id
         WHERE 1 = 1{}",
        filter.withdrawn.condition()
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(status) = &filter.status {
        args.push(status.clone().into());
        sql += &format!(" AND c.status = ?{}", args.len());
    }
    if let Some(party) = filter.claimant {
        args.push(party.into());
        sql += &format!(" AND c.claimant_id = ?{}", args.len());
    }
    // A conduit, a source or a document picks a few claims out of many: each is looked up
    // by its index and the claims found by id (an EXISTS per claim would read every claim).
    if let Some(party) = filter.via {
        args.push(party.into());
        sql += &format!(
            " AND c.id IN (SELECT v.claim_id FROM claim_conduits v WHERE v.party_id = ?{})",
            args.len()
        );
    }
    if let Some(source) = &filter.source {
        args.push(source.clone().into());
        sql += &format!(
            " AND c.id IN (SELECT a.claim_id FROM appearances a WHERE a.source = ?{})",
            args.len()
        );
    }
    if filter.missing_from_latest {
        sql += " AND latest = 3";
    }
    if let Some(document) = filter.document {
        args.push(document.into());
        sql += &format!(
            " AND c.id IN (SELECT a.claim_id FROM sources s
               JOIN appearances a ON a.source = s.sha256 WHERE s.document_id = ?{})",
            args.len()
        );
    }
    let day = "substr(coalesce(c.said, (SELECT j.time FROM journal j WHERE j.seq = c.seq)), 1, 10)";
    if let Some(since) = &filter.since {
        args.push(since.clone().into());
        sql += &format!(" AND {day} >= ?{}", args.len());
    }
    if let Some(until) = &filter.until {
        args.push(until.clone().into());
        sql += &format!(" AND {day} <= ?{}", args.len());
    }
    if let Some(search) = &filter.search {
        match fts_query(search) {
            Some(query) => {
                args.push(query.into());
                sql += &format!(
                    " AND c.number IN (SELECT rowid FROM claim_search WHERE claim_search MATCH ?{})",
                    args.len()
                );
            }
            None => sql += " AND 0",
        }
    }
    sql += match filter.sort {
        ClaimSort::Id => " ORDER BY c.number",
        ClaimSort::Status => " ORDER BY c.status, c.number",
        ClaimSort::Claimant => " ORDER BY p.name COLLATE NOCASE, c.number",
        ClaimSort::Said => " ORDER BY day_said, c.number",
    };
    (sql, args)
}
