//! Claims: recording a claim anchored in a source, and more appearances of it.

use serde::Serialize;

use super::anchoring::*;
use super::parties::party_for;
use super::statuses::StatusEvent;
use super::*;
use crate::anchor::Options;
use crate::claim;
use crate::dates;
use crate::error::{Error, Result};
use crate::journal::{AppearanceRecord, Event};
use crate::source::short;
use crate::store::queries::IdTable;

/// What `claim add` needs.
#[derive(Debug, Clone, Default)]
pub struct NewClaim {
    /// The source version, as the user referred to it.
    pub source: String,
    /// The quote.
    pub quote: String,
    /// Which occurrence, if the quote occurs more than once.
    pub occurrence: Option<usize>,
    /// Accept a quote that starts or ends inside a word.
    pub partial_word: bool,
    /// Who made the claim.
    pub claimant: String,
    /// Through whom it reached the page, outermost last.
    pub via: Vec<String>,
    /// The fact-checker's wording (default: the quote as found).
    pub statement: Option<String>,
    /// When it was said.
    pub said: Option<String>,
    /// An initial status.
    pub status: Option<NewStatus>,
    /// Record it even if the same claimant's claim at the same span exists (`--duplicate`).
    pub duplicate: bool,
}

/// An appearance as reported to the user.
#[derive(Debug, Clone, Serialize)]
pub struct AppearanceOut {
    /// Source version (full SHA-256).
    pub source: String,
    /// Start in code points.
    pub start: usize,
    /// End in code points, exclusive.
    pub end: usize,
    /// Exact text.
    pub exact: String,
    /// Context before.
    pub prefix: String,
    /// Context after.
    pub suffix: String,
    /// Found only after normalization.
    pub normalized: bool,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start, in code points.
    pub column: usize,
    /// For an elided quote, the fragments it matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragments: Option<Vec<crate::anchor::Span>>,
}

/// What `claim add` and `claim cite` did.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRecorded {
    /// The claim id.
    pub id: String,
    /// The statement.
    pub statement: String,
    /// The claimant's display name.
    pub claimant: String,
    /// Conduits' display names.
    pub via: Vec<String>,
    /// The appearances recorded by this action.
    pub appearances: Vec<AppearanceOut>,
    /// The claim's status as one phrase.
    pub status_label: String,
    /// Parties this action created because their names were new.
    pub new_parties: Vec<String>,
    /// Other standing claims on the very same quote (by other claimants), as
    /// (id, claimant): worth a look, in case a claimant's name was mistyped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub same_quote: Vec<(String, String)>,
}

