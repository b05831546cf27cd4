-- Tenants, staff, service subscribers and follow-ups with their history.
-- The same schema as migrations/sqlite/0001_initial.sql, in PostgreSQL types.

CREATE TABLE dealers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid       text NOT NULL UNIQUE,
    name       text NOT NULL,
    time_zone  text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE departments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid       text NOT NULL UNIQUE,
    dealer_id  bigint NOT NULL REFERENCES dealers (id),
    name       text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX departments_dealer ON departments (dealer_id);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid          text NOT NULL,
    dealer_id     bigint NOT NULL REFERENCES dealers (id),
    department_id bigint NOT NULL REFERENCES departments (id),
    fname         text NOT NULL,
    lname         text NOT NULL,
    created_at    timestamptz NOT NULL,
    UNIQUE (dealer_id, uuid)
);

CREATE TABLE subscribers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL
);

-- A grant names a dealer (covering all its departments) or one department.
CREATE TABLE grants (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    dealer_id     bigint REFERENCES dealers (id),
    department_id bigint REFERENCES departments (id),
    CHECK ((dealer_id IS NULL) <> (department_id IS NULL))
);
CREATE UNIQUE INDEX grants_dealer ON grants (subscriber_id, dealer_id) WHERE dealer_id IS NOT NULL;
CREATE UNIQUE INDEX grants_department ON grants (subscriber_id, department_id) WHERE department_id IS NOT NULL;

-- Bumped by every change to subscribers or grants, so that servers drop cached credentials.
CREATE TABLE auth_generation (
    id         integer PRIMARY KEY CHECK (id = 1),
    generation bigint NOT NULL
);
INSERT INTO auth_generation (id, generation) VALUES (1, 1);

CREATE FUNCTION bump_auth_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

-- Statement-level triggers bump once per statement, also for one that changes no rows;
-- an extra bump only makes servers reload credentials once more.
CREATE TRIGGER subscribers_changed AFTER INSERT OR UPDATE OR DELETE ON subscribers
FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_generation();
CREATE TRIGGER grants_changed AFTER INSERT OR UPDATE OR DELETE ON grants
FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_generation();

-- Kinds of follow-up work a dealer defines, such as "Declined service".
CREATE TABLE task_types (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid        text NOT NULL,
    dealer_id   bigint NOT NULL REFERENCES dealers (id),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    UNIQUE (dealer_id, uuid)
);

-- EMAIL or TEXT message templates of a task type; at most one default per
-- (task type, type, locale).
CREATE TABLE templates (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                   text NOT NULL,
    dealer_id              bigint NOT NULL REFERENCES dealers (id),
    task_type_id           bigint NOT NULL REFERENCES task_types (id),
    type                   text NOT NULL CHECK (type IN ('EMAIL', 'TEXT')),
    is_default             boolean NOT NULL DEFAULT false,
    multi                  boolean NOT NULL DEFAULT false,
    title                  text NOT NULL,
    message                text NOT NULL,
    locale                 text NOT NULL CHECK (locale IN ('en-us', 'fr-ca')),
    is_freemarker_template boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL,
    UNIQUE (dealer_id, uuid)
);
CREATE INDEX templates_dealer_type ON templates (dealer_id, type);
CREATE UNIQUE INDEX templates_one_default ON templates (task_type_id, type, locale) WHERE is_default;

CREATE TABLE follow_ups (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid               text NOT NULL,
    dealer_id          bigint NOT NULL REFERENCES dealers (id),
    department_id      bigint NOT NULL REFERENCES departments (id),
    customer_uuid      text,
    task_type_id       bigint REFERENCES task_types (id),
    title              text NOT NULL DEFAULT '',
    notes              text NOT NULL DEFAULT '',
    -- Calendar date in the dealer's time zone.
    due_date           date NOT NULL,
    status             text NOT NULL CHECK (status IN ('NOT_STARTED', 'SCHEDULED', 'COMPLETE')),
    assignee_uuid      text,
    assignee_fname     text,
    assignee_lname     text,
    archived           boolean NOT NULL DEFAULT false,
    archived_at        timestamptz,
    completed_at       timestamptz,
    completed_by_uuid  text,
    completed_by_fname text,
    completed_by_lname text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    version            bigint NOT NULL DEFAULT 1,
    UNIQUE (dealer_id, uuid)
);
-- Fetch order is (due_date, uuid); these serve a department's or a dealer's pages.
CREATE INDEX follow_ups_department_due ON follow_ups (department_id, archived, due_date, uuid);
CREATE INDEX follow_ups_dealer_due ON follow_ups (dealer_id, archived, due_date, uuid);
CREATE INDEX follow_ups_department_due_all ON follow_ups (department_id, due_date, uuid);
CREATE INDEX follow_ups_dealer_due_all ON follow_ups (dealer_id, due_date, uuid);

CREATE TABLE follow_up_events (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    follow_up_id          bigint NOT NULL REFERENCES follow_ups (id),
    action                text NOT NULL,
    status_before         text NOT NULL,
    status_after          text NOT NULL,
    assignee_uuid_before  text,
    assignee_fname_before text,
    assignee_lname_before text,
    assignee_uuid_after   text,
    assignee_fname_after  text,
    assignee_lname_after  text,
    archived_before       boolean NOT NULL,
    archived_after        boolean NOT NULL,
    version_after         bigint NOT NULL,
    path_user_uuid        text NOT NULL,
    actor_uuid            text NOT NULL,
    actor_fname           text NOT NULL,
    actor_lname           text NOT NULL,
    subscriber_id         bigint NOT NULL REFERENCES subscribers (id),
    request_id            text NOT NULL,
    occurred_at           timestamptz NOT NULL
);
CREATE INDEX follow_up_events_follow_up ON follow_up_events (follow_up_id, id);
