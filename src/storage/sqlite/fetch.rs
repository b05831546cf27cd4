//! The fetch query: one page of a dealer's follow-ups in `(due_date, uuid)` order.
//!
//! Every page walks one of the `follow_ups_*_due*` indexes in order from the page start,
//! so its cost grows with the page size and the rows the filters skip, not with the
//! dealer's size. `OFFSET` pages also walk the skipped rows, and `totalCount` walks the
//! index entries of up to [`TOTAL_COUNT_CAP`] matches.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::domain::{FollowUpFilter, FollowUpStatus, OpaqueId, PageStart};
use crate::storage::rows::FollowUpRow;
use crate::storage::{Dealer, DepartmentScope, FollowUpPage, FollowUpQuery, StoreError, TOTAL_COUNT_CAP};

pub async fn find_dealer(pool: &SqlitePool, uuid: &OpaqueId) -> Result<Option<Dealer>, StoreError> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT id, time_zone FROM dealers WHERE uuid = ?1")
        .bind(uuid.as_str())
        .fetch_optional(pool)
        .await?;
    let Some((id, time_zone)) = row else {
        return Ok(None);
    };
    let department_ids = sqlx::query_scalar("SELECT id FROM departments WHERE dealer_id = ?1 ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await?;
    Ok(Some(Dealer {
        id,
        uuid: uuid.clone(),
        time_zone,
        department_ids,
    }))
}

pub async fn fetch_follow_ups(pool: &SqlitePool, query: &FollowUpQuery) -> Result<FollowUpPage, StoreError> {
    let rows: Vec<FollowUpRow> = page_query(query).build_query_as().fetch_all(pool).await?;
    let follow_ups = rows
        .into_iter()
        .map(FollowUpRow::into_follow_up)
        .collect::<Result<_, _>>()?;
    let total_count = match query.count_total {
        true => Some(count_query(query).build_query_scalar().fetch_one(pool).await?),
        false => None,
    };
    Ok(FollowUpPage {
        follow_ups,
        total_count,
    })
}

/// Builds the query for one page of follow-ups with their dealer, department and task type.
fn page_query(query: &FollowUpQuery) -> QueryBuilder<'_, Sqlite> {
    let mut page = QueryBuilder::<Sqlite>::new(
        "SELECT page.*, r.uuid AS dealer_uuid, d.uuid AS department_uuid, t.uuid AS task_type_uuid
         FROM (SELECT * FROM follow_ups f WHERE ",
    );
    push_conditions(&mut page, query);
    if let PageStart::After(key) = &query.start {
        page.push(" AND (f.due_date, f.uuid) > (")
            .push_bind(key.due_date.to_string())
            .push(", ")
            .push_bind(key.uuid.as_str())
            .push(")");
    }
    page.push(" ORDER BY f.due_date, f.uuid LIMIT ")
        .push_bind(i64::from(query.limit));
    if let PageStart::Offset(skip) = query.start {
        page.push(" OFFSET ")
            .push_bind(i64::try_from(skip).unwrap_or(i64::MAX));
    }
    page.push(
        ") page
         JOIN departments d ON d.id = page.department_id
         JOIN dealers r ON r.id = page.dealer_id
         LEFT JOIN task_types t ON t.id = page.task_type_id
         ORDER BY page.due_date, page.uuid",
    );
    page
}

/// Builds the query that counts matches, stopping one past [`TOTAL_COUNT_CAP`] so that the
/// cost stays bounded.
fn count_query(query: &FollowUpQuery) -> QueryBuilder<'_, Sqlite> {
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM (SELECT 1 FROM follow_ups f WHERE ");
    push_conditions(&mut count, query);
    count
        .push(" LIMIT ")
        .push_bind(TOTAL_COUNT_CAP + 1)
        .push(") AS capped");
    count
}

/// Appends the scope and filter conditions, without the page start.
fn push_conditions(sql: &mut QueryBuilder<'_, Sqlite>, query: &FollowUpQuery) {
    match &query.departments {
        DepartmentScope::All => {
            sql.push("f.dealer_id = ").push_bind(query.dealer_id);
        }
        DepartmentScope::Only(ids) if ids.len() == 1 => {
            sql.push("f.department_id = ").push_bind(ids[0]);
        }
        DepartmentScope::Only(ids) => {
            // With several departments, walking the dealer's index in order and skipping the
            // other departments avoids sorting all their rows; the unary `+` keeps SQLite
            // from choosing the department index, which would need that sort.
            // NOTE: a page then costs as much as the rows of other departments it skips.
            sql.push("f.dealer_id = ").push_bind(query.dealer_id);
            sql.push(" AND +f.department_id IN (");
            push_list(sql, ids.iter().copied());
            sql.push(")");
        }
    }
    let filter = &query.filter;
    if !filter.include_archived {
        sql.push(" AND f.archived = 0");
    }
    push_list_filters(sql, query.dealer_id, filter);
    push_assignee(sql, filter);
    if let Some(from) = filter.due_date_from {
        sql.push(" AND f.due_date >= ").push_bind(from.to_string());
    }
    if let Some(to) = filter.due_date_to {
        sql.push(" AND f.due_date <= ").push_bind(to.to_string());
    }
    push_overdue(sql, filter.overdue, query.today.to_string());
}

