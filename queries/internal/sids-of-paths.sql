-- The sids of live files by path ($paths: a JSON array of paths), as one JSON array.
SELECT to_json(list(sid))::VARCHAR AS sids
FROM files
WHERE source = 'live' AND path IN (SELECT unnest(from_json($paths, '["VARCHAR"]')));
