-- A month of the pool's api_calls table: the usage rows cost is computed from (the index's
-- api_calls) of the live sessions written now, then those of the carried copies.
SELECT n.session_id, $exported_at::TIMESTAMPTZ AS exported_at, a.seq, a.idx, a.kind::VARCHAR AS kind,
       a.model, a.known, a.input, a.output, a.cached_input, a.reasoning, a.cost_ticks
FROM api_calls a
JOIN temp.export_now n USING (sid)
WHERE n.month = $month::VARCHAR
UNION ALL BY NAME
SELECT o.* EXCLUDE (machine, month, filename)
FROM {old} o
JOIN temp.export_carried c
  ON o.session_id = c.session_id AND o.exported_at = c.exported_at
 AND parse_filename(o.filename) = c.base
ORDER BY session_id, seq, idx
