-- Version 4: search (protocol v1.2). The rooms' events are tagged "room" as they are written; the rows written before
-- are tagged here, so the index is built from the whole history. Then the index's tables: one row per message or
-- file (the analysed terms as a tsvector under a GIN index), each room's indexed-through seq, and the feed's offset
-- (the journal's ordering read through), written together in one transaction per batch.
INSERT INTO event_tag (event_id, tag)
  SELECT j.ordering, 'room' FROM event_journal j
  WHERE j.persistence_id LIKE 'Room|%'
    AND NOT EXISTS (SELECT 1 FROM event_tag t WHERE t.event_id = j.ordering AND t.tag = 'room');

CREATE TABLE search_entries (
  room VARCHAR(255) NOT NULL,
  seq BIGINT NOT NULL,
  sender VARCHAR(255) NOT NULL,
  sent_at TIMESTAMPTZ NOT NULL,
  text TEXT NOT NULL,
  file_name TEXT,
  has_file BOOLEAN NOT NULL,
  has_link BOOLEAN NOT NULL,
  mentions TEXT[] NOT NULL DEFAULT '{}',
  terms TSVECTOR NOT NULL,
  PRIMARY KEY (room, seq)
);
CREATE INDEX search_entries_terms_idx ON search_entries USING GIN (terms);
CREATE INDEX search_entries_newest_idx ON search_entries (room, sent_at DESC, seq DESC);
CREATE INDEX search_entries_sender_idx ON search_entries (sender);

CREATE TABLE search_rooms (
  room VARCHAR(255) PRIMARY KEY,
  indexed_through BIGINT NOT NULL
);

CREATE TABLE search_offsets (
  name VARCHAR(64) PRIMARY KEY,
  ordering BIGINT NOT NULL
);
INSERT INTO search_offsets (name, ordering) VALUES ('room', 0);
