-- The manifest of the last complete refresh (dir_lines), its lines joined by newlines in no
-- particular order: a refresh compares them as a set (refresh.ts).
SELECT coalesce(string_agg(line, chr(10)), '') AS manifest FROM dir_lines;
