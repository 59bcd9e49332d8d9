-- DuckDB's lower() of the code points it changes, as [code point, lower] pairs in one JSON
-- array, if the DuckDB running now is the one that computed them (search_case); else NULL.
SELECT CASE WHEN (SELECT any_value(duckdb) FROM search_case) = (SELECT library_version FROM pragma_version())
  THEN (SELECT coalesce(to_json(list([cp, low] ORDER BY cp)), '[]') FROM search_case)::VARCHAR
END AS pairs
