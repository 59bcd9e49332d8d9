-- What each selected session cost, in two parts: the ticks xAI billed (summed as integers: a
-- HUGEINT, as text, exact past 2^53), and an estimate from temp.prices for the usage that carries
-- none, by the model each call named: cached prompt tokens at the cached rate, a call whose prompt
-- is at or above its model's long-context threshold at that tier (a message without `calls` counts
-- as one call); session totals (the seed's
-- format) at the base rates. Usage whose model has no price is counted, never priced at $0.
-- With the cached input and reasoning tokens reported, for stats, and unpriced_sessions: 1 for a
-- session with unpriced usage (a pool's groups give several sessions a row: pool-group-costs.sql).
CREATE OR REPLACE TEMP TABLE session_costs AS
WITH c AS (
  SELECT a.sid, a.kind, a.known, a.cost_ticks, a.input, a.output, a.cached_input, a.reasoning,
         least(coalesce(a.cached_input, 0), a.input) AS cached,
         p.model IS NOT NULL AS priced,
         a.kind <> 'session' AND p.lc_threshold IS NOT NULL AND a.input >= p.lc_threshold AS long,
         p.input AS in_rate, p.cached_input AS cached_rate, p.output AS out_rate,
         p.lc_input, p.lc_cached_input, p.lc_output
  FROM api_calls a
  JOIN temp.selected_sids USING (sid)
  LEFT JOIN temp.prices p ON p.model = a.model
)
SELECT sid,
       sum(cost_ticks)::VARCHAR AS exact_ticks,
       count(*) FILTER (WHERE cost_ticks IS NOT NULL) AS billed_calls,
       count(*) FILTER (WHERE known AND cost_ticks IS NULL AND priced) AS estimated_calls,
       count(*) FILTER (WHERE known AND cost_ticks IS NULL AND NOT priced) AS unpriced_calls,
       (count(*) FILTER (WHERE known AND cost_ticks IS NULL AND NOT priced) > 0)::INTEGER
         AS unpriced_sessions,
       count(*) FILTER (WHERE NOT known) AS unknown_calls,
       count(*) FILTER (WHERE kind = 'call') AS api_calls,
       coalesce(sum(cached_input), 0) AS cached_input,
       coalesce(sum(reasoning), 0) AS reasoning,
       coalesce(bool_or(kind = 'session' AND cost_ticks IS NULL AND priced), false) AS totals_only,
       coalesce(sum(
         CASE WHEN long THEN (input - cached) * lc_input + cached * lc_cached_input + output * lc_output
              ELSE (input - cached) * in_rate + cached * cached_rate + output * out_rate
         END / 1e6) FILTER (WHERE known AND cost_ticks IS NULL AND priced), 0) AS estimated
FROM c
GROUP BY sid;
