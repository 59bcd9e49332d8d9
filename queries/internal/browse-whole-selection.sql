-- The selection kept aside by browse-keep-selection.sql, as temp.selected_sids again.
CREATE OR REPLACE TEMP TABLE selected_sids AS
SELECT sid FROM temp.browse_all_sids;
