-- The price table in force (the dated data file with settings.json on top), one row per model id,
-- every rate resolved, from the JSON array $prices (analytics/pricing.ts: priceRows).
CREATE OR REPLACE TEMP TABLE prices AS
SELECT unnest(
         from_json($prices::JSON,
           '[{"model":"VARCHAR","input":"DOUBLE","cached_input":"DOUBLE","output":"DOUBLE","lc_threshold":"BIGINT","lc_input":"DOUBLE","lc_cached_input":"DOUBLE","lc_output":"DOUBLE"}]'),
         recursive := true);
