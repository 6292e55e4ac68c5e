//! `claimledger list`: the status table.

use std::process::ExitCode;

use super::Ctx;
use super::output::status_color;
use super::table::{Column, Fit};
use crate::ledger::ListQuery;
use crate::store::queries::{ClaimSort, Withdrawn};

/// The status table: every claim with who made it, through whom, and where it stands.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  claimledger list --status unverified --sort said\n  claimledger list --claimant \"the MoD\" --since 2026-03-01 --wide\n  claimledger list --search \"bridge\" --csv > claims.csv"
)]
pub struct Args {
    #[command(flatten)]
    filters: Filters,
    /// Order of the rows
    #[arg(long, value_enum, default_value_t = Sort::Id)]
    sort: Sort,
    #[command(flatten)]
    shown: Shown,
}

/// Whether withdrawn claims are shown: shared by `list` and `summary`.
#[derive(Debug, Clone, clap::Args)]
pub struct Shown {
    /// Only withdrawn claims
    #[arg(long, conflicts_with = "all")]
    withdrawn: bool,
    /// Withdrawn claims too
    #[arg(long)]
    all: bool,
}

impl Shown {
    /// The library's form of these flags.
    pub fn pick(&self) -> Withdrawn {
        match (self.withdrawn, self.all) {
            (true, _) => Withdrawn::Only,
            (_, true) => Withdrawn::Included,
            _ => Withdrawn::Excluded,
        }
    }
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

    /// The filters given, as `--name value`, for a report to say what it shows.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, value) in [
            ("--status", &self.status),
            ("--claimant", &self.claimant),
            ("--via", &self.via),
            ("--source", &self.source),
            ("--document", &self.document),
            ("--since", &self.since),
            ("--until", &self.until),
            ("--search", &self.search),
        ] {
            if let Some(v) = value {
                out.push(format!("{name} {v}"));
            }
        }
        if self.missing {
            out.push("--missing".to_string());
        }
        out
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
            withdrawn: Withdrawn::Excluded,
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
    let shown = args.shown.pick();
    let mut query = args.filters.query(sort);
    query.withdrawn = shown;
    if ctx.format == super::Format::Json {
        return stream_json(ctx, &query);
    }
    let claims = ctx.open()?.list(&query)?;
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
                    c.withdrawn.to_string(),
                ]
            })
            .map(|mut row: Vec<String>| {
                if shown == Withdrawn::Excluded {
                    row.pop();
                }
                row
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
            "withdrawn",
        ];
        let header = if shown == Withdrawn::Excluded {
            &header[..header.len() - 1]
        } else {
            &header[..]
        };
        ctx.emit_csv(header, &rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows = claims
        .iter()
        .map(|c| {
            let mut who = c.claimant.clone();
            for conduit in &c.via {
                who += &format!(" via {conduit}");
            }
            let status = if c.withdrawn {
                format!("withdrawn ({})", c.status_label)
            } else {
                c.status_label.clone()
            };
            let mut row = vec![c.id.clone(), c.statement.clone(), who, status];
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
    let mut columns = vec![
        Column::new("id", Fit::Whole),
        Column::new("statement", Fit::Text),
        Column::new("claimed by", Fit::Name),
        Column::new("status", Fit::Wrap),
    ];
    if show_latest {
        columns.push(Column::new("latest version", Fit::Wrap));
    }
    ctx.emit_table(&claims, &columns, rows, |i, text| match i {
        3 => by_label(text),
        4 if text == "missing" => Some(comfy_table::Color::Red),
        4 if text == "changed" => Some(comfy_table::Color::Yellow),
        _ => None,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `list --json`, written as the rows are read: the same bytes as the pretty-printed array,
/// with memory flat in the number of claims, each piece through safe::json (exact JSON, no
/// raw control reaching a terminal).
fn stream_json(ctx: &Ctx, query: &crate::ledger::ListQuery) -> anyhow::Result<ExitCode> {
    use crate::error::Error;
    use std::io::Write;
    let mut ledger = ctx.open()?;
    let mut out = super::safe::Terminal::stdout(true);
    let mut rows = crate::export::pretty::Open::array(0);
    ledger.list_each(query, |row| {
        rows.element(&mut out, &row).map_err(Error::Output)
    })?;
    rows.close(&mut out)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(Error::Output)?;
    Ok(ExitCode::SUCCESS)
}
