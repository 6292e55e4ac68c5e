//! schema.org ClaimReview (JSON-LD), as Google's fact-check structured data reads it.
//!
//! Design decisions (every term is a schema.org term on the type it is used with):
//!
//! - One `ClaimReview` per claim that has been given a status; its `reviewRating` is a
//!   `Rating` whose `alternateName` is the status's ClaimReview rating and whose `name` is
//!   the status phrase ("denied by Valtrane"); the status note is its `ratingExplanation`.
//! - `url` is `SITE/claims/ID`; `author` is the publishing `Organization`; `datePublished`
//!   is the day of the latest status event.
//! - `itemReviewed` is a `Claim` whose `author` is the claimant (`Person` for people and
//!   unnamed sources, `Organization` otherwise), whose `datePublished` is the day it was
//!   said, and whose `name` carries the conduit chain ("X via Y: statement"), since
//!   schema.org has no property for a relay.
//! - Each appearance is a `MediaObject` (a `CreativeWork`, so a valid `appearance`) that
//!   names the exact bytes with `sha256` and `identifier` (`urn:sha256:…`), with the
//!   source's `url`, `name` (title), `publisher`, `datePublished` and `encodingFormat`.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::pretty::Open;
use super::{ClaimRecord, PartyRecord, SourceRecord, day};

/// Google shows at most this many characters of `claimReviewed`.
pub const CLAIM_REVIEWED_MAX: usize = 75;

/// Who publishes the reviews.
#[derive(Debug, Clone)]
pub struct Publisher {
    /// The organisation's name.
    pub name: String,
    /// Its site, the base of each review's URL (`SITE/claims/C1`).
    pub site: String,
}

/// A review's URL.
pub fn review_url(site: &str, claim: &str) -> String {
    format!("{}/claims/{claim}", site.trim_end_matches('/'))
}

/// What is worth telling about an export of ClaimReviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The claim has no status yet, so it has no ClaimReview.
    NoStatus(String),
    /// The statement is longer than Google shows of `claimReviewed`.
    Long {
        /// The claim.
        claim: String,
        /// Its length in characters.
        length: usize,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::NoStatus(id) => write!(
                f,
                "{id} has no status yet, so it has no ClaimReview (set one with `claimledger status set {id}`)"
            ),
            Warning::Long { claim, length } => write!(
                f,
                "{claim}: claimReviewed is {length} characters; Google shows at most {CLAIM_REVIEWED_MAX}"
            ),
        }
    }
}

/// Writes the ClaimReviews of `claims` as a pretty-printed JSON array, or as a `DataFeed`
/// when `feed`, one claim at a time, and a final line break. `warn` hears what is worth
/// telling, claim by claim. Returns how many reviews were written.
pub fn write(
    out: &mut dyn Write,
    claims: impl IntoIterator<Item = ClaimRecord>,
    publisher: &Publisher,
    feed: bool,
    mut warn: impl FnMut(Warning),
) -> io::Result<usize> {
    // A feed's keys in serde_json's (sorted) order: the elements come before
    // `dateModified`, which is the latest status time among them.
    let mut doc = Open::object(0);
    let depth = if feed {
        doc.field(out, "@context", &"https://schema.org")?;
        doc.field(out, "@type", &"DataFeed")?;
        doc.key(out, "dataFeedElement")?;
        1
    } else {
        0
    };
    let mut reviews = Open::array(depth);
    let mut modified: Option<String> = None;
    for c in claims {
        let Some(mut review) = review(&c, publisher) else {
            warn(Warning::NoStatus(c.id));
            continue;
        };
        let length = c.statement.chars().count();
        if length > CLAIM_REVIEWED_MAX {
            warn(Warning::Long {
                claim: c.id.clone(),
                length,
            });
        }
        if let Some(latest) = c.latest()
            && modified.as_deref().is_none_or(|m| latest.time.as_str() > m)
        {
            modified = Some(latest.time.clone());
        }
        if !feed {
            with_context(&mut review);
        }
        reviews.element(out, &review)?;
    }
    let written = reviews.len();
    reviews.close(out)?;
    if feed {
        if let Some(m) = &modified {
            doc.field(out, "dateModified", m)?;
        }
        doc.field(out, "name", &format!("{} fact checks", publisher.name))?;
        doc.field(out, "url", &publisher.site)?;
        doc.close(out)?;
    }
    out.write_all(b"\n")?;
    Ok(written)
}

/// Marks a review as a document of its own (`@context`), as a JSON array of reviews and
/// the report's JSON-LD hold them; a `DataFeed` carries the context once for all.
pub fn with_context(review: &mut Map<String, Value>) {
    review.insert("@context".into(), json!("https://schema.org"));
}

/// One claim's ClaimReview (without `@context`), or None if it has no status yet.
pub fn review(c: &ClaimRecord, publisher: &Publisher) -> Option<Map<String, Value>> {
    let latest = c.latest()?;
    let mut rating = Map::new();
    rating.insert("@type".into(), json!("Rating"));
    rating.insert("alternateName".into(), json!(latest.rating));
    rating.insert("name".into(), json!(latest.phrase));
    if let Some(note) = &latest.note {
        rating.insert("ratingExplanation".into(), json!(note));
    }

    let mut item = Map::new();
    item.insert("@type".into(), json!("Claim"));
    item.insert(
        "name".into(),
        json!(format!("{}: {}", c.chain(), c.statement)),
    );
    item.insert("author".into(), party(&c.claimant));
    if let Some(said) = &c.said {
        item.insert("datePublished".into(), json!(day(said)));
    }
    let appearances: Vec<Value> = c.appearances.iter().map(|a| media(&a.source)).collect();
    if let Some(first) = appearances.first() {
        item.insert("firstAppearance".into(), first.clone());
        item.insert("appearance".into(), Value::Array(appearances));
    }

    let mut review = Map::new();
    review.insert("@type".into(), json!("ClaimReview"));
    review.insert("url".into(), json!(review_url(&publisher.site, &c.id)));
    review.insert("claimReviewed".into(), json!(c.statement));
    review.insert("datePublished".into(), json!(day(&latest.time)));
    review.insert(
        "author".into(),
        json!({"@type": "Organization", "name": publisher.name, "url": publisher.site}),
    );
    review.insert("reviewRating".into(), Value::Object(rating));
    review.insert("itemReviewed".into(), Value::Object(item));
    Some(review)
}

/// A party as a schema.org Person or Organization.
fn party(p: &PartyRecord) -> Value {
    let kind = if p.is_person() {
        "Person"
    } else {
        "Organization"
    };
    json!({"@type": kind, "name": p.name})
}

/// A source version as a MediaObject naming its exact bytes.
fn media(s: &SourceRecord) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("MediaObject"));
    if let Some(url) = &s.url {
        m.insert("url".into(), json!(url));
    }
    m.insert("sha256".into(), json!(s.sha256));
    m.insert(
        "identifier".into(),
        json!(format!("urn:sha256:{}", s.sha256)),
    );
    m.insert("encodingFormat".into(), json!(s.media_type));
    if let Some(title) = &s.title {
        m.insert("name".into(), json!(title));
    }
    if let Some(publisher) = &s.publisher {
        m.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": publisher}),
        );
    }
    if let Some(published) = &s.published {
        m.insert("datePublished".into(), json!(day(published)));
    }
    Value::Object(m)
}
