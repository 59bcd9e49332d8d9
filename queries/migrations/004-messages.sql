CREATE TABLE messages (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  role VARCHAR NOT NULL,
  content VARCHAR,
  ts TIMESTAMPTZ,
  tool_calls INTEGER NOT NULL,
  input INTEGER,
  output INTEGER,
  interrupted BOOLEAN NOT NULL
);
