-- Each signature keeps the latest time a hit of its session can have (its newest): a search that
-- wants only the newest hits reads sessions in that order and stops early (search-index.ts).
-- Computing it at each search read every message's time, 30-40 ms of a later search over 10,000
-- sessions; it changes only with the session's rows, and a signature goes when they do. The
-- signatures kept get theirs here, as queries/internal/search-newest.sql gives new ones theirs.
ALTER TABLE search_grams ADD COLUMN newest TIMESTAMPTZ;
UPDATE search_grams g SET newest = n.newest
FROM (
  SELECT s.sid, greatest(s.start_time, coalesce(max(m.ts), s.start_time)) AS newest
  FROM sessions s LEFT JOIN message_rows m USING (sid)
  WHERE s.sid IN (SELECT sid FROM search_grams)
  GROUP BY s.sid, s.start_time
) n
WHERE g.sid = n.sid;
