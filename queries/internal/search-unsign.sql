-- Sessions whose record is to be made again (lost, or in a store file mostly left over) lose
-- their signature: the search reads their session files. Both lists are JSON arrays.
DELETE FROM search_grams
WHERE sid IN (SELECT unnest(from_json($sids::VARCHAR, '["INTEGER"]')))
   OR store IN (SELECT unnest(from_json($stores::VARCHAR, '["VARCHAR"]')))
