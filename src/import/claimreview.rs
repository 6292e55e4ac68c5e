//! schema.org ClaimReview, as publishers and aggregators ship it: one object, an array, a
//! `DataFeed` of items (each a ClaimReview or a `DataFeedItem` with `item`), `@graph`
//! lists, a page's `<script type="application/ld+json">` blocks, and the Fact Check Tools
//! API `claims:search` response (`{claims:[{text, claimant, claimDate, claimReview:[…]}]}`).
//!
//! The JSON is read with `jsonc-parser`, which keeps where every value is in the text, so
//! each claim's appearance is the span of its `claimReviewed` (or `text`) string in the
//! stored file. Feeds are small next to sheets: the items are read into memory at once.
//!
//! Mapping: `claimReviewed`/`text` → statement; `itemReviewed.author.name`/`claimant` →
//! claimant (kind from its `@type`: Person, Organization); the publisher (or name) of each
//! `itemReviewed.appearance`/`firstAppearance` → via; its `url` → the article URL;
//! `itemReviewed.datePublished`/`claimDate` → said; `reviewRating.alternateName` (else its
//! `name`)/`textualRating` → a status event by the reviewing organisation (`author`, else
//! `publisher`), noting the review's URL and date. The item's `@id` (else the review URL) is
//! its id. The whole item is kept, as it was, in the claim's imported record. A claimant
//! given as one comma-joined string ("A, B") stays one party: the feed does not say whether
//! the comma separates names or is part of one.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;

use super::{Item, Problem, StatusItem};
use crate::party::PartyKind;

/// What a feed holds: its claims, the items that could not be read, and things worth
/// saying (a comma-joined claimant kept as one party).
#[derive(Debug, Default)]
pub struct Feed {
    /// The claims, in file order.
    pub items: Vec<Item>,
    /// Problems with items (row = item number) or with the whole file (row 0).
    pub problems: Vec<Problem>,
    /// Notes on how items were read.
    pub warnings: Vec<String>,
}

/// Reads a feed (JSON, or an HTML page with JSON-LD blocks). `claimant_default` is the
/// claimant of items that name none.
pub fn read(text: &str, claimant_default: Option<&str>) -> Feed {
    let mut feed = Feed::default();
    let mut reader = Reader {
        feed: &mut feed,
        claimant_default,
        number: 0,
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        let blocks = json_ld_blocks(text);
        if blocks.is_empty() {
            reader.feed.problems.push(Problem::row(
                0,
                "this HTML page has no <script type=\"application/ld+json\"> block",
            ));
        }
        for (offset, block) in blocks {
            reader.parse(block, offset);
        }
    } else {
        reader.parse(text, 0);
    }
    if feed.items.is_empty() && feed.problems.is_empty() {
        feed.problems.push(Problem::row(
            0,
            "no ClaimReview (or Fact Check Tools claim) found in this file",
        ));
    }
    feed
}

/// The JSON-LD script blocks of an HTML page: (byte offset, text) of each.
fn json_ld_blocks(html: &str) -> Vec<(usize, &str)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<script") {
        let tag_start = from + i;
        let Some(tag_len) = lower[tag_start..].find('>') else {
            break;
        };
        let tag = &lower[tag_start..tag_start + tag_len];
        let body_start = tag_start + tag_len + 1;
        let body_end = lower[body_start..]
            .find("</script")
            .map_or(html.len(), |j| body_start + j);
        if tag.contains("application/ld+json") {
            out.push((body_start, &html[body_start..body_end]));
        }
        from = body_end;
    }
    out
}

struct Reader<'f, 'd> {
    feed: &'f mut Feed,
    claimant_default: Option<&'d str>,
    number: u64,
}

