-- The latest time a hit of each selected live session can have, as one JSON array (see jsonArray
-- in sql-files.ts): a hit's time is its message's, or the session's start for a message without
-- one (search-found.sql), so no hit of a session is later than the greater of its start and its
-- latest message. In epoch microseconds, as search-found.sql gives a hit's (exact in a double).
-- A search that wants only the newest hits reads the sessions in this order, newest first, and
-- stops once no session left could hold a hit newer than those it has (search-index.ts).
SELECT to_json(list({
  'sid': s.sid,
  'newest': epoch_us(greatest(s.start_time, coalesce(m.last, s.start_time)))::DOUBLE
}))::VARCHAR AS newest
FROM temp.selected s
LEFT JOIN (
  SELECT sid, max(ts) AS last FROM message_rows
  WHERE sid IN (SELECT sid FROM temp.selected_sids)
  GROUP BY sid
) m USING (sid)
WHERE s.source = 'live'
