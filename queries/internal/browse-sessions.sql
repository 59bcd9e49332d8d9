-- The rows of the session browser (grok sessions browse), as one JSON array: each selected
-- session's entry (written when its file was read: browse_rows.entry), newest first, with what
-- depends on the question added in front: the archive holding it, and its cost from
-- temp.session_costs (queries/internal/session-costs.sql): billed and estimated parts added as
-- costOfParts in src/analytics/pricing.ts adds them, NULL when nothing of it was billed or
-- priced, and whether any of it is an estimate.
WITH rows AS (
  SELECT s.start_time, s.file,
         '{"archive":' || CASE WHEN s.source = 'archive' THEN to_json(f.path)::VARCHAR ELSE 'null' END
         || ',"cost":' || coalesce((
              CASE WHEN coalesce(c.billed_calls, 0) = 0 AND coalesce(c.estimated_calls, 0) = 0
                        AND coalesce(c.unpriced_calls, 0) > 0 THEN NULL
                   ELSE coalesce(c.exact_ticks::HUGEINT, 0)::DOUBLE / 1e10 + coalesce(c.estimated, 0)
              END)::VARCHAR, 'null')
         || ',"costEstimated":'
         || (coalesce(c.estimated_calls, 0) > 0 OR coalesce(c.totals_only, false))::VARCHAR
         || ',' || substr(b.entry, 2) AS entry
  FROM temp.selected s
  JOIN files f USING (sid)
  JOIN browse_rows b USING (sid)
  LEFT JOIN temp.session_costs c USING (sid)
)
SELECT '[' || coalesce(string_agg(entry, ',' ORDER BY epoch_ms(start_time) DESC, file DESC), '')
       || ']' AS rows
FROM rows;
