-- History events are linked newest to oldest instead of indexed by follow-up: each
-- follow-up names its newest event and each event the one before it. An event is then an
-- append to the end of follow_up_events, where an index on (follow_up_id, id) cost one
-- more randomly placed page write per changed follow-up.
ALTER TABLE follow_ups ADD COLUMN last_event_id INTEGER;
ALTER TABLE follow_up_events ADD COLUMN previous_event_id INTEGER;

UPDATE follow_up_events SET previous_event_id = (
    SELECT max(p.id) FROM follow_up_events p
    WHERE p.follow_up_id = follow_up_events.follow_up_id AND p.id < follow_up_events.id
);
UPDATE follow_ups SET last_event_id = (
    SELECT max(e.id) FROM follow_up_events e WHERE e.follow_up_id = follow_ups.id
);

DROP INDEX follow_up_events_follow_up;
