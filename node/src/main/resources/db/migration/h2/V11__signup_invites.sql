-- Version 11 (v1.4): invitations to sign up, for a server whose sign-up policy is invite. Only a token's sha256 is kept;
-- uses are taken by one conditional UPDATE, as invite links' are.
CREATE TABLE parley_signup_invite (
  token_hash CHAR(64) PRIMARY KEY,
  created_by VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  max_uses INTEGER,
  uses INTEGER NOT NULL
);
