-- The 10 sessions with the most tokens (the seed's "most expensive sessions")
SELECT total, session_id, model, start_time, messages
FROM unique_sessions
WHERE source = 'live'
ORDER BY total DESC, start_time DESC
LIMIT 10;
