-- Removes the manifest lines $lines (joined by newlines) from dir_lines.
DELETE FROM dir_lines
WHERE line IN (SELECT unnest(string_split($lines::VARCHAR, chr(10))));
