//! Dates and times as the ledger writes them.
//!
//! Everything recorded is RFC 3339 in UTC with millisecond precision, so that times sort as
//! text in SQLite and compare across machines. A date a user types (`--said`,
//! `--published`) may be a calendar day (`2023-05-24`) or a full RFC 3339 time; it is kept
//! in the form given, after checking it is real.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::error::{Error, Result};

/// Now, as the ledger records times.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Checks a user-typed date (`YYYY-MM-DD` or RFC 3339) and returns it in canonical form:
/// a day stays a day; a time becomes UTC with millisecond precision.
pub fn parse_date(what: &'static str, value: &str) -> Result<String> {
    let value = value.trim();
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        if value.len() == 10 {
            return Ok(day.format("%Y-%m-%d").to_string());
        }
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Ok(time
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    let shaped_like_a_day = value.len() == 10
        && value.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    Err(Error::InvalidValue {
        what,
        value: value.to_string(),
        expected: if shaped_like_a_day {
            "there is no such day in the calendar; check the month and the day"
        } else {
            "expected a date as YYYY-MM-DD (e.g. 2023-05-24) or an RFC 3339 time (e.g. 2023-05-24T14:30:00Z)"
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_are_accepted() {
        assert_eq!(parse_date("--said", "2023-05-24").unwrap(), "2023-05-24");
        assert_eq!(
            parse_date("--said", "2023-05-24T16:30:00+02:00").unwrap(),
            "2023-05-24T14:30:00.000Z"
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2023-13-01",
            "2023-02-30",
            "24/05/2023",
            "2023-5-4",
            "yesterday",
            "",
        ] {
            assert!(parse_date("--said", bad).is_err(), "{bad} was accepted");
        }
    }
}
