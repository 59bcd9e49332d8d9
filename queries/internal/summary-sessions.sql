-- Every live session the index holds, with the numbers stats and cost read of it, for the summary
-- (summary-index.ts reads it a page at a time), in the order of cost_rows: the order in which
-- usage-totals.sql sums the estimated cost (a sum of doubles depends on its order). Numbers as
-- doubles (NULL where there is none); the status as a code (0 none, 1 ended, 2 active, 3 other);
-- the model and the directory as their places in summary-names.sql's lists. Its texts come from
-- summary-texts.sql in the same order, its reply times and tools from summary-replies.sql and
-- summary-tools.sql, by sid.
WITH models AS (
  SELECT model, row_number() OVER (ORDER BY model) - 1 AS k
  FROM (SELECT DISTINCT model FROM sessions WHERE source = 'live')
), directories AS (
  SELECT working_directory, row_number() OVER (ORDER BY working_directory) - 1 AS k
  FROM (SELECT DISTINCT working_directory FROM sessions
        WHERE source = 'live' AND working_directory IS NOT NULL)
)
SELECT s.sid, epoch_us(s.start_time)::DOUBLE AS start_us, s.interrupted::DOUBLE AS interrupted,
       CASE WHEN s.status IS NULL THEN 0 WHEN s.status = 'ended' THEN 1
            WHEN s.status = 'active' THEN 2 ELSE 3 END::DOUBLE AS status,
       s.duration_ms::DOUBLE AS duration_ms, s.messages::DOUBLE AS messages,
       s.tool_calls::DOUBLE AS tool_calls, s.input::DOUBLE AS input, s.output::DOUBLE AS output,
       s.total::DOUBLE AS total, c.has_calls::DOUBLE AS has_calls,
       c.billed_calls::DOUBLE AS billed_calls, c.estimated_calls::DOUBLE AS estimated_calls,
       c.unpriced_calls::DOUBLE AS unpriced_calls,
       c.unpriced_sessions::DOUBLE AS unpriced_sessions,
       c.unknown_calls::DOUBLE AS unknown_calls, c.api_calls::DOUBLE AS api_calls,
       c.cached_input::DOUBLE AS cached_input, c.reasoning::DOUBLE AS reasoning,
       c.totals_only::DOUBLE AS totals_only, c.estimated::DOUBLE AS estimated,
       m.k::DOUBLE AS model, d.k::DOUBLE AS directory
FROM sessions s
LEFT JOIN cost_rows c USING (sid)
JOIN models m USING (model)
LEFT JOIN directories d USING (working_directory)
WHERE s.source = 'live'
ORDER BY c.rowid NULLS LAST, s.sid;
