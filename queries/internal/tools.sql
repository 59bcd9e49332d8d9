-- Calls per tool over the selected sessions; a failed call is one whose result reports an error.
SELECT st.tool,
       sum(st.calls)::BIGINT AS calls,
       count(*) AS sessions,
       sum(st.failed)::BIGINT AS failed
FROM session_tools st
JOIN temp.selected_sids USING (sid)
GROUP BY st.tool
ORDER BY calls DESC, st.tool;
