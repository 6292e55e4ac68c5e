//! Claims and how users name them.
//!
//! A claim's id is `C` and a number given in order (`C1`, `C2`, ...): short enough to type
//! while reading, and stable because the journal records it.

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

#[cfg(test)]
mod tests {
    #[test]
    fn ids_round_trip() {
        assert_eq!(super::parse_id("C12").unwrap(), 12);
        assert_eq!(super::parse_id("c3").unwrap(), 3);
        assert_eq!(super::parse_id("7").unwrap(), 7);
        assert!(super::parse_id("X1").is_err());
        assert!(super::parse_id("C0").is_err());
        assert_eq!(super::id(4), "C4");
    }
}
