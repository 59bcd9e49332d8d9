-- The newest of each signature just made (search-index.ts): the latest time a hit of its session
-- can have. A hit's time is its message's, or the session's start for a message without one
-- (search-found.sql), so no hit of a session is later than the greater of its start and its
-- latest message. A search that wants only the newest hits reads the sessions in this order,
-- newest first, and stops once no session left could hold a hit newer than those it has.
UPDATE search_grams g SET newest = n.newest
FROM (
  SELECT s.sid, greatest(s.start_time, coalesce(max(m.ts), s.start_time)) AS newest
  FROM sessions s LEFT JOIN message_rows m USING (sid)
  WHERE s.sid IN (SELECT sid FROM search_grams WHERE newest IS NULL)
  GROUP BY s.sid, s.start_time
) n
WHERE g.sid = n.sid AND g.newest IS NULL
