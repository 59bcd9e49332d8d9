-- Every live session the index holds, with the numbers stats and cost read of it, for the summary
-- (summary-index.ts reads it a page at a time), in the order of cost_rows: the order in which
-- usage-totals.sql sums the estimated cost (a sum of doubles depends on its order). Numbers as
-- doubles, NaN for NULL (a vector without NULLs is read without testing each value's validity);
-- the status as a code (0 none, 1 ended, 2 active, 3 other); the model and the directory as
-- their places in summary-names.sql's lists. Its files' names come from summary-files.sql in the
-- same order; its other texts, reply times and tools from summary-texts.sql, summary-replies.sql
-- and summary-tools.sql, by sid.
WITH models AS (
  SELECT model, row_number() OVER (ORDER BY model) - 1 AS k
  FROM (SELECT DISTINCT model FROM sessions WHERE source = 'live')
), directories AS (
  SELECT working_directory, row_number() OVER (ORDER BY working_directory) - 1 AS k
  FROM (SELECT DISTINCT working_directory FROM sessions
        WHERE source = 'live' AND working_directory IS NOT NULL)
)
SELECT s.sid,
       coalesce(epoch_us(s.start_time)::DOUBLE, 'NaN'::DOUBLE) AS start_us,
       coalesce(s.interrupted::DOUBLE, 'NaN'::DOUBLE) AS interrupted,
       CASE WHEN s.status IS NULL THEN 0 WHEN s.status = 'ended' THEN 1
            WHEN s.status = 'active' THEN 2 ELSE 3 END::DOUBLE AS status,
       coalesce(s.duration_ms::DOUBLE, 'NaN'::DOUBLE) AS duration_ms,
       coalesce(s.messages::DOUBLE, 'NaN'::DOUBLE) AS messages,
       coalesce(s.tool_calls::DOUBLE, 'NaN'::DOUBLE) AS tool_calls,
       coalesce(s.input::DOUBLE, 'NaN'::DOUBLE) AS input,
       coalesce(s.output::DOUBLE, 'NaN'::DOUBLE) AS output,
       coalesce(s.total::DOUBLE, 'NaN'::DOUBLE) AS total,
       coalesce(c.has_calls::DOUBLE, 'NaN'::DOUBLE) AS has_calls,
       coalesce(c.billed_calls::DOUBLE, 'NaN'::DOUBLE) AS billed_calls,
       coalesce(c.estimated_calls::DOUBLE, 'NaN'::DOUBLE) AS estimated_calls,
       coalesce(c.unpriced_calls::DOUBLE, 'NaN'::DOUBLE) AS unpriced_calls,
       coalesce(c.unpriced_sessions::DOUBLE, 'NaN'::DOUBLE) AS unpriced_sessions,
       coalesce(c.unknown_calls::DOUBLE, 'NaN'::DOUBLE) AS unknown_calls,
       coalesce(c.api_calls::DOUBLE, 'NaN'::DOUBLE) AS api_calls,
       coalesce(c.cached_input::DOUBLE, 'NaN'::DOUBLE) AS cached_input,
       coalesce(c.reasoning::DOUBLE, 'NaN'::DOUBLE) AS reasoning,
       coalesce(c.totals_only::DOUBLE, 'NaN'::DOUBLE) AS totals_only,
       coalesce(c.estimated::DOUBLE, 'NaN'::DOUBLE) AS estimated,
       coalesce(m.k::DOUBLE, 'NaN'::DOUBLE) AS model,
       coalesce(d.k::DOUBLE, 'NaN'::DOUBLE) AS directory
FROM sessions s
LEFT JOIN cost_rows c USING (sid)
JOIN models m USING (model)
LEFT JOIN directories d USING (working_directory)
WHERE s.source = 'live'
ORDER BY c.rowid NULLS LAST, s.sid;
