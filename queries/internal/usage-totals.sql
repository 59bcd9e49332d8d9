-- Over the selected sessions (session-costs.sql), as one JSON object: cached input and reasoning
-- tokens, API calls recorded one by one, calls whose usage the server never reported, and the
-- cost parts (billed ticks as text, summed exactly) and the sessions with usage left unpriced.
SELECT to_json(t)::VARCHAR AS usage
FROM (
  SELECT coalesce(sum(cached_input), 0) AS cached_input,
         coalesce(sum(reasoning), 0) AS reasoning,
         coalesce(sum(api_calls), 0) AS api_calls,
         coalesce(sum(unknown_calls), 0) AS unknown_calls,
         coalesce(sum(exact_ticks::HUGEINT), 0)::VARCHAR AS exact_ticks,
         coalesce(sum(billed_calls), 0) AS billed_calls,
         coalesce(sum(estimated_calls), 0) AS estimated_calls,
         coalesce(sum(unpriced_calls), 0) AS unpriced_calls,
         coalesce(sum(unpriced_sessions), 0) AS unpriced_sessions,
         coalesce(bool_or(totals_only), false) AS totals_only,
         coalesce(sum(estimated), 0) AS estimated
  FROM temp.session_costs
) t;
