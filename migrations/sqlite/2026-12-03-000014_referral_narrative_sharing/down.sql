ALTER TABLE referrals DROP COLUMN share_narrative;
