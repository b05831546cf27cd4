-- Tenants, staff, service subscribers and follow-ups with their history.
-- Timestamps are RFC 3339 text in UTC with milliseconds, so they sort as text.

CREATE TABLE dealers (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    dealer_id  INTEGER NOT NULL REFERENCES dealers (id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX departments_dealer ON departments (dealer_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL,
    dealer_id     INTEGER NOT NULL REFERENCES dealers (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    fname         TEXT NOT NULL,
    lname         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (dealer_id, uuid)
);

CREATE TABLE subscribers (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

-- A grant names a dealer (covering all its departments) or one department.
CREATE TABLE grants (
    id            INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    dealer_id     INTEGER REFERENCES dealers (id),
    department_id INTEGER REFERENCES departments (id),
    CHECK ((dealer_id IS NULL) <> (department_id IS NULL))
);
CREATE UNIQUE INDEX grants_dealer ON grants (subscriber_id, dealer_id) WHERE dealer_id IS NOT NULL;
CREATE UNIQUE INDEX grants_department ON grants (subscriber_id, department_id) WHERE department_id IS NOT NULL;

-- Bumped by every change to subscribers or grants, so that servers drop cached credentials.
CREATE TABLE auth_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO auth_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER subscribers_insert AFTER INSERT ON subscribers
BEGIN UPDATE auth_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER subscribers_update AFTER UPDATE ON subscribers
BEGIN UPDATE auth_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER subscribers_delete AFTER DELETE ON subscribers
BEGIN UPDATE auth_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER grants_insert AFTER INSERT ON grants
BEGIN UPDATE auth_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER grants_update AFTER UPDATE ON grants
BEGIN UPDATE auth_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER grants_delete AFTER DELETE ON grants
BEGIN UPDATE auth_generation SET generation = generation + 1 WHERE id = 1; END;

-- Kinds of follow-up work a dealer defines, such as "Declined service".
CREATE TABLE task_types (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL,
    dealer_id   INTEGER NOT NULL REFERENCES dealers (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    UNIQUE (dealer_id, uuid)
);

-- EMAIL or TEXT message templates of a task type; at most one default per
-- (task type, type, locale).
CREATE TABLE templates (
    id                     INTEGER PRIMARY KEY,
    uuid                   TEXT NOT NULL,
    dealer_id              INTEGER NOT NULL REFERENCES dealers (id),
    task_type_id           INTEGER NOT NULL REFERENCES task_types (id),
    type                   TEXT NOT NULL CHECK (type IN ('EMAIL', 'TEXT')),
    is_default             INTEGER NOT NULL DEFAULT 0,
    multi                  INTEGER NOT NULL DEFAULT 0,
    title                  TEXT NOT NULL,
    message                TEXT NOT NULL,
    locale                 TEXT NOT NULL CHECK (locale IN ('en-us', 'fr-ca')),
    is_freemarker_template INTEGER NOT NULL DEFAULT 0,
    created_at             TEXT NOT NULL,
    UNIQUE (dealer_id, uuid)
);
CREATE INDEX templates_dealer_type ON templates (dealer_id, type);
CREATE UNIQUE INDEX templates_one_default ON templates (task_type_id, type, locale) WHERE is_default = 1;

CREATE TABLE follow_ups (
    id                 INTEGER PRIMARY KEY,
    uuid               TEXT NOT NULL,
    dealer_id          INTEGER NOT NULL REFERENCES dealers (id),
    department_id      INTEGER NOT NULL REFERENCES departments (id),
    customer_uuid      TEXT,
    task_type_id       INTEGER REFERENCES task_types (id),
    title              TEXT NOT NULL DEFAULT '',
    notes              TEXT NOT NULL DEFAULT '',
    -- Calendar date (yyyy-MM-dd) in the dealer's time zone.
    due_date           TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('NOT_STARTED', 'SCHEDULED', 'COMPLETE')),
    assignee_uuid      TEXT,
    assignee_fname     TEXT,
    assignee_lname     TEXT,
    archived           INTEGER NOT NULL DEFAULT 0,
    archived_at        TEXT,
    completed_at       TEXT,
    completed_by_uuid  TEXT,
    completed_by_fname TEXT,
    completed_by_lname TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    UNIQUE (dealer_id, uuid)
);
-- Fetch order is (due_date, uuid); these serve a department's or a dealer's pages. The
-- first two serve the default fetch without archived follow-ups, the last two a fetch with
-- includeArchived, which would otherwise have to sort all of a dealer's follow-ups.
CREATE INDEX follow_ups_department_due ON follow_ups (department_id, archived, due_date, uuid);
CREATE INDEX follow_ups_dealer_due ON follow_ups (dealer_id, archived, due_date, uuid);
CREATE INDEX follow_ups_department_due_all ON follow_ups (department_id, due_date, uuid);
CREATE INDEX follow_ups_dealer_due_all ON follow_ups (dealer_id, due_date, uuid);

CREATE TABLE follow_up_events (
    id                    INTEGER PRIMARY KEY,
    follow_up_id          INTEGER NOT NULL REFERENCES follow_ups (id),
    action                TEXT NOT NULL,
    status_before         TEXT NOT NULL,
    status_after          TEXT NOT NULL,
    assignee_uuid_before  TEXT,
    assignee_fname_before TEXT,
    assignee_lname_before TEXT,
    assignee_uuid_after   TEXT,
    assignee_fname_after  TEXT,
    assignee_lname_after  TEXT,
    archived_before       INTEGER NOT NULL,
    archived_after        INTEGER NOT NULL,
    version_after         INTEGER NOT NULL,
    path_user_uuid        TEXT NOT NULL,
    actor_uuid            TEXT NOT NULL,
    actor_fname           TEXT NOT NULL,
    actor_lname           TEXT NOT NULL,
    subscriber_id         INTEGER NOT NULL REFERENCES subscribers (id),
    request_id            TEXT NOT NULL,
    occurred_at           TEXT NOT NULL
);
CREATE INDEX follow_up_events_follow_up ON follow_up_events (follow_up_id, id);
