-- Webhooks: subscriptions, the outbox written in the same transaction as the change that caused an
-- event (one row per subscription and event), and the log of delivery attempts.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    url TEXT NOT NULL,
    -- The subscribed event types, as ",type,type,".
    event_types TEXT NOT NULL,
    -- The HMAC-SHA256 signing secret; write-only on the wire.
    secret TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX webhook_subscriptions_agency_idx ON webhook_subscriptions (agency_id);

-- seq orders events: rows for one record are written under that record's row lock, so their seq
-- follows the record's commit order.
CREATE TABLE webhook_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL CHECK (event_type IN ('referral.created', 'referral.updated',
        'referral.status_changed', 'referral.deleted', 'incident.status_changed')),
    record_type TEXT NOT NULL CHECK (record_type IN ('incident', 'referral')),
    record_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (state, next_attempt_at);
CREATE INDEX webhook_outbox_record_idx ON webhook_outbox (subscription_id, record_id, seq);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    outbox_seq INTEGER NOT NULL REFERENCES webhook_outbox (seq),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id);
