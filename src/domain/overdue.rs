//! Overdue computation in the dealer's time zone.
//!
//! A follow-up is overdue when it is not `COMPLETE` and its due date lies before the
//! dealer's current calendar date. A follow-up due today is never overdue, wherever UTC is.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::follow_up::FollowUpStatus;

/// Returns the calendar date at `now` in the time zone `zone`.
pub fn today_in(zone: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// Whether a follow-up with this status and due date is overdue on the dealer's `today`.
pub fn is_overdue(status: FollowUpStatus, due_date: NaiveDate, today: NaiveDate) -> bool {
    status != FollowUpStatus::Complete && due_date < today
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    #[test]
    fn los_angeles_is_still_yesterday_at_two_utc() {
        let now = Utc.with_ymd_and_hms(2025, 3, 11, 2, 0, 0).unwrap();
        let today = today_in(chrono_tz::America::Los_Angeles, now);
        assert_eq!(today, date("2025-03-10"));
        assert!(!is_overdue(FollowUpStatus::NotStarted, date("2025-03-10"), today));
        assert!(is_overdue(FollowUpStatus::NotStarted, date("2025-03-09"), today));
    }

    #[test]
    fn complete_follow_ups_are_never_overdue() {
        let today = date("2025-03-10");
        assert!(!is_overdue(FollowUpStatus::Complete, date("2020-01-01"), today));
        assert!(is_overdue(FollowUpStatus::Scheduled, date("2025-03-09"), today));
    }

    #[test]
    fn toronto_has_moved_on_when_los_angeles_has_not() {
        let now = Utc.with_ymd_and_hms(2025, 3, 11, 6, 30, 0).unwrap();
        assert_eq!(today_in(chrono_tz::America::Toronto, now), date("2025-03-11"));
        assert_eq!(today_in(chrono_tz::America::Los_Angeles, now), date("2025-03-10"));
    }
}
