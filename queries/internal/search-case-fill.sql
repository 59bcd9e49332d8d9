-- DuckDB's own lower() of every code point it changes (surrogates are not code points of text).
-- Past plane 1 (U+20000 on: CJK ideographs, tags, variation selectors, private use) no code
-- point has a lower case (test/analytics/search-index.test.ts holds DuckDB to that).
INSERT INTO search_case
SELECT cp::INTEGER, unicode(lower(chr(cp::INTEGER)))::INTEGER,
       (SELECT library_version FROM pragma_version())
FROM range(0, 131072) t(cp)
WHERE (cp < 55296 OR cp > 57343) AND lower(chr(cp::INTEGER)) <> chr(cp::INTEGER)
