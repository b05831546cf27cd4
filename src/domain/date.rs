//! Strict parsing of calendar dates as the API writes them.

use chrono::NaiveDate;

/// Parses exactly `yyyy-MM-dd` with four-digit years.
///
/// chrono's `%Y` also accepts signed and longer years such as `+10000-01-01`, which would
/// compare wrongly where dates are stored as text, so the shape is checked first.
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
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
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
}
