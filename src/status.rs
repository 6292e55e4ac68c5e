//! The status vocabulary and how a status reads.
//!
//! A status has a name users type (`denied`), a label people read ("not independently
//! confirmed"), whether it takes a party ("denied by Kyiv"), and the ClaimReview rating it
//! maps to. The built-in statuses are part of the schema (schema.sql).

/// One status of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    /// The name users type.
    pub name: String,
    /// The phrase people read.
    pub label: String,
    /// Whether it must name a party (`--by`).
    pub takes_party: bool,
    /// The ClaimReview rating it maps to.
    pub rating: Option<String>,
    /// Whether it comes with claimledger.
    pub builtin: bool,
}

impl Status {
    /// A status that names a party ("denied by Kyiv") must be given one with `--by`.
    pub fn check_party(&self, by: Option<&str>) -> crate::error::Result<()> {
        if self.takes_party && by.is_none_or(|b| b.trim().is_empty()) {
            return Err(crate::error::Error::StatusNeedsParty {
                status: self.name.clone(),
            });
        }
        Ok(())
    }
}

/// A status is a finding about a standing claim: a withdrawn claim (logged by mistake, or
/// a duplicate) takes no new status until it is restored, so nobody reads a verdict on a
/// claim the tables no longer show.
pub fn check_settable(claim: &str, standing: crate::claim::Standing) -> crate::error::Result<()> {
    standing.check_open(claim, "set a status on")
}

/// The status every claim has until a status is set.
pub const DEFAULT_STATUS: &str = "unverified";

/// A status as one phrase: "denied by Kyiv", "not independently confirmed".
pub fn phrase(label: &str, party: Option<&str>) -> String {
    match party {
        Some(party) => format!("{label} by {party}"),
        None => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Standing;

    #[test]
    fn a_party_status_needs_its_party_and_a_withdrawn_claim_takes_none() {
        let denied = Status {
            name: "denied".into(),
            label: "denied".into(),
            takes_party: true,
            rating: None,
            builtin: true,
        };
        assert!(denied.check_party(None).is_err());
        assert!(denied.check_party(Some("  ")).is_err());
        assert!(denied.check_party(Some("Kyiv")).is_ok());
        assert!(check_settable("C1", Standing::Withdrawn).is_err());
        assert!(check_settable("C1", Standing::Standing).is_ok());
    }

    #[test]
    fn phrases_read_as_people_write() {
        assert_eq!(super::phrase("denied", Some("Kyiv")), "denied by Kyiv");
        assert_eq!(
            super::phrase("not independently confirmed", None),
            "not independently confirmed"
        );
    }
}
