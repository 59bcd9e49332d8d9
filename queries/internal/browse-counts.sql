-- How many sessions the browser lists, and how many of them were recorded in the directory
-- $cwd: what its first screen says while only the newest rows are loaded.
SELECT count(*) AS total,
       count(*) FILTER (WHERE working_directory = $cwd::VARCHAR) AS here
FROM temp.selected;
