-- The version of the DuckDB running now, and DuckDB's lower() of the code points it changes as
-- [code point, lower] pairs in one JSON array, as search_case holds them: NULL when they were
-- computed by another version (or never), and when the table the build shipped for this version
-- ($shipped) holds them already (the two are the same: search-case.ts).
WITH running AS (SELECT library_version AS duckdb FROM pragma_version())
SELECT (SELECT duckdb FROM running) AS duckdb,
  CASE WHEN (SELECT any_value(duckdb) FROM search_case) = (SELECT duckdb FROM running)
         AND (SELECT duckdb FROM running) IS DISTINCT FROM $shipped::VARCHAR
    THEN (SELECT coalesce(to_json(list([cp, low] ORDER BY cp)), '[]') FROM search_case)::VARCHAR
  END AS pairs,
  (SELECT any_value(duckdb) FROM search_case) AS stored
