-- Sessions still marked active: crashed unless a running grok holds their lock.
SELECT f.path FROM temp.selected s JOIN files f USING (sid)
WHERE s.status = 'active' AND s.source = 'live';
