DROP TABLE audit_chain_head;
DROP TABLE audit_log;
DROP TABLE record_history;
DROP TABLE status_transitions;
DROP TABLE referrals;
DROP TABLE incidents;
DROP TABLE children;
