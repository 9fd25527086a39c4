ALTER TABLE webhook_outbox DROP CONSTRAINT webhook_outbox_event_type_check;
ALTER TABLE webhook_outbox ADD CONSTRAINT webhook_outbox_event_type_check CHECK (event_type IN (
    'referral.created', 'referral.updated', 'referral.status_changed', 'referral.deleted',
    'incident.status_changed', 'deadline.due_soon', 'deadline.overdue'));
ALTER TABLE change_inbox DROP CONSTRAINT change_inbox_record_type_check;
ALTER TABLE change_inbox ADD CONSTRAINT change_inbox_record_type_check
    CHECK (record_type IN ('child', 'incident', 'referral'));
ALTER TABLE change_feed DROP CONSTRAINT change_feed_record_type_check;
ALTER TABLE change_feed ADD CONSTRAINT change_feed_record_type_check
    CHECK (record_type IN ('child', 'incident', 'referral'));
ALTER TABLE record_history DROP CONSTRAINT record_history_record_type_check;
ALTER TABLE record_history ADD CONSTRAINT record_history_record_type_check
    CHECK (record_type IN ('child', 'incident', 'referral'));
ALTER TABLE status_transitions DROP CONSTRAINT status_transitions_record_type_check;
ALTER TABLE status_transitions ADD CONSTRAINT status_transitions_record_type_check
    CHECK (record_type IN ('incident', 'referral'));
ALTER TABLE incidents DROP COLUMN complaint_id;
DROP TABLE complaints;
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'monitor', 'case_worker',
    'sync_client', 'referral_partner', 'analyst'));
