-- Audit entries and change-feed entries are written, in the change's own transaction, to these inboxes
-- without any shared lock; a sequencer then gives them their place in the hash chain and the feed in
-- one short transaction per batch, so concurrent writers no longer queue behind one head row.
CREATE TABLE audit_inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TEXT NOT NULL,
    actor_user_id TEXT,
    actor_agency_id TEXT,
    action TEXT NOT NULL,
    record_type TEXT,
    record_id TEXT,
    request_id TEXT,
    detail TEXT
);

CREATE TABLE change_inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL CHECK (record_type IN ('child', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('upsert', 'tombstone')),
    audience TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
