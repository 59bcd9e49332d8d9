-- One row per day, ISO week (starting Monday) or month of the start time, in the zone $tz.
SELECT strftime(date_trunc($unit, timezone($tz, start_time)), $format) AS key,
       count(*) AS sessions,
       sum(messages) AS messages,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total
FROM temp.selected
GROUP BY key
ORDER BY key;
