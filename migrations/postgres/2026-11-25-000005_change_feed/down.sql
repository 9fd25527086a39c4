DROP TABLE change_feed_head;
DROP TABLE change_feed;
