-- tools.sql over a pool read as groups (pool-groups.sql): calls per tool, most called first.
SELECT coalesce(to_json(list(t ORDER BY t.calls DESC, t.tool))::VARCHAR, '[]') AS tools
FROM (
  SELECT tool,
         sum(calls)::BIGINT AS calls,
         sum(sessions) AS sessions,
         sum(failed)::BIGINT AS failed
  FROM temp.pool_groups
  WHERE grain = 'tool'
  GROUP BY tool
) t;
