-- parameters and result are kept as JSON text: searchable, and queryable with DuckDB's json functions.
CREATE TABLE tool_calls (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  tool VARCHAR NOT NULL,
  parameters VARCHAR,
  result VARCHAR,
  failed BOOLEAN NOT NULL
);
