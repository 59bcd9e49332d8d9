-- Sessions, tokens and last activity per working directory
SELECT working_directory AS project,
       count(*) AS sessions,
       sum(total) AS tokens,
       max(coalesce(last_activity, start_time)) AS last_active
FROM unique_sessions
WHERE source = 'live'
GROUP BY project
ORDER BY tokens DESC;
