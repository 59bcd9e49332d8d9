SELECT model,
       count(*) AS sessions,
       sum(messages) AS messages,
       sum(input) AS input,
       sum(output) AS output,
       sum(total) AS total
FROM temp.selected
GROUP BY model
ORDER BY total DESC, model;
