-- Each live session's reply latencies in order, with the output of each reply, for the summary
-- (summary-index.ts): by sid, then in the order of the messages; NaN for no output.
SELECT sid, reply_ms, coalesce(output::DOUBLE, 'NaN'::DOUBLE) AS output
FROM message_rows
WHERE reply_ms IS NOT NULL
  AND sid IN (SELECT sid FROM sessions WHERE source = 'live')
ORDER BY sid, seq;
