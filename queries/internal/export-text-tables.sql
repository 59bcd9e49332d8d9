-- What an export writes of the selected sessions' text and labels: empty unless --with-text
-- (src/analytics/export-text.ts fills them, redacted unless --no-redact).
CREATE OR REPLACE TEMP TABLE export_message_text (sid INTEGER, seq INTEGER, content VARCHAR);
CREATE OR REPLACE TEMP TABLE export_tool_call_text (
  sid INTEGER, seq INTEGER, idx INTEGER, parameters VARCHAR, result VARCHAR
);
CREATE OR REPLACE TEMP TABLE export_labels (sid INTEGER, name VARCHAR, tags_json VARCHAR);
