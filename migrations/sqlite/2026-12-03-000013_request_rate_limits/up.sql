-- Fixed-window request counters per purpose (`bucket`) and client, kept in the database so that every
-- server instance counts the same requests. `client` is a keyed hash of the client's address (or
-- `unknown`), never the address itself. Rows whose window ended are pruned in the background.
CREATE TABLE request_rate_limits (
    bucket TEXT NOT NULL,
    client TEXT NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, client)
);
CREATE INDEX request_rate_limits_window_idx ON request_rate_limits (window_started_at);
