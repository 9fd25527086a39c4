-- Corrections of stored records that a release queues for `cpims` to make on startup, after the
-- migrations, through the same unit of work as any edit (new version, history, audit, change feed):
-- a migration cannot write those. A row is deleted once its correction has gone through every record.
CREATE TABLE data_corrections (
    name TEXT PRIMARY KEY,
    queued_at TIMESTAMP NOT NULL
);
-- Incidents listed every province's child protection act; each now cites its own province's only.
INSERT INTO data_corrections (name, queued_at) VALUES ('legal_references_by_province', CURRENT_TIMESTAMP);
