-- session-costs.sql over a pool read as groups (pool-groups.sql, in temp.pool_groups): a row per
-- machine and session model, not per session, with the columns of session-costs.sql (so that
-- usage-totals.sql sums them alike) and the sessions' own sums: the cost in the same two parts,
-- the estimate at the reader's prices (temp.prices) from the token sums of each usage group at
-- its tier, and the sessions with usage whose model has no price here.
CREATE OR REPLACE TEMP TABLE session_costs AS
WITH priced AS (
  SELECT coalesce(list(model), []) AS models FROM temp.prices
),
s AS (
  SELECT machine, model,
         sum(sessions) AS sessions,
         sum(messages) AS messages,
         sum(tool_calls) AS tool_calls,
         sum(input) AS input,
         sum(output) AS output,
         sum(total) AS total,
         sum(cached_input) AS cached_input,
         sum(reasoning) AS reasoning,
         sum(unknown_calls) AS unknown_calls,
         sum(api_calls) AS api_calls,
         sum(billed_calls) AS billed_calls,
         sum(exact_ticks::HUGEINT) AS exact_ticks,
         coalesce(sum(sessions) FILTER (
           WHERE unmodelled OR NOT list_has_all(priced.models, est_models)), 0) AS unpriced_sessions
  FROM temp.pool_groups, priced
  WHERE grain = 'session'
  GROUP BY machine, model
),
u AS (
  SELECT g.machine, g.model,
         sum(g.calls) FILTER (WHERE g.known AND p.model IS NOT NULL) AS estimated_calls,
         sum(g.calls) FILTER (WHERE g.known AND p.model IS NULL) AS unpriced_calls,
         bool_or(g.kind = 'session' AND p.model IS NOT NULL) AS totals_only,
         sum(
           CASE WHEN g.long
                THEN g.uncached_input * p.lc_input + g.cached * p.lc_cached_input + g.output * p.lc_output
                ELSE g.uncached_input * p.input + g.cached * p.cached_input + g.output * p.output
           END / 1e6) FILTER (WHERE g.known AND p.model IS NOT NULL) AS estimated
  FROM temp.pool_groups g
  LEFT JOIN temp.prices p ON p.model = g.call_model
  WHERE g.grain = 'usage'
  GROUP BY g.machine, g.model
)
SELECT s.*,
       coalesce(u.estimated_calls, 0) AS estimated_calls,
       coalesce(u.unpriced_calls, 0) AS unpriced_calls,
       coalesce(u.totals_only, false) AS totals_only,
       coalesce(u.estimated, 0) AS estimated
FROM s
LEFT JOIN u ON u.machine = s.machine AND u.model IS NOT DISTINCT FROM s.model;
