-- A month of the pool's messages table: those of the live sessions written now (content from
-- temp.export_message_text: none unless --with-text), then those of the carried copies.
SELECT n.session_id, $exported_at::TIMESTAMPTZ AS exported_at, m.seq, m.role::VARCHAR AS role,
       m.ts, m.tool_calls, m.input, m.output, m.interrupted, m.reply_ms, x.content
FROM message_rows m
JOIN temp.export_now n USING (sid)
LEFT JOIN temp.export_message_text x USING (sid, seq)
WHERE n.month = $month::VARCHAR
UNION ALL BY NAME
SELECT o.* EXCLUDE (machine, month, filename)
FROM {old} o
JOIN temp.export_carried c
  ON o.session_id = c.session_id AND o.exported_at = c.exported_at
 AND parse_filename(o.filename) = c.base
ORDER BY session_id, seq
