DROP TABLE deadlines;
DROP TABLE milestones;
