-- Milestones: dated steps of a case that the law or policy times. Appended, never edited: a mistaken
-- one is withdrawn with a reason. The note and the reason are sealed like other free text.
CREATE TABLE milestones (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    milestone_type TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_by_agency_id TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT,
    withdrawal_reason TEXT
);
CREATE INDEX milestones_incident_idx ON milestones (incident_id, at);

-- Deadlines: derived from a record's timeline in the unit of work that changes it, one row per rule
-- that applies. due_at is null when the deadline is not applicable. The sweep claims an alert by
-- setting due_soon_alert or overdue_alert (a claim token) where it is null, so each fires once
-- however many servers sweep. province, district and agency_id are the record's, for the work queue
-- and the compliance statistics.
CREATE TABLE deadlines (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('complaint', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    province TEXT NOT NULL,
    district TEXT,
    started_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP,
    soon_at TIMESTAMP,
    met_at TIMESTAMP,
    due_soon_alert TEXT,
    overdue_alert TEXT,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (record_type, record_id, rule)
);
CREATE INDEX deadlines_queue_idx ON deadlines (due_at, id);
CREATE INDEX deadlines_due_soon_sweep_idx ON deadlines (soon_at)
    WHERE met_at IS NULL AND due_soon_alert IS NULL AND soon_at IS NOT NULL;
CREATE INDEX deadlines_overdue_sweep_idx ON deadlines (due_at)
    WHERE met_at IS NULL AND overdue_alert IS NULL AND due_at IS NOT NULL;
