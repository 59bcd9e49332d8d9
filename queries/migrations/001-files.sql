-- Every session file the index has seen, live or inside an archive, with what made it good or bad.
CREATE TABLE files (
  sid INTEGER PRIMARY KEY,
  source VARCHAR NOT NULL,      -- 'live' | 'archive'
  path VARCHAR NOT NULL,        -- live: the file; archive: the archive file
  name VARCHAR NOT NULL,        -- base name of the session file
  size BIGINT NOT NULL,
  mtime_ms DOUBLE NOT NULL,
  status VARCHAR NOT NULL,      -- 'ok' | 'bad'
  reason VARCHAR
);
