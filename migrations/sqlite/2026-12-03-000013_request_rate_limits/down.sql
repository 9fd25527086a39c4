DROP TABLE request_rate_limits;
