-- Whether the index's live sessions can be summarised (summary.ts): the digest of the prices the
-- cost rows were computed with, how many live sessions there are and how many have no cost row
-- yet (not priced: the summary is then not written), and the largest sid (summary-index.ts keeps
-- each session's replies and tools by sid while the sessions are read).
SELECT (SELECT max(digest) FROM cost_prices) AS digest,
       count(*)::INTEGER AS sessions,
       (count(*) - count(c.sid))::INTEGER AS unpriced,
       coalesce((SELECT max(sid) FROM files), 0)::INTEGER AS last_sid
FROM sessions s
LEFT JOIN cost_rows c USING (sid)
WHERE s.source = 'live';
