-- Version 6: the room events the search feed skipped because the index could not take them (a NUL that text cannot
-- hold, written before the node refused it), with the reason: the feed goes on past such an event instead of
-- stopping for every room, and an operator finds here what is not searchable and why.
CREATE TABLE search_skipped (
  room VARCHAR(255) NOT NULL,
  seq BIGINT NOT NULL,
  reason TEXT NOT NULL,
  skipped_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (room, seq)
);
