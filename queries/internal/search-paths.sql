-- The files of the sessions $sids as the index read them, as one JSON array (see jsonArray in
-- sql-files.ts): search-files.sql leaves them out for a session whose record is in the store, and
-- a search reads one only for the hits it shows, or where it cannot read a record back.
SELECT to_json(list({'sid': sid, 'path': path, 'size': size::DOUBLE, 'mtimeMs': mtime_ms}))::VARCHAR
FROM files
WHERE sid IN (SELECT unnest($sids::INTEGER[]))
