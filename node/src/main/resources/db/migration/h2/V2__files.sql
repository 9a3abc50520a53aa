-- Version 2 (v1.1, files): shared files, stored in the node's own database by default.
-- A blob is the bytes of one content (keyed by its sha256), stored once however often it is shared; its chunks
-- (about 256 KiB each) are keyed by the location its first upload wrote them to. refs counts the files that use it:
-- a blob at 0 is collected. An upload's chunks are written under its location before its digest is known; the
-- upload row marks them as in progress until the blob is recorded (or the upload fails and they are deleted).
-- H2 keeps a BLOB in its own LOB storage, in small blocks: large values inline in the table's pages made each
-- commit and delete rewrite pages of megabytes (with a 256 MiB heap, H2 ran out of memory on a 64 MiB delete).
CREATE TABLE parley_file_chunk (
  location VARCHAR(64) NOT NULL,
  idx INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (location, idx)
);

CREATE TABLE parley_upload (
  location VARCHAR(64) PRIMARY KEY,
  started_at BIGINT NOT NULL
);

CREATE TABLE parley_file_blob (
  sha256 CHAR(64) PRIMARY KEY,
  size BIGINT NOT NULL,
  chunk_size INTEGER NOT NULL,
  location VARCHAR(64) NOT NULL,
  refs INTEGER NOT NULL
);

-- A file as shared: in one room, by one user, at one seq (null until its entry is stored).
CREATE TABLE parley_file (
  id VARCHAR(40) PRIMARY KEY,
  sha256 CHAR(64) NOT NULL,
  name VARCHAR(1024) NOT NULL,
  size BIGINT NOT NULL,
  content_type VARCHAR(255) NOT NULL,
  uploader VARCHAR(64) NOT NULL,
  room_id VARCHAR(128) NOT NULL,
  client_msg_id VARCHAR(128) NOT NULL,
  seq BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX parley_file_uploader ON parley_file (uploader);
CREATE INDEX parley_file_room ON parley_file (room_id, seq);

-- Short-lived download tickets (a browser's link cannot carry a header); only their hashes are kept.
CREATE TABLE parley_file_ticket (
  hash CHAR(64) PRIMARY KEY,
  file_id VARCHAR(40) NOT NULL,
  username VARCHAR(64) NOT NULL,
  expires_at BIGINT NOT NULL
);
