-- Statistics filter incidents by period and group by place and category; KPIs replay transitions by time.
CREATE INDEX incidents_occurred_on_idx ON incidents (occurred_on);
CREATE INDEX incidents_reported_on_idx ON incidents (reported_on);
CREATE INDEX incidents_province_category_idx ON incidents (province, category);
CREATE INDEX status_transitions_time_idx ON status_transitions (record_type, occurred_at);
CREATE INDEX referrals_created_at_idx ON referrals (created_at);
