//! Tests of the SQLite migrations on data written under an earlier schema.

use rusqlite::Connection;

const INITIAL: &str = include_str!("../../../migrations/sqlite/0001_initial.sql");
const STATUS_INDEXES: &str = include_str!("../../../migrations/sqlite/0002_status_in_fetch_indexes.sql");
const HISTORY_CHAIN: &str = include_str!("../../../migrations/sqlite/0003_history_chain.sql");

fn insert_follow_up(conn: &Connection, id: i64) {
    conn.execute(
        "INSERT INTO follow_ups (id, uuid, dealer_id, department_id, due_date, status, created_at, updated_at)
         VALUES (?1, 'f' || ?1, 1, 1, '2030-01-01', 'NOT_STARTED', 'now', 'now')",
        [id],
    )
    .unwrap();
}

fn insert_event(conn: &Connection, id: i64, follow_up: i64) {
    conn.execute(
        "INSERT INTO follow_up_events (
             id, follow_up_id, action, status_before, status_after, archived_before,
             archived_after, version_after, path_user_uuid, actor_uuid, actor_fname,
             actor_lname, subscriber_id, request_id, occurred_at)
         VALUES (?1, ?2, 'ASSIGN', 'NOT_STARTED', 'NOT_STARTED', 0, 0, 1, 'u', 'u', '', '', 1, 'r', 'now')",
        [id, follow_up],
    )
    .unwrap();
}

fn previous(conn: &Connection, event: i64) -> Option<i64> {
    conn.query_row(
        "SELECT previous_event_id FROM follow_up_events WHERE id = ?1",
        [event],
        |row| row.get(0),
    )
    .unwrap()
}

fn last(conn: &Connection, follow_up: i64) -> Option<i64> {
    conn.query_row(
        "SELECT last_event_id FROM follow_ups WHERE id = ?1",
        [follow_up],
        |row| row.get(0),
    )
    .unwrap()
}

#[test]
fn history_chain_links_existing_events() {
    let conn = Connection::open_in_memory().unwrap();
    // The rows below leave out the dealer, department and subscriber they name.
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute_batch(INITIAL).unwrap();
    conn.execute_batch(STATUS_INDEXES).unwrap();
    for follow_up in 1..=3 {
        insert_follow_up(&conn, follow_up);
    }
    // Events of follow-ups 1 and 2 interleaved; follow-up 3 has none.
    for (event, follow_up) in [(10, 1), (11, 2), (12, 1), (13, 1), (14, 2)] {
        insert_event(&conn, event, follow_up);
    }

    conn.execute_batch(HISTORY_CHAIN).unwrap();

    assert_eq!(last(&conn, 1), Some(13));
    assert_eq!(previous(&conn, 13), Some(12));
    assert_eq!(previous(&conn, 12), Some(10));
    assert_eq!(previous(&conn, 10), None);
    assert_eq!(last(&conn, 2), Some(14));
    assert_eq!(previous(&conn, 14), Some(11));
    assert_eq!(previous(&conn, 11), None);
    assert_eq!(last(&conn, 3), None);
}
