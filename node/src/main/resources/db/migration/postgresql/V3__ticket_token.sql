-- Version 3: a download ticket lives only as long as the login token it was made with (logout, a password change or
-- an ended session ends its tickets too). Tickets made before this have none and are no longer honoured; they would
-- have expired within minutes anyway.
ALTER TABLE parley_file_ticket ADD COLUMN token_hash CHAR(64);
