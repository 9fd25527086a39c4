DROP TABLE change_inbox;
DROP TABLE audit_inbox;
