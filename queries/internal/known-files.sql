-- The files the index holds from one source, as one JSON array (see jsonArray in sql-files.ts).
SELECT to_json(list({'sid': sid, 'path': path, 'size': size::DOUBLE, 'mtimeMs': mtime_ms}))::VARCHAR AS files
FROM files
WHERE source = $source
