-- Each session's cost parts (the columns of queries/internal/session-costs.sql), kept once
-- computed: analytics commands then read 10,000 rows instead of pricing every API call again. A
-- row is made by the first command that selects the session and dropped with the session's other
-- rows; `has_calls` is false for a session with no usage row (it has no cost parts). cost_prices holds the digest
-- of the price table and the formula the rows were computed with (analytics/costs.ts): another
-- one drops them all.
CREATE TABLE cost_rows (
  sid INTEGER NOT NULL,
  has_calls BOOLEAN NOT NULL,
  exact_ticks VARCHAR,
  billed_calls BIGINT,
  estimated_calls BIGINT,
  unpriced_calls BIGINT,
  unpriced_sessions INTEGER,
  unknown_calls BIGINT,
  api_calls BIGINT,
  cached_input HUGEINT,
  reasoning HUGEINT,
  totals_only BOOLEAN,
  estimated DOUBLE
);
CREATE TABLE cost_prices (
  digest VARCHAR NOT NULL
);
