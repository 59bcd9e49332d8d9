-- The live sessions an export writes into a pool: the month that partitions them, their file's
-- size and mtime when indexed (what tells a changed session) and their cost at the list prices in
-- temp.export_prices (NULL for a model without a price).
CREATE OR REPLACE TEMP TABLE export_now AS
SELECT s.sid, s.session_id, strftime(s.start_time, '%Y-%m') AS month, f.size AS file_size,
       f.mtime_ms AS file_mtime_ms,
       CASE WHEN p.model IS NULL THEN NULL
            ELSE (s.input * p.input) / 1000000.0::DOUBLE + (s.output * p.output) / 1000000.0::DOUBLE
       END AS cost_estimated_usd
FROM temp.selected s
JOIN files f USING (sid)
LEFT JOIN temp.export_prices p ON p.model = s.model;
