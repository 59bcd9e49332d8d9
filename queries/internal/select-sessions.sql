-- The live sessions a command works on: every filter is a bound parameter, NULL meaning "any".
CREATE OR REPLACE TEMP TABLE selected_sids AS
SELECT sid FROM sessions
WHERE source = 'live'
  AND ($since::BIGINT IS NULL OR epoch_ms(start_time) >= $since::BIGINT)
  AND ($until::BIGINT IS NULL OR epoch_ms(start_time) < $until::BIGINT)
  AND ($model::VARCHAR IS NULL OR model = $model::VARCHAR)
  AND ($tag::VARCHAR IS NULL OR list_contains(tags, $tag::VARCHAR))
  AND ($project::VARCHAR IS NULL OR working_directory = $project::VARCHAR);
