-- Sessions still marked active, as one JSON array: crashed unless a running grok holds their
-- lock. An archived session cannot be open, so one still marked active is a crash too.
SELECT coalesce(to_json(list(t))::VARCHAR, '[]') AS active
FROM (
  SELECT f.path, s.source FROM temp.selected s JOIN files f USING (sid)
  WHERE s.status = 'active'
) t;
