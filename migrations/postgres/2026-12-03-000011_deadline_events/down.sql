DELETE FROM webhook_deliveries WHERE event_type LIKE 'deadline.%';
DELETE FROM webhook_outbox WHERE event_type LIKE 'deadline.%';
ALTER TABLE webhook_outbox DROP CONSTRAINT webhook_outbox_event_type_check;
ALTER TABLE webhook_outbox ADD CONSTRAINT webhook_outbox_event_type_check CHECK (event_type IN (
    'referral.created', 'referral.updated', 'referral.status_changed', 'referral.deleted',
    'incident.status_changed'));
ALTER TABLE webhook_outbox DROP CONSTRAINT webhook_outbox_record_type_check;
ALTER TABLE webhook_outbox ADD CONSTRAINT webhook_outbox_record_type_check
    CHECK (record_type IN ('incident', 'referral'));
