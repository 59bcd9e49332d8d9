-- The names the summary's sessions and tools refer to by place (summary-sessions.sql,
-- summary-tools.sql), as one JSON object of lists, each in the order those places count.
SELECT to_json({
  models: (SELECT coalesce(list(model ORDER BY model), [])
           FROM (SELECT DISTINCT model FROM sessions WHERE source = 'live')),
  directories: (SELECT coalesce(list(working_directory ORDER BY working_directory), [])
                FROM (SELECT DISTINCT working_directory FROM sessions
                      WHERE source = 'live' AND working_directory IS NOT NULL)),
  tools: (SELECT coalesce(list(tool ORDER BY tool), [])
          FROM (SELECT DISTINCT tool FROM session_tools
                WHERE sid IN (SELECT sid FROM sessions WHERE source = 'live')))
})::VARCHAR AS names;
