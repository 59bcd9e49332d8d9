-- DuckDB's own lower() of every code point it changes (surrogates are not code points of text),
-- as [code point, lower] pairs in one JSON array, with the version of the DuckDB that computed
-- them. Past plane 1 (U+20000 on: CJK ideographs, tags, variation selectors, private use) no code
-- point has a lower case (test/analytics/search-index.test.ts holds DuckDB to that).
SELECT (SELECT library_version FROM pragma_version()) AS duckdb,
  (SELECT coalesce(to_json(list([cp, low] ORDER BY cp)), '[]')::VARCHAR
   FROM (
     SELECT cp::INTEGER AS cp, unicode(lower(chr(cp::INTEGER)))::INTEGER AS low
     FROM range(0, 131072) t(cp)
     WHERE (cp < 55296 OR cp > 57343) AND lower(chr(cp::INTEGER)) <> chr(cp::INTEGER)
   )) AS pairs
