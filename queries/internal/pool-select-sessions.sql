-- The pooled sessions a command works on (select-sessions.sql over a pool), and --machine.
CREATE OR REPLACE TEMP TABLE selected_sids AS
SELECT sid FROM sessions
WHERE ($since::BIGINT IS NULL OR epoch_ms(start_time) >= $since::BIGINT)
  AND ($until::BIGINT IS NULL OR epoch_ms(start_time) < $until::BIGINT)
  AND ($model::VARCHAR IS NULL OR model = $model::VARCHAR)
  AND ($tag::VARCHAR IS NULL OR list_contains(tags, $tag::VARCHAR))
  AND ($project::VARCHAR IS NULL OR working_directory = $project::VARCHAR)
  AND ($machine::VARCHAR IS NULL OR machine = $machine::VARCHAR);
