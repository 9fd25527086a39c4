-- Personal data at rest: keyed blind indexes for exact-match lookups of encrypted values, and the
-- markers retention leaves on anonymised records.
ALTER TABLE children ADD COLUMN name_index TEXT;
ALTER TABLE children ADD COLUMN identifier_index TEXT;
ALTER TABLE children ADD COLUMN anonymised_at TIMESTAMP;
CREATE INDEX children_name_index_idx ON children (name_index);
CREATE INDEX children_identifier_index_idx ON children (identifier_index);

ALTER TABLE incidents ADD COLUMN anonymised_at TIMESTAMP;
-- The child's age in whole years when the incident occurred, kept when the date of birth is erased so
-- that statistics by age band do not change.
ALTER TABLE incidents ADD COLUMN age_at_occurrence INTEGER;

ALTER TABLE referrals ADD COLUMN anonymised_at TIMESTAMP;
