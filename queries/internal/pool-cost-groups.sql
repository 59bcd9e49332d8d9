-- Sessions, tokens and cost parts (session-costs.sql) per group over a pool (cost --from, when
-- no per-session row is shown): summed here, not session by session. $by: machine, model or day.
SELECT CASE $by::VARCHAR
         WHEN 'machine' THEN s.machine
         WHEN 'model' THEN s.model
         ELSE strftime(timezone($tz::VARCHAR, s.start_time), '%Y-%m-%d')
       END AS key,
       count(*) AS sessions,
       sum(s.input) AS input,
       sum(s.output) AS output,
       sum(s.total) AS total,
       coalesce(sum(k.exact_ticks::HUGEINT), 0)::VARCHAR AS exact_ticks,
       coalesce(sum(k.billed_calls), 0) AS billed_calls,
       coalesce(sum(k.estimated_calls), 0) AS estimated_calls,
       coalesce(sum(k.unpriced_calls), 0) AS unpriced_calls,
       coalesce(sum(k.unknown_calls), 0) AS unknown_calls,
       coalesce(bool_or(k.totals_only), false) AS totals_only,
       coalesce(sum(k.estimated), 0) AS estimated,
       count(*) FILTER (WHERE k.unpriced_calls > 0) AS unpriced
FROM temp.selected s
LEFT JOIN temp.session_costs k USING (sid)
GROUP BY key;
