-- Deadline alerts are webhook events too (deadline.due_soon, deadline.overdue); complaints will be
-- record types of events. SQLite cannot change a CHECK constraint, so the outbox is rebuilt with its
-- rows; delivery-log rows keep pointing at the same seq, checked when the migration commits.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE webhook_outbox_next (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL CHECK (event_type IN ('referral.created', 'referral.updated',
        'referral.status_changed', 'referral.deleted', 'incident.status_changed',
        'deadline.due_soon', 'deadline.overdue')),
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
