DROP INDEX referrals_created_at_idx;
DROP INDEX status_transitions_time_idx;
DROP INDEX incidents_province_category_idx;
DROP INDEX incidents_reported_on_idx;
DROP INDEX incidents_occurred_on_idx;
