-- The months whose partition in the pool lacks one of this export's sessions as it is now: not
-- there, or there from another version of its file, another text mode or schema version.
-- {pooled} is this machine's sessions in the pool, the newest copy of each.
SELECT DISTINCT n.month
FROM temp.export_now n
LEFT JOIN {pooled} p
  ON p.session_id = n.session_id AND p.month = n.month AND p.file_size = n.file_size
 AND p.file_mtime_ms = n.file_mtime_ms AND p.text = $text::VARCHAR
 AND p.schema_version = $version::INTEGER
WHERE p.session_id IS NULL
ORDER BY n.month;