fn push_list_filters(sql: &mut QueryBuilder<'_, Sqlite>, dealer_id: i64, filter: &FollowUpFilter) {
    if !filter.statuses.is_empty() {
        sql.push(" AND f.status IN (");
        push_list(sql, filter.statuses.iter().map(|s| s.as_str()));
        sql.push(")");
    }
    if !filter.task_type_uuids.is_empty() {
        sql.push(" AND f.task_type_id IN (SELECT id FROM task_types WHERE dealer_id = ")
            .push_bind(dealer_id)
            .push(" AND uuid IN (");
        push_list(sql, filter.task_type_uuids.iter().map(|id| id.to_string()));
        sql.push("))");
    }
    if !filter.customer_uuids.is_empty() {
        sql.push(" AND f.customer_uuid IN (");
        push_list(sql, filter.customer_uuids.iter().map(|id| id.to_string()));
        sql.push(")");
    }
}

fn push_assignee(sql: &mut QueryBuilder<'_, Sqlite>, filter: &FollowUpFilter) {
    let ids = &filter.assignee_uuids;
    match (ids.is_empty(), filter.unassigned) {
        (true, None) => {}
        (true, Some(true)) => {
            sql.push(" AND f.assignee_uuid IS NULL");
        }
        (true, Some(false)) => {
            sql.push(" AND f.assignee_uuid IS NOT NULL");
        }
        (false, unassigned) => {
            sql.push(" AND (f.assignee_uuid IN (");
            push_list(sql, ids.iter().map(|id| id.to_string()));
            sql.push(")");
            if unassigned == Some(true) {
                sql.push(" OR f.assignee_uuid IS NULL");
            }
            sql.push(")");
        }
    }
}

fn push_overdue(sql: &mut QueryBuilder<'_, Sqlite>, overdue: Option<bool>, today: String) {
    let complete = FollowUpStatus::Complete.as_str();
    match overdue {
        None => {}
        Some(true) => {
            sql.push(" AND f.status <> ")
                .push_bind(complete)
                .push(" AND f.due_date < ")
                .push_bind(today);
        }
        Some(false) => {
            sql.push(" AND (f.status = ")
                .push_bind(complete)
                .push(" OR f.due_date >= ")
                .push_bind(today)
                .push(")");
        }
    }
}

fn push_list<'a, T>(sql: &mut QueryBuilder<'a, Sqlite>, values: impl Iterator<Item = T>)
where
    T: 'a + sqlx::Encode<'a, Sqlite> + sqlx::Type<Sqlite> + Send,
{
    let mut separated = sql.separated(", ");
    for value in values {
        separated.push_bind(value);
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{FollowUpFilter, FollowUpStatus, PageStart};
    use crate::storage::sqlite::SqliteStore;
    use crate::storage::StoreOptions;

    fn open_follow_ups(departments: DepartmentScope, include_archived: bool) -> FollowUpQuery {
        FollowUpQuery {
            dealer_id: 1,
            departments,
            filter: FollowUpFilter {
                statuses: vec![FollowUpStatus::NotStarted, FollowUpStatus::Scheduled],
                include_archived,
                ..FollowUpFilter::default()
            },
            today: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            start: PageStart::Offset(0),
            limit: 50,
            count_total: true,
        }
    }

    /// Returns the detail lines of SQLite's plan for `sql`. Unbound parameters do not
    /// change the plan, since the new database has no statistics.
    async fn plan(sql: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("plan.db").display());
        let store = SqliteStore::open(&url, &StoreOptions::default()).await.unwrap();
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
            .fetch_all(&store.readers)
            .await
            .unwrap();
        rows.into_iter().map(|row| row.3).collect()
    }

    fn assert_no_table_scan(plan: &[String]) {
        for line in plan {
            assert!(!line.starts_with("SCAN f"), "the plan scans follow_ups: {plan:?}");
        }
    }

    #[tokio::test]
    async fn department_count_reads_only_the_index() {
        let query = open_follow_ups(DepartmentScope::Only(vec![1]), false);
        let plan = plan(count_query(&query).sql()).await;

        assert_no_table_scan(&plan);
        let covering = "USING COVERING INDEX follow_ups_department_due ";
        assert!(plan.iter().any(|line| line.contains(covering)), "{plan:?}");
    }

    #[tokio::test]
    async fn dealer_count_reads_only_the_index() {
        let query = open_follow_ups(DepartmentScope::All, true);
        let plan = plan(count_query(&query).sql()).await;

        assert_no_table_scan(&plan);
        let covering = "USING COVERING INDEX follow_ups_dealer_due_all ";
        assert!(plan.iter().any(|line| line.contains(covering)), "{plan:?}");
    }

    #[tokio::test]
    async fn page_walks_the_index_in_order() {
        let query = open_follow_ups(DepartmentScope::Only(vec![1]), false);
        let plan = plan(page_query(&query).sql()).await;

        assert_no_table_scan(&plan);
        let index = "USING INDEX follow_ups_department_due ";
        assert!(plan.iter().any(|line| line.contains(index)), "{plan:?}");
    }
}
