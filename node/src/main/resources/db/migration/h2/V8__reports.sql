-- Version 8 (v1.4): reports of messages, a room's queue for its owner and admins. One row per reporter and message
-- (a second report of the same message by the same member is the first one again); resolving a message's reports
-- marks them all with who resolved them, when and how (dismissed, deleted, kicked, banned).
CREATE TABLE parley_report (
  id VARCHAR(24) PRIMARY KEY,
  room_id VARCHAR(128) NOT NULL,
  seq BIGINT NOT NULL,
  sender VARCHAR(64) NOT NULL,
  reporter VARCHAR(64) NOT NULL,
  reason VARCHAR(1200),
  created_at BIGINT NOT NULL,
  resolved_at BIGINT,
  resolved_by VARCHAR(64),
  outcome VARCHAR(16)
);
CREATE UNIQUE INDEX parley_report_once ON parley_report (room_id, seq, reporter);
CREATE INDEX parley_report_queue ON parley_report (room_id, resolved_at, created_at);
