ALTER TABLE referrals DROP COLUMN anonymised_at;
ALTER TABLE incidents DROP COLUMN age_at_occurrence;
ALTER TABLE incidents DROP COLUMN anonymised_at;
DROP INDEX children_identifier_index_idx;
DROP INDEX children_name_index_idx;
ALTER TABLE children DROP COLUMN anonymised_at;
ALTER TABLE children DROP COLUMN identifier_index;
ALTER TABLE children DROP COLUMN name_index;