fn types(o: &Object) -> Vec<String> {
    match o.get("@type").map(|p| &p.value) {
        Some(Value::StringLit(s)) => vec![s.value.to_string()],
        Some(Value::Array(a)) => a
            .elements
            .iter()
            .filter_map(|e| e.as_string_lit().map(|s| s.value.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

fn has_type(o: &Object, t: &str) -> bool {
    types(o)
        .iter()
        .any(|x| x == t || x.ends_with(&format!("/{t}")))
}

fn string<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get_string(key)
        .map(|s| s.value.as_ref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Each object of a value that may be one object or an array of them.
fn objects<'a, 'b>(v: Option<&'b Value<'a>>) -> Vec<&'b Object<'a>> {
    match v {
        Some(Value::Object(o)) => vec![o],
        Some(Value::Array(a)) => a.elements.iter().filter_map(|e| e.as_object()).collect(),
        _ => Vec::new(),
    }
}

/// A party as JSON-LD names it: a string, or an object with a name and a `@type`.
fn party(v: Option<&Value>) -> Option<(String, Option<PartyKind>)> {
    match v? {
        Value::StringLit(s) => {
            Some((s.value.trim().to_string(), None)).filter(|(n, _)| !n.is_empty())
        }
        Value::Object(o) => {
            let kind = if has_type(o, "Person") {
                Some(PartyKind::Person)
            } else if has_type(o, "Organization") || has_type(o, "NewsMediaOrganization") {
                Some(PartyKind::Organisation)
            } else if has_type(o, "GovernmentOrganization") {
                Some(PartyKind::Government)
            } else {
                None
            };
            string(o, "name").map(|n| (n.to_string(), kind))
        }
        Value::Array(a) => a.elements.first().and_then(|e| party(Some(e))),
        _ => None,
    }
}

impl Reader<'_, '_> {
    fn parse(&mut self, text: &str, offset: usize) {
        let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default());
        match parsed {
            Ok(result) => match result.value {
                Some(value) => self.walk(&value, offset),
                None => self.feed.problems.push(Problem::row(0, "the file holds no JSON value")),
            },
            Err(e) => self.feed.problems.push(Problem::row(
                0,
                format!("this is not JSON: {e}; give a ClaimReview JSON-LD file, a feed, or an HTML page with JSON-LD"),
            )),
        }
    }

    fn walk(&mut self, value: &Value, offset: usize) {
        match value {
            Value::Array(a) => {
                for e in &a.elements {
                    self.walk(e, offset);
                }
            }
            Value::Object(o) => {
                if let Some(claims) = o.get_array("claims").filter(|_| o.get("@type").is_none()) {
                    for c in claims.elements.iter().filter_map(|e| e.as_object()) {
                        self.fact_check_tools(c, offset);
                    }
                } else if let Some(graph) = o.get("@graph") {
                    self.walk(&graph.value, offset);
                } else if let Some(elements) = o.get("dataFeedElement") {
                    for e in objects(Some(&elements.value)) {
                        match e.get("item") {
                            Some(item) => self.walk(&item.value, offset),
                            None => self.walk_object(e, offset),
                        }
                    }
                } else {
                    self.walk_object(o, offset);
                }
            }
            _ => {}
        }
    }

    fn walk_object(&mut self, o: &Object, offset: usize) {
        if has_type(o, "ClaimReview") || o.get("claimReviewed").is_some() {
            self.claim_review(o, offset);
        }
    }

    fn next_number(&mut self) -> u64 {
        self.number += 1;
        self.number
    }

    fn claimant(
        &mut self,
        row: u64,
        found: Option<(String, Option<PartyKind>)>,
        key: &str,
    ) -> Option<(String, Option<PartyKind>)> {
        let found = found.or_else(|| self.claimant_default.map(|d| (d.to_string(), None)));
        match &found {
            None => self.feed.problems.push(Problem::cell(
                row,
                key,
                "no claimant; give such items one with --claimant-default PARTY",
            )),
            Some((name, _)) if name.contains(',') => self.feed.warnings.push(format!(
                "item {row}: the claimant \"{name}\" is kept as one party (a comma-joined string may name several: split it with `party add` and `party merge` if so)"
            )),
            _ => {}
        }
        found
    }

    fn claim_review(&mut self, o: &Object, offset: usize) {
        let row = self.next_number();
        let Some(lit) = o
            .get_string("claimReviewed")
            .filter(|s| !s.value.trim().is_empty())
        else {
            self.feed.problems.push(Problem::cell(
                row,
                "claimReviewed",
                "this ClaimReview has no claimReviewed text",
            ));
            return;
        };
        let reviewed = o.get_object("itemReviewed");
        let claimant = self.claimant(
            row,
            party(reviewed.and_then(|r| r.get("author")).map(|p| &p.value)),
            "itemReviewed.author",
        );
        let appearances: Vec<&Object> = reviewed
            .map(|r| {
                let mut all = objects(r.get("appearance").map(|p| &p.value));
                all.extend(objects(r.get("firstAppearance").map(|p| &p.value)));
                all
            })
            .unwrap_or_default();
        let mut via: Vec<String> = Vec::new();
        for a in &appearances {
            let name = party(a.get("publisher").map(|p| &p.value))
                .map(|(n, _)| n)
                .or_else(|| {
                    string(a, "name")
                        .filter(|n| n.chars().count() <= 60)
                        .map(String::from)
                });
            if let Some(n) = name.filter(|n| !via.contains(n)) {
                via.push(n);
            }
        }
        if let Some(name) = reviewed.and_then(|r| string(r, "name")).filter(|n| {
            *n != lit.value.trim() && n.chars().count() <= 60 && !via.iter().any(|v| v == n)
        }) {
            via.push(name.to_string());
        }
        let url = appearances
            .iter()
            .find_map(|a| string(a, "url"))
            .or_else(|| reviewed.and_then(|r| string(r, "url")))
            .map(String::from);
        let said = reviewed
            .and_then(|r| string(r, "datePublished"))
            .and_then(super::date);
        let review_url = string(o, "url").map(String::from);
        let rating = o.get_object("reviewRating");
        let value = rating.and_then(|r| string(r, "alternateName").or_else(|| string(r, "name")));
        let by = party(o.get("author").map(|p| &p.value))
            .or_else(|| party(o.get("publisher").map(|p| &p.value)));
        let note = review_note(review_url.as_deref(), string(o, "datePublished"), None);
        let statuses = value
            .map(|v| StatusItem {
                value: v.to_string(),
                column: "reviewRating.alternateName".into(),
                by: by.as_ref().map(|(n, _)| n.clone()),
                by_kind: by.as_ref().and_then(|(_, k)| *k),
                note,
            })
            .into_iter()
            .collect();
        let Some((claimant, claimant_kind)) = claimant else {
            return;
        };
        self.feed.items.push(Item {
            row,
            column: "claimReviewed".into(),
            cell: offset + lit.start() + 1..offset + lit.end() - 1,
            statement: lit.value.trim().to_string(),
            claimant,
            claimant_kind,
            via,
            said,
            statuses,
            url,
            id: string(o, "@id").map(String::from).or(review_url),
            record: Some(Value::Object(o.clone()).into()),
        });
    }

    fn fact_check_tools(&mut self, c: &Object, offset: usize) {
        let row = self.next_number();
        let Some(lit) = c.get_string("text").filter(|s| !s.value.trim().is_empty()) else {
            self.feed
                .problems
                .push(Problem::cell(row, "text", "this claim has no text"));
            return;
        };
        let claimant = self.claimant(row, party(c.get("claimant").map(|p| &p.value)), "claimant");
        let reviews = objects(c.get("claimReview").map(|p| &p.value));
        let statuses: Vec<StatusItem> = reviews
            .iter()
            .filter_map(|r| {
                let value = string(r, "textualRating")?;
                let by = r
                    .get_object("publisher")
                    .and_then(|p| string(p, "name").or_else(|| string(p, "site")));
                Some(StatusItem {
                    value: value.to_string(),
                    column: "claimReview.textualRating".into(),
                    by: by.map(String::from),
                    by_kind: by.map(|_| PartyKind::Organisation),
                    note: review_note(
                        string(r, "url"),
                        string(r, "reviewDate"),
                        string(r, "languageCode"),
                    ),
                })
            })
            .collect();
        let Some((claimant, claimant_kind)) = claimant else {
            return;
        };
        self.feed.items.push(Item {
            row,
            column: "text".into(),
            cell: offset + lit.start() + 1..offset + lit.end() - 1,
            statement: lit.value.trim().to_string(),
            claimant,
            claimant_kind,
            via: Vec::new(),
            said: string(c, "claimDate").and_then(super::date),
            statuses,
            url: None,
            id: reviews
                .iter()
                .find_map(|r| string(r, "url"))
                .map(String::from),
            record: Some(Value::Object(c.clone()).into()),
        });
    }
}

/// "ClaimReview https://… of 2024-03-05 (en)".
fn review_note(url: Option<&str>, date: Option<&str>, language: Option<&str>) -> Option<String> {
    let mut note = String::from("ClaimReview");
    if let Some(u) = url {
        note += &format!(" {u}");
    }
    if let Some(d) = date {
        note += &format!(" of {d}");
    }
    if let Some(l) = language {
        note += &format!(" ({l})");
    }
    (note != "ClaimReview").then_some(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_review_maps_and_its_cell_is_the_string() {
        let text = r#"{"@type":"ClaimReview","claimReviewed":"The bridge was \"closed\"","url":"https://fc.example/1",
            "author":{"@type":"Organization","name":"Fact Desk"},
            "reviewRating":{"@type":"Rating","alternateName":"False"},
            "itemReviewed":{"@type":"Claim","datePublished":"2026-03-01T10:00:00",
              "author":{"@type":"Person","name":"Mayor Tolv"},
              "appearance":[{"@type":"CreativeWork","url":"https://news.example/a","publisher":{"name":"Daily Ledger"}}]}}"#;
        let feed = read(text, None);
        assert!(feed.problems.is_empty(), "{:?}", feed.problems);
        let item = &feed.items[0];
        assert_eq!(&text[item.cell.clone()], r#"The bridge was \"closed\""#);
        assert_eq!(item.statement, "The bridge was \"closed\"");
        assert_eq!(item.claimant, "Mayor Tolv");
        assert_eq!(item.claimant_kind, Some(PartyKind::Person));
        assert_eq!(item.via, vec!["Daily Ledger"]);
        assert_eq!(item.said.as_deref(), Some("2026-03-01"));
        assert_eq!(item.url.as_deref(), Some("https://news.example/a"));
        assert_eq!(item.statuses[0].value, "False");
        assert_eq!(item.statuses[0].by.as_deref(), Some("Fact Desk"));
        assert_eq!(item.id.as_deref(), Some("https://fc.example/1"));
    }

    #[test]
    fn html_blocks_are_found_at_their_offsets() {
        let html = "<html><script type=\"application/ld+json\">{\"claimReviewed\":\"one\",\"itemReviewed\":{\"author\":\"A\"}}</script>\n<SCRIPT type='application/ld+json'>[{\"claimReviewed\":\"two\",\"itemReviewed\":{\"author\":\"B\"}}]</SCRIPT></html>";
        let feed = read(html, None);
        let cells: Vec<&str> = feed.items.iter().map(|i| &html[i.cell.clone()]).collect();
        assert_eq!(cells, vec!["one", "two"]);
    }
}
