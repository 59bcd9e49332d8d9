-- Sessions and tokens per month (UTC)
SELECT strftime(start_time, '%Y-%m') AS month,
       count(*) AS sessions,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total
FROM unique_sessions
WHERE source = 'live'
GROUP BY month
ORDER BY month;
