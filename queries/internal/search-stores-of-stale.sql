-- The store files that hold the text of the sessions about to be dropped (temp.stale), as one
-- JSON array: they go with them, and the other sessions they hold are signed again when searched.
SELECT coalesce(to_json(list(DISTINCT store)), '[]')::VARCHAR
FROM search_grams
WHERE sid IN (SELECT sid FROM temp.stale)
