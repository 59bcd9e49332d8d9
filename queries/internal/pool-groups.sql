-- A pool's sessions ({sessions}: rows of its sessions table, with their machine) summed into few
-- rows, what stats and cost total without reading each session (pool-rollup.ts). Three grains,
-- told by `grain`, each keyed by what a reader groups or filters by (machine, session model):
--   'session': counts and sums of the sessions, by their status, and by the models of their
--     usage left to estimate (est_models; unmodelled: a model not named), which tells a session
--     with unpriced usage at the reader's prices;
--   'tool': calls per tool (session_tools);
--   'usage': the usage xAI did not bill (cost_ticks NULL) by the model each call named, its kind
--     and its price tier (long: at or above lc_threshold, the long-context threshold in
--     temp.prices, written beside it): the token sums an estimate is linear in, at any rates.
-- Each figure keeps the NULLs of session-costs.sql: a session without usage rows has none of the
-- usage figures; a call's tokens count towards an estimate only when its input and output do.
-- Sums are BIGINT (Parquet has no 128-bit integer), billed ticks HUGEINT as text.
WITH s AS (
  SELECT machine, model, status, interrupted, messages, tool_calls, input, output, total,
         duration_ms, timed_output, timed_ms,
         len(usage) > 0 AS costed,
         list_sum(list_transform(usage, u -> u.cached_input)) AS cached_input,
         list_sum(list_transform(usage, u -> u.reasoning)) AS reasoning,
         len(list_filter(usage, u -> NOT u.known)) AS unknown_calls,
         len(list_filter(usage, u -> u.kind = 'call')) AS api_calls,
         len(list_filter(usage, u -> u.cost_ticks IS NOT NULL)) AS billed_calls,
         list_sum(list_transform(usage, u -> u.cost_ticks::HUGEINT)) AS exact_ticks,
         list_sort(list_distinct(list_transform(
           list_filter(usage, u -> u.known AND u.cost_ticks IS NULL), u -> u.model))) AS est_models,
         len(list_filter(usage, u -> u.known AND u.cost_ticks IS NULL AND u.model IS NULL)) > 0
           AS unmodelled
  FROM {sessions}
),
u AS (
  SELECT machine, model, x.model AS call_model, x.kind, x.known, x.input, x.output,
         least(coalesce(x.cached_input, 0), x.input) AS cached,
         x.input IS NOT NULL AND x.output IS NOT NULL AS complete
  FROM (SELECT machine, model, unnest(usage) AS x FROM {sessions})
  WHERE x.cost_ticks IS NULL
)
SELECT 'session' AS grain, machine, model, status, interrupted, est_models, unmodelled,
       count(*) AS sessions,
       sum(messages)::BIGINT AS messages,
       sum(tool_calls)::BIGINT AS tool_calls,
       sum(input)::BIGINT AS input,
       sum(output)::BIGINT AS output,
       sum(total)::BIGINT AS total,
       sum(duration_ms)::BIGINT AS duration_sum,
       count(duration_ms) AS durations,
       sum(timed_output)::BIGINT AS timed_output,
       sum(timed_ms)::BIGINT AS timed_ms,
       count(*) FILTER (WHERE costed) AS costed,
       sum(CASE WHEN costed THEN coalesce(cached_input, 0) END)::BIGINT AS cached_input,
       sum(CASE WHEN costed THEN coalesce(reasoning, 0) END)::BIGINT AS reasoning,
       sum(CASE WHEN costed THEN unknown_calls END)::BIGINT AS unknown_calls,
       sum(api_calls)::BIGINT AS api_calls,
       sum(billed_calls)::BIGINT AS billed_calls,
       sum(exact_ticks)::VARCHAR AS exact_ticks,
       NULL::VARCHAR AS tool, NULL::BIGINT AS calls, NULL::BIGINT AS failed,
       NULL::VARCHAR AS call_model, NULL::VARCHAR AS kind, NULL::BOOLEAN AS known,
       NULL::BOOLEAN AS long, NULL::BIGINT AS lc_threshold, NULL::BIGINT AS uncached_input,
       NULL::BIGINT AS cached
FROM s
GROUP BY machine, model, status, interrupted, est_models, unmodelled
UNION ALL BY NAME
SELECT 'tool' AS grain, machine, model, t.tool,
       sum(t.calls)::BIGINT AS calls,
       count(*) AS sessions,
       sum(t.failed)::BIGINT AS failed
FROM (SELECT machine, model, unnest(tools) AS t FROM {sessions})
GROUP BY machine, model, t.tool
UNION ALL BY NAME
SELECT 'usage' AS grain, u.machine, u.model, u.call_model, u.kind, u.known,
       coalesce(u.kind <> 'session' AND u.input >= p.lc_threshold, false) AS long,
       p.lc_threshold,
       count(*) AS calls,
       (sum(u.input - u.cached) FILTER (WHERE u.complete))::BIGINT AS uncached_input,
       (sum(u.cached) FILTER (WHERE u.complete))::BIGINT AS cached,
       (sum(u.output) FILTER (WHERE u.complete))::BIGINT AS output
FROM u
LEFT JOIN temp.prices p ON p.model = u.call_model
GROUP BY ALL
