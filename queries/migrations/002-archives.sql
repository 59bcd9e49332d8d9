-- Archives already read, so an unchanged archive is never opened again.
CREATE TABLE archives (
  path VARCHAR PRIMARY KEY,
  size BIGINT NOT NULL,
  mtime_ms DOUBLE NOT NULL
);
