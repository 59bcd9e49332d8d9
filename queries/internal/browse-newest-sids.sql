-- The browser's first screen: the newest $limit of the kept selection (browse-keep-selection.sql),
-- in the directory $dir when it is not NULL, as temp.selected_sids, so that the queries over the
-- selection (session costs, the rows) do only their work.
CREATE OR REPLACE TEMP TABLE selected_sids AS
SELECT sid FROM sessions
WHERE sid IN (SELECT sid FROM temp.browse_all_sids)
  AND ($dir::VARCHAR IS NULL OR working_directory = $dir::VARCHAR)
ORDER BY epoch_ms(start_time) DESC, file DESC
LIMIT $limit::BIGINT;
