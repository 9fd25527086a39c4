-- Need to know: a referral's receiver reads the incident's narrative only when the referring agency
-- shares it on that referral.
ALTER TABLE referrals ADD COLUMN share_narrative BOOLEAN NOT NULL DEFAULT FALSE;
