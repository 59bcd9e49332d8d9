-- The reply latency measures, for latency.sql (over all the selected sessions) and
-- latency-by-model.sql (per session model): how many replies have a latency (from a user message
-- to the assistant message right after it, computed at index time), its median and 95th
-- percentile, and the output and time of the replies that have their own usage, for output tokens
-- per second. A macro of aggregates, made for the connection before those queries run. The two
-- percentiles are one aggregate (DuckDB computes the same expression once): the median is
-- quantile_cont at 0.5, and one selection over the values serves both.
CREATE OR REPLACE TEMP MACRO reply_latency(reply_ms, output) AS {
  'replies': count(reply_ms),
  'median_ms': quantile_cont(reply_ms, [0.5, 0.95])[1],
  'p95_ms': quantile_cont(reply_ms, [0.5, 0.95])[2],
  'timed_output': sum(output) FILTER (WHERE output IS NOT NULL AND reply_ms > 0),
  'timed_ms': sum(reply_ms) FILTER (WHERE output IS NOT NULL AND reply_ms > 0)
};
