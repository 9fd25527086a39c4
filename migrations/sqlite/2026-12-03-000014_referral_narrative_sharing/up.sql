-- Need to know: a referral's receiver reads the incident's narrative only when the referring agency
-- shares it on that referral.
ALTER TABLE referrals ADD COLUMN share_narrative INTEGER NOT NULL DEFAULT 0;
