-- pool-cost-groups.sql over a pool read as groups (pool-group-costs.sql): $by machine or model.
SELECT CASE $by::VARCHAR WHEN 'machine' THEN machine ELSE model END AS key,
       sum(sessions) AS sessions,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total,
       coalesce(sum(exact_ticks), 0)::VARCHAR AS exact_ticks,
       coalesce(sum(billed_calls), 0) AS billed_calls,
       coalesce(sum(estimated_calls), 0) AS estimated_calls,
       coalesce(sum(unpriced_calls), 0) AS unpriced_calls,
       coalesce(sum(unknown_calls), 0) AS unknown_calls,
       coalesce(bool_or(totals_only), false) AS totals_only,
       coalesce(sum(estimated), 0) AS estimated,
       coalesce(sum(unpriced_sessions), 0) AS unpriced
FROM temp.session_costs
GROUP BY key;
