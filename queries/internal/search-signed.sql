-- Each store file signatures point into, with the bytes of their records, as one JSON array.
SELECT coalesce(to_json(list({'store': store, 'live': live})), '[]')::VARCHAR
FROM (SELECT store, sum(length)::DOUBLE AS live FROM search_grams GROUP BY store)
