-- Version 7 (v1.4): invite links to a room. Only a token's sha256 is kept (the token is shown once, to its maker);
-- id is what listings and revocation name. uses counts accepted joins, raised by one conditional UPDATE so that two
-- accepts of a link with one use left cannot both pass. A revoked link keeps its row (revoked_at) for the record.
CREATE TABLE parley_invite_link (
  id VARCHAR(24) PRIMARY KEY,
  token_hash CHAR(64) NOT NULL UNIQUE,
  room_id VARCHAR(128) NOT NULL,
  created_by VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  max_uses INTEGER,
  uses INTEGER NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX parley_invite_link_room ON parley_invite_link (room_id, created_at);
