-- Every live session's `list --json` entry, in the order list shows them by default
-- (list-sessions.sql with no filter and sort 'start': newest first, then by file, descending),
-- for the summary of list (summary.ts): the entries joined by ",\n" as UTF-8 bytes, and as JSON
-- arrays each entry's length in bytes, its duration, its start in epoch milliseconds and its file.
WITH ranked AS (
  SELECT e.entry, s.duration_ms, epoch_ms(s.start_time) AS start_ms, s.file,
         row_number() OVER (ORDER BY epoch_ms(s.start_time) DESC, s.file DESC) AS n
  FROM sessions s JOIN list_entries e USING (sid)
  WHERE s.source = 'live'
)
SELECT encode(coalesce(string_agg(entry, ',' || chr(10) ORDER BY n), '')) AS entries,
       to_json({
         lengths: coalesce(list(octet_length(encode(entry)) ORDER BY n), []),
         durations: coalesce(list(duration_ms ORDER BY n), []),
         starts: coalesce(list(start_ms ORDER BY n), []),
         files: coalesce(list(file ORDER BY n), [])
       })::VARCHAR AS meta
FROM ranked;
