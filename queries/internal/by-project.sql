-- Sessions and tokens per working directory, with the cached input, reasoning and calls of
-- unknown usage of session-costs.sql.
SELECT working_directory AS key,
       count(*) AS sessions,
       sum(messages) AS messages,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total,
       sum(k.cached_input) AS cached_input,
       sum(k.reasoning) AS reasoning,
       sum(k.unknown_calls) AS unknown_calls
FROM temp.selected
LEFT JOIN temp.session_costs k USING (sid)
GROUP BY key
ORDER BY total DESC, key;
