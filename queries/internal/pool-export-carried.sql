-- The sessions of a partition's earlier files that this export does not write again (pruned,
-- archived, or outside its filters): kept as they are, the newest copy of each. {old} is the
-- partition's sessions files.
CREATE OR REPLACE TEMP TABLE export_carried AS
SELECT * EXCLUDE (machine, month, filename), parse_filename(filename) AS base
FROM {old}
WHERE session_id NOT IN (SELECT session_id FROM temp.export_now WHERE month = $month::VARCHAR)
QUALIFY row_number() OVER (
  PARTITION BY session_id
  ORDER BY exported_at DESC, parse_filename(filename) DESC
) = 1;
