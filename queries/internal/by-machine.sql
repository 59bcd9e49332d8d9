-- One row per machine of a pool (stats --by machine --from DIR), most tokens first.
SELECT machine AS key,
       count(*) AS sessions,
       sum(messages) AS messages,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total
FROM temp.selected
GROUP BY key
ORDER BY total DESC, key;
