-- by-machine.sql over a pool read as groups (pool-group-costs.sql).
SELECT machine AS key,
       sum(sessions) AS sessions,
       sum(messages) AS messages,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total
FROM temp.session_costs
GROUP BY key
ORDER BY total DESC, key;