impl Ledger {
    /// Records a claim anchored in a source, with its claimant, conduits and (optionally) a
    /// first status.
    pub fn add_claim(&mut self, new: NewClaim) -> Result<ClaimRecorded> {
        let said = new
            .said
            .as_deref()
            .map(|s| dates::parse_date("--said", s))
            .transpose()?;
        let actor = self.actor.clone();
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let source = tx.resolve_source(&new.source)?;
        let text = load_text(&tx, &source)?;
        let options = Options {
            occurrence: new.occurrence,
            partial_word: new.partial_word,
        };
        let anchor = with_text(&tx, &source.sha256, &text, |t| {
            anchor_quote_with(t, &source.sha256, &new.quote, &options)
        })
        .map_err(|e| say_where_else(&tx, &source, &new.quote, &options, e))?;
        let mut created = Vec::new();
        let claimant = party_for(&tx, &time, &actor, &new.claimant, &mut created)?;
        if !new.duplicate {
            let existing =
                tx.duplicate_claim(claimant.id, &source.sha256, anchor.start, anchor.end)?;
            if let Some(existing) = existing {
                return Err(Error::DuplicateClaim {
                    existing,
                    claimant: new.claimant.clone(),
                    short: short(&source.sha256).to_string(),
                    start: anchor.start,
                    end: anchor.end,
                });
            }
        }
        let mut via = Vec::new();
        for name in &new.via {
            let party = party_for(&tx, &time, &actor, name, &mut created)?;
            if party.id == claimant.id {
                return Err(Error::ClaimantIsConduit(name.clone()));
            }
            via.push(party);
        }
        let same_quote = tx.claims_at_span(&source.sha256, anchor.start, anchor.end)?;
        let number = tx.next_id(IdTable::Claims)?;
        let id = claim::id(number);
        let statement = new
            .statement
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| default_statement(&quoted_words(&text, &anchor)));
        let appearance = AppearanceRecord {
            id: tx.next_id(IdTable::Appearances)?,
            source: source.sha256.clone(),
            quote: new.quote.clone(),
            anchor: anchor.clone(),
        };
        let appearance_id = appearance.id;
        tx.append(
            &time,
            &actor,
            Event::ClaimAdd {
                id: id.clone(),
                statement,
                claimant,
                via,
                said,
                appearance,
                imported: None,
            },
        )?;
        track_in_other_versions(&tx, &time, &actor, &source, appearance_id)?;
        if let Some(new_status) = &new.status {
            let status = StatusEvent::prepare(&tx, &time, &actor, new_status, &mut created)?;
            tx.append(&time, &actor, status.for_claim(&id))?;
        }
        let core = tx.claim(number, &id)?;
        tx.commit()?;
        Ok(ClaimRecorded {
            id,
            statement: core.statement,
            claimant: core.claimant,
            via: core.via,
            appearances: vec![appearance_out(&text, &source.sha256, &anchor)],
            status_label: core.status_label,
            new_parties: created,
            same_quote,
        })
    }

    /// Records one more appearance of a claim; `options` say which occurrence and whether a
    /// partial word is meant.
    pub fn cite_claim(
        &mut self,
        claim_ref: &str,
        source_ref: &str,
        quote: &str,
        options: &Options,
    ) -> Result<ClaimRecorded> {
        let number = claim::parse_id(claim_ref)?;
        let tx = self.store.begin_write()?;
        let time = dates::now();
        let core = tx.claim(number, claim_ref)?;
        core.standing().check_open(&core.id, "cite")?;
        let source = tx.resolve_source(source_ref)?;
        let text = load_text(&tx, &source)?;
        let anchor = with_text(&tx, &source.sha256, &text, |t| {
            anchor_quote_with(t, &source.sha256, quote, options)
        })
        .map_err(|e| say_where_else(&tx, &source, quote, options, e))?;
        if tx.has_appearance(&core.id, &source.sha256, anchor.start, anchor.end)? {
            return Err(Error::DuplicateAppearance {
                claim: core.id,
                short: short(&source.sha256).to_string(),
                start: anchor.start,
                end: anchor.end,
            });
        }
        let appearance = AppearanceRecord {
            id: tx.next_id(IdTable::Appearances)?,
            source: source.sha256.clone(),
            quote: quote.to_string(),
            anchor: anchor.clone(),
        };
        let appearance_id = appearance.id;
        tx.append(
            &time,
            &self.actor,
            Event::ClaimCite {
                claim: core.id.clone(),
                appearance,
            },
        )?;
        track_in_other_versions(&tx, &time, &self.actor, &source, appearance_id)?;
        tx.commit()?;
        Ok(ClaimRecorded {
            id: core.id,
            statement: core.statement,
            claimant: core.claimant,
            via: core.via,
            appearances: vec![appearance_out(&text, &source.sha256, &anchor)],
            status_label: core.status_label,
            new_parties: Vec::new(),
            same_quote: Vec::new(),
        })
    }
}

/// The words a quote matched: its exact text, or an elided quote's fragments joined by
/// " … ".
fn quoted_words(text: &str, anchor: &crate::anchor::Anchor) -> String {
    match &anchor.fragments {
        Some(fragments) => {
            let t = crate::anchor::Text::new(text);
            let parts: Vec<&str> = fragments.iter().map(|f| t.slice(f.start, f.end)).collect();
            parts.join(" … ")
        }
        None => anchor.exact.clone(),
    }
}

