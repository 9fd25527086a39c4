-- The change feed for sync clients. Sequence numbers are taken under the lock on change_feed_head,
-- which is held until commit, so they are handed out in commit order and a reader that has seen seq N
-- can never later find a committed change below N.
CREATE TABLE change_feed (
    seq INTEGER PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('child', 'incident', 'referral')),
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('upsert', 'tombstone')),
    -- The agencies that may see this change, as ",id,id,"; admin and monitor see every change.
    audience TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX change_feed_record_idx ON change_feed (record_type, record_id);

CREATE TABLE change_feed_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
);
INSERT INTO change_feed_head (id, last_seq) VALUES (1, 0);
