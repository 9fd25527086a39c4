-- Complaints: what reaches the system before anyone knows whether it is a case. Personal data
-- (complainant, child, location detail, narrative) is sealed like the rest; the tracking code a public
-- complainant holds is stored only as a keyed hash.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'monitor', 'case_worker',
    'sync_client', 'referral_partner', 'analyst', 'intake_officer'));

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
    contact_consent BOOLEAN NOT NULL,
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
    immediate_danger BOOLEAN NOT NULL,
    urgency TEXT CHECK (urgency IN ('low', 'medium', 'high', 'critical')),
    assigned_agency_id TEXT REFERENCES agencies (id),
    incident_id TEXT REFERENCES incidents (id),
    duplicate_of TEXT REFERENCES complaints (id),
    closure_reason TEXT CHECK (closure_reason IN ('not_actionable', 'outside_mandate', 'duplicate',
        'withdrawn', 'resolved_without_case', 'converted')),
    public_message TEXT,
    filed_publicly BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'triaged', 'assigned', 'declined', 'accepted',
        'converted', 'closed')),
    triaged_at TIMESTAMP,
    accepted_at TIMESTAMP,
    closed_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
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

ALTER TABLE status_transitions DROP CONSTRAINT status_transitions_record_type_check;
ALTER TABLE status_transitions ADD CONSTRAINT status_transitions_record_type_check
    CHECK (record_type IN ('complaint', 'incident', 'referral'));
ALTER TABLE record_history DROP CONSTRAINT record_history_record_type_check;
ALTER TABLE record_history ADD CONSTRAINT record_history_record_type_check
    CHECK (record_type IN ('child', 'complaint', 'incident', 'referral'));
ALTER TABLE change_feed DROP CONSTRAINT change_feed_record_type_check;
ALTER TABLE change_feed ADD CONSTRAINT change_feed_record_type_check
    CHECK (record_type IN ('child', 'complaint', 'incident', 'referral'));
ALTER TABLE change_inbox DROP CONSTRAINT change_inbox_record_type_check;
ALTER TABLE change_inbox ADD CONSTRAINT change_inbox_record_type_check
    CHECK (record_type IN ('child', 'complaint', 'incident', 'referral'));
ALTER TABLE webhook_outbox DROP CONSTRAINT webhook_outbox_event_type_check;
ALTER TABLE webhook_outbox ADD CONSTRAINT webhook_outbox_event_type_check CHECK (event_type IN (
    'referral.created', 'referral.updated', 'referral.status_changed', 'referral.deleted',
    'incident.status_changed', 'deadline.due_soon', 'deadline.overdue', 'complaint.received',
    'complaint.assigned', 'complaint.status_changed'));
