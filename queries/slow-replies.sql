-- The 20 slowest replies: time from a user message to the assistant's answer
WITH pairs AS (
  SELECT sid, seq, role, ts, lead(role) OVER w AS next_role, lead(ts) OVER w AS next_ts
  FROM message_rows
  WINDOW w AS (PARTITION BY sid ORDER BY seq)
)
SELECT s.file AS session, p.ts AS asked_at, epoch_ms(p.next_ts) - epoch_ms(p.ts) AS reply_ms, s.model
FROM pairs p JOIN unique_sessions s USING (sid)
WHERE p.role = 'user' AND p.next_role = 'assistant' AND s.source = 'live'
ORDER BY reply_ms DESC NULLS LAST
LIMIT 20;
