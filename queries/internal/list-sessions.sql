-- What `grok sessions list` shows, from the index instead of every file: the selected sessions
-- (since, until, model and tag are the selection's filters) over $over tokens, ranked as list
-- sorts them (sortSessions in src/commands/list.ts: by $sort, then newest first, then by file),
-- and the first $limit of them. Each session's entry is kept as the text `list --json` prints
-- (src/session/list-entry.ts) and joined here: building thousands of JS objects from rows and
-- serialising them again cost more than the query. The entries come back as UTF-8 bytes
-- (encode), written out as they are: decoding megabytes into a string and encoding them again
-- for stdout cost ~15 ms over 10,000 sessions.
WITH ranked AS (
  SELECT e.entry, s.duration_ms,
         row_number() OVER (ORDER BY
           CASE $sort::VARCHAR WHEN 'tokens' THEN s.total WHEN 'messages' THEN s.messages ELSE 0 END DESC,
           epoch_ms(s.start_time) DESC,
           s.file DESC) AS n
  FROM temp.selected s JOIN list_entries e USING (sid)
  WHERE $over::BIGINT IS NULL OR s.total > $over::BIGINT
), shown AS (
  SELECT *, $limit::BIGINT IS NULL OR n <= $limit::BIGINT AS shown FROM ranked
)
SELECT count(*)::INTEGER AS matched,
       encode(coalesce(string_agg(entry, ',' || chr(10) ORDER BY n) FILTER (WHERE shown), ''))
         AS entries,
       coalesce(to_json(list(duration_ms ORDER BY n) FILTER (WHERE shown)), '[]')::VARCHAR
         AS durations
FROM shown;
