-- The selected sessions, kept aside while the browser narrows temp.selected_sids to the newest
-- ones of its first screen (browse-newest-sids.sql); browse-whole-selection.sql puts them back.
CREATE OR REPLACE TEMP TABLE browse_all_sids AS
SELECT sid FROM temp.selected_sids;
