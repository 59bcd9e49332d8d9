-- The selected live sessions' files, as one JSON array (see jsonArray in sql-files.ts), each with
-- where its record is in the store when the index has its signature.
SELECT to_json(list({
  'sid': f.sid, 'path': f.path, 'size': f.size::DOUBLE, 'mtimeMs': f.mtime_ms,
  'place': CASE WHEN g.sid IS NOT NULL THEN {'store': g.store, 'at': g.pos::DOUBLE, 'length': g.length} END
} ORDER BY f.sid))::VARCHAR AS files
FROM files f LEFT JOIN search_grams g USING (sid)
WHERE f.source = 'live' AND f.status = 'ok' AND f.sid IN (SELECT sid FROM temp.selected_sids)
