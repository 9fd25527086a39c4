-- Children, incidents and referrals, with their status transitions, field history and the audit chain.
-- Dates are ISO 8601 TEXT (YYYY-MM-DD) on both backends so that one query path serves both.

CREATE TABLE children (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    external_id TEXT,
    given_name TEXT,
    family_name TEXT,
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    date_of_birth TEXT,
    estimated_age_years INTEGER,
    age_is_estimated BOOLEAN NOT NULL DEFAULT FALSE,
    identifier TEXT,
    province TEXT NOT NULL,
    district TEXT,
    urban_rural TEXT NOT NULL CHECK (urban_rural IN ('urban', 'rural', 'unknown')),
    disability BOOLEAN NOT NULL DEFAULT FALSE,
    guardian_name TEXT,
    guardian_phone TEXT,
    languages TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT,
    deleted_at TIMESTAMP
);
CREATE UNIQUE INDEX children_external_id_key ON children (agency_id, external_id);
CREATE INDEX children_agency_idx ON children (agency_id, id);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    external_id TEXT,
    child_id TEXT NOT NULL REFERENCES children (id),
    category TEXT NOT NULL,
    subcategory TEXT,
    legal_references TEXT NOT NULL DEFAULT '[]',
    occurred_on TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    intake_channel TEXT NOT NULL CHECK (intake_channel IN ('helpline_1121', 'walk_in', 'email', 'online_form',
        'school_complaint_box', 'police', 'cso', 'media', 'other')),
    province TEXT NOT NULL,
    district TEXT,
    urban_rural TEXT NOT NULL CHECK (urban_rural IN ('urban', 'rural', 'unknown')),
    perpetrator_relationship TEXT NOT NULL CHECK (perpetrator_relationship IN ('parent', 'relative',
        'acquaintance', 'neighbour', 'teacher', 'employer', 'stranger', 'online_contact', 'other', 'unknown')),
    registered_with_police TEXT NOT NULL CHECK (registered_with_police IN ('yes', 'no', 'unknown')),
    risk_level TEXT NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    narrative TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'under_assessment', 'referred', 'in_service', 'closed')),
    closure_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT,
    deleted_at TIMESTAMP
);
CREATE UNIQUE INDEX incidents_external_id_key ON incidents (agency_id, external_id);
CREATE INDEX incidents_agency_idx ON incidents (agency_id, id);
CREATE INDEX incidents_child_idx ON incidents (child_id);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    external_id TEXT,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    child_id TEXT NOT NULL REFERENCES children (id),
    to_agency_id TEXT NOT NULL REFERENCES agencies (id),
    service TEXT NOT NULL CHECK (service IN ('legal_aid', 'medical', 'psychosocial', 'shelter',
        'alternative_care', 'education', 'family_tracing', 'rehabilitation', 'livelihood', 'police', 'court',
        'other')),
    urgency TEXT NOT NULL CHECK (urgency IN ('low', 'medium', 'high', 'critical')),
    reason TEXT NOT NULL,
    due_by TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'in_progress', 'completed',
        'cancelled')),
    province TEXT NOT NULL,
    first_response_at TIMESTAMP,
    completed_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT,
    deleted_at TIMESTAMP,
    CHECK (to_agency_id <> agency_id)
);
CREATE UNIQUE INDEX referrals_external_id_key ON referrals (agency_id, external_id);
CREATE INDEX referrals_agency_idx ON referrals (agency_id, id);
CREATE INDEX referrals_to_agency_idx ON referrals (to_agency_id, status);
CREATE INDEX referrals_incident_idx ON referrals (incident_id);
CREATE INDEX referrals_child_idx ON referrals (child_id);

CREATE TABLE status_transitions (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('incident', 'referral')),
    record_id TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT,
    closure_reason TEXT,
    actor_user_id TEXT NOT NULL,
    actor_agency_id TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX status_transitions_record_idx ON status_transitions (record_type, record_id, id);

CREATE TABLE record_history (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('child', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_by TEXT NOT NULL,
    changed_by_agency_id TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX record_history_record_idx ON record_history (record_type, record_id, id);

-- The audit log is a hash chain; audit_chain_head serialises appends (its single row is locked by the
-- UPDATE that takes the next sequence number) so the chain stays one total order.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor_user_id TEXT,
    actor_agency_id TEXT,
    action TEXT NOT NULL,
    record_type TEXT,
    record_id TEXT,
    request_id TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_record_idx ON audit_log (record_type, record_id, seq);

CREATE TABLE audit_chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
