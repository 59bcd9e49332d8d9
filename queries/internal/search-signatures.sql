-- The signatures of the selected sessions (search-grams.ts).
SELECT sid, bits FROM search_grams WHERE sid IN (SELECT sid FROM temp.selected_sids)
