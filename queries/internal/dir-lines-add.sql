-- Adds the manifest lines $lines (joined by newlines; none when empty) to dir_lines.
INSERT INTO dir_lines
SELECT unnest(string_split($lines::VARCHAR, chr(10))) WHERE $lines::VARCHAR <> '';
