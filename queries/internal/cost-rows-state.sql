-- Whether cost_rows serves the selected sessions: the digest its rows were computed with, and how
-- many selected sessions have no row yet.
SELECT (SELECT digest FROM cost_prices) AS digest,
       (SELECT count(*) FROM temp.selected_sids
        WHERE sid NOT IN (SELECT sid FROM cost_rows))::INTEGER AS missing;
