-- Full-text search's index (src/analytics/search-grams.ts): each live session's signature, a
-- Bloom filter of the byte trigrams of its text lowered as DuckDB's lower() lowers it, made by
-- the first search that reads the session, and where its lowered rows are in the store files
-- beside the index (src/analytics/search-store.ts), which are private as the index is. search_case holds DuckDB's lower() of each code point it changes,
-- and the DuckDB version that computed it: another version may lower otherwise, and the
-- signatures are then made again.
CREATE TABLE search_grams (
  sid INTEGER NOT NULL,
  bits BLOB NOT NULL,
  store VARCHAR NOT NULL,
  pos BIGINT NOT NULL,
  length INTEGER NOT NULL
);
CREATE TABLE search_case (
  cp INTEGER NOT NULL,
  low INTEGER NOT NULL,
  duckdb VARCHAR NOT NULL
);
