-- Tokens per group and model over a pool (cost --from, when no per-session row is shown): cost
-- is linear in tokens per model, so it is priced per row in Node. $by is machine, model or day.
SELECT CASE $by::VARCHAR
         WHEN 'machine' THEN machine
         WHEN 'model' THEN model
         ELSE strftime(timezone($tz::VARCHAR, start_time), '%Y-%m-%d')
       END AS key,
       model,
       count(*) AS sessions,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total
FROM temp.selected
GROUP BY ALL;
