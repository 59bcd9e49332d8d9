-- The rows a search found (search-index.ts): idx NULL for a message; text as search.sql has it,
-- or NULL where it is read from the session file once the hits shown are known.
CREATE OR REPLACE TEMP TABLE search_hits (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER,
  text VARCHAR
)
