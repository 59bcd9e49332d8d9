-- The selected live sessions a search must read, as one JSON object of two arrays: those with no
-- signature yet (`read`: their files, which the search reads and signs), and those whose
-- signature may hold every trigram key of the needle (`stored`: where their record is in the
-- store, and their newest, search-newest.sql's, in epoch microseconds, exact in a double; their
-- files are looked up only where needed, search-paths.sql: the paths were a third of the time).
-- A key sets two bits of a signature of n bits; $places holds, for each key, where its two bits
-- are as fractions of n (search-grams.ts: gramPlaces), and bit p = floor(fraction * n), as
-- mayHold computes it. Bit p is bit p % 8 of byte p / 8, and get_bit numbers the bits of a byte
-- from its top, so it reads bit p at p XOR 7.
WITH sig AS (
  SELECT sid, store, pos, length, newest, bits::BIT AS b, octet_length(bits) * 8 AS n
  FROM search_grams
)
SELECT to_json({
  'read': coalesce(list({
    'sid': f.sid, 'path': f.path, 'size': f.size::DOUBLE, 'mtimeMs': f.mtime_ms
  } ORDER BY f.sid) FILTER (WHERE g.sid IS NULL), []),
  'stored': coalesce(list({
    'sid': f.sid, 'store': g.store, 'at': g.pos::DOUBLE, 'length': g.length,
    'newest': epoch_us(g.newest)::DOUBLE
  } ORDER BY f.sid) FILTER (WHERE g.sid IS NOT NULL), [])
})::VARCHAR AS files
FROM files f LEFT JOIN sig g USING (sid)
WHERE f.source = 'live' AND f.status = 'ok' AND f.sid IN (SELECT sid FROM temp.selected_sids)
  AND (g.sid IS NULL OR len($places::DOUBLE[]) = 0 OR list_bool_and(list_transform(
    $places::DOUBLE[], x -> get_bit(g.b, xor(floor(x * g.n)::INTEGER, 7)) = 1
  )))
