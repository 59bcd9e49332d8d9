-- Tool results are kept whole in tool_call_text: the first 200 characters were kept before, and
-- search missed what a call returned past them. The text, loaded on demand, is read again.
DELETE FROM text_loaded;
DELETE FROM tool_call_text;
DELETE FROM message_text;
