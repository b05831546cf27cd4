//! Strict parsing of calendar dates as the API writes them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serializer};

/// The form and range of the dates that the API accepts, worded for error messages.
pub const DATE_RULE: &str = "a calendar date from 0001-01-01 to 9999-12-31 in the form yyyy-MM-dd";

/// Parses exactly `yyyy-MM-dd` with a year from 0001 to 9999.
///
/// chrono's `%Y` also accepts signed and longer years such as `+10000-01-01`, which would
/// compare wrongly where dates are stored as text, so the shape is checked first. Year 0000
/// is rejected so that both backends agree: PostgreSQL 15 rejects it as `date` input
/// because its calendar has no year 0, while SQLite stores dates as text and would keep it.
pub fn parse_calendar_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| date.year() >= 1)
}

/// Serde functions for a date written as `yyyy-MM-dd`, for `#[serde(with = ...)]`.
///
/// Decoding applies [`parse_calendar_date`], so a decoded date is one that the API accepts
/// in a request.
pub mod calendar_date {
    use super::*;

    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&date.format("%Y-%m-%d"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_calendar_date(&text)
            .ok_or_else(|| serde::de::Error::custom(format_args!("{text:?} is not {DATE_RULE}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_four_digit_years() {
        assert!(parse_calendar_date("2026-12-04").is_some());
        for bad in [
            "+10000-01-01",
            "-0001-01-01",
            "+999-01-01",
            "10000-01-01",
            "2026-1-04",
            "2026-02-30",
            " 2026-12-04",
        ] {
            assert_eq!(parse_calendar_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn accepts_years_0001_to_9999() {
        assert_eq!(
            parse_calendar_date("0001-01-01"),
            NaiveDate::from_ymd_opt(1, 1, 1)
        );
        assert_eq!(
            parse_calendar_date("9999-12-31"),
            NaiveDate::from_ymd_opt(9999, 12, 31)
        );
        assert_eq!(parse_calendar_date("0000-01-01"), None);
        assert_eq!(parse_calendar_date("0000-02-29"), None);
    }

    #[derive(Debug, PartialEq, serde::Serialize, Deserialize)]
    struct Dated {
        #[serde(with = "calendar_date")]
        date: NaiveDate,
    }

    #[test]
    fn serde_round_trips_and_applies_the_range() {
        let dated = Dated {
            date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        };
        let json = serde_json::to_string(&dated).unwrap();
        assert_eq!(json, r#"{"date":"2026-03-09"}"#);
        assert_eq!(serde_json::from_str::<Dated>(&json).unwrap(), dated);
        for bad in ["0000-01-01", "-4714-01-01", "-262143-01-01", "2026-02-30"] {
            let json = format!(r#"{{"date":"{bad}"}}"#);
            assert!(serde_json::from_str::<Dated>(&json).is_err(), "{bad}");
        }
    }
}
