-- A pool's sessions (pool-views.sql), read once into memory with their summary: the newest copy
-- of each (machine, session id) in the partitions that are not tidy, then the filters of the
-- command (select-sessions.sql and --machine; all NULL for `query`), so that every session of the
-- table is a selected one (pool-selected.sql). {session_columns}: the sessions' columns
-- (pool.ts), those the command never reads left NULL.
CREATE TABLE sessions AS
SELECT *
FROM (
  SELECT hash(machine, session_id, exported_at) AS sid, 'pool' AS source, machine, month,
         {session_columns}
  FROM {sessions_tidy}
  UNION ALL
  SELECT hash(machine, session_id, exported_at) AS sid, 'pool' AS source, machine, month,
         {session_columns}
  FROM {sessions_untidy}
  QUALIFY row_number() OVER (
    PARTITION BY machine, session_id
    ORDER BY exported_at DESC, parse_filename(filename) DESC
  ) = 1
)
WHERE ($since::BIGINT IS NULL OR epoch_ms(start_time) >= $since::BIGINT)
  AND ($until::BIGINT IS NULL OR epoch_ms(start_time) < $until::BIGINT)
  AND ($model::VARCHAR IS NULL OR model = $model::VARCHAR)
  AND ($tag::VARCHAR IS NULL OR list_contains(tags, $tag::VARCHAR))
  AND ($project::VARCHAR IS NULL OR working_directory = $project::VARCHAR)
  AND ($machine::VARCHAR IS NULL OR machine = $machine::VARCHAR);
