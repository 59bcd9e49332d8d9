-- Files that are not sessions (truncated, empty, not the format), reported by every command.
SELECT CASE WHEN source = 'archive' THEN regexp_extract(path, '[^/]+$') || ':' || name ELSE name END AS file,
       reason
FROM files
WHERE status = 'bad' AND (source = 'live' OR $archived)
ORDER BY file;
