-- A month of the pool's api_calls table: the usage rows cost is computed from (the index's
-- api_calls) of the live sessions written now; pool-export.ts adds the carried copies'.
SELECT n.session_id, $exported_at::TIMESTAMPTZ AS exported_at, a.seq, a.idx, a.kind::VARCHAR AS kind,
       a.model, a.known, a.input, a.output, a.cached_input, a.reasoning, a.cost_ticks
FROM api_calls a
JOIN temp.export_now n USING (sid)
WHERE n.month = $month::VARCHAR
