-- Live session files indexed without their text, among those in temp.wanted, as one JSON array
-- (see jsonArray in sql-files.ts).
SELECT to_json(list({'sid': sid, 'path': path, 'size': size::DOUBLE, 'mtimeMs': mtime_ms} ORDER BY sid))::VARCHAR AS files
FROM files
WHERE source = 'live' AND status = 'ok'
  AND sid IN (SELECT sid FROM temp.wanted)
  AND sid NOT IN (SELECT sid FROM text_loaded)
