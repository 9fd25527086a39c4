-- Complaints: what reaches the system before anyone knows whether it is a case. Personal data
-- (complainant, child, location detail, narrative) is sealed like the rest; the tracking code a public
-- complainant holds is stored only as a keyed hash. SQLite cannot change a CHECK constraint, so the
-- tables whose record types, roles or event types grow are rebuilt with their rows; rows pointing at
-- them are checked when the migration commits.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    external_id TEXT,
    reference TEXT NOT NULL UNIQUE,
    tracking_hash TEXT,
    received_at TIMESTAMP NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('helpline_1121', 'helpline_1099', 'web_form',
        'citizen_portal', 'email', 'letter', 'walk_in', 'media', 'school_complaint_box',
        'referral_from_agency', 'other')),
    complainant_type TEXT NOT NULL CHECK (complainant_type IN ('child_self', 'parent_guardian',
        'relative', 'neighbour', 'teacher', 'health_worker', 'ngo', 'police', 'anonymous', 'other')),
    complainant_name TEXT,
    complainant_phone TEXT,
    contact_consent INTEGER NOT NULL,
    preferred_language TEXT CHECK (preferred_language IN ('urdu', 'english', 'punjabi', 'sindhi',
        'pashto', 'balochi', 'saraiki', 'other')),
    child_name TEXT,
    child_age_years INTEGER CHECK (child_age_years BETWEEN 0 AND 17),
    child_sex TEXT CHECK (child_sex IN ('female', 'male', 'other', 'unknown')),
    province TEXT NOT NULL,
    district TEXT,
    location_detail TEXT,
    category TEXT NOT NULL,
    subcategory TEXT,
    narrative TEXT,
    immediate_danger INTEGER NOT NULL,
    urgency TEXT CHECK (urgency IN ('low', 'medium', 'high', 'critical')),
    assigned_agency_id TEXT REFERENCES agencies (id),
    incident_id TEXT REFERENCES incidents (id),
    duplicate_of TEXT REFERENCES complaints (id),
    closure_reason TEXT CHECK (closure_reason IN ('not_actionable', 'outside_mandate', 'duplicate',
        'withdrawn', 'resolved_without_case', 'converted')),
    public_message TEXT,
    filed_publicly INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'triaged', 'assigned', 'declined', 'accepted',
        'converted', 'closed')),
    triaged_at TIMESTAMP,
    accepted_at TIMESTAMP,
    closed_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT,
    deleted_at TIMESTAMP,
    anonymised_at TIMESTAMP
);
CREATE UNIQUE INDEX complaints_external_id_key ON complaints (agency_id, external_id);
CREATE INDEX complaints_agency_idx ON complaints (agency_id, id);
CREATE INDEX complaints_assigned_idx ON complaints (assigned_agency_id, id);
CREATE INDEX complaints_received_at_idx ON complaints (received_at);

ALTER TABLE incidents ADD COLUMN complaint_id TEXT REFERENCES complaints (id);

CREATE TABLE users_next (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'monitor', 'case_worker', 'sync_client',
        'referral_partner', 'analyst', 'intake_officer')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT
);
INSERT INTO users_next SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_next RENAME TO users;
CREATE INDEX users_agency_id_idx ON users (agency_id);

CREATE TABLE status_transitions_next (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('complaint', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT,
    closure_reason TEXT,
    actor_user_id TEXT NOT NULL,
    actor_agency_id TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
INSERT INTO status_transitions_next SELECT * FROM status_transitions;
DROP TABLE status_transitions;
ALTER TABLE status_transitions_next RENAME TO status_transitions;
CREATE INDEX status_transitions_record_idx ON status_transitions (record_type, record_id, id);
CREATE INDEX status_transitions_time_idx ON status_transitions (record_type, occurred_at);

CREATE TABLE record_history_next (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('child', 'complaint', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_by TEXT NOT NULL,
    changed_by_agency_id TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO record_history_next SELECT * FROM record_history;
DROP TABLE record_history;
ALTER TABLE record_history_next RENAME TO record_history;
CREATE INDEX record_history_record_idx ON record_history (record_type, record_id, id);

CREATE TABLE change_feed_next (
    seq INTEGER PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('child', 'complaint', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('upsert', 'tombstone')),
    -- The agencies that may see this change, as ",id,id,"; admin and monitor see every change.
    audience TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
INSERT INTO change_feed_next SELECT * FROM change_feed;
DROP TABLE change_feed;
ALTER TABLE change_feed_next RENAME TO change_feed;
CREATE INDEX change_feed_record_idx ON change_feed (record_type, record_id);

CREATE TABLE change_inbox_next (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL CHECK (record_type IN ('child', 'complaint', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('upsert', 'tombstone')),
    audience TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
INSERT INTO change_inbox_next SELECT * FROM change_inbox;
DROP TABLE change_inbox;
ALTER TABLE change_inbox_next RENAME TO change_inbox;

CREATE TABLE webhook_outbox_next (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL CHECK (event_type IN ('referral.created', 'referral.updated',
        'referral.status_changed', 'referral.deleted', 'incident.status_changed',
        'deadline.due_soon', 'deadline.overdue', 'complaint.received', 'complaint.assigned',
        'complaint.status_changed')),
    record_type TEXT NOT NULL CHECK (record_type IN ('complaint', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    last_error TEXT
);
INSERT INTO webhook_outbox_next SELECT * FROM webhook_outbox;
DROP TABLE webhook_outbox;
ALTER TABLE webhook_outbox_next RENAME TO webhook_outbox;
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (state, next_attempt_at);
CREATE INDEX webhook_outbox_record_idx ON webhook_outbox (subscription_id, record_id, seq);
