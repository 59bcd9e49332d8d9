-- active-sessions.sql over a pool read as groups: one entry per session still marked active. A
-- pooled session is never this machine's running one (stats counts it as crashed): no path.
SELECT coalesce(to_json(list({'path': NULL::VARCHAR, 'source': 'pool'}))::VARCHAR, '[]') AS active
FROM range((
  SELECT coalesce(sum(sessions), 0)::BIGINT
  FROM temp.pool_groups
  WHERE grain = 'session' AND status = 'active'
));
