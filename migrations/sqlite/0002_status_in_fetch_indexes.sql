-- The fetch indexes end with the status, so that a status filter is checked in the index:
-- counting a department's open follow-ups for totalCount then reads index pages only, not
-- one table row per counted follow-up. Only an update that changes the status or the
-- archived flag rewrites these entries.
DROP INDEX follow_ups_department_due;
DROP INDEX follow_ups_dealer_due;
DROP INDEX follow_ups_department_due_all;
DROP INDEX follow_ups_dealer_due_all;
CREATE INDEX follow_ups_department_due ON follow_ups (department_id, archived, due_date, uuid, status);
CREATE INDEX follow_ups_dealer_due ON follow_ups (dealer_id, archived, due_date, uuid, status);
CREATE INDEX follow_ups_department_due_all ON follow_ups (department_id, due_date, uuid, status);
CREATE INDEX follow_ups_dealer_due_all ON follow_ups (dealer_id, due_date, uuid, status);
