DROP TABLE data_corrections;
