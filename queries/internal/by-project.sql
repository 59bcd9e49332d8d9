SELECT working_directory AS key,
       count(*) AS sessions,
       sum(messages) AS messages,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total
FROM temp.selected
GROUP BY key
ORDER BY total DESC, key;
