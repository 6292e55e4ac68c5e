//! Claims: how users name them, and the rules of correcting them.
//!
//! A claim's id is `C` and a number given in order (`C1`, `C2`, ...): short enough to type
//! while reading, and stable because the journal records it.
//!
//! Design decision: a claim is never edited or deleted. It is *corrected* by a new journal
//! entry (amend, withdraw, restore, uncite) that says why, and a withdrawn claim keeps its
//! id, its history and its audit; it only leaves the tables. The rules of what may be
//! corrected live here, so every use case (and any future front end) asks the same
//! questions: a withdrawn claim can be restored and audited, nothing else; an amendment
//! must change something; a claim keeps at least one appearance.

use crate::error::{Error, Result};

/// Turns a claim number into its id.
pub fn id(number: i64) -> String {
    format!("C{number}")
}

/// Parses a claim id as users type it: `C12`, `c12` or `12`.
pub fn parse_id(text: &str) -> Result<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['C', 'c']).unwrap_or(t);
    match digits.parse::<i64>() {
        Ok(n) if n >= 1 && !digits.starts_with('+') => Ok(n),
        _ => Err(Error::UnknownClaim(text.to_string())),
    }
}

/// Whether a claim stands or was withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// In the tables.
    Standing,
    /// Withdrawn: logged by mistake or a duplicate; out of the tables, still audited.
    Withdrawn,
}

impl Standing {
    /// From whether the claim has a standing withdrawal.
    pub fn of(withdrawn: bool) -> Standing {
        if withdrawn {
            Standing::Withdrawn
        } else {
            Standing::Standing
        }
    }

    /// Refuses `action` ("amend", "cite", ...) on a withdrawn claim: it must be restored
    /// first, so a correction never lands on a claim nobody sees.
    pub fn check_open(self, claim: &str, action: &'static str) -> Result<()> {
        match self {
            Standing::Standing => Ok(()),
            Standing::Withdrawn => Err(Error::ClaimWithdrawn {
                claim: claim.to_string(),
                action,
            }),
        }
    }

    /// Refuses to withdraw a claim twice.
    pub fn check_withdraw(self, claim: &str) -> Result<()> {
        match self {
            Standing::Standing => Ok(()),
            Standing::Withdrawn => Err(Error::AlreadyWithdrawn(claim.to_string())),
        }
    }

    /// Refuses to restore a claim that stands.
    pub fn check_restore(self, claim: &str) -> Result<()> {
        match self {
            Standing::Withdrawn => Ok(()),
            Standing::Standing => Err(Error::NotWithdrawn(claim.to_string())),
        }
    }
}

/// The reason every correction records: trimmed, and never empty.
pub fn reason(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::EmptyReason);
    }
    Ok(text.to_string())
}

/// A claim keeps at least one appearance: taking back the last one would leave a claim
/// anchored nowhere (withdraw it instead).
pub fn check_uncite(claim: &str, appearances: usize) -> Result<()> {
    if appearances <= 1 {
        return Err(Error::LastAppearance(claim.to_string()));
    }
    Ok(())
}

/// What an amendment asks to change, as typed (None: leave as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amendment {
    /// A new statement.
    pub statement: Option<String>,
    /// A new claimant (any name).
    pub claimant: Option<String>,
    /// A new conduit chain (empty: none).
    pub via: Option<Vec<String>>,
    /// A new date said (already parsed).
    pub said: Option<String>,
}

impl Amendment {
    /// Checks that it asks for something, and that a new statement is not empty; returns
    /// it with the statement trimmed.
    pub fn checked(mut self, claim: &str) -> Result<Amendment> {
        if self.statement.is_none()
            && self.claimant.is_none()
            && self.via.is_none()
            && self.said.is_none()
        {
            return Err(Error::NothingToAmend(claim.to_string()));
        }
        if let Some(s) = &self.statement {
            let s = s.trim();
            if s.is_empty() {
                return Err(Error::InvalidValue {
                    what: "--statement",
                    value: String::new(),
                    expected: "the statement is empty; give the claim's wording, or leave --statement out",
                });
            }
            self.statement = Some(s.to_string());
        }
        Ok(self)
    }
}

/// A claim's own fields as they are now, compared with what an amendment would make them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The statement.
    pub statement: String,
    /// The claimant's party id.
    pub claimant: i64,
    /// The conduits' party ids, outermost last.
    pub via: Vec<i64>,
    /// When it was said.
    pub said: Option<String>,
}

/// Refuses an amendment that changes nothing, and one that makes the claimant (named
/// `claimant`) a conduit of its own claim.
pub fn check_amended(claim: &str, claimant: &str, before: &Fields, after: &Fields) -> Result<()> {
    if before == after {
        return Err(Error::AmendChangesNothing(claim.to_string()));
    }
    if after.via.contains(&after.claimant) {
        return Err(Error::ClaimantIsConduit(claimant.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        assert_eq!(parse_id("C12").unwrap(), 12);
        assert_eq!(parse_id("c3").unwrap(), 3);
        assert_eq!(parse_id("7").unwrap(), 7);
        assert!(parse_id("X1").is_err());
        assert!(parse_id("C0").is_err());
        assert_eq!(id(4), "C4");
    }

    #[test]
    fn a_withdrawn_claim_is_closed_to_everything_but_restore() {
        let w = Standing::Withdrawn;
        assert!(matches!(
            w.check_open("C1", "amend"),
            Err(Error::ClaimWithdrawn { .. })
        ));
        assert!(w.check_withdraw("C1").is_err());
        assert!(w.check_restore("C1").is_ok());
        let s = Standing::Standing;
        assert!(s.check_open("C1", "amend").is_ok());
        assert!(s.check_withdraw("C1").is_ok());
        assert!(matches!(s.check_restore("C1"), Err(Error::NotWithdrawn(_))));
    }

    #[test]
    fn corrections_need_a_reason_and_a_change() {
        assert!(matches!(reason("  "), Err(Error::EmptyReason)));
        assert_eq!(reason(" typo ").unwrap(), "typo");
        assert!(matches!(
            Amendment::default().checked("C1"),
            Err(Error::NothingToAmend(_))
        ));
        let blank = Amendment {
            statement: Some(" ".into()),
            ..Amendment::default()
        };
        assert!(blank.checked("C1").is_err());
        let f = Fields {
            statement: "s".into(),
            claimant: 1,
            via: vec![2],
            said: None,
        };
        assert!(matches!(
            check_amended("C1", "x", &f, &f.clone()),
            Err(Error::AmendChangesNothing(_))
        ));
        let own_conduit = Fields {
            claimant: 2,
            ..f.clone()
        };
        assert!(check_amended("C1", "x", &f, &own_conduit).is_err());
        assert!(check_uncite("C1", 1).is_err());
        assert!(check_uncite("C1", 2).is_ok());
    }
}
