DROP TABLE users;
DROP TABLE agencies;
