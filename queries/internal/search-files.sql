-- The selected live sessions' files a search must read, as one JSON array (see jsonArray in
-- sql-files.ts), each with where its record is in the store when the index has its signature:
-- those with no signature yet, and those whose signature may hold every trigram key of the
-- needle ($keys, search-grams.ts). A key sets two bits of a signature of n bits, p and q below,
-- computed as mayHold computes them; bit p is bit p % 8 of byte p / 8, and get_bit numbers the
-- bits of a byte from its top, so it reads bit p at p XOR 7.
WITH sig AS (
  SELECT sid, store, pos, length, bits::BIT AS b, octet_length(bits) * 8 AS n FROM search_grams
)
SELECT to_json(list({
  'sid': f.sid, 'path': f.path, 'size': f.size::DOUBLE, 'mtimeMs': f.mtime_ms,
  'place': CASE WHEN g.sid IS NOT NULL THEN {'store': g.store, 'at': g.pos::DOUBLE, 'length': g.length} END
} ORDER BY f.sid))::VARCHAR AS files
FROM files f LEFT JOIN sig g USING (sid)
WHERE f.source = 'live' AND f.status = 'ok' AND f.sid IN (SELECT sid FROM temp.selected_sids)
  AND (g.sid IS NULL OR len($keys::BIGINT[]) = 0 OR list_bool_and(list_transform($keys::BIGINT[], k ->
    get_bit(g.b, xor(floor((k * 2654435761) % 4294967296 / 4294967296 * g.n)::INTEGER, 7)) = 1
    AND get_bit(g.b, xor(floor((xor(k, k >> 11) * 2146121005) % 4294967296 / 4294967296 * g.n)::INTEGER, 7)) = 1
  )))
