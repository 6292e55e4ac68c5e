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
    #[test]
    fn phrases_read_as_people_write() {
        assert_eq!(super::phrase("denied", Some("Kyiv")), "denied by Kyiv");
        assert_eq!(
            super::phrase("not independently confirmed", None),
            "not independently confirmed"
        );
    }
}
