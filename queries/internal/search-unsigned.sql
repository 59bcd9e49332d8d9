-- How many selected live sessions have no signature yet: a search reads each one's file.
SELECT count(*)::INTEGER AS unsigned
FROM files f
WHERE f.source = 'live' AND f.status = 'ok' AND f.sid IN (SELECT sid FROM temp.selected_sids)
  AND f.sid NOT IN (SELECT sid FROM search_grams)
