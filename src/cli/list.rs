//! `claimledger list`: the status table.

use std::process::ExitCode;

use super::Ctx;
use super::output::status_color;
use crate::ledger::ListQuery;
use crate::store::queries::ClaimSort;

/// The status table: every claim with who made it, through whom, and where it stands.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    filters: Filters,
    /// Order of the rows
    #[arg(long, value_enum, default_value_t = Sort::Id)]
    sort: Sort,
}

/// Which claims: shared by `list` and `status set --all-matching`.
#[derive(Debug, Clone, clap::Args)]
pub struct Filters {
    /// Only claims with this status (name or label)
    #[arg(long)]
    status: Option<String>,
    /// Only claims made by this party (any of its names)
    #[arg(long)]
    claimant: Option<String>,
    /// Only claims relayed through this party
    #[arg(long)]
    via: Option<String>,
    /// Only claims that appear in this source version
    #[arg(long)]
    source: Option<String>,
    /// Only claims that appear in some version of this document (a name or any version)
    #[arg(long)]
    document: Option<String>,
    /// Only claims said (or, if that is unknown, recorded) on or after this date
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only claims said (or, if that is unknown, recorded) on or before this date
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only claims whose statement or quotes contain these words (full-text search)
    #[arg(long, value_name = "WORDS")]
    search: Option<String>,
    /// Only claims whose quote is missing from the latest version of its document
    #[arg(long)]
    missing: bool,
}

impl Filters {
    /// Whether no filter was given.
    pub fn is_empty(&self) -> bool {
        let Filters {
            status,
            claimant,
            via,
            source,
            document,
            since,
            until,
            search,
            missing,
        } = self;
        [
            status, claimant, via, source, document, since, until, search,
        ]
        .iter()
        .all(|f| f.is_none())
            && !missing
    }

    /// The library's form of these filters.
    pub fn query(&self, sort: ClaimSort) -> ListQuery {
        ListQuery {
            status: self.status.clone(),
            claimant: self.claimant.clone(),
            via: self.via.clone(),
            source: self.source.clone(),
            document: self.document.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            search: self.search.clone(),
            missing: self.missing,
            sort,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Sort {
    /// Claim number
    Id,
    /// Status, then number
    Status,
    /// Claimant, then number
    Claimant,
    /// When said (or recorded), then number
    Said,
}

/// Runs `list`.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let sort = match args.sort {
        Sort::Id => ClaimSort::Id,
        Sort::Status => ClaimSort::Status,
        Sort::Claimant => ClaimSort::Claimant,
        Sort::Said => ClaimSort::Said,
    };
    if ctx.format == super::Format::Json {
        return stream_json(ctx, &args.filters.query(sort));
    }
    let claims = ctx.open()?.list(&args.filters.query(sort))?;
    if ctx.format == super::Format::Table && claims.is_empty() {
        ctx.note("no claims match");
        return Ok(ExitCode::SUCCESS);
    }
    // A "latest version" column only once some document has a later version.
    let show_latest = claims.iter().any(|c| c.latest.is_some());
    if ctx.format == super::Format::Csv {
        let rows: Vec<Vec<String>> = claims
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.statement.clone(),
                    c.claimant.clone(),
                    c.via.join("; "),
                    c.status.clone(),
                    c.status_label.clone(),
                    c.said.clone().unwrap_or_default(),
                    c.latest.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let header = [
            "id",
            "statement",
            "claimant",
            "via",
            "status",
            "status_label",
            "said",
            "latest",
        ];
        ctx.emit_csv(&header, &rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows = claims
        .iter()
        .map(|c| {
            let mut who = c.claimant.clone();
            for conduit in &c.via {
                who += &format!(" via {conduit}");
            }
            let mut row = vec![
                c.id.clone(),
                c.statement.clone(),
                who,
                c.status_label.clone(),
            ];
            if show_latest {
                row.push(c.latest.clone().unwrap_or_else(|| "—".to_string()));
            }
            row
        })
        .collect();
    let statuses: Vec<&str> = claims.iter().map(|c| c.status.as_str()).collect();
    let by_label = |label: &str| {
        claims
            .iter()
            .zip(&statuses)
            .find(|(c, _)| c.status_label == label)
            .and_then(|(_, s)| status_color(s))
    };
    let mut header = vec!["id", "statement", "claimed by", "status"];
    if show_latest {
        header.push("latest version");
    }
    ctx.emit_rows(&claims, &header, rows, |i, text| match i {
        3 => by_label(text),
        4 if text == "missing" => Some(comfy_table::Color::Red),
        4 if text == "changed" => Some(comfy_table::Color::Yellow),
        _ => None,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `list --json`, written as the rows are read: the same bytes as the pretty-printed array,
/// with memory flat in the number of claims.
fn stream_json(ctx: &Ctx, query: &crate::ledger::ListQuery) -> anyhow::Result<ExitCode> {
    use serde::ser::{SerializeSeq, Serializer};
    use std::io::Write;
    let mut ledger = ctx.open()?;
    let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut json = serde_json::Serializer::pretty(out);
    let output = |e: serde_json::Error| crate::error::Error::Output(e.into());
    let mut seq = json.serialize_seq(None).map_err(output)?;
    ledger.list_each(query, |row| seq.serialize_element(&row).map_err(output))?;
    seq.end().map_err(output)?;
    let mut out = json.into_inner();
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .map_err(crate::error::Error::Output)?;
    Ok(ExitCode::SUCCESS)
}
