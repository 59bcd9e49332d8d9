-- Sessions still marked active: crashed unless a running grok holds their lock. An archived
-- session cannot be open, so one still marked active is a crash too.
SELECT f.path, s.source FROM temp.selected s JOIN files f USING (sid)
WHERE s.status = 'active';
