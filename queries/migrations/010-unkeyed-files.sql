-- `files` without its primary key: sids are given out by the refresh alone (one writer at a
-- time), and the key's index was rewritten whole at every checkpoint, most of the cost of
-- writing a few new sessions. Its rows are kept.
CREATE TABLE files_unkeyed (
  sid INTEGER NOT NULL,
  source VARCHAR NOT NULL,      -- 'live' | 'archive'
  path VARCHAR NOT NULL,        -- live: the file; archive: the archive file
  name VARCHAR NOT NULL,        -- base name of the session file
  size BIGINT NOT NULL,
  mtime_ms DOUBLE NOT NULL,
  status VARCHAR NOT NULL,      -- 'ok' | 'bad'
  reason VARCHAR
);
INSERT INTO files_unkeyed SELECT sid, source, path, name, size, mtime_ms, status, reason FROM files;
DROP TABLE files;
ALTER TABLE files_unkeyed RENAME TO files;
-- The state of the one directory whose files `files` holds, as of its last complete refresh:
-- the manifest (each file's name, size and mtime) and a hash of it. Removed while a write is
-- under way, so it never describes an index that is not there.
DROP TABLE dir_state;
CREATE TABLE dir_state (
  dir VARCHAR NOT NULL,
  fingerprint VARCHAR NOT NULL,
  manifest VARCHAR NOT NULL
);