/// Quotation marks that open or close a double-quoted passage.
const DOUBLE_MARKS: &[char] = &[
    '"', '\u{201C}', '\u{201D}', '\u{201E}', '\u{201F}', '\u{AB}', '\u{BB}',
];
/// Single quotation marks that open a passage (the closing ones are also apostrophes).
const SINGLE_OPENERS: &[char] = &['\u{2018}', '\u{201A}', '\u{201B}', '\u{2039}'];
/// Single quotation marks that close a passage.
const SINGLE_CLOSERS: &[char] = &['\u{2019}', '\u{203A}', '\''];

/// The statement a claim gets when `--statement` is not given: the quote as found, with
/// line breaks (and the spaces around them) folded to one space, and without the
/// quotation marks around it or the commas after it (`“We will rebuild,”` becomes
/// `We will rebuild`). A mark is only dropped when it has no partner left inside, so
/// `he called it “a lie”` keeps its marks. The appearance keeps the exact text.
pub fn default_statement(exact: &str) -> String {
    let folded = fold_line_breaks(exact);
    let mut s: &str = &folded;
    loop {
        let before = s.len();
        s = s.trim().trim_end_matches(',').trim_end();
        let doubles = s.chars().filter(|c| DOUBLE_MARKS.contains(c)).count();
        let first = s.chars().next();
        let last = s.chars().next_back();
        let is_double = |c: Option<char>| c.is_some_and(|c| DOUBLE_MARKS.contains(&c));
        if is_double(first) && is_double(last) && doubles == 2 && s.chars().count() >= 2 {
            s = strip_last(strip_first(s));
        } else if is_double(first) && doubles % 2 == 1 {
            s = strip_first(s);
        } else if is_double(last) && doubles % 2 == 1 {
            s = strip_last(s);
        } else if first.is_some_and(|c| SINGLE_OPENERS.contains(&c)) {
            let inner_openers = s
                .chars()
                .skip(1)
                .filter(|c| SINGLE_OPENERS.contains(c))
                .count();
            if inner_openers == 0 {
                s = strip_first(s);
                if s.chars()
                    .next_back()
                    .is_some_and(|c| SINGLE_CLOSERS.contains(&c))
                {
                    s = strip_last(s);
                }
            }
        }
        if s.len() == before {
            break;
        }
    }
    if s.is_empty() { folded } else { s.to_string() }
}

/// Every run of whitespace that holds a line break becomes one space; other spacing (a
/// no-break space, say) is kept as it is.
fn fold_line_breaks(text: &str) -> String {
    let is_break = |c: char| {
        matches!(
            c,
            '\n' | '\r' | '\u{B}' | '\u{C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    };
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            run.push(c);
            continue;
        }
        if run.chars().any(is_break) {
            out.push(' ');
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.push_str(&run);
    out
}

fn strip_first(s: &str) -> &str {
    let mut chars = s.chars();
    chars.next();
    chars.as_str()
}

fn strip_last(s: &str) -> &str {
    let mut chars = s.chars();
    chars.next_back();
    chars.as_str()
}

#[cfg(test)]
mod tests {
    use super::default_statement;

    #[test]
    fn default_statements_lose_surrounding_marks_and_commas() {
        assert_eq!(
            default_statement("\u{201C}We will rebuild,\u{201D}"),
            "We will rebuild"
        );
        assert_eq!(
            default_statement("fully operational\u{201D},"),
            "fully operational"
        );
        assert_eq!(
            default_statement("\u{201C}fully\noperational"),
            "fully operational"
        );
        assert_eq!(
            default_statement("he called it \u{201C}a lie\u{201D}"),
            "he called it \u{201C}a lie\u{201D}"
        );
        assert_eq!(
            default_statement("the ministers\u{2019}"),
            "the ministers\u{2019}"
        );
        assert_eq!(default_statement("\u{2018}no\u{2019},"), "no");
        assert_eq!(default_statement("\"\""), "\"\"");
        assert_eq!(
            default_statement("40\u{A0}fighters, \n  said"),
            "40\u{A0}fighters, said"
        );
    }
}
