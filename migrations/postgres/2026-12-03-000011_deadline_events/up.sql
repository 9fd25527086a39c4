-- Deadline alerts are webhook events too (deadline.due_soon, deadline.overdue); complaints will be
-- record types of events.
ALTER TABLE webhook_outbox DROP CONSTRAINT webhook_outbox_event_type_check;
ALTER TABLE webhook_outbox ADD CONSTRAINT webhook_outbox_event_type_check CHECK (event_type IN (
    'referral.created', 'referral.updated', 'referral.status_changed', 'referral.deleted',
    'incident.status_changed', 'deadline.due_soon', 'deadline.overdue'));
ALTER TABLE webhook_outbox DROP CONSTRAINT webhook_outbox_record_type_check;
ALTER TABLE webhook_outbox ADD CONSTRAINT webhook_outbox_record_type_check
    CHECK (record_type IN ('complaint', 'incident', 'referral'));
