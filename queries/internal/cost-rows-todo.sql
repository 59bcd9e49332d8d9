-- The selected sessions whose cost the index does not keep yet (cost_rows): to be priced.
CREATE OR REPLACE TEMP TABLE cost_todo AS
SELECT sid FROM temp.selected_sids
WHERE sid NOT IN (SELECT sid FROM cost_rows);
