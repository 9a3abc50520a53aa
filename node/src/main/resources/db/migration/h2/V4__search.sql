-- Version 4: search (protocol v1.2). The rooms' events are tagged "room" as they are written; the rows written before
-- are tagged here, so the index is built from the whole history. On H2 the index itself is Lucene in the data
-- directory, with its offset in its own commits: no table of its own.
INSERT INTO PUBLIC."event_tag" ("event_id", "tag")
  SELECT j."ordering", 'room' FROM PUBLIC."event_journal" j
  WHERE j."persistence_id" LIKE 'Room|%'
    AND NOT EXISTS (SELECT 1 FROM PUBLIC."event_tag" t WHERE t."event_id" = j."ordering" AND t."tag" = 'room');
