//! Dates and times as the ledger writes them.
//!
//! Everything recorded is RFC 3339 in UTC with millisecond precision, so that times sort as
//! text in SQLite and compare across machines. A date a user types (`--said`,
//! `--published`) may be a calendar day (`2023-05-24`) or a full RFC 3339 time; it is kept
//! in the form given, after checking it is real.
//!
//! A date recorded about a claim or a source must also be plausible: from
//! [`EARLIEST_YEAR`] to tomorrow (a day of slack for time zones). `--said 0000-01-01` or
//! `--captured 9999-12-31` is a typo, and a typo in the journal stays there forever, so it
//! is refused rather than warned about. Filters (`list --since`) take any real date.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

use crate::error::{Error, Result};

/// Now, as the ledger records times.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The earliest year a recorded date may have.
pub const EARLIEST_YEAR: i32 = 1800;

/// Checks a user-typed date to record (`YYYY-MM-DD` or RFC 3339) and returns it in
/// canonical form: a day stays a day; a time becomes UTC with millisecond precision. It
/// must be real and plausible: from [`EARLIEST_YEAR`] to tomorrow.
pub fn parse_date(what: &'static str, value: &str) -> Result<String> {
    let date = parse_any_date(what, value)?;
    let day =
        NaiveDate::parse_from_str(&date[..10], "%Y-%m-%d").map_err(|_| Error::InvalidValue {
            what,
            value: value.trim().to_string(),
            expected: "expected a date as YYYY-MM-DD (e.g. 2023-05-24)",
        })?;
    let tomorrow = Utc::now().date_naive() + chrono::Days::new(1);
    if day.year() < EARLIEST_YEAR || day > tomorrow {
        return Err(Error::ImplausibleDate {
            what,
            value: value.trim().to_string(),
            earliest: EARLIEST_YEAR,
            latest: tomorrow.format("%Y-%m-%d").to_string(),
        });
    }
    Ok(date)
}

/// Like [`parse_date`] but any real date passes (for filters such as `list --since`).
pub fn parse_any_date(what: &'static str, value: &str) -> Result<String> {
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

    #[test]
    fn implausible_dates_are_refused_but_filters_take_them() {
        for bad in [
            "0000-01-01",
            "1799-12-31",
            "9999-12-31",
            "9999-12-31T00:00:00Z",
        ] {
            assert!(
                matches!(
                    parse_date("--said", bad),
                    Err(Error::ImplausibleDate { .. })
                ),
                "{bad} was accepted"
            );
            assert!(parse_any_date("--since", bad).is_ok(), "{bad}");
        }
        assert!(parse_date("--said", "1800-01-01").is_ok());
        assert!(parse_date("--said", &now()).is_ok());
    }
}
