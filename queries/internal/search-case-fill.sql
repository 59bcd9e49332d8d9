-- DuckDB's own lower() of every code point it changes (surrogates are not code points of text).
INSERT INTO search_case
SELECT cp::INTEGER, unicode(lower(chr(cp::INTEGER)))::INTEGER,
       (SELECT library_version FROM pragma_version())
FROM range(0, 1114112) t(cp)
WHERE (cp < 55296 OR cp > 57343) AND lower(chr(cp::INTEGER)) <> chr(cp::INTEGER)
