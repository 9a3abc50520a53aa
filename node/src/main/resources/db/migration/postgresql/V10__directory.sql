-- Version 10 (v1.4): the user directory. An account is listed (found by GET /users?q=) unless its owner asked not to be.
ALTER TABLE parley_user ADD COLUMN unlisted BOOLEAN DEFAULT FALSE NOT NULL;
