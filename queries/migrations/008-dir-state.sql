-- A fingerprint of the sessions directory as of the last complete refresh (every file's name,
-- size and mtime): when the stat pass gives the same fingerprint, nothing needs comparing.
CREATE TABLE dir_state (
  dir VARCHAR PRIMARY KEY,
  fingerprint VARCHAR NOT NULL
);
